// The BANKING77 split shared by the benchmarks (banking77.mjs ranks replies with it,
// triage_quality.mjs classifies intents with it): train.csv split 80/20 per intent by a
// seeded shuffle, the same on every run. The 80% are the knowledge base (one article per
// intent, its example questions), the 20% are the evaluation questions.
// BANKING77_DEV=1: tune on a split of the knowledge-base part only (64% / 16%), never
// looking at the reported evaluation part. BANKING77=path: another copy of train.csv.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../e2e/harness.mjs';

const DATA = process.env.BANKING77 || join(ROOT, '../shared/data/banking77/train.csv');

/** RFC 4180 rows. */
export function csv(text) {
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
/** Intent -> its knowledge-base example questions. */
export const kbPart = new Map();
/** [{ text, intent }] to classify or rank. */
export const evalPart = [];
for (const [intent, texts] of byIntent) {
  const t = [...texts];
  for (let i = t.length - 1; i > 0; i--) { const j = Math.floor(rand() * (i + 1)); [t[i], t[j]] = [t[j], t[i]]; }
  const cut = Math.round(t.length * 0.8);
  kbPart.set(intent, t.slice(0, cut));
  for (const q of t.slice(cut)) evalPart.push({ text: q, intent });
}

if (process.env.BANKING77_DEV) {
  evalPart.length = 0;
  for (const [intent, texts] of kbPart) {
    const cut = Math.round(texts.length * 0.8);
    for (const q of texts.slice(cut)) evalPart.push({ text: q, intent });
    kbPart.set(intent, texts.slice(0, cut));
  }
  console.log('development split (part of the knowledge-base rows), not the reported figures');
}

/** "card_arrival" -> "card arrival". */
export const title = (intent) => intent.replace(/_/g, ' ');

/** Writes the knowledge base as a team would write it: one article per intent (id =
 *  intent), CSV with an example-questions column. */
export function writeKbCsv(file) {
  const q = (s) => `"${s.replace(/"/g, '""')}"`;
  const rows = ['id,kind,title,body,tags,examples'];
  for (const [intent, examples] of kbPart) rows.push([intent, 'article', q(title(intent)), q(`Help with ${title(intent)}.`), q(intent), q(examples.join('\n'))].join(','));
  writeFileSync(file, rows.join('\n') + '\n');
}
