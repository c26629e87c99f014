//! The session's runner state shared by the runner and its reporter: at most one run, the
//! last update shown, and the controls.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use super::policy::{Backoff, Control};
use super::types::RecheckUpdate;

pub(super) struct Running {
    pub(super) generation: u64,
    pub(super) tx: tokio::sync::mpsc::UnboundedSender<Control>,
    pub(super) screen_open: bool,
}

pub(super) struct Inner {
    pub(super) running: Option<Running>,
    pub(super) last: RecheckUpdate,
    pub(super) generation: u64,
    pub(super) backoff: Backoff,
    /// None = the data dir.
    pub(super) settings_dir: Option<PathBuf>,
}

/// Every update gets a higher number than any before it in this process, across sessions:
/// the UI keeps the newest.
pub(super) fn next_seq() -> u32 {
    static SEQ: AtomicU32 = AtomicU32::new(0);
    SEQ.fetch_add(1, Ordering::SeqCst) + 1
}

pub(super) fn lock(inner: &Mutex<Inner>) -> MutexGuard<'_, Inner> {
    inner.lock().unwrap_or_else(|e| e.into_inner())
}

pub(super) fn control(inner: &Mutex<Inner>, c: Control) {
    let mut inner = lock(inner);
    if c == Control::Stop {
        stop_locked(&mut inner);
    } else if let Some(r) = &inner.running {
        let _ = r.tx.send(c);
    }
}

pub(super) fn stop_locked(inner: &mut Inner) {
    if let Some(r) = inner.running.take() {
        let _ = r.tx.send(Control::Stop);
        let background = inner.last.background;
        inner.last = RecheckUpdate {
            seq: next_seq(),
            // Keep the banner of a run that already verified.
            verified_banner: inner.last.verified_banner.take(),
            ..RecheckUpdate::off(background)
        };
    }
}

pub(super) fn millis(d: Duration) -> u32 {
    u32::try_from(d.as_millis()).unwrap_or(u32::MAX)
}
