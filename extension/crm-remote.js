// A connected CRM, from the service worker: credentials and the outbox live in the
// extension's IndexedDB (never in chrome.storage, which content scripts can read);
// writes are queued there before anything is sent, then delivered by the Rust connector
// over `fetch`, retried on an alarm until the CRM takes them.
// Which CRM answers, what the panel shows and every outbox decision are the core's; this
// file moves bytes, keeps records and keeps time.
import {
  crm_deliver, crm_outbox_new, crm_outbox_enqueue, crm_outbox_recover, crm_outbox_take_due,
  crm_outbox_complete, crm_outbox_resolve, crm_outbox_next_due_at, crm_outbox_send_now,
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

/** The connected CRM's config (checked by the core before it was kept), in memory:
 * the outbox reads it for every delivery, and only keep() changes it. */
let cached = /** @type {any} */ (undefined);

/** The connected CRM's config, or null for the local CRM only. */
async function config() {
  if (cached === undefined) cached = (await getSetting('crm')) ?? null;
  return cached;
}

/** Keeps (or with null, forgets) the config the core checked. */
export async function keep(/** @type {any} */ checked) {
  await setSetting('crm', checked ?? undefined);
  cached = checked ?? null;
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
        const results = await Promise.all(deliveries.map((/** @type {any} */ d) => crm_deliver(c, d, fetcher).catch((/** @type {any} */ e) => ({ kind: 'bad_response', detail: String(e) }))));
        await changeOutbox((o) => {
          deliveries.forEach((/** @type {any} */ d, /** @type {number} */ i) => { o = crm_outbox_complete(o, d.seq, results[i], Date.now()); });
          return [o, null];
        });
      }
      const next = crm_outbox_next_due_at(await loadOutbox());
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
