// A connected CRM, from the service worker: credentials and the outbox live in the
// extension's IndexedDB (never in chrome.storage, which content scripts can read);
// writes are queued there before anything is sent, then delivered by the Rust connector
// over `fetch`, retried on an alarm until the CRM takes them.
import {
  crm_config_check, crm_test_connection, crm_remote_card, crm_deliver,
  crm_outbox_new, crm_outbox_enqueue, crm_outbox_recover, crm_outbox_take_due, crm_outbox_complete,
  crm_outbox_resolve, crm_outbox_status, crm_outbox_send_now,
} from './pkg/tactful.js';
import { local_crm_get_setting as getSetting, local_crm_set_setting as setSetting } from './pkg/tactful.js';

const ALARM = 'tactful-crm-outbox';

/** Chrome's network error names, for saying exactly what failed. */
function classify(/** @type {string | null} */ net, /** @type {boolean} */ timedOut, /** @type {any} */ err) {
  if (timedOut) return { kind: 'timeout' };
  const detail = net || String(err && err.message ? err.message : err);
  if (!net) return { kind: 'unknown', detail: `${detail} (DNS, TLS or connection failure)` };
  if (/NAME_NOT_RESOLVED|NAME_RESOLUTION/.test(net)) return { kind: 'dns', detail: net };
  if (/CERT|SSL/.test(net)) return { kind: 'tls', detail: net };
  if (/TIMED_OUT/.test(net)) return { kind: 'timeout' };
  return { kind: 'connect', detail: net };
}

/**
 * The connector's HTTP: one request in, `{status, headers, body}` out. With the optional
 * webRequest permission, a failed request says why (DNS, TLS, refused).
 * @param {{ method: string, url: string, headers: [string, string][], body: string | null }} req
 */
export async function fetcher(req) {
  const ctrl = new AbortController();
  const timer = setTimeout(() => ctrl.abort(), 20000);
  /** @type {string | null} */
  let net = null;
  const wr = globalThis.chrome && chrome.webRequest && chrome.webRequest.onErrorOccurred;
  const listener = (/** @type {any} */ d) => { if (d.url === req.url) net = d.error; };
  if (wr) { try { wr.addListener(listener, { urls: ['<all_urls>'] }); } catch { /* no permission */ } }
  try {
    const r = await fetch(req.url, { method: req.method, headers: req.headers, body: req.body ?? undefined, signal: ctrl.signal, credentials: 'omit', cache: 'no-store', redirect: 'manual' });
    // An API that redirects is sending us to a sign-in page.
    if (r.type === 'opaqueredirect') return { status: 401, headers: [], body: JSON.stringify({ message: 'the server redirected to its sign-in page' }) };
    return { status: r.status, headers: [...r.headers.entries()], body: await r.text() };
  } catch (e) {
    await new Promise((r) => setTimeout(r, 50)); // let onErrorOccurred arrive
    throw classify(net, ctrl.signal.aborted, e);
  } finally {
    clearTimeout(timer);
    if (wr) { try { wr.removeListener(listener); } catch { /* ignore */ } }
  }
}

/** The checked config, kept in memory: every card asks, and only configure() changes it. */
let cached = /** @type {any} */ (undefined);

/** The connected CRM's checked config, or null for the local CRM only. */
export async function config() {
  if (cached === undefined) {
    const c = await getSetting('crm');
    cached = c ? crm_config_check(c) : null;
  }
  return cached;
}

/** Saves (or with null, removes) the CRM config. Host permission is asked for by the options page. */
export async function configure(/** @type {any} */ raw) {
  if (raw === null) {
    await setSetting('crm', undefined);
    cached = null;
    return null;
  }
  const checked = crm_config_check(raw); // throws with words
  const granted = await chrome.permissions.contains({ origins: [checked.origin] });
  if (!granted) throw new Error(`Tactful may not reach ${checked.origin} yet: allow it when the browser asks.`);
  await setSetting('crm', checked.config);
  cached = checked;
  return checked.public;
}

export async function test(/** @type {any} */ raw) {
  const checked = crm_config_check(raw ?? (await getSetting('crm')));
  if (!(await chrome.permissions.contains({ origins: [checked.origin] }))) {
    return { ok: false, message: `Tactful may not reach ${checked.origin} yet (permission): allow it when the browser asks.` };
  }
  return crm_test_connection(checked.config, fetcher);
}

/** The card from the connected CRM, or null when none is connected. */
export async function card(/** @type {any} */ who, /** @type {number} */ now, lines = 3) {
  const c = await config();
  if (!c) return null;
  return crm_remote_card(c.config, who, fetcher, now, lines);
}

async function loadOutbox() {
  return (await getSetting('outbox')) ?? crm_outbox_new(crypto.randomUUID().slice(0, 8));
}

let outboxLock = /** @type {Promise<unknown>} */ (Promise.resolve());

/**
 * Changes the stored outbox with `change` (synchronous: outbox in, `[outbox, result]`
 * out), one change at a time: enqueue and delivery both read, change and write it back
 * across awaits, and interleaved they would lose a write.
 * @template T @param {(o: any) => [any, T]} change @returns {Promise<T>}
 */
function changeOutbox(change) {
  const run = outboxLock.then(async () => {
    const [outbox, result] = change(await loadOutbox());
    await setSetting('outbox', outbox);
    return result;
  });
  outboxLock = run.catch(() => {});
  return run;
}

/** Queues writes durably, then tries to deliver. */
export async function enqueue(/** @type {any[]} */ ops, /** @type {number} */ now) {
  if (!(await config())) return;
  await changeOutbox((o) => [crm_outbox_enqueue(o, ops, now), null]);
  pump();
}

let pumping = /** @type {Promise<void> | null} */ (null);
/** While the worker lives, a timer retries on time; the alarm wakes a worker that slept
 * (and packed extensions may not fire alarms sooner than 30 s). */
let retryTimer = /** @type {any} */ (null);

/** Delivers what is due, one pass at a time; schedules the next retry on an alarm. */
export function pump() {
  if (!pumping) pumping = (async () => {
    try {
      const c = await config();
      if (!c) return;
      for (;;) {
        // Persisted (in flight) before sending: a worker killed mid-request retries as "maybe done".
        const deliveries = await changeOutbox((o) => {
          const { outbox, deliveries } = crm_outbox_take_due(o, Date.now());
          return [outbox, deliveries];
        });
        if (!deliveries.length) break;
        const results = await Promise.all(deliveries.map((/** @type {any} */ d) => crm_deliver(c.config, d, fetcher).catch((/** @type {any} */ e) => ({ kind: 'bad_response', detail: String(e) }))));
        await changeOutbox((o) => {
          deliveries.forEach((/** @type {any} */ d, /** @type {number} */ i) => { o = crm_outbox_complete(o, d.seq, results[i], Date.now()); });
          return [o, null];
        });
      }
      const next = crm_outbox_status(await loadOutbox(), c.short_name, Date.now()).next_due_at;
      if (next != null) {
        const when = Math.max(next, Date.now() + 1000);
        clearTimeout(retryTimer);
        retryTimer = setTimeout(pump, when - Date.now());
        await chrome.alarms.create(ALARM, { when });
      }
    } finally {
      pumping = null;
    }
  })();
  return pumping;
}

/** What the panel shows about waiting and refused writes. */
export async function status() {
  const c = await config();
  if (!c) return { connected: false, summary: null, failed: [] };
  return { connected: true, name: c.public.name, url: c.public.url, ...crm_outbox_status(await loadOutbox(), c.short_name, Date.now()) };
}

/** The agent discards a refused write or sends it again. */
export async function resolve(/** @type {number} */ seq, /** @type {boolean} */ retry) {
  await changeOutbox((o) => [crm_outbox_resolve(o, seq, retry, Date.now()), null]);
  pump();
}

/** Sends waiting writes now instead of at their next retry. */
export async function sendNow() {
  await changeOutbox((o) => [crm_outbox_send_now(o, Date.now()), null]);
  await pump();
}

/** After the worker (re)starts: in-flight writes wait again, then delivery resumes. */
export async function resume() {
  await changeOutbox((o) => [crm_outbox_recover(o), null]);
  chrome.alarms.onAlarm.addListener((a) => { if (a.name === ALARM) pump(); });
  pump();
}
