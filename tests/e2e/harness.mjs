// Shared harness for end-to-end tests, the demo and the benchmark: Debian's Chromium with
// the built extension loaded unpacked, and the six sites' real host names mapped to the
// local HTTPS fixture server, so the manifest's real match patterns are exercised.
import { chromium } from 'playwright-core';
import { before, after } from 'node:test';
import { startFixtureServer } from '../fixtures/server.mjs';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const ROOT = resolve(here, '../..');
export const DIST = join(ROOT, 'dist');
export const SITES = ['x', 'facebook', 'instagram', 'linkedin', 'reddit', 'youtube'];
// m.me and ig.me (Messenger's and Instagram's message links) too, so a hand-off's new tab
// lands on the fixture server instead of a DNS error.
const HOSTS = [...SITES.flatMap((s) => [`${s}.com`, `www.${s}.com`]), 'm.me', 'ig.me'];

/**
 * The demo brand's team settings (Acme: the accounts the fixture sites show as the brand,
 * its order numbers, its contact form). Tactful's own defaults name no brand, so the demo
 * and the tests set these, as a team would on the options page.
 */
export const DEMO_SETTINGS = JSON.parse(readFileSync(join(ROOT, 'tests/fixtures/demo_settings.json'), 'utf8'));

/** Known values of each fixture site (what the page renders). */
/** Each fixture's markups: today's (the default page) and the one before (`?layout=previous`). */
export const LAYOUTS = ['current', 'previous'];

/**
 * What fixture `site` shows in `layout`: expected.json with that layout's overrides
 * (`<field>_by_layout`, `time_by_layout`) applied. `time` is "exact" (a timestamp),
 * "approximate" (a relative phrase) or "none".
 */
export function expected(site, layout = 'current') {
  const e = JSON.parse(readFileSync(join(ROOT, 'tests/fixtures/sites', site, 'expected.json'), 'utf8'));
  const pick = (/** @type {any} */ o, /** @type {string} */ k) => ((o[`${k}_by_layout`] || {})[layout] ?? o[k]);
  e.editor_kind = pick(e, 'editor_kind');
  e.posts = e.posts.map((/** @type {any} */ p) => ({ ...p, permalink: pick(p, 'permalink'), time: pick(p, 'time') ?? 'exact' }));
  return e;
}

/** The query that serves `layout` ("" for today's). */
export const layoutQuery = (/** @type {string} */ layout) => (layout === 'current' ? '' : `layout=${layout}`);

/** The fixture's URL; `query` ("layout=changed") is added to the path's own query. */
export function siteUrl(site, query = '') {
  const e = expected(site);
  const sep = e.path.includes('?') ? '&' : '?';
  return `https://${e.host}${e.path}${query ? sep + query : ''}`;
}

/**
 * Launches Chromium with dist/ loaded. Returns { context, worker, extensionId, close }.
 * `dist` loads another build (a test copy with a patched manifest); `profile` reuses a
 * browser profile (a restart), which `close({ keepProfile: true })` leaves in place and
 * whose saved settings are kept. A new profile gets `settings` saved before anything else
 * opens (the demo brand's unless given; `null` leaves Tactful as freshly installed).
 * @param {{ port: number, headless?: boolean, dist?: string, profile?: string, settings?: object | null }} opts
 */
export async function launch({ port, headless = true, dist = DIST, profile, settings = DEMO_SETTINGS }) {
  const userDataDir = profile || mkdtempSync(join(tmpdir(), 'tactful-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless,
    ignoreHTTPSErrors: true,
    viewport: { width: 1280, height: 900 },
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      `--disable-extensions-except=${dist}`, `--load-extension=${dist}`,
      `--host-resolver-rules=${HOSTS.map((h) => `MAP ${h} 127.0.0.1:${port}`).join(', ')}`,
      '--ignore-certificate-errors',
    ],
  });
  let worker = context.serviceWorkers().find((w) => w.url().startsWith('chrome-extension://'));
  if (!worker) worker = await context.waitForEvent('serviceworker', { timeout: 15000 });
  const extensionId = new URL(worker.url()).host;
  const close = async ({ keepProfile = false } = {}) => {
    await context.close();
    if (!keepProfile) rmSync(userDataDir, { recursive: true, force: true });
  };
  if (settings && !profile) await saveSettings(context, extensionId, settings);
  return { context, worker, extensionId, close, profile: userDataDir, port, headless, dist };
}

/**
 * Saves team settings the way the options page does (a `save_settings` request from an
 * extension page), and returns what the worker kept.
 */
export async function saveSettings(context, extensionId, settings) {
  const page = await extensionPage(context, extensionId);
  try {
    const r = await ask(page, { kind: 'save_settings', settings });
    if (r?.kind !== 'settings') throw new Error(`the settings were not saved: ${JSON.stringify(r)}`);
    return r.settings;
  } finally {
    await page.close();
  }
}

/**
 * Reads Tactful's overlays from a page through the DevTools protocol, which sees into
 * closed shadow roots (the page's own scripts can't).
 * @returns {Promise<Array<{ notice: boolean, label: string | null, text: string, nodeId: number, innerNodeIds: number[] }>>}
 */
export async function overlays(page) {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { root } = await cdp.send('DOM.getDocument', { depth: -1, pierce: true });
    const found = [];
    const walk = (node) => {
      if (node.nodeName === 'TACTFUL-OVERLAY') {
        const attrs = node.attributes || [];
        const shadow = (node.shadowRoots || [])[0];
        const texts = [];
        const ids = [];
        let label = null;
        const inner = (n) => {
          ids.push(n.nodeId);
          if (n.nodeType === 3) texts.push(n.nodeValue);
          const a = n.attributes || [];
          for (let i = 0; i < a.length; i += 2) if (a[i] === 'aria-label' && label === null) label = a[i + 1];
          (n.children || []).forEach(inner);
        };
        if (shadow) (shadow.children || []).forEach(inner);
        found.push({ notice: attrs.includes('data-notice'), tone: attrs.includes('data-tone'), label, text: texts.join(' '), nodeId: node.nodeId, shadowType: shadow && shadow.shadowRootType, innerNodeIds: ids });
      }
      (node.children || []).forEach(walk);
      (node.shadowRoots || []).forEach(walk);
    };
    walk(root);
    return found;
  } finally {
    await cdp.detach();
  }
}

/**
 * The computed value of `prop` on the first element of class `cls` inside Tactful's
 * closed shadow roots (DevTools protocol; node ids are only valid in one session).
 */
export async function overlayStyle(page, cls, prop) {
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send('DOM.enable');
    await cdp.send('CSS.enable');
    const { root } = await cdp.send('DOM.getDocument', { depth: -1, pierce: true });
    let target = null;
    const walk = (n, inside) => {
      if (target) return;
      const a = n.attributes || [];
      const classes = a.findIndex((x, i) => i % 2 === 0 && x === 'class');
      if (inside && classes >= 0 && a[classes + 1].split(/\s+/).includes(cls)) { target = n; return; }
      (n.children || []).forEach((c) => walk(c, inside));
      (n.shadowRoots || []).forEach((c) => walk(c, inside || n.nodeName === 'TACTFUL-OVERLAY'));
    };
    walk(root, false);
    if (!target) throw new Error(`no .${cls} inside a Tactful overlay`);
    const { computedStyle } = await cdp.send('CSS.getComputedStyleForNode', { nodeId: target.nodeId });
    return computedStyle.find((s) => s.name === prop)?.value;
  } finally {
    await cdp.detach();
  }
}

/** Tactful's per-post cards among `overlays(page)` (not the notice or the draft checker). */
export const postCards = (o) => o.filter((x) => !x.notice && !x.tone);

/**
 * Clicks the `nth` button whose text is `label` inside Tactful's closed shadow roots, the
 * way a user would (DevTools finds it; the mouse clicks its centre). `card` keeps to the
 * overlays whose text matches it (one post's card).
 * @param {{ card?: RegExp }} [within]
 */
export async function clickOverlayButton(page, label, nth = 0, { card } = {}) {
  const cdp = await page.context().newCDPSession(page);
  let box;
  try {
    await cdp.send('DOM.enable');
    const { root } = await cdp.send('DOM.getDocument', { depth: -1, pierce: true });
    const found = [];
    const text = (n) => (n.nodeType === 3 ? n.nodeValue : (n.children || []).map(text).join(''));
    const shown = (n) => (n.shadowRoots || []).map(text).join('');
    const walk = (n, inside) => {
      if (inside && n.nodeName === 'BUTTON' && text(n).trim() === label) found.push(n.nodeId);
      (n.children || []).forEach((c) => walk(c, inside));
      const enters = !inside && n.nodeName === 'TACTFUL-OVERLAY' && (!card || card.test(shown(n)));
      (n.shadowRoots || []).forEach((c) => walk(c, inside || enters));
    };
    walk(root, false);
    if (found.length <= nth) throw new Error(`no button ${JSON.stringify(label)} #${nth} in Tactful's overlay${card ? ` matching ${card}` : ''} (found ${found.length})`);
    await cdp.send('DOM.scrollIntoViewIfNeeded', { nodeId: found[nth] });
    const { model } = await cdp.send('DOM.getBoxModel', { nodeId: found[nth] });
    box = model.border;
  } finally {
    await cdp.detach();
  }
  await page.mouse.click((box[0] + box[2]) / 2, (box[1] + box[5]) / 2);
}

/**
 * The open suggestion lists in Tactful's closed shadow roots, read through DevTools: each
 * suggestion's title, the filled reply it previews (null when it still needs values) and
 * its button ("Insert" or "Fill and insert"), in page order.
 * @returns {Promise<Array<{ title: string, preview: string | null, button: string }>>}
 */
export async function suggestionRows(page) {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { root } = await cdp.send('DOM.getDocument', { depth: -1, pierce: true });
    const text = (n) => (n.nodeType === 3 ? n.nodeValue : (n.children || []).map(text).join(''));
    const classes = (n) => { const a = n.attributes || []; const i = a.findIndex((x, k) => k % 2 === 0 && x === 'class'); return i >= 0 ? a[i + 1].split(/\s+/) : []; };
    const find = (n, cls) => classes(n).includes(cls) ? n : (n.children || []).map((c) => find(c, cls)).find(Boolean) || null;
    const rows = [];
    const walk = (n, inside) => {
      if (inside && n.nodeName === 'DIV' && classes(n).includes('suggestion')) {
        const preview = find(n, 'preview');
        rows.push({ title: text(find(n, 'title') || { nodeType: 1 }), preview: preview ? text(preview) : null, button: text(find(n, 'insert') || { nodeType: 1 }).trim() });
        return;
      }
      (n.children || []).forEach((c) => walk(c, inside));
      (n.shadowRoots || []).forEach((c) => walk(c, inside || n.nodeName === 'TACTFUL-OVERLAY'));
    };
    walk(root, false);
    return rows;
  } finally {
    await cdp.detach();
  }
}

/** Boxes (viewport CSS px) of the draft checker's underlines, read through DevTools. */
export async function underlineBoxes(page) {
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send('DOM.enable');
    const { root } = await cdp.send('DOM.getDocument', { depth: -1, pierce: true });
    const nodes = [];
    const walk = (n, inTone) => {
      const a = n.attributes || [];
      const cls = a.findIndex((x, i) => i % 2 === 0 && x === 'class');
      if (inTone && cls >= 0 && a[cls + 1].split(/\s+/).includes('u')) nodes.push(n.nodeId);
      (n.children || []).forEach((c) => walk(c, inTone));
      (n.shadowRoots || []).forEach((c) => walk(c, inTone || (n.nodeName === 'TACTFUL-OVERLAY' && a.includes('data-tone'))));
    };
    walk(root, false);
    const boxes = [];
    for (const nodeId of nodes) {
      const { model } = await cdp.send('DOM.getBoxModel', { nodeId });
      const q = model.border;
      boxes.push({ left: q[0], top: q[1], right: q[2], bottom: q[5] });
    }
    return boxes.sort((a, b) => a.left - b.left);
  } finally {
    await cdp.detach();
  }
}

/** Waits until `predicate(await overlays(page))` holds. */
export async function waitForOverlays(page, predicate, timeoutMs = 10000) {
  const end = Date.now() + timeoutMs;
  let last = [];
  while (Date.now() < end) {
    last = await overlays(page);
    if (predicate(last)) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`overlays never matched; last saw ${last.length}: ${JSON.stringify(last.map((o) => o.label)).slice(0, 500)}`);
}

/** Opens an extension page (options.html is light) to talk to the worker as the extension. */
export async function extensionPage(context, extensionId, path = 'options.html') {
  const page = await context.newPage();
  await page.goto(`chrome-extension://${extensionId}/${path}`);
  return page;
}

/** Sends a protocol request from an extension page. */
export function ask(extPage, request) {
  return extPage.evaluate((req) => chrome.runtime.sendMessage(req), request);
}

/**
 * The tab id Chrome gave `page`. The extension holds no "tabs" permission, so tab URLs are
 * hidden from it; the page is brought to the front and the active tab is asked for.
 */
export async function tabIdOf(worker, page) {
  await page.bringToFront();
  return worker.evaluate(async () => {
    const [tab] = await chrome.tabs.query({ active: true, lastFocusedWindow: true });
    return tab ? tab.id : null;
  });
}

/** What Tactful's card shows for a name: bidi controls removed, whitespace collapsed, 60 chars. */
export function cardName(name) {
  const clean = name.replace(/[\u200E\u200F\u202A-\u202E\u2066-\u2069\u061C]/g, '').replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g, '').replace(/\s+/g, ' ').trim();
  const chars = [...clean];
  return chars.length > 60 ? chars.slice(0, 59).join('') + '…' : clean;
}

/**
 * Evaluates `expression` in Tactful's content-script world of `page` (DevTools protocol);
 * `commandLineAPI` adds DevTools' console helpers (`getEventListeners`, which sees that
 * world's listeners only).
 */
export async function inContentScript(page, expression, { commandLineAPI = false } = {}) {
  const cdp = await page.context().newCDPSession(page);
  try {
    const contexts = [];
    cdp.on('Runtime.executionContextCreated', (e) => contexts.push(e.context));
    await cdp.send('Runtime.enable');
    const ctx = contexts.find((c) => c.auxData && c.auxData.type === 'isolated' && c.name === 'Tactful');
    if (!ctx) throw new Error(`no Tactful content-script world; saw ${contexts.map((c) => c.name).join(', ')}`);
    const r = await cdp.send('Runtime.evaluate', { expression, contextId: ctx.id, awaitPromise: true, returnByValue: true, includeCommandLineAPI: commandLineAPI });
    if (r.exceptionDetails) throw new Error(r.exceptionDetails.exception?.description || r.exceptionDetails.text);
    return r.result.value;
  } finally {
    await cdp.detach();
  }
}

/**
 * A test file's browser, the one set-up every e2e file uses: before its tests, the
 * fixture server and Chromium with dist/ (or `dist`: a path, or an async function that
 * prepares one and returns it, run first) and the demo brand's settings (`settings`), an
 * options page as `ext` when `extPage`, then `ready` (which may seed data); after them,
 * both closed. A file's other hooks: Node 20 starts a file's top-level `before` hooks
 * together (so what the browser needs goes in `dist` or `ready`, not a `before` of its
 * own), and runs its `after` hooks one after another in the order they are registered
 * (an `after` written below this call runs once the browser is closed). `restart()`
 * quits the browser and starts it again on the same profile, as an agent restarting Chrome
 * would.
 * @param {{ extPage?: boolean, dist?: string | (() => Promise<string>), settings?: object | null }} opts
 * @param {(s: { server: any, browser: any, ext: any }) => any} ready
 */
export function useBrowser({ extPage = false, dist = DIST, settings = DEMO_SETTINGS } = {}, ready = () => {}) {
  const s = {
    server: null, browser: null, ext: null,
    /** @param {{ whileClosed?: () => any }} [opts] what happens between quitting and starting again */
    async restart({ whileClosed } = {}) {
      await s.browser.close({ keepProfile: true });
      await whileClosed?.();
      s.browser = await launch({ port: s.server.port, dist: s.browser.dist, profile: s.browser.profile });
      if (extPage) s.ext = await extensionPage(s.browser.context, s.browser.extensionId);
      return s;
    },
  };
  before(async () => {
    s.server = await startFixtureServer({ port: 0 });
    s.browser = await launch({ port: s.server.port, dist: typeof dist === 'function' ? await dist() : dist, settings });
    if (extPage) s.ext = await extensionPage(s.browser.context, s.browser.extensionId);
    await ready(s);
  });
  after(async () => {
    await s.browser?.close();
    await s.server?.close();
  });
  return s;
}
