// Tactful on the blind evaluation sets (tests/data/blind, frozen before any rule change),
// through the CLI, with the npm sentiment peers beside it. Prints figures only.
//   node tests/bench/blind.mjs   (after `cargo build --release --bin tactful`;
//   TACTFUL_BIN=path/to/tactful for another build; BLIND_DEV=1 prints the dev split only,
//   for tuning; BLIND_ERRORS=1 also lists the dev split's errors — the test split's items
//   are never printed)
//
// The test split is reported once per stop and never tuned on (tests/data/blind/README.md).
//
// Posts: `tactful triage` gives urgent, sentiment and intent per post and whether it holds
// personal data; `tactful check` on the post's text (no customer post, so only the
// public_pii rule can speak of personal data) gives the personal data's spans. A predicted
// span counts as found when it overlaps a gold span. Drafts: `tactful check --platform
// <site>` with the customer's post and name; a category is predicted for a draft when any
// finding has it.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Sentiment from 'sentiment';
import vader from 'vader-sentiment';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const DATA = join(ROOT, 'tests/data/blind');
const BIN = process.env.TACTFUL_BIN || join(ROOT, 'target/release/tactful');
const DEV_ONLY = !!process.env.BLIND_DEV;
const ERRORS = !!process.env.BLIND_ERRORS;
const OUT = join(ROOT, 'bench-out');
mkdirSync(OUT, { recursive: true });
// A fixed "now": the benchmark scores text, not age.
const NOW = '2026-03-01T12:00:00Z';

// The sets are frozen: refuse to report on edited files.
for (const line of readFileSync(join(DATA, 'FROZEN.sha256'), 'utf8').trim().split('\n')) {
  const [sum, name] = line.split(/\s+/);
  const got = createHash('sha256').update(readFileSync(join(DATA, name))).digest('hex');
  if (got !== sum) {
    console.error(`${name} differs from FROZEN.sha256: the blind sets are frozen (see tests/data/blind/README.md)`);
    process.exit(1);
  }
}
const load = (name) => readFileSync(join(DATA, name), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
const SPLITS = DEV_ONLY ? ['dev'] : ['dev', 'test'];
const posts = Object.fromEntries(SPLITS.map((s) => [s, load(`posts.${s}.jsonl`)]));
const drafts = Object.fromEntries(SPLITS.map((s) => [s, load(`drafts.${s}.jsonl`)]));

function cli(args, rows) {
  const file = join(OUT, 'blind_input.jsonl');
  writeFileSync(file, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  const out = execFileSync(BIN, args, { input: readFileSync(file), maxBuffer: 1 << 30 }).toString().trim();
  const lines = out ? out.split('\n').map((l) => JSON.parse(l)) : [];
  if (lines.length !== rows.length) throw new Error(`${args[0]}: ${lines.length} lines for ${rows.length} inputs`);
  return lines;
}

const pct = (x) => (Number.isFinite(x) ? x.toFixed(3) : '  -  ');
/** Precision, recall, F1 from counts. */
function prf(tp, fp, fn) {
  const p = tp + fp ? tp / (tp + fp) : NaN, r = tp + fn ? tp / (tp + fn) : NaN;
  return { p, r, f: p + r ? (2 * p * r) / (p + r) : NaN, tp, fp, fn };
}
function binary(gold, pred) {
  let tp = 0, fp = 0, fn = 0;
  gold.forEach((g, i) => {
    if (g && pred[i]) tp++;
    else if (pred[i]) fp++;
    else if (g) fn++;
  });
  return prf(tp, fp, fn);
}
/** Accuracy and macro-F1 over the gold classes (a predicted class outside them is wrong). */
function multiclass(gold, pred) {
  const classes = [...new Set(gold)];
  const f1 = classes.map((c) => binary(gold.map((g) => g === c), pred.map((p) => p === c)).f || 0);
  return { acc: gold.filter((g, i) => g === pred[i]).length / gold.length, f1: f1.reduce((a, b) => a + b, 0) / classes.length };
}
const prfRow = (name, m) => `  ${name.padEnd(52)} ${pct(m.p)}     ${pct(m.r)}   ${pct(m.f)}   (tp ${m.tp}, fp ${m.fp}, fn ${m.fn})`;
const accRow = (name, m) => `  ${name.padEnd(52)} ${pct(m.acc)}    ${pct(m.f1)}`;

// --- Run everything once ---------------------------------------------------------------
const afinn = new Sentiment();
const label = (s, at) => (s >= at && s > 0 ? 'positive' : s <= -at && s < 0 ? 'negative' : 'neutral');
const run = {};
for (const s of SPLITS) {
  const ps = posts[s];
  const triaged = cli(['triage', '--now', NOW], ps.map((p) => ({ text: p.text })));
  const spans = cli(['check', '--platform', 'reddit'], ps.map((p) => ({ text: p.text }))).map((r) => r.findings.filter((f) => f.rule === 'public_pii'));
  const ds = drafts[s];
  const checked = new Array(ds.length);
  for (const site of new Set(ds.map((d) => d.site))) {
    const idx = ds.map((d, i) => (d.site === site ? i : -1)).filter((i) => i >= 0);
    const out = cli(['check', '--platform', site], idx.map((i) => ({ text: ds[i].text, post: ds[i].post, ...(ds[i].customer_name ? { customer_name: ds[i].customer_name } : {}) })));
    idx.forEach((i, k) => (checked[i] = out[k].findings));
  }
  run[s] = {
    triaged,
    spans,
    checked,
    vader: ps.map((p) => vader.SentimentIntensityAnalyzer.polarity_scores(p.text).compound),
    afinn: ps.map((p) => afinn.analyze(p.text).comparative),
  };
}
// Peers' symmetric thresholds chosen on the dev split only (macro-F1), as in triage_quality.mjs.
function tune(key, grid) {
  const gold = posts.dev.map((p) => p.sentiment);
  let best = [grid[0], -1];
  for (const at of grid) {
    const f = multiclass(gold, run.dev[key].map((x) => label(x, at))).f1;
    if (f > best[1]) best = [at, f];
  }
  return best[0];
}
const vaderAt = tune('vader', Array.from({ length: 40 }, (_, i) => 0.01 + i * 0.025));
const afinnAt = tune('afinn', Array.from({ length: 40 }, (_, i) => i * 0.02));

const TONE = ['empathy', 'politeness', 'blame', 'promise', 'pii', 'length', 'name'];
const HARD = ['joke', 'resolved', 'quoted', 'emoji', 'spam'];

for (const s of SPLITS) {
  const ps = posts[s], ds = drafts[s], r = run[s];
  const title = s === 'dev' ? 'DEV split (for tuning)' : 'TEST split (held out: reported once per stop, never tuned on)';
  console.log(`\n=== ${title}: ${ps.length} posts, ${ds.length} drafts ===`);

  // Urgency.
  console.log(`\nUrgency (${ps.filter((p) => p.urgent).length} urgent of ${ps.length})   precision recall  F1`);
  const urgent = r.triaged.map((t) => t.urgent);
  console.log(prfRow('Tactful (tactful triage: urgent)', binary(ps.map((p) => p.urgent), urgent)));
  const reasons = [...new Set(ps.map((p) => p.urgent_reason))].filter((x) => x !== 'none').sort();
  console.log('  recall by reason: ' + reasons.map((c) => {
    const ix = ps.map((p, i) => (p.urgent_reason === c ? i : -1)).filter((i) => i >= 0);
    return `${c} ${ix.filter((i) => urgent[i]).length}/${ix.length}`;
  }).join(', '));
  console.log('  flagged urgent among hard negatives: ' + HARD.map((t) => {
    const ix = ps.map((p, i) => (p.tags.includes(t) ? i : -1)).filter((i) => i >= 0);
    return `${t} ${ix.filter((i) => urgent[i]).length}/${ix.length}`;
  }).join(', ') + `; other non-urgent ${ps.filter((p, i) => !p.urgent && !p.tags.length && urgent[i]).length}/${ps.filter((p) => !p.urgent && !p.tags.length).length}`);

  // Personal data.
  console.log(`\nPersonal data in posts (${ps.reduce((n, p) => n + p.pii.length, 0)} spans in ${ps.filter((p) => p.pii.length).length} posts)   precision recall  F1`);
  console.log(prfRow('Tactful, per post (tactful triage: pii)', binary(ps.map((p) => p.pii.length > 0), r.triaged.map((t) => t.pii))));
  {
    let tp = 0, fp = 0, fn = 0, onNeg = 0;
    const missed = {}, total = {};
    ps.forEach((p, i) => {
      const pred = r.spans[i].map((f) => [f.span.start_utf16, f.span.end_utf16]);
      const hit = (g) => pred.some(([a, b]) => a < g.end && g.start < b);
      for (const g of p.pii) {
        total[g.kind] = (total[g.kind] || 0) + 1;
        if (hit(g)) tp++;
        else { fn++; missed[g.kind] = (missed[g.kind] || 0) + 1; }
      }
      for (const [a, b] of pred) {
        if (!p.pii.some((g) => a < g.end && g.start < b)) {
          fp++;
          if (p.pii_hard_negatives.some((g) => a < g.end && g.start < b)) onNeg++;
        }
      }
    });
    console.log(prfRow('Tactful, per span (public_pii on the post)', prf(tp, fp, fn)));
    console.log('  found by kind: ' + Object.keys(total).sort().map((k) => `${k} ${total[k] - (missed[k] || 0)}/${total[k]}`).join(', '));
    const negs = ps.reduce((n, p) => n + p.pii_hard_negatives.length, 0);
    const negHit = ps.reduce((n, p, i) => n + p.pii_hard_negatives.filter((g) => r.spans[i].some((f) => f.span.start_utf16 < g.end && g.start < f.span.end_utf16)).length, 0);
    console.log(`  hard negatives flagged: ${negHit}/${negs} (false positives on them: ${onNeg} of ${fp})`);
  }

  // Sentiment.
  const gold = ps.map((p) => p.sentiment);
  const counts = ['negative', 'neutral', 'positive'].map((c) => `${gold.filter((g) => g === c).length} ${c}`).join(', ');
  console.log(`\nSentiment (${counts})${' '.repeat(Math.max(1, 27 - counts.length))}accuracy  macro-F1`);
  console.log(accRow('Tactful (tactful triage)', multiclass(gold, r.triaged.map((t) => t.sentiment.label))));
  console.log(accRow('VADER (npm vader-sentiment; compound +-0.05)', multiclass(gold, r.vader.map((x) => label(x, 0.05)))));
  console.log(accRow(`VADER, threshold tuned on dev (+-${vaderAt.toFixed(3)})`, multiclass(gold, r.vader.map((x) => label(x, vaderAt)))));
  console.log(accRow('AFINN-165 (npm sentiment; comparative > 0 / < 0)', multiclass(gold, r.afinn.map((x) => label(x, 1e-9)))));
  console.log(accRow(`AFINN-165, threshold tuned on dev (+-${afinnAt.toFixed(3)})`, multiclass(gold, r.afinn.map((x) => label(x, afinnAt)))));
  const en = ps.map((p, i) => (p.lang === 'en' ? i : -1)).filter((i) => i >= 0), esfr = ps.map((p, i) => (p.lang !== 'en' ? i : -1)).filter((i) => i >= 0);
  const sub = (ix, pred) => multiclass(ix.map((i) => gold[i]), ix.map((i) => pred[i]));
  console.log(`  by language, accuracy: Tactful en ${pct(sub(en, r.triaged.map((t) => t.sentiment.label)).acc)} / es+fr ${pct(sub(esfr, r.triaged.map((t) => t.sentiment.label)).acc)}; VADER en ${pct(sub(en, r.vader.map((x) => label(x, 0.05))).acc)} / es+fr ${pct(sub(esfr, r.vader.map((x) => label(x, 0.05))).acc)}; AFINN en ${pct(sub(en, r.afinn.map((x) => label(x, 1e-9))).acc)} / es+fr ${pct(sub(esfr, r.afinn.map((x) => label(x, 1e-9))).acc)}`);

  // Intent (starter knowledge base, as `tactful triage` loads it by default).
  console.log(`\nIntent (${new Set(ps.map((p) => p.intent)).size} intents, starter knowledge base)        accuracy  macro-F1`);
  console.log(accRow('Tactful (tactful triage)', multiclass(ps.map((p) => p.intent), r.triaged.map((t) => t.intent.name))));

  // Tone.
  const clean = ds.filter((d) => d.clean).length;
  console.log(`\nTone on ${ds.length} drafts (${clean} clean)                    precision recall  F1`);
  const has = (i, pred) => r.checked[i].some(pred);
  for (const c of TONE) {
    console.log(prfRow(`${c} (${ds.filter((d) => d.labels.includes(c)).length} drafts)`, binary(ds.map((d) => d.labels.includes(c)), ds.map((_, i) => has(i, (f) => f.category === c)))));
  }
  console.log(prfRow('pii, public_pii rule only', binary(ds.map((d) => d.labels.includes('pii')), ds.map((_, i) => has(i, (f) => f.rule === 'public_pii')))));
  {
    const ix = ds.map((d, i) => (d.labels.includes('dismissive') ? i : -1)).filter((i) => i >= 0);
    const only = ds.map((d, i) => (d.labels.length === 1 && d.labels[0] === 'dismissive' ? i : -1)).filter((i) => i >= 0);
    console.log(`  dismissive (${ix.length} drafts; no Tactful category): any finding on ${ix.filter((i) => r.checked[i].length).length}/${ix.length}; on the ${only.length} labelled dismissive only: ${only.filter((i) => r.checked[i].length).length}/${only.length}`);
  }
  const cleanIx = ds.map((d, i) => (d.clean ? i : -1)).filter((i) => i >= 0);
  const leftClean = cleanIx.filter((i) => !r.checked[i].length).length;
  const noWarn = cleanIx.filter((i) => !r.checked[i].some((f) => f.severity !== 'hint')).length;
  console.log(`  clean replies left clean: ${leftClean}/${clean} = ${pct(leftClean / clean)} (no finding at all); ${noWarn}/${clean} = ${pct(noWarn / clean)} (no warning or critical)`);
  const byRule = {};
  for (const i of cleanIx) for (const f of r.checked[i]) byRule[f.rule] = (byRule[f.rule] || 0) + 1;
  console.log('  findings on clean replies by rule: ' + (Object.entries(byRule).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(', ') || 'none'));

  if (ERRORS && s === 'dev') {
    // Development errors only: held-out items are never printed.
    console.log('\nDev errors:');
    ps.forEach((p, i) => {
      const t = r.triaged[i];
      if (p.urgent !== t.urgent) console.log(`  ${p.id} urgent want ${p.urgent} (${p.urgent_reason}) got ${t.urgent} [${t.urgency.reasons.join('; ')}]: ${p.text.slice(0, 120)}`);
      if (p.sentiment !== t.sentiment.label) console.log(`  ${p.id} sentiment want ${p.sentiment} got ${t.sentiment.label} (${t.sentiment.score}): ${p.text.slice(0, 120)}`);
      const pred = r.spans[i].map((f) => f.text);
      const miss = p.pii.filter((g) => !r.spans[i].some((f) => f.span.start_utf16 < g.end && g.start < f.span.end_utf16)).map((g) => `${g.kind}:${g.text}`);
      const extra = r.spans[i].filter((f) => !p.pii.some((g) => f.span.start_utf16 < g.end && g.start < f.span.end_utf16)).map((f) => f.text);
      if (miss.length || extra.length) console.log(`  ${p.id} pii missed [${miss.join(' | ')}] extra [${extra.join(' | ')}] (found ${pred.length})`);
    });
    ds.forEach((d, i) => {
      const got = [...new Set(r.checked[i].map((f) => f.category))].sort();
      const want = d.labels.filter((l) => l !== 'dismissive');
      if (got.join() !== want.join()) console.log(`  ${d.id} (${d.site}) tone want [${d.labels.join(',')}] got [${r.checked[i].map((f) => f.rule).join(',')}]: ${d.text.slice(0, 100)}`);
    });
  }
}
