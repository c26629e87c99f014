//! The bulk resend runner ("resend to selected"): sends a persisted queue (`store::bulk`) one
//! item at a time at background priority, paced at the shared budget's rate (58/min: one send
//! every ~1.03 s, under the guide's "≤ 1 per second" for bulk flushes), so the desk's interactive
//! calls still go first.
//!
//! Every item is marked `sending` (with a pending send-log row) *before* its request, so a crash
//! leaves it `sending`, which the next run turns into `outcome_unknown`: it is never re-sent
//! automatically. A request Qflow refused without processing it (429, 401, 403, or one that never
//! left this machine) goes back to the queue; 429 waits for `Retry-After` through the budget,
//! the others pause the job with the reason. Any other answer is final for that item
//! (422 `previous_send_permanently_failed` is recorded as failed and the job continues).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::Serialize;
use tokio::sync::watch;
use tokio::time::Instant;
use ts_rs::TS;

use crate::api::{Budget, Client};
use crate::budget::WINDOW;
use crate::models::SendRequest;
use crate::ops::send::send_once;
use crate::store::{BulkCounts, Store};
use crate::{Error, Result};

/// Where a job stands.
#[derive(Serialize, Clone, Copy, Debug, PartialEq, Eq, TS)]
#[serde(rename_all = "snake_case")]
pub enum BulkRunState {
    Running,
    /// Qflow asked to wait (429 with `Retry-After`); resumes by itself.
    Waiting,
    /// Paused by the person, or by the runner after an error every send would hit (`note`).
    Paused,
    /// Stopped with items left (sign-out, app closed); offered again at the next sign-in.
    Interrupted,
    Cancelled,
    Finished,
}

impl BulkRunState {
    pub fn is_over(self) -> bool {
        matches!(
            self,
            BulkRunState::Interrupted | BulkRunState::Cancelled | BulkRunState::Finished
        )
    }
}

/// A progress snapshot, sent after each item and on every state change.
#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
pub struct BulkProgress {
    pub job_id: String,
    // Inline: the bindings have this shape since the app embedded it across crates; kept as is.
    #[ts(inline)]
    pub state: BulkRunState,
    #[ts(inline)]
    pub counts: BulkCounts,
    /// Seconds left at the budget's pace (plus any rate-limit wait), not the average so far.
    pub eta_seconds: u32,
    /// Seconds Qflow asked to wait (while `waiting`).
    pub wait_seconds: Option<u32>,
    /// Why the runner paused the job itself (e.g. Qflow unreachable), with what to do.
    pub note: Option<String>,
}

/// What the person (or the app) asks the runner to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BulkCommand {
    Run,
    Pause,
    Cancel,
    /// Stop without cancelling: what is left stays queued for a later run.
    Stop,
}

/// Pause / resume / cancel / stop a running job. Cheap to clone; the runner checks it before
/// each item and while it waits, never in the middle of a request.
#[derive(Clone, Debug)]
pub struct BulkControl {
    tx: Arc<watch::Sender<BulkCommand>>,
    note: Arc<Mutex<Option<String>>>,
}

impl Default for BulkControl {
    fn default() -> Self {
        Self::new()
    }
}

impl BulkControl {
    pub fn new() -> BulkControl {
        BulkControl {
            tx: Arc::new(watch::channel(BulkCommand::Run).0),
            note: Arc::default(),
        }
    }

    pub fn command(&self) -> BulkCommand {
        *self.tx.borrow()
    }

    pub fn pause(&self) {
        self.set(|c| c == BulkCommand::Run, BulkCommand::Pause);
    }

    pub fn resume(&self) {
        *self.note.lock().unwrap_or_else(|e| e.into_inner()) = None;
        self.set(|c| c == BulkCommand::Pause, BulkCommand::Run);
    }

    pub fn cancel(&self) {
        self.set(
            |c| matches!(c, BulkCommand::Run | BulkCommand::Pause),
            BulkCommand::Cancel,
        );
    }

    pub fn stop(&self) {
        self.set(
            |c| matches!(c, BulkCommand::Run | BulkCommand::Pause),
            BulkCommand::Stop,
        );
    }

    /// Follow the commands (pause, cancel, …) from now on.
    pub(crate) fn subscribe(&self) -> watch::Receiver<BulkCommand> {
        self.tx.subscribe()
    }

    pub(crate) fn pause_because(&self, why: String) {
        *self.note.lock().unwrap_or_else(|e| e.into_inner()) = Some(why);
        self.pause();
    }

    pub(crate) fn note(&self) -> Option<String> {
        self.note.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    fn set(&self, from: impl Fn(BulkCommand) -> bool, to: BulkCommand) {
        self.tx.send_if_modified(|c| {
            let change = from(*c);
            if change {
                *c = to;
            }
            change
        });
    }
}

/// One send every `WINDOW / limit`: ~1.03 s for the default 58/min.
pub fn pace(budget: &Budget) -> Duration {
    WINDOW / budget.limit().max(1) as u32
}

/// Seconds to send `remaining` items at `pace`, after a wait of `wait`.
pub fn eta_seconds(remaining: u32, pace: Duration, wait: Option<Duration>) -> u32 {
    let total = pace * remaining + wait.unwrap_or_default();
    u32::try_from(total.as_secs() + u64::from(total.subsec_nanos() > 0)).unwrap_or(u32::MAX)
}

/// The job's progress as the store has it now.
pub fn snapshot(
    store: &Store,
    job_id: &str,
    state: BulkRunState,
    budget: &Budget,
    note: Option<String>,
) -> Result<BulkProgress> {
    let counts = store.bulk_counts(job_id)?;
    let wait = budget.paused_for();
    let remaining = if state.is_over() {
        0
    } else {
        counts.remaining()
    };
    Ok(BulkProgress {
        job_id: job_id.to_owned(),
        state,
        counts,
        eta_seconds: eta_seconds(remaining, pace(budget), wait),
        wait_seconds: wait
            .filter(|_| state == BulkRunState::Waiting)
            .map(|w| eta_seconds(1, Duration::ZERO, Some(w)).max(1)),
        note,
    })
}

/// What [`wait_turn`] ended with.
pub(crate) enum Turn {
    /// Send now; `waited`: Qflow's `Retry-After` was waited out (say "running" again).
    Go { waited: bool },
    /// A command (pause, cancel, stop) arrived while waiting: look at it first.
    Command,
}

/// Wait until `pace` has passed since `last_sent` and the budget has room (a 429's pause
/// included, reported through `on_wait` after each nap), or until a command arrives on `rx`.
pub(crate) async fn wait_turn(
    budget: &Budget,
    pace: Duration,
    last_sent: Option<Instant>,
    rx: &mut watch::Receiver<BulkCommand>,
    mut on_wait: impl FnMut() -> Result<()>,
) -> Result<Turn> {
    let mut waited = false;
    loop {
        let now = Instant::now();
        let pace_left = last_sent
            .map(|t| t + pace)
            .filter(|t| *t > now)
            .map(|t| t - now);
        let paused = budget.paused_for();
        let full = budget.full_for();
        if pace_left.is_none() && paused.is_none() && full.is_none() {
            return Ok(if rx.has_changed().unwrap_or(false) {
                Turn::Command
            } else {
                Turn::Go { waited }
            });
        }
        if paused.is_some() {
            // Every nap: the countdown on screen follows.
            on_wait()?;
            waited = true;
        }
        // Until the first thing waited for is over (a slot frees exactly then), at most 1 s.
        let nap = [pace_left, paused, full]
            .into_iter()
            .flatten()
            .max()
            .unwrap_or(Duration::from_millis(250))
            .clamp(Duration::from_millis(1), Duration::from_secs(1));
        tokio::select! {
            _ = tokio::time::sleep(nap) => {}
            _ = rx.changed() => return Ok(Turn::Command),
        }
    }
}

/// Refused before Qflow processed it, so the item can be sent later without sending twice.
pub(crate) fn not_processed(e: &Error) -> bool {
    match e {
        Error::Api(a) => matches!(a.status, 401 | 403 | 429),
        Error::Network { .. } | Error::SignIn(_) | Error::NotSignedIn(_) | Error::Keychain(_) => {
            true
        }
        _ => false,
    }
}

/// Run (or resume) `job_id` until it is finished, cancelled or stopped, reporting progress.
/// Items a previous run left `sending` become `outcome_unknown` first.
pub async fn run_bulk(
    client: &Client,
    store: &Store,
    job_id: &str,
    control: &BulkControl,
    mut progress: impl FnMut(&BulkProgress),
) -> Result<BulkProgress> {
    let client = client.background();
    let budget = client.budget().clone();
    let pace = pace(&budget);
    store.bulk_recover(job_id)?;
    let mut rx = control.tx.subscribe();
    let mut last_sent: Option<Instant> = None;
    let mut emit = |state: BulkRunState| -> Result<BulkProgress> {
        let p = snapshot(store, job_id, state, &budget, control.note())?;
        progress(&p);
        Ok(p)
    };
    loop {
        let command = *rx.borrow_and_update();
        match command {
            BulkCommand::Cancel => {
                store.bulk_cancel(job_id)?;
                return emit(BulkRunState::Cancelled);
            }
            BulkCommand::Stop => return emit(BulkRunState::Interrupted),
            BulkCommand::Pause => {
                emit(BulkRunState::Paused)?;
                if rx.changed().await.is_err() {
                    return emit(BulkRunState::Interrupted);
                }
                continue;
            }
            BulkCommand::Run => {}
        }
        let Some(item) = store.bulk_next(job_id)? else {
            return emit(BulkRunState::Finished);
        };

        // Wait for the pace and for room in the budget *before* writing `sending`, so that a
        // crash during a long wait does not leave an unsent item looking "maybe sent".
        match wait_turn(&budget, pace, last_sent, &mut rx, || {
            emit(BulkRunState::Waiting).map(drop)
        })
        .await?
        {
            Turn::Go { waited } => {
                if waited {
                    emit(BulkRunState::Running)?;
                }
            }
            Turn::Command => continue, // a pause, cancel or stop arrived while waiting
        }

        last_sent = Some(Instant::now());
        let log_id = store.bulk_begin_send(item.id)?;
        let req = SendRequest {
            attendee_id: item.attendee_id,
            template_id: item.template_id,
            correlation_id: item.correlation_id.clone(),
        };
        let (outcome, result) = send_once(&client, &req).await;
        match &result {
            Err(e) if not_processed(e) => {
                let body = e.body();
                store.bulk_requeue(item.id, log_id, &body.code, &body.message)?;
                // A 429 paused the budget: the wait above honours Retry-After. Anything else
                // would refuse every item the same way: pause and say why.
                if !matches!(e, Error::Api(a) if a.status == 429) {
                    control.pause_because(format!("{} {}", body.message, body.next_step));
                }
            }
            // A 5xx is an unknown outcome already (`send_once`): finished as such, never resent.
            _ => store.bulk_finish_send(item.id, log_id, &outcome)?,
        }
        emit(BulkRunState::Running)?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eta_follows_the_budget_pace() {
        let b = Budget::new(50);
        assert_eq!(pace(&b), Duration::from_millis(1200));
        assert_eq!(eta_seconds(132, pace(&b), None), 159); // 158.4 s, rounded up
        assert_eq!(eta_seconds(10, pace(&b), Some(Duration::from_secs(30))), 42);
        assert_eq!(eta_seconds(0, pace(&b), None), 0);
    }

    #[test]
    fn control_moves_only_forward_from_cancel_and_stop() {
        let c = BulkControl::new();
        c.pause();
        assert_eq!(c.command(), BulkCommand::Pause);
        c.resume();
        assert_eq!(c.command(), BulkCommand::Run);
        c.cancel();
        c.resume();
        c.pause();
        assert_eq!(c.command(), BulkCommand::Cancel);
        let c = BulkControl::new();
        c.pause_because("offline".into());
        assert_eq!(c.note().as_deref(), Some("offline"));
        c.stop();
        c.resume();
        assert_eq!(c.command(), BulkCommand::Stop);
    }
}

#[cfg(test)]
mod sandbox_tests;
