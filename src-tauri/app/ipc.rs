//! What crosses IPC: one request and one response type per command, exported to
//! `ui/src/bindings/` by ts-rs (`cargo test` writes them; `tests/bindings_fresh.rs` fails when
//! the checked-in files drift). These types stand alone (no core types inside) so the UI gets
//! only what it shows, and secrets only ever travel UI → Rust, once.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub use qflow_core::ops::account::{AppInfo, SavedProfile, SignInRequest, SignedIn};

/// `events_list`: dates (`YYYY-MM-DD`) or local date-times (`YYYY-MM-DDTHH:MM:SS`).
/// Absent: 30 days back to 6 months ahead.
#[derive(Deserialize, Serialize, Clone, Debug, Default, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../ui/src/bindings/")]
pub struct EventsListRequest {
    #[serde(default)]
    pub from: Option<String>,
    #[serde(default)]
    pub to: Option<String>,
}

/// One event in the list.
#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../ui/src/bindings/")]
pub struct EventRow {
    pub id: String,
    pub title: String,
    /// Local time in `timeZoneId`, no offset (as the API sends it).
    pub start_time: String,
    pub end_time: String,
    pub time_zone_id: String,
    /// Known once the attendee list was loaded (`attendee_counts` or `guests_page`).
    pub attendee_count: Option<u32>,
    /// The times in the event's zone with its offset: `Mon 1 Jun 2026, 10:00–22:00 Asia/Tokyo (UTC+09:00)`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub when: Option<String>,
    /// The one the events screen opens first (`core::ops::events::default_event`).
    #[serde(default)]
    pub is_default: bool,
}

/// `attendee_counts`: at most `MAX_COUNT_EVENTS` ids per call.
#[derive(Deserialize, Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../ui/src/bindings/")]
pub struct AttendeeCountsRequest {
    pub event_ids: Vec<String>,
}

#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../ui/src/bindings/")]
pub struct AttendeeCount {
    pub event_id: String,
    pub count: u32,
}

/// `guests_page`: one page of an event's attendees, filtered in Rust.
#[derive(Deserialize, Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../ui/src/bindings/")]
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
#[ts(export, export_to = "../ui/src/bindings/")]
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
#[ts(export, export_to = "../ui/src/bindings/")]
pub struct GuestRow {
    pub id: String,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub barcode: Option<String>,
    pub tags: Option<String>,
    pub checked_in: bool,
}
