// Retrieval accuracy on real data nobody here wrote: BANKING77 (PolyAI, CC BY 4.0) from
// ../shared/data/banking77. The train file is split 80/20 per intent by a seeded shuffle;
// the 80% become a knowledge base of one article per intent (its example questions), the
// 20% are ranked against it. Tactful runs from files alone (`tactful suggest --kb kb.csv`),
// MiniSearch (npm, BM25+) runs over the same articles side by side. Prints figures only.
//   node tests/bench/banking77.mjs   (after `cargo build --release --bin tactful`;
//   TACTFUL_BIN=path/to/tactful to rank with another build)
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import MiniSearch from 'minisearch';
import { ROOT } from '../e2e/harness.mjs';
import { kbPart, evalPart, title, writeKbCsv } from './banking77_split.mjs';

const OUT = join(ROOT, 'bench-out');
mkdirSync(OUT, { recursive: true });

const kbFile = join(OUT, 'banking77_kb.csv');
writeKbCsv(kbFile);
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

// TACTFUL_BIN: another build of the CLI (e.g. one from a separate CARGO_TARGET_DIR).
const bin = process.env.TACTFUL_BIN || join(ROOT, 'target/release/tactful');
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
