//! The options page's CRM section: connect Request Tracker (URL, credentials, queue),
//! test the connection, see what waits to be sent. Credentials go to the service worker
//! once and are never shown again.

use super::chrome;
use crate::core::crm::config::CrmConfig;
use crate::core::crm::rt::{RtAuth, RtConfig};
use serde_json::json;
use yew::prelude::*;

#[derive(Clone, PartialEq, Default)]
struct Form {
    url: String,
    token_auth: bool,
    token: String,
    user: String,
    password: String,
    queue: String,
}

impl Form {
    fn config(&self) -> CrmConfig {
        let auth = if self.token_auth { RtAuth::Token { token: self.token.trim().into() } } else { RtAuth::Basic { user: self.user.trim().into(), password: self.password.clone() } };
        CrmConfig::Rt(RtConfig { url: self.url.trim().trim_end_matches('/').into(), auth, queue: self.queue.trim().into() })
    }
}

#[derive(Clone, PartialEq)]
enum Note {
    None,
    Busy(String),
    Good(String),
    Bad(String),
}

#[function_component(CrmSettings)]
pub fn crm_settings() -> Html {
    let form = use_state(|| Form { token_auth: true, queue: "General".into(), ..Form::default() });
    let connected = use_state(|| None::<serde_json::Value>);
    let note = use_state(|| Note::None);
    let queue = use_state(|| None::<serde_json::Value>);
    let refresh = {
        let (connected, queue) = (connected.clone(), queue.clone());
        move || {
            let (connected, queue) = (connected.clone(), queue.clone());
            wasm_bindgen_futures::spawn_local(async move {
                if let Ok(v) = chrome::send_json(&json!({ "kind": "crm_config" })).await {
                    connected.set(v.get("config").filter(|c| !c.is_null()).cloned());
                }
                if let Ok(v) = chrome::send_json(&json!({ "kind": "crm_status" })).await {
                    queue.set(Some(v));
                }
            });
        }
    };
    {
        let refresh = refresh.clone();
        use_effect_with((), move |_| refresh());
    }
    let input = |set: fn(&mut Form, String)| {
        let form = form.clone();
        Callback::from(move |e: InputEvent| {
            let i: web_sys::HtmlInputElement = e.target_unchecked_into();
            let mut f = (*form).clone();
            set(&mut f, i.value());
            form.set(f);
        })
    };
    let on_auth = {
        let form = form.clone();
        Callback::from(move |e: Event| {
            let s: web_sys::HtmlSelectElement = e.target_unchecked_into();
            let mut f = (*form).clone();
            f.token_auth = s.value() == "token";
            form.set(f);
        })
    };
    let on_save = {
        let (form, note, refresh) = (form.clone(), note.clone(), refresh.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let config = match form.config().validated() {
                Ok(c) => c,
                Err(m) => return note.set(Note::Bad(m)),
            };
            let origin = match config.origin_pattern() {
                Ok(o) => o,
                Err(m) => return note.set(Note::Bad(m)),
            };
            // Asked now, inside the click: the browser only shows the prompt for a gesture.
            let ask = chrome::request_access(&origin, &["webRequest"]);
            let (note, refresh) = (note.clone(), refresh.clone());
            note.set(Note::Busy(format!("Asking the browser for access to {origin}…")));
            wasm_bindgen_futures::spawn_local(async move {
                let ok = match ask {
                    Ok(p) => chrome::granted(p).await,
                    Err(m) => return note.set(Note::Bad(m)),
                };
                if !ok {
                    return note.set(Note::Bad(format!("Access to {origin} was not allowed, so Tactful can't reach the CRM.")));
                }
                note.set(Note::Busy("Testing the connection…".into()));
                let cfg = serde_json::to_value(&config).unwrap_or_default();
                match chrome::send_json(&json!({ "kind": "crm_test", "config": cfg })).await {
                    Ok(v) if v["ok"] == true => {}
                    Ok(v) => return note.set(Note::Bad(v["message"].as_str().unwrap_or("The connection failed.").to_string())),
                    Err(m) => return note.set(Note::Bad(m)),
                }
                match chrome::send_json(&json!({ "kind": "crm_configure", "config": cfg })).await {
                    Ok(_) => {
                        note.set(Note::Good("Connected. Replies and hand-offs are now logged in Request Tracker.".into()));
                        refresh();
                    }
                    Err(m) => note.set(Note::Bad(m)),
                }
            });
        })
    };
    let on_test = {
        let note = note.clone();
        Callback::from(move |_| {
            let note = note.clone();
            note.set(Note::Busy("Testing the connection…".into()));
            wasm_bindgen_futures::spawn_local(async move {
                match chrome::send_json(&json!({ "kind": "crm_test" })).await {
                    Ok(v) if v["ok"] == true => note.set(Note::Good(v["message"].as_str().unwrap_or("Connected.").to_string())),
                    Ok(v) => note.set(Note::Bad(v["message"].as_str().unwrap_or("The connection failed.").to_string())),
                    Err(m) => note.set(Note::Bad(m)),
                }
            });
        })
    };
    let on_disconnect = {
        let (note, refresh) = (note.clone(), refresh.clone());
        Callback::from(move |_| {
            let (note, refresh) = (note.clone(), refresh.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match chrome::send_json(&json!({ "kind": "crm_configure", "config": null })).await {
                    Ok(_) => {
                        note.set(Note::Good("Disconnected; the local CRM keeps working.".into()));
                        refresh();
                    }
                    Err(m) => note.set(Note::Bad(m)),
                }
            });
        })
    };
    let f = (*form).clone();
    let status_line = queue.as_ref().and_then(|q| q["summary"].as_str().map(String::from));
    html! {
      <section class="crm" aria-labelledby="crm-title">
        <h2 id="crm-title">{ "CRM" }</h2>
        if let Some(c) = &*connected {
            <p id="crm-connected">{ format!("Connected to {} at {}", c["name"].as_str().unwrap_or(""), c["url"].as_str().unwrap_or("")) }
              if let Some(u) = c["user"].as_str() { { format!(" as {u}") } }
              { "." }</p>
            <button type="button" id="crm-test" onclick={on_test}>{ "Test connection" }</button>
            <button type="button" id="crm-disconnect" onclick={on_disconnect}>{ "Disconnect" }</button>
            if let Some(s) = status_line { <p id="crm-queue">{ s }</p> }
        } else {
            <p class="muted">{ "Without a CRM, Tactful keeps customer history in this browser. Connect Request Tracker to read and write your team's records." }</p>
        }
        <form onsubmit={on_save} aria-describedby="crm-note">
          <div class="field"><label for="crm-url">{ "Request Tracker URL" }</label>
            <input id="crm-url" type="url" placeholder="https://rt.example.com" value={f.url.clone()} oninput={input(|f, v| f.url = v)} /></div>
          <div class="field"><label for="crm-auth">{ "Sign in with" }</label>
            <select id="crm-auth" onchange={on_auth}>
              <option value="token" selected={f.token_auth}>{ "Auth token" }</option>
              <option value="basic" selected={!f.token_auth}>{ "User and password" }</option>
            </select></div>
          if f.token_auth {
              <div class="field"><label for="crm-token">{ "Auth token" }</label>
                <input id="crm-token" type="password" autocomplete="off" value={f.token.clone()} oninput={input(|f, v| f.token = v)} /></div>
          } else {
              <div class="field"><label for="crm-user">{ "User" }</label>
                <input id="crm-user" type="text" autocomplete="off" value={f.user.clone()} oninput={input(|f, v| f.user = v)} /></div>
              <div class="field"><label for="crm-password">{ "Password" }</label>
                <input id="crm-password" type="password" autocomplete="off" value={f.password.clone()} oninput={input(|f, v| f.password = v)} /></div>
          }
          <div class="field"><label for="crm-queue-name">{ "Queue for new tickets" }</label>
            <input id="crm-queue-name" type="text" value={f.queue.clone()} oninput={input(|f, v| f.queue = v)} /></div>
          <button type="submit" id="crm-save">{ "Connect" }</button>
        </form>
        <p id="crm-note" role="status" class={classes!(matches!(*note, Note::Bad(_)).then_some("error"))}>
          { match &*note { Note::None => String::new(), Note::Busy(m) | Note::Good(m) | Note::Bad(m) => m.clone() } }
        </p>
      </section>
    }
}
