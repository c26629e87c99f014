//! The session's scan state (the open event, the barcode indexes, the sender's task) and what
//! both the operations and the sender read from it.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard};

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::answer;
use super::index::BarcodeIndex;
use super::types::ScanProblem;
use crate::ops::ctx::{Ctx, SessionState};
use crate::store::{CheckinRow, CheckinState};
use crate::Result;

/// The session's scan state: the open event, the barcode indexes, the background sender.
#[derive(Default)]
pub struct ScanState {
    pub(super) inner: Mutex<Inner>,
    pub(super) wake: tokio::sync::Notify,
    pub(super) offline: AtomicBool,
    pub(super) task: Mutex<Option<tokio::task::JoinHandle<()>>>,
}

#[derive(Default)]
pub(super) struct Inner {
    /// The event whose scan mode is open (its list is re-read every 30 s).
    pub open: Option<Uuid>,
    pub indexes: HashMap<Uuid, BarcodeIndex>,
    /// Rows sent once whose answer was lost (the network went): when that first try started,
    /// so Qflow's time from it is not taken for someone else's check-in.
    pub first_try: HashMap<i64, DateTime<Utc>>,
}

impl SessionState for ScanState {
    fn close(&self) {
        if let Some(t) = lock(&self.task).take() {
            t.abort();
        }
    }
}

pub(super) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl ScanState {
    pub(super) fn inner(&self) -> MutexGuard<'_, Inner> {
        lock(&self.inner)
    }
    pub fn is_offline(&self) -> bool {
        self.offline.load(Ordering::SeqCst)
    }
}

/// Build (or rebuild, `refresh`) the event's index from its list, with the queue laid over it.
pub(super) async fn load_index(cx: &Ctx, event_id: Uuid, refresh: bool) -> Result<()> {
    let list = cx.guests(event_id, refresh, refresh).await?;
    let store = cx.local_store().await?;
    let rows = store.checkin_rows(
        &cx.info.profile,
        event_id,
        &[
            CheckinState::Queued,
            CheckinState::Sending,
            CheckinState::Done,
        ],
    )?;
    let ix = BarcodeIndex::build(&list, &rows, Some(cx.now()));
    cx.state::<ScanState>().inner().indexes.insert(event_id, ix);
    Ok(())
}

/// A problem row as listed: what happened, in words.
pub(super) fn problem(r: &CheckinRow, zone: Option<&str>, now: DateTime<Utc>) -> ScanProblem {
    ScanProblem {
        id: r.id,
        state: r.state.as_str().to_owned(),
        name: r.attendee_name.clone(),
        barcode: r.barcode.clone(),
        scanned_at: r.scanned_at.to_rfc3339(),
        message: format!(
            "{} (scanned at {})",
            r.error.clone().unwrap_or_default(),
            answer::time_label(r.scanned_at, zone, now)
        ),
    }
}
