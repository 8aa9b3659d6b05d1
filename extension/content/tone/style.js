// @ts-check
// The look of the draft checker: underlines, the summary chip and the finding's card,
// drawn over the editor in a closed shadow root.

export const sheet = new CSSStyleSheet();
sheet.replaceSync(`
  :host { all: initial !important; display: block !important; position: absolute !important; top: 0 !important;
          left: 0 !important; width: 0 !important; height: 0 !important; overflow: visible !important;
          z-index: 2147483646 !important; visibility: visible !important; opacity: 1 !important; }
  .layer { position: absolute; top: 0; left: 0; pointer-events: none; }
  .u { position: absolute; height: 2px; border-radius: 1px; background: #d9822b; }
  .u.critical { background: #d93025; } .u.hint { background: #1a73e8; opacity: .7; }
  .u.current { height: 3px; }
  .chip, .tip { pointer-events: auto; position: absolute; box-sizing: border-box;
          font: 12px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; }
  .chip { --bg: #f4f8f6; --fg: #14171a; --line: #b9d3c7; --accent: #0b6e4f;
          color: var(--fg); background: var(--bg); border: 1px solid var(--line); border-radius: 999px;
          padding: 1px 8px; cursor: pointer; white-space: nowrap; }
  .chip.over { border-color: #d93025; }
  .tip { --bg: #fff; --fg: #14171a; --muted: #5b6670; --line: #d8dee4; --accent: #0b6e4f;
          width: 300px; color: var(--fg); background: var(--bg); border: 1px solid var(--line);
          border-radius: 8px; padding: 8px 10px; box-shadow: 0 4px 16px rgba(0,0,0,.18); }
  [data-theme="dark"] { --bg: #15202b; --fg: #e7e9ea; --muted: #9aa5b1; --line: #38444d; --accent: #3ddc97; }
  .tip p { margin: 0 0 6px; overflow-wrap: anywhere; }
  .tip .rule { color: var(--muted); font-size: 11px; text-transform: uppercase; letter-spacing: .04em; }
  .tip .row { display: flex; flex-wrap: wrap; gap: 6px; }
  button { font: inherit; color: var(--accent); background: none; border: 1px solid var(--line);
           border-radius: 6px; padding: 1px 8px; cursor: pointer; }
  .chip:focus-visible, button:focus-visible { outline: 2px solid var(--accent); outline-offset: 1px; }
  .mirror { position: absolute; visibility: hidden; white-space: pre-wrap; overflow-wrap: break-word; overflow: hidden; }
`);
