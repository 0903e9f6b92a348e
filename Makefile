# supernode-sim: `make test` (what CI runs) and `make serve` (the page).
# Everything the tests need is installed here, idempotently: the wasm32 target, wasm-bindgen-cli
# and wasm-pack (from crates.io, pinned), npm packages (from package-lock.json: reveal.js among them),
# Debian's Chromium and Debian's Hugo (the integration tests build a Hugo site).
SHELL := /bin/bash
PORT ?= 8000
WASM_BINDGEN_VERSION := 0.2.129
WASM_PACK_VERSION := 0.15.1
CARGO_BIN := $(HOME)/.cargo/bin
export PATH := $(CURDIR)/node_modules/.bin:$(CARGO_BIN):$(PATH)
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)

.PHONY: test rust-test web-test serve pkg tools wasm-target wasm-tools node-tools chromium hugo bench bench-web bench-ticks screenshot size manifest npm-package clean

## test: formatting, lints, Rust tests, then the browser tests against the built page
test: rust-test web-test

rust-test: wasm-target
	cargo fmt --check
	cargo clippy --all-targets -- -D warnings
	cargo clippy --target wasm32-unknown-unknown --lib -- -D warnings
	cargo test

web-test: pkg node-tools chromium hugo
	node --test tests/unit/
	node --test --test-concurrency=1 tests/e2e/

## serve: build the page and serve it at http://127.0.0.1:$(PORT)/
serve: pkg
	python3 tools/serve.py $(PORT)

## pkg: the WebAssembly build (wasm-pack, pinned wasm-bindgen, wasm-opt from npm's binaryen),
## each scenario's poster (pkg/posters/<name>.png, drawn by the CLI) that a lazy element shows
## first, and the marks of the incident scenarios' default runs (pkg/marks/, every simulated
## hour) that let a link far into them open without computing its way there
pkg: wasm-tools node-tools
	wasm-pack build --target web --mode no-install --release
	cargo run --release --quiet -- poster --all --out pkg/posters
	cargo run --release --quiet -- marks --scenario skype-2010 --scenario skype-2015 --out pkg/marks

tools: wasm-tools node-tools chromium hugo

wasm-target:
	@rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown

wasm-tools: wasm-target
	@if [ "$$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $(WASM_BINDGEN_VERSION)" ]; then \
	  echo "Installing wasm-bindgen-cli $(WASM_BINDGEN_VERSION) (a few minutes, once)"; \
	  cargo install --locked wasm-bindgen-cli --version $(WASM_BINDGEN_VERSION); fi
	@if [ "$$(wasm-pack --version 2>/dev/null)" != "wasm-pack $(WASM_PACK_VERSION)" ]; then \
	  echo "Installing wasm-pack $(WASM_PACK_VERSION) (a few minutes, once)"; \
	  cargo install --locked wasm-pack --version $(WASM_PACK_VERSION); fi

node-tools: node_modules/.package-lock.json

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

chromium:
	@command -v chromium >/dev/null 2>&1 || { echo "Installing Debian's Chromium"; $(SUDO) apt-get update && $(SUDO) apt-get install -y chromium chromium-driver; }

hugo:
	@command -v hugo >/dev/null 2>&1 || { echo "Installing Debian's Hugo"; $(SUDO) apt-get update && $(SUDO) apt-get install -y hugo; }

## bench: native speed at real scale, then the page's frame times in headless Chromium
bench:
	cargo bench --bench step
	cargo run --release -- bench --scenario skype-2010

screenshot: pkg node-tools chromium
	node tests/bench/screenshot.mjs
	node tests/bench/screenshot-picture.mjs

## size: what an embedding page downloads, gzipped, against the project's budgets (over-budget figures called out)
size: pkg node-tools
	node tools/size.mjs

## manifest: custom-elements.json (the element's attributes, members, events and CSS parts) from
## the inputs in Rust, the type declarations and the template; a browser-test file checks it is current
manifest: pkg node-tools
	node tools/custom-elements.mjs --write

## npm-package: dist/supernode-sim-<version>.tgz, the element and the wasm for bundler-free pages
npm-package: pkg
	node tools/npm-package.mjs

## bench-web: the page in headless Chromium at real scale: the speed held over the 2010 run and
## through its collapse, the page thread's time per frame and long tasks while playing; a link at
## T+20 h and seeks back and forth; drawing (overview, zoomed in, by state) and zooming at
## 60 fps; the memory of three instances (about 16 minutes)
bench-web: pkg node-tools chromium
	node tests/bench/page-bench.mjs
	node tests/bench/draw-cost.mjs
	node tests/bench/seek.mjs 20
	node tests/bench/memory.mjs 6

## bench-ticks: what a tick of skype-2010 costs in headless Chromium, minute by minute over 49 h (a few minutes)
bench-ticks: pkg node-tools chromium
	node tests/bench/tick-cost.mjs skype-2010 49

clean:
	rm -rf pkg target node_modules dist
