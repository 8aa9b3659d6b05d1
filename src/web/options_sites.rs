//! The options page's site layouts: how each open page is being read (the layouts tried,
//! posts read with each, fields missing), and a team profile file that replaces a site's
//! built-in profile without a release. The file is checked whole before it is used: the
//! core checks its shape, and this page compiles every selector with the browser's own
//! CSS engine (the service worker has no document to do it with).

use super::chrome;
use crate::core::overlay::LayoutStatus;
use crate::core::protocol::{LayoutReport, PanelRequest, Response};
use crate::core::sites::{team_profiles_from_json, SiteProfile};
use yew::prelude::*;

use super::options_crm::{Note, UNEXPECTED};

/// The first selector the browser can't compile, named by its place in the file.
fn uncompilable(profiles: &[SiteProfile]) -> Option<String> {
    let doc = web_sys::window()?.document()?;
    for p in profiles {
        for (field, sel, _) in p.selectors() {
            if !sel.trim().is_empty() && doc.query_selector(sel).is_err() {
                return Some(format!("site profile {}: {field} is not a selector the browser understands ({sel:?})", p.name));
            }
        }
    }
    None
}

async fn reports() -> Result<Vec<LayoutReport>, String> {
    match chrome::ask(PanelRequest::Diagnostics).await {
        Ok(Response::Diagnostics { pages }) => Ok(pages),
        Ok(_) => Err(UNEXPECTED.into()),
        Err(e) => Err(e),
    }
}

fn report_row(r: &LayoutReport) -> Html {
    let layouts = r.layouts.iter().map(|l| format!("{} ({} posts)", l.name, l.posts)).collect::<Vec<_>>().join(", ");
    let missing = if r.missing.is_empty() { "none".to_string() } else { r.missing.iter().map(|m| format!("{} ({} posts)", m.field, m.posts)).collect::<Vec<_>>().join(", ") };
    let status = match &r.status {
        LayoutStatus::Ok => "reads fine".to_string(),
        LayoutStatus::Unreadable { message } => message.clone(),
    };
    html! {
      <tr>
        <th scope="row">{ &r.site_name }{ if r.team_profile { " (team profile)" } else { "" } }</th>
        <td class="url">{ &r.url }</td>
        <td>{ layouts }</td>
        <td>{ r.unreadable }</td>
        <td>{ missing }</td>
        <td>{ status }</td>
      </tr>
    }
}

#[function_component(SiteLayouts)]
pub fn site_layouts() -> Html {
    let pages = use_state(|| None::<Result<Vec<LayoutReport>, String>>);
    let note = use_state(|| Note::None);
    let refresh = {
        let pages = pages.clone();
        Callback::from(move |_: ()| {
            let pages = pages.clone();
            wasm_bindgen_futures::spawn_local(async move { pages.set(Some(reports().await)) });
        })
    };
    {
        let refresh = refresh.clone();
        use_effect_with((), move |_| refresh.emit(()));
    }
    let send = {
        let note = note.clone();
        let refresh = refresh.clone();
        move |json: Option<String>, what: String| {
            let note = note.clone();
            let refresh = refresh.clone();
            wasm_bindgen_futures::spawn_local(async move {
                match chrome::ask(PanelRequest::SiteProfiles { json }).await {
                    Ok(Response::SiteProfilesUsed { sites }) if sites.is_empty() => note.set(Note::Good("Tactful reads every site with its built-in profiles. Reload a site's tabs to use them there.".into())),
                    Ok(Response::SiteProfilesUsed { sites }) => {
                        let names: Vec<String> = sites.iter().map(|s| crate::core::sites::profile(*s).name.clone()).collect();
                        note.set(Note::Good(format!("{what}: Tactful now reads {} with your team's profile. Reload those tabs to use it there.", names.join(", "))))
                    }
                    Ok(_) => note.set(Note::Bad(UNEXPECTED.into())),
                    Err(e) => note.set(Note::Bad(e)),
                }
                refresh.emit(());
            });
        }
    };
    let onchange = {
        let note = note.clone();
        let send = send.clone();
        Callback::from(move |e: Event| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            let Some(file) = input.files().and_then(|f| f.get(0)) else { return };
            let note = note.clone();
            let send = send.clone();
            let name = file.name();
            note.set(Note::Busy(format!("Checking {name}…")));
            wasm_bindgen_futures::spawn_local(async move {
                let Some(text) = chrome::file_text(&file).await else { return note.set(Note::Bad(format!("The browser couldn't read {name}."))) };
                // The whole file, before anything is used: its shape, then every selector.
                let fault = match team_profiles_from_json(&text) {
                    Err(e) => Some(e.to_string()),
                    Ok(profiles) => uncompilable(&profiles),
                };
                match fault {
                    Some(f) => note.set(Note::Bad(format!("{name} wasn't used: {f}."))),
                    None => send(Some(text), name),
                }
            });
        })
    };
    let builtin = {
        let send = send.clone();
        Callback::from(move |_| send(None, String::new()))
    };
    let busy = matches!(*note, Note::Busy(_));
    html! {
      <section class="sites" aria-labelledby="sites-title">
        <h2 id="sites-title">{ "Site layouts" }</h2>
        <p class="muted">{ "How Tactful is reading the pages open now: each site's layouts in the order tried, the posts each read, and what posts it couldn't read lacked. When a site changes its markup, your team can load a profile file that reads the new one (JSON: one profile or a list, as in Tactful's source), without waiting for a release." }</p>
        <button type="button" id="sites-refresh" onclick={refresh.reform(|_| ())}>{ "Refresh" }</button>
        { match &*pages {
            None => html! { <p class="muted">{ "Reading…" }</p> },
            Some(Err(e)) => html! { <p class="error">{ e.clone() }</p> },
            Some(Ok(p)) if p.is_empty() => html! { <p id="sites-none" class="muted">{ "No page of a supported site is open." }</p> },
            Some(Ok(p)) => html! {
              <table id="sites-report">
                <caption>{ "Pages Tactful is reading" }</caption>
                <thead><tr><th scope="col">{ "Site" }</th><th scope="col">{ "Page" }</th><th scope="col">{ "Layouts tried (posts read)" }</th><th scope="col">{ "Posts not readable" }</th><th scope="col">{ "Fields missing" }</th><th scope="col">{ "Status" }</th></tr></thead>
                <tbody>{ for p.iter().map(report_row) }</tbody>
              </table>
            },
        } }
        <label for="sites-file">{ "Load a profile file" }</label>
        <input id="sites-file" type="file" accept=".json,application/json" disabled={busy} {onchange} />
        <button type="button" id="sites-builtin" onclick={builtin}>{ "Use the built-in profiles" }</button>
        <p id="sites-status" role="status" aria-busy={busy.to_string()} class={classes!(matches!(*note, Note::Bad(_)).then_some("error"))}>
          { match &*note { Note::None => String::new(), Note::Busy(m) | Note::Good(m) | Note::Bad(m) => m.clone() } }
        </p>
      </section>
    }
}
