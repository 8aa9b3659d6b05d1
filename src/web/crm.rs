//! A connected CRM for `extension/crm-remote.js`: config checks, cards, the outbox and
//! delivery. (The local CRM is `super::local_crm`.)

use super::chrome::to_js;
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::prelude::*;

fn from<T: DeserializeOwned>(v: JsValue, what: &str) -> Result<T, JsValue> {
    serde_wasm_bindgen::from_value(v).map_err(|e| JsValue::from_str(&format!("Tactful's CRM got a bad {what}: {e}")))
}

fn out<T: Serialize>(v: &T) -> Result<JsValue, JsValue> {
    to_js(v).map_err(|e| JsValue::from_str(&e))
}

// --- A remote CRM: the outbox and connector calls --------------------------------------

use crate::core::crm::config::CrmConfig;
use crate::core::crm::http::{Http, Request as HttpRequest, Response as HttpResponse, Transport};
use crate::core::crm::outbox::Outbox;
use crate::core::crm::{CrmError, WriteOp};
use wasm_bindgen_futures::JsFuture;

/// HTTP through a JS function `(request) => Promise<{status, headers, body}>` that rejects
/// with `{kind: "dns"|"tls"|"connect"|"timeout"|"unknown", detail}`. background.js owns
/// `fetch` (and can tell a DNS failure from a TLS one); the connector logic stays here.
#[derive(Clone)]
pub(super) struct JsHttp(pub Option<js_sys::Function>);

impl Http for JsHttp {
    async fn send(&self, req: HttpRequest) -> Result<HttpResponse, Transport> {
        let fetch = self.0.as_ref().ok_or_else(|| Transport::Unknown("this page has no way to reach the CRM".into()))?;
        let arg = to_js(&req).map_err(Transport::Unknown)?;
        let promise = fetch.call1(&JsValue::NULL, &arg).map_err(|e| Transport::Unknown(format!("{e:?}")))?;
        match JsFuture::from(js_sys::Promise::from(promise)).await {
            Ok(v) => serde_wasm_bindgen::from_value(v).map_err(|e| Transport::Unknown(format!("bad response object: {e}"))),
            Err(e) => Err(serde_wasm_bindgen::from_value::<Transport>(e.clone()).unwrap_or_else(|_| Transport::Unknown(format!("{e:?}")))),
        }
    }
}

#[wasm_bindgen]
pub fn crm_outbox_new(device: String) -> Result<JsValue, JsValue> {
    out(&Outbox::new(device))
}

/// Queues writes; returns the outbox to persist.
#[wasm_bindgen]
pub fn crm_outbox_enqueue(outbox: JsValue, ops: JsValue, now_ms: f64) -> Result<JsValue, JsValue> {
    let mut o: Outbox = from(outbox, "outbox")?;
    let ops: Vec<WriteOp> = from(ops, "write list")?;
    for op in ops {
        o.enqueue(op, now_ms as i64);
    }
    out(&o)
}

/// After the worker restarted: in-flight writes wait again (and will be checked first).
#[wasm_bindgen]
pub fn crm_outbox_recover(outbox: JsValue) -> Result<JsValue, JsValue> {
    let mut o: Outbox = from(outbox, "outbox")?;
    o.recover();
    out(&o)
}

/// `{outbox, deliveries}`: persist the outbox, then deliver.
#[wasm_bindgen]
pub fn crm_outbox_take_due(outbox: JsValue, now_ms: f64) -> Result<JsValue, JsValue> {
    let mut o: Outbox = from(outbox, "outbox")?;
    let d = o.take_due(now_ms as i64);
    let deliveries: Vec<serde_json::Value> = d.into_iter().map(|d| serde_json::json!({ "seq": d.seq, "key": d.key, "op": d.op, "maybe_done": d.maybe_done })).collect();
    out(&serde_json::json!({ "outbox": o, "deliveries": deliveries }))
}

/// Delivers one write: `null` on success, else the typed error (for `crm_outbox_complete`).
#[wasm_bindgen]
pub async fn crm_deliver(config: JsValue, delivery: JsValue, fetcher: js_sys::Function) -> Result<JsValue, JsValue> {
    #[derive(serde::Deserialize)]
    struct D {
        key: String,
        op: WriteOp,
        maybe_done: bool,
    }
    let c: CrmConfig = from(config, "CRM settings")?;
    let d: D = from(delivery, "delivery")?;
    match c.deliver(&JsHttp(Some(fetcher)), &d.key, &d.op, d.maybe_done).await {
        Ok(()) => Ok(JsValue::NULL),
        Err(e) => out(&e),
    }
}

#[wasm_bindgen]
pub fn crm_outbox_complete(outbox: JsValue, seq: f64, error: JsValue, now_ms: f64) -> Result<JsValue, JsValue> {
    let mut o: Outbox = from(outbox, "outbox")?;
    let result = if error.is_null() || error.is_undefined() { Ok(()) } else { Err(from::<CrmError>(error, "CRM error")?) };
    o.complete(seq as u64, result, now_ms as i64);
    out(&o)
}

/// The agent asks to send waiting writes now.
#[wasm_bindgen]
pub fn crm_outbox_send_now(outbox: JsValue, now_ms: f64) -> Result<JsValue, JsValue> {
    let mut o: Outbox = from(outbox, "outbox")?;
    o.send_now(now_ms as i64);
    out(&o)
}

/// The agent discards a refused write, or sends it again.
#[wasm_bindgen]
pub fn crm_outbox_resolve(outbox: JsValue, seq: f64, retry: bool, now_ms: f64) -> Result<JsValue, JsValue> {
    let mut o: Outbox = from(outbox, "outbox")?;
    if retry {
        o.retry(seq as u64, None, now_ms as i64);
    } else {
        o.discard(seq as u64);
    }
    out(&o)
}

/// When the next write is due (Unix ms), or null: the glue's retry timer and alarm.
#[wasm_bindgen]
pub fn crm_outbox_next_due_at(outbox: JsValue) -> Result<JsValue, JsValue> {
    let o: Outbox = from(outbox, "outbox")?;
    Ok(o.next_due_at().map_or(JsValue::NULL, |t| JsValue::from_f64(t as f64)))
}
