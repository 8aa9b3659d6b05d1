//! The embedded default CRM: customers, interactions, tickets and notes kept in the
//! browser's IndexedDB (a [`MemoryStore`] natively). [`LocalCrm`] holds every rule once:
//! who a post's author is (by identity, never by display name), what a write changes,
//! customer cards, whole-store export and import, a customer's privacy export and erasure.
//! The [`Store`] under it only gets, puts and walks key ranges.
//!
//! ```ignore
//! let crm = LocalCrm::new(MemoryStore::new(&SCHEMA), uuid);
//! let fresh = crm.apply(&ops, now).await?;       // what changed, for the connected CRM
//! let cards = crm.cards(&authors, now, 3).await?; // one per author, in order
//! ```

use super::card::{card_with, unknown, CardView};
use super::model::*;
use super::store::{IndexDef, Key, KeyPath, KeyRange, Many, One, Reads, Schema, Source, Store, StoreDef, StoreError, Write};
use futures::lock::Mutex;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap, HashSet};

/// How a post's author maps onto the customers we know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolution {
    /// One customer owns the identities we matched on.
    Existing(String),
    /// Nobody yet: create a customer.
    New,
    /// The handle belongs to one customer and, say, the email to another: use the handle's
    /// owner (the post is theirs) and offer the agent a merge.
    Conflict { chosen: String, others: Vec<String> },
}

impl Resolution {
    /// The customer a write or a card is about (the handle's owner in a conflict).
    pub fn customer(&self) -> Option<&str> {
        match self {
            Resolution::Existing(id) | Resolution::Conflict { chosen: id, .. } => Some(id),
            Resolution::New => None,
        }
    }
}

/// Matches by identity, in the order given: the post's network handle first, then emails
/// and phones. Display names are never used: two "Dana Reyes" are two people until an
/// identity says otherwise. `owner` answers which customer holds an identity.
pub fn resolve(r: &CustomerRef, owner: impl Fn(&Identity) -> Option<String>) -> Resolution {
    let mut found: Vec<String> = Vec::new();
    for id in &r.identities {
        if let Some(c) = owner(id) {
            if !found.contains(&c) {
                found.push(c);
            }
        }
    }
    match found.len() {
        0 => Resolution::New,
        1 => Resolution::Existing(found.remove(0)),
        _ => {
            let chosen = found.remove(0);
            Resolution::Conflict { chosen, others: found }
        }
    }
}

/// A customer record updated with what the page knows (`who`): the identities nobody else
/// owns are added (returned, for the identity index), and the newest display name goes
/// first. `existing` is `None` for a new customer, who gets `fresh_id`.
pub fn upsert_customer(existing: Option<Customer>, who: &CustomerRef, owner: impl Fn(&Identity) -> Option<String>, now: i64, fresh_id: &str) -> (Customer, Vec<Identity>) {
    let mut c = existing.unwrap_or_else(|| Customer { id: fresh_id.to_string(), display_names: vec![], identities: vec![], tags: vec![], created_at: now, updated_at: now });
    let mut added = Vec::new();
    for ident in &who.identities {
        if owner(ident).is_none() && !c.identities.contains(ident) {
            c.identities.push(ident.clone());
            added.push(ident.clone());
        }
    }
    if let Some(name) = who.display_name.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
        c.display_names.retain(|n| n != name);
        c.display_names.insert(0, name.to_string());
    }
    c.updated_at = now;
    (c, added)
}

/// A customer's history from stored records: `newest_first` interactions (the card's
/// page of them), with the sentiment series from the customer's own words.
pub fn history_from(customer: Customer, newest_first: Vec<Interaction>, tickets: Vec<Ticket>, notes: Vec<Note>, limit: usize) -> CustomerHistory {
    let mut sentiment: Vec<(i64, f32)> = newest_first.iter().filter(|i| i.direction == Direction::Inbound).filter_map(|i| i.sentiment.map(|s| (i.at, s))).collect();
    sentiment.reverse();
    let interactions = newest_first.into_iter().take(limit).collect();
    CustomerHistory { customer, interactions, tickets, notes, sentiment }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LocalError {
    NoSuchCustomer(String),
    /// Nobody in the local CRM has this identity (typed by an agent).
    NoOwner(Identity),
    SameCustomer,
    /// A whole-store import that is not a Tactful export; nothing was imported.
    BadImport(String),
    /// The store under the CRM failed.
    Store(StoreError),
}

impl std::fmt::Display for LocalError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LocalError::NoSuchCustomer(id) => write!(f, "No customer {id} in the local CRM."),
            LocalError::NoOwner(i) if i.is_social() => write!(f, "No customer with @{} on {} in the local CRM.", i.value, i.network),
            LocalError::NoOwner(i) => write!(f, "No customer with {} in the local CRM.", i.value),
            LocalError::SameCustomer => write!(f, "Those are the same customer."),
            LocalError::BadImport(why) => write!(f, "That file is not a Tactful CRM export ({why}); nothing was imported."),
            LocalError::Store(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for LocalError {}

impl From<StoreError> for LocalError {
    fn from(e: StoreError) -> LocalError {
        LocalError::Store(e)
    }
}

/// Everything the local CRM holds, as exported and imported.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    /// The store's schema version (see `SCHEMA_VERSION`).
    pub schema: u32,
    pub customers: Vec<Customer>,
    pub interactions: Vec<Interaction>,
    pub tickets: Vec<(String, Ticket)>,
    pub notes: Vec<Note>,
}

/// Bumped when the exported shape changes; `migrate` brings older snapshots forward.
pub const SCHEMA_VERSION: u32 = 2;

/// Brings a stored snapshot of an older schema to the current one.
/// v1 kept one `display_name` per customer; v2 keeps every name seen.
pub fn migrate(mut raw: serde_json::Value) -> Result<Snapshot, LocalError> {
    let schema = raw.get("schema").and_then(serde_json::Value::as_u64).ok_or_else(|| LocalError::BadImport("no schema version".into()))? as u32;
    if schema > SCHEMA_VERSION {
        return Err(LocalError::BadImport(format!("made by a newer Tactful (schema {schema})")));
    }
    if schema < 2 {
        if let Some(cs) = raw.get_mut("customers").and_then(serde_json::Value::as_array_mut) {
            for c in cs {
                if let Some(o) = c.as_object_mut() {
                    let name = o.remove("display_name");
                    let names = match name {
                        Some(serde_json::Value::String(s)) if !s.is_empty() => vec![serde_json::Value::String(s)],
                        _ => vec![],
                    };
                    o.insert("display_names".into(), serde_json::Value::Array(names));
                }
            }
        }
    }
    raw["schema"] = SCHEMA_VERSION.into();
    serde_json::from_value(raw).map_err(|e| LocalError::BadImport(e.to_string()))
}

/// Checks a snapshot before it replaces the store: an identity owned twice, or a record
/// pointing at a customer the file doesn't hold, rejects the whole file.
pub fn check_snapshot(s: &Snapshot) -> Result<(), LocalError> {
    let mut owner: HashMap<&Identity, &str> = HashMap::new();
    let mut known: HashSet<&str> = HashSet::new();
    for c in &s.customers {
        known.insert(&c.id);
        for i in &c.identities {
            if let Some(prev) = owner.insert(i, &c.id) {
                if prev != c.id {
                    return Err(LocalError::BadImport(format!("{} belongs to both {prev} and {}", i.key(), c.id)));
                }
            }
        }
    }
    let points = s.interactions.iter().map(|i| &i.customer_id).chain(s.tickets.iter().map(|(c, _)| c)).chain(s.notes.iter().map(|n| &n.customer_id));
    for id in points {
        if !known.contains(id.as_str()) {
            return Err(LocalError::BadImport(format!("a record points at unknown customer {id}")));
        }
    }
    Ok(())
}

// --- The IndexedDB layout --------------------------------------------------------------
// Kept exactly as extension/crm-store.js created it before the rules moved here, so an
// agent's existing database reads after an update.

const CUSTOMERS: &str = "customers";
const IDENTITIES: &str = "identities";
const INTERACTIONS: &str = "interactions";
const TICKETS: &str = "tickets";
const NOTES: &str = "notes";
const SETTINGS: &str = "settings";
const COUNTS: &str = "counts";
const BY_CUSTOMER: &str = "by_customer";

/// The stores an import replaces (everything but settings).
const RECORDS: [&str; 6] = [CUSTOMERS, IDENTITIES, INTERACTIONS, TICKETS, NOTES, COUNTS];

/// The local CRM's database. v2 added `settings` (the connected CRM with its credentials,
/// the outbox, the knowledge base, suggestion feedback); v3 added `counts`, each
/// customer's number of interactions: counting an index range walks every entry (26 µs
/// each; 65 ms for a customer with 2,500), so the card reads a number.
pub static SCHEMA: Schema = Schema {
    name: "tactful-crm",
    version: 3,
    stores: &[
        StoreDef { name: CUSTOMERS, key_path: Some(KeyPath::Field("id")), indexes: &[], since: 1 },
        // {key: "x:dana", customer_id}
        StoreDef { name: IDENTITIES, key_path: Some(KeyPath::Field("key")), indexes: &[], since: 1 },
        StoreDef { name: INTERACTIONS, key_path: Some(KeyPath::Field("id")), indexes: &[IndexDef { name: BY_CUSTOMER, key_path: KeyPath::Fields(&["customer_id", "at"]) }], since: 1 },
        // {customer_id, id, ticket}
        StoreDef { name: TICKETS, key_path: Some(KeyPath::Fields(&["customer_id", "id"])), indexes: &[IndexDef { name: BY_CUSTOMER, key_path: KeyPath::Field("customer_id") }], since: 1 },
        StoreDef { name: NOTES, key_path: Some(KeyPath::Field("id")), indexes: &[IndexDef { name: BY_CUSTOMER, key_path: KeyPath::Field("customer_id") }], since: 1 },
        // Out-of-line keys: a `Setting`'s name.
        StoreDef { name: SETTINGS, key_path: None, indexes: &[], since: 2 },
        // Out-of-line keys: customer id -> number of interactions; filled lazily for
        // databases from before v3.
        StoreDef { name: COUNTS, key_path: None, indexes: &[], since: 3 },
    ],
};

const INTERACTIONS_OF: Source = Source::index(INTERACTIONS, BY_CUSTOMER);
const TICKETS_OF: Source = Source::index(TICKETS, BY_CUSTOMER);
const NOTES_OF: Source = Source::index(NOTES, BY_CUSTOMER);

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct IdentityRow {
    key: String,
    customer_id: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct TicketRow {
    customer_id: String,
    id: String,
    ticket: Ticket,
}

/// Values the extension keeps beside the records, in the `settings` store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Setting {
    /// The team's imported knowledge base (it can be large).
    Kb,
    /// Which suggestions agents pick, for the ranking.
    Feedback,
    /// The connected CRM's config, with its credentials.
    Crm,
    /// Writes waiting for the connected CRM.
    Outbox,
    /// The team's site profiles (a file loaded on the options page), if any.
    Profiles,
}

impl Setting {
    pub fn name(self) -> &'static str {
        match self {
            Setting::Kb => "kb",
            Setting::Feedback => "feedback",
            Setting::Crm => "crm",
            Setting::Outbox => "outbox",
            Setting::Profiles => "profiles",
        }
    }
}

impl std::str::FromStr for Setting {
    type Err = String;
    fn from_str(s: &str) -> Result<Setting, String> {
        [Setting::Kb, Setting::Feedback, Setting::Crm, Setting::Outbox, Setting::Profiles].into_iter().find(|k| k.name() == s).ok_or_else(|| format!("Tactful keeps no setting called {s:?}."))
    }
}

/// What a whole-store import brought in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Imported {
    pub customers: usize,
    pub interactions: usize,
}

/// What erasing a customer removed besides their record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Deleted {
    pub interactions: u64,
}

/// Interactions read for a card: the sentiment line is drawn from these (the card shows
/// at most 20 points), and "moved"/"answered" marks come from the newest of them.
const CARD_READ: usize = 40;
/// Interactions kept in a card's history at least (moved/answered marks look this far).
const CARD_HISTORY: usize = 10;

/// A customer's records as a card needs them.
struct Held {
    history: CustomerHistory,
    total: u64,
}

/// The local CRM over a [`Store`]. Writes (apply, merge, import, erase) run one at a
/// time: each reads, decides and writes in separate transactions, and two applies for one
/// new author interleaved would otherwise both create a customer.
pub struct LocalCrm<S: Store> {
    store: S,
    fresh_id: Box<dyn Fn() -> String>,
    writes: Mutex<()>,
    /// Counts found by counting (a database from before v3), to keep in `counts`.
    uncounted: RefCell<BTreeMap<String, u64>>,
}

impl<S: Store> LocalCrm<S> {
    /// `fresh_id` names new customers, interactions, notes and tickets; it must not repeat
    /// (the browser passes `crypto.randomUUID`).
    pub fn new(store: S, fresh_id: impl Fn() -> String + 'static) -> LocalCrm<S> {
        LocalCrm { store, fresh_id: Box::new(fresh_id), writes: Mutex::new(()), uncounted: RefCell::default() }
    }

    pub fn store(&self) -> &S {
        &self.store
    }

    fn decode<T: DeserializeOwned>(raw: S::Raw) -> Result<T, LocalError> {
        Ok(S::decode(raw)?)
    }

    fn put<T: Serialize>(store: &'static str, value: &T) -> Result<Write<S::Raw>, LocalError> {
        Ok(Write::Put { store, key: None, value: S::encode(value)? })
    }

    /// Owners of identity keys (`None` where nobody), one read for all of them.
    async fn owners(&self, keys: impl IntoIterator<Item = String>) -> Result<HashMap<String, String>, LocalError> {
        let mut q = Reads::new();
        let mut asked: HashMap<String, One> = HashMap::new();
        for k in keys {
            if !asked.contains_key(&k) {
                let slot = q.get(IDENTITIES, k.as_str());
                asked.insert(k, slot);
            }
        }
        if asked.is_empty() {
            return Ok(HashMap::new());
        }
        let mut r = self.store.read(q).await?;
        let mut out = HashMap::new();
        for (k, slot) in asked {
            if let Some(raw) = r.one(slot) {
                out.insert(k, Self::decode::<IdentityRow>(raw)?.customer_id);
            }
        }
        Ok(out)
    }

    /// Which customer `who` is.
    pub async fn find(&self, who: &CustomerRef) -> Result<Resolution, LocalError> {
        let owners = self.owners(who.identities.iter().map(Identity::key)).await?;
        Ok(resolve(who, |i| owners.get(&i.key()).cloned()))
    }

    /// Records of several customers for their cards, in one read (counts that aren't
    /// kept yet in a second). A customer gone meanwhile is left out.
    async fn held(&self, ids: &[&str], read: usize, keep: usize) -> Result<HashMap<String, Held>, LocalError> {
        let mut q = Reads::new();
        let slots: Vec<_> = ids
            .iter()
            .map(|id| {
                let all = KeyRange::first_then_any_number(*id);
                (q.get(CUSTOMERS, *id), q.get(COUNTS, *id), q.newest(INTERACTIONS_OF, all, read as u32), q.get_all(TICKETS_OF, Some(KeyRange::only(*id))), q.get_all(NOTES_OF, Some(KeyRange::only(*id))))
            })
            .collect();
        let mut r = self.store.read(q).await?;
        let mut out = HashMap::new();
        let mut uncounted = Vec::new();
        for (id, (customer, count, newest, tickets, notes)) in ids.iter().zip(slots) {
            let Some(customer) = r.one(customer) else { continue };
            let customer: Customer = Self::decode(customer)?;
            let total = r.one(count).map(Self::decode::<u64>).transpose()?;
            let newest = r.many(newest).into_iter().map(Self::decode).collect::<Result<Vec<Interaction>, _>>()?;
            let tickets = r.many(tickets).into_iter().map(|t| Self::decode::<TicketRow>(t).map(|t| t.ticket)).collect::<Result<Vec<_>, _>>()?;
            let notes = r.many(notes).into_iter().map(Self::decode).collect::<Result<Vec<Note>, _>>()?;
            if total.is_none() {
                uncounted.push(id.to_string());
            }
            out.insert(id.to_string(), Held { history: history_from(customer, newest, tickets, notes, keep), total: total.unwrap_or(0) });
        }
        if !uncounted.is_empty() {
            let mut q = Reads::new();
            let slots: Vec<_> = uncounted.iter().map(|id| q.count(INTERACTIONS_OF, Some(KeyRange::first_then_any_number(id.as_str())))).collect();
            let r = self.store.read(q).await?;
            let mut later = self.uncounted.borrow_mut();
            for (id, slot) in uncounted.into_iter().zip(slots) {
                let n = r.count(slot);
                if let Some(h) = out.get_mut(&id) {
                    h.total = n;
                }
                later.insert(id, n);
            }
        }
        Ok(out)
    }

    /// Customer cards for the authors of posts, in order, with up to `lines` of history
    /// each. An author who posted several times is looked up once; unknown authors get
    /// the "new customer" card.
    pub async fn cards(&self, whos: &[CustomerRef], now: i64, lines: usize) -> Result<Vec<CardView>, LocalError> {
        let owners = self.owners(whos.iter().flat_map(|w| w.identities.iter().map(Identity::key))).await?;
        let who_is: Vec<Option<String>> = whos.iter().map(|w| resolve(w, |i| owners.get(&i.key()).cloned()).customer().map(str::to_string)).collect();
        let mut ids: Vec<&str> = who_is.iter().flatten().map(String::as_str).collect();
        ids.sort_unstable();
        ids.dedup();
        let held = if ids.is_empty() { HashMap::new() } else { self.held(&ids, CARD_READ.max(lines), CARD_HISTORY.max(lines)).await? };
        Ok(whos
            .iter()
            .zip(&who_is)
            .map(|(w, id)| match id.as_ref().and_then(|id| held.get(id)) {
                Some(h) => card_with(&h.history, h.total as usize, now, lines),
                None => unknown(w),
            })
            .collect())
    }

    /// A customer's history: the newest `limit` interactions, tickets, notes and the
    /// sentiment of their newest 40 words at least; with how many interactions they have.
    pub async fn history(&self, id: &str, limit: usize) -> Result<(CustomerHistory, u64), LocalError> {
        let mut held = self.held(&[id], CARD_READ.max(limit), limit).await?;
        let h = held.remove(id).ok_or_else(|| LocalError::NoSuchCustomer(id.into()))?;
        Ok((h.history, h.total))
    }

    /// Whether cards counted interactions that `keep_counts` should keep.
    pub fn counts_pending(&self) -> bool {
        !self.uncounted.borrow().is_empty()
    }

    /// Keeps the counts cards had to make (a database from before v3), so the next card
    /// reads a number. Done apart from the card, which needn't wait for a write; a count
    /// kept meanwhile by a write, or a customer erased meanwhile, wins.
    pub async fn keep_counts(&self) -> Result<(), LocalError> {
        let _one_writer = self.writes.lock().await;
        let todo = std::mem::take(&mut *self.uncounted.borrow_mut());
        if todo.is_empty() {
            return Ok(());
        }
        let mut q = Reads::new();
        let slots: Vec<_> = todo.keys().map(|id| (q.get(COUNTS, id.as_str()), q.get(CUSTOMERS, id.as_str()))).collect();
        let mut r = self.store.read(q).await?;
        let mut writes = Vec::new();
        for ((id, n), (kept, customer)) in todo.into_iter().zip(slots) {
            if r.one(kept).is_none() && r.one(customer).is_some() {
                writes.push(Write::Put { store: COUNTS, key: Some(id.into()), value: S::encode(&n)? });
            }
        }
        if !writes.is_empty() {
            self.store.write(writes).await?;
        }
        Ok(())
    }

    /// Applies writes (the worker's `crm_writes`), each in one transaction, in order.
    /// Returns the ops that changed something, for the connected CRM: a customer's post
    /// already logged is not new.
    pub async fn apply(&self, ops: &[WriteOp], now: i64) -> Result<Vec<WriteOp>, LocalError> {
        let _one_writer = self.writes.lock().await;
        let mut fresh = Vec::new();
        for op in ops {
            if self.apply_one(op, now).await? {
                fresh.push(op.clone());
            }
        }
        Ok(fresh)
    }

    /// One write: the customer it is about (created when new, identities and name
    /// updated), then the record. False when it changed nothing (a replayed interaction).
    async fn apply_one(&self, op: &WriteOp, now: i64) -> Result<bool, LocalError> {
        let who = op.customer();
        let mut q = Reads::new();
        let owner_slots: Vec<One> = who.identities.iter().map(|i| q.get(IDENTITIES, i.key())).collect();
        // Ids make writes idempotent: the customer's post is keyed by its permalink.
        let logged = match op {
            WriteOp::LogInteraction { interaction, .. } if !interaction.id.is_empty() => Some(q.count(Source::store(INTERACTIONS), Some(KeyRange::only(interaction.id.as_str())))),
            _ => None,
        };
        let mut r = self.store.read(q).await?;
        let mut owners = HashMap::new();
        for (i, slot) in who.identities.iter().zip(owner_slots) {
            if let Some(raw) = r.one(slot) {
                owners.insert(i.clone(), Self::decode::<IdentityRow>(raw)?.customer_id);
            }
        }
        let is_new = logged.is_none_or(|s| r.count(s) == 0);
        let owner = |i: &Identity| owners.get(i).cloned();

        let (existing, kept) = match resolve(who, owner).customer() {
            Some(id) => {
                let mut q = Reads::new();
                let (c, n) = (q.get(CUSTOMERS, id), q.get(COUNTS, id));
                let mut r = self.store.read(q).await?;
                (r.one(c).map(Self::decode::<Customer>).transpose()?, r.one(n).map(Self::decode::<u64>).transpose()?)
            }
            None => (None, None),
        };
        let known = existing.is_some();
        let fresh = if known { String::new() } else { (self.fresh_id)() };
        let (customer, added) = upsert_customer(existing, who, owner, now, &fresh);
        let cid = customer.id.clone();
        let mut writes = vec![Self::put(CUSTOMERS, &customer)?];
        for i in added {
            writes.push(Self::put(IDENTITIES, &IdentityRow { key: i.key(), customer_id: cid.clone() })?);
        }
        match op {
            WriteOp::LogInteraction { interaction, .. } => {
                if is_new {
                    let mut i = interaction.clone();
                    i.customer_id = cid.clone();
                    if i.id.is_empty() {
                        i.id = (self.fresh_id)();
                    }
                    writes.push(Self::put(INTERACTIONS, &i)?);
                    let before = match (kept, known) {
                        (Some(n), _) => n,
                        (None, false) => 0,
                        // A database from before v3: counted now, once.
                        (None, true) => {
                            let mut q = Reads::new();
                            let n = q.count(INTERACTIONS_OF, Some(KeyRange::first_then_any_number(cid.as_str())));
                            self.store.read(q).await?.count(n)
                        }
                    };
                    writes.push(Write::Put { store: COUNTS, key: Some(cid.as_str().into()), value: S::encode(&(before + 1))? });
                }
            }
            WriteOp::AddNote { text, agent, .. } => {
                writes.push(Self::put(NOTES, &Note { id: (self.fresh_id)(), customer_id: cid.clone(), text: text.clone(), agent: agent.clone(), at: now })?);
            }
            WriteOp::CreateTicket { subject, .. } => {
                let id = (self.fresh_id)();
                let ticket = Ticket { id: id.clone(), subject: subject.clone(), status: "open".into(), open: true, link: None, updated_at: Some(now) };
                writes.push(Self::put(TICKETS, &TicketRow { customer_id: cid.clone(), id, ticket })?);
            }
        }
        self.store.write(writes).await?;
        Ok(is_new)
    }

    /// Folds `other` into `keep`: identities, names, tags and every record move over;
    /// `other` is gone. Only an agent's decision calls this, never a display name.
    pub async fn merge(&self, keep: &str, other: &str) -> Result<(), LocalError> {
        if keep == other {
            return Err(LocalError::SameCustomer);
        }
        let _one_writer = self.writes.lock().await;
        let mut q = Reads::new();
        let (k, o, kn) = (q.get(CUSTOMERS, keep), q.get(CUSTOMERS, other), q.get(COUNTS, keep));
        let (is, ts, ns) = (q.get_all(INTERACTIONS_OF, Some(KeyRange::first_then_any_number(other))), q.get_all(TICKETS_OF, Some(KeyRange::only(other))), q.get_all(NOTES_OF, Some(KeyRange::only(other))));
        let mut r = self.store.read(q).await?;
        let mut k: Customer = Self::decode(r.one(k).ok_or_else(|| LocalError::NoSuchCustomer(keep.into()))?)?;
        let gone: Customer = Self::decode(r.one(o).ok_or_else(|| LocalError::NoSuchCustomer(other.into()))?)?;
        let mut writes = Vec::new();
        for ident in gone.identities {
            writes.push(Self::put(IDENTITIES, &IdentityRow { key: ident.key(), customer_id: keep.into() })?);
            if !k.identities.contains(&ident) {
                k.identities.push(ident);
            }
        }
        for n in gone.display_names {
            if !k.display_names.contains(&n) {
                k.display_names.push(n);
            }
        }
        for t in gone.tags {
            if !k.tags.contains(&t) {
                k.tags.push(t);
            }
        }
        k.created_at = k.created_at.min(gone.created_at);
        writes.push(Self::put(CUSTOMERS, &k)?);
        let moved = r.many(is);
        let n = moved.len() as u64;
        for raw in moved {
            let mut i: Interaction = Self::decode(raw)?;
            i.customer_id = keep.into();
            writes.push(Self::put(INTERACTIONS, &i)?);
        }
        for raw in r.many(ts) {
            let t: TicketRow = Self::decode(raw)?;
            writes.push(Write::Delete { store: TICKETS, key: Key::from([other.into(), t.id.as_str().into()]) });
            writes.push(Self::put(TICKETS, &TicketRow { customer_id: keep.into(), ..t })?);
        }
        for raw in r.many(ns) {
            let mut note: Note = Self::decode(raw)?;
            note.customer_id = keep.into();
            writes.push(Self::put(NOTES, &note)?);
        }
        // An unknown count stays unknown: it is counted, moved records included, when read.
        if let Some(kept) = r.one(kn).map(Self::decode::<u64>).transpose()? {
            writes.push(Write::Put { store: COUNTS, key: Some(keep.into()), value: S::encode(&(kept + n))? });
        }
        writes.push(Write::Delete { store: CUSTOMERS, key: other.into() });
        writes.push(Write::Delete { store: COUNTS, key: other.into() });
        self.store.write(writes).await?;
        Ok(())
    }

    /// The customer who owns an identity typed by an agent (network + handle or email).
    pub async fn owner_of(&self, identity: &Identity) -> Result<String, LocalError> {
        let key = identity.key();
        self.owners([key.clone()]).await?.remove(&key).ok_or_else(|| LocalError::NoOwner(identity.clone()))
    }

    async fn customer_records(&self, id: &str) -> Result<Snapshot, LocalError> {
        let mut q = Reads::new();
        let c = q.get(CUSTOMERS, id);
        let (is, ts, ns): (Many, Many, Many) = (q.get_all(INTERACTIONS_OF, Some(KeyRange::first_then_any_number(id))), q.get_all(TICKETS_OF, Some(KeyRange::only(id))), q.get_all(NOTES_OF, Some(KeyRange::only(id))));
        let mut r = self.store.read(q).await?;
        let customer: Customer = Self::decode(r.one(c).ok_or_else(|| LocalError::NoSuchCustomer(id.into()))?)?;
        Ok(Snapshot {
            schema: SCHEMA_VERSION,
            customers: vec![customer],
            interactions: r.many(is).into_iter().map(Self::decode).collect::<Result<_, _>>()?,
            tickets: r.many(ts).into_iter().map(|t| Self::decode::<TicketRow>(t).map(|t| (t.customer_id, t.ticket))).collect::<Result<_, _>>()?,
            notes: r.many(ns).into_iter().map(Self::decode).collect::<Result<_, _>>()?,
        })
    }

    /// Everything held about one customer (a privacy request's export), oldest first.
    pub async fn export_customer(&self, identity: &Identity) -> Result<Snapshot, LocalError> {
        let id = self.owner_of(identity).await?;
        self.customer_records(&id).await
    }

    /// Erases a customer and everything about them, in one transaction.
    pub async fn delete_customer(&self, identity: &Identity) -> Result<Deleted, LocalError> {
        let _one_writer = self.writes.lock().await;
        let id = self.owner_of(identity).await?;
        let mut q = Reads::new();
        let c = q.get(CUSTOMERS, id.as_str());
        let n = q.count(INTERACTIONS_OF, Some(KeyRange::first_then_any_number(id.as_str())));
        let mut r = self.store.read(q).await?;
        let customer: Customer = Self::decode(r.one(c).ok_or_else(|| LocalError::NoSuchCustomer(id.clone()))?)?;
        let mut writes = vec![Write::Delete { store: CUSTOMERS, key: id.as_str().into() }, Write::Delete { store: COUNTS, key: id.as_str().into() }];
        writes.extend(customer.identities.iter().map(|i| Write::Delete { store: IDENTITIES, key: i.key().into() }));
        writes.push(Write::DeleteRange { from: INTERACTIONS_OF, range: KeyRange::first_then_any_number(id.as_str()) });
        writes.push(Write::DeleteRange { from: TICKETS_OF, range: KeyRange::only(id.as_str()) });
        writes.push(Write::DeleteRange { from: NOTES_OF, range: KeyRange::only(id.as_str()) });
        self.store.write(writes).await?;
        Ok(Deleted { interactions: r.count(n) })
    }

    /// The whole store, as the options page exports it.
    pub async fn export_all(&self) -> Result<Snapshot, LocalError> {
        let mut q = Reads::new();
        let (c, i, t, n) = (q.get_all(Source::store(CUSTOMERS), None), q.get_all(Source::store(INTERACTIONS), None), q.get_all(Source::store(TICKETS), None), q.get_all(Source::store(NOTES), None));
        let mut r = self.store.read(q).await?;
        Ok(Snapshot {
            schema: SCHEMA_VERSION,
            customers: r.many(c).into_iter().map(Self::decode).collect::<Result<_, _>>()?,
            interactions: r.many(i).into_iter().map(Self::decode).collect::<Result<_, _>>()?,
            tickets: r.many(t).into_iter().map(|t| Self::decode::<TicketRow>(t).map(|t| (t.customer_id, t.ticket))).collect::<Result<_, _>>()?,
            notes: r.many(n).into_iter().map(Self::decode).collect::<Result<_, _>>()?,
        })
    }

    /// Replaces the store with an export (an older schema is brought forward), all or
    /// nothing: a file that isn't an export, or whose records point at customers it
    /// doesn't hold, changes nothing.
    pub async fn import_all(&self, file: serde_json::Value) -> Result<Imported, LocalError> {
        let s = migrate(file)?;
        check_snapshot(&s)?;
        let _one_writer = self.writes.lock().await;
        let mut writes: Vec<Write<S::Raw>> = RECORDS.iter().map(|&store| Write::Clear { store }).collect();
        let mut counts: HashMap<&str, u64> = HashMap::new();
        for i in &s.interactions {
            *counts.entry(&i.customer_id).or_default() += 1;
            writes.push(Self::put(INTERACTIONS, i)?);
        }
        for c in &s.customers {
            writes.push(Self::put(CUSTOMERS, c)?);
            for i in &c.identities {
                writes.push(Self::put(IDENTITIES, &IdentityRow { key: i.key(), customer_id: c.id.clone() })?);
            }
            writes.push(Write::Put { store: COUNTS, key: Some(c.id.as_str().into()), value: S::encode(&counts.get(c.id.as_str()).copied().unwrap_or(0))? });
        }
        for (customer_id, t) in &s.tickets {
            writes.push(Self::put(TICKETS, &TicketRow { customer_id: customer_id.clone(), id: t.id.clone(), ticket: t.clone() })?);
        }
        for n in &s.notes {
            writes.push(Self::put(NOTES, n)?);
        }
        self.store.write(writes).await?;
        Ok(Imported { customers: s.customers.len(), interactions: s.interactions.len() })
    }

    /// A value from the `settings` store, as stored (the browser hands it on unconverted).
    pub async fn setting_raw(&self, key: Setting) -> Result<Option<S::Raw>, LocalError> {
        let mut q = Reads::new();
        let slot = q.get(SETTINGS, key.name());
        Ok(self.store.read(q).await?.one(slot))
    }

    /// Stores a setting's value as given, or removes it (`None`).
    pub async fn set_setting_raw(&self, key: Setting, value: Option<S::Raw>) -> Result<(), LocalError> {
        let w = match value {
            Some(value) => Write::Put { store: SETTINGS, key: Some(key.name().into()), value },
            None => Write::Delete { store: SETTINGS, key: key.name().into() },
        };
        Ok(self.store.write(vec![w]).await?)
    }

    pub async fn setting<T: DeserializeOwned>(&self, key: Setting) -> Result<Option<T>, LocalError> {
        self.setting_raw(key).await?.map(Self::decode).transpose()
    }

    pub async fn set_setting<T: Serialize>(&self, key: Setting, value: Option<&T>) -> Result<(), LocalError> {
        let raw = value.map(S::encode).transpose()?;
        self.set_setting_raw(key, raw).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::crm::store::MemoryStore;
    use crate::native::block_on;
    use std::cell::Cell;
    use std::rc::Rc;

    fn crm() -> LocalCrm<MemoryStore> {
        let n = Rc::new(Cell::new(0));
        LocalCrm::new(MemoryStore::new(&SCHEMA), move || {
            n.set(n.get() + 1);
            format!("id{}", n.get())
        })
    }

    fn author(network: &str, handle: &str, name: &str) -> CustomerRef {
        CustomerRef { identities: vec![Identity::new(network, handle)], display_name: Some(name.into()) }
    }

    fn reply(text: &str, at: i64, sentiment: Option<f32>, dir: Direction) -> Interaction {
        Interaction { id: String::new(), customer_id: String::new(), channel: "x".into(), kind: InteractionKind::Reply, direction: dir, permalink: None, text: text.into(), agent: Some("sam".into()), agent_id: None, at, tone_findings: vec![], sentiment }
    }

    fn post(id: &str, at: i64) -> Interaction {
        Interaction { id: id.into(), kind: InteractionKind::Post, ..reply("their post", at, Some(-0.5), Direction::Inbound) }
    }

    fn log(who: &CustomerRef, i: Interaction) -> WriteOp {
        WriteOp::LogInteraction { customer: who.clone(), interaction: i }
    }

    fn note(who: &CustomerRef, text: &str) -> WriteOp {
        WriteOp::AddNote { customer: who.clone(), text: text.into(), agent: None }
    }

    /// The customer `who` resolves to, after writing a note about them (created if new).
    fn customer_of(crm: &LocalCrm<MemoryStore>, who: &CustomerRef, now: i64) -> String {
        block_on(crm.apply(&[note(who, "seen")], now)).unwrap();
        id_of(crm, who)
    }

    fn id_of(crm: &LocalCrm<MemoryStore>, who: &CustomerRef) -> String {
        block_on(crm.find(who)).unwrap().customer().expect("a known customer").to_string()
    }

    fn customer(crm: &LocalCrm<MemoryStore>, id: &str) -> Customer {
        block_on(crm.customer_records(id)).unwrap().customers.remove(0)
    }

    fn count_kept(crm: &LocalCrm<MemoryStore>, id: &str) -> Option<u64> {
        let mut q = Reads::new();
        let s = q.get(COUNTS, id);
        block_on(crm.store().read(q)).unwrap().one(s).map(|v| serde_json::from_value(v).unwrap())
    }

    #[test]
    fn matches_by_handle_never_by_display_name() {
        let crm = crm();
        let a = customer_of(&crm, &author("x", "@Dana_Reyes", "Dana Reyes"), 1);
        assert_eq!(customer_of(&crm, &author("x", "dana_reyes", "D. R."), 2), a, "same handle, other spelling and name");
        let b = customer_of(&crm, &author("x", "other_dana", "Dana Reyes"), 3);
        assert_ne!(a, b, "same display name, other handle: another person");
        assert_eq!(customer(&crm, &a).display_names, ["D. R.", "Dana Reyes"]);
    }

    #[test]
    fn matches_by_other_identities_when_the_handle_is_new() {
        let crm = crm();
        let a = customer_of(&crm, &CustomerRef { identities: vec![Identity::new("x", "dana"), Identity::email("dana@example.com")], display_name: None }, 1);
        let r = CustomerRef { identities: vec![Identity::new("instagram", "dana.ig"), Identity::email("DANA@example.com")], display_name: None };
        assert_eq!(block_on(crm.find(&r)).unwrap(), Resolution::Existing(a.clone()));
        assert_eq!(customer_of(&crm, &r, 2), a);
        assert!(customer(&crm, &a).identities.contains(&Identity::new("instagram", "dana.ig")));
        assert_eq!(id_of(&crm, &author("instagram", "dana.ig", "")), a, "the new handle is now indexed");
    }

    #[test]
    fn conflicting_identities_pick_the_handle_owner_and_offer_a_merge() {
        let crm = crm();
        let a = customer_of(&crm, &author("x", "dana", "Dana"), 1);
        let email = CustomerRef { identities: vec![Identity::email("d@example.com")], display_name: None };
        let b = customer_of(&crm, &email, 1);
        let r = CustomerRef { identities: vec![Identity::new("x", "dana"), Identity::email("d@example.com")], display_name: None };
        assert_eq!(block_on(crm.find(&r)).unwrap(), Resolution::Conflict { chosen: a.clone(), others: vec![b.clone()] });
        // A write for both goes to the handle's owner and doesn't steal the email from b.
        assert_eq!(customer_of(&crm, &r, 2), a);
        assert_eq!(block_on(crm.find(&email)).unwrap(), Resolution::Existing(b));
        assert!(!customer(&crm, &a).identities.contains(&Identity::email("d@example.com")));
    }

    #[test]
    fn merge_moves_identities_and_history() {
        let crm = crm();
        let (x, ig) = (author("x", "dana", "Dana"), author("instagram", "dana.ig", "Dana R"));
        let a = customer_of(&crm, &x, 1);
        let b = customer_of(&crm, &ig, 1);
        block_on(crm.apply(&[log(&ig, reply("ig first", 5, Some(-0.5), Direction::Inbound)), log(&x, reply("x later", 9, Some(0.4), Direction::Inbound))], 9)).unwrap();
        block_on(crm.apply(&[WriteOp::CreateTicket { customer: ig.clone(), subject: "Refund".into(), text: "t".into() }], 9)).unwrap();
        block_on(crm.merge(&a, &b)).unwrap();
        assert_eq!(block_on(crm.export_all()).unwrap().customers.len(), 1);
        assert_eq!(block_on(crm.find(&author("instagram", "dana.ig", ""))).unwrap(), Resolution::Existing(a.clone()));
        let (h, total) = block_on(crm.history(&a, 10)).unwrap();
        assert_eq!(h.interactions.iter().map(|i| i.text.as_str()).collect::<Vec<_>>(), ["x later", "ig first"], "newest first, across both");
        assert_eq!(h.sentiment, vec![(5, -0.5), (9, 0.4)]);
        assert_eq!((total, count_kept(&crm, &a)), (2, Some(2)), "the count moved over");
        assert_eq!(h.tickets.iter().map(|t| t.subject.as_str()).collect::<Vec<_>>(), ["Refund"]);
        assert_eq!(h.notes.len(), 2, "both customers' notes");
        assert_eq!(block_on(crm.merge(&a, &a)), Err(LocalError::SameCustomer));
        assert_eq!(block_on(crm.merge(&a, &b)), Err(LocalError::NoSuchCustomer(b)));
    }

    #[test]
    fn replayed_interaction_is_recorded_once_and_is_not_fresh() {
        let crm = crm();
        let dana = author("x", "dana", "Dana");
        let op = log(&dana, post("post:https://x.com/dana/status/1", 1));
        assert_eq!(block_on(crm.apply(std::slice::from_ref(&op), 1)).unwrap(), std::slice::from_ref(&op));
        assert_eq!(block_on(crm.apply(std::slice::from_ref(&op), 2)).unwrap(), [], "a customer's post already logged is not new");
        // Notes and interactions without an id are always new.
        let reply_op = log(&dana, reply("hi", 3, None, Direction::Outbound));
        let fresh = block_on(crm.apply(&[op.clone(), note(&dana, "VIP"), reply_op.clone()], 3)).unwrap();
        assert_eq!(fresh, [note(&dana, "VIP"), reply_op]);
        let c = id_of(&crm, &dana);
        let (h, total) = block_on(crm.history(&c, 10)).unwrap();
        assert_eq!((h.interactions.len(), total, count_kept(&crm, &c)), (2, 2, Some(2)));
        assert_eq!(customer(&crm, &c).updated_at, 3, "the customer record is still refreshed");
    }

    #[test]
    fn counts_are_kept_on_write_and_read_by_cards() {
        let crm = crm();
        let dana = author("x", "dana", "Dana");
        let ops: Vec<WriteOp> = (0..5).map(|k| log(&dana, post(&format!("p{k}"), k))).collect();
        block_on(crm.apply(&ops, 10)).unwrap();
        let c = id_of(&crm, &dana);
        assert_eq!(count_kept(&crm, &c), Some(5));
        // The card trusts the kept number (it doesn't walk the index): a kept 42 shows.
        block_on(crm.store().write(vec![Write::Put { store: COUNTS, key: Some(c.as_str().into()), value: serde_json::json!(42) }])).unwrap();
        let card = block_on(crm.cards(&[dana], 10, 3)).unwrap().remove(0);
        assert_eq!(card.summary, "0 open tickets · 42 interactions");
        assert!(!crm.counts_pending());
    }

    #[test]
    fn a_database_without_counts_is_counted_once_then_kept() {
        let crm = crm();
        let dana = author("x", "dana", "Dana");
        block_on(crm.apply(&(0..3).map(|k| log(&dana, post(&format!("p{k}"), k))).collect::<Vec<_>>(), 10)).unwrap();
        let c = id_of(&crm, &dana);
        // As a database from before v3: no counts.
        block_on(crm.store().write(vec![Write::Clear { store: COUNTS }])).unwrap();
        let card = block_on(crm.cards(std::slice::from_ref(&dana), 10, 3)).unwrap().remove(0);
        assert_eq!(card.summary, "0 open tickets · 3 interactions", "counted");
        assert!(crm.counts_pending());
        assert_eq!(count_kept(&crm, &c), None, "the card doesn't wait for a write");
        block_on(crm.keep_counts()).unwrap();
        assert_eq!(count_kept(&crm, &c), Some(3));
        assert!(!crm.counts_pending());
        // A write on an old database counts too, before adding one.
        block_on(crm.store().write(vec![Write::Clear { store: COUNTS }])).unwrap();
        block_on(crm.apply(&[log(&dana, post("p9", 9))], 11)).unwrap();
        assert_eq!(count_kept(&crm, &c), Some(4));
    }

    #[test]
    fn a_count_kept_meanwhile_or_a_customer_erased_wins_over_a_late_count() {
        let crm = crm();
        let (dana, sam) = (author("x", "dana", "Dana"), author("x", "sam", "Sam"));
        block_on(crm.apply(&[log(&dana, post("d1", 1)), log(&sam, post("s1", 1))], 1)).unwrap();
        let (d, s) = (id_of(&crm, &dana), id_of(&crm, &sam));
        block_on(crm.store().write(vec![Write::Clear { store: COUNTS }])).unwrap();
        block_on(crm.cards(&[dana.clone(), sam.clone()], 2, 3)).unwrap();
        // Before the counts are kept: dana posts again (her write counts 2), sam is erased.
        block_on(crm.apply(&[log(&dana, post("d2", 2))], 2)).unwrap();
        block_on(crm.delete_customer(&Identity::new("x", "sam"))).unwrap();
        block_on(crm.keep_counts()).unwrap();
        assert_eq!((count_kept(&crm, &d), count_kept(&crm, &s)), (Some(2), None));
    }

    #[test]
    fn cards_look_each_author_up_once_and_keep_the_order() {
        let crm = crm();
        let (dana, sam, new) = (author("x", "dana", "Dana"), author("x", "sam", "Sam"), author("x", "newbie", "Newbie"));
        block_on(crm.apply(&[log(&dana, post("d1", 1)), log(&sam, post("s1", 2)), log(&sam, post("s2", 3))], 3)).unwrap();
        let before = crm.store().reads_done();
        block_on(crm.cards(std::slice::from_ref(&dana), 4, 3)).unwrap();
        let one = crm.store().reads_done() - before;
        let before = crm.store().reads_done();
        let cards = block_on(crm.cards(&[dana.clone(), sam.clone(), dana.clone(), new.clone(), dana.clone(), sam.clone()], 4, 3)).unwrap();
        let many = crm.store().reads_done() - before;
        // dana alone: her identity, then customer, count, interactions, tickets, notes.
        assert_eq!(one, 6);
        assert_eq!(many, 3 + 5 * 2, "three identities, two customers' records: dana once, sam once");
        let summaries: Vec<_> = cards.iter().map(|c| (c.name.as_str(), c.summary.as_str())).collect();
        assert_eq!(summaries, [("Dana", "0 open tickets · 1 interaction"), ("Sam", "0 open tickets · 2 interactions"), ("Dana", "0 open tickets · 1 interaction"), ("Newbie", "New customer — no history yet"), ("Dana", "0 open tickets · 1 interaction"), ("Sam", "0 open tickets · 2 interactions")]);
        assert_eq!(block_on(crm.cards(&[], 4, 3)).unwrap(), []);
    }

    #[test]
    fn a_card_never_resolves_by_display_name() {
        let crm = crm();
        block_on(crm.apply(&[log(&author("x", "dana", "Dana Reyes"), post("d1", 1))], 1)).unwrap();
        let card = block_on(crm.cards(&[author("instagram", "dana_r", "Dana Reyes")], 2, 3)).unwrap().remove(0);
        assert!(!card.known, "same name, other identity: someone new");
    }

    #[test]
    fn a_card_shows_lines_of_history_newest_first() {
        let crm = crm();
        let dana = author("x", "dana", "Dana");
        block_on(crm.apply(&(0..60).map(|k| log(&dana, post(&format!("p{k:02}"), k * 1000))).collect::<Vec<_>>(), 60_000)).unwrap();
        let card = block_on(crm.cards(std::slice::from_ref(&dana), 60_000, 3)).unwrap().remove(0);
        assert_eq!(card.recent.len(), 3);
        assert_eq!(card.summary, "0 open tickets · 60 interactions");
        assert_eq!(card.sentiment.len(), 20, "the last 20 of the 40 read");
        let panel = block_on(crm.cards(&[dana], 60_000, 100)).unwrap().remove(0);
        assert_eq!(panel.recent.len(), 60, "the panel asks for every line");
        assert_eq!(panel.recent[0].age, crate::core::clock::age_label(1000));
    }

    #[test]
    fn two_concurrent_applies_for_one_new_author_make_one_customer() {
        let crm = crm();
        let dana = author("x", "dana", "Dana");
        let (a, b) = block_on(futures::future::join(crm.apply(&[log(&dana, post("p1", 1))], 1), crm.apply(&[log(&dana, post("p2", 2))], 2)));
        assert_eq!((a.unwrap().len(), b.unwrap().len()), (1, 1));
        let all = block_on(crm.export_all()).unwrap();
        assert_eq!(all.customers.len(), 1, "{:?}", all.customers);
        assert_eq!(count_kept(&crm, &all.customers[0].id), Some(2));
        // The same post twice at once: logged once, fresh once.
        let op = log(&dana, post("p3", 3));
        let (a, b) = block_on(futures::future::join(crm.apply(std::slice::from_ref(&op), 3), crm.apply(std::slice::from_ref(&op), 3)));
        assert_eq!(a.unwrap().len() + b.unwrap().len(), 1);
        assert_eq!(count_kept(&crm, &all.customers[0].id), Some(3));
    }

    #[test]
    fn privacy_export_and_delete() {
        let crm = crm();
        let (dana, sam) = (author("x", "Dana", "Dana"), author("x", "sam", "Sam"));
        block_on(crm.apply(&[log(&dana, reply("hi", 1, None, Direction::Outbound)), log(&dana, post("p0", 0)), note(&dana, "VIP"), WriteOp::CreateTicket { customer: dana.clone(), subject: "Refund".into(), text: "t".into() }], 1)).unwrap();
        block_on(crm.apply(&[log(&sam, reply("yo", 1, None, Direction::Outbound))], 1)).unwrap();
        let c = id_of(&crm, &dana);
        let e = block_on(crm.export_customer(&Identity::new("x", "@DANA"))).unwrap();
        assert_eq!((e.customers.len(), e.interactions.len(), e.notes.len(), e.tickets.len()), (1, 2, 1, 1));
        assert_eq!(e.interactions.iter().map(|i| i.at).collect::<Vec<_>>(), [0, 1], "oldest first");
        assert!(e.interactions.iter().all(|i| i.customer_id == c));
        assert_eq!(block_on(crm.delete_customer(&Identity::new("x", "dana"))).unwrap(), Deleted { interactions: 2 });
        assert_eq!(block_on(crm.find(&author("x", "dana", ""))).unwrap(), Resolution::New);
        assert_eq!(count_kept(&crm, &c), None);
        let all = block_on(crm.export_all()).unwrap();
        assert_eq!((all.customers.len(), all.interactions.len(), all.notes.len(), all.tickets.len()), (1, 1, 0, 0), "sam stays; dana's records are gone");
        let nobody = block_on(crm.export_customer(&Identity::new("instagram", "@Nobody"))).unwrap_err();
        assert_eq!(nobody.to_string(), "No customer with @nobody on instagram in the local CRM.");
        assert_eq!(block_on(crm.delete_customer(&Identity::email("x@example.com"))).unwrap_err().to_string(), "No customer with x@example.com in the local CRM.");
    }

    #[test]
    fn whole_store_round_trips_and_old_schema_migrates() {
        let crm = crm();
        let dana = author("x", "dana", "Dana");
        block_on(crm.apply(&[log(&dana, reply("hi", 1, Some(-0.2), Direction::Inbound)), WriteOp::CreateTicket { customer: dana.clone(), subject: "Refund".into(), text: "t".into() }, note(&dana, "VIP")], 2)).unwrap();
        let c = id_of(&crm, &dana);
        let snap = block_on(crm.export_all()).unwrap();
        let back = crm_from(serde_json::to_value(&snap).unwrap());
        assert_eq!(block_on(back.history(&c, 10)).unwrap(), block_on(crm.history(&c, 10)).unwrap());
        assert_eq!(block_on(back.export_all()).unwrap(), snap);
        assert_eq!(count_kept(&back, &c), Some(1), "counts are rebuilt on import");
        assert_eq!(block_on(back.cards(&[dana], 3, 3)).unwrap()[0].summary, "1 open ticket · 1 interaction");

        let v1 = serde_json::json!({"schema": 1, "customers": [{"id": "c1", "display_name": "Dana", "identities": [{"network": "x", "value": "dana"}], "created_at": 1, "updated_at": 1}], "interactions": [], "tickets": [], "notes": []});
        let m = crm_from(v1);
        assert_eq!(customer(&m, "c1").display_names, ["Dana"]);
        assert_eq!(id_of(&m, &author("x", "dana", "")), "c1", "identities are indexed");
        assert_eq!(count_kept(&m, "c1"), Some(0));
    }

    fn crm_from(file: serde_json::Value) -> LocalCrm<MemoryStore> {
        let crm = crm();
        // Something there before, replaced whole.
        block_on(crm.apply(&[note(&author("x", "someone_before", "B"), "old")], 0)).unwrap();
        block_on(crm.import_all(file)).unwrap();
        assert_eq!(block_on(crm.find(&author("x", "someone_before", ""))).unwrap(), Resolution::New);
        crm
    }

    #[test]
    fn a_bad_import_changes_nothing() {
        let crm = crm();
        block_on(crm.apply(&[note(&author("x", "dana", "Dana"), "keep me")], 1)).unwrap();
        let before = block_on(crm.export_all()).unwrap();
        let orphan = serde_json::to_value(Snapshot { schema: 2, notes: vec![Note { id: "n".into(), customer_id: "ghost".into(), text: "x".into(), agent: None, at: 0 }], ..Snapshot::default() }).unwrap();
        let e = block_on(crm.import_all(orphan)).unwrap_err();
        assert_eq!(e.to_string(), "That file is not a Tactful CRM export (a record points at unknown customer ghost); nothing was imported.");
        let c = |id: &str, who: &str| serde_json::json!({"id": id, "identities": [{"network": "x", "value": who}], "created_at": 1, "updated_at": 1});
        let twice = serde_json::json!({"schema": 2, "customers": [c("a", "dana"), c("b", "dana")], "interactions": [], "tickets": [], "notes": []});
        assert_eq!(block_on(crm.import_all(twice)), Err(LocalError::BadImport("x:dana belongs to both a and b".into())));
        assert!(matches!(block_on(crm.import_all(serde_json::json!({"schema": 99}))), Err(LocalError::BadImport(_))));
        assert!(matches!(block_on(crm.import_all(serde_json::json!({"customers": []}))), Err(LocalError::BadImport(_))));
        assert_eq!(block_on(crm.export_all()).unwrap(), before);
    }

    #[test]
    fn settings_are_kept_by_name() {
        let crm = crm();
        assert_eq!(block_on(crm.setting::<serde_json::Value>(Setting::Outbox)).unwrap(), None);
        block_on(crm.set_setting(Setting::Outbox, Some(&serde_json::json!({"device": "d1", "queue": []})))).unwrap();
        block_on(crm.set_setting(Setting::Kb, Some(&vec!["a", "b"]))).unwrap();
        assert_eq!(block_on(crm.setting::<serde_json::Value>(Setting::Outbox)).unwrap(), Some(serde_json::json!({"device": "d1", "queue": []})));
        assert_eq!(block_on(crm.setting::<Vec<String>>(Setting::Kb)).unwrap(), Some(vec!["a".to_string(), "b".to_string()]));
        block_on(crm.set_setting::<()>(Setting::Outbox, None)).unwrap();
        assert_eq!(block_on(crm.setting_raw(Setting::Outbox)).unwrap(), None);
        // An import replaces the records, not the settings.
        block_on(crm.import_all(serde_json::json!({"schema": 2, "customers": [], "interactions": [], "tickets": [], "notes": []}))).unwrap();
        assert!(block_on(crm.setting_raw(Setting::Kb)).unwrap().is_some());
        assert_eq!("feedback".parse::<Setting>(), Ok(Setting::Feedback));
        assert_eq!("nope".parse::<Setting>(), Err("Tactful keeps no setting called \"nope\".".into()));
    }

    #[test]
    fn the_layout_is_the_one_agents_databases_have() {
        // What crm-store.js created before the rules moved (v1..v3): an agent's database
        // must open unchanged, so this is spelled out, not derived.
        let json = serde_json::to_value(SCHEMA).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"name": "tactful-crm", "version": 3, "stores": [
                {"name": "customers", "key_path": "id", "indexes": [], "since": 1},
                {"name": "identities", "key_path": "key", "indexes": [], "since": 1},
                {"name": "interactions", "key_path": "id", "indexes": [{"name": "by_customer", "key_path": ["customer_id", "at"]}], "since": 1},
                {"name": "tickets", "key_path": ["customer_id", "id"], "indexes": [{"name": "by_customer", "key_path": "customer_id"}], "since": 1},
                {"name": "notes", "key_path": "id", "indexes": [{"name": "by_customer", "key_path": "customer_id"}], "since": 1},
                {"name": "settings", "key_path": null, "indexes": [], "since": 2},
                {"name": "counts", "key_path": null, "indexes": [], "since": 3}
            ]})
        );
    }
}
