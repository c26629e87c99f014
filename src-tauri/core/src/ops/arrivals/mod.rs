//! Arrivals: for one event, checked in / expected, arrivals per 5 minutes of the event's local
//! time and the peak ([`buckets`]), the email health from the local delivery timeline
//! ([`health`]), a CSV of the numbers ([`export`]), and the targeted resends (bounced, not
//! opened, never sent, not checked in) whose attendees go to resend-to-selected
//! ([`crate::ops::bulk`]) with all its safety. The no-show list is the attendee table's page
//! with `checkedIn: false` ([`crate::ops::guests::guests_page`]).
//!
//! Everything is read from the session's cached attendee list and the local store; a refresh
//! reloads the list through the shared budget at background priority, at most once per
//! [`RELOAD_EVERY_SECS`] per event however often the screen asks.

pub mod buckets;
pub mod export;
pub mod health;
pub mod report;
mod types;

#[cfg(test)]
mod sandbox_tests;
#[cfg(test)]
mod tests;

pub use types::*;

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::guest_list::GuestList;
use crate::ops::bulk::MAX_BULK;
use crate::ops::ctx::{Ctx, SessionState};
use crate::validate::guid;
use crate::{Error, Result};
use health::Delivery;

/// A refresh reloads an event's list at most this often.
pub const RELOAD_EVERY_SECS: i64 = 30;
/// `Store::delivery_states` is asked about this many attendees per query.
const STATES_CHUNK: usize = 500;

/// When each event's list was last reloaded for this screen (per session).
#[derive(Default)]
pub struct ArrivalsReloads {
    at: Mutex<HashMap<Uuid, DateTime<Utc>>>,
}

impl SessionState for ArrivalsReloads {}

impl ArrivalsReloads {
    /// True (and the time noted) when `event_id` may be reloaded at `now`.
    fn claim(&self, event_id: Uuid, now: DateTime<Utc>) -> bool {
        let mut at = self.at.lock().unwrap_or_else(|e| e.into_inner());
        let due = at
            .get(&event_id)
            .is_none_or(|t| (now - *t).num_seconds() >= RELOAD_EVERY_SECS);
        if due {
            at.insert(event_id, now);
        }
        due
    }
}

/// The event's list: reloaded when asked and due, else the cached one (loaded if none). A
/// reload that fails while a list is loaded keeps that list and says why (the screen stays up
/// through a network blip); the flag says whether it was reloaded.
async fn load_list(
    cx: &Ctx,
    event_id: Uuid,
    refresh: bool,
) -> Result<(Arc<GuestList>, bool, Option<String>)> {
    let reload = refresh && cx.state::<ArrivalsReloads>().claim(event_id, cx.now());
    match cx.guests(event_id, reload, reload).await {
        Ok(list) => Ok((list, reload, None)),
        Err(e) if reload => match cx.cached_guests(event_id).await {
            Some(list) => Ok((
                list,
                false,
                Some(format!(
                    "could not reload the attendee list ({e}); showing the one loaded earlier"
                )),
            )),
            None => Err(e),
        },
        Err(e) => Err(e),
    }
}

/// Each attendee's email state, from the local timeline (only those it names are asked about).
async fn deliveries(cx: &Ctx, list: &GuestList) -> Result<HashMap<Uuid, Delivery>> {
    let store = cx.local_store().await?;
    let ids: Vec<Uuid> = list.iter().map(|g| g.id()).collect();
    tokio::task::spawn_blocking(move || -> Result<HashMap<Uuid, Delivery>> {
        let known = store.attendees_with_history()?;
        let wanted: Vec<Uuid> = ids.into_iter().filter(|id| known.contains(id)).collect();
        let mut out = HashMap::with_capacity(wanted.len());
        for chunk in wanted.chunks(STATES_CHUNK) {
            for (id, s) in store.delivery_states(chunk)? {
                out.insert(id, Delivery::of(Some(&s.status)));
            }
        }
        Ok(out)
    })
    .await
    .map_err(|e| Error::internal(format!("the local database task failed: {e}")))?
}

/// `arrivals`: the event's numbers.
pub async fn arrivals(cx: &Ctx, req: ArrivalsRequest) -> Result<ArrivalsReport> {
    let event_id = guid("eventId", &req.event_id)?;
    let event = cx.event(event_id).await?;
    let (list, reloaded, note) = load_list(cx, event_id, req.refresh).await?;
    let states = deliveries(cx, &list).await?;
    let mut r = report::build(&event, &list, &states, cx.now());
    r.reloaded = reloaded;
    r.reload_note = note;
    Ok(r)
}

/// `arrivals_select`: the attendees of a targeted resend, in the table's order, for
/// resend-to-selected (which reviews them with its own checks before anything is sent).
pub async fn arrivals_select(cx: &Ctx, req: ArrivalsSelectRequest) -> Result<Vec<String>> {
    let event_id = guid("eventId", &req.event_id)?;
    let (list, _, _) = load_list(cx, event_id, false).await?;
    let states = deliveries(cx, &list).await?;
    let ids = report::select(&list, &states, req.target);
    if ids.is_empty() {
        return Err(Error::invalid(
            "target",
            format!(
                "no attendee is \u{201c}{}\u{201d} now",
                req.target.label().to_lowercase()
            ),
        ));
    }
    if ids.len() > MAX_BULK {
        return Err(Error::invalid(
            "target",
            format!(
                "{} attendees are \u{201c}{}\u{201d}; one resend takes at most {MAX_BULK}",
                ids.len(),
                req.target.label().to_lowercase()
            ),
        ));
    }
    Ok(ids.iter().map(Uuid::to_string).collect())
}

/// The CSV of the event's numbers (from the cached list) written to `path`, 0600.
pub async fn arrivals_csv_write(
    cx: &Ctx,
    req: ArrivalsRequest,
    path: &Path,
) -> Result<ArrivalsCsvWritten> {
    let r = arrivals(cx, req).await?;
    export::write(&r, path)
}

/// What the save dialog proposes for the event's CSV.
pub async fn arrivals_file_name(cx: &Ctx, req: &ArrivalsRequest) -> Result<String> {
    let event = cx.event(guid("eventId", &req.event_id)?).await?;
    Ok(export::file_name(&event.title))
}
