//! The local CRM for the service worker: thin wasm exports over one
//! [`LocalCrm`] on IndexedDB ([`IdbStore`]). Each turns JS values into core types, calls
//! one method and hands the answer back in the shape `background.js` passes on.

use super::chrome::to_js;
use super::idb::IdbStore;
use crate::core::crm::local::{LocalCrm, Setting, SCHEMA};
use crate::core::crm::{CustomerRef, Identity, WriteOp};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// Fresh record ids, as the extension has always made them.
    #[wasm_bindgen(js_namespace = crypto, js_name = randomUUID)]
    fn random_uuid() -> String;
}

thread_local! {
    // One per context: its write lock keeps this worker's writes one at a time.
    static CRM: Rc<LocalCrm<IdbStore>> = Rc::new(LocalCrm::new(IdbStore::new(&SCHEMA), random_uuid));
}

fn crm() -> Rc<LocalCrm<IdbStore>> {
    CRM.with(Rc::clone)
}

/// An error as a JS `Error` whose message is the words the agent sees.
fn fail(e: impl std::fmt::Display) -> JsValue {
    js_sys::Error::new(&e.to_string()).into()
}

fn from<T: DeserializeOwned>(v: JsValue, what: &str) -> Result<T, JsValue> {
    serde_wasm_bindgen::from_value(v).map_err(|e| fail(format!("Tactful's local CRM got a bad {what}: {e}")))
}

fn out<T: Serialize>(v: &T) -> Result<JsValue, JsValue> {
    to_js(v).map_err(fail)
}

/// Customer cards (`CardView`s) for post authors, in order, with `lines` of history.
#[wasm_bindgen]
pub async fn local_crm_cards(whos: JsValue, now_ms: f64, lines: u32) -> Result<JsValue, JsValue> {
    let whos: Vec<CustomerRef> = from(whos, "author list")?;
    let crm = crm();
    let cards = crm.cards(&whos, now_ms as i64, lines as usize).await.map_err(fail)?;
    if crm.counts_pending() {
        // Kept after the answer: the card needn't wait for a write. A failure only means
        // counting again next time.
        wasm_bindgen_futures::spawn_local(async move {
            let _ = crm.keep_counts().await;
        });
    }
    out(&cards)
}

/// Applies the worker's `crm_writes`; returns the ops that changed something.
#[wasm_bindgen]
pub async fn local_crm_apply(ops: JsValue, now_ms: f64) -> Result<JsValue, JsValue> {
    let ops: Vec<WriteOp> = from(ops, "write list")?;
    out(&crm().apply(&ops, now_ms as i64).await.map_err(fail)?)
}

/// The whole store: `{schema, customers, interactions, tickets: [[customer_id, ticket]], notes}`.
#[wasm_bindgen]
pub async fn local_crm_export_all() -> Result<JsValue, JsValue> {
    out(&crm().export_all().await.map_err(fail)?)
}

/// Replaces the store with an export: `{customers, interactions}` imported.
#[wasm_bindgen]
pub async fn local_crm_import_all(snapshot: JsValue) -> Result<JsValue, JsValue> {
    let file: serde_json::Value = from(snapshot, "export")?;
    out(&crm().import_all(file).await.map_err(fail)?)
}

/// One customer's records, by an identity an agent typed ("instagram", "@dana").
#[wasm_bindgen]
pub async fn local_crm_export_customer(network: String, value: String) -> Result<JsValue, JsValue> {
    out(&crm().export_customer(&Identity::new(&network, &value)).await.map_err(fail)?)
}

/// Erases one customer: `{interactions}` deleted with them.
#[wasm_bindgen]
pub async fn local_crm_delete_customer(network: String, value: String) -> Result<JsValue, JsValue> {
    out(&crm().delete_customer(&Identity::new(&network, &value)).await.map_err(fail)?)
}

/// A stored setting ('kb', 'feedback', 'crm', 'outbox') as stored, or `undefined`.
#[wasm_bindgen]
pub async fn local_crm_get_setting(key: String) -> Result<JsValue, JsValue> {
    let key: Setting = key.parse().map_err(fail)?;
    Ok(crm().setting_raw(key).await.map_err(fail)?.unwrap_or(JsValue::UNDEFINED))
}

/// Stores a setting as given; `undefined` removes it.
#[wasm_bindgen]
pub async fn local_crm_set_setting(key: String, value: JsValue) -> Result<(), JsValue> {
    let key: Setting = key.parse().map_err(fail)?;
    let value = (!value.is_undefined()).then_some(value);
    crm().set_setting_raw(key, value).await.map_err(fail)
}

/// The database layout, for tests and the bench that open it themselves.
#[wasm_bindgen]
pub fn local_crm_schema() -> Result<JsValue, JsValue> {
    serde_wasm_bindgen::to_value(&SCHEMA).map_err(fail)
}
