//! What the recheck sends to the UI and what its commands take (exported to `ui/src/bindings/`).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::ops::ctx::PushEvent;
use crate::ops::domain::{DomainView, RecordReason};

#[derive(Serialize, Clone, Copy, Debug, PartialEq, Eq, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub enum RecheckPhase {
    /// Not running (never started, or stopped on request).
    Off,
    Waiting,
    Checking,
    /// Ended on its own: see `stopReason`.
    Stopped,
}

/// Where the recheck stands; sent as the `domain-recheck` event and returned by its commands.
#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct RecheckUpdate {
    /// Grows with every update: the UI drops one older than what it shows.
    pub seq: u32,
    pub phase: RecheckPhase,
    /// Checks made by this run.
    pub checks: u32,
    /// When waiting: how long until the next check.
    pub next_in_ms: Option<u32>,
    /// "Keep checking in the background" (the stored setting).
    pub background: bool,
    /// `verified`, `gone`, `needs_attention` or `cancelled` once stopped.
    pub stop_reason: Option<String>,
    /// What the last check found, in plain words.
    pub message: Option<String>,
    /// The domain as of the last check (status pill, checklist ticks).
    pub view: Option<DomainView>,
    /// The last check's reasons, each next to its record.
    pub reasons: Option<Vec<RecordReason>>,
    /// Set once verified: "example.com is verified".
    pub verified_banner: Option<String>,
}

impl PushEvent for RecheckUpdate {
    const NAME: &'static str = "domain-recheck";
}

impl RecheckUpdate {
    pub(crate) fn off(background: bool) -> RecheckUpdate {
        RecheckUpdate {
            seq: 0,
            phase: RecheckPhase::Off,
            checks: 0,
            next_in_ms: None,
            background,
            stop_reason: None,
            message: None,
            view: None,
            reasons: None,
            verified_banner: None,
        }
    }
}

/// `domain_recheck_start`: `screen` = the domain screen opened (start if waiting for DNS);
/// otherwise start only when the background setting is on (app start, sign-in).
#[derive(Deserialize, Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct RecheckStartRequest {
    pub screen: bool,
}

#[derive(Deserialize, Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct RecheckBackgroundRequest {
    pub on: bool,
}
