//! What the scan mode sends and gets back (exported to `ui/src/bindings/`).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::ops::ctx::PushEvent;

/// `scan_barcode`: one scan (a keyboard-wedge scanner's line, or a typed barcode).
#[derive(Deserialize, Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct ScanRequest {
    pub event_id: String,
    pub barcode: String,
}

/// The four answers. Their headlines are stable words staff learn.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub enum ScanKind {
    CheckedIn,
    AlreadyCheckedIn,
    NotOnList,
    Unknown,
}

#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct ScanAnswer {
    pub kind: ScanKind,
    /// `Checked in`, `Already checked in`, `Not on this event's list` or `Unknown barcode`.
    pub headline: String,
    /// The second line: name, tags, when and where, or which event.
    pub detail: String,
    /// The yes sound (checked in) or the no sound (everything else).
    pub yes: bool,
    pub barcode: String,
    pub name: Option<String>,
    pub tags: Option<String>,
    /// When the attendee was checked in (already checked in), RFC 3339.
    pub checked_in_at: Option<String>,
    /// Already checked in: at this desk (true) or elsewhere (false).
    pub by_this_desk: Option<bool>,
    /// Not on this event's list: the event it is on, when a loaded list has it.
    pub other_event: Option<String>,
    /// Checked in: the queue row an undo names.
    #[ts(type = "number | null")]
    pub undo_id: Option<i64>,
    /// Checked in: undo is offered until then (RFC 3339).
    pub undo_until: Option<String>,
}

/// `scan_undo` and `scan_dismiss`: one scan (its queue row).
#[derive(Deserialize, Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct ScanRowRequest {
    #[ts(type = "number")]
    pub id: i64,
}

#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct ScanUndone {
    pub message: String,
}

/// A check-in that did not simply go through: listed until dismissed.
#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct ScanProblem {
    #[ts(type = "number")]
    pub id: i64,
    /// `conflict`, `failed` or `outcome_unknown`.
    pub state: String,
    pub name: String,
    pub barcode: String,
    pub scanned_at: String,
    pub message: String,
}

/// `scan_status`: the counts the scan mode shows (local, no request).
#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct ScanStatus {
    pub event_id: String,
    pub event_title: String,
    /// Scans not yet confirmed by Qflow (every event of this profile).
    pub waiting: u32,
    /// `14 waiting to sync`, or empty.
    pub waiting_label: String,
    /// The last attempt found no network; the queue waits for it.
    pub offline: bool,
    pub attendees: u32,
    pub checked_in: u32,
    pub problems: Vec<ScanProblem>,
    /// When the event's list was last read from Qflow (RFC 3339).
    pub list_read_at: Option<String>,
}

/// Pushed when the queue changes: a row sent, refused or in conflict, the network lost or back.
#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct ScanUpdate {
    pub waiting: u32,
    pub offline: bool,
    /// A refusal or conflict just now: shown loudly.
    pub problem: Option<ScanProblem>,
}

impl PushEvent for ScanUpdate {
    const NAME: &'static str = "scan-update";
}
