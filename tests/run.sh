#!/usr/bin/env bash
# The one test command: native core tests, the wasm glue under Node, a type check of the
# content script's modules, then end-to-end tests in Debian's Chromium with the built extension.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== Request Tracker 5 for the CRM integration test: tests/rt5/setup.sh"
bash tests/rt5/setup.sh

echo "== native core tests and the RT5 integration test: cargo test"
cargo test

# Node packages first: the build bundles the content script with esbuild from them.
[ -d node_modules ] || npm ci --no-audit --no-fund

echo "== build the extension: ./build.sh"
./build.sh

echo "== fixture sites: bundle the real editors"
node tests/fixtures/build.mjs

echo "== content script modules type check: tsc"
npx tsc -p tests/tsconfig.json

echo "== wasm glue tests (Node) and end-to-end tests (Chromium)"
node --test --test-concurrency=1 --test-reporter=spec tests/wasm/ tests/e2e/
