//! The session's one job: [`BulkJobs`] is session state (`cx.state::<BulkJobs>()`), so signing
//! out or into another profile stops the job between two items; what is left stays queued in
//! the local store and is offered at the next sign-in.
//!
//! Starting is two steps with awaits in between (checking the selection, queueing it on disk).
//! The slot is reserved atomically *before* the first await ([`reserve`]), so two `bulk_start`
//! calls at once make one job; the other is refused at once.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use uuid::Uuid;

use super::run::{self, run_bulk, BulkControl, BulkProgress, BulkRunState};
use super::types::{BulkProblem, BulkStatus};
use crate::ops::ctx::{Ctx, SessionState};
use crate::store::{BulkItemState, Store};
use crate::{Error, Result};

#[derive(Clone)]
struct Job {
    id: String,
    control: BulkControl,
    last: Arc<Mutex<BulkStatus>>,
}

impl Job {
    fn running(&self) -> bool {
        !lock(&self.last).progress.state.is_over()
    }
}

#[derive(Default)]
struct Slot {
    /// A `bulk_start` / `bulk_continue` between its reservation and its launch.
    starting: bool,
    /// The current (or last) job of the session.
    job: Option<Job>,
    /// The session ended: nothing starts any more.
    closed: bool,
}

/// The session's bulk job (at most one runs at a time).
#[derive(Default)]
pub struct BulkJobs {
    slot: Mutex<Slot>,
}

impl SessionState for BulkJobs {
    /// The session ended: the runner stops before its next item (a request under way is
    /// finished and recorded first); the rest stays queued for the next sign-in.
    fn close(&self) {
        let mut slot = lock(&self.slot);
        slot.closed = true;
        if let Some(job) = &slot.job {
            job.control.stop();
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

fn session_ended() -> Error {
    Error::NotSignedIn("The session ended before the resend started".into())
}

impl BulkJobs {
    fn job(&self) -> Option<Job> {
        lock(&self.slot).job.clone()
    }

    /// The id of the session's current (or last) job.
    pub(super) fn job_id(&self) -> Option<String> {
        self.job().map(|j| j.id)
    }

    /// True while `job_id` is the session's job and not over (or a start is under way).
    pub(super) fn is_running(&self, job_id: &str) -> bool {
        let slot = lock(&self.slot);
        slot.job
            .as_ref()
            .is_some_and(|j| j.id == job_id && j.running())
    }
}

/// The right to start the session's job, held from before the first await until the launch.
/// Dropped without launching (a refused selection, a failed write, a cancelled call), it frees
/// the slot again.
pub(super) struct Reservation {
    jobs: Arc<BulkJobs>,
    launched: bool,
}

impl Drop for Reservation {
    fn drop(&mut self) {
        if !self.launched {
            lock(&self.jobs.slot).starting = false;
        }
    }
}

/// Take the slot, or say why not. Synchronous: no await between the check and the claim.
pub(super) fn reserve(cx: &Ctx) -> Result<Reservation> {
    let jobs = cx.state::<BulkJobs>();
    // A state created after the session closed would never be closed itself.
    if !cx.is_open() {
        return Err(session_ended());
    }
    let mut slot = lock(&jobs.slot);
    if slot.closed {
        return Err(session_ended());
    }
    if slot.starting {
        return Err(Error::invalid(
            "guestIds",
            "a resend to selected attendees is already starting; wait for its progress, then pause or cancel it",
        ));
    }
    if slot.job.as_ref().is_some_and(Job::running) {
        return Err(Error::invalid(
            "guestIds",
            "a resend to selected attendees is already running; pause or cancel it first",
        ));
    }
    slot.starting = true;
    drop(slot);
    Ok(Reservation {
        jobs,
        launched: false,
    })
}

/// What the job shows besides the counts.
pub(super) struct JobInfo {
    pub job_id: String,
    pub template_name: Option<String>,
    pub skipped_recent: u32,
    /// Attendee names for the summary (after a restart too: they are stored with the items).
    pub names: HashMap<Uuid, String>,
}

/// Start the runner for a queued job in the reserved slot. Progress is pushed to the UI as
/// [`BulkStatus`] (`bulk-progress`) after every step.
pub(super) fn launch(
    cx: &Arc<Ctx>,
    mut reservation: Reservation,
    store: Arc<Store>,
    info: JobInfo,
) -> Result<BulkStatus> {
    let JobInfo {
        job_id,
        template_name,
        skipped_recent,
        names,
    } = info;
    let control = BulkControl::new();
    let first = run::snapshot(
        &store,
        &job_id,
        BulkRunState::Running,
        cx.client.budget(),
        None,
    )?;
    let status = status_of(&store, first, template_name.clone(), skipped_recent, &names);
    let last = Arc::new(Mutex::new(status.clone()));
    {
        let mut slot = lock(&reservation.jobs.slot);
        if slot.closed {
            drop(slot);
            return Err(session_ended());
        }
        slot.job = Some(Job {
            id: job_id.clone(),
            control: control.clone(),
            last: Arc::clone(&last),
        });
        slot.starting = false;
    }
    reservation.launched = true;
    let cx = Arc::clone(cx);
    tokio::spawn(async move {
        let report = |p: &BulkProgress| {
            let s = status_of(
                &store,
                p.clone(),
                template_name.clone(),
                skipped_recent,
                &names,
            );
            *lock(&last) = s.clone();
            cx.push(&s);
        };
        if let Err(e) = run_bulk(&cx.client, &store, &job_id, &control, report).await {
            let b = e.body();
            let mut s = lock(&last).clone();
            s.progress.state = BulkRunState::Interrupted;
            s.progress.note = Some(format!("{} {}", b.message, b.next_step));
            *lock(&last) = s.clone();
            cx.push(&s);
        }
    });
    Ok(status)
}

fn status_of(
    store: &Store,
    progress: BulkProgress,
    template_name: Option<String>,
    skipped_recent: u32,
    names: &HashMap<Uuid, String>,
) -> BulkStatus {
    let problems = if progress.counts.failed + progress.counts.outcome_unknown == 0 {
        Vec::new()
    } else {
        store
            .bulk_items(&progress.job_id)
            .unwrap_or_default()
            .into_iter()
            .filter(|i| {
                matches!(
                    i.state,
                    BulkItemState::Failed | BulkItemState::OutcomeUnknown
                )
            })
            .map(|i| BulkProblem {
                guest_id: i.attendee_id.to_string(),
                name: names
                    .get(&i.attendee_id)
                    .cloned()
                    .unwrap_or_else(|| i.attendee_id.to_string()),
                state: i.state.as_str().to_owned(),
                reason: i.error.unwrap_or_default(),
            })
            .collect()
    };
    BulkStatus {
        progress,
        template_name,
        skipped_recent,
        problems,
    }
}

fn control(cx: &Ctx, act: fn(&BulkControl)) -> Result<BulkStatus> {
    let job = cx
        .state::<BulkJobs>()
        .job()
        .ok_or_else(|| Error::invalid("jobId", "no resend to selected attendees is running"))?;
    act(&job.control);
    let s = lock(&job.last).clone();
    Ok(s)
}

/// Pause before the next item (a send under way finishes).
pub async fn bulk_pause(cx: &Ctx) -> Result<BulkStatus> {
    control(cx, BulkControl::pause)
}

pub async fn bulk_resume(cx: &Ctx) -> Result<BulkStatus> {
    control(cx, BulkControl::resume)
}

/// Cancel what is left (a send under way finishes and is recorded).
pub async fn bulk_cancel(cx: &Ctx) -> Result<BulkStatus> {
    control(cx, BulkControl::cancel)
}

/// The session's current (or last) job, for the first paint and polling.
pub async fn bulk_status(cx: &Ctx) -> Result<Option<BulkStatus>> {
    Ok(cx
        .state::<BulkJobs>()
        .job()
        .map(|job| lock(&job.last).clone()))
}
