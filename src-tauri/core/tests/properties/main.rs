//! Property tests: no panic on arbitrary input, and round-trip or oracle properties where they
//! exist. One binary, one module per area.
//!
//! Cases per property: `PROPTEST_CASES` when set (`make fuzz` sets 100000), else the short
//! count each property names (the pass `cargo test` runs). Each property prints one line:
//! `property <name>: <cases> cases, <secs> s, failures: <n>` (`make fuzz` collects them).
//! A failing input is shrunk, reported and its seed saved in `<module>.regressions` (kept in
//! git), replayed first on every later run.

mod support;

mod csv_import;
mod dns;
mod merge;
mod preflight;
mod receiver;
mod template;
mod webhook;
