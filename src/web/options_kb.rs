//! The options page's knowledge-base import: a file in, checked whole by the service
//! worker's core (nothing imported if any line is wrong), with progress while a large
//! file is read, checked and indexed. The page stays responsive: the work is in the worker.

use super::chrome;
use crate::core::protocol::{PanelRequest, Response};
use yew::prelude::*;

#[derive(Clone, PartialEq)]
enum State {
    Idle(String),
    Busy(String),
    Done(String),
    Failed(String),
}

async fn status_line() -> String {
    match chrome::ask(PanelRequest::KbStatus).await {
        Ok(Response::KbStatus { total, imported, .. }) => format!("The knowledge base has {total} entries ({imported} imported by your team)."),
        Ok(_) => unexpected(),
        Err(e) => e,
    }
}

fn unexpected() -> String {
    "Tactful's background worker gave an unexpected answer.".into()
}

/// Bytes per message: a big file goes to the worker in pieces this size, so the page
/// never spends long serialising one message.
const PART_BYTES: usize = 256 * 1024;

/// `text` in pieces of at most about `max` bytes, cut at character boundaries.
fn split_parts(text: &str, max: usize) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        let mut cut = rest.len().min(max);
        while !rest.is_char_boundary(cut) {
            cut -= 1;
        }
        if cut == 0 {
            cut = rest.chars().next().map_or(rest.len(), char::len_utf8);
        }
        let (head, tail) = rest.split_at(cut);
        parts.push(head);
        rest = tail;
    }
    parts
}

#[function_component(KbImport)]
pub fn kb_import() -> Html {
    let state = use_state(|| State::Idle(String::new()));
    {
        let state = state.clone();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move { state.set(State::Idle(status_line().await)) });
        });
    }
    let onchange = {
        let state = state.clone();
        Callback::from(move |e: Event| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            let Some(file) = input.files().and_then(|f| f.get(0)) else { return };
            let state = state.clone();
            let name = file.name();
            let kb = (file.size() / 1024.0).ceil();
            state.set(State::Busy(format!("Reading {name} ({kb} KB)…")));
            wasm_bindgen_futures::spawn_local(async move {
                let Some(text) = chrome::file_text(&file).await else { return state.set(State::Failed(format!("The browser couldn't read {name}."))) };
                let lines = text.lines().count();
                let parts = split_parts(&text, PART_BYTES);
                let upload = (js_sys::Date::now() as u64 % u32::MAX as u64) as u32;
                let mut answer: Result<Response, String> = Err("The file was empty.".to_string());
                for (i, part) in parts.iter().enumerate() {
                    if i + 1 == parts.len() {
                        state.set(State::Busy(format!("Checking and indexing {name}: {lines} lines…")));
                    } else {
                        state.set(State::Busy(format!("Sending {name} to Tactful: {}%…", i * 100 / parts.len())));
                    }
                    answer = chrome::ask(PanelRequest::ImportKbPart { upload, part: i as u32, parts: parts.len() as u32, text: part.to_string() }).await;
                    if answer.is_err() {
                        break;
                    }
                }
                match answer {
                    Ok(Response::KbImported { added, updated, total, indexing, .. }) => {
                        // A large file is indexed in slices in the worker: show how far.
                        if indexing {
                            while let Ok(Response::KbStatus { indexing: Some(p), .. }) = chrome::ask(PanelRequest::KbStatus).await {
                                state.set(State::Busy(format!("Indexing {name} for suggestions: {}%…", p.done * 100 / p.total.max(1))));
                                chrome::sleep(250).await;
                            }
                        }
                        state.set(State::Done(format!("Imported {} entries from {name} ({added} new, {updated} updated); the knowledge base now has {total}.", added + updated)));
                    }
                    Ok(_) => state.set(State::Failed(unexpected())),
                    Err(m) => state.set(State::Failed(m)),
                }
            });
        })
    };
    let export = |format: &'static str| {
        let state = state.clone();
        Callback::from(move |_| {
            let state = state.clone();
            wasm_bindgen_futures::spawn_local(async move {
                match chrome::ask(PanelRequest::ExportKb { format: format.into() }).await {
                    Ok(Response::KbExport { text, entries, .. }) => match super::options_crm::download(&format!("tactful-knowledge-base.{format}"), &text) {
                        Ok(()) => state.set(State::Done(format!("Exported {entries} entries as {}.", format.to_uppercase()))),
                        Err(m) => state.set(State::Failed(m)),
                    },
                    Ok(_) => state.set(State::Failed(unexpected())),
                    Err(m) => state.set(State::Failed(m)),
                }
            });
        })
    };
    let busy = matches!(*state, State::Busy(_));
    html! {
      <section class="kb" aria-labelledby="kb-title">
        <h2 id="kb-title">{ "Knowledge base" }</h2>
        <p class="muted">{ "Import saved replies and articles: CSV (id, kind, title, body, tags, examples), Tactful JSON, a Zendesk Help Center or Freshdesk solutions export. Entries with the same id are updated. A file with any error is not imported at all." }</p>
        <label for="kb-file">{ "Import a file" }</label>
        <input id="kb-file" type="file" accept=".csv,.json,text/csv,application/json" disabled={busy} {onchange} />
        <button type="button" id="kb-export-csv" onclick={export("csv")}>{ "Export as CSV" }</button>
        <button type="button" id="kb-export-json" onclick={export("json")}>{ "Export as JSON" }</button>
        <p id="kb-status" role="status" aria-busy={busy.to_string()} class={classes!(matches!(*state, State::Failed(_)).then_some("error"))}>
          { match &*state { State::Idle(m) | State::Busy(m) | State::Done(m) | State::Failed(m) => m.clone() } }
        </p>
      </section>
    }
}
