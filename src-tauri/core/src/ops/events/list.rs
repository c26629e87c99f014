//! The events screen's list: the events in a range, sorted, labelled in their own zone, with
//! the attendee counts already known and the one to open first marked.

use chrono::NaiveDateTime;

use super::dates::list_range;
use super::types::{EventRow, EventsListRequest};
use super::zones::when_label;
use crate::models::Event;
use crate::ops::ctx::Ctx;
use crate::ops::guests::count;
use crate::validate::guid;
use crate::Result;

/// How an `EventRow` writes times: the API's own shape, no offset.
const ROW_TIME: &str = "%Y-%m-%dT%H:%M:%S";

/// `events_list`: the events starting in the range (see [`list_range`]), by start time.
pub async fn events_list(cx: &Ctx, req: EventsListRequest) -> Result<Vec<EventRow>> {
    let now = cx.now();
    let (from, to) = list_range(req.from.as_deref(), req.to.as_deref(), now.naive_utc())?;
    let mut events = cx.client.events_list(from, to).await?;
    events.sort_by_key(|e| e.start_time);
    let mut rows = Vec::with_capacity(events.len());
    for e in events {
        // An event without an id cannot be opened; the API always sends one on reads.
        if e.id.is_some() {
            // Kept for the session: a scanned ticket of another event is named by its title.
            cx.put_event(&e).await;
            rows.push(row(cx, e).await);
        }
    }
    let today = now.with_timezone(&chrono::Local).date_naive();
    if let Some(i) =
        default_event(&rows, row_end, today).and_then(|d| rows.iter().position(|r| r.id == d.id))
    {
        rows[i].is_default = true;
    }
    Ok(rows)
}

/// `--demo` start-up: load the attendees of the event the events screen opens first (same
/// range and rule as the UI), so its first page only waits for work already under way.
pub async fn prefetch_default_guests(cx: &Ctx) -> Result<()> {
    let rows = events_list(cx, EventsListRequest::default()).await?;
    let Some(row) = rows.iter().find(|r| r.is_default) else {
        return Ok(());
    };
    let id = guid("eventId", &row.id)?;
    cx.guests(id, false, false).await?;
    Ok(())
}

/// The event the events screen opens first: the first (in start order) whose local end date is
/// today or later, else the first. `today` is the machine's local date. The events list marks it
/// (`isDefault`) for the UI, and `--demo` start-up loads its attendees while the window loads.
pub fn default_event<T>(
    events: &[T],
    end: impl Fn(&T) -> NaiveDateTime,
    today: chrono::NaiveDate,
) -> Option<&T> {
    events
        .iter()
        .find(|e| end(e).date() >= today)
        .or_else(|| events.first())
}

/// A row's end as a local time ([`default_event`] over rows).
pub fn row_end(r: &EventRow) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(&r.end_time, ROW_TIME).unwrap_or_default()
}

/// An event as the list shows it, with its attendee count when its list is loaded.
pub(super) async fn row(cx: &Ctx, e: Event) -> EventRow {
    let attendee_count = match e.id {
        Some(id) => cx.cached_count(id).await.map(count),
        None => None,
    };
    EventRow {
        id: e.id.map(|id| id.to_string()).unwrap_or_default(),
        when: Some(when_label(e.start_time, e.end_time, &e.time_zone_id)),
        title: e.title,
        start_time: e.start_time.format(ROW_TIME).to_string(),
        end_time: e.end_time.format(ROW_TIME).to_string(),
        time_zone_id: e.time_zone_id,
        attendee_count,
        is_default: false,
    }
}
