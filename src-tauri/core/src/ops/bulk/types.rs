//! The IPC shapes of "resend to selected" (exported to `ui/src/bindings/`).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::run::BulkProgress;
use crate::ops::ctx::PushEvent;

/// Most attendees one job may hold.
pub const MAX_BULK: usize = 10_000;

#[derive(Deserialize, Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct BulkSelection {
    pub event_id: String,
    pub guest_ids: Vec<String>,
    pub template_id: String,
    /// Also send to attendees who got this template in the last 10 minutes.
    #[serde(default)]
    pub include_recent: bool,
}

/// An attendee who got this template in the last 10 minutes.
#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct BulkRecent {
    pub guest_id: String,
    pub name: String,
    pub minutes_ago: u32,
}

/// What `bulk_start` would do with this selection.
#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct BulkPreview {
    pub selected: u32,
    /// Sends that would be made (recent ones left out unless `includeRecent`).
    pub to_send: u32,
    pub recent: Vec<BulkRecent>,
    pub template_name: String,
    /// Seconds for `toSend` at the shared budget's pace.
    pub eta_seconds: u32,
    /// Milliseconds between two sends (the ETA for another count).
    pub pace_ms: u32,
    /// Tokens some of the people to send to would get literally (the pre-flight's token checks).
    pub preflight: Option<crate::preflight::SendWarning>,
}

/// An item that did not end queued, with why.
#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct BulkProblem {
    pub guest_id: String,
    pub name: String,
    /// `failed` or `outcome_unknown`.
    pub state: String,
    pub reason: String,
}

/// The job's progress plus what the summary needs.
#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct BulkStatus {
    #[ts(inline)]
    pub progress: BulkProgress,
    pub template_name: Option<String>,
    /// Left out because they got this template in the last 10 minutes.
    pub skipped_recent: u32,
    pub problems: Vec<BulkProblem>,
}

/// Pushed to the UI after every step of the runner; `bulk_status` answers the same for the
/// first paint.
impl PushEvent for BulkStatus {
    const NAME: &'static str = "bulk-progress";
}

#[derive(Deserialize, Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct BulkJobRequest {
    pub job_id: String,
}

/// A job of this profile with items left (offered at sign-in).
#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct BulkUnfinished {
    pub job_id: String,
    pub template_id: String,
    pub template_name: Option<String>,
    pub remaining: u32,
    pub total: u32,
    /// UTC, RFC 3339.
    pub started_at: String,
}

/// "Select all" over the table's current filter, computed in Rust.
#[derive(Deserialize, Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct BulkFilterRequest {
    pub event_id: String,
    #[serde(default)]
    pub query: String,
    #[serde(default)]
    #[ts(optional)]
    pub checked_in: Option<bool>,
    #[serde(default)]
    #[ts(optional)]
    pub tag: Option<String>,
}
