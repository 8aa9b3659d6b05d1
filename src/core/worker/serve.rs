//! Answering a request that needs I/O: the worker decides what to do ([`Job`]), this runs
//! it through [`Io`] — the browser's storage, `fetch`, tabs — and makes the answer. The
//! glue implements `Io` and nothing else: every answer comes from here or the worker.
//!
//! The worker lives in a `RefCell` and is borrowed only between awaits, so other
//! messages are answered while one waits on the CRM.

use super::crm::{self as decide, Answered, CardJob, CrmRequestError, REMOTE_AT_ONCE};
use super::handoffs::HandoffError;
use super::{Job, Outcome, Worker};
use crate::core::crm::card::unknown;
use crate::core::crm::config::CrmConfig;
use crate::core::crm::http::Http;
use crate::core::crm::local::{LocalCrm, Setting};
use crate::core::crm::store::Store;
use crate::core::crm::Identity;
use crate::core::crm::outbox::Outbox;
use crate::core::crm::{CustomerRef, WriteOp};
use crate::core::protocol::{CustomerCardResult, RefusedWrite, Request, Response, Sender};
use crate::core::settings::Settings;
use std::borrow::BorrowMut;
use std::cell::RefCell;

/// What the worker needs from the browser. Errors are words for the user.
#[allow(async_fn_in_trait)]
pub trait Io {
    type Http: Http;
    type Store: Store;
    /// The connected CRM's transport (`fetch` in the browser).
    fn http(&self) -> &Self::Http;
    /// The local CRM (IndexedDB in the browser), which also keeps what the worker needs
    /// after a restart (the imported knowledge base, learned picks, the outbox).
    fn local(&self) -> &LocalCrm<Self::Store>;
    /// Saves interaction counts a card had to count, after its answer has gone.
    fn keep_counts_later(&self);

    /// Opens `url` in a new tab beside tab `opener`.
    async fn open_tab(&self, url: &str, opener: i64) -> Result<(), String>;
    /// Opens the side panel on tab `tab_id`.
    async fn open_panel(&self, tab_id: i64) -> Result<(), String>;
    /// Keeps the team's settings (chrome.storage).
    async fn save_settings(&self, settings: &Settings) -> Result<(), String>;
    /// Whether the browser lets Tactful reach `origin` ("https://rt.example.com/*").
    async fn may_reach(&self, origin: &str) -> bool;
    /// Keeps (or with none, forgets) the connected CRM's settings, for the outbox too.
    async fn keep_crm(&self, config: Option<&CrmConfig>) -> Result<(), String>;
    /// Queues writes for the connected CRM, durably, and starts delivering.
    async fn enqueue(&self, ops: &[WriteOp], now: i64) -> Result<(), String>;
    /// Sends waiting writes now.
    async fn send_now(&self) -> Result<(), String>;
    /// Retries (`retry`) or discards refused write `seq`.
    async fn resolve(&self, seq: u64, retry: bool) -> Result<(), String>;
}

/// The worker, borrowed for `f` only (never across an await). `W` is the worker itself
/// in the browser, or a `&mut Worker` a test lends.
fn with<W: BorrowMut<Worker>, R>(cell: &RefCell<W>, f: impl FnOnce(&mut Worker) -> R) -> R {
    f(BorrowMut::borrow_mut(&mut *cell.borrow_mut()))
}

/// Answers one request, doing its I/O.
pub async fn serve<W: BorrowMut<Worker>>(worker: &RefCell<W>, io: &impl Io, request: Request, sender: &Sender, now: i64) -> Response {
    let outcome = with(worker, |w| w.handle(request, sender, now));
    match outcome {
        Outcome::Answer(r) => r,
        Outcome::Io(job) => run(worker, io, job, now).await,
    }
}

async fn run<W: BorrowMut<Worker>>(worker: &RefCell<W>, io: &impl Io, job: Job, now: i64) -> Response {
    match job {
        Job::Cards(job) => {
            let (history, tab_id) = (job.history, job.tab_id);
            let crm = with(worker, |w| w.crm.clone());
            let cards = cards(io, crm.as_ref(), job, now).await;
            // Posts the CRM shows answered leave the tab's queue (the page is told so in
            // each card; it decides nothing).
            let answered = cards.iter().filter_map(|c| match c {
                CustomerCardResult::Card { post_key, answered: true, .. } => Some(post_key.as_str()),
                _ => None,
            });
            with(worker, |w| w.tabs.mark_answered(tab_id, answered));
            if !history {
                return Response::CustomerCards { cards };
            }
            match cards.into_iter().next() {
                Some(CustomerCardResult::Card { post_key, permalink, card, note, .. }) => Response::CustomerCard { post_key, permalink, card, note },
                Some(CustomerCardResult::Failed { error, .. }) => Response::Error { message: error },
                None => Response::error(super::tabs::TabError::PostNotRead),
            }
        }
        // The overlay is drawn whatever the CRM says: a write that fails is queued and
        // retried by the outbox, and the post is answered either way (it was published).
        Job::Published { ops, view } => {
            let _ = write(worker, io, &ops, now).await;
            Response::Overlay { view }
        }
        Job::Used { ops, feedback } => {
            // The ranking's lesson is worth keeping but not worth failing the log for.
            if let Some(value) = feedback {
                let _ = io.local().set_setting(crate::core::crm::local::Setting::Feedback, Some(&value)).await;
            }
            match write(worker, io, &ops, now).await {
                Ok(()) => Response::Ok,
                Err(message) => Response::Error { message },
            }
        }
        Job::Write { ops } => match write(worker, io, &ops, now).await {
            Ok(()) => Response::Ok,
            Err(message) => Response::Error { message },
        },
        Job::HandoffDone { url, tab_id, ops } => {
            // The composer first: a hand-off whose private message didn't open isn't one,
            // so it isn't logged (the agent can press Move to private again).
            if let Some(url) = url {
                if let Err(e) = io.open_tab(&url, tab_id).await {
                    return Response::HandedOff { dm_error: Some(HandoffError::NotOpened(e).to_string()), log_error: None };
                }
            }
            // Still in the queue: it leaves when the acknowledgement is published.
            Response::HandedOff { dm_error: None, log_error: write(worker, io, &ops, now).await.err() }
        }
        Job::OpenPanel { tab_id } => match io.open_panel(tab_id).await {
            Ok(()) => Response::Ok,
            Err(_) => Response::Error { message: "Click the Tactful icon in the toolbar to open the panel.".into() },
        },
        Job::Keep { key, value, then } => match io.local().set_setting(key, Some(&value)).await {
            Ok(()) => then,
            Err(e) => Response::Error { message: format!("Tactful couldn't keep this for next time: {e}") },
        },
        Job::SaveSettings(settings) => match io.save_settings(&settings).await {
            Ok(()) => {
                with(worker, |w| w.use_settings(settings.clone()));
                Response::Settings { settings }
            }
            Err(e) => Response::Error { message: format!("The settings weren't saved: {e}") },
        },
        Job::CrmConfigure(config) => configure(worker, io, config).await,
        Job::CrmTest(config) => test(worker, io, config).await,
        Job::CrmStatus => status(worker, io, now).await,
        Job::CrmSendNow => match io.send_now().await {
            Ok(()) => status(worker, io, now).await,
            Err(e) => Response::Error { message: e },
        },
        Job::CrmResolve { seq, retry } => match io.resolve(seq, retry).await {
            Ok(()) => status(worker, io, now).await,
            Err(e) => Response::Error { message: e },
        },
        Job::CrmCustomerExport { network, value } => match io.local().export_customer(&Identity::new(&network, &value)).await {
            Ok(snapshot) => Response::CrmCustomerExport { snapshot },
            Err(e) => Response::error(e),
        },
        Job::CrmCustomerDelete { network, value } => match io.local().delete_customer(&Identity::new(&network, &value)).await {
            Ok(d) => Response::CrmCustomerDeleted { interactions: d.interactions as usize },
            Err(e) => Response::error(e),
        },
        Job::CrmExport => match io.local().export_all().await {
            Ok(snapshot) => Response::CrmExport { snapshot },
            Err(e) => Response::error(e),
        },
        Job::CrmImport(snapshot) => match io.local().import_all(snapshot).await {
            Ok(i) => Response::CrmImported { customers: i.customers, interactions: i.interactions },
            Err(e) => Response::error(e),
        },
    }
}

/// Writes to the local CRM, and what is new also to the connected one's queue.
async fn write<W: BorrowMut<Worker>>(worker: &RefCell<W>, io: &impl Io, ops: &[WriteOp], now: i64) -> Result<(), String> {
    // Only what is new goes to the connected CRM (the customer's post once).
    let fresh = io.local().apply(ops, now).await.map_err(|e| CrmRequestError::Local(e.to_string()).to_string())?;
    let connected = with(worker, |w| w.crm.is_some());
    if connected && !fresh.is_empty() {
        io.enqueue(&fresh, now).await.map_err(|e| format!("Logged here, but not queued for the connected CRM: {e}"))?;
    }
    Ok(())
}

/// The cards of a job: the connected CRM's record of each customer when there is one,
/// a few customers at a time; the local CRM's otherwise, or when the connected CRM
/// can't answer (its reason goes in the card's note).
async fn cards(io: &impl Io, crm: Option<&CrmConfig>, job: CardJob, now: i64) -> Vec<CustomerCardResult> {
    let customers = job.customers();
    let mut answers: Vec<Option<Answered>> = vec![None; customers.len()];
    let mut notes: Vec<Option<String>> = vec![None; customers.len()];
    if let Some(c) = crm {
        use futures::StreamExt;
        // A few at a time, a new one as soon as one is answered (not in waves).
        let got: Vec<_> = futures::stream::iter(customers.iter().map(|who| c.card(io.http(), who, now, job.lines))).buffered(REMOTE_AT_ONCE).collect().await;
        for (at, r) in got.into_iter().enumerate() {
            match r {
                Ok(card) => answers[at] = Some(Answered { card, note: None }),
                Err(e) => notes[at] = Some(e.explain(c.name())),
            }
        }
    }
    let local: Vec<usize> = (0..customers.len()).filter(|&i| answers[i].is_none()).collect();
    if !local.is_empty() {
        let whos: Vec<CustomerRef> = local.iter().map(|&i| customers[i].clone()).collect();
        match io.local().cards(&whos, now, job.lines).await {
            Ok(cards) if cards.len() == whos.len() => {
                for (&i, card) in local.iter().zip(cards) {
                    answers[i] = Some(Answered { card, note: notes[i].take() });
                }
                if io.local().counts_pending() {
                    io.keep_counts_later();
                }
            }
            failed => {
                // The local CRM failed too: the card still says who it is, and why no history.
                let why = match failed {
                    Err(e) => format!("Customer history is unavailable: {e}"),
                    Ok(_) => "Customer history is unavailable: the local CRM gave the wrong number of cards.".to_string(),
                };
                for &i in &local {
                    answers[i] = Some(Answered { card: unknown(&customers[i]), note: Some(notes[i].take().unwrap_or_else(|| why.clone())) });
                }
            }
        }
    }
    let answers: Vec<Answered> = answers.into_iter().map(|a| a.expect("every customer answered above")).collect();
    decide::cards_for_posts(job, &customers, answers)
}

async fn configure<W: BorrowMut<Worker>>(worker: &RefCell<W>, io: &impl Io, config: Option<CrmConfig>) -> Response {
    let Some(config) = config else {
        if let Err(e) = io.keep_crm(None).await {
            return Response::Error { message: e };
        }
        with(worker, |w| w.crm = None);
        return Response::CrmConfig { config: None };
    };
    let config = match config.validated() {
        Ok(c) => c,
        Err(e) => return Response::error(CrmRequestError::BadConfig(e)),
    };
    let origin = match config.origin_pattern() {
        Ok(o) => o,
        Err(e) => return Response::error(CrmRequestError::BadConfig(e)),
    };
    if !io.may_reach(&origin).await {
        return Response::error(CrmRequestError::NoPermission { origin });
    }
    if let Err(e) = io.keep_crm(Some(&config)).await {
        return Response::Error { message: e };
    }
    let public = config.public();
    with(worker, |w| w.crm = Some(config));
    Response::CrmConfig { config: Some(public) }
}

async fn test<W: BorrowMut<Worker>>(worker: &RefCell<W>, io: &impl Io, config: Option<CrmConfig>) -> Response {
    let Some(config) = config.or_else(|| with(worker, |w| w.crm.clone())) else {
        return Response::CrmTest { ok: false, message: CrmRequestError::NotConnected.to_string() };
    };
    let config = match config.validated().and_then(|c| Ok((c.origin_pattern()?, c))) {
        Ok((origin, c)) if io.may_reach(&origin).await => c,
        Ok((origin, _)) => return Response::CrmTest { ok: false, message: CrmRequestError::NoPermission { origin }.to_string() },
        Err(e) => return Response::CrmTest { ok: false, message: e },
    };
    match config.test_connection(io.http()).await {
        Ok(message) => Response::CrmTest { ok: true, message },
        Err(e) => Response::CrmTest { ok: false, message: e.explain(config.name()) },
    }
}

async fn status<W: BorrowMut<Worker>>(worker: &RefCell<W>, io: &impl Io, now: i64) -> Response {
    let Some(config) = with(worker, |w| w.crm.clone()) else {
        return Response::CrmStatus { connected: false, name: None, url: None, summary: None, waiting: 0, failed: vec![], last_error: None, next_due_at: None };
    };
    let outbox = match io.local().setting::<Outbox>(Setting::Outbox).await {
        // None queued yet: an empty outbox (its device id is only used for new writes).
        Ok(o) => o.unwrap_or_else(|| Outbox::new("")),
        Err(e) => return Response::error(e),
    };
    let short = config.short_name();
    let st = outbox.status(now);
    let public = config.public();
    Response::CrmStatus {
        connected: true,
        name: Some(public.name),
        url: Some(public.url),
        summary: st.summary(short),
        waiting: st.waiting,
        failed: st.failed.iter().map(|(seq, what, e)| RefusedWrite { seq: *seq, what: what.clone(), why: e.explain(short) }).collect(),
        last_error: st.last_error.map(|e| e.explain(short)),
        next_due_at: outbox.next_due_at(),
    }
}
