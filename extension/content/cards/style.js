// @ts-check
// The look of Tactful's cards and page notice, one constructed stylesheet adopted by each
// closed shadow root.

export const sheet = new CSSStyleSheet();
// Constructed stylesheets are not blocked by the page's style-src CSP, and the
// `:host` !important rules win over the page's own !important rules on our host.
// Boxes inside a card keep square corners: a 2,000-comment thread shows thousands of
// them, and rounded ones (any radius) more than doubled raster time while scrolling it
// (tests/bench/triage_speed.mjs; Chromium's software raster).
sheet.replaceSync(`
  :host { all: initial !important; display: block !important; position: static !important;
          visibility: visible !important; opacity: 1 !important; margin: 4px 0 !important; }
  :host([data-notice]) { position: fixed !important; top: 12px !important; right: 12px !important;
          z-index: 2147483647 !important; max-width: 420px !important; }
  .card { --bg: #f4f8f6; --fg: #14171a; --muted: #5b6670; --line: #b9d3c7; --accent: #0b6e4f; --brand: #6b3fa0;
          display: flex; flex-wrap: wrap; align-items: center; gap: 6px; box-sizing: border-box;
          font: 12px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg);
          background: var(--bg); border: 1px solid var(--line); border-radius: 8px; padding: 4px 8px; max-width: 100%; }
  .card[data-theme="dark"] { --bg: #10231c; --fg: #e7e9ea; --muted: #9aa5b1; --line: #2c5646; --accent: #3ddc97; --brand: #c8a2ff; }
  .mark { display: inline-grid; place-items: center; width: 16px; height: 16px;
          background: var(--accent); color: var(--bg); font-weight: 700; font-size: 11px; }
  .name { font-weight: 600; unicode-bidi: isolate; overflow-wrap: anywhere; }
  .handle, .age { color: var(--muted); }
  .badge { color: var(--brand); border: 1px solid var(--brand); padding: 0 6px; }
  .notice { border-color: #c0392b; }
  .suggestions { flex-basis: 100%; }
  .suggestion { display: grid; gap: 4px; padding: 6px 0; border-top: 1px solid var(--line); }
  .suggestion:last-child { border-bottom: 0; }
  .suggestion .why { color: var(--muted); font-size: 11px; }
  .suggestion .preview { margin: 0; white-space: pre-wrap; overflow-wrap: anywhere; }
  .suggestion input { font: inherit; color: var(--fg); background: var(--bg); border: 1px solid var(--line); padding: 1px 4px; }
  .suggestion .insert { justify-self: start; }
  button { font: inherit; color: var(--accent); background: none; border: 1px solid var(--line);
           padding: 1px 8px; cursor: pointer; }
  button:focus-visible { outline: 2px solid var(--accent); outline-offset: 1px; }
  .hint { color: var(--muted); }
  .customer { flex-basis: 100%; display: flex; flex-wrap: wrap; align-items: center; gap: 4px 8px; border-top: 1px solid var(--line); padding-top: 4px; }
  .customer .ids, .customer .age { color: var(--muted); }
  .customer a { color: var(--accent); }
  .customer a:focus-visible { outline: 2px solid var(--accent); }
  .customer ul { flex-basis: 100%; margin: 0; padding: 0; list-style: none; display: grid; gap: 2px; }
  .customer li { display: flex; gap: 6px; }
  .customer li .text { unicode-bidi: isolate; overflow-wrap: anywhere; }
  .customer li.in .what { color: var(--brand); }
  .spark { stroke: var(--accent); fill: none; stroke-width: 1.5; }
  button.quiet { border-style: dashed; color: var(--muted); }
  .triage { font-weight: 700; border: 1px solid var(--line); padding: 0 4px; }
  .triage.urgent { color: var(--bg); background: #c0392b; border-color: #c0392b; }
  .triage.answered { font-weight: 400; color: var(--muted); }
  .why { color: var(--muted); font-size: 11px; }
  button.moved { color: var(--brand); border-color: var(--brand); cursor: default; }
  .handoff { flex-basis: 100%; display: grid; gap: 2px; }
  .handoff:empty { display: none; }
  .handoff .dm { white-space: pre-wrap; overflow-wrap: anywhere; unicode-bidi: isolate; border-left: 2px solid var(--line); padding-left: 6px; user-select: text; }
`);
