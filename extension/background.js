// Tactful's service worker: loads the Rust core (wasm), hands it the browser's I/O (fetch,
// tabs, the side panel, chrome.storage; the wasm reaches IndexedDB itself through
// crm-store.js), and carries every message to it and its answer back, as is.
// The core runs here, not in content scripts, because x.com and facebook.com send a CSP
// without 'wasm-unsafe-eval' and Chrome then refuses to compile wasm in a content script.
import init, { worker_start, worker_handle, worker_forget_tab, worker_index_step, worker_notices, local_crm_get_setting } from './pkg/tactful.js';
import * as remote from './crm-remote.js';

const ORIGIN = `chrome-extension://${chrome.runtime.id}/`;
const t0 = performance.now();

/** The side panel opened for a tab's click (see the listener), until the core asks. */
const panelOpening = new Map();

/** What the core may ask the browser to do (src/web/worker.rs, `JsIo`; the local CRM's
 * IndexedDB the wasm reaches itself, through crm-store.js). Each returns a promise; a
 * rejection's message reaches the agent through the core's answer. */
const io = {
  fetch: remote.fetcher,
  openTab: (/** @type {string} */ url, /** @type {number} */ opener) => chrome.tabs.create({ url, openerTabId: opener }),
  openPanel: (/** @type {number} */ tabId) => {
    const opening = panelOpening.get(tabId) ?? chrome.sidePanel.open({ tabId });
    panelOpening.delete(tabId);
    return opening;
  },
  saveSettings: (/** @type {any} */ settings) => chrome.storage.local.set({ settings }),
  mayReach: (/** @type {string} */ origin) => chrome.permissions.contains({ origins: [origin] }),
  keepCrm: remote.keep,
  enqueue: remote.enqueue,
  sendNow: remote.sendNow,
  resolve: remote.resolve,
};

// Listeners are registered synchronously below (MV3 requires it); they wait for this.
const ready = (async () => {
  await init({ module_or_path: chrome.runtime.getURL('pkg/tactful_bg.wasm') });
  const { settings } = await chrome.storage.local.get('settings');
  // The team's imported knowledge base lives in the extension's IndexedDB (it can be large).
  const [kb, feedback, connected, profiles] = await Promise.all(['kb', 'feedback', 'crm', 'profiles'].map((k) => local_crm_get_setting(k).catch(() => undefined)));
  worker_start(settings, performance.now() - t0, kb ?? [], feedback, connected ?? null, profiles ?? null, io);
  indexInSlices();
  // Writes waiting for the connected CRM resume; if their store can't be read, the rest of
  // Tactful still answers (the panel's CRM status will say what is wrong).
  await remote.resume().catch((e) => console.error('Tactful: the CRM outbox could not resume', e));
})();

let indexing = false;

/** A large knowledge base is indexed in slices of about 40 ms, with messages answered in
 * between (by the previous knowledge base until the new one is ready). Returns at once
 * when there is nothing to index. */
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
function senderOf(/** @type {chrome.runtime.MessageSender} */ sender) {
  if (sender.id !== chrome.runtime.id) return null;
  if (sender.url && sender.url.startsWith(ORIGIN)) return { from: 'extension_page' };
  if (sender.tab && sender.tab.id !== undefined && sender.frameId === 0 && sender.url) {
    return { from: 'content_script', tab_id: sender.tab.id, url: sender.url };
  }
  return null;
}

chrome.runtime.onMessage.addListener((msg, sender, sendResponse) => {
  const from = senderOf(sender);
  if (!from) return false;
  if (from.from === 'content_script' && msg && msg.kind === 'open_panel') {
    // sidePanel.open must be called while the click's user gesture is live, before any
    // await (the wasm may still be loading); the core then answers with how it went.
    const opening = chrome.sidePanel.open({ tabId: from.tab_id });
    opening.catch(() => {});
    panelOpening.set(from.tab_id, opening);
  }
  ready
    .then(() => worker_handle(msg, from, Date.now()))
    .then((answer) => {
      sendResponse(answer);
      indexInSlices(); // an import may have staged a knowledge base to index
      // The core's notices to open panels (a tab's list changed); none may be listening.
      for (const notice of worker_notices()) chrome.runtime.sendMessage(notice).catch(() => {});
    })
    // The one answer the core can't give: it failed to load.
    .catch((e) => sendResponse({ kind: 'error', message: `Tactful failed to start: ${e && e.message ? e.message : e}` }));
  return true; // answer asynchronously
});

chrome.tabs.onRemoved.addListener((tabId) => { ready.then(() => worker_forget_tab(tabId)); });

chrome.sidePanel.setPanelBehavior({ openPanelOnActionClick: true }).catch(() => {});
