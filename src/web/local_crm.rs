//! The service worker's one [`LocalCrm`] on IndexedDB ([`IdbStore`]): the worker's `Io`
//! hands it to the core, and a few thin exports serve the glue's start-up and outbox
//! (settings), the browser test of the store (schema) and the card bench.

use super::chrome::to_js;
use super::idb::IdbStore;
use crate::core::crm::local::{LocalCrm, Setting, SCHEMA};
use crate::core::crm::CustomerRef;
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

/// The service worker's one local CRM (the worker's `Io` uses it too).
pub(super) fn crm() -> Rc<LocalCrm<IdbStore>> {
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
        keep_counts_later(crm);
    }
    out(&cards)
}

/// Saves the interaction counts a card had to count, after its answer has gone: the card
/// needn't wait for a write, and a failure only means counting again next time.
pub(super) fn keep_counts_later(crm: Rc<LocalCrm<IdbStore>>) {
    wasm_bindgen_futures::spawn_local(async move {
        let _ = crm.keep_counts().await;
    });
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
