//! Tactful: a customer-care copilot for social networks.
//!
//! [`core`] is the pure library (site profiles, post reading, overlay model, protocol);
//! `web` is the thin wasm32 glue the extension's service worker and pages load.

pub mod core;

#[cfg(target_arch = "wasm32")]
pub mod web;

/// Native HTTP for CRM connectors (the CLI and tests); the extension uses `fetch`.
#[cfg(not(target_arch = "wasm32"))]
pub mod native;
