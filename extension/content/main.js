// @ts-check
// Tactful's content script: the thin glue between a social site's page and the Rust core
// in the service worker. It runs the site profile's selectors, sends the raw strings it
// read, and draws what the core returns inside closed shadow roots. It decides nothing
// itself, and never puts page text into HTML: every string goes in textContent.
//
// build.sh bundles this file and its imports (one module per concern) into
// dist/content.js, a classic script as content scripts must be; the modules are strict,
// and so is the bundle. Here they are made and wired: each gets what it uses, explicitly.
'use strict';

import { createContext } from './context.js';
import { createStillness } from './schedule.js';
import { createPageReader } from './page-reader.js';
import { createEditors } from './editors.js';
import { createComposers } from './composers.js';
import { createNotice } from './cards/notice.js';
import { createTriageBadges } from './cards/triage-badges.js';
import { createCardRefresh } from './cards/refresh.js';
import { createCustomerHistory } from './cards/customer-history.js';
import { createSuggestions } from './cards/suggestions.js';
import { createCards } from './cards/mount.js';
import { createHandoff } from './handoff.js';
import { createToneLayer } from './tone/layer.js';
import { installShortcuts } from './keyboard.js';

const ctx = createContext();
const still = createStillness();
const reader = createPageReader(ctx);
const editors = createEditors(ctx);
const composers = createComposers(ctx, reader);
const notice = createNotice(ctx);
const triage = createTriageBadges(ctx);
const refresh = createCardRefresh(ctx, still, triage);
const customers = createCustomerHistory(ctx, still);
const suggestions = createSuggestions(ctx, editors, composers, customers);
const handoff = createHandoff(ctx, editors, composers, customers);
// A customer card can show the post already moved to private, or already answered.
customers.onAnswer(handoff.noteCustomer);
customers.onAnswer(triage.noteCustomer);
const cards = createCards(ctx, { notice, refresh, triage, suggestions, customers, handoff });
const tone = createToneLayer(ctx, composers);
installShortcuts(ctx, { composers, suggestions, triage, tone, handoff });

/** @type {(ready: boolean) => void} */
let started = () => {};
// For tests and benchmarks, read through DevTools in Tactful's isolated world (the page
// can't see it); no module reads it.
/** @type {any} */ (globalThis).tactfulProbe = Object.freeze({
  ready: new Promise((r) => { started = r; }),
  keyOf: reader.keyOf,
  ownerOf: composers.ownerOf,
  toneStats: tone.stats,
});

async function start() {
  /** @type {any} */
  let resp;
  try {
    resp = await ctx.send({ kind: 'profile_for' });
  } catch {
    started(false);
    return; // extension reloaded or disabled: nothing to draw on
  }
  if (!resp || resp.kind !== 'profile' || !resp.profile) {
    started(false);
    return;
  }
  ctx.profile = resp.profile;
  ctx.layout = resp.profile.layouts[0];
  composers.install();
  reader.start(cards);
  tone.attach();
  started(true);
}

start();
