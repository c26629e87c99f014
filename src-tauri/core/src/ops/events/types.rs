//! What the events screen, the event form and the zone picker send and get back (exported to
//! `ui/src/bindings/`), and what the CLI's `event update` flags hold.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// `events_list`: dates (`YYYY-MM-DD`) or local date-times (`YYYY-MM-DDTHH:MM:SS`).
/// Absent: 30 days back to 6 months ahead.
#[derive(Deserialize, Serialize, Clone, Debug, Default, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct EventsListRequest {
    #[serde(default)]
    pub from: Option<String>,
    #[serde(default)]
    pub to: Option<String>,
}

/// One event in the list.
#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
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

/// `event_create` / `event_update`: what the form holds. Times are local wall times in
/// `timeZoneId` (`YYYY-MM-DDTHH:MM`, no offset).
#[derive(Deserialize, Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct EventForm {
    /// On create: a GUID the form generated once, so saving again never makes a second event.
    /// On edit: the event's id.
    pub id: String,
    pub title: String,
    pub start_time: String,
    pub end_time: String,
    pub time_zone_id: String,
}

/// `event_delete`.
#[derive(Deserialize, Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct EventDeleteRequest {
    pub id: String,
}

/// `zones_search`: words matched against the zone name and its `UTC±hh:mm` label.
#[derive(Deserialize, Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct ZoneSearchRequest {
    pub query: String,
    /// Default and cap: `MAX_ZONES`.
    #[serde(default)]
    #[ts(optional)]
    pub limit: Option<u32>,
}

/// The picker's list: best matches first, and how many matched in all.
#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct ZoneSearchResult {
    pub zones: Vec<ZoneInfo>,
    pub matched: u32,
}

/// One IANA zone for the picker.
#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct ZoneInfo {
    /// The IANA name, e.g. `Asia/Tokyo`.
    pub id: String,
    /// The offset now, e.g. `+09:00`.
    pub offset: String,
    /// `Asia/Tokyo (UTC+09:00)`.
    pub label: String,
}

/// An edit of some fields (`event update ID --title …`): what is `None` keeps the value Qflow
/// has. The window's form is the edit of every field ([`EventForm`]).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct EventChanges {
    pub title: Option<String>,
    pub start_time: Option<String>,
    pub end_time: Option<String>,
    pub time_zone_id: Option<String>,
}

impl From<&EventForm> for EventChanges {
    fn from(f: &EventForm) -> EventChanges {
        EventChanges {
            title: Some(f.title.clone()),
            start_time: Some(f.start_time.clone()),
            end_time: Some(f.end_time.clone()),
            time_zone_id: Some(f.time_zone_id.clone()),
        }
    }
}
