//! Browser glue (wasm32 only): the service worker's entry points and the Yew pages.
//!
//! Everything here translates: `JsValue` ⇄ core types, chrome.* ⇄ futures. Decisions
//! live in `crate::core`.

pub mod bench;
mod chrome;
pub mod crm;
mod idb;
pub mod local_crm;
mod options;
mod options_crm;
mod options_kb;
mod options_sites;
mod panel;
mod worker;

pub use options::start_options;
pub use panel::start_panel;
pub use worker::{worker_forget_tab, worker_handle, worker_start};
