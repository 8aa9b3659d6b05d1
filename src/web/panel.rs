//! The side panel (Yew): what Tactful read on the agent's current tab.

use super::chrome;
use crate::core::clock;
use crate::core::crm::card::CardView;
use crate::core::display;
use crate::core::overlay::{LayoutStatus, Theme};
use crate::core::protocol::{PanelRequest, QueueView, RefusedWrite, Response};
use gloo::timers::callback::Interval;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
struct HistoryProps {
    post_key: String,
}

/// A customer's full CRM history, expanded under their post.
#[function_component(History)]
fn history(props: &HistoryProps) -> Html {
    let shown = use_state(|| None::<Result<CardView, String>>);
    let open = use_state(|| false);
    let toggle = {
        let (shown, open, key) = (shown.clone(), open.clone(), props.post_key.clone());
        Callback::from(move |_| {
            if *open {
                return open.set(false);
            }
            open.set(true);
            let (shown, key) = (shown.clone(), key.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let Some(tab_id) = target_tab().await else { return shown.set(Some(Err("No tab is active.".into()))) };
                shown.set(Some(match chrome::ask(PanelRequest::CustomerHistory { tab_id, post_key: key }).await {
                    Ok(Response::CustomerCard { card, .. }) => Ok(card),
                    Ok(_) => Err("Tactful's background worker gave an unexpected answer.".into()),
                    Err(e) => Err(e),
                }));
            });
        })
    };
    html! {
      <div class="history">
        <button type="button" aria-expanded={(*open).to_string()} onclick={toggle}>{ "History" }</button>
        if *open {
            { match &*shown {
                None => html! { <p class="muted" role="status">{ "Loading history…" }</p> },
                Some(Err(m)) => html! { <p class="error">{ m.clone() }</p> },
                Some(Ok(c)) => html! {
                  <div class="customer-history" aria-label="Customer history">
                    <p class="summary">{ format!("{} — {}", c.name, c.summary) }</p>
                    if !c.identities.is_empty() { <p class="muted">{ c.identities.join(" · ") }</p> }
                    <ul class="tickets">
                      { for c.open_tickets.iter().map(|t| html! { <li>
                          if let Some(l) = &t.link { <a href={l.clone()} target="_blank" rel="noopener noreferrer">{ format!("{} ({})", t.subject, t.status) }</a> }
                          else { { format!("{} ({})", t.subject, t.status) } }
                      </li> }) }
                    </ul>
                    <ol class="interactions">
                      { for c.recent.iter().map(|r| html! {
                          <li class={classes!(if r.from_customer { "in" } else { "out" })}>
                            <span class="age">{ r.age.clone() }</span>{ " " }
                            <span class="what">{ r.what.clone() }</span>{ " " }
                            <bdi class="text">{ r.text.clone() }</bdi>
                          </li>
                      }) }
                    </ol>
                  </div>
                },
            } }
        }
      </div>
    }
}

/// What the panel shows of the connected CRM's queue.
#[derive(Clone, PartialEq)]
struct CrmQueueState {
    name: String,
    summary: Option<String>,
    waiting: usize,
    failed: Vec<RefusedWrite>,
    last_error: Option<String>,
}

fn crm_queue_state(r: Result<Response, String>) -> Option<Option<CrmQueueState>> {
    match r {
        Ok(Response::CrmStatus { connected: false, .. }) => Some(None),
        Ok(Response::CrmStatus { name, summary, waiting, failed, last_error, .. }) => Some(Some(CrmQueueState { name: name.unwrap_or_else(|| "the CRM".into()), summary, waiting, failed, last_error })),
        _ => None,
    }
}

/// What waits to be sent to the connected CRM, and what it refused (with discard/retry).
#[function_component(CrmQueue)]
fn crm_queue() -> Html {
    let status = use_state(|| None::<CrmQueueState>);
    let ask = {
        let status = status.clone();
        move |req: PanelRequest| {
            let status = status.clone();
            wasm_bindgen_futures::spawn_local(async move {
                if let Some(s) = crm_queue_state(chrome::ask(req).await) {
                    status.set(s);
                }
            });
        }
    };
    {
        let ask = ask.clone();
        use_effect_with((), move |_| {
            ask(PanelRequest::CrmStatus);
            let timer = Interval::new(CRM_REFRESH_MS, move || ask(PanelRequest::CrmStatus));
            move || drop(timer)
        });
    }
    let Some(s) = &*status else { return html! {} };
    let act = |seq: u64, retry: bool| {
        let ask = ask.clone();
        Callback::from(move |_| ask(PanelRequest::CrmResolve { seq, retry }))
    };
    let send_now = {
        let ask = ask.clone();
        Callback::from(move |_| ask(PanelRequest::CrmSendNow))
    };
    html! {
      <section class="crm-queue" aria-label="CRM">
        <p id="crm-summary" role="status">{ s.summary.clone().unwrap_or_else(|| format!("All changes sent to {}.", s.name)) }</p>
        if let Some(e) = &s.last_error { <p class="muted">{ e.clone() }</p> }
        if s.waiting > 0 { <button type="button" id="crm-send-now" onclick={send_now}>{ "Send now" }</button> }
        <ul class="failed">
          { for s.failed.iter().map(|f| html! { <li class="error">
                <span>{ format!("{}: {}", f.what, f.why) }</span>
                <button type="button" onclick={act(f.seq, true)}>{ "Retry" }</button>
                <button type="button" onclick={act(f.seq, false)}>{ "Discard" }</button>
              </li> }) }
        </ul>
      </section>
    }
}

/// How often the CRM queue is asked for while the panel is open (writes are delivered
/// and retried without any tab's list changing).
const CRM_REFRESH_MS: u32 = 1_500;

/// The worker tells the panel when a tab's list changes; besides that it asks this
/// often (an unchanged list costs one small answer), so ages move on and a missed
/// notice is made good.
const REFRESH_MS: u32 = 30_000;

#[derive(Clone, PartialEq)]
enum Load {
    Loading,
    NoTab,
    /// The tab's list and its version, or none when Tactful read nothing there.
    Page(Option<(u64, QueueView)>),
    Failed(String),
}

/// Tab from `?tab=ID` (tests, and the panel opened as a page), else the active tab.
async fn target_tab() -> Option<i64> {
    let search = web_sys::window()?.location().search().ok()?;
    let from_query = search.trim_start_matches('?').split('&').find_map(|kv| kv.strip_prefix("tab=")?.parse().ok());
    match from_query {
        Some(id) => Some(id),
        None => chrome::active_tab_id().await,
    }
}

/// The tab's list, unless the version the panel shows (`known`) is still current (None).
async fn load(known: Option<u64>) -> Option<Load> {
    let Some(tab_id) = target_tab().await else { return Some(Load::NoTab) };
    match chrome::ask(PanelRequest::Queue { tab_id, known }).await {
        Ok(Response::Queue { changed: false, .. }) => None,
        Ok(Response::Queue { version, view, .. }) => Some(Load::Page(view.map(|v| (version, v)))),
        Ok(_) => Some(Load::Failed("Tactful's background worker gave an unexpected answer.".into())),
        Err(e) => Some(Load::Failed(e)),
    }
}

#[function_component(Panel)]
fn panel() -> Html {
    let state = use_state(|| Load::Loading);
    // The version shown, read by the refresh closure (a state handle in it would be stale).
    let shown = use_mut_ref(|| None::<u64>);
    {
        let state = state.clone();
        let shown_for_notice = shown.clone();
        use_effect_with((), move |_| {
            let refresh = move || {
                let (state, shown) = (state.clone(), shown.clone());
                let known = *shown.borrow();
                wasm_bindgen_futures::spawn_local(async move {
                    if let Some(fresh) = load(known).await {
                        *shown.borrow_mut() = match &fresh {
                            Load::Page(Some((v, _))) => Some(*v),
                            Load::Page(None) => Some(0),
                            _ => None,
                        };
                        state.set(fresh);
                    }
                });
            };
            refresh();
            let on_change = refresh.clone();
            // Only news of a newer version than the one shown (of any tab: the panel
            // follows the active one, which it learns by asking).
            let seen = shown_for_notice;
            let listening = chrome::on_notice(move |crate::core::protocol::Notice::QueueChanged { version, .. }| {
                if seen.borrow().is_none_or(|v| version > v) {
                    on_change();
                }
            });
            let interval = Interval::new(REFRESH_MS, refresh);
            move || {
                drop(interval);
                drop(listening);
            }
        });
    }
    // Arrow keys move between posts; Tab still works as usual.
    let onkeydown = Callback::from(|e: KeyboardEvent| {
        let step = match e.key().as_str() {
            "ArrowDown" | "j" => 1,
            "ArrowUp" | "k" => -1,
            _ => return,
        };
        let Some(target) = e.target().and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok()) else { return };
        let next = if step > 0 { target.next_element_sibling() } else { target.previous_element_sibling() };
        if let Some(el) = next.and_then(|n| n.dyn_into::<web_sys::HtmlElement>().ok()) {
            e.prevent_default();
            let _ = el.focus();
        }
    });
    let theme = match &*state {
        Load::Page(Some((_, p))) if p.theme == Theme::Dark => "dark",
        _ => "light",
    };
    let body = match &*state {
        Load::Loading => html! { <p class="muted" role="status">{ "Reading this tab…" }</p> },
        Load::NoTab => html! { <p class="muted">{ "No tab is active." }</p> },
        Load::Failed(msg) => html! { <p class="error" role="alert">{ msg.clone() }</p> },
        Load::Page(None) => html! {
            <p class="muted">{ "Open a post on X, Facebook, Instagram, LinkedIn, Reddit or YouTube; Tactful lists what it reads here." }</p>
        },
        Load::Page(Some((_, page))) => {
            let now = js_sys::Date::now() as i64;
            html! {
                <>
                  <h2>{ format!("{} · {} posts", page.site_name, page.rows.len()) }</h2>
                  if let LayoutStatus::Unreadable { message } = &page.status {
                      <p class="error" role="alert">{ message.clone() }</p>
                  }
                  <ol class="posts" aria-label="Posts on this page, most urgent first" onkeydown={onkeydown}>
                    // Keyed by post: when the order changes, an expanded history moves with its post.
                    { for page.rows.iter().map(|row| { let (p, t) = (&row.post, row.triage.as_ref()); html! {
                        <li key={p.key.clone()} tabindex="0" class={classes!("post", p.is_brand.then_some("brand"), row.answered.then_some("answered"))}>
                          if let Some(t) = t {
                              <p class={classes!("triage", t.urgent.then_some("urgent"))} aria-label={format!("Priority {} of 100: {}", t.priority, t.why)}>
                                <span class="priority">{ t.priority }</span>
                                <span class="why">{ t.why.clone() }</span>
                              </p>
                          }
                          if row.answered { <span class="badge">{ "Answered" }</span> }
                          <div class="who">
                            <bdi class="name">{ display::clean(&p.author_name, 60) }</bdi>
                            if let Some(h) = &p.handle { <span class="handle">{ format!("@{h}") }</span> }
                            if let Some(t) = p.created_ms { <span class="age">{ clock::age_label(now - t) }</span> }
                            if p.is_brand { <span class="badge">{ "Your brand" }</span> }
                          </div>
                          <p class="text">{ display::clean(&p.text, 280) }</p>
                          if let Some(link) = &p.permalink {
                              <a href={link.clone()} target="_blank" rel="noopener noreferrer">{ "Open post" }</a>
                          }
                          if !p.is_brand && p.handle.is_some() { <History post_key={p.key.clone()} /> }
                        </li>
                    } }) }
                  </ol>
                </>
            }
        }
    };
    html! {
        <main class="panel" data-theme={theme}>
          <header><span class="mark" aria-hidden="true">{ "T" }</span><h1>{ "Tactful" }</h1></header>
          <CrmQueue />
          { body }
        </main>
    }
}

/// Mounts the side panel into `#app`.
#[wasm_bindgen]
pub fn start_panel() -> Result<(), JsValue> {
    let root = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("app"))
        .ok_or_else(|| JsValue::from_str("panel.html has no #app element"))?;
    yew::Renderer::<Panel>::with_root(root).render();
    Ok(())
}
