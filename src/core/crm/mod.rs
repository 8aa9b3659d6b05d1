//! CRM history: who the customer is and what happened before.
//!
//! - [`model`]: customers (identities per network), interactions, tickets, notes.
//! - [`local`]: the embedded default CRM: matching a post's author to a customer by handle
//!   first and never by display name alone, merging, privacy export and delete.
//! - [`outbox`]: every write goes here first; delivered in order per customer with an
//!   idempotency key, retried with backoff, kept for the agent when the CRM refuses it.
//! - [`http`]: the request/response types and the one `Http` trait connectors talk
//!   through, so the same connector code runs over `fetch` in the service worker and over
//!   a native client in tests.
//! - [`connector`]: the trait every CRM connector implements, and the errors agents see.
//! - [`rt`]: Request Tracker 5 over its REST 2 API.

pub mod card;
pub mod connector;
pub mod http;
pub mod local;
pub mod model;
pub mod outbox;
pub mod rt;

pub use connector::{Connector, CrmError};
pub use model::*;
