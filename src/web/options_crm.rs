//! The options page's CRM section: connect Request Tracker (URL, credentials, queue),
//! test the connection, see what waits to be sent. Credentials go to the service worker
//! once and are never shown again.

use super::chrome;
use crate::core::crm::config::CrmConfig;
use crate::core::crm::rt::{RtAuth, RtConfig};
use crate::core::crm::config::PublicConfig;
use crate::core::protocol::{PanelRequest, Response};
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

pub(super) const UNEXPECTED: &str = "Tactful's background worker gave an unexpected answer.";

/// A section's status line: nothing yet, work in progress, done, or what went wrong.
#[derive(Clone, PartialEq)]
pub(super) enum Note {
    None,
    Busy(String),
    Good(String),
    Bad(String),
}

#[function_component(CrmSettings)]
pub fn crm_settings() -> Html {
    let form = use_state(|| Form { token_auth: true, queue: "General".into(), ..Form::default() });
    let connected = use_state(|| None::<PublicConfig>);
    let note = use_state(|| Note::None);
    let queue = use_state(|| None::<String>);
    let refresh = {
        let (connected, queue) = (connected.clone(), queue.clone());
        move || {
            let (connected, queue) = (connected.clone(), queue.clone());
            wasm_bindgen_futures::spawn_local(async move {
                if let Ok(Response::CrmConfig { config }) = chrome::ask(PanelRequest::CrmConfig).await {
                    connected.set(config);
                }
                if let Ok(Response::CrmStatus { summary, .. }) = chrome::ask(PanelRequest::CrmStatus).await {
                    queue.set(summary);
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
                match chrome::ask(PanelRequest::CrmTest { config: Some(config.clone()) }).await {
                    Ok(Response::CrmTest { ok: true, .. }) => {}
                    Ok(Response::CrmTest { message, .. }) => return note.set(Note::Bad(message)),
                    Ok(_) => return note.set(Note::Bad(UNEXPECTED.into())),
                    Err(m) => return note.set(Note::Bad(m)),
                }
                match chrome::ask(PanelRequest::CrmConfigure { config: Some(config) }).await {
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
                match chrome::ask(PanelRequest::CrmTest { config: None }).await {
                    Ok(Response::CrmTest { ok: true, message }) => note.set(Note::Good(message)),
                    Ok(Response::CrmTest { message, .. }) => note.set(Note::Bad(message)),
                    Ok(_) => note.set(Note::Bad(UNEXPECTED.into())),
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
                match chrome::ask(PanelRequest::CrmConfigure { config: None }).await {
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
    let status_line = (*queue).clone();
    html! {
      <section class="crm" aria-labelledby="crm-title">
        <h2 id="crm-title">{ "CRM" }</h2>
        if let Some(c) = &*connected {
            <p id="crm-connected">{ format!("Connected to {} at {}", c.name, c.url) }
              if let Some(u) = &c.user { { format!(" as {u}") } }
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

/// A customer's privacy request: export everything the local CRM holds about them, or
/// erase it.
#[function_component(PrivacyRequests)]
pub fn privacy_requests() -> Html {
    let network = use_state(|| "x".to_string());
    let value = use_state(String::new);
    let note = use_state(|| Note::None);
    let armed = use_state(|| false);
    let on_network = {
        let network = network.clone();
        Callback::from(move |e: Event| network.set(e.target_unchecked_into::<web_sys::HtmlSelectElement>().value()))
    };
    let on_value = {
        let (value, armed) = (value.clone(), armed.clone());
        Callback::from(move |e: InputEvent| {
            value.set(e.target_unchecked_into::<web_sys::HtmlInputElement>().value());
            armed.set(false);
        })
    };
    let on_export = {
        let (network, value, note) = (network.clone(), value.clone(), note.clone());
        Callback::from(move |_| {
            let (n, v, note) = ((*network).clone(), (*value).clone(), note.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match chrome::ask(PanelRequest::CrmCustomerExport { network: n.clone(), value: v.clone() }).await {
                    Ok(Response::CrmCustomerExport { snapshot }) => {
                        let text = serde_json::to_string_pretty(&snapshot).unwrap_or_default();
                        let count = snapshot.interactions.len();
                        match download(&format!("tactful-customer-{n}-{}.json", v.trim_start_matches('@')), &text) {
                            Ok(()) => note.set(Note::Good(format!("Exported the customer's record and {count} interactions."))),
                            Err(m) => note.set(Note::Bad(m)),
                        }
                    }
                    Ok(_) => note.set(Note::Bad(UNEXPECTED.into())),
                    Err(m) => note.set(Note::Bad(m)),
                }
            });
        })
    };
    let on_delete = {
        let (network, value, note, armed) = (network.clone(), value.clone(), note.clone(), armed.clone());
        Callback::from(move |_| {
            // Two presses: erasing can't be undone.
            if !*armed {
                armed.set(true);
                return note.set(Note::Busy("Press “Delete their data” again to erase this customer from the local CRM.".into()));
            }
            armed.set(false);
            let (n, v, note) = ((*network).clone(), (*value).clone(), note.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match chrome::ask(PanelRequest::CrmCustomerDelete { network: n, value: v }).await {
                    Ok(Response::CrmCustomerDeleted { interactions }) => note.set(Note::Good(format!("Deleted the customer and {interactions} interactions from the local CRM."))),
                    Ok(_) => note.set(Note::Bad(UNEXPECTED.into())),
                    Err(m) => note.set(Note::Bad(m)),
                }
            });
        })
    };
    let networks = ["x", "facebook", "instagram", "linkedin", "reddit", "youtube", "email"];
    html! {
      <section class="privacy" aria-labelledby="privacy-title">
        <h2 id="privacy-title">{ "A customer's privacy request" }</h2>
        <p class="muted">{ "Export or erase what the local CRM holds about one customer." }</p>
        <div class="field"><label for="privacy-network">{ "Network" }</label>
          <select id="privacy-network" onchange={on_network}>
            { for networks.iter().map(|n| html! { <option value={*n} selected={*network == *n}>{ *n }</option> }) }
          </select></div>
        <div class="field"><label for="privacy-value">{ "Handle or email" }</label>
          <input id="privacy-value" type="text" autocomplete="off" value={(*value).clone()} oninput={on_value} /></div>
        <button type="button" id="privacy-export" onclick={on_export}>{ "Export their data" }</button>
        <button type="button" id="privacy-delete" onclick={on_delete}>{ "Delete their data" }</button>
        <p id="privacy-note" role="status" class={classes!(matches!(*note, Note::Bad(_)).then_some("error"))}>
          { match &*note { Note::None => String::new(), Note::Busy(m) | Note::Good(m) | Note::Bad(m) => m.clone() } }
        </p>
      </section>
    }
}

/// Saves text as a file through the browser's download of a blob URL.
pub(super) fn download(name: &str, text: &str) -> Result<(), String> {
    use wasm_bindgen::JsCast;
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type("application/json");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &opts).map_err(|_| "the browser couldn't make the file".to_string())?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(|_| "the browser couldn't make the file".to_string())?;
    let doc = web_sys::window().and_then(|w| w.document()).ok_or("no document")?;
    let a: web_sys::HtmlAnchorElement = doc.create_element("a").map_err(|_| "no link")?.dyn_into().map_err(|_| "no link")?;
    a.set_href(&url);
    a.set_download(name);
    a.click();
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(())
}

/// The whole local CRM: a backup file out, or a backup (or another browser's export) in,
/// replacing what is here only if the whole file is valid.
#[function_component(LocalStore)]
pub fn local_store() -> Html {
    let note = use_state(|| Note::None);
    let on_export = {
        let note = note.clone();
        Callback::from(move |_| {
            let note = note.clone();
            wasm_bindgen_futures::spawn_local(async move {
                match chrome::ask(PanelRequest::CrmExport).await {
                    Ok(Response::CrmExport { snapshot: s }) => {
                        let text = serde_json::to_string(&s).unwrap_or_default();
                        match download("tactful-crm.json", &text) {
                            Ok(()) => note.set(Note::Good(format!("Exported {} customers and {} interactions.", s.customers.len(), s.interactions.len()))),
                            Err(m) => note.set(Note::Bad(m)),
                        }
                    }
                    Ok(_) => note.set(Note::Bad(UNEXPECTED.into())),
                    Err(m) => note.set(Note::Bad(m)),
                }
            });
        })
    };
    let on_import = {
        let note = note.clone();
        Callback::from(move |e: Event| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            let Some(file) = input.files().and_then(|f| f.get(0)) else { return };
            let note = note.clone();
            note.set(Note::Busy(format!("Reading {}…", file.name())));
            wasm_bindgen_futures::spawn_local(async move {
                let Some(text) = chrome::file_text(&file).await else { return note.set(Note::Bad("The browser couldn't read that file.".into())) };
                let snapshot: serde_json::Value = match serde_json::from_str(&text) {
                    Ok(v) => v,
                    Err(e) => return note.set(Note::Bad(format!("That file is not a Tactful CRM export (line {}: {e}); nothing was imported.", e.line()))),
                };
                note.set(Note::Busy("Checking and importing…".into()));
                match chrome::ask(PanelRequest::CrmImport { snapshot }).await {
                    Ok(Response::CrmImported { customers, interactions }) => note.set(Note::Good(format!("Imported {customers} customers and {interactions} interactions; they replace what was here."))),
                    Ok(_) => note.set(Note::Bad(UNEXPECTED.into())),
                    Err(m) => note.set(Note::Bad(m)),
                }
            });
        })
    };
    html! {
      <section class="local-crm" aria-labelledby="local-crm-title">
        <h2 id="local-crm-title">{ "Local CRM backup" }</h2>
        <p class="muted">{ "Everything the local CRM holds, as one file: to back it up or move it to another browser. Importing replaces the local CRM, and only if the whole file is valid." }</p>
        <button type="button" id="crm-store-export" onclick={on_export}>{ "Export the local CRM" }</button>
        <label for="crm-store-import">{ "Import a backup" }</label>
        <input id="crm-store-import" type="file" accept=".json,application/json" onchange={on_import} />
        <p id="crm-store-note" role="status" class={classes!(matches!(*note, Note::Bad(_)).then_some("error"))}>
          { match &*note { Note::None => String::new(), Note::Busy(m) | Note::Good(m) | Note::Bad(m) => m.clone() } }
        </p>
      </section>
    }
}
