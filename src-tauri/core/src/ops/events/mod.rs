//! Events: the events screen's list, the event form (create, edit, delete) and the time-zone
//! picker, for the window and the CLI alike.
//!
//! - [`dates`]: the one reader of typed dates and times (the window's list and form, every
//!   CLI flag that takes a date or a time).
//! - [`zones`]: IANA zones, offsets, labels that show an event's times in its own zone, the
//!   picker's search.
//! - [`form`]: what must hold before an event is sent, and the bodies sent.
//! - [`list`] and [`write`]: the operations, against the session ([`Ctx`](super::ctx::Ctx)).
//!
//! The API's `startTime`/`endTime` carry no offset: they are wall-clock times in `timeZoneId`
//! (the guide's example: `"2026-06-01T10:00:00"` with `"Europe/London"`).

pub mod dates;
pub mod form;
pub mod list;
pub mod types;
pub mod write;
pub mod zones;

pub use dates::{list_range, parse_day_or_time, parse_local, DayEdge};
pub use form::{apply_edit, check_changes, check_form, new_event, validate, ValidEvent};
pub use list::{default_event, events_list, prefetch_default_guests, row_end};
pub use types::*;
pub use write::{create, event_create, event_delete, event_update, update};
pub use zones::{
    format_offset, offset_at, offset_label, parse_zone, search_zones, when_label, zone_count,
    zones_search, MAX_ZONES,
};

#[cfg(test)]
mod sandbox_tests;
#[cfg(test)]
mod tests;
