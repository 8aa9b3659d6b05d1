// Retrieval accuracy on real data nobody here wrote: BANKING77 (PolyAI, CC BY 4.0) from
// ../shared/data/banking77. The train file is split 80/20 per intent by a seeded shuffle;
// the 80% become a knowledge base of one article per intent (its example questions), the
// 20% are ranked against it. Tactful runs from files alone (`tactful suggest --kb kb.csv`),
// MiniSearch (npm, BM25+) runs over the same articles side by side. Prints figures only.
//   node tests/bench/banking77.mjs   (after `cargo build --release --bin tactful`)
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import MiniSearch from 'minisearch';
import { ROOT } from '../e2e/harness.mjs';

const DATA = process.env.BANKING77 || join(ROOT, '../shared/data/banking77/train.csv');
const OUT = join(ROOT, 'bench-out');
mkdirSync(OUT, { recursive: true });

/** RFC 4180 rows. */
function csv(text) {
  const rows = [];
  let row = [], field = '', q = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (q) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; } else if (c === '"') q = false; else field += c;
    } else if (c === '"') q = true;
    else if (c === ',') { row.push(field); field = ''; }
    else if (c === '\n') { row.push(field); rows.push(row); row = []; field = ''; }
    else if (c !== '\r') field += c;
  }
  if (field || row.length) { row.push(field); rows.push(row); }
  return rows;
}

// Seeded shuffle (mulberry32), stratified by intent: the split is the same on every run.
function rng(seed) {
  return () => {
    seed |= 0; seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = rng(77);
const byIntent = new Map();
for (const [text, category] of csv(readFileSync(DATA, 'utf8')).slice(1)) {
  if (!text || !category) continue;
  if (!byIntent.has(category)) byIntent.set(category, []);
  byIntent.get(category).push(text);
}
const kbPart = new Map();
const evalPart = [];
for (const [intent, texts] of byIntent) {
  const t = [...texts];
  for (let i = t.length - 1; i > 0; i--) { const j = Math.floor(rand() * (i + 1)); [t[i], t[j]] = [t[j], t[i]]; }
  const cut = Math.round(t.length * 0.8);
  kbPart.set(intent, t.slice(0, cut));
  for (const q of t.slice(cut)) evalPart.push({ text: q, intent });
}

// BANKING77_DEV=1: tune on a split of the knowledge-base part only (64% / 16%), never
// looking at the reported evaluation part.
if (process.env.BANKING77_DEV) {
  evalPart.length = 0;
  for (const [intent, texts] of kbPart) {
    const cut = Math.round(texts.length * 0.8);
    for (const q of texts.slice(cut)) evalPart.push({ text: q, intent });
    kbPart.set(intent, texts.slice(0, cut));
  }
  console.log('development split (part of the knowledge-base rows), not the reported figures');
}

// The knowledge base as a team would write it: one article per intent, CSV with an
// example-questions column.
const q = (s) => `"${s.replace(/"/g, '""')}"`;
const title = (intent) => intent.replace(/_/g, ' ');
const rows = ['id,kind,title,body,tags,examples'];
for (const [intent, examples] of kbPart) rows.push([intent, 'article', q(title(intent)), q(`Help with ${title(intent)}.`), q(intent), q(examples.join('\n'))].join(','));
const kbFile = join(OUT, 'banking77_kb.csv');
writeFileSync(kbFile, rows.join('\n') + '\n');
const evalFile = join(OUT, 'banking77_eval.jsonl');
writeFileSync(evalFile, evalPart.map((e) => JSON.stringify({ text: e.text })).join('\n') + '\n');

const score = (ranked) => {
  let top1 = 0, top3 = 0, mrr = 0;
  ranked.forEach((ids, i) => {
    const k = ids.indexOf(evalPart[i].intent);
    if (k === 0) top1++;
    if (k >= 0 && k < 3) top3++;
    if (k >= 0) mrr += 1 / (k + 1);
  });
  const n = ranked.length;
  return { top1: top1 / n, top3: top3 / n, mrr: mrr / n };
};

const bin = join(ROOT, 'target/release/tactful');
let t0 = performance.now();
const out = execFileSync(bin, ['suggest', '--kb', kbFile, '--top', '10'], { input: readFileSync(evalFile), maxBuffer: 1 << 28 }).toString();
const tactfulMs = performance.now() - t0;
const tactful = out.trim().split('\n').map((l) => JSON.parse(l).suggestions.map((s) => s.id));

t0 = performance.now();
const mini = new MiniSearch({ fields: ['title', 'examples', 'body'], storeFields: ['id'], searchOptions: { boost: { title: 2 }, fuzzy: 0.2, prefix: true } });
mini.addAll([...kbPart].map(([intent, examples]) => ({ id: intent, title: title(intent), body: `Help with ${title(intent)}.`, examples: examples.join('\n') })));
const peer = evalPart.map((e) => mini.search(e.text).slice(0, 10).map((r) => r.id));
const peerMs = performance.now() - t0;

const a = score(tactful), b = score(peer);
console.log(`BANKING77: ${kbPart.size} intents, knowledge base from ${[...kbPart.values()].reduce((n, x) => n + x.length, 0)} questions, ${evalPart.length} held-out questions ranked`);
console.log('ranker                      top-1   top-3     MRR   time');
console.log(`Tactful (tactful suggest)   ${a.top1.toFixed(3)}   ${a.top3.toFixed(3)}   ${a.mrr.toFixed(3)}   ${tactfulMs.toFixed(0)} ms (process, incl. start and indexing)`);
console.log(`MiniSearch 7 (BM25+, fuzzy) ${b.top1.toFixed(3)}   ${b.top3.toFixed(3)}   ${b.mrr.toFixed(3)}   ${peerMs.toFixed(0)} ms (in-process)`);
