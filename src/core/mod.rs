//! The pure core of Tactful: everything that decides, with no browser types.
//!
//! The browser glue (`crate::web`, wasm32 only) and the `tactful` CLI both call into
//! this module; nothing here touches `web_sys`, `js_sys` or `wasm_bindgen`, so
//! `cargo test` exercises it natively.
//!
//! - [`sites`]: one data profile per social network (selectors, editor kind, DM link, limits).
//! - [`posts`]: turns the raw strings a content script read from the page into [`posts::Post`]s.
//! - [`overlay`]: what the in-page overlay shows for each post, and the page-level status.
//! - [`protocol`]: the one typed message protocol between content scripts, pages and the worker.
//! - [`worker`]: the service worker's state and the dispatcher that answers the protocol.
//! - [`settings`]: team settings (brand handles) and their validation.
//! - [`clock`]: timestamps as the sites print them (ISO 8601, "47m", "2 hours ago").
//! - [`crm`]: customers and their history, the local CRM, the outbox and CRM connectors.
//! - [`display`]: making hostile page text safe and short for display.
//! - [`handoff`]: moving a public conversation to a private channel (acknowledgement, DM link, CRM record).
//! - [`text`]: the shared tokenizer (words with byte spans, phrases) under tone, personal data, sentiment, triage and search.

pub mod clock;
pub mod crm;
pub mod display;
pub mod handoff;
pub mod kb;
pub mod length;
pub mod offsets;
pub mod overlay;
pub mod pii;
pub mod posts;
pub mod protocol;
pub mod sentiment;
pub mod settings;
pub mod sites;
pub mod text;
pub mod tone;
pub mod triage;
pub mod worker;
