//! Never lose a write. Every CRM write is queued here first (the glue persists the outbox
//! before anything is sent), then delivered in order per customer, each with an
//! idempotency key, retried with backoff while the CRM is down, slow, or answers 5xx/429,
//! and kept for the agent to fix or discard when the CRM refuses it.
//!
//! An attempt is counted *before* it is sent. So when the service worker dies mid-request,
//! the entry comes back with an attempt on record and its next delivery asks the
//! connector to check first ("maybe done"), which is what makes retries exactly-once.

use super::connector::CrmError;
use super::model::WriteOp;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    pub seq: u64,
    /// Sent with the write; the CRM record carries it, so a retry can find it.
    pub key: String,
    /// Writes with the same order key (one customer) are delivered in `seq` order.
    pub order: String,
    pub op: WriteOp,
    pub created_at: i64,
    /// Attempts started (counted before sending).
    pub attempts: u32,
    /// Not before this time (Unix ms).
    pub next_at: i64,
    pub in_flight: bool,
    /// Set when the CRM refused the write for good: waits for the agent.
    pub failed: bool,
    pub last_error: Option<CrmError>,
}

/// One write to attempt now.
#[derive(Debug, Clone, PartialEq)]
pub struct Delivery {
    pub seq: u64,
    pub key: String,
    pub op: WriteOp,
    /// An earlier attempt may have reached the CRM: check before writing.
    pub maybe_done: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Outbox {
    /// Distinguishes this browser's keys from another agent's.
    pub device: String,
    next_seq: u64,
    entries: Vec<Entry>,
}

/// What the panel shows about pending writes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Status {
    pub waiting: usize,
    /// Seconds until the next retry, when something waits on a retry.
    pub retry_in_s: Option<u64>,
    /// A write is on its way to the CRM right now.
    #[serde(default)]
    pub sending: bool,
    /// Refused writes: (seq, what, why).
    pub failed: Vec<(u64, String, CrmError)>,
    /// The last transient error, to show why we are waiting.
    pub last_error: Option<CrmError>,
}

impl Status {
    /// "3 changes waiting for RT — retrying in 20 s".
    pub fn summary(&self, crm: &str) -> Option<String> {
        if self.waiting == 0 && self.failed.is_empty() {
            return None;
        }
        let mut parts = Vec::new();
        if self.waiting > 0 {
            let n = self.waiting;
            let s = if n == 1 { "change" } else { "changes" };
            // "sending" only while a request is out: a due write whose retry timer hasn't
            // fired yet is about to go, which is different from being on the wire.
            parts.push(match (self.sending, self.retry_in_s) {
                (true, _) => format!("{n} {s} waiting for {crm} — sending"),
                (false, Some(0)) => format!("{n} {s} waiting for {crm} — retrying now"),
                (false, Some(t)) => format!("{n} {s} waiting for {crm} — retrying in {t} s"),
                (false, None) => format!("{n} {s} waiting for {crm} behind a refused change"),
            });
        }
        if !self.failed.is_empty() {
            parts.push(format!("{} refused by {crm}, needs you", self.failed.len()));
        }
        Some(parts.join("; "))
    }
}

const FIRST_BACKOFF_MS: i64 = 2_000;
const MAX_BACKOFF_MS: i64 = 5 * 60_000;

/// Exponential backoff (2 s, 4 s, 8 s … 5 min) with ±20% jitter, seeded by the key so
/// many queued writes don't retry in lockstep. A 429's Retry-After wins.
pub fn backoff_ms(attempts: u32, key: &str, retry_after_s: Option<u64>) -> i64 {
    if let Some(s) = retry_after_s {
        return (s as i64 * 1000).clamp(1_000, 3_600_000);
    }
    let base = FIRST_BACKOFF_MS.saturating_mul(1i64 << attempts.saturating_sub(1).min(20)).min(MAX_BACKOFF_MS);
    let h = key.bytes().fold(u64::from(attempts).wrapping_mul(0x9E37_79B9), |h, b| h.wrapping_mul(31).wrapping_add(u64::from(b)));
    let jitter = (h % 41) as i64 - 20; // -20..=20 percent
    base + base * jitter / 100
}

impl Outbox {
    pub fn new(device: impl Into<String>) -> Outbox {
        Outbox { device: device.into(), next_seq: 1, entries: Vec::new() }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// Queues a write; returns its idempotency key.
    pub fn enqueue(&mut self, op: WriteOp, now: i64) -> String {
        let seq = self.next_seq;
        self.next_seq += 1;
        let key = format!("{}-{seq}", self.device);
        let order = op.customer().order_key();
        self.entries.push(Entry { seq, key: key.clone(), order, op, created_at: now, attempts: 0, next_at: now, in_flight: false, failed: false, last_error: None });
        key
    }

    /// After a restart: whatever was in flight is waiting again (its attempt stays
    /// counted, so it will be checked before it is re-sent).
    pub fn recover(&mut self) {
        for e in &mut self.entries {
            e.in_flight = false;
        }
    }

    /// The writes to send now: for each customer, the oldest entry, if it is due and not
    /// blocked behind a refused one. Marks them in flight and counts the attempt; persist
    /// the outbox before sending.
    pub fn take_due(&mut self, now: i64) -> Vec<Delivery> {
        let due: Vec<u64> = self.heads().filter(|e| !e.failed && !e.in_flight && e.next_at <= now).map(|e| e.seq).collect();
        let at: Vec<usize> = due.into_iter().filter_map(|seq| self.entries.iter().position(|e| e.seq == seq)).collect();
        at.into_iter()
            .map(|i| {
                let e = &mut self.entries[i];
                e.in_flight = true;
                e.attempts += 1;
                Delivery { seq: e.seq, key: e.key.clone(), op: e.op.clone(), maybe_done: e.attempts > 1 }
            })
            .collect()
    }

    /// Records an attempt's outcome.
    pub fn complete(&mut self, seq: u64, result: Result<(), CrmError>, now: i64) {
        let Some(pos) = self.entries.iter().position(|e| e.seq == seq) else { return };
        match result {
            Ok(()) => {
                self.entries.remove(pos);
            }
            Err(err) => {
                let e = &mut self.entries[pos];
                e.in_flight = false;
                if err.is_transient() {
                    e.next_at = now + backoff_ms(e.attempts, &e.key, err.retry_after_s());
                } else {
                    e.failed = true;
                }
                e.last_error = Some(err);
            }
        }
    }

    /// The agent gives up on a refused (or any) write.
    pub fn discard(&mut self, seq: u64) -> Option<Entry> {
        let pos = self.entries.iter().position(|e| e.seq == seq)?;
        Some(self.entries.remove(pos))
    }

    /// The agent fixed the write (or the CRM setup) and wants it sent again now.
    pub fn retry(&mut self, seq: u64, op: Option<WriteOp>, now: i64) -> bool {
        let Some(e) = self.entries.iter_mut().find(|e| e.seq == seq) else { return false };
        if let Some(op) = op {
            e.op = op;
        }
        e.failed = false;
        e.next_at = now;
        true
    }

    /// The agent asks to send now: waiting writes stop backing off (refused ones stay).
    pub fn send_now(&mut self, now: i64) {
        for e in self.entries.iter_mut().filter(|e| !e.failed) {
            e.next_at = e.next_at.min(now);
        }
    }

    /// When the next entry becomes due (for the worker's alarm), if any is waiting.
    pub fn next_due_at(&self) -> Option<i64> {
        self.heads().filter(|e| !e.failed && !e.in_flight).map(|e| e.next_at).min()
    }

    /// Each customer's oldest entry: the only one that may go next.
    fn heads(&self) -> impl Iterator<Item = &Entry> {
        let mut seen: Vec<&str> = Vec::new();
        self.entries.iter().filter(move |e| {
            if seen.contains(&e.order.as_str()) {
                return false;
            }
            seen.push(&e.order);
            true
        })
    }

    pub fn status(&self, now: i64) -> Status {
        let waiting: Vec<&Entry> = self.entries.iter().filter(|e| !e.failed).collect();
        let retry_in_s = self.next_due_at().map(|t| ((t - now).max(0) as u64).div_ceil(1000));
        let last_error = waiting.iter().filter_map(|e| e.last_error.clone()).next_back();
        Status {
            waiting: waiting.len(),
            retry_in_s,
            sending: self.entries.iter().any(|e| e.in_flight),
            failed: self.entries.iter().filter(|e| e.failed).map(|e| (e.seq, e.op.describe(), e.last_error.clone().unwrap_or(CrmError::Timeout))).collect(),
            last_error,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::crm::model::{CustomerRef, Identity};

    fn note(handle: &str, text: &str) -> WriteOp {
        WriteOp::AddNote { customer: CustomerRef { identities: vec![Identity::new("x", handle)], display_name: None }, text: text.into(), agent: None }
    }

    fn text(op: &WriteOp) -> &str {
        match op {
            WriteOp::AddNote { text, .. } => text,
            _ => "",
        }
    }

    #[test]
    fn delivers_in_order_per_customer_and_in_parallel_across_customers() {
        let mut o = Outbox::new("dev");
        o.enqueue(note("dana", "d1"), 0);
        o.enqueue(note("sam", "s1"), 0);
        o.enqueue(note("dana", "d2"), 0);
        let first: Vec<&str> = o.take_due(0).iter().map(|d| text(&d.op)).map(|s| if s == "d1" { "d1" } else { "s1" }).collect();
        assert_eq!(first, ["d1", "s1"], "one head per customer");
        assert!(o.take_due(0).is_empty(), "d2 waits behind in-flight d1");
        o.complete(1, Ok(()), 1);
        let next = o.take_due(1);
        assert_eq!(next.iter().map(|d| text(&d.op)).collect::<Vec<_>>(), ["d2"]);
    }

    #[test]
    fn transient_errors_back_off_and_keep_order() {
        let mut o = Outbox::new("dev");
        o.enqueue(note("dana", "d1"), 0);
        o.enqueue(note("dana", "d2"), 0);
        let d = o.take_due(0);
        assert!(!d[0].maybe_done);
        o.complete(d[0].seq, Err(CrmError::Unreachable { detail: "refused".into() }), 0);
        assert!(o.take_due(1000).is_empty(), "backing off, and d2 may not overtake d1");
        let st = o.status(0);
        assert_eq!(st.waiting, 2);
        assert_eq!(st.summary("RT").unwrap(), format!("2 changes waiting for RT — retrying in {} s", st.retry_in_s.unwrap()));
        let again = o.take_due(10_000);
        assert_eq!(again.len(), 1);
        assert_eq!(text(&again[0].op), "d1");
        assert!(again[0].maybe_done, "a second attempt checks before writing");
    }

    #[test]
    fn summary_says_sending_only_while_a_request_is_out() {
        let mut o = Outbox::new("dev");
        o.enqueue(note("dana", "d1"), 0);
        o.enqueue(note("dana", "d2"), 0);
        assert_eq!(o.status(0).summary("RT").unwrap(), "2 changes waiting for RT — retrying now");
        let d = o.take_due(0);
        assert_eq!(o.status(0).summary("RT").unwrap(), "2 changes waiting for RT — sending");
        o.complete(d[0].seq, Err(CrmError::Timeout), 0);
        let later = o.next_due_at().unwrap() + 5_000;
        assert_eq!(o.status(later).summary("RT").unwrap(), "2 changes waiting for RT — retrying now", "due, timer not fired yet");
        let d = o.take_due(later);
        o.complete(d[0].seq, Err(CrmError::Rejected { status: 422, reason: "no".into() }), later);
        assert_eq!(o.status(later).summary("RT").unwrap(), "1 change waiting for RT behind a refused change; 1 refused by RT, needs you");
    }

    #[test]
    fn send_now_skips_the_backoff_but_not_refusals() {
        let mut o = Outbox::new("dev");
        o.enqueue(note("dana", "d1"), 0);
        o.enqueue(note("sam", "s1"), 0);
        for d in o.take_due(0) {
            let e = if text(&d.op) == "d1" { CrmError::Timeout } else { CrmError::Auth { reason: "no".into() } };
            o.complete(d.seq, Err(e), 0);
        }
        o.send_now(10);
        assert_eq!(o.take_due(10).iter().map(|d| text(&d.op)).collect::<Vec<_>>(), ["d1"]);
    }

    #[test]
    fn retry_after_is_honoured() {
        let mut o = Outbox::new("dev");
        o.enqueue(note("dana", "d1"), 0);
        let d = o.take_due(0);
        o.complete(d[0].seq, Err(CrmError::RateLimited { retry_after_s: Some(20) }), 0);
        assert_eq!(o.next_due_at(), Some(20_000));
        assert_eq!(o.status(0).summary("HubSpot").unwrap(), "1 change waiting for HubSpot — retrying in 20 s");
    }

    #[test]
    fn refused_writes_wait_for_the_agent_and_block_that_customer_only() {
        let mut o = Outbox::new("dev");
        o.enqueue(note("dana", "bad"), 0);
        o.enqueue(note("dana", "after"), 0);
        o.enqueue(note("sam", "other"), 0);
        for d in o.take_due(0) {
            let r = if text(&d.op) == "bad" { Err(CrmError::Rejected { status: 422, reason: "Subject is required".into() }) } else { Ok(()) };
            o.complete(d.seq, r, 0);
        }
        assert!(o.take_due(1_000_000).is_empty(), "'after' stays behind the refused write");
        let st = o.status(0);
        assert_eq!(st.failed.len(), 1);
        assert!(st.summary("RT").unwrap().contains("1 refused by RT"));
        o.discard(1);
        assert_eq!(o.take_due(1).iter().map(|d| text(&d.op)).collect::<Vec<_>>(), ["after"]);
    }

    #[test]
    fn fixed_write_is_sent_again_as_maybe_done() {
        let mut o = Outbox::new("dev");
        o.enqueue(note("dana", "bad"), 0);
        let d = o.take_due(0);
        o.complete(d[0].seq, Err(CrmError::Auth { reason: "expired".into() }), 0);
        assert!(o.retry(1, Some(note("dana", "good")), 5));
        let d = o.take_due(5);
        assert_eq!(text(&d[0].op), "good");
        assert_eq!(d[0].key, "dev-1", "the key survives an edit");
    }

    #[test]
    fn survives_a_restart_mid_flight() {
        let mut o = Outbox::new("dev");
        o.enqueue(note("dana", "d1"), 0);
        let _ = o.take_due(0);
        // The worker is killed here; what was persisted comes back.
        let mut back: Outbox = serde_json::from_str(&serde_json::to_string(&o).unwrap()).unwrap();
        assert!(back.take_due(0).is_empty(), "still marked in flight until recovered");
        back.recover();
        let d = back.take_due(0);
        assert_eq!(d.len(), 1);
        assert!(d[0].maybe_done, "the lost attempt may have landed");
        let k = back.enqueue(note("dana", "d2"), 1);
        assert_eq!(k, "dev-2", "sequence continues after restart");
    }

    #[test]
    fn backoff_grows_to_a_cap_with_bounded_jitter() {
        let a: Vec<i64> = (1..=12).map(|n| backoff_ms(n, "k", None)).collect();
        assert!((1_600..=2_400).contains(&a[0]));
        assert!((3_200..=4_800).contains(&a[1]));
        assert!(a.iter().all(|&x| x <= MAX_BACKOFF_MS * 6 / 5));
        assert_eq!(backoff_ms(3, "k", Some(20)), 20_000);
    }
}
