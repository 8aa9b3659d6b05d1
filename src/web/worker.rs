//! Service-worker entry points: `background.js` loads the wasm, hands over the browser's
//! I/O once (`worker_start`'s `io` object) and forwards every runtime message to
//! `worker_handle` with the sender as Chrome reported it. What comes back is the core's
//! answer, sent on as is.

use super::chrome::to_js;
use super::crm::JsHttp;
use super::idb::IdbStore;
use crate::core::crm::config::CrmConfig;
use crate::core::crm::local::LocalCrm;
use crate::core::crm::WriteOp;
use crate::core::protocol::{kinds_via, DecodeAs, ProtocolError, Request, Response, Sender};
use crate::core::settings::Settings;
use crate::core::worker::serve::{serve, Io};
use crate::core::worker::Worker;
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::cell::RefCell;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

thread_local! {
    /// The one worker; leaked so an answer waiting on I/O can hold it across awaits
    /// (it is borrowed only between them).
    static WORKER: std::cell::OnceCell<&'static RefCell<Worker>> = const { std::cell::OnceCell::new() };
    /// The browser's I/O, as background.js handed it over.
    static IO: RefCell<Option<JsIo>> = const { RefCell::new(None) };
}

/// The one worker: made by `worker_start` (with the team's settings), else with defaults.
/// Made once: building a worker indexes the starter knowledge base, and doing it for
/// defaults first and again for the settings cost the service worker's start.
fn the_worker(make: impl FnOnce() -> Worker) -> &'static RefCell<Worker> {
    WORKER.with(|w| *w.get_or_init(|| Box::leak(Box::new(RefCell::new(make())))))
}

/// Starts the worker with stored settings (`undefined` for defaults), the time the wasm
/// took to load in ms, the team's imported knowledge base, learned picks, the connected
/// CRM's settings, and `io`: the browser functions `JsIo` calls. Bad stored settings
/// fall back to defaults rather than leaving the agent without Tactful.
#[wasm_bindgen]
pub fn worker_start(settings: JsValue, started_ms: f64, imported_kb: JsValue, feedback: JsValue, crm: JsValue, profiles: JsValue, io: JsValue) {
    let mut settings = serde_wasm_bindgen::from_value::<Settings>(settings).ok().and_then(|s| s.validated().ok()).unwrap_or_default();
    // First run: this browser's agent gets a stable id, kept with the settings.
    let made_id = random_u128().is_some_and(|r| settings.with_agent_id(r));
    let to_keep = made_id.then(|| settings.clone());
    let mut fresh = Some(settings);
    let worker = the_worker(|| Worker::new(fresh.take().unwrap_or_default()));
    let mut w = worker.borrow_mut();
    if let Some(settings) = fresh {
        // Started again (tests do): a new worker.
        *w = Worker::new(settings);
    }
    w.started_ms = started_ms;
    // Unreadable stored values are skipped rather than leaving the agent without suggestions.
    if let Ok(f) = serde_wasm_bindgen::from_value::<crate::core::kb::search::Feedback>(feedback) {
        w.restore_feedback(f);
    }
    if let Ok(entries) = serde_wasm_bindgen::from_value::<Vec<crate::core::kb::Entry>>(imported_kb) {
        if !entries.is_empty() {
            w.add_to_kb(entries);
        }
    }
    w.crm = serde_wasm_bindgen::from_value::<Option<CrmConfig>>(crm).ok().flatten().and_then(|c| c.validated().ok());
    // The team's site profiles, as kept; a file that no longer checks leaves the built-in ones.
    let team = profiles.as_string().and_then(|json| crate::core::sites::team_profiles_from_json(&json).ok()).unwrap_or_default();
    crate::core::sites::use_team_profiles(team);
    let fetch = js_sys::Reflect::get(&io, &"fetch".into()).ok().and_then(|f| f.dyn_into::<js_sys::Function>().ok());
    IO.with(|slot| *slot.borrow_mut() = Some(JsIo { io, http: JsHttp(fetch), local: super::local_crm::crm() }));
    if let Some(settings) = to_keep {
        wasm_bindgen_futures::spawn_local(async move {
            let io = IO.with(|slot| slot.borrow().as_ref().map(|io| io.io.clone()));
            if let Some(io) = io {
                let io = JsIo { io, http: JsHttp(None), local: super::local_crm::crm() };
                if let Err(e) = io.save_settings(&settings).await {
                    web_sys::console::error_1(&format!("Tactful couldn't keep the agent's id: {e}").into());
                }
            }
        });
    }
}

/// 128 bits from the browser's CSPRNG (`crypto.getRandomValues`), if it answers.
fn random_u128() -> Option<u128> {
    let crypto = js_sys::Reflect::get(&js_sys::global(), &"crypto".into()).ok()?;
    let get = js_sys::Reflect::get(&crypto, &"getRandomValues".into()).ok()?.dyn_into::<js_sys::Function>().ok()?;
    let bytes = js_sys::Uint8Array::new_with_length(16);
    get.call1(&crypto, &bytes).ok()?;
    let mut out = [0u8; 16];
    bytes.copy_to(&mut out);
    Some(u128::from_le_bytes(out))
}

struct JsDecode(JsValue);

impl DecodeAs for JsDecode {
    fn into<T: DeserializeOwned>(&self) -> Result<T, String> {
        // serde_wasm_bindgen prefixes its messages with "Error: ".
        serde_wasm_bindgen::from_value(self.0.clone()).map_err(|e| e.to_string().trim_start_matches("Error: ").to_string())
    }
    fn kind(&self) -> Option<String> {
        js_sys::Reflect::get(&self.0, &"kind".into()).ok()?.as_string()
    }
}

/// Answers one message (a Promise of the answer). `sender` is `{from: "content_script",
/// tab_id, url}` or `{from: "extension_page"}`, built by background.js from Chrome's
/// MessageSender.
#[wasm_bindgen]
pub async fn worker_handle(request: JsValue, sender: JsValue, now_ms: f64) -> JsValue {
    let decoded = Request::decode(&JsDecode(request));
    let sender = serde_wasm_bindgen::from_value::<Sender>(sender).map_err(|e| ProtocolError::UnknownSender(e.to_string()));
    let response = match (decoded, sender) {
        (Ok(req), Ok(sender)) => {
            let worker = the_worker(Worker::default);
            match IO.with(|io| io.borrow().clone()) {
                Some(io) => serve(worker, &io, req, &sender, now_ms as i64).await,
                None => Response::Error { message: "Tactful is still starting; try again in a moment.".into() },
            }
        }
        (Err(e), _) | (_, Err(e)) => Response::error(e),
    };
    to_js(&response).unwrap_or_else(|e| JsValue::from_str(&e))
}

/// Every message kind by tier and every answer's kind (tests check the JS side against it).
#[wasm_bindgen]
pub fn protocol_kinds() -> JsValue {
    let probe = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&probe, &"kind".into(), &"\u{1}".into());
    to_js(&kinds_via(&JsDecode(probe.into()))).unwrap_or(JsValue::NULL)
}

/// Indexes up to `budget` more entries of a newly imported knowledge base (the glue
/// calls it between messages until it returns null): `{done, total}`.
#[wasm_bindgen]
pub fn worker_index_step(budget: u32) -> JsValue {
    let worker = the_worker(Worker::default);
    let step = worker.borrow_mut().index_step(budget as usize);
    match step {
        Some(p) => to_js(&p).unwrap_or(JsValue::NULL),
        None => JsValue::NULL,
    }
}

/// What the extension's pages should be told since the last call (`[{kind:
/// "queue_changed", tab_id, version}]`); background.js sends each on.
#[wasm_bindgen]
pub fn worker_notices() -> JsValue {
    let worker = the_worker(Worker::default);
    let notices = worker.borrow_mut().notices();
    to_js(&notices).unwrap_or(JsValue::NULL)
}

/// Forgets what a closed tab showed.
#[wasm_bindgen]
pub fn worker_forget_tab(tab_id: f64) {
    let worker = the_worker(Worker::default);
    worker.borrow_mut().forget_tab(tab_id as i64);
}

use wasm_bindgen::JsCast;

/// The browser's I/O: each method calls the function of that name on the object
/// background.js handed over, and waits for its promise.
#[derive(Clone)]
struct JsIo {
    io: JsValue,
    http: JsHttp,
    local: std::rc::Rc<LocalCrm<IdbStore>>,
}

impl JsIo {
    async fn call(&self, name: &str, args: &[JsValue]) -> Result<JsValue, String> {
        let f = js_sys::Reflect::get(&self.io, &name.into()).ok().and_then(|f| f.dyn_into::<js_sys::Function>().ok()).ok_or_else(|| format!("the browser glue has no {name}"))?;
        let args: js_sys::Array = args.iter().collect();
        let promise = f.apply(&self.io, &args).map_err(super::chrome::js_error)?;
        JsFuture::from(js_sys::Promise::resolve(&promise)).await.map_err(super::chrome::js_error)
    }
}

fn js<T: Serialize + ?Sized>(v: &T) -> JsValue {
    to_js(v).unwrap_or(JsValue::NULL)
}

impl Io for JsIo {
    type Http = JsHttp;
    type Store = IdbStore;
    fn http(&self) -> &JsHttp {
        &self.http
    }
    fn local(&self) -> &LocalCrm<IdbStore> {
        &self.local
    }
    fn keep_counts_later(&self) {
        super::local_crm::keep_counts_later(self.local.clone());
    }
    async fn open_tab(&self, url: &str, opener: i64) -> Result<(), String> {
        self.call("openTab", &[url.into(), (opener as f64).into()]).await.map(drop)
    }
    async fn open_panel(&self, tab_id: i64) -> Result<(), String> {
        self.call("openPanel", &[(tab_id as f64).into()]).await.map(drop)
    }
    async fn save_settings(&self, settings: &Settings) -> Result<(), String> {
        self.call("saveSettings", &[js(settings)]).await.map(drop)
    }
    async fn may_reach(&self, origin: &str) -> bool {
        self.call("mayReach", &[origin.into()]).await.ok().and_then(|v| v.as_bool()).unwrap_or(false)
    }
    async fn keep_crm(&self, config: Option<&CrmConfig>) -> Result<(), String> {
        self.call("keepCrm", &[js(&config)]).await.map(drop)
    }
    async fn enqueue(&self, ops: &[WriteOp], now: i64) -> Result<(), String> {
        self.call("enqueue", &[js(ops), (now as f64).into()]).await.map(drop)
    }
    async fn send_now(&self) -> Result<(), String> {
        self.call("sendNow", &[]).await.map(drop)
    }
    async fn resolve(&self, seq: u64, retry: bool) -> Result<(), String> {
        self.call("resolve", &[(seq as f64).into(), retry.into()]).await.map(drop)
    }
}
