// Tactful's service worker: loads the Rust core (wasm) and forwards every message to it.
// The core runs here, not in content scripts, because x.com and facebook.com send a CSP
// without 'wasm-unsafe-eval' and Chrome then refuses to compile wasm in a content script.
import init, { worker_start, worker_handle, worker_forget_tab, worker_index_step } from './pkg/tactful.js';
import { local_crm_cards, local_crm_apply, local_crm_export_all, local_crm_import_all, local_crm_export_customer, local_crm_delete_customer, local_crm_get_setting, local_crm_set_setting } from './pkg/tactful.js';
import * as remote from './crm-remote.js';

const ORIGIN = `chrome-extension://${chrome.runtime.id}/`;
const t0 = performance.now();

// Listeners are registered synchronously below (MV3 requires it); they wait for this.
const ready = (async () => {
  await init({ module_or_path: chrome.runtime.getURL('pkg/tactful_bg.wasm') });
  const { settings } = await chrome.storage.local.get('settings');
  // The team's imported knowledge base lives in the extension's IndexedDB (it can be large).
  const kb = await local_crm_get_setting('kb').catch(() => undefined);
  const feedback = await local_crm_get_setting('feedback').catch(() => undefined);
  worker_start(settings, performance.now() - t0, kb ?? [], feedback);
  indexInSlices();
  await remote.resume();
})();

let indexing = false;

/** A large knowledge base is indexed in slices of about 40 ms, with messages answered in
 * between (by the previous knowledge base until the new one is ready). */
async function indexInSlices() {
  if (indexing) return;
  indexing = true;
  try {
    for (;;) {
      const start = performance.now();
      let p;
      do p = worker_index_step(50); while (p && p.done < p.total && performance.now() - start < 40);
      if (!p || p.done >= p.total) return;
      await new Promise((r) => setTimeout(r, 0));
    }
  } finally {
    indexing = false;
  }
}

/** Who sent a message, from what Chrome (not the message) says. */
function senderOf(sender) {
  if (sender.id !== chrome.runtime.id) return null;
  if (sender.url && sender.url.startsWith(ORIGIN)) return { from: 'extension_page' };
  if (sender.tab && sender.frameId === 0 && sender.url) {
    return { from: 'content_script', tab_id: sender.tab.id, url: sender.url };
  }
  return null;
}

chrome.runtime.onMessage.addListener((msg, sender, sendResponse) => {
  const from = senderOf(sender);
  if (!from) return false;
  if (msg && msg.kind === 'open_panel' && from.from === 'content_script') {
    // Handled here, not in the core: sidePanel.open must run while the click's user
    // gesture is still live, before any await.
    chrome.sidePanel.open({ tabId: from.tab_id }).then(
      () => sendResponse({ kind: 'ok' }),
      () => sendResponse({ kind: 'error', message: 'Click the Tactful icon in the toolbar to open the panel.' }),
    );
    return true;
  }
  ready
    .then(async () => {
      // The whole CRM store: the options page only.
      if (from.from === 'extension_page' && msg.kind === 'crm_export') return sendResponse({ kind: 'crm_export', snapshot: await local_crm_export_all() });
      if (from.from === 'extension_page' && msg.kind === 'crm_import') {
        try {
          return sendResponse({ kind: 'crm_imported', ...(await local_crm_import_all(msg.snapshot)) });
        } catch (e) {
          return sendResponse({ kind: 'error', message: String(e && e.message ? e.message : e) });
        }
      }
      // The connected CRM's settings and queue: extension pages only; a page's content
      // script never sees credentials.
      if (from.from === 'extension_page' && typeof msg.kind === 'string' && msg.kind.startsWith('crm_')) {
        return sendResponse(await crmAdmin(msg));
      }
      const now = Date.now();
      let response = worker_handle(msg, from, now);
      // The core says what to read or write; the records live in IndexedDB here.
      if (response.kind === 'crm_lookups') {
        // The cards on a page, a few lines each; the panel's full history of one customer.
        const history = msg.kind === 'customer_history';
        const found = await cardsFor(response.found.map((/** @type {any} */ l) => l.who), now, history ? 100 : 3);
        const cards = [
          ...response.found.map((/** @type {any} */ l, /** @type {number} */ i) => ({ post_key: l.post_key, permalink: l.permalink ?? null, ...found[i] })),
          ...response.failed.map((/** @type {any} */ f) => ({ post_key: f.post_key, error: f.message })),
        ];
        if (!history) response = { kind: 'customer_cards', cards };
        else response = cards[0].card ? { kind: 'customer_card', ...cards[0] } : { kind: 'error', message: cards[0].error };
      } else if (response.kind === 'crm_writes') {
        // Only what is new goes to the connected CRM (the customer's post once).
        const fresh = await local_crm_apply(response.ops, now);
        await remote.enqueue(fresh, now);
        response = { kind: 'ok' };
      }
      if (response.kind === 'open_tab' && from.from === 'content_script') {
        // The composer URL the core built from the site profile (never one from the page).
        try {
          await chrome.tabs.create({ url: response.url, openerTabId: from.tab_id });
          response = { kind: 'ok' };
        } catch (e) {
          response = { kind: 'error', message: `Chrome didn't open the private message: ${e && e.message ? e.message : e}` };
        }
      }
      if (response.kind === 'learned') {
        // Which suggestions agents pick, kept so the ranking remembers across restarts.
        await local_crm_set_setting('feedback', response.feedback);
        response = { kind: 'ok' };
      }
      if (response.kind === 'kb_imported') {
        await local_crm_set_setting('kb', response.imported);
        response = { ...response, imported: response.imported.length };
        if (response.indexing) indexInSlices();
      }
      if (msg.kind === 'save_settings' && response.kind === 'settings') {
        await chrome.storage.local.set({ settings: response.settings });
      }
      sendResponse(response);
    })
    .catch((e) => sendResponse({ kind: 'error', message: `Tactful failed to start: ${e && e.message ? e.message : e}` }));
  return true; // answer asynchronously
});

/**
 * Customer cards for `whos` ({ card, note }, in order): the connected CRM's record when
 * there is one; the local one otherwise, or when the CRM can't be reached (said in
 * `note`). Someone who posted several times is looked up once.
 * @param {any[]} whos @param {number} now @param {number} lines
 */
async function cardsFor(whos, now, lines) {
  const keyOf = (/** @type {any} */ w) => JSON.stringify(w);
  const distinct = [...new Map(whos.map((w) => [keyOf(w), w])).values()];
  /** @type {Map<string, { card: any, note: string | null }>} */
  const got = new Map();
  /** @type {Array<{ who: any, note: string | null }>} */
  const local = [];
  // A few requests at a time to the connected CRM (none when there is none).
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(4, distinct.length) }, async () => {
    while (next < distinct.length) {
      const who = distinct[next++];
      const r = await remote.card(who, now, lines).catch((e) => ({ error: String(e) }));
      if (r && r.card) got.set(keyOf(who), { card: r.card, note: null });
      else local.push({ who, note: r && r.error ? r.error : null });
    }
  }));
  const cards = await local_crm_cards(local.map((l) => l.who), now, lines);
  local.forEach((l, i) => got.set(keyOf(l.who), { card: cards[i], note: l.note }));
  return whos.map((w) => /** @type {{ card: any, note: string | null }} */ (got.get(keyOf(w))));
}

/** Extension-page requests about the connected CRM. @param {any} msg */
async function crmAdmin(msg) {
  try {
    switch (msg.kind) {
      case 'crm_config': {
        const c = await remote.config();
        return { kind: 'crm_config', config: c ? c.public : null };
      }
      case 'crm_configure': return { kind: 'crm_config', config: await remote.configure(msg.config) };
      case 'crm_test': return { kind: 'crm_test', ...(await remote.test(msg.config ?? null)) };
      case 'crm_status': return { kind: 'crm_status', ...(await remote.status()) };
      case 'crm_customer_export': return { kind: 'crm_customer_export', snapshot: await local_crm_export_customer(msg.network, msg.value) };
      case 'crm_customer_delete': return { kind: 'crm_customer_deleted', ...(await local_crm_delete_customer(msg.network, msg.value)) };
      case 'crm_send_now': await remote.sendNow(); return { kind: 'crm_status', ...(await remote.status()) };
      case 'crm_resolve': await remote.resolve(msg.seq, !!msg.retry); return { kind: 'crm_status', ...(await remote.status()) };
      default: return { kind: 'error', message: `unknown CRM request ${msg.kind}` };
    }
  } catch (e) {
    return { kind: 'error', message: String(e && e.message ? e.message : e) };
  }
}

chrome.tabs.onRemoved.addListener((tabId) => { ready.then(() => worker_forget_tab(tabId)); });

chrome.sidePanel.setPanelBehavior({ openPanelOnActionClick: true }).catch(() => {});
