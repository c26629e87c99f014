//! The scan mode's operations. Every answer is computed from the local index; the only thing
//! written before answering is the queue row (so a restart keeps it).

use std::sync::atomic::Ordering;
use std::sync::Arc;

use serde::Serialize;
use ts_rs::TS;

use super::answer;
use super::index::find_in;
use super::sender;
use super::state::{load_index, lock, problem, ScanState};
use super::types::*;
use crate::ops::ctx::Ctx;
use crate::ops::desk::EventIdRequest;
use crate::ops::guests::count;
use crate::store::{CheckinAction, CheckinRow, CheckinState, NewCheckin, Store};
use crate::validate::guid;
use crate::{Error, Result};

/// The window: the background sender runs from the first scan command of the session (rows a
/// crash left `sending` are recovered first).
fn ensure_sender(cx: &Arc<Ctx>, state: &Arc<ScanState>, store: &Store) -> Result<()> {
    let mut task = lock(&state.task);
    if task.is_none() && cx.is_open() {
        store.checkin_recover(&cx.info.profile)?;
        *task = Some(tokio::spawn(sender::run(
            Arc::downgrade(cx),
            Arc::clone(state),
        )));
    }
    Ok(())
}

/// `scan_open`: the scan mode for an event: its list loaded and indexed (offline, with nothing
/// loaded yet, the mode still opens: the queue is shown and scans are refused with a reason).
pub async fn scan_open(cx: &Arc<Ctx>, req: EventIdRequest) -> Result<ScanStatus> {
    let event_id = guid("eventId", &req.event_id)?;
    let state = cx.state::<ScanState>();
    let store = cx.local_store().await?;
    ensure_sender(cx, &state, &store)?;
    state.inner().open = Some(event_id);
    let _ = cx.event(event_id).await;
    if let Err(e) = load_index(cx, event_id, false).await {
        if !matches!(e, Error::Network { .. }) {
            return Err(e);
        }
        state.offline.store(true, Ordering::SeqCst);
    }
    state.wake.notify_one();
    scan_status(cx, req).await
}

/// `scan_close`: leaving the scan mode stops the list polling (the queue keeps going).
pub async fn scan_close(cx: &Arc<Ctx>) -> Result<()> {
    cx.state::<ScanState>().inner().open = None;
    Ok(())
}

/// `scan_barcode` (the window): answer at once from the index; a check-in is queued.
pub async fn scan_barcode(cx: &Arc<Ctx>, req: ScanRequest) -> Result<ScanAnswer> {
    let state = cx.state::<ScanState>();
    let store = cx.local_store().await?;
    ensure_sender(cx, &state, &store)?;
    let (answer, queued) = scan(cx, &store, req).await?;
    if queued.is_some() {
        state.wake.notify_one();
    }
    Ok(answer)
}

/// One scan against the event's index; the queue row it wrote, if any. The CLI sends that row
/// itself ([`scan_and_send`]); the window leaves it to the sender.
pub(super) async fn scan(
    cx: &Ctx,
    store: &Store,
    req: ScanRequest,
) -> Result<(ScanAnswer, Option<i64>)> {
    let event_id = guid("eventId", &req.event_id)?;
    let barcode = req.barcode.trim();
    if barcode.is_empty() {
        return Err(Error::invalid(
            "barcode",
            "scan a barcode or type one, then press Enter",
        ));
    }
    let state = cx.state::<ScanState>();
    if !state.inner().indexes.contains_key(&event_id) {
        load_index(cx, event_id, false).await.map_err(|e| match e {
            Error::Network { endpoint, message } => Error::Network {
                endpoint,
                message: format!("{message}. The attendee list is not loaded yet, so scans cannot be answered: they can once the network is back"),
            },
            e => e,
        })?;
    }
    let now = cx.now();
    let zone = cx.cached_event(event_id).await.map(|e| e.time_zone_id);
    {
        let mut inner = state.inner();
        let ix = inner
            .indexes
            .get_mut(&event_id)
            .ok_or_else(|| Error::internal("the barcode index went away"))?;
        if let Some(e) = ix.get_mut(barcode) {
            if e.checked_in {
                let at = e.here.map(|t| (t, true)).or(e.at.map(|t| (t, false)));
                let a = answer::already(
                    barcode,
                    &e.name,
                    e.tags.as_deref(),
                    at,
                    zone.as_deref(),
                    now,
                );
                return Ok((a, None));
            }
            // Written while the index is held: a double scan cannot queue twice.
            let id = store.checkin_enqueue(&NewCheckin {
                profile: cx.info.profile.clone(),
                event_id,
                attendee_id: e.id,
                barcode: barcode.to_owned(),
                attendee_name: e.name.clone(),
                action: CheckinAction::CheckIn,
                scanned_at: now,
            })?;
            e.checked_in = true;
            e.at = Some(now);
            e.here = Some(now);
            let a = answer::checked_in(barcode, &e.name, e.tags.as_deref(), id, now);
            return Ok((a, Some(id)));
        }
    }
    for list in cx.cached_lists().await {
        let other = list.event_id();
        if other == event_id {
            continue;
        }
        if let Some(name) = find_in(&list, barcode) {
            let title = match cx.cached_event(other).await {
                Some(e) => e.title,
                None => format!("another event ({other})"),
            };
            return Ok((answer::not_on_list(barcode, &name, &title), None));
        }
    }
    Ok((answer::unknown(barcode), None))
}

/// `scan_undo`: within 10 s of the scan. Not sent yet: cancelled. Sent (or being sent): a
/// check-out follows it in the queue.
pub async fn scan_undo(cx: &Arc<Ctx>, req: ScanRowRequest) -> Result<ScanUndone> {
    let store = cx.local_store().await?;
    let state = cx.state::<ScanState>();
    ensure_sender(cx, &state, &store)?;
    let row = own_row(cx, &store, req.id)?;
    if row.action != CheckinAction::CheckIn {
        return Err(Error::invalid("id", "only a check-in can be undone"));
    }
    if cx.now() - row.scanned_at > answer::UNDO_WINDOW {
        return Err(Error::invalid(
            "id",
            "undo is offered for 10 seconds after a scan; check the attendee out at the desk instead",
        ));
    }
    {
        let mut inner = state.inner();
        let cancelled = store.checkin_transition(
            row.id,
            CheckinState::Queued,
            CheckinState::Cancelled,
            None,
        )?;
        if !cancelled {
            let now = own_row(cx, &store, req.id)?;
            match now.state {
                CheckinState::Sending | CheckinState::Done => {
                    store.checkin_enqueue(&NewCheckin {
                        action: CheckinAction::CheckOut,
                        scanned_at: cx.now(),
                        profile: row.profile.clone(),
                        event_id: row.event_id,
                        attendee_id: row.attendee_id,
                        barcode: row.barcode.clone(),
                        attendee_name: row.attendee_name.clone(),
                    })?;
                }
                s => {
                    return Err(Error::invalid(
                        "id",
                        format!(
                            "this scan is {}: there is no check-in to undo",
                            s.as_str().replace('_', " ")
                        ),
                    ))
                }
            }
        }
        if let Some(ix) = inner.indexes.get_mut(&row.event_id) {
            ix.confirm(&row.barcode, false, None);
        }
    }
    state.wake.notify_one();
    Ok(ScanUndone {
        message: format!("Undone: {} is not checked in", row.attendee_name),
    })
}

fn own_row(cx: &Ctx, store: &Store, id: i64) -> Result<CheckinRow> {
    store
        .checkin_get(id)?
        .filter(|r| r.profile == cx.info.profile)
        .ok_or_else(|| Error::invalid("id", "no such scan"))
}

/// `scan_status`: what the scan mode shows besides the answer (local, no request).
pub async fn scan_status(cx: &Arc<Ctx>, req: EventIdRequest) -> Result<ScanStatus> {
    let event_id = guid("eventId", &req.event_id)?;
    let store = cx.local_store().await?;
    let state = cx.state::<ScanState>();
    let waiting = store.checkin_waiting(&cx.info.profile)?;
    let zone = cx.cached_event(event_id).await;
    let problems = store
        .checkin_rows(
            &cx.info.profile,
            event_id,
            &[
                CheckinState::Conflict,
                CheckinState::Failed,
                CheckinState::OutcomeUnknown,
            ],
        )?
        .iter()
        .map(|r| problem(r, zone.as_ref().map(|e| e.time_zone_id.as_str()), cx.now()))
        .collect();
    let (attendees, checked_in, read_at) = match state.inner().indexes.get(&event_id) {
        Some(ix) => (ix.len(), ix.checked_in_count(), ix.read_at),
        None => (0, 0, None),
    };
    Ok(ScanStatus {
        event_id: event_id.to_string(),
        event_title: zone.map(|e| e.title).unwrap_or_default(),
        waiting,
        waiting_label: answer::waiting_label(waiting),
        offline: state.is_offline(),
        attendees: count(attendees),
        checked_in: count(checked_in),
        problems,
        list_read_at: read_at.map(|t| t.to_rfc3339()),
    })
}

/// `scan_dismiss`: a listed problem leaves the list (the row is kept).
pub async fn scan_dismiss(cx: &Arc<Ctx>, req: ScanRowRequest) -> Result<()> {
    let store = cx.local_store().await?;
    if !store.checkin_dismiss(&cx.info.profile, req.id)? {
        return Err(Error::invalid("id", "no such problem to dismiss"));
    }
    Ok(())
}

/// What every screen can show: the queue's length, whether the network is gone.
#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct ScanQueue {
    pub waiting: u32,
    pub waiting_label: String,
    pub offline: bool,
}

/// `scan_queue`: the queue's length (local). Starts the sender, so scans left by an earlier
/// run go out without the scan mode being opened.
pub async fn scan_queue(cx: &Arc<Ctx>) -> Result<ScanQueue> {
    let store = cx.local_store().await?;
    let state = cx.state::<ScanState>();
    ensure_sender(cx, &state, &store)?;
    let waiting = store.checkin_waiting(&cx.info.profile)?;
    Ok(ScanQueue {
        waiting,
        waiting_label: answer::waiting_label(waiting),
        offline: state.is_offline(),
    })
}

/// The CLI's `guests checkin --barcode`: the same scan, then its check-in sent now (no
/// background queue in a one-shot command). The queue row's final state tells what happened.
pub async fn scan_and_send(cx: &Ctx, req: ScanRequest) -> Result<(ScanAnswer, Option<CheckinRow>)> {
    let store = cx.local_store().await?;
    let (answer, queued) = scan(cx, &store, req).await?;
    let Some(id) = queued else {
        return Ok((answer, None));
    };
    if let Some(row) = store.checkin_get(id)? {
        sender::send_row(cx, &store, row).await?;
    }
    Ok((answer, store.checkin_get(id)?))
}
