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

    #[wasm_bindgen(js_namespace = ["chrome", "permissions"], js_name = request, catch)]
    fn permissions_request(p: &JsValue) -> Result<js_sys::Promise, JsValue>;

    #[wasm_bindgen(js_namespace = ["chrome", "runtime", "onMessage"], js_name = addListener)]
    fn on_message_add(f: &js_sys::Function);

    #[wasm_bindgen(js_namespace = ["chrome", "runtime", "onMessage"], js_name = removeListener)]
    fn on_message_remove(f: &js_sys::Function);
}

/// Listens for the worker's notices until the returned guard is dropped.
pub fn on_notice(mut f: impl FnMut(crate::core::protocol::Notice) + 'static) -> impl Drop {
    use wasm_bindgen::JsCast;
    let closure = Closure::<dyn FnMut(JsValue)>::new(move |msg: JsValue| {
        if let Ok(n) = serde_wasm_bindgen::from_value(msg) {
            f(n);
        }
    });
    on_message_add(closure.as_ref().unchecked_ref());
    struct Listening(Closure<dyn FnMut(JsValue)>);
    impl Drop for Listening {
        fn drop(&mut self) {
            use wasm_bindgen::JsCast;
            on_message_remove(self.0.as_ref().unchecked_ref());
        }
    }
    Listening(closure)
}

/// Asks the browser for access to an origin (and optional API permissions). Must be
/// called from a click handler, before any await, to count as a user gesture.
pub fn request_access(origin: &str, permissions: &[&str]) -> Result<js_sys::Promise, String> {
    let p = serde_json::json!({ "origins": [origin], "permissions": permissions });
    permissions_request(&to_js(&p)?).map_err(js_error)
}

pub async fn granted(p: js_sys::Promise) -> bool {
    JsFuture::from(p).await.ok().and_then(|v| v.as_bool()).unwrap_or(false)
}

/// Serialises to plain JS objects (maps as objects), as chrome messaging expects.
pub fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, String> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| format!("could not encode a message: {e}"))
}

/// Words from a browser error or a rejected promise.
pub(super) fn js_error(e: JsValue) -> String {
    e.as_string()
        .or_else(|| js_sys::Reflect::get(&e, &"message".into()).ok().and_then(|m| m.as_string()))
        .unwrap_or_else(|| "unknown browser error".into())
}

/// Sends a request to the service worker and decodes its answer; an `error` answer
/// comes back as `Err` with its words.
pub async fn ask(request: impl Into<Request>) -> Result<Response, String> {
    match send(request).await? {
        Response::Error { message } => Err(message),
        other => Ok(other),
    }
}

/// Sends a request to the service worker and decodes its answer.
pub async fn send(request: impl Into<Request>) -> Result<Response, String> {
    let msg = to_js(&request.into())?;
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

/// A picked file's text (`File.text()`), or None when the browser can't read it.
pub async fn file_text(file: &web_sys::File) -> Option<String> {
    use wasm_bindgen::JsCast;
    let text = js_sys::Reflect::get(file, &"text".into()).ok()?.dyn_into::<js_sys::Function>().ok()?;
    let promise = text.call0(file).ok()?;
    JsFuture::from(js_sys::Promise::from(promise)).await.ok()?.as_string()
}

/// Waits `ms` milliseconds (an extension page's timer; the page stays responsive).
pub async fn sleep(ms: i32) {
    let p = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = JsFuture::from(p).await;
}
