// The JS side of the one protocol, checked against the Rust enums it carries: a message
// kind that exists on one side only fails here, and so does a service worker that
// answers with anything but what the core returned.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join, relative } from 'node:path';

const root = fileURLToPath(new URL('../../', import.meta.url));
const pkg = new URL('../../dist/pkg/', import.meta.url);
let kinds;

before(async () => {
  const wasm = await import(new URL('tactful.js', pkg));
  await wasm.default({ module_or_path: readFileSync(fileURLToPath(new URL('tactful_bg.wasm', pkg))) });
  kinds = wasm.protocol_kinds();
});

/** The extension's own JS, but for the two files that speak to storage and to the CRM's
 * HTTP API (their `kind`s are IndexedDB and transport errors, not protocol messages). */
function protocolFiles(dir = join(root, 'extension')) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...protocolFiles(path));
    else if (name.endsWith('.js') && !['crm-store.js', 'crm-remote.js'].includes(name)) out.push(path);
  }
  return out;
}

/** Kinds a file sends (`kind: 'x'` in an object literal) and compares (`kind === 'x'`). */
function kindsIn(path) {
  const src = readFileSync(path, 'utf8');
  const sent = [...src.matchAll(/\bkind:\s*'([a-z_]+)'/g)].map((m) => m[1]);
  const compared = [...src.matchAll(/\bkind\s*[!=]==\s*'([a-z_]+)'/g)].map((m) => m[1]);
  return { sent, compared };
}

test('the Rust enums name every kind once, by tier', () => {
  assert.deepEqual(kinds.any, ['ping']);
  const all = [...kinds.any, ...kinds.page, ...kinds.panel];
  assert.equal(new Set(all).size, all.length, 'a kind in two tiers');
  assert.ok(kinds.responses.includes('error') && kinds.responses.includes('customer_cards'));
});

test('every kind the extension\'s JS sends or reads is one the core has', () => {
  const known = new Set([...kinds.any, ...kinds.page, ...kinds.panel, ...kinds.responses]);
  const unknown = [];
  for (const path of protocolFiles()) {
    const { sent, compared } = kindsIn(path);
    for (const k of [...sent, ...compared]) if (!known.has(k)) unknown.push(`${relative(root, path)}: ${k}`);
  }
  assert.deepEqual(unknown, [], 'kinds the Rust protocol does not have');
});

test('every request a page may make is sent by a content script', () => {
  // Extension pages are Yew (Rust): they use the enums themselves and can't drift.
  const sent = new Set(protocolFiles().flatMap((p) => kindsIn(p).sent));
  const unsent = kinds.page.filter((k) => !sent.has(k));
  assert.deepEqual(unsent, [], 'page requests no content script sends');
});

test('the service worker answers with what the core returned, and nothing else', () => {
  const src = readFileSync(join(root, 'extension/background.js'), 'utf8');
  const calls = [...src.matchAll(/sendResponse\(([^)]*)/g)].map((m) => m[1].trim());
  // The core's answer, carried as is; and the one answer the core can't give because
  // it failed to load.
  assert.deepEqual(calls, ['answer', "{ kind: 'error', message: `Tactful failed to start: ${e && e.message ? e.message : e}` }"]);
  assert.match(src, /\.then\(\(\) => worker_handle\(msg, from, Date\.now\(\)\)\)\s*\.then\(\(answer\) => \{\s*sendResponse\(answer\);/);
});
