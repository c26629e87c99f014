//! The CLI through the real binary, against the sandbox: one test binary for every command
//! family (one link instead of nine; its tests run side by side). Tests that drive the window's
//! command layer in-process (they set `QFLOW_DATA_DIR` for the whole process) stay in their own
//! binaries: tests/cli_arrivals.rs, tests/parity.rs, tests/app_profiles.rs, tests/session_caches.rs.
//!
//! The keychain tests (`keyring`) are ignored here and run by `make test-keyring`.

#[path = "../cli_common/mod.rs"]
mod cli_common;

mod desk;
mod domain_webhook;
mod events;
mod events_guests;
mod import;
mod keyring;
mod sandbox;
mod templates;
mod usage;
