//! The local CRM's decisions for `extension/crm-store.js`, which owns the IndexedDB
//! records: it reads what a decision needs, calls here, and writes what comes back.

use super::chrome::to_js;
use crate::core::crm::card::{card, unknown};
use crate::core::crm::local::{history_from, migrate, resolve, upsert_customer, Resolution};
use crate::core::crm::{Customer, CustomerRef, Identity, Interaction, Note, Ticket};
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::prelude::*;

fn from<T: DeserializeOwned>(v: JsValue, what: &str) -> Result<T, JsValue> {
    serde_wasm_bindgen::from_value(v).map_err(|e| JsValue::from_str(&format!("Tactful's CRM got a bad {what}: {e}")))
}

fn out<T: Serialize>(v: &T) -> Result<JsValue, JsValue> {
    to_js(v).map_err(|e| JsValue::from_str(&e))
}

/// Identity keys to look up, in matching order ("x:dana", "email:d@example.com").
#[wasm_bindgen]
pub fn crm_identity_keys(who: JsValue) -> Result<JsValue, JsValue> {
    let who: CustomerRef = from(who, "customer")?;
    out(&who.identities.iter().map(Identity::key).collect::<Vec<_>>())
}

/// Which customer a post's author is, given the owner of each identity key (same order
/// as `crm_identity_keys`, `null` where nobody): `{kind: "existing"|"new"|"conflict", id}`.
#[wasm_bindgen]
pub fn crm_resolve(who: JsValue, owners: JsValue) -> Result<JsValue, JsValue> {
    let who: CustomerRef = from(who, "customer")?;
    let owners: Vec<Option<String>> = from(owners, "owner list")?;
    let r = resolve(&who, |i| who.identities.iter().position(|x| x == i).and_then(|k| owners.get(k).cloned().flatten()));
    let v = match r {
        Resolution::Existing(id) => serde_json::json!({ "kind": "existing", "id": id }),
        Resolution::New => serde_json::json!({ "kind": "new" }),
        Resolution::Conflict { chosen, others } => serde_json::json!({ "kind": "conflict", "id": chosen, "others": others }),
    };
    out(&v)
}

/// The customer record to store after a write, and the identity keys it newly owns.
#[wasm_bindgen]
pub fn crm_upsert(existing: JsValue, who: JsValue, owners: JsValue, now_ms: f64, fresh_id: String) -> Result<JsValue, JsValue> {
    let existing: Option<Customer> = from(existing, "customer record")?;
    let who: CustomerRef = from(who, "customer")?;
    let owners: Vec<Option<String>> = from(owners, "owner list")?;
    let (c, added) = upsert_customer(existing, &who, |i| who.identities.iter().position(|x| x == i).and_then(|k| owners.get(k).cloned().flatten()), now_ms as i64, &fresh_id);
    out(&serde_json::json!({ "customer": c, "added": added.iter().map(Identity::key).collect::<Vec<_>>() }))
}

/// The customer card from stored records (interactions newest first).
#[wasm_bindgen]
pub fn crm_card(customer: JsValue, interactions: JsValue, tickets: JsValue, notes: JsValue, total: u32, now_ms: f64) -> Result<JsValue, JsValue> {
    let customer: Customer = from(customer, "customer record")?;
    let interactions: Vec<Interaction> = from(interactions, "interaction list")?;
    let tickets: Vec<Ticket> = from(tickets, "ticket list")?;
    let notes: Vec<Note> = from(notes, "note list")?;
    let h = history_from(customer, interactions, tickets, notes, 10);
    out(&card(&h, total as usize, now_ms as i64))
}

/// The card for an author the CRM doesn't know.
#[wasm_bindgen]
pub fn crm_unknown_card(who: JsValue) -> Result<JsValue, JsValue> {
    out(&unknown(&from(who, "customer")?))
}

/// Checks (and brings forward) a whole-store export before it replaces the store.
#[wasm_bindgen]
pub fn crm_check_import(snapshot: JsValue) -> Result<JsValue, JsValue> {
    let raw: serde_json::Value = from(snapshot, "export")?;
    let s = migrate(raw).map_err(|e| JsValue::from_str(&e.to_string()))?;
    // Dangling references reject the file as a whole.
    crate::core::crm::local::LocalCrm::import_all(s.clone()).map_err(|e| JsValue::from_str(&e.to_string()))?;
    out(&s)
}
