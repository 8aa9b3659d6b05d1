//! Service-worker entry points: `background.js` loads the wasm and forwards every
//! runtime message here with the sender as Chrome reported it.

use super::chrome::to_js;
use crate::core::protocol::{Request, Response, Sender, Worker};
use crate::core::settings::Settings;
use std::cell::RefCell;
use wasm_bindgen::prelude::*;

thread_local! {
    static WORKER: RefCell<Worker> = RefCell::new(Worker::default());
}

/// Starts the worker with stored settings (`undefined` for defaults) and the time the
/// wasm took to load, in ms. Bad stored settings fall back to defaults rather than
/// leaving the agent without Tactful.
#[wasm_bindgen]
pub fn worker_start(settings: JsValue, started_ms: f64, imported_kb: JsValue, feedback: JsValue) {
    let settings = serde_wasm_bindgen::from_value::<Settings>(settings)
        .ok()
        .and_then(|s| s.validated().ok())
        .unwrap_or_default();
    WORKER.with(|w| {
        let mut w = w.borrow_mut();
        *w = Worker::new(settings);
        w.started_ms = started_ms;
        // The team's imported entries, kept by the glue; unreadable ones are skipped
        // rather than leaving the agent without suggestions.
        if let Ok(f) = serde_wasm_bindgen::from_value::<crate::core::kb::search::Feedback>(feedback) {
            w.restore_feedback(f);
        }
        if let Ok(entries) = serde_wasm_bindgen::from_value::<Vec<crate::core::kb::Entry>>(imported_kb) {
            if !entries.is_empty() {
                w.add_to_kb(entries);
            }
        }
    });
}

/// Answers one message. `sender` is `{from: "content_script", tab_id, url}` or
/// `{from: "extension_page"}`, built by background.js from Chrome's MessageSender.
#[wasm_bindgen]
pub fn worker_handle(request: JsValue, sender: JsValue, now_ms: f64) -> JsValue {
    let response = match (serde_wasm_bindgen::from_value::<Request>(request), serde_wasm_bindgen::from_value::<Sender>(sender)) {
        (Ok(req), Ok(sender)) => WORKER.with(|w| w.borrow_mut().handle(req, &sender, now_ms as i64)),
        (Err(e), _) => Response::Error { message: format!("Tactful received a message it doesn't understand: {e}") },
        (_, Err(e)) => Response::Error { message: format!("Tactful couldn't tell who sent a message: {e}") },
    };
    to_js(&response).unwrap_or_else(|e| JsValue::from_str(&e))
}

/// Indexes up to `budget` more entries of a newly imported knowledge base (the glue
/// calls it between messages until it returns null): `{done, total}`.
#[wasm_bindgen]
pub fn worker_index_step(budget: u32) -> JsValue {
    match WORKER.with(|w| w.borrow_mut().index_step(budget as usize)) {
        Some(p) => to_js(&p).unwrap_or(JsValue::NULL),
        None => JsValue::NULL,
    }
}

/// Forgets what a closed tab showed.
#[wasm_bindgen]
pub fn worker_forget_tab(tab_id: f64) {
    WORKER.with(|w| w.borrow_mut().forget_tab(tab_id as i64));
}
