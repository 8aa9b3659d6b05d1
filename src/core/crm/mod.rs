//! CRM history: who the customer is and what happened before.
//!
//! - [`model`]: customers (identities per network), interactions, tickets, notes.
//! - [`local`]: the embedded default CRM: matching a post's author to a customer by handle
//!   first and never by display name alone, cards, writes, merging, whole-store export and
//!   import, privacy export and delete; over a [`store::Store`].
//! - [`store`]: storage primitives shaped after IndexedDB (batched reads and writes, typed
//!   keys in IndexedDB's order) and [`store::MemoryStore`], the same in memory.
//! - [`outbox`]: every write goes here first; delivered in order per customer with an
//!   idempotency key, retried with backoff, kept for the agent when the CRM refuses it.
//! - [`http`]: the request/response types and the one `Http` trait connectors talk
//!   through, so the same connector code runs over `fetch` in the service worker and over
//!   a native client in tests.
//! - [`connector`]: the trait every CRM connector implements, and the errors agents see.
//! - [`rt`]: Request Tracker 5 over its REST 2 API.
//! - [`hubspot`]: HubSpot CRM over its v3 object APIs (contacts, notes, tickets).
//! - [`zendesk`]: Zendesk Support over its v2 API (users, tickets, private comments).
//! - [`salesforce`]: Salesforce over its REST API (Contact, Case, Task via SOQL).
//! - [`freshdesk`]: Freshdesk over its v2 API (contacts, tickets, private notes).
//! - `text`: what the connectors write and read back alike: the `[Tactful KEY]` title, the
//!   footer of a logged write, and records sorted into interactions and notes.

pub mod card;
pub mod config;
pub mod connector;
#[cfg(test)]
mod fake_http;
pub mod freshdesk;
pub mod http;
pub mod hubspot;
pub mod local;
pub mod model;
pub mod outbox;
pub mod rt;
pub mod salesforce;
pub mod store;
mod text;
pub mod zendesk;

pub use connector::{Connector, CrmError};
pub use model::*;
