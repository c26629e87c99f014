//! The attendee table's pages and the events list's attendee counts, read from the session's
//! cached lists (one download per event, shared by both).

use super::types::{AttendeeCount, AttendeeCountsRequest, GuestRow, GuestsPage, GuestsPageRequest};
use super::{all_tags, filter_guests, GuestFilter};
use crate::ops::ctx::Ctx;
use crate::validate::guid;
use crate::{Error, Result};

/// Page size cap: the UI asks for what it shows, never the whole list.
pub const MAX_PAGE: u32 = 500;
/// `attendee_counts` loads at most this many lists per call (each is one request).
pub const MAX_COUNT_EVENTS: usize = 25;

/// `attendee_counts`: attendee counts for the events list, loaded at background priority so
/// they never delay a click.
pub async fn attendee_counts(cx: &Ctx, req: AttendeeCountsRequest) -> Result<Vec<AttendeeCount>> {
    if req.event_ids.len() > MAX_COUNT_EVENTS {
        return Err(Error::invalid(
            "eventIds",
            format!("at most {MAX_COUNT_EVENTS} events per call"),
        ));
    }
    let ids = req
        .event_ids
        .iter()
        .map(|v| guid("eventIds", v))
        .collect::<Result<Vec<_>>>()?;
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        let list = cx.guests(id, false, true).await?;
        out.push(AttendeeCount {
            event_id: id.to_string(),
            count: count(list.len()),
        });
    }
    Ok(out)
}

/// `guests_page`: one page of an event's attendees that pass the table's filter.
pub async fn guests_page(cx: &Ctx, req: GuestsPageRequest) -> Result<GuestsPage> {
    let event_id = guid("eventId", &req.event_id)?;
    if req.limit == 0 || req.limit > MAX_PAGE {
        return Err(Error::invalid(
            "limit",
            format!("must be between 1 and {MAX_PAGE}"),
        ));
    }
    let list = cx.guests(event_id, req.refresh, false).await?;
    // The same function the core search bench measures (core/benches/search.rs).
    let matching = filter_guests(
        &list,
        &GuestFilter {
            query: &req.query,
            checked_in: req.checked_in,
            tag: req.tag.as_deref(),
        },
    );
    let rows = matching
        .iter()
        .skip(req.offset as usize)
        .take(req.limit as usize)
        .map(|g| GuestRow {
            id: g.id().to_string(),
            first_name: g.first_name().to_owned(),
            last_name: g.last_name().to_owned(),
            email: g.email().to_owned(),
            barcode: g.barcode().map(str::to_owned),
            tags: g.tags().map(str::to_owned),
            checked_in: g.checked_in().unwrap_or(false),
        })
        .collect();
    Ok(GuestsPage {
        event_id: event_id.to_string(),
        total: count(list.len()),
        matched: count(matching.len()),
        offset: req.offset,
        rows,
        tags: all_tags(&list),
    })
}

/// A count for IPC (`u32`), saturating.
pub fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}
