//! Webhooks: the configured URL (one URL rule for the window, the CLI and the API client:
//! [`crate::webhook::url_policy`]), set / rotate / test / delete, the signing secret (straight
//! to the keychain; shown only when the user asks to reveal it, once per secret), the optional
//! built-in receiver and its live feed, the signature checker, and each attendee's delivery
//! timeline (also used by the attendee panel).
//!
//! The receiver and the secret's reveal-once memory belong to the session ([`Receiver`],
//! [`SecretMemory`]): they end with it, so a new session (another profile, the demo again)
//! wires a fresh receiver to its own store.
//!
//! The demo keeps the webhook secret in process memory only (no keychain entry for a sandbox
//! account) and wires the sandbox to a local receiver at sign-in ([`ensure_demo_wiring`]), so
//! sends made in the demo show their comms.sent → delivered → opened events.

mod checker;
mod config;
mod receiver;
mod secret;
mod types;

pub use crate::webhook::url_policy::{check_url, require_url, UrlCheck, CONFIRM_PRIVATE};
pub use checker::{attendee_timeline, webhook_diagnose};
pub use config::{
    delete_config, qflow_local, receiver_start, receiver_stop, rotate_secret, set_url,
    webhook_delete, webhook_overview, webhook_rotate, webhook_set, webhook_test, webhook_url_check,
};
pub use receiver::{ensure_demo_wiring, webhook_feed, Receiver, DEMO_PATH};
pub use secret::{keychain_ready, stored, webhook_reveal_secret, SecretMemory};
pub use types::*;

#[cfg(test)]
mod tests;
