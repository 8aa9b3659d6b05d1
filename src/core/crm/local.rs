//! The embedded default CRM: customers, interactions, tickets and notes kept in the
//! browser. This module decides (matching, merging, what a privacy export holds); the
//! service worker stores the records in IndexedDB, keyed the way [`LocalCrm`] keys them.

use super::model::*;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

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
    SameCustomer,
    /// A whole-store import that is not a Tactful export; nothing was imported.
    BadImport(String),
}

impl std::fmt::Display for LocalError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LocalError::NoSuchCustomer(id) => write!(f, "No customer {id} in the local CRM."),
            LocalError::SameCustomer => write!(f, "Those are the same customer."),
            LocalError::BadImport(why) => write!(f, "That file is not a Tactful CRM export ({why}); nothing was imported."),
        }
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

/// Bumped when the stored shape changes; `migrate` brings older snapshots forward.
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

/// An in-memory local CRM: the CLI's store and the reference for the IndexedDB one.
#[derive(Debug, Default)]
pub struct LocalCrm {
    customers: BTreeMap<String, Customer>,
    owner: HashMap<Identity, String>,
    interactions: BTreeMap<String, Vec<Interaction>>,
    tickets: BTreeMap<String, Vec<Ticket>>,
    notes: BTreeMap<String, Vec<Note>>,
    next_id: u64,
}

impl LocalCrm {
    pub fn new() -> LocalCrm {
        LocalCrm::default()
    }

    fn fresh_id(&mut self, prefix: &str) -> String {
        self.next_id += 1;
        format!("{prefix}{}", self.next_id)
    }

    pub fn customer(&self, id: &str) -> Option<&Customer> {
        self.customers.get(id)
    }

    pub fn len(&self) -> usize {
        self.customers.len()
    }

    pub fn is_empty(&self) -> bool {
        self.customers.is_empty()
    }

    pub fn find(&self, r: &CustomerRef) -> Resolution {
        resolve(r, |i| self.owner.get(i).cloned())
    }

    /// The customer a write is about, created if new. Identities the page knows and the
    /// customer lacks are added (unless another customer owns them: that is a merge the
    /// agent decides). The newest display name goes first.
    pub fn upsert(&mut self, r: &CustomerRef, now: i64) -> String {
        let existing = match self.find(r) {
            Resolution::Existing(id) | Resolution::Conflict { chosen: id, .. } => self.customers.get(&id).cloned(),
            Resolution::New => None,
        };
        let fresh = if existing.is_none() { self.fresh_id("c") } else { String::new() };
        let (c, added) = upsert_customer(existing, r, |i| self.owner.get(i).cloned(), now, &fresh);
        for i in added {
            self.owner.insert(i, c.id.clone());
        }
        let id = c.id.clone();
        self.customers.insert(id.clone(), c);
        id
    }

    /// Applies a write (the local CRM needs no outbox: its writes are transactions).
    /// Returns the customer id.
    pub fn apply(&mut self, op: &WriteOp, now: i64) -> String {
        let cid = self.upsert(op.customer(), now);
        match op {
            WriteOp::LogInteraction { interaction, .. } => {
                let mut i = interaction.clone();
                i.customer_id = cid.clone();
                if i.id.is_empty() {
                    i.id = self.fresh_id("i");
                }
                let list = self.interactions.entry(cid.clone()).or_default();
                // Idempotent on the interaction id: a replayed write changes nothing.
                if !list.iter().any(|x| x.id == i.id) {
                    let at = list.partition_point(|x| x.at <= i.at);
                    list.insert(at, i);
                }
            }
            WriteOp::AddNote { text, agent, .. } => {
                let id = self.fresh_id("n");
                self.notes.entry(cid.clone()).or_default().push(Note { id, customer_id: cid.clone(), text: text.clone(), agent: agent.clone(), at: now });
            }
            WriteOp::CreateTicket { subject, .. } => {
                let id = self.fresh_id("t");
                self.tickets.entry(cid.clone()).or_default().push(Ticket { id, subject: subject.clone(), status: "open".into(), open: true, link: None, updated_at: Some(now) });
            }
        }
        cid
    }

    /// The customer card's data: newest `limit` interactions, all tickets and notes, and
    /// the customer's sentiment over time.
    pub fn history(&self, id: &str, limit: usize) -> Result<CustomerHistory, LocalError> {
        let customer = self.customers.get(id).ok_or_else(|| LocalError::NoSuchCustomer(id.into()))?.clone();
        let all = self.interactions.get(id).map_or(&[][..], Vec::as_slice);
        Ok(history_from(customer, all.iter().rev().cloned().collect(), self.tickets.get(id).cloned().unwrap_or_default(), self.notes.get(id).cloned().unwrap_or_default(), limit))
    }

    /// Folds `other` into `keep`: identities, names, tags and every record move over;
    /// `other` is gone. Only an agent's decision calls this, never a display name.
    pub fn merge(&mut self, keep: &str, other: &str) -> Result<(), LocalError> {
        if keep == other {
            return Err(LocalError::SameCustomer);
        }
        if !self.customers.contains_key(keep) {
            return Err(LocalError::NoSuchCustomer(keep.into()));
        }
        let gone = self.customers.remove(other).ok_or_else(|| LocalError::NoSuchCustomer(other.into()))?;
        let k = self.customers.get_mut(keep).expect("checked");
        for ident in gone.identities {
            self.owner.insert(ident.clone(), keep.to_string());
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
        if let Some(mut moved) = self.interactions.remove(other) {
            moved.iter_mut().for_each(|i| i.customer_id = keep.to_string());
            let list = self.interactions.entry(keep.to_string()).or_default();
            list.extend(moved);
            list.sort_by_key(|i| i.at);
        }
        if let Some(moved) = self.tickets.remove(other) {
            self.tickets.entry(keep.to_string()).or_default().extend(moved);
        }
        if let Some(mut moved) = self.notes.remove(other) {
            moved.iter_mut().for_each(|n| n.customer_id = keep.to_string());
            self.notes.entry(keep.to_string()).or_default().extend(moved);
        }
        Ok(())
    }

    /// Everything held about one customer (a privacy request's export).
    pub fn export_customer(&self, id: &str) -> Result<Snapshot, LocalError> {
        let c = self.customers.get(id).ok_or_else(|| LocalError::NoSuchCustomer(id.into()))?;
        Ok(Snapshot {
            schema: SCHEMA_VERSION,
            customers: vec![c.clone()],
            interactions: self.interactions.get(id).cloned().unwrap_or_default(),
            tickets: self.tickets.get(id).into_iter().flatten().map(|t| (id.to_string(), t.clone())).collect(),
            notes: self.notes.get(id).cloned().unwrap_or_default(),
        })
    }

    /// Erases a customer and everything about them.
    pub fn delete_customer(&mut self, id: &str) -> Result<(), LocalError> {
        let c = self.customers.remove(id).ok_or_else(|| LocalError::NoSuchCustomer(id.into()))?;
        for i in c.identities {
            self.owner.remove(&i);
        }
        self.interactions.remove(id);
        self.tickets.remove(id);
        self.notes.remove(id);
        Ok(())
    }

    pub fn export_all(&self) -> Snapshot {
        Snapshot {
            schema: SCHEMA_VERSION,
            customers: self.customers.values().cloned().collect(),
            interactions: self.interactions.values().flatten().cloned().collect(),
            tickets: self.tickets.iter().flat_map(|(c, ts)| ts.iter().map(move |t| (c.clone(), t.clone()))).collect(),
            notes: self.notes.values().flatten().cloned().collect(),
        }
    }

    /// Replaces the store with an export (after `migrate`). Checked first: records that
    /// point at unknown customers reject the whole file.
    pub fn import_all(s: Snapshot) -> Result<LocalCrm, LocalError> {
        let mut crm = LocalCrm::new();
        for c in s.customers {
            for i in &c.identities {
                if let Some(prev) = crm.owner.insert(i.clone(), c.id.clone()) {
                    return Err(LocalError::BadImport(format!("{} belongs to both {prev} and {}", i.key(), c.id)));
                }
            }
            crm.customers.insert(c.id.clone(), c);
        }
        let known = |crm: &LocalCrm, id: &str| if crm.customers.contains_key(id) { Ok(()) } else { Err(LocalError::BadImport(format!("a record points at unknown customer {id}"))) };
        for i in s.interactions {
            known(&crm, &i.customer_id)?;
            crm.interactions.entry(i.customer_id.clone()).or_default().push(i);
        }
        crm.interactions.values_mut().for_each(|l| l.sort_by_key(|i| i.at));
        for (c, t) in s.tickets {
            known(&crm, &c)?;
            crm.tickets.entry(c).or_default().push(t);
        }
        for n in s.notes {
            known(&crm, &n.customer_id)?;
            crm.notes.entry(n.customer_id.clone()).or_default().push(n);
        }
        // Fresh ids must not collide with imported ones.
        crm.next_id = crm.customers.len() as u64 + crm.interactions.values().map(Vec::len).sum::<usize>() as u64 + 1_000_000;
        Ok(crm)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn author(network: &str, handle: &str, name: &str) -> CustomerRef {
        CustomerRef { identities: vec![Identity::new(network, handle)], display_name: Some(name.into()) }
    }

    fn reply(text: &str, at: i64, sentiment: Option<f32>, dir: Direction) -> Interaction {
        Interaction { id: String::new(), customer_id: String::new(), channel: "x".into(), kind: InteractionKind::Reply, direction: dir, permalink: None, text: text.into(), agent: Some("sam".into()), at, tone_findings: vec![], sentiment }
    }

    #[test]
    fn matches_by_handle_never_by_display_name() {
        let mut crm = LocalCrm::new();
        let a = crm.upsert(&author("x", "@Dana_Reyes", "Dana Reyes"), 1);
        assert_eq!(crm.upsert(&author("x", "dana_reyes", "D. R."), 2), a, "same handle, other spelling and name");
        let b = crm.upsert(&author("x", "other_dana", "Dana Reyes"), 3);
        assert_ne!(a, b, "same display name, other handle: another person");
        assert_eq!(crm.customer(&a).unwrap().display_names, ["D. R.", "Dana Reyes"]);
    }

    #[test]
    fn matches_by_other_identities_when_the_handle_is_new() {
        let mut crm = LocalCrm::new();
        let a = crm.upsert(&CustomerRef { identities: vec![Identity::new("x", "dana"), Identity::email("dana@example.com")], display_name: None }, 1);
        let r = CustomerRef { identities: vec![Identity::new("instagram", "dana.ig"), Identity::email("DANA@example.com")], display_name: None };
        assert_eq!(crm.find(&r), Resolution::Existing(a.clone()));
        assert_eq!(crm.upsert(&r, 2), a);
        assert!(crm.customer(&a).unwrap().identities.contains(&Identity::new("instagram", "dana.ig")));
    }

    #[test]
    fn conflicting_identities_pick_the_handle_owner_and_offer_a_merge() {
        let mut crm = LocalCrm::new();
        let a = crm.upsert(&author("x", "dana", "Dana"), 1);
        let b = crm.upsert(&CustomerRef { identities: vec![Identity::email("d@example.com")], display_name: None }, 1);
        let r = CustomerRef { identities: vec![Identity::new("x", "dana"), Identity::email("d@example.com")], display_name: None };
        assert_eq!(crm.find(&r), Resolution::Conflict { chosen: a.clone(), others: vec![b.clone()] });
        // Upsert doesn't steal the email from b.
        crm.upsert(&r, 2);
        assert_eq!(crm.find(&CustomerRef { identities: vec![Identity::email("d@example.com")], display_name: None }), Resolution::Existing(b));
    }

    #[test]
    fn merge_moves_identities_and_history() {
        let mut crm = LocalCrm::new();
        let a = crm.upsert(&author("x", "dana", "Dana"), 1);
        let b = crm.upsert(&author("instagram", "dana.ig", "Dana R"), 1);
        crm.apply(&WriteOp::LogInteraction { customer: author("instagram", "dana.ig", "Dana R"), interaction: reply("ig first", 5, Some(-0.5), Direction::Inbound) }, 5);
        crm.apply(&WriteOp::LogInteraction { customer: author("x", "dana", "Dana"), interaction: reply("x later", 9, Some(0.4), Direction::Inbound) }, 9);
        crm.merge(&a, &b).unwrap();
        assert_eq!(crm.len(), 1);
        assert_eq!(crm.find(&author("instagram", "dana.ig", "")), Resolution::Existing(a.clone()));
        let h = crm.history(&a, 10).unwrap();
        assert_eq!(h.interactions.iter().map(|i| i.text.as_str()).collect::<Vec<_>>(), ["x later", "ig first"], "newest first, across both");
        assert_eq!(h.sentiment, vec![(5, -0.5), (9, 0.4)]);
        assert_eq!(crm.merge(&a, &a), Err(LocalError::SameCustomer));
        assert_eq!(crm.merge(&a, &b), Err(LocalError::NoSuchCustomer(b)));
    }

    #[test]
    fn replayed_interaction_is_recorded_once() {
        let mut crm = LocalCrm::new();
        let mut i = reply("hi", 1, None, Direction::Outbound);
        i.id = "k1".into();
        let op = WriteOp::LogInteraction { customer: author("x", "dana", "Dana"), interaction: i };
        let c = crm.apply(&op, 1);
        crm.apply(&op, 2);
        assert_eq!(crm.history(&c, 10).unwrap().interactions.len(), 1);
    }

    #[test]
    fn privacy_export_and_delete() {
        let mut crm = LocalCrm::new();
        let op = WriteOp::LogInteraction { customer: author("x", "dana", "Dana"), interaction: reply("hi", 1, None, Direction::Outbound) };
        let c = crm.apply(&op, 1);
        crm.apply(&WriteOp::AddNote { customer: author("x", "dana", "Dana"), text: "VIP".into(), agent: None }, 2);
        let other = crm.apply(&WriteOp::LogInteraction { customer: author("x", "sam", "Sam"), interaction: reply("yo", 1, None, Direction::Outbound) }, 1);
        let e = crm.export_customer(&c).unwrap();
        assert_eq!((e.customers.len(), e.interactions.len(), e.notes.len()), (1, 1, 1));
        assert!(e.interactions.iter().all(|i| i.customer_id == c));
        crm.delete_customer(&c).unwrap();
        assert_eq!(crm.find(&author("x", "dana", "")), Resolution::New);
        assert!(crm.history(&other, 5).is_ok());
        assert_eq!(crm.export_all().interactions.len(), 1);
    }

    #[test]
    fn whole_store_round_trips_and_old_schema_migrates() {
        let mut crm = LocalCrm::new();
        let c = crm.apply(&WriteOp::LogInteraction { customer: author("x", "dana", "Dana"), interaction: reply("hi", 1, Some(-0.2), Direction::Inbound) }, 1);
        crm.apply(&WriteOp::CreateTicket { customer: author("x", "dana", "Dana"), subject: "Refund".into(), text: "t".into() }, 2);
        let snap = crm.export_all();
        let json = serde_json::to_value(&snap).unwrap();
        let back = LocalCrm::import_all(migrate(json).unwrap()).unwrap();
        assert_eq!(back.history(&c, 10).unwrap(), crm.history(&c, 10).unwrap());
        // A new customer after import gets an id that doesn't collide.
        let mut back = back;
        let n = back.upsert(&author("x", "new", "New"), 3);
        assert_ne!(n, c);

        let v1 = serde_json::json!({"schema": 1, "customers": [{"id": "c1", "display_name": "Dana", "identities": [{"network": "x", "value": "dana"}], "created_at": 1, "updated_at": 1}], "interactions": [], "tickets": [], "notes": []});
        let m = LocalCrm::import_all(migrate(v1).unwrap()).unwrap();
        assert_eq!(m.customer("c1").unwrap().display_names, ["Dana"]);
        assert!(matches!(migrate(serde_json::json!({"schema": 99})), Err(LocalError::BadImport(_))));
        let orphan = Snapshot { schema: 2, notes: vec![Note { id: "n".into(), customer_id: "ghost".into(), text: "x".into(), agent: None, at: 0 }], ..Snapshot::default() };
        assert!(matches!(LocalCrm::import_all(orphan), Err(LocalError::BadImport(_))));
    }
}
