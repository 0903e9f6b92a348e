# supernode-sim: `make test` (what CI runs) and `make serve` (the page).
SHELL := /bin/bash
PORT ?= 8000

.PHONY: test rust-test serve bench

## test: formatting, lints and every test
test: rust-test

rust-test:
	cargo fmt --check
	cargo clippy --all-targets -- -D warnings
	cargo test

## serve: build and serve the page
serve:
	@echo "The page is not built yet (see issue 3); the CLI works: cargo run --release -- run --scenario skype-2010"

## bench: native speed at real scale
bench:
	cargo bench --bench step
	cargo run --release -- bench --scenario skype-2010
