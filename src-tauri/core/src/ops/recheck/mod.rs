//! Rechecking an unverified sending domain with back-off until it verifies.
//!
//! DNS changes take minutes to hours, so after the records are handed to the DNS admin the app
//! asks Qflow again on its own: 30 s, 1 min, 2 min, 5 min, then every 15 min. Anything the user
//! does (Check now, Verify, publishing in the demo) starts the cadence over. It stops when the
//! domain verifies, when it is gone (404: deleted elsewhere), or when only the user can fix what
//! went wrong (signed out, a 401/403). Transient failures (network, 5xx, 429) keep the schedule;
//! a 429's `Retry-After` is honoured twice over: the client pauses the shared budget, and the
//! next check waits at least that long.
//!
//! The policy ([`Backoff`], [`decide`]) is pure. [`run`] drives it with `tokio::time`, so tests
//! run it under paused time. Callers pass a check that uses a [`Priority::Background`] client
//! (see [`verify_in_background`]) so rechecks never take a slot from a person waiting.
//!
//! The runner that does this for a session is [`Recheck`] (`runner.rs`; its shared state in
//! `state.rs`, its updates for the UI in `report.rs`), a session state: it stops with the
//! session. Its one stored setting is in `settings.json` (`settings.rs`).
//!
//! [`Priority::Background`]: crate::budget::Priority::Background

mod policy;
mod report;
mod runner;
mod settings;
mod state;
mod types;

pub use policy::{
    decide, run, verify_in_background, Backoff, Control, Decision, Progress, StopReason,
    STANDARD_STEPS,
};
pub use runner::{
    domain_recheck_leave, domain_recheck_now, domain_recheck_set_background, domain_recheck_start,
    Recheck,
};
pub use settings::{read_settings, settings_path, write_settings, Settings, SETTINGS_FILE};
pub use types::{RecheckBackgroundRequest, RecheckPhase, RecheckStartRequest, RecheckUpdate};

#[cfg(test)]
mod tests;
