# Qflow Console — two commands on a fresh Debian 12 machine:
#   make demo   installs what is missing, builds, opens the app on the embedded sandbox
#   make test   the whole suite (what CI runs)
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

TARGET_DIR := $(or $(CARGO_TARGET_DIR),$(CURDIR)/target)
APP_BIN    := $(TARGET_DIR)/debug/qflow-console
# Pinned: tests/support/audit.sh relies on where this version keeps the advisory database.
CARGO_DENY_VERSION := 0.20.2
SUDO       := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
export CARGO_TERM_COLOR ?= never

# Debian packages: Tauri's WebKitGTK stack, and for tests Xvfb, WebKitWebDriver and a real Secret Service.
# fonts-urw-base35: Nimbus Sans, the UI's font (ui/src/styles.css).
DEB_PKGS := build-essential pkg-config curl file libssl-dev libxdo-dev librsvg2-dev \
            libwebkit2gtk-4.1-dev libayatana-appindicator3-dev \
            webkit2gtk-driver xvfb xauth gnome-keyring dbus dbus-x11 libsecret-tools \
            fonts-nanum fonts-urw-base35 rpm

.PHONY: help deps deps-system deps-rust deps-node ui build demo run package test test-bin test-rust test-ui test-keyring \
        test-e2e test-package test-update test-faults faults lint audit fuzz fmt bindings bench bench-ui startup-order bench-studio bench-scan bench-import clean

help:
	@echo "make demo   - install missing packages, build, open the app on the sandbox with sample data"
	@echo "make test   - the whole suite (lint, Rust unit + contract tests, UI tests, keychain, E2E, package install)"
	@echo "make package - release .deb and .rpm in target/release/bundle (QFLOW_UPDATER_PUBKEY/QFLOW_UPDATE_ENDPOINT: signed updates)"
	@echo "make test-update - an installed .deb updates itself to the next version over a loopback server (root, sudo; part of make test)"
	@echo "make fuzz   - every property test at 100,000 cases (FUZZ_CASES=n to change), with a table of cases, time, failures"
	@echo "make audit  - supply-chain check: cargo-deny against the offline RustSec snapshot (advisories, licences, sources)"
	@echo "make bench  - benchmarks (merge engine vs handlebars/mustache; search over 50,000 attendees; webhook receiver events/s + restart; template pre-flight for 1 vs 50,000 attendees)"
	@echo "make bench-ui - start-up, memory and scroll vs an empty Tauri window (Xvfb, release builds)"
	@echo "make startup-order - regenerate the list of start-up functions release builds place together (after a dependency update)"
	@echo "make bench-studio - studio keystroke-to-preview p50/p95 on a 100 KB template (Xvfb, release build)"
	@echo "make bench-import - 13,000 attendees imported at the budget's pace: requests/min vs the API's 60/min, 429s (~80 s)"
	@echo "make bench-scan - scan to check in: scan-to-answer-drawn p50/p95 with 50,000 attendees (Xvfb, release build)"

## ---- set-up ---------------------------------------------------------------------------------
deps: deps-system deps-rust deps-node

deps-system:
	@missing=$$(for p in $(DEB_PKGS); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:" $$missing; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing >/dev/null; \
	fi
	@command -v node >/dev/null || { echo "Node.js >= 20 is required (apt-get install nodejs, or nodesource)"; exit 1; }
	@node -e 'process.exit(+process.versions.node.split(".")[0] >= 20 ? 0 : 1)' || { echo "Node.js >= 20 is required; found $$(node --version)"; exit 1; }

deps-rust:
	@command -v cargo >/dev/null || { echo "Rust is required: install rustup (https://rustup.rs) and re-run"; exit 1; }
	@command -v tauri-driver >/dev/null || [ -x "$$HOME/.cargo/bin/tauri-driver" ] || cargo install tauri-driver --version 2.1.0 --locked
	@[ "$$(cargo deny --version 2>/dev/null)" = "cargo-deny $(CARGO_DENY_VERSION)" ] || cargo install cargo-deny --version $(CARGO_DENY_VERSION) --locked
	@# Every platform's crates: the audit reads the whole lock file's metadata offline (--frozen).
	cargo fetch --locked --quiet

deps-node: ui/node_modules/.package-lock.json

ui/node_modules/.package-lock.json: ui/package-lock.json
	cd ui && npm ci --no-audit --no-fund --loglevel=error

## ---- build ----------------------------------------------------------------------------------
# Built only when a source changed (by content: the tests rewrite ui/src/bindings with the same
# text, which would defeat a timestamp): a second `npm run build` rewrites ui/dist, and the app
# crate (which embeds it) would be compiled again.
# `vite build` alone: the type check (tsc) is lint's, so CI does not run it twice.
UI_SOURCES := ui/src ui/public ui/index.html ui/package.json ui/package-lock.json ui/vite.config.ts ui/tsconfig.json
ui: deps-node
	@h=$$(find $(UI_SOURCES) -type f | LC_ALL=C sort | xargs sha1sum | sha1sum | cut -d' ' -f1); \
	if [ -f ui/dist/index.html ] && [ "$$(cat $(TARGET_DIR)/ui-dist.sha1 2>/dev/null)" = "$$h" ]; then \
	  echo "ui: ui/dist is up to date with its sources"; \
	else \
	  (cd ui && npx vite build) && mkdir -p $(TARGET_DIR) && echo "$$h" >$(TARGET_DIR)/ui-dist.sha1; \
	fi

# custom-protocol is a default feature: this is the production-mode binary with the real CSP.
build: ui
	cargo build -p qflow-console

demo: deps build
	@if [ -z "$${DISPLAY:-}$${WAYLAND_DISPLAY:-}" ]; then echo "No display: run 'make demo' in a desktop session (or under xvfb-run)."; exit 1; fi
	$(APP_BIN) --demo

run: build
	$(APP_BIN)

# Tauri's CLI from ui/node_modules (@tauri-apps/cli, pinned to the tauri crate's version).
TAURI := $(CURDIR)/ui/node_modules/.bin/tauri

# `make package`: release .deb and .rpm (Tauri's bundler; nothing downloaded) in
# $(TARGET_DIR)/release/bundle/{deb,rpm}. The updater's public key and endpoint are compiled in
# (tauri build merges --config into the build): QFLOW_UPDATER_PUBKEY (the contents of the .pub file
# from `tauri signer generate`) and QFLOW_UPDATE_ENDPOINT (the latest.json URL). Without them the
# build has no update key and "Check for updates" says so. With TAURI_SIGNING_PRIVATE_KEY (and
# TAURI_SIGNING_PRIVATE_KEY_PASSWORD) set, the bundler also writes the .sig files the manifest
# needs (README: "Releases and signed updates"). --ignore-version-mismatches: the newest
# @tauri-apps/plugin-clipboard-manager on npm is 2.3.x while its crate is 2.5 (the JS side is
# the same writeText call); `tauri build` would refuse the pair.
package: ui
	@cfg='{}'; \
	if [ -n "$${QFLOW_UPDATER_PUBKEY:-}" ]; then \
	  cfg=$$(node -e 'const [k, e] = process.argv.slice(1); console.log(JSON.stringify({plugins: {updater: {pubkey: k, endpoints: e ? [e] : []}}, bundle: {createUpdaterArtifacts: !!process.env.TAURI_SIGNING_PRIVATE_KEY}}))' "$$QFLOW_UPDATER_PUBKEY" "$${QFLOW_UPDATE_ENDPOINT:-}"); \
	else echo "make package: no QFLOW_UPDATER_PUBKEY: this build cannot check for updates"; fi; \
	$(TAURI) build --bundles deb,rpm --ci --ignore-version-mismatches --config "$$cfg"
	@tests/bench/startup-order.sh --check $(TARGET_DIR)/release/qflow-console
	@ls -1 $(TARGET_DIR)/release/bundle/deb/*.deb $(TARGET_DIR)/release/bundle/rpm/*.rpm

## ---- checks ---------------------------------------------------------------------------------
# Each stage in turn, timed; the times are printed at the end (and on a failure, so far).
TEST_STAGES := deps ui lint audit test-rust test-ui test-faults test-keyring test-e2e test-package test-update
# In `make test`, clippy lints the workspace's crates while test-rust compiles them
# (clippy-driver as the workspace's rustc wrapper, exactly what `cargo clippy` runs, with the
# same -D warnings): `cargo clippy` alone would compile every dependency a second time, in check
# mode (~4 of CI's minutes). Every cargo command of the run sees the same wrapper, so nothing is
# compiled twice. `make lint` on its own still runs `cargo clippy`.
test: export QFLOW_CLIPPY_IN_BUILD := 1
test: export RUSTC_WORKSPACE_WRAPPER := $(shell command -v clippy-driver 2>/dev/null || rustup which clippy-driver 2>/dev/null)
test: export CLIPPY_ARGS := -D__CLIPPY_HACKERY__warnings__CLIPPY_HACKERY__
test:
	@[ -n "$$RUSTC_WORKSPACE_WRAPPER" ] || { echo "make test: clippy-driver not found (rustup component add clippy)"; exit 1; }
	@times=""; \
	for stage in $(TEST_STAGES); do \
	  t0=$$(date +%s); \
	  if ! $(MAKE) --no-print-directory $$stage; then \
	    printf "stage times (s):%b\n  %s failed after %s\n" "$$times" "$$stage" "$$(( $$(date +%s) - t0 ))"; \
	    [ -f $(FAULTS_RUN)/pid ] && kill -- -$$(cat $(FAULTS_RUN)/pid) 2>/dev/null; exit 1; \
	  fi; \
	  times="$$times\n  $$stage $$(( $$(date +%s) - t0 ))"; \
	done; \
	printf "stage times (s):%b\n" "$$times"
	@echo "make test: all suites passed"

lint:
	cargo fmt --all -- --check
	@if [ -n "$${QFLOW_CLIPPY_IN_BUILD:-}" ]; then echo "lint: clippy -D warnings runs in test-rust's build (clippy-driver wraps rustc)"; \
	else cargo clippy --workspace --all-targets -- -D warnings; fi
	@# Side by side: both are single-threaded (~11 s and ~20 s of CPU on a clean clone).
	cd ui && { npx tsc --noEmit & tsc=$$!; npx eslint . --max-warnings 0; wait $$tsc; }

# Advisories (any vulnerability fails; accepted warnings are listed by id in deny.toml), licences
# and sources, against ../shared/supply-chain/advisory-db.bundle: no network. A few seconds.
audit:
	tests/support/audit.sh

# Not part of `make test` (CI runs the short pass inside test-rust): minutes, not seconds.
fuzz:
	FUZZ_CASES=$(or $(FUZZ_CASES),100000) tests/support/fuzz.sh

# ts-rs rewrites ui/src/bindings during the tests: any drift from the checked-in files fails.
# The test binaries run three at a time (tests/support/run-tests.mjs: what `cargo test
# --workspace` runs, in its order, but side by side; most of them wait on sandboxes and child
# processes). The fault suite (tests/faults, ~70 s: its edge-429 cases wait out the client's 60 s
# hold) is started in the background as soon as it is built and runs on through test-ui; the
# test-faults stage waits for it, prints its table and fails if it failed. Alone, `make
# test-faults` runs it in the foreground.
FAULTS_TEST := every_write_under_every_fault_sends_at_most_once_and_says_what_happened
FAULTS_RUN  := $(TARGET_DIR)/faults-run
test-rust:
	@# --all-targets: the benches too, as `cargo clippy --all-targets` lints them (in make test).
	@art=$(TARGET_DIR)/test-artifacts.json; \
	cargo test --workspace $${QFLOW_CLIPPY_IN_BUILD:+--all-targets} --no-run --message-format=json-render-diagnostics >$$art; \
	bin=$$(grep -o '"executable":"[^"]*/deps/faults-[0-9a-f]*"' $$art | cut -d'"' -f4 | tail -n1); \
	[ -x "$$bin" ] || { echo "test-rust: the fault suite's binary was not built"; exit 1; }; \
	rm -rf $(FAULTS_RUN) && mkdir -p $(FAULTS_RUN); \
	echo "test-rust: tests/faults/main.rs started in the background ($(FAULTS_RUN)/log; make test-faults waits for it)"; \
	(cd $(CURDIR) && setsid sh -c 'echo $$$$ >"$$1/pid"; "$$2" --exact "$$3" >"$$1/log" 2>&1; echo $$? >"$$1/rc"' \
	  faults $(FAULTS_RUN) "$$bin" $(FAULTS_TEST) </dev/null >/dev/null 2>&1 &); \
	node tests/support/run-tests.mjs $$art --skip-binary faults --first qflow_core,cli,properties,parity \
	  --last bindings_fresh,import_cycles -- --skip $(FAULTS_TEST)
	@drift=$$(git status --porcelain -- ui/src/bindings); if [ -n "$$drift" ]; then \
	  echo "TypeScript bindings are stale; run 'make bindings' and commit:"; echo "$$drift"; exit 1; fi

# The fault suite: waits for the run test-rust started, or runs it now (make faults).
test-faults:
	@if [ -f $(FAULTS_RUN)/pid ]; then \
	  while [ ! -f $(FAULTS_RUN)/rc ]; do \
	    kill -0 $$(cat $(FAULTS_RUN)/pid) 2>/dev/null || { sleep 1; [ -f $(FAULTS_RUN)/rc ] || { echo "test-faults: the background run died"; cat $(FAULTS_RUN)/log; exit 1; }; }; \
	    sleep 1; \
	  done; \
	  rc=$$(cat $(FAULTS_RUN)/rc); echo "---- tests/faults/main.rs (started by test-rust): exit $$rc"; cat $(FAULTS_RUN)/log; \
	  rm -rf $(FAULTS_RUN); [ "$$rc" = 0 ] || { echo "test-faults: the fault suite FAILED"; exit 1; }; \
	else $(MAKE) --no-print-directory faults; fi

# The fault-injection suite alone, with its table (it also runs in test-rust).
faults:
	cargo test -p qflow-console --test faults -- --nocapture

bindings:
	UPDATE_BINDINGS=1 cargo test -p qflow-console --test bindings_fresh

test-ui: deps-node
	cd ui && npx vitest run

# Keychain round trip against a real Secret Service (gnome-keyring in a private D-Bus session).
# The four keychain tests are the workspace's only ignored ones. Selected this way they build with
# the same features as `cargo test --workspace`: nothing is compiled again.
test-keyring:
	@# --skip bench_: the ignored benchmarks (e.g. the 80 s import one) are not keychain tests.
	tests/support/with-keyring.sh cargo test --workspace --lib --test cli -- --ignored --skip bench_

# The binary `cargo test --workspace` builds for the CLI tests: `cargo build -p qflow-console`
# resolves features without the workspace's dev-dependencies (tokio, hickory, qflow-core…) and
# would compile a second copy of a third of the graph. After test-rust this compiles nothing.
# Suites run two at a time (E2E_JOBS), each on its own display, ports, data dir and keychain.
test-bin: ui
	cargo test --workspace --no-run --quiet

test-e2e: test-bin
	QFLOW_APP_BIN=$(APP_BIN) tests/e2e/run.sh

# The .deb installed with dpkg, started from its desktop entry, its CLI run, then purged
# (tests/package/run.sh). CI cannot afford a second (release) build, so this bundles the DEBUG
# binary that test-e2e has just built (`tauri bundle --debug`: no compilation; the package's
# files, desktop entry and dependencies are those `make package` gives the release binary). Needs root (it installs a system package); says SKIPPED
# otherwise, and fails under CI.
test-package: deps-node
	@[ -x $(APP_BIN) ] || $(MAKE) --no-print-directory test-bin
	rm -rf $(TARGET_DIR)/debug/bundle
	$(TAURI) bundle --debug --bundles deb,rpm --ci
	@if command -v rpm >/dev/null; then rpm -qip $(TARGET_DIR)/debug/bundle/rpm/*.rpm | sed -n '1,3p'; \
	  rpm -qpR $(TARGET_DIR)/debug/bundle/rpm/*.rpm | grep -q 'libwebkit2gtk-4.1.so.0' || { echo "the .rpm does not require WebKitGTK"; exit 1; }; fi
	tests/package/run.sh

# N installed from its .deb updates itself to N+1 over a loopback server and restarts into it
# (tests/package/update.sh). N+1 recompiles only the app crate, as 0.1.1 (about a minute);
# switching back to N compiles nothing. Needs root and sudo (the updater installs through it).
test-update: deps-node
	@[ -x $(APP_BIN) ] || $(MAKE) --no-print-directory test-bin
	tests/package/update.sh

fmt:
	cargo fmt --all
	cd ui && npx eslint . --fix

bench:
	cargo bench -p qflow-core --bench merge -- --warm-up-time 1 --measurement-time 3
	cargo bench -p qflow-core --bench search -- --warm-up-time 1 --measurement-time 3
	cargo bench -p qflow-core --bench receiver
	cargo bench -p qflow-core --bench preflight -- --warm-up-time 1 --measurement-time 5

# Not part of `make test`: figures, not pass/fail (tests/bench/run.sh prints them with targets).
bench-ui: deps-node deps-rust
	tests/bench/run.sh

# Not a test: regenerates src-tauri/startup-order.txt.gz, the start-up functions release builds
# place side by side (root: it turns the disk's read-ahead off while it measures; ~5 minutes).
startup-order: deps-node deps-rust
	tests/bench/startup-order.sh

# Not a test: 13,000 rows through the import runner against the sandbox with its rate limits on.
bench-import:
	tests/bench/import-bench.sh

# Not a test: prints keystroke-to-preview figures for the template studio.
bench-studio: ui
	cargo build --release -p qflow-console
	E2E_SCRIPT=tests/bench/studio-bench.mjs QFLOW_APP_BIN=$(TARGET_DIR)/release/qflow-console tests/e2e/run.sh

# Not a test: prints scan-to-answer-drawn figures with 50,000 attendees in the demo sandbox.
# 111,112 attendees across the demo's events put 50,000 in the largest, the one the bench opens.
bench-scan: ui
	cargo build --release -p qflow-console
	QFLOW_DEMO_ATTENDEES=111112 E2E_SCRIPT=tests/bench/scan-bench.mjs QFLOW_APP_BIN=$(TARGET_DIR)/release/qflow-console tests/e2e/run.sh

clean:
	cargo clean
	rm -rf ui/dist ui/node_modules
