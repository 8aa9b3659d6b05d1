import init, { start_panel } from './pkg/tactful.js';
await init({ module_or_path: new URL('./pkg/tactful_bg.wasm', import.meta.url) });
start_panel();
