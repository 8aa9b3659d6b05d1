//! The options page (Yew): the team's settings.

use super::chrome;
use crate::core::protocol::{PanelRequest, Response};
use crate::core::settings::Settings;
use crate::core::sites::{self, SiteId};
use crate::core::tone::{Checker, Severity, ToneSettings};
use wasm_bindgen::prelude::*;
use yew::prelude::*;

#[derive(Clone, PartialEq)]
enum Status {
    Idle,
    Working(&'static str),
    Saved,
    Failed(String),
}

#[function_component(Options)]
fn options() -> Html {
    let settings = use_state(|| None::<Settings>);
    let status = use_state(|| Status::Working("Loading settings…"));
    {
        let (settings, status) = (settings.clone(), status.clone());
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                match chrome::send(PanelRequest::GetSettings).await {
                    Ok(Response::Settings { settings: s }) => {
                        settings.set(Some(s));
                        status.set(Status::Idle);
                    }
                    Ok(Response::Error { message }) => status.set(Status::Failed(message)),
                    Ok(_) => status.set(Status::Failed("unexpected answer from Tactful's worker".into())),
                    Err(e) => status.set(Status::Failed(e)),
                }
            });
        });
    }
    let onsubmit = {
        let (settings, status) = (settings.clone(), status.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(current) = (*settings).clone() else { return };
            // The same check the worker makes, here first: a number field left empty is
            // named rather than sent.
            if let Err(e) = current.clone().validated() {
                status.set(Status::Failed(format!("Not saved: {e}.")));
                return;
            }
            let (settings, status) = (settings.clone(), status.clone());
            status.set(Status::Working("Saving…"));
            wasm_bindgen_futures::spawn_local(async move {
                match chrome::send(PanelRequest::SaveSettings { settings: current }).await {
                    Ok(Response::Settings { settings: s }) => {
                        settings.set(Some(s));
                        status.set(Status::Saved);
                    }
                    Ok(Response::Error { message }) => status.set(Status::Failed(message)),
                    Ok(_) => status.set(Status::Failed("unexpected answer from Tactful's worker".into())),
                    Err(e) => status.set(Status::Failed(e)),
                }
            });
        })
    };
    let field = |site: SiteId, current: &Settings| {
        let name = sites::profile(site).name.clone();
        let value = current.brand_handle(site).unwrap_or("").to_string();
        let id = format!("brand-{}", name.to_lowercase());
        let oninput = {
            let settings = settings.clone();
            Callback::from(move |e: InputEvent| {
                let input: web_sys::HtmlInputElement = e.target_unchecked_into();
                if let Some(mut s) = (*settings).clone() {
                    s.brand_handles.insert(site, input.value());
                    settings.set(Some(s));
                }
            })
        };
        html! {
            <div class="field">
              <label for={id.clone()}>{ name }</label>
              <input id={id} type="text" autocomplete="off" spellcheck="false" value={value} {oninput} />
            </div>
        }
    };
    // The rule list comes from the core loaded in this page; no round trip needed.
    let catalogue = Checker::new(ToneSettings::default()).catalogue();
    let rule_row = |id: &'static str, describe: &'static str, current: &Settings| {
        let enabled = !current.tone.disabled.contains(id);
        let severity = current.tone.severity.get(id).copied();
        let ontoggle = {
            let settings = settings.clone();
            Callback::from(move |e: Event| {
                let input: web_sys::HtmlInputElement = e.target_unchecked_into();
                if let Some(mut s) = (*settings).clone() {
                    if input.checked() {
                        s.tone.disabled.remove(id);
                    } else {
                        s.tone.disabled.insert(id.to_string());
                    }
                    settings.set(Some(s));
                }
            })
        };
        let onseverity = {
            let settings = settings.clone();
            Callback::from(move |e: Event| {
                let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
                if let Some(mut s) = (*settings).clone() {
                    match serde_json::from_value::<Severity>(serde_json::Value::String(select.value())) {
                        Ok(sev) => s.tone.severity.insert(id.to_string(), sev),
                        Err(_) => s.tone.severity.remove(id),
                    };
                    settings.set(Some(s));
                }
            })
        };
        let opt = |value: &'static str, label: &'static str, selected: bool| html! { <option {value} {selected}>{ label }</option> };
        let sev_name = severity.and_then(|s| serde_json::to_value(s).ok()).and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
        html! {
            <div class="rule">
              <input type="checkbox" id={format!("rule-{id}")} checked={enabled} onchange={ontoggle} />
              <label for={format!("rule-{id}")}>{ describe }</label>
              <select id={format!("severity-{id}")} aria-label={format!("Severity of {id}")} onchange={onseverity}>
                { opt("", "default", sev_name.is_empty()) }
                { opt("hint", "hint", sev_name == "hint") }
                { opt("warning", "warning", sev_name == "warning") }
                { opt("critical", "critical", sev_name == "critical") }
              </select>
            </div>
        }
    };
    let onpatterns = {
        let settings = settings.clone();
        Callback::from(move |e: InputEvent| {
            let area: web_sys::HtmlTextAreaElement = e.target_unchecked_into();
            if let Some(mut s) = (*settings).clone() {
                s.tone.order_patterns = area.value().lines().map(str::to_string).collect();
                settings.set(Some(s));
            }
        })
    };
    let text_field = |id: &'static str, label: &'static str, value: String, set: fn(&mut Settings, String)| {
        let settings = settings.clone();
        let oninput = Callback::from(move |e: InputEvent| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            if let Some(mut s) = (*settings).clone() {
                set(&mut s, input.value());
                settings.set(Some(s));
            }
        });
        html! {
            <div class="field">
              <label for={id}>{ label }</label>
              <input {id} type="text" autocomplete="off" {value} {oninput} />
            </div>
        }
    };
    // Numbers: what the agent typed goes into the settings as is (empty or nonsense is NaN
    // or 0), and saving names the field that can't be used.
    let number_field = |id: String, label: String, value: f64, step: &'static str, set: std::rc::Rc<dyn Fn(&mut Settings, f64)>| {
        let settings = settings.clone();
        let oninput = Callback::from(move |e: InputEvent| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            if let Some(mut s) = (*settings).clone() {
                set(&mut s, input.value().trim().parse::<f64>().unwrap_or(f64::NAN));
                settings.set(Some(s));
            }
        });
        html! {
            <div class="field">
              <label for={id.clone()}>{ label }</label>
              <input {id} type="number" min="0" {step} inputmode="decimal" value={format!("{value}")} {oninput} />
            </div>
        }
    };
    let weight = |id: &'static str, label: &'static str, get: fn(&Settings) -> f32, set: fn(&mut Settings, f32), current: &Settings| {
        number_field(format!("weight-{id}"), label.to_string(), f64::from(get(current)), "any", std::rc::Rc::new(move |s: &mut Settings, v: f64| set(s, v as f32)))
    };
    let target = |site: SiteId, current: &Settings| {
        let name = sites::profile(site).name.clone();
        let value = f64::from(current.triage.targets.minutes(Some(site)));
        number_field(
            format!("target-{}", name.to_lowercase()),
            format!("{name} (minutes)"),
            value,
            "1",
            std::rc::Rc::new(move |s: &mut Settings, v: f64| *s.triage.targets.for_site_mut(site) = if v.is_finite() && v >= 0.0 { v.round() as u32 } else { 0 }),
        )
    };
    let reset_triage = {
        let settings = settings.clone();
        Callback::from(move |_| {
            if let Some(mut s) = (*settings).clone() {
                s.triage = Default::default();
                settings.set(Some(s));
            }
        })
    };
    html! {
        <main class="options">
          <h1>{ "Tactful settings" }</h1>
          <form {onsubmit} aria-describedby="status">
            <fieldset>
              <legend>{ "Your brand's account on each site" }</legend>
              <p class="muted">{ "Posts by these accounts are marked as your brand's replies." }</p>
              if let Some(current) = &*settings {
                  { for SiteId::ALL.into_iter().map(|s| field(s, current)) }
              }
            </fieldset>
            <fieldset>
              <legend>{ "Replies" }</legend>
              <p class="muted">{ "Used to fill {{agent.first_name}} and {{brand.name}} in suggested replies." }</p>
              if let Some(current) = &*settings {
                  { text_field("agent-name", "Your name", current.agent_name.clone(), |s, v| s.agent_name = v) }
                  { text_field("brand-name", "Brand name", current.brand_name.clone(), |s, v| s.brand_name = v) }
              }
            </fieldset>
            <fieldset>
              <legend>{ "Private channel fallback" }</legend>
              <p class="muted">{ "Where \"Move to private\" points customers when a site has no private messages (YouTube) or theirs are closed: an email address or a contact-form link. Used as {{team.contact}}." }</p>
              if let Some(current) = &*settings {
                  { text_field("private-fallback", "Email or contact-form link", current.private_fallback.clone(), |s, v| s.private_fallback = v) }
              }
            </fieldset>
            <fieldset>
              <legend>{ "Tone checks" }</legend>
              <p class="muted">{ "Checked as agents type. Untick a check to switch it off for your team." }</p>
              if let Some(current) = &*settings {
                  { for catalogue.iter().map(|(id, _, d)| rule_row(id, d, current)) }
                  <label for="order-patterns">{ "Order and account number patterns, one per line (# digit, @ letter, * either)" }</label>
                  <textarea id="order-patterns" rows="3" spellcheck="false" value={current.tone.order_patterns.join("\n")} oninput={onpatterns} />
              }
            </fieldset>
            <fieldset>
              <legend>{ "Triage" }</legend>
              <p class="muted">{ "Posts are queued by priority (0–100): points for urgency, negative feeling, what they are about, age against your response-time target, and personal data in public. Praise and spam wait." }</p>
              if let Some(current) = &*settings {
                  <h3>{ "Response-time targets" }</h3>
                  { for SiteId::ALL.into_iter().map(|s| target(s, current)) }
                  <h3>{ "Points for each signal" }</h3>
                  { weight("urgency", "Urgency (safety, legal, hacked, outage…)", |s| s.triage.weights.urgency, |s, v| s.triage.weights.urgency = v, current) }
                  { weight("negativity", "Negative feeling", |s| s.triage.weights.negativity, |s, v| s.triage.weights.negativity = v, current) }
                  { weight("intent", "What the post is about", |s| s.triage.weights.intent, |s, v| s.triage.weights.intent = v, current) }
                  { weight("age", "Age against the target", |s| s.triage.weights.age, |s, v| s.triage.weights.age = v, current) }
                  { weight("personal-data", "Personal data in public", |s| s.triage.weights.personal_data, |s, v| s.triage.weights.personal_data = v, current) }
                  { weight("praise-factor", "Praise keeps this share of its points (0–1)", |s| s.triage.weights.praise_factor, |s, v| s.triage.weights.praise_factor = v, current) }
                  <button type="button" id="triage-defaults" onclick={reset_triage}>{ "Restore triage defaults" }</button>
              }
            </fieldset>
            <button type="submit" disabled={settings.is_none()}>{ "Save" }</button>
          </form>
          <p id="status" role="status" class={classes!(matches!(*status, Status::Failed(_)).then_some("error"))}>
            { match &*status {
                Status::Idle => String::new(),
                Status::Working(w) => w.to_string(),
                Status::Saved => "Saved.".into(),
                Status::Failed(m) => m.clone(),
            } }
          </p>
          <super::options_kb::KbImport />
          <super::options_crm::CrmSettings />
          <super::options_crm::PrivacyRequests />
          <super::options_crm::LocalStore />
          <super::options_sites::SiteLayouts />
        </main>
    }
}

/// Mounts the options page into `#app`.
#[wasm_bindgen]
pub fn start_options() -> Result<(), JsValue> {
    let root = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("app"))
        .ok_or_else(|| JsValue::from_str("options.html has no #app element"))?;
    yew::Renderer::<Options>::with_root(root).render();
    Ok(())
}
