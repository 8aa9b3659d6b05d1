// Builds the frozen blind evaluation sets from the hand-written sources in src/:
// posts.{dev,test}.jsonl and drafts.{dev,test}.jsonl. Deterministic: the same sources give
// byte-identical files. Checks the labels it can check (markup, label ids, X lengths) and
// stops on the first problem.   node tests/data/blind/build.mjs [--check]
// (--check rebuilds in memory and fails if the committed files differ.)
import { readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import twitter from 'twitter-text';

const DIR = dirname(fileURLToPath(import.meta.url));
const SRC = join(DIR, 'src');
const CHECK = process.argv.includes('--check');

const REASONS = { hazard: 'hazard', vulnerable: 'vulnerable', fraud: 'fraud', churn: 'churn', repeated: 'repeat_contact', outage: 'outage', press: 'press_police_regulator', none: 'none' };
const SENTIMENT = { neg: 'negative', neu: 'neutral', pos: 'positive' };
// Tactful's intent ids: the starter knowledge base's intents (src/core/kb/starter_kb.json)
// and the triage fallbacks (src/core/triage/intent.rs).
const INTENTS = new Set(['refund', 'order_status', 'delivery', 'billing', 'account_access', 'product_defect', 'outage', 'cancellation', 'complaint', 'praise', 'spam', 'question', 'other']);
const LANGS = new Set(['en', 'es', 'fr']);
const PII_KINDS = new Set(['email', 'phone', 'address', 'postcode', 'dob', 'card', 'iban']);
const NEG_KINDS = new Set(['brand_contact', 'money', 'street', 'order_number', 'date', 'card_last4', 'email', 'address']);
const TONE = new Set(['empathy', 'politeness', 'blame', 'promise', 'pii', 'length', 'name', 'dismissive']);
// Tactful's site ids and limits (`tactful sites`); X counts as twitter-text does.
const SITES = ['x', 'facebook', 'instagram', 'linkedin', 'reddit', 'youtube'];
const LIMIT = { x: 280, facebook: 8000, instagram: 2200, linkedin: 1250, reddit: 10000, youtube: 10000 };

const fail = (where, msg) => {
  throw new Error(`${where}: ${msg}`);
};

/** Strips {{kind:text}} / {{~kind:text}} markup; spans are UTF-16 offsets (JS string indices) into the plain text. */
function unmark(marked, where) {
  let text = '';
  const pii = [], negatives = [];
  const re = /\{\{(~?)([a-z_0-9]+):([^{}]+)\}\}/g;
  let last = 0, m;
  while ((m = re.exec(marked))) {
    text += marked.slice(last, m.index);
    const span = { kind: m[2], text: m[3], start: text.length, end: text.length + m[3].length };
    if (m[1]) {
      if (!NEG_KINDS.has(span.kind)) fail(where, `unknown hard-negative kind ${span.kind}`);
      negatives.push(span);
    } else {
      if (!PII_KINDS.has(span.kind)) fail(where, `unknown personal-data kind ${span.kind}`);
      pii.push(span);
    }
    text += m[3];
    last = m.index + m[0].length;
  }
  text += marked.slice(last);
  if (/\{\{|\}\}/.test(text)) fail(where, 'unbalanced markup');
  return { text, pii, negatives };
}

const sources = (prefix) => readdirSync(SRC).filter((f) => f.startsWith(prefix) && f.endsWith('.txt')).sort();
const lines = (file) => readFileSync(join(SRC, file), 'utf8').split('\n').map((l, i) => [l, `${file}:${i + 1}`]).filter(([l]) => l.trim() && !l.startsWith('#'));

// --- Posts ---------------------------------------------------------------------------
const posts = [];
for (const file of sources('posts_')) {
  for (const [line, where] of lines(file)) {
    const bar = line.indexOf(' | ');
    if (bar < 0) fail(where, 'no " | "');
    const [reason, sent, intent, lang, ...tags] = line.slice(0, bar).trim().split(/\s+/);
    if (!(reason in REASONS)) fail(where, `unknown reason ${reason}`);
    if (!(sent in SENTIMENT)) fail(where, `unknown sentiment ${sent}`);
    if (!INTENTS.has(intent)) fail(where, `unknown intent ${intent}`);
    if (!LANGS.has(lang)) fail(where, `unknown language ${lang}`);
    if (tags.some((t) => !t.startsWith('#'))) fail(where, `bad tags ${tags}`);
    const { text, pii, negatives } = unmark(line.slice(bar + 3), where);
    posts.push({
      id: `p${String(posts.length + 1).padStart(3, '0')}`,
      text,
      lang,
      urgent: reason !== 'none',
      urgent_reason: REASONS[reason],
      sentiment: SENTIMENT[sent],
      intent,
      pii,
      pii_hard_negatives: negatives,
      tags: tags.map((t) => t.slice(1)),
    });
  }
}
// Split: in id order, alternate dev/test within each stratum (urgency reason x English or
// not x with or without personal data), so every class, the Spanish/French share and the
// posts with personal data are halved evenly.
{
  const seen = new Map();
  for (const p of posts) {
    const stratum = `${p.urgent_reason}/${p.lang === 'en' ? 'en' : 'es-fr'}/${p.pii.length ? 'pii' : 'no-pii'}`;
    const n = seen.get(stratum) || 0;
    seen.set(stratum, n + 1);
    p.split = n % 2 === 0 ? 'dev' : 'test';
  }
}

// --- Drafts --------------------------------------------------------------------------
const drafts = [];
let group = null, groups = 0, roundRobin = 0;
const pending = [];
function closeGroup() {
  if (!group) return;
  if (!group.items.length) fail(group.where, 'a post with no drafts');
  let site = group.site;
  if (site === '*') {
    // Sites in turn, skipping X for a group with a draft too long for it (only the drafts
    // written for X are meant to test its limit).
    const tooLongForX = group.items.some((d) => twitter.parseTweet(d.text).weightedLength > 270);
    do site = SITES[roundRobin++ % SITES.length]; while (site === 'x' && tooLongForX);
  }
  for (const d of group.items) {
    const over = site === 'x' ? twitter.parseTweet(d.text).weightedLength > LIMIT.x : [...d.text].length > LIMIT[site];
    if (over !== d.labels.includes('length')) fail(d.where, `length label ${d.labels.includes('length')} but over ${site}'s limit: ${over}`);
    const { where, ...rest } = d;
    drafts.push({
      id: `d${String(drafts.length + 1).padStart(3, '0')}`,
      group: `g${String(groups).padStart(3, '0')}`,
      site,
      customer_name: group.name,
      post: group.post,
      post_pii: group.postPii,
      ...rest,
    });
  }
  group = null;
}
for (const file of sources('drafts_')) {
  for (const [line, where] of lines(file)) {
    const bar = line.indexOf(' | ');
    if (bar < 0) fail(where, 'no " | "');
    const head = line.slice(0, bar).trim();
    if (head.startsWith('@')) {
      closeGroup();
      groups++;
      const [, site, ...name] = head.split(/\s+/);
      if (site !== '*' && !SITES.includes(site)) fail(where, `unknown site ${site}`);
      const { text, pii } = unmark(line.slice(bar + 3), where);
      group = { where, site, name: name.join(' ') === '-' ? null : name.join(' '), post: text, postPii: pii, items: [] };
      continue;
    }
    if (!group) fail(where, 'a draft before any post');
    const [labelPart, ...tags] = head.split(/\s+/);
    const labels = labelPart === 'clean' ? [] : labelPart.split(',');
    for (const l of labels) if (!TONE.has(l)) fail(where, `unknown tone label ${l}`);
    if (new Set(labels).size !== labels.length) fail(where, 'repeated label');
    const { text, pii, negatives } = unmark(line.slice(bar + 3), where);
    // A draft showing personal data is labelled pii; one asking for it in public is too (no span).
    if (pii.length && !labels.includes('pii')) fail(where, 'personal data marked but no pii label');
    group.items.push({ where, text, labels: [...labels].sort(), clean: labels.length === 0, style: tags.map((t) => t.replace(/^#/, '')).join(' ') || null, pii, pii_hard_negatives: negatives });
  }
}
closeGroup();
// Split by post: every draft answering one post goes to the same half, so no post is seen
// in both. Posts in order, each to the half that has fewer of its drafts' labels so far
// (clean counting as a label); a tie goes to the half with fewer drafts, then to dev.
{
  const have = { dev: {}, test: {} }, size = { dev: 0, test: 0 };
  const byGroup = new Map();
  for (const d of drafts) byGroup.set(d.group, [...(byGroup.get(d.group) || []), d]);
  for (const items of byGroup.values()) {
    const keys = items.flatMap((d) => (d.clean ? ['clean'] : d.labels));
    const score = (s) => keys.reduce((n, k) => n + (have[s][k] || 0), 0);
    const split = score('dev') < score('test') ? 'dev' : score('test') < score('dev') ? 'test' : size.dev <= size.test ? 'dev' : 'test';
    for (const d of items) d.split = split;
    for (const k of keys) have[split][k] = (have[split][k] || 0) + 1;
    size[split] += items.length;
  }
}

// --- Write or check ----------------------------------------------------------------------
const files = {};
for (const [name, items] of [['posts', posts], ['drafts', drafts]]) {
  for (const split of ['dev', 'test']) {
    files[`${name}.${split}.jsonl`] = items.filter((x) => x.split === split).map(({ split: _, ...x }) => JSON.stringify(x)).join('\n') + '\n';
  }
}
let differs = 0;
for (const [name, body] of Object.entries(files)) {
  const path = join(DIR, name);
  if (CHECK) {
    let old = '';
    try { old = readFileSync(path, 'utf8'); } catch { /* missing */ }
    if (old !== body) { console.error(`${name} differs from its sources`); differs++; }
  } else writeFileSync(path, body);
}
const count = (xs, f) => Object.entries(xs.reduce((m, x) => { for (const k of [].concat(f(x))) m[k] = (m[k] || 0) + 1; return m; }, {})).sort().map(([k, v]) => `${k} ${v}`).join(', ');
for (const split of ['dev', 'test']) {
  const p = posts.filter((x) => x.split === split), d = drafts.filter((x) => x.split === split);
  console.log(`${split}: ${p.length} posts (urgent ${p.filter((x) => x.urgent).length}; ${count(p, (x) => x.urgent_reason)}; ${count(p, (x) => x.sentiment)}; ${count(p, (x) => x.lang)}; personal data ${p.reduce((n, x) => n + x.pii.length, 0)} spans in ${p.filter((x) => x.pii.length).length} posts, ${p.reduce((n, x) => n + x.pii_hard_negatives.length, 0)} hard negatives)`);
  console.log(`${split}: ${d.length} drafts (clean ${d.filter((x) => x.clean).length}; ${count(d, (x) => x.labels)}; ${count(d, (x) => x.site)})`);
}
if (differs) process.exit(1);
