// The wasm glue, run under Node: the same tactful_bg.wasm the service worker loads,
// exercised through its exported entry points with JS values as Chrome passes them.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const pkg = new URL('../../dist/pkg/', import.meta.url);
let wasm;

before(async () => {
  wasm = await import(new URL('tactful.js', pkg));
  await wasm.default({ module_or_path: readFileSync(fileURLToPath(new URL('tactful_bg.wasm', pkg))) });
  wasm.worker_start(undefined, 12.5, [], undefined, null, null, {});
});

const tab = { from: 'content_script', tab_id: 3, url: 'https://x.com/maria_l/status/1' };

test('ping reports version and start time', async () => {
  const r = await wasm.worker_handle({ kind: 'ping' }, { from: 'extension_page' }, Date.now());
  assert.deepEqual(r, { kind: 'pong', version: '0.1.0', started_ms: 12.5 });
});

test('profile for a content script page comes back as a plain object', async () => {
  const r = await wasm.worker_handle({ kind: 'profile_for' }, tab, Date.now());
  assert.equal(r.kind, 'profile');
  assert.equal(r.profile.name, 'X');
  assert.equal(r.profile.layouts[0].reply.editor.kind, 'draft');
  assert.equal(typeof r.profile.layouts[0].post.container, 'string');
});

test('read_page returns cards with UTF-16-safe strings', async () => {
  const now = Date.parse('2026-11-23T12:00:00Z');
  const r = await wasm.worker_handle({
    kind: 'read_page', background: 'rgb(255, 255, 255)',
    posts: [{ key: 't1', author_name: 'Zoë 👩‍💻\u202E', handle: '/zoe', text: 'hi 😡', time: '2026-11-23T11:13:00Z', permalink: '/zoe/status/9' }],
  }, tab, now);
  assert.equal(r.kind, 'overlay');
  assert.equal(r.view.theme, 'light');
  const { triage, ...card } = r.view.cards[0];
  assert.deepEqual(card, { key: 't1', author: 'Zoë 👩‍💻', handle: '@zoe', age: '47 min', is_brand: false, label: 'Post by Zoë 👩‍💻 (@zoe), 47 min ago' });
  // A customer's post is triaged as it is read: a priority and its reason, age included.
  assert.ok(Number.isInteger(triage.priority) && triage.priority >= 0 && triage.priority <= 100, JSON.stringify(triage));
  assert.match(triage.why, /47 min of 60/);
});

test('malformed messages get a clear error, not a crash', async () => {
  const r = await wasm.worker_handle({ kind: 'read_page', posts: 'nope' }, tab, 0);
  assert.equal(r.kind, 'error');
  assert.match(r.message, /doesn't understand: invalid type/);
  const u = await wasm.worker_handle({ kind: 'no_such_thing' }, tab, 0);
  assert.equal(u.message, 'Tactful received a message it doesn\'t understand: no request is called “no_such_thing”.');
  const s = await wasm.worker_handle({ kind: 'ping' }, { from: 'somewhere' }, 0);
  assert.match(s.message, /couldn't tell who sent/);
});

test('a request of the wrong tier is refused before it is read', async () => {
  const r = await wasm.worker_handle({ kind: 'crm_export' }, tab, 0);
  assert.deepEqual(r, { kind: 'error', message: "This request is only answered for Tactful's own pages." });
  const p = await wasm.worker_handle({ kind: 'refresh_cards', keys: [] }, { from: 'extension_page' }, 0);
  assert.deepEqual(p, { kind: 'error', message: "This request is only answered for a web page's content script." });
});

test('I/O the browser glue lacks is named in the answer, not thrown', async () => {
  const r = await wasm.worker_handle({ kind: 'crm_configure', config: null }, { from: 'extension_page' }, 0);
  assert.deepEqual(r, { kind: 'error', message: 'the browser glue has no keepCrm' });
});

test('stored settings that fail validation fall back to defaults, which name no brand', async () => {
  wasm.worker_start({ brand_handles: { x: '<script>' } }, 1, [], undefined, null, null, {});
  const r = await wasm.worker_handle({ kind: 'get_settings' }, { from: 'extension_page' }, 0);
  const { triage, tone, agent_id, ...rest } = r.settings;
  assert.deepEqual(rest, { brand_handles: {}, agent_name: '', brand_name: '', private_fallback: '' });
  // First run: the agent gets a stable id from the browser's CSPRNG.
  assert.match(agent_id, /^agent-[0-9a-f]{32}$/);
  assert.deepEqual(tone.order_patterns, []);
});
