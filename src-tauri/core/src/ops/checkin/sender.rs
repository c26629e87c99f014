//! The background sender: the queue in scan order, one request at a time through the client's
//! budget; the event's list re-read every 30 s while its scan mode is open (check-ins made at
//! other desks). Without network it waits, probing every 5 s, and carries on in order.

use std::sync::atomic::Ordering;
use std::sync::{Arc, Weak};
use std::time::Duration;

use super::answer::{is_conflict, time_label};
use super::state::{load_index, problem, ScanState};
use super::types::{ScanProblem, ScanUpdate};
use crate::ops::connection::connection_probe;
use crate::ops::ctx::Ctx;
use crate::store::{CheckinAction, CheckinRow, CheckinState, Store};
use crate::{Error, Result};

/// How often the open event's list is read again (other desks show up within a minute).
pub const POLL: Duration = Duration::from_secs(30);
/// How often a lost network is probed.
pub const OFFLINE_RETRY: Duration = Duration::from_secs(5);

pub(super) async fn run(session: Weak<Ctx>, state: Arc<ScanState>) {
    loop {
        let wait = {
            let Some(cx) = session.upgrade() else { return };
            if !cx.is_open() {
                return;
            }
            match step(&cx, &state).await {
                Ok(w) => w,
                Err(e) => {
                    tracing::warn!(code = e.code(), "check-in queue: {e}");
                    OFFLINE_RETRY
                }
            }
        };
        if wait.is_zero() {
            continue;
        }
        tokio::select! {
            _ = state.wake.notified() => {}
            _ = tokio::time::sleep(wait) => {}
        }
    }
}

/// One step: probe if offline, re-read the open list if due, send the next row. Answers how
/// long to wait before the next step (zero: at once).
async fn step(cx: &Ctx, state: &ScanState) -> Result<Duration> {
    let store = cx.local_store().await?;
    if state.is_offline() {
        if connection_probe(cx).await.is_err() {
            return Ok(OFFLINE_RETRY);
        }
        set_offline(cx, state, &store, false);
    }
    let due = {
        let inner = state.inner();
        inner.open.and_then(|ev| {
            let read = inner.indexes.get(&ev).and_then(|ix| ix.read_at);
            let age = read.map(|t| (cx.now() - t).to_std().unwrap_or_default());
            match age {
                Some(a) if a < POLL => None,
                _ => Some(ev),
            }
        })
    };
    if let Some(ev) = due {
        match load_index(cx, ev, true).await {
            Err(Error::Network { .. }) => {
                set_offline(cx, state, &store, true);
                return Ok(OFFLINE_RETRY);
            }
            Err(e) => tracing::warn!(code = e.code(), "re-reading the attendee list: {e}"),
            Ok(()) => {}
        }
    }
    let Some(row) = store.checkin_next(&cx.info.profile)? else {
        return Ok(POLL);
    };
    match send_row(cx, &store, row).await? {
        Sent::Offline => {
            set_offline(cx, state, &store, true);
            Ok(OFFLINE_RETRY)
        }
        Sent::Later => Ok(OFFLINE_RETRY),
        Sent::Done => Ok(Duration::ZERO),
    }
}

fn set_offline(cx: &Ctx, state: &ScanState, store: &Store, on: bool) {
    if state.offline.swap(on, Ordering::SeqCst) != on {
        push(cx, store, state, None);
    }
}

fn push(cx: &Ctx, store: &Store, state: &ScanState, problem: Option<ScanProblem>) {
    cx.push(&ScanUpdate {
        waiting: store.checkin_waiting(&cx.info.profile).unwrap_or(0),
        offline: state.is_offline(),
        problem,
    });
}

pub(super) enum Sent {
    /// Answered (done, or a problem now listed), or taken by someone else.
    Done,
    /// Not sent: no network. Queued again, in its place.
    Offline,
    /// Not sent (too many requests): queued again.
    Later,
}

/// Send one queued row and record how it ended. Never a second request for a row whose first
/// may have been applied, except after a lost answer on the network (check-in and check-out
/// are idempotent at Qflow); a conflict found then says the stamp may be that first try's.
pub(super) async fn send_row(cx: &Ctx, store: &Store, row: CheckinRow) -> Result<Sent> {
    if !store.checkin_transition(row.id, CheckinState::Queued, CheckinState::Sending, None)? {
        return Ok(Sent::Done);
    }
    let state = cx.state::<ScanState>();
    let started = cx.now();
    let first = state
        .inner()
        .first_try
        .get(&row.id)
        .copied()
        .unwrap_or(started);
    let checkin = row.action == CheckinAction::CheckIn;
    let r = if checkin {
        cx.client.guest_checkin(row.attendee_id).await
    } else {
        cx.client.guest_checkout(row.attendee_id).await
    };
    let zone = cx.cached_event(row.event_id).await.map(|e| e.time_zone_id);
    let what = if checkin { "check-in" } else { "check-out" };
    let (to, message) = match r {
        Ok(g) => {
            cx.put_cached_guest(&g).await;
            let now_in = g.checked_in.unwrap_or(checkin);
            if let Some(ix) = state.inner().indexes.get_mut(&row.event_id) {
                ix.confirm(&row.barcode, now_in, g.check_in_time);
            }
            match g.check_in_time {
                Some(t) if checkin && is_conflict(Some(t), started) => {
                    let when = time_label(t, zone.as_deref(), cx.now());
                    // After a lost answer the stamp may be our own earlier try's: say so.
                    let ours = if is_conflict(Some(t), first) {
                        ""
                    } else {
                        " (or by this desk's earlier try, whose answer was lost)"
                    };
                    (
                        CheckinState::Conflict,
                        Some(format!(
                            "Checked in elsewhere at {when} before this scan reached Qflow{ours}"
                        )),
                    )
                }
                _ => (CheckinState::Done, None),
            }
        }
        Err(Error::Network { .. }) => {
            state.inner().first_try.insert(row.id, first);
            store.checkin_transition(row.id, CheckinState::Sending, CheckinState::Queued, None)?;
            return Ok(Sent::Offline);
        }
        Err(Error::Api(a)) if a.status == 429 => {
            store.checkin_transition(row.id, CheckinState::Sending, CheckinState::Queued, None)?;
            return Ok(Sent::Later);
        }
        Err(Error::Api(a)) if a.status == 404 => {
            if let Some(ix) = state.inner().indexes.get_mut(&row.event_id) {
                ix.confirm(&row.barcode, false, None);
            }
            (
                CheckinState::Conflict,
                Some(format!(
                    "Not on Qflow's list any more (the attendee was deleted): the {what} was not applied"
                )),
            )
        }
        Err(e) if e.may_have_been_applied() => (
            CheckinState::OutcomeUnknown,
            Some(format!(
                "The {what} may or may not have reached Qflow ({}); check the attendee at the desk",
                e.body().message
            )),
        ),
        Err(Error::Api(a)) => {
            if let Some(ix) = state.inner().indexes.get_mut(&row.event_id) {
                ix.confirm(&row.barcode, !checkin, None);
            }
            (
                CheckinState::Failed,
                Some(format!("Qflow refused the {what}: {}", a.message)),
            )
        }
        Err(e) => {
            // Not about this row (the keychain, the local database, signed out): try later.
            store.checkin_transition(row.id, CheckinState::Sending, CheckinState::Queued, None)?;
            return Err(e);
        }
    };
    state.inner().first_try.remove(&row.id);
    store.checkin_transition(row.id, CheckinState::Sending, to, message.as_deref())?;
    let shown = to.is_problem().then(|| {
        let mut r = row.clone();
        r.state = to;
        r.error = message;
        problem(&r, zone.as_deref(), cx.now())
    });
    push(cx, store, &state, shown);
    Ok(Sent::Done)
}
