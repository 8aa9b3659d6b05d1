#!/usr/bin/env bash
# Builds the unpacked extension into dist/.   ./build.sh        build
#                                               ./build.sh demo   build, then show it on the six demo sites
set -euo pipefail
cd "$(dirname "$0")"

# wasm-bindgen's CLI must be the exact version Cargo.lock pins, or the generated JS
# and the wasm disagree.
WB_VERSION=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/version = |"/, ""); print; exit}' Cargo.lock)
if ! command -v wasm-bindgen >/dev/null || [ "$(wasm-bindgen --version | awk '{print $2}')" != "$WB_VERSION" ]; then
  echo "installing wasm-bindgen-cli $WB_VERSION"
  # --locked first, as the CLI's own lockfile intends; a registry mirror missing one of
  # its pinned dependencies falls back to the newest compatible ones.
  cargo install --locked wasm-bindgen-cli --version "$WB_VERSION" \
    || cargo install wasm-bindgen-cli --version "$WB_VERSION"
fi
rustup target list --installed 2>/dev/null | grep -q wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown

cargo rustc --release --target wasm32-unknown-unknown --lib --crate-type cdylib
rm -rf dist && mkdir -p dist/pkg
wasm=target/wasm32-unknown-unknown/release/tactful.wasm
wasm-bindgen --target web --no-typescript --out-dir dist/pkg "$wasm"
# Debian's binaryen (wasm-opt 108) breaks wasm-bindgen's externref table if run after
# wasm-bindgen, so it runs on rustc's output; its result is kept only when it is
# smaller gzipped (rustc's opt-level "z" + LTO output often already is).
if command -v wasm-opt >/dev/null; then
  if wasm-opt -Oz -g --enable-reference-types --enable-bulk-memory --enable-sign-ext --enable-mutable-globals \
       --enable-nontrapping-float-to-int --enable-multivalue "$wasm" -o target/tactful.opt.wasm; then
    rm -rf target/pkg-opt
    wasm-bindgen --target web --no-typescript --out-name tactful --out-dir target/pkg-opt target/tactful.opt.wasm 2>/dev/null
    plain=$(gzip -9 -c dist/pkg/tactful_bg.wasm | wc -c)
    opt=$(gzip -9 -c target/pkg-opt/tactful_bg.wasm | wc -c)
    if [ "$opt" -lt "$plain" ]; then
      cp target/pkg-opt/* dist/pkg/
      echo "wasm-opt: kept ($opt < $plain bytes gzipped)"
    else
      echo "wasm-opt: not kept ($opt >= $plain bytes gzipped)"
    fi
  fi
else
  echo "wasm-opt not found (Debian package binaryen): the wasm is not size-optimised"
fi
cp manifest.json dist/
# The extension's static files as they are. The content script's modules
# (extension/content/, one per concern) are bundled into dist/content.js: a content script
# can't be an ES module, and one bundle keeps the modules' imports explicit where several
# listed scripts would share one global scope.
cp -r extension/. dist/
rm -r dist/content
[ -x node_modules/.bin/esbuild ] || npm ci --no-audit --no-fund
node_modules/.bin/esbuild extension/content/main.js --bundle --format=iife --target=chrome116 --charset=utf8 \
  --log-level=warning --outfile=dist/content.js \
  --banner:js='// Built by build.sh from extension/content/ (esbuild): edit the modules there.'

raw=$(stat -c %s dist/pkg/tactful_bg.wasm)
gz=$(gzip -9 -c dist/pkg/tactful_bg.wasm | wc -c)
awk -v r="$raw" -v g="$gz" 'BEGIN{printf "wasm: %d bytes raw (%.0f KiB), %d bytes gzipped (%.0f KiB)\n", r, r/1024, g, g/1024}'
echo "extension ready in $(pwd)/dist (load it unpacked at chrome://extensions)"

if [ "${1:-}" = demo ]; then
  exec node tests/demo.mjs
fi
