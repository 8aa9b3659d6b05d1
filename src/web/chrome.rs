//! The few chrome.* calls the Yew pages make, and serde ⇄ JsValue at that boundary.

use crate::core::protocol::{Request, Response};
use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = ["chrome", "runtime"], js_name = sendMessage, catch)]
    fn runtime_send_message(msg: &JsValue) -> Result<js_sys::Promise, JsValue>;

    #[wasm_bindgen(js_namespace = ["chrome", "tabs"], js_name = query, catch)]
    fn tabs_query(query: &JsValue) -> Result<js_sys::Promise, JsValue>;
}

/// Serialises to plain JS objects (maps as objects), as chrome messaging expects.
pub fn to_js<T: Serialize>(value: &T) -> Result<JsValue, String> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| format!("could not encode a message: {e}"))
}

fn js_error(e: JsValue) -> String {
    e.as_string()
        .or_else(|| js_sys::Reflect::get(&e, &"message".into()).ok().and_then(|m| m.as_string()))
        .unwrap_or_else(|| "unknown browser error".into())
}

/// Sends a request to the service worker and decodes its answer.
pub async fn send(request: &Request) -> Result<Response, String> {
    let msg = to_js(request)?;
    let promise = runtime_send_message(&msg).map_err(js_error)?;
    let value = JsFuture::from(promise).await.map_err(|e| format!("Tactful's background worker did not answer: {}", js_error(e)))?;
    serde_wasm_bindgen::from_value(value).map_err(|e| format!("Tactful's background worker sent an answer this page can't read: {e}"))
}

/// The id of the tab the agent is looking at, for the side panel.
pub async fn active_tab_id() -> Option<i64> {
    let query = js_sys::Object::new();
    js_sys::Reflect::set(&query, &"active".into(), &true.into()).ok()?;
    js_sys::Reflect::set(&query, &"lastFocusedWindow".into(), &true.into()).ok()?;
    let tabs = JsFuture::from(tabs_query(&query).ok()?).await.ok()?;
    let first = js_sys::Array::from(&tabs).get(0);
    js_sys::Reflect::get(&first, &"id".into()).ok()?.as_f64().map(|id| id as i64)
}
