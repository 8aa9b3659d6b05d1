//! Storage primitives for the local CRM, shaped after IndexedDB so that one set of rules
//! ([`super::local::LocalCrm`]) runs over the browser's database and over memory alike.
//!
//! A [`Store`] does two things: a batch of reads in one read-only transaction ([`Reads`]:
//! get by key, every record of a key range, the newest N of an index range, a count) and
//! a batch of writes in one read-write transaction ([`Write`]: put, delete, delete an index
//! range, clear), all or nothing. Records cross as the store's own raw values
//! ([`Store::Raw`]: a `JsValue` in the browser, JSON in memory), decoded by the caller with
//! serde into the type it expects, so a browser record is converted once.
//!
//! [`Key`]s order as IndexedDB orders them; [`MemoryStore`] keeps the same order, key paths
//! and indexes (from a [`Schema`]) for native tests and the CLI.

use serde::de::DeserializeOwned;
use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};
use std::cell::{Cell, RefCell};
use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};
use std::future::Future;
use std::ops::Bound;
use std::pin::Pin;
use std::task::{Context, Poll};

/// A record's key, ordered as IndexedDB orders keys: every number (−∞ and +∞ included)
/// before every string, every string before every array; strings by UTF-16 code unit;
/// arrays element by element, a prefix before what extends it.
#[derive(Debug, Clone)]
pub enum Key {
    /// Never NaN (not a key in IndexedDB). −0 and 0 are one key.
    Num(f64),
    Str(String),
    Array(Vec<Key>),
}

impl Key {
    /// The lowest key there is.
    pub const MIN: Key = Key::Num(f64::NEG_INFINITY);

    fn rank(&self) -> u8 {
        match self {
            Key::Num(_) => 0,
            Key::Str(_) => 1,
            Key::Array(_) => 2,
        }
    }
}

impl From<&str> for Key {
    fn from(s: &str) -> Key {
        Key::Str(s.to_string())
    }
}

impl From<String> for Key {
    fn from(s: String) -> Key {
        Key::Str(s)
    }
}

impl From<&String> for Key {
    fn from(s: &String) -> Key {
        Key::Str(s.clone())
    }
}

impl From<f64> for Key {
    fn from(n: f64) -> Key {
        Key::Num(n)
    }
}

impl From<i64> for Key {
    fn from(n: i64) -> Key {
        Key::Num(n as f64)
    }
}

impl<const N: usize> From<[Key; N]> for Key {
    fn from(ks: [Key; N]) -> Key {
        Key::Array(ks.into())
    }
}

impl Ord for Key {
    fn cmp(&self, other: &Key) -> Ordering {
        match (self, other) {
            // +0.0 turns −0 into 0 (IndexedDB compares them equal).
            (Key::Num(a), Key::Num(b)) => (a + 0.0).total_cmp(&(b + 0.0)),
            // IndexedDB compares strings by UTF-16 code unit, not by code point: U+FF61
            // sorts after U+1F600 (a surrogate pair starting 0xD83D).
            (Key::Str(a), Key::Str(b)) => a.encode_utf16().cmp(b.encode_utf16()),
            (Key::Array(a), Key::Array(b)) => a.cmp(b),
            _ => self.rank().cmp(&other.rank()),
        }
    }
}

impl PartialOrd for Key {
    fn partial_cmp(&self, other: &Key) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Key {
    fn eq(&self, other: &Key) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Key {}

/// As IndexedDB takes it: a number, a string or an array of keys.
impl Serialize for Key {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Key::Num(n) => s.serialize_f64(*n),
            Key::Str(v) => s.serialize_str(v),
            Key::Array(ks) => {
                let mut seq = s.serialize_seq(Some(ks.len()))?;
                for k in ks {
                    seq.serialize_element(k)?;
                }
                seq.end()
            }
        }
    }
}

/// The keys between two bounds (an `IDBKeyRange`).
#[derive(Debug, Clone, PartialEq)]
pub struct KeyRange {
    pub lower: Bound<Key>,
    pub upper: Bound<Key>,
}

impl KeyRange {
    /// Exactly one key.
    pub fn only(k: impl Into<Key>) -> KeyRange {
        let k = k.into();
        KeyRange { lower: Bound::Included(k.clone()), upper: Bound::Included(k) }
    }

    /// From `lower` to `upper`, both included.
    pub fn closed(lower: Key, upper: Key) -> KeyRange {
        KeyRange { lower: Bound::Included(lower), upper: Bound::Included(upper) }
    }

    /// Every array key `[first, n]` for any number n: one customer's entries in an index
    /// on `[customer_id, at]`.
    pub fn first_then_any_number(first: impl Into<Key>) -> KeyRange {
        let first = first.into();
        KeyRange::closed(Key::Array(vec![first.clone(), Key::Num(f64::NEG_INFINITY)]), Key::Array(vec![first, Key::Num(f64::INFINITY)]))
    }

    pub fn contains(&self, k: &Key) -> bool {
        let above = match &self.lower {
            Bound::Included(l) => k >= l,
            Bound::Excluded(l) => k > l,
            Bound::Unbounded => true,
        };
        let below = match &self.upper {
            Bound::Included(u) => k <= u,
            Bound::Excluded(u) => k < u,
            Bound::Unbounded => true,
        };
        above && below
    }

    /// A range IndexedDB refuses (`IDBKeyRange.bound` throws): lower above upper, or one
    /// key with a bound left out.
    fn is_invalid(&self) -> bool {
        match (&self.lower, &self.upper) {
            (Bound::Included(l), Bound::Included(u)) => l > u,
            (Bound::Included(l) | Bound::Excluded(l), Bound::Included(u) | Bound::Excluded(u)) => l >= u,
            _ => false,
        }
    }
}

/// As `crm-store.js` builds an `IDBKeyRange`: `{lower, upper, lower_open, upper_open}`,
/// a bound left out when unbounded.
impl Serialize for KeyRange {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        for (name, open, b) in [("lower", "lower_open", &self.lower), ("upper", "upper_open", &self.upper)] {
            match b {
                Bound::Included(k) => {
                    m.serialize_entry(name, k)?;
                    m.serialize_entry(open, &false)?;
                }
                Bound::Excluded(k) => {
                    m.serialize_entry(name, k)?;
                    m.serialize_entry(open, &true)?;
                }
                Bound::Unbounded => {}
            }
        }
        m.end()
    }
}

/// Where a record's key is found in it: one field, or several making an array key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum KeyPath {
    Field(&'static str),
    Fields(&'static [&'static str]),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct IndexDef {
    pub name: &'static str,
    pub key_path: KeyPath,
}

/// One object store. `key_path: None` is a store with out-of-line keys (given with each put).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct StoreDef {
    pub name: &'static str,
    pub key_path: Option<KeyPath>,
    /// Created with the store (an index added to an existing store later needs its own step).
    pub indexes: &'static [IndexDef],
    /// The database version that added this store: opening an older database creates it.
    pub since: u32,
}

/// A database's layout: what `crm-store.js` creates on upgrade and [`MemoryStore`] follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Schema {
    pub name: &'static str,
    pub version: u32,
    pub stores: &'static [StoreDef],
}

impl Schema {
    pub fn store(&self, name: &str) -> Option<&'static StoreDef> {
        self.stores.iter().find(|s| s.name == name)
    }
}

/// What a read or a range delete walks: a store by its keys, or one of its indexes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Source {
    pub store: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub index: Option<&'static str>,
}

impl Source {
    pub const fn store(store: &'static str) -> Source {
        Source { store, index: None }
    }

    pub const fn index(store: &'static str, index: &'static str) -> Source {
        Source { store, index: Some(index) }
    }
}

/// One read of a batch.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Read {
    /// The record with this key in the store, if any.
    Get { store: &'static str, key: Key },
    /// Every record in the range (all of them without one), in key order.
    GetAll {
        #[serde(flatten)]
        from: Source,
        #[serde(skip_serializing_if = "Option::is_none")]
        range: Option<KeyRange>,
    },
    /// The last `limit` records of the range, newest (highest key) first: a cursor
    /// walking backwards (`'prev'`).
    Newest {
        #[serde(flatten)]
        from: Source,
        range: KeyRange,
        limit: u32,
    },
    /// How many records are in the range (all of them without one).
    Count {
        #[serde(flatten)]
        from: Source,
        #[serde(skip_serializing_if = "Option::is_none")]
        range: Option<KeyRange>,
    },
}

/// Where a `get` answers in [`Results`].
#[derive(Debug, Clone, Copy)]
pub struct One(usize);
/// Where a `get_all` or `newest` answers.
#[derive(Debug, Clone, Copy)]
pub struct Many(usize);
/// Where a `count` answers.
#[derive(Debug, Clone, Copy)]
pub struct Counted(usize);

/// A batch of reads, answered together from one read-only transaction (one consistent
/// view). Each method returns the slot its answer comes back in.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Reads {
    ops: Vec<Read>,
}

impl Reads {
    pub fn new() -> Reads {
        Reads::default()
    }

    pub fn get(&mut self, store: &'static str, key: impl Into<Key>) -> One {
        self.ops.push(Read::Get { store, key: key.into() });
        One(self.ops.len() - 1)
    }

    pub fn get_all(&mut self, from: Source, range: Option<KeyRange>) -> Many {
        self.ops.push(Read::GetAll { from, range });
        Many(self.ops.len() - 1)
    }

    pub fn newest(&mut self, from: Source, range: KeyRange, limit: u32) -> Many {
        self.ops.push(Read::Newest { from, range, limit });
        Many(self.ops.len() - 1)
    }

    pub fn count(&mut self, from: Source, range: Option<KeyRange>) -> Counted {
        self.ops.push(Read::Count { from, range });
        Counted(self.ops.len() - 1)
    }

    pub fn ops(&self) -> &[Read] {
        &self.ops
    }

    pub fn is_empty(&self) -> bool {
        self.ops.is_empty()
    }
}

/// One read's answer, of the kind its [`Read`] asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum Found<R> {
    One(Option<R>),
    Many(Vec<R>),
    Count(u64),
}

/// A batch's answers, taken out by slot.
#[derive(Debug, Clone, PartialEq)]
pub struct Results<R> {
    found: Vec<Found<R>>,
}

impl<R> Results<R> {
    /// Answers in the order of the batch's reads (a `Store` builds each of the kind asked).
    pub fn new(found: Vec<Found<R>>) -> Results<R> {
        Results { found }
    }

    pub fn one(&mut self, s: One) -> Option<R> {
        match self.found.get_mut(s.0) {
            Some(Found::One(v)) => v.take(),
            _ => None,
        }
    }

    pub fn many(&mut self, s: Many) -> Vec<R> {
        match self.found.get_mut(s.0) {
            Some(Found::Many(v)) => std::mem::take(v),
            _ => Vec::new(),
        }
    }

    pub fn count(&self, s: Counted) -> u64 {
        match self.found.get(s.0) {
            Some(Found::Count(n)) => *n,
            _ => 0,
        }
    }
}

/// One write of a batch.
#[derive(Debug, Clone, PartialEq)]
pub enum Write<R> {
    /// Adds or replaces a record. `key` only for stores with out-of-line keys; the others
    /// take it from the record by their key path.
    Put { store: &'static str, key: Option<Key>, value: R },
    Delete { store: &'static str, key: Key },
    /// Every record in the range of the store's keys or of one of its indexes.
    DeleteRange { from: Source, range: KeyRange },
    Clear { store: &'static str },
}

/// Why a store could not do what was asked.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum StoreError {
    /// The browser would not open the database (a private window without storage, a
    /// profile on a full or read-only disk, another tab holding an older version).
    Open(String),
    /// The disk or the browser's quota for the extension is full.
    Full,
    /// A read failed.
    Read(String),
    /// A write batch failed; nothing of it was written.
    Write(String),
    /// A record without a valid key (no key path value, or a key given to a store that
    /// takes it from the record); nothing of its batch was written.
    BadKey(String),
    /// A store or index the schema doesn't have: a bug in Tactful, not in the data.
    NoSuchStore(String),
    /// A stored record isn't what Tactful expects (damaged, or written by a newer version).
    Decode(String),
    /// A value could not be turned into a record.
    Encode(String),
}

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StoreError::Open(why) => write!(f, "Tactful couldn't open its local CRM in this browser profile ({why})."),
            StoreError::Full => write!(f, "The browser has no room left for Tactful's local CRM, so nothing was saved: free some disk space, or export and delete customers you no longer need."),
            StoreError::Read(why) => write!(f, "Tactful couldn't read its local CRM ({why})."),
            StoreError::Write(why) => write!(f, "Tactful couldn't save to its local CRM, so nothing was changed ({why})."),
            StoreError::BadKey(why) => write!(f, "Tactful tried to save a local CRM record without a valid key ({why}); nothing was changed."),
            StoreError::NoSuchStore(name) => write!(f, "Tactful's local CRM has no store or index {name:?} (a bug in Tactful; please report it)."),
            StoreError::Decode(why) => write!(f, "A record in Tactful's local CRM is damaged or from a newer Tactful ({why})."),
            StoreError::Encode(why) => write!(f, "Tactful couldn't prepare a record for its local CRM ({why})."),
        }
    }
}

impl std::error::Error for StoreError {}

/// Storage primitives after IndexedDB. Not `Send`: in the browser the futures hold JS values.
#[allow(async_fn_in_trait)]
pub trait Store {
    /// A record as the store holds it, decoded by whoever reads it.
    type Raw;

    fn encode<T: Serialize + ?Sized>(value: &T) -> Result<Self::Raw, StoreError>;
    fn decode<T: DeserializeOwned>(raw: Self::Raw) -> Result<T, StoreError>;

    /// Answers every read of the batch from one read-only transaction.
    async fn read(&self, reads: Reads) -> Result<Results<Self::Raw>, StoreError>;

    /// Applies the writes in order in one read-write transaction: all of them, or (on any
    /// error) none.
    async fn write(&self, writes: Vec<Write<Self::Raw>>) -> Result<(), StoreError>;
}

// ---------------------------------------------------------------------------------------

type Value = serde_json::Value;

/// One store's records and its indexes (index key, primary key).
#[derive(Debug, Clone)]
struct Table {
    def: &'static StoreDef,
    rows: BTreeMap<Key, Value>,
    indexes: BTreeMap<&'static str, BTreeSet<(Key, Key)>>,
}

/// A key from a record's field, as IndexedDB reads key paths (numbers, strings, arrays of
/// them; anything else is no key).
fn key_of(v: &Value) -> Option<Key> {
    match v {
        Value::Number(n) => n.as_f64().map(Key::Num),
        Value::String(s) => Some(Key::Str(s.clone())),
        Value::Array(xs) => xs.iter().map(key_of).collect::<Option<Vec<_>>>().map(Key::Array),
        _ => None,
    }
}

fn key_at(v: &Value, path: KeyPath) -> Option<Key> {
    match path {
        KeyPath::Field(f) => v.get(f).and_then(key_of),
        KeyPath::Fields(fs) => fs.iter().map(|f| v.get(*f).and_then(key_of)).collect::<Option<Vec<_>>>().map(Key::Array),
    }
}

impl Table {
    fn new(def: &'static StoreDef) -> Table {
        Table { def, rows: BTreeMap::new(), indexes: def.indexes.iter().map(|i| (i.name, BTreeSet::new())).collect() }
    }

    fn index_def(&self, name: &str) -> Result<&'static IndexDef, StoreError> {
        self.def.indexes.iter().find(|i| i.name == name).ok_or_else(|| StoreError::NoSuchStore(format!("{}.{name}", self.def.name)))
    }

    fn insert(&mut self, key: Key, value: Value) -> Option<Value> {
        let old = self.remove(&key);
        for ix in self.def.indexes {
            // As in IndexedDB, a record without a valid value at the index's key path is
            // simply not in that index.
            if let Some(k) = key_at(&value, ix.key_path) {
                self.indexes.get_mut(ix.name).expect("index made with the table").insert((k, key.clone()));
            }
        }
        self.rows.insert(key, value);
        old
    }

    fn remove(&mut self, key: &Key) -> Option<Value> {
        let old = self.rows.remove(key)?;
        for ix in self.def.indexes {
            if let Some(k) = key_at(&old, ix.key_path) {
                self.indexes.get_mut(ix.name).expect("index made with the table").remove(&(k, key.clone()));
            }
        }
        Some(old)
    }

    /// Primary keys in `range` (all without one) of the store or an index, in that order.
    fn keys_in(&self, index: Option<&str>, range: Option<&KeyRange>) -> Result<Vec<Key>, StoreError> {
        if range.is_some_and(KeyRange::is_invalid) {
            return Err(StoreError::BadKey("a key range whose lower bound is above its upper bound".into()));
        }
        let inside = |k: &Key| range.is_none_or(|r| r.contains(k));
        Ok(match index {
            None => match range {
                None => self.rows.keys().cloned().collect(),
                Some(r) => self.rows.range((r.lower.clone(), r.upper.clone())).map(|(k, _)| k.clone()).collect(),
            },
            Some(name) => {
                self.index_def(name)?;
                let entries = &self.indexes[name];
                let start = match range.map(|r| &r.lower) {
                    Some(Bound::Included(l) | Bound::Excluded(l)) => Bound::Included((l.clone(), Key::MIN)),
                    _ => Bound::Unbounded,
                };
                let upper_past = |k: &Key| match range.map(|r| &r.upper) {
                    Some(Bound::Included(u)) => k > u,
                    Some(Bound::Excluded(u)) => k >= u,
                    _ => false,
                };
                entries.range((start, Bound::Unbounded)).take_while(|(k, _)| !upper_past(k)).filter(|(k, _)| inside(k)).map(|(_, p)| p.clone()).collect()
            }
        })
    }
}

/// An in-memory [`Store`] with IndexedDB's semantics (key order, key paths, indexes,
/// all-or-nothing write batches), for native tests and the CLI.
///
/// Each batch first yields to the executor once, as a trip to the browser's database
/// does, so concurrent callers interleave between their batches here as they do there.
#[derive(Debug)]
pub struct MemoryStore {
    tables: RefCell<BTreeMap<&'static str, Table>>,
    reads: Cell<usize>,
}

impl MemoryStore {
    pub fn new(schema: &'static Schema) -> MemoryStore {
        MemoryStore { tables: RefCell::new(schema.stores.iter().map(|s| (s.name, Table::new(s))).collect()), reads: Cell::new(0) }
    }

    /// How many reads were answered so far (for tests of how much a rule reads).
    pub fn reads_done(&self) -> usize {
        self.reads.get()
    }

    fn answer(&self, op: &Read) -> Result<Found<Value>, StoreError> {
        let tables = self.tables.borrow();
        let table = |name: &str| tables.get(name).ok_or_else(|| StoreError::NoSuchStore(name.to_string()));
        Ok(match op {
            Read::Get { store, key } => Found::One(table(store)?.rows.get(key).cloned()),
            Read::GetAll { from, range } => {
                let t = table(from.store)?;
                Found::Many(t.keys_in(from.index, range.as_ref())?.iter().map(|k| t.rows[k].clone()).collect())
            }
            Read::Newest { from, range, limit } => {
                let t = table(from.store)?;
                Found::Many(t.keys_in(from.index, Some(range))?.iter().rev().take(*limit as usize).map(|k| t.rows[k].clone()).collect())
            }
            Read::Count { from, range } => Found::Count(table(from.store)?.keys_in(from.index, range.as_ref())?.len() as u64),
        })
    }

    fn apply(tables: &mut BTreeMap<&'static str, Table>, w: Write<Value>, undo: &mut Vec<(&'static str, Key, Option<Value>)>) -> Result<(), StoreError> {
        let name = match &w {
            Write::Put { store, .. } | Write::Delete { store, .. } | Write::Clear { store } => *store,
            Write::DeleteRange { from, .. } => from.store,
        };
        let t = tables.get_mut(name).ok_or_else(|| StoreError::NoSuchStore(name.to_string()))?;
        match w {
            Write::Put { key, value, .. } => {
                let key = match (t.def.key_path, key) {
                    (Some(path), None) => key_at(&value, path).ok_or_else(|| StoreError::BadKey(format!("a {name} record has no key at {path:?}")))?,
                    (None, Some(k)) => k,
                    (Some(_), Some(_)) => return Err(StoreError::BadKey(format!("{name} takes keys from its records, and one was given"))),
                    (None, None) => return Err(StoreError::BadKey(format!("{name} needs a key with each record"))),
                };
                let old = t.insert(key.clone(), value);
                undo.push((name, key, old));
            }
            Write::Delete { key, .. } => {
                let old = t.remove(&key);
                undo.push((name, key, old));
            }
            Write::DeleteRange { from, range } => {
                for k in t.keys_in(from.index, Some(&range))? {
                    let old = t.remove(&k);
                    undo.push((name, k, old));
                }
            }
            Write::Clear { .. } => {
                for k in t.rows.keys().cloned().collect::<Vec<_>>() {
                    let old = t.remove(&k);
                    undo.push((name, k, old));
                }
            }
        }
        Ok(())
    }
}

/// Ready on the second poll: one turn of the executor.
struct YieldOnce(bool);

impl Future for YieldOnce {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.0 {
            Poll::Ready(())
        } else {
            self.0 = true;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    }
}

impl Store for MemoryStore {
    type Raw = Value;

    fn encode<T: Serialize + ?Sized>(value: &T) -> Result<Value, StoreError> {
        serde_json::to_value(value).map_err(|e| StoreError::Encode(e.to_string()))
    }

    fn decode<T: DeserializeOwned>(raw: Value) -> Result<T, StoreError> {
        serde_json::from_value(raw).map_err(|e| StoreError::Decode(e.to_string()))
    }

    async fn read(&self, reads: Reads) -> Result<Results<Value>, StoreError> {
        YieldOnce(false).await;
        let found = reads.ops.iter().map(|op| self.answer(op)).collect::<Result<Vec<_>, _>>()?;
        self.reads.set(self.reads.get() + reads.ops.len());
        Ok(Results::new(found))
    }

    async fn write(&self, writes: Vec<Write<Value>>) -> Result<(), StoreError> {
        YieldOnce(false).await;
        let mut tables = self.tables.borrow_mut();
        let mut undo = Vec::new();
        for w in writes {
            if let Err(e) = MemoryStore::apply(&mut tables, w, &mut undo) {
                // Back to where the batch started, newest change first.
                for (name, key, old) in undo.into_iter().rev() {
                    let t = tables.get_mut(name).expect("undone table exists");
                    t.remove(&key);
                    if let Some(v) = old {
                        t.insert(key, v);
                    }
                }
                return Err(e);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::native::block_on;
    use serde_json::json;

    static TEST: Schema = Schema {
        name: "test",
        version: 1,
        stores: &[
            StoreDef { name: "things", key_path: Some(KeyPath::Field("id")), indexes: &[IndexDef { name: "by_owner", key_path: KeyPath::Fields(&["owner", "at"]) }], since: 1 },
            StoreDef { name: "kv", key_path: None, indexes: &[], since: 1 },
        ],
    };

    fn n(x: f64) -> Key {
        Key::Num(x)
    }

    fn thing(id: &str, owner: &str, at: i64) -> Value {
        json!({ "id": id, "owner": owner, "at": at })
    }

    fn put(store: &'static str, value: Value) -> Write<Value> {
        Write::Put { store, key: None, value }
    }

    fn ids(vs: Vec<Value>) -> Vec<String> {
        vs.into_iter().map(|v| v["id"].as_str().unwrap().to_string()).collect()
    }

    /// The same keys, in the same expected order, as the browser test of crm-store.js.
    #[test]
    fn keys_order_as_indexeddb_orders_them() {
        let s = |x: &str| Key::from(x);
        let expected = vec![
            n(f64::NEG_INFINITY),
            n(-1.5),
            n(0.0),
            n(5.0),
            n(f64::INFINITY),
            s(""),
            s("A"),
            s("a"),
            s("😀"),
            s("｡"),
            Key::Array(vec![]),
            Key::Array(vec![n(f64::INFINITY)]),
            Key::Array(vec![s("a")]),
            Key::Array(vec![s("a"), n(f64::NEG_INFINITY)]),
            Key::Array(vec![s("a"), n(2.0)]),
            Key::Array(vec![s("a"), n(10.0)]),
            Key::Array(vec![s("a"), n(f64::INFINITY)]),
            Key::Array(vec![s("a"), s("")]),
            Key::Array(vec![s("a"), Key::Array(vec![])]),
            Key::Array(vec![s("b")]),
        ];
        let mut shuffled = expected.clone();
        shuffled.reverse();
        shuffled.swap(3, 11);
        shuffled.sort();
        assert_eq!(shuffled, expected);
        assert_eq!(n(-0.0), n(0.0));
        // Through the store: out-of-line keys come back in that order.
        let m = MemoryStore::new(&TEST);
        let writes = expected.iter().enumerate().map(|(i, k)| Write::Put { store: "kv", key: Some(k.clone()), value: json!(i) }).rev().collect();
        block_on(m.write(writes)).unwrap();
        let mut q = Reads::new();
        let all = q.get_all(Source::store("kv"), None);
        let got = block_on(m.read(q)).unwrap().many(all);
        assert_eq!(got, (0..expected.len()).map(|i| json!(i)).collect::<Vec<_>>());
    }

    fn owners() -> MemoryStore {
        let m = MemoryStore::new(&TEST);
        block_on(m.write(vec![put("things", thing("t1", "a", 5)), put("things", thing("t2", "b", 1)), put("things", thing("t3", "a", -3)), put("things", thing("t4", "a", 9)), put("things", thing("t5", "ab", 0))])).unwrap();
        m
    }

    #[test]
    fn an_index_range_with_infinite_bounds_holds_one_owner() {
        let m = owners();
        let mut q = Reads::new();
        let a = q.get_all(Source::index("things", "by_owner"), Some(KeyRange::first_then_any_number("a")));
        let newest = q.newest(Source::index("things", "by_owner"), KeyRange::first_then_any_number("a"), 2);
        let count = q.count(Source::index("things", "by_owner"), Some(KeyRange::first_then_any_number("a")));
        let all = q.count(Source::store("things"), None);
        let one = q.get("things", "t2");
        let none = q.get("things", "t9");
        let mut r = block_on(m.read(q)).unwrap();
        assert_eq!(ids(r.many(a)), ["t3", "t1", "t4"], "by time, not by id; 'ab' is another owner");
        assert_eq!(ids(r.many(newest)), ["t4", "t1"]);
        assert_eq!((r.count(count), r.count(all)), (3, 5));
        assert_eq!(r.one(one), Some(thing("t2", "b", 1)));
        assert_eq!(r.one(none), None);
    }

    #[test]
    fn delete_by_index_range_and_a_failed_batch_changes_nothing() {
        let m = owners();
        let before = block_on(m.read({
            let mut q = Reads::new();
            q.get_all(Source::store("things"), None);
            q
        }))
        .unwrap();
        // A put without its key path fails the whole batch, after a range delete and a put.
        let bad = vec![Write::DeleteRange { from: Source::index("things", "by_owner"), range: KeyRange::first_then_any_number("a") }, put("things", thing("t6", "c", 1)), put("things", json!({ "owner": "c" }))];
        assert!(matches!(block_on(m.write(bad)), Err(StoreError::BadKey(_))));
        let mut q = Reads::new();
        let all = q.get_all(Source::store("things"), None);
        let ix = q.get_all(Source::index("things", "by_owner"), None);
        let mut r = block_on(m.read(q)).unwrap();
        let mut b = before;
        assert_eq!(r.many(all), b.many(Many(0)));
        assert_eq!(ids(r.many(ix)), ["t3", "t1", "t4", "t5", "t2"], "the index is back too");

        block_on(m.write(vec![Write::DeleteRange { from: Source::index("things", "by_owner"), range: KeyRange::first_then_any_number("a") }])).unwrap();
        let mut q = Reads::new();
        let all = q.get_all(Source::store("things"), None);
        assert_eq!(ids(block_on(m.read(q)).unwrap().many(all)), ["t2", "t5"]);
    }

    #[test]
    fn keys_follow_the_store_kind() {
        let m = MemoryStore::new(&TEST);
        assert!(matches!(block_on(m.write(vec![put("kv", json!(1))])), Err(StoreError::BadKey(_))), "out-of-line keys need a key");
        assert!(matches!(block_on(m.write(vec![Write::Put { store: "things", key: Some("x".into()), value: thing("x", "a", 1) }])), Err(StoreError::BadKey(_))));
        assert!(matches!(block_on(m.write(vec![put("nope", json!({}))])), Err(StoreError::NoSuchStore(_))));
        let mut q = Reads::new();
        q.get_all(Source::index("things", "by_nobody"), None);
        assert!(matches!(block_on(m.read(q)), Err(StoreError::NoSuchStore(_))));
        // A record without an index's fields is stored, just not in that index.
        block_on(m.write(vec![put("things", json!({ "id": "loose" }))])).unwrap();
        let mut q = Reads::new();
        let ix = q.count(Source::index("things", "by_owner"), None);
        let all = q.count(Source::store("things"), None);
        let r = block_on(m.read(q)).unwrap();
        assert_eq!((r.count(ix), r.count(all)), (0, 1));
        // Replacing a record moves its index entry.
        block_on(m.write(vec![put("things", thing("loose", "z", 1)), put("things", thing("loose", "y", 1))])).unwrap();
        let mut q = Reads::new();
        let z = q.count(Source::index("things", "by_owner"), Some(KeyRange::first_then_any_number("z")));
        let y = q.count(Source::index("things", "by_owner"), Some(KeyRange::first_then_any_number("y")));
        let r = block_on(m.read(q)).unwrap();
        assert_eq!((r.count(z), r.count(y)), (0, 1));
    }

    #[test]
    fn ranges_go_to_the_browser_as_idbkeyrange_parts() {
        let r = KeyRange::first_then_any_number("c1");
        assert_eq!(serde_json::to_string(&KeyRange::only("x")).unwrap(), r#"{"lower":"x","lower_open":false,"upper":"x","upper_open":false}"#);
        // JSON has no infinity (the browser gets real ±Infinity through serde-wasm-bindgen).
        assert_eq!(serde_json::to_value(&r).unwrap()["lower"], json!(["c1", null]));
        assert!(r.contains(&Key::Array(vec!["c1".into(), n(1e300)])));
        assert!(!r.contains(&Key::Array(vec!["c1".into(), "late".into()])));
    }
}
