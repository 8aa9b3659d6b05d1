//! A connected CRM for `extension/crm-remote.js`: config checks, cards, the outbox and
//! delivery. (The local CRM is `super::local_crm`.)

use super::chrome::to_js;
use crate::core::crm::CustomerRef;
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
struct JsHttp<'a>(&'a js_sys::Function);

impl Http for JsHttp<'_> {
    async fn send(&self, req: HttpRequest) -> Result<HttpResponse, Transport> {
        let arg = to_js(&req).map_err(Transport::Unknown)?;
        let promise = self.0.call1(&JsValue::NULL, &arg).map_err(|e| Transport::Unknown(format!("{e:?}")))?;
        match JsFuture::from(js_sys::Promise::from(promise)).await {
            Ok(v) => serde_wasm_bindgen::from_value(v).map_err(|e| Transport::Unknown(format!("bad response object: {e}"))),
            Err(e) => Err(serde_wasm_bindgen::from_value::<Transport>(e.clone()).unwrap_or_else(|_| Transport::Unknown(format!("{e:?}")))),
        }
    }
}

/// Checks an admin's config: `{config}` (validated) and the host permission pattern it
/// needs, or throws the problem in words.
#[wasm_bindgen]
pub fn crm_config_check(config: JsValue) -> Result<JsValue, JsValue> {
    let c: CrmConfig = from(config, "CRM settings")?;
    let c = c.validated().map_err(|e| JsValue::from_str(&e))?;
    let origin = c.origin_pattern().map_err(|e| JsValue::from_str(&e))?;
    out(&serde_json::json!({ "config": c, "origin": origin, "public": c.public(), "short_name": c.short_name() }))
}

/// Tests the connection: `{ok: true, message}` or `{ok: false, message}` naming what failed.
#[wasm_bindgen]
pub async fn crm_test_connection(config: JsValue, fetcher: js_sys::Function) -> Result<JsValue, JsValue> {
    let c: CrmConfig = from(config, "CRM settings")?;
    let r = c.test_connection(&JsHttp(&fetcher)).await;
    out(&match r {
        Ok(m) => serde_json::json!({ "ok": true, "message": m }),
        Err(e) => serde_json::json!({ "ok": false, "message": e.explain(c.name()) }),
    })
}

/// The card from the remote CRM: `{card}` or `{error}`.
#[wasm_bindgen]
pub async fn crm_remote_card(config: JsValue, who: JsValue, fetcher: js_sys::Function, now_ms: f64, lines: u32) -> Result<JsValue, JsValue> {
    let c: CrmConfig = from(config, "CRM settings")?;
    let who: CustomerRef = from(who, "customer")?;
    out(&match c.card(&JsHttp(&fetcher), &who, now_ms as i64, lines as usize).await {
        Ok(card) => serde_json::json!({ "card": card }),
        Err(e) => serde_json::json!({ "error": e.explain(c.name()) }),
    })
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
    match c.deliver(&JsHttp(&fetcher), &d.key, &d.op, d.maybe_done).await {
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

/// `{summary, waiting, failed: [{seq, what, why}], next_due_at}` for the panel.
#[wasm_bindgen]
pub fn crm_outbox_status(outbox: JsValue, crm_name: String, now_ms: f64) -> Result<JsValue, JsValue> {
    let o: Outbox = from(outbox, "outbox")?;
    let st = o.status(now_ms as i64);
    let failed: Vec<serde_json::Value> = st.failed.iter().map(|(seq, what, e)| serde_json::json!({ "seq": seq, "what": what, "why": e.explain(&crm_name) })).collect();
    out(&serde_json::json!({
        "summary": st.summary(&crm_name),
        "waiting": st.waiting,
        "failed": failed,
        "last_error": st.last_error.map(|e| e.explain(&crm_name)),
        "next_due_at": o.next_due_at(),
    }))
}
