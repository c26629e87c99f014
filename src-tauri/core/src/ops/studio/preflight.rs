//! Pre-flight over the session: the template (saved, or the editor's current fields) merged
//! against every attendee of the event from the session's guest list, by [`crate::preflight`].

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use super::types::{PreflightRequest, TemplateEdit};
use crate::merge::{MergeContext, TemplateFields};
use crate::models::Template;
use crate::ops::ctx::{Ctx, SessionState};
use crate::preflight::{preflight_until as run, PreflightOptions, PreflightReport};
use crate::validate::guid;
use crate::{Error, Result};

/// Longest name limit a user may set (a limit above it checks nothing useful).
const MAX_NAME_LIMIT: u32 = 1_000;
/// Most attendees a finding may name (the rest are counted, not listed).
const MAX_ATTENDEE_CAP: u32 = 1_000;

/// The pre-flight running for the editor, if any: its stop flag and the fields it checks. A
/// keystroke that changes those fields stops it at once (its report would describe text that
/// no longer stands, and on two cores its merges would compete with the keystroke's preview);
/// so does a newer pre-flight or the end of the session.
#[derive(Default)]
pub struct PreflightRuns {
    running: Mutex<Option<Run>>,
}

struct Run {
    stop: Arc<AtomicBool>,
    /// None for a saved template's check (no preview edits it).
    fields: Option<TemplateEdit>,
}

impl SessionState for PreflightRuns {
    fn close(&self) {
        self.stop_all();
    }
}

impl PreflightRuns {
    fn lock(&self) -> std::sync::MutexGuard<'_, Option<Run>> {
        self.running.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Registers a new run, stopping the one before it.
    pub(super) fn start(&self, fields: Option<TemplateEdit>) -> Arc<AtomicBool> {
        let stop = Arc::new(AtomicBool::new(false));
        let old = self.lock().replace(Run {
            stop: Arc::clone(&stop),
            fields,
        });
        if let Some(old) = old {
            old.stop.store(true, Ordering::Relaxed);
        }
        stop
    }

    #[cfg(test)]
    pub(super) fn is_running(&self) -> bool {
        self.lock().is_some()
    }

    fn finished(&self, stop: &Arc<AtomicBool>) {
        let mut running = self.lock();
        if running.as_ref().is_some_and(|r| Arc::ptr_eq(&r.stop, stop)) {
            *running = None;
        }
    }

    fn stop_all(&self) {
        if let Some(r) = self.lock().take() {
            r.stop.store(true, Ordering::Relaxed);
        }
    }

    /// Called by the preview with the editor's fields: stops a running check of other fields.
    /// `html_changed`: the request changes the html (a non-empty patch; its `html` is then not
    /// the whole text and is not compared).
    pub(crate) fn edited(&self, fields: &TemplateEdit, html_changed: bool) {
        let mut running = self.lock();
        let stale = running.as_ref().is_some_and(|r| {
            r.fields.as_ref().is_some_and(|f| {
                html_changed || !same_for_check(f, fields, html_changed || fields.html.is_empty())
            })
        });
        if stale {
            if let Some(r) = running.take() {
                r.stop.store(true, Ordering::Relaxed);
            }
        }
    }
}

/// Same for the check (the name, from name and reply-to are not checked).
fn same_for_check(a: &TemplateEdit, b: &TemplateEdit, skip_html: bool) -> bool {
    a.subject == b.subject
        && a.attach_pdf == b.attach_pdf
        && a.email_body == b.email_body
        && a.from_address == b.from_address
        && (skip_html || a.html == b.html)
}

/// The error for a run stopped by newer input (the editor drops it: a new check follows the
/// next pause in typing).
fn superseded() -> Error {
    Error::Superseded("The pre-flight was stopped: the template changed while it ran.".into())
}

pub async fn preflight(cx: &Ctx, req: PreflightRequest) -> Result<PreflightReport> {
    let runs = cx.state::<PreflightRuns>();
    let stop = runs.start(req.fields.clone());
    let out = checked(cx, req, Arc::clone(&stop)).await;
    runs.finished(&stop);
    out
}

async fn checked(
    cx: &Ctx,
    req: PreflightRequest,
    stop: Arc<AtomicBool>,
) -> Result<PreflightReport> {
    let event_id = guid("eventId", &req.event_id)?;
    let mut opts = PreflightOptions::default();
    if let Some(n) = req.name_limit {
        opts.name_limit = from_one_to("nameLimit", n, MAX_NAME_LIMIT, "characters")?;
    }
    if let Some(n) = req.attendee_cap {
        opts.attendee_cap = from_one_to("attendeeCap", n, MAX_ATTENDEE_CAP, "attendees")?;
    }
    let source = match (&req.fields, req.template_id.as_deref()) {
        (Some(edit), _) => Source::Edit(edit.clone()),
        (None, Some(id)) => Source::Saved(cx.template(guid("templateId", id)?).await?),
        (None, None) => {
            return Err(Error::invalid(
                "templateId",
                "give a template id or the editor's fields",
            ))
        }
    };
    let event = cx.event(event_id).await?;
    let list = cx.guests(event_id, false, false).await?;
    // CPU work (up to tens of thousands of merges, on every core): off the async workers, and
    // behind the studio's keystroke → preview path when both want the CPU.
    if stop.load(Ordering::Relaxed) {
        return Err(superseded());
    }
    in_background(move || {
        let attendees = list.to_guests();
        let base = MergeContext::new(attendees.first().cloned().unwrap_or_default(), event);
        run(&source.fields(), &base, &attendees, &opts, &stop)
    })
    .await?
    .ok_or_else(superseded)
}

/// Runs `work` on a thread of its own at a lower CPU priority (Linux: nice 10, inherited by the
/// threads it starts). The studio asks for a pre-flight when typing pauses; if typing resumes
/// while it runs, the preview's few milliseconds still come first. Its own thread, not the
/// blocking pool: an unprivileged thread cannot take its priority back.
async fn in_background<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Result<T> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    std::thread::Builder::new()
        .name("preflight".into())
        .spawn(move || {
            lower_priority();
            let _ = tx.send(work());
        })
        .map_err(|e| Error::internal(format!("pre-flight could not start: {e}")))?;
    rx.await
        .map_err(|_| Error::internal("pre-flight stopped before it finished"))
}

/// Nice value of the pre-flight thread (0 = normal, 19 = lowest).
const BACKGROUND_NICE: i32 = 10;

fn lower_priority() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: get/setpriority take plain integers; who = 0 is the calling thread on Linux (nice
    // is per thread there). A failure only leaves the caller's priority. Never raised: a process
    // started at nice 19 keeps its pre-flight at 19 (root could otherwise set 10).
    unsafe {
        let current = libc::getpriority(libc::PRIO_PROCESS, 0);
        libc::setpriority(libc::PRIO_PROCESS, 0, BACKGROUND_NICE.max(current));
    }
}

#[cfg(all(test, target_os = "linux", target_env = "gnu"))]
mod priority_tests {
    #[tokio::test]
    async fn the_work_and_its_threads_run_at_background_priority_and_callers_keep_theirs() {
        // SAFETY: getpriority reads the calling thread's nice value.
        let nice = || unsafe { libc::getpriority(libc::PRIO_PROCESS, 0) };
        let before = nice();
        let (inside, child) = super::in_background(move || {
            let child = std::thread::spawn(nice).join().unwrap();
            (nice(), child)
        })
        .await
        .unwrap();
        assert_eq!(inside, super::BACKGROUND_NICE.max(before));
        assert_eq!(child, inside, "threads it starts inherit the priority");
        assert_eq!(nice(), before);
    }
}

/// `n` if it is between 1 and `max`, else an invalid-input error naming `field`.
fn from_one_to(field: &str, n: u32, max: u32, unit: &str) -> Result<u32> {
    if n == 0 || n > max {
        return Err(Error::invalid(
            field,
            format!("must be between 1 and {max} {unit}"),
        ));
    }
    Ok(n)
}

pub(crate) enum Source {
    Edit(TemplateEdit),
    Saved(Template),
}

impl Source {
    fn fields(&self) -> TemplateFields<'_> {
        match self {
            Source::Edit(e) => e.fields(),
            Source::Saved(t) => TemplateFields::from(t),
        }
    }
}
