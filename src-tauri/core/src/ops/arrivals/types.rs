//! What the Arrivals screen and `event arrivals` send and get back (exported to
//! `ui/src/bindings/`).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// `arrivals`, `arrivals_export_file`: one event's numbers.
#[derive(Deserialize, Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct ArrivalsRequest {
    pub event_id: String,
    /// Reload the attendee list from Qflow, at most once per [`super::RELOAD_EVERY_SECS`] per
    /// event (otherwise the cached list answers).
    #[serde(default)]
    pub refresh: bool,
}

/// Arrivals in one 5-minute slot of the event's local time.
#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct ArrivalBucket {
    /// The slot's start in the event's zone with its offset, RFC 3339
    /// (`2026-06-01T10:05:00+01:00`).
    pub start: String,
    /// `10:05` (local).
    pub time: String,
    /// `2026-06-01` (local).
    pub date: String,
    pub count: u32,
}

/// The event's email health from the local delivery timeline: attendees counted by the state
/// of the most recent send to them.
#[derive(Serialize, Clone, Debug, Default, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct EmailHealth {
    /// Qflow sent the email (sent, delivered, opened or bounced).
    pub sent: u32,
    /// It reached the inbox (delivered or opened).
    pub delivered: u32,
    pub opened: u32,
    pub bounced: u32,
    /// Qflow dropped it (suppressed address) or failed to render it.
    pub failed: u32,
    /// Our request's answer was lost or is still under way ("outcome unknown").
    pub unknown: u32,
    /// No email sent: no send at all, or Qflow refused our request.
    pub never_sent: u32,
}

/// Who a targeted resend goes to.
#[derive(Deserialize, Serialize, Clone, Copy, Debug, PartialEq, Eq, Hash, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub enum ResendTarget {
    /// The most recent email bounced.
    Bounced,
    /// Sent (or delivered) and not opened, not bounced.
    NotOpened,
    /// No email sent yet (or Qflow refused the request).
    NeverSent,
    /// Not checked in.
    NotCheckedIn,
}

/// A target with its label and how many attendees it selects now.
#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct TargetCount {
    pub target: ResendTarget,
    pub label: String,
    pub count: u32,
}

/// One event's arrivals and email health.
#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct ArrivalsReport {
    pub event_id: String,
    pub title: String,
    /// The zone the slots are in (`UTC` when the event's zone is unknown: see `zoneNote`).
    pub time_zone_id: String,
    /// Said when the event's zone is not a known IANA zone.
    pub zone_note: Option<String>,
    /// Attendees on the list.
    pub expected: u32,
    pub checked_in: u32,
    /// Not checked in.
    pub no_shows: u32,
    /// Checked in without a time (counted, not in the chart).
    pub untimed: u32,
    /// Every 5-minute slot from the first arrival to the last (at most `MAX_BUCKETS`, the
    /// latest), empty slots included.
    pub buckets: Vec<ArrivalBucket>,
    /// Arrivals before the first slot shown.
    pub earlier: u32,
    /// The busiest slot (the earliest of equals); none before the first arrival.
    pub peak: Option<ArrivalBucket>,
    pub health: EmailHealth,
    /// The targeted resends, each with how many it selects.
    pub targets: Vec<TargetCount>,
    /// This answer reloaded the list from Qflow.
    pub reloaded: bool,
    /// Said when a reload failed and the list loaded earlier answered.
    pub reload_note: Option<String>,
    /// When this was computed, UTC RFC 3339.
    pub as_of: String,
}

/// `arrivals_select`: the attendees of one target, for resend-to-selected.
#[derive(Deserialize, Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct ArrivalsSelectRequest {
    pub event_id: String,
    pub target: ResendTarget,
}

/// The CSV written.
#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct ArrivalsCsvWritten {
    pub path: String,
    /// Data rows (the header aside).
    pub rows: u32,
}
