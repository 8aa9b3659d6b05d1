//! [`Store`] over IndexedDB, through the primitives in `extension/crm-store.js`.
//!
//! The file is imported by wasm-bindgen (`module = ...`), not handed in at run time: the
//! Rust side owns its store outright (a later runner in Rust needs no JS wiring), the
//! import is checked when the module is built and instantiated rather than at the first
//! card, and wasm-bindgen copies the file into `pkg/snippets/`, so the worker, the pages
//! and the Node glue tests load the same primitives.

use crate::core::crm::store::{Found, Read, Reads, Results, Schema, Store, StoreError, Write};
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/extension/crm-store.js")]
extern "C" {
    #[wasm_bindgen(catch, js_name = read)]
    async fn idb_read(schema: &JsValue, ops: JsValue) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_name = write)]
    async fn idb_write(schema: &JsValue, ops: JsValue) -> Result<JsValue, JsValue>;
}

/// A database described by a [`Schema`], opened on first use.
pub struct IdbStore {
    schema: JsValue,
}

impl IdbStore {
    pub fn new(schema: &Schema) -> IdbStore {
        IdbStore { schema: plain(schema).unwrap_or(JsValue::UNDEFINED) }
    }
}

/// Keys, ranges and ops as crm-store.js reads them: plain objects, `undefined` for what
/// is left out, ±Infinity kept as numbers.
fn plain<T: Serialize + ?Sized>(v: &T) -> Result<JsValue, StoreError> {
    v.serialize(&serde_wasm_bindgen::Serializer::new().serialize_maps_as_objects(true)).map_err(|e| StoreError::Encode(e.to_string()))
}

fn set(o: &js_sys::Object, k: &str, v: &JsValue) {
    // Setting a property on a fresh plain object can't fail.
    let _ = js_sys::Reflect::set(o, &JsValue::from_str(k), v);
}

/// A rejection from crm-store.js (`{stage, name, message}`) as a typed error.
fn error(e: JsValue) -> StoreError {
    let field = |k: &str| js_sys::Reflect::get(&e, &JsValue::from_str(k)).ok().and_then(|v| v.as_string()).unwrap_or_default();
    let (stage, name, message) = (field("stage"), field("name"), field("message"));
    let why = if message.is_empty() { format!("{e:?}") } else { message };
    match (stage.as_str(), name.as_str()) {
        (_, "QuotaExceededError") => StoreError::Full,
        ("open", _) => StoreError::Open(why),
        ("write", "DataError") => StoreError::BadKey(why),
        (_, "NotFoundError") => StoreError::NoSuchStore(why),
        ("write", _) => StoreError::Write(why),
        _ => StoreError::Read(why),
    }
}

impl Store for IdbStore {
    type Raw = JsValue;

    fn encode<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, StoreError> {
        // As the extension stored records before: JSON-like (null for None, plain objects).
        value.serialize(&serde_wasm_bindgen::Serializer::json_compatible()).map_err(|e| StoreError::Encode(e.to_string()))
    }

    fn decode<T: DeserializeOwned>(raw: JsValue) -> Result<T, StoreError> {
        serde_wasm_bindgen::from_value(raw).map_err(|e| StoreError::Decode(e.to_string()))
    }

    async fn read(&self, reads: Reads) -> Result<Results<JsValue>, StoreError> {
        let answers = idb_read(&self.schema, plain(reads.ops())?).await.map_err(error)?;
        let answers = js_sys::Array::from(&answers);
        let found = reads
            .ops()
            .iter()
            .enumerate()
            .map(|(k, op)| {
                let a = answers.get(k as u32);
                match op {
                    Read::Get { .. } => Found::One((!a.is_undefined()).then_some(a)),
                    Read::GetAll { .. } | Read::Newest { .. } => Found::Many(js_sys::Array::from(&a).to_vec()),
                    Read::Count { .. } => Found::Count(a.as_f64().unwrap_or(0.0) as u64),
                }
            })
            .collect();
        Ok(Results::new(found))
    }

    async fn write(&self, writes: Vec<Write<JsValue>>) -> Result<(), StoreError> {
        let ops = js_sys::Array::new();
        for w in writes {
            let o = js_sys::Object::new();
            match w {
                Write::Put { store, key, value } => {
                    set(&o, "op", &"put".into());
                    set(&o, "store", &store.into());
                    set(&o, "value", &value);
                    if let Some(k) = key {
                        set(&o, "key", &plain(&k)?);
                    }
                }
                Write::Delete { store, key } => {
                    set(&o, "op", &"delete".into());
                    set(&o, "store", &store.into());
                    set(&o, "key", &plain(&key)?);
                }
                Write::DeleteRange { from, range } => {
                    set(&o, "op", &"delete_range".into());
                    set(&o, "store", &from.store.into());
                    if let Some(i) = from.index {
                        set(&o, "index", &i.into());
                    }
                    set(&o, "range", &plain(&range)?);
                }
                Write::Clear { store } => {
                    set(&o, "op", &"clear".into());
                    set(&o, "store", &store.into());
                }
            }
            ops.push(&o);
        }
        idb_write(&self.schema, ops.into()).await.map_err(error)?;
        Ok(())
    }
}
