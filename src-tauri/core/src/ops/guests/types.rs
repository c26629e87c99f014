//! What the attendee table and the events list's counts send and get back (exported to
//! `ui/src/bindings/`).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// `attendee_counts`: at most `MAX_COUNT_EVENTS` ids per call.
#[derive(Deserialize, Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct AttendeeCountsRequest {
    pub event_ids: Vec<String>,
}

#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct AttendeeCount {
    pub event_id: String,
    pub count: u32,
}

/// `guests_page`: one page of an event's attendees, filtered in Rust.
#[derive(Deserialize, Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct GuestsPageRequest {
    pub event_id: String,
    /// Case-insensitive; every word must appear in name, email, barcode or tags.
    #[serde(default)]
    pub query: String,
    #[serde(default)]
    pub offset: u32,
    /// 1..=500.
    pub limit: u32,
    /// Reload the list from Qflow instead of the cached copy.
    #[serde(default)]
    pub refresh: bool,
    /// Only checked-in (true) or not checked-in (false) attendees.
    #[serde(default)]
    #[ts(optional)]
    pub checked_in: Option<bool>,
    /// Only attendees with this tag (whole tag, ignoring case).
    #[serde(default)]
    #[ts(optional)]
    pub tag: Option<String>,
}

#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct GuestsPage {
    pub event_id: String,
    /// Attendees of the event.
    pub total: u32,
    /// Attendees matching the query.
    pub matched: u32,
    pub offset: u32,
    pub rows: Vec<GuestRow>,
    /// Every tag used in the event (for the tag filter).
    pub tags: Vec<String>,
}

/// What the attendee table shows of a guest.
#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct GuestRow {
    pub id: String,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub barcode: Option<String>,
    pub tags: Option<String>,
    pub checked_in: bool,
}
