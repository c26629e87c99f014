//! Attendee import in the window: the same parser (`crate::import`) and runner
//! (`ops::import_run`) as `guests import`, held by the signed-in session.
//!
//! Steps: the file picked with the native dialog is read here ([`import_open`]) and kept in the
//! session ([`Imports`]), never in the webview; [`import_preview`] shows the first rows with the
//! mapping, [`import_validate`] checks the whole file against the event (errors with lines,
//! duplicates in the file, attendees already in the event) and gives the dry run;
//! [`import_start`] records the job (file path, mapping, choices) and starts the paced runner
//! in a task; progress is pushed as [`ImportStatus`] (`import-progress`). An import that a
//! crash, a kill or a sign-out interrupted is offered by [`import_unfinished`] and resumed by
//! [`import_continue`] from the same file (same hash): rows already created are not sent again,
//! and a call whose answer was lost is resent with the same ids (bulk create is idempotent).

mod types;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use chrono::Utc;
use uuid::Uuid;

use crate::import::{plan_import_mapped, preview_csv, ImportPlan};
use crate::models::Guest;
use crate::ops::bulk::run::{BulkControl, BulkRunState};
use crate::ops::ctx::{Ctx, SessionState};
use crate::ops::import_run::{
    check_plan, classify, done_rows, dry_run, progress_key, read_csv_file, report_rows, run_import,
    write_report, ImportOptions, ImportProgress, RowAction,
};
use crate::store::{ImportJobRecord, ImportRowState, Store};
use crate::{Error, Result};

pub use types::*;

/// The file picked for the import (read once; the webview never sees its path).
struct Loaded {
    path: PathBuf,
    file_name: String,
    event_id: Uuid,
    bytes: Arc<Vec<u8>>,
    /// The event's attendees when the file was validated (by email).
    existing: Option<Arc<Vec<Guest>>>,
}

#[derive(Clone)]
struct Job {
    key: String,
    control: BulkControl,
    last: Arc<Mutex<ImportStatus>>,
}

#[derive(Default)]
struct Inner {
    loaded: Option<Loaded>,
    job: Option<Job>,
    /// A start between its check and its launch.
    starting: bool,
    closed: bool,
}

/// The session's import: the loaded file and the (one) running job.
#[derive(Default)]
pub struct Imports {
    inner: Mutex<Inner>,
}

impl SessionState for Imports {
    /// The session ended: the runner stops before its next call; the job is offered again at
    /// the next sign-in.
    fn close(&self) {
        let mut inner = lock(&self.inner);
        inner.closed = true;
        if let Some(job) = &inner.job {
            job.control.stop();
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

fn no_file() -> Error {
    Error::invalid(
        "file",
        "no file is loaded for the import: pick a CSV file first",
    )
}

fn event_id(field: &str, s: &str) -> Result<Uuid> {
    crate::validate::guid(field, s)
}

/// Read the picked file and keep it for the next steps; the answer previews it.
pub async fn import_open(cx: &Ctx, path: &Path, req: ImportOpenRequest) -> Result<ImportFile> {
    let event = event_id("eventId", &req.event_id)?;
    let p = path.to_owned();
    let bytes = tokio::task::spawn_blocking(move || read_csv_file("file", &p))
        .await
        .map_err(|e| Error::internal(format!("reading the file: {e}")))??;
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let preview = preview_csv(&bytes, &Default::default(), PREVIEW_ROWS);
    lock(&cx.state::<Imports>().inner).loaded = Some(Loaded {
        path: path.to_owned(),
        file_name: file_name.clone(),
        event_id: event,
        bytes: Arc::new(bytes),
        existing: None,
    });
    Ok(ImportFile {
        file_name,
        event_id: req.event_id,
        preview,
    })
}

/// The loaded file's bytes, its event and the attendees it was last checked against.
type LoadedParts = (Arc<Vec<u8>>, Uuid, Option<Arc<Vec<Guest>>>);

fn loaded(cx: &Ctx) -> Result<LoadedParts> {
    let imports = cx.state::<Imports>();
    let inner = lock(&imports.inner);
    let l = inner.loaded.as_ref().ok_or_else(no_file)?;
    Ok((Arc::clone(&l.bytes), l.event_id, l.existing.clone()))
}

/// The first rows again with the columns mapped as chosen.
pub async fn import_preview(cx: &Ctx, req: ImportChoices) -> Result<crate::import::CsvPreview> {
    let (bytes, _, _) = loaded(cx)?;
    Ok(preview_csv(&bytes, &req.overrides, PREVIEW_ROWS))
}

async fn plan_of(bytes: Arc<Vec<u8>>, event: Uuid, choices: &ImportChoices) -> Result<ImportPlan> {
    let overrides = choices.overrides.clone();
    tokio::task::spawn_blocking(move || plan_import_mapped(&bytes, event, &overrides))
        .await
        .map_err(|e| Error::internal(format!("checking the file: {e}")))
}

/// The event's attendees now (one background request).
async fn event_guests(cx: &Ctx, event: Uuid) -> Result<Arc<Vec<Guest>>> {
    Ok(Arc::new(cx.client.background().guests_list(event).await?))
}

/// Validate the whole file against the event: problems with lines, attendees already there,
/// and the dry run. Nothing is sent.
pub async fn import_validate(cx: &Ctx, req: ImportChoices) -> Result<ImportValidation> {
    let (bytes, event, existing) = loaded(cx)?;
    let plan = plan_of(bytes, event, &req).await?;
    let existing = match existing {
        Some(e) => e,
        None => {
            let e = event_guests(cx, event).await?;
            if let Some(l) = lock(&cx.state::<Imports>().inner).loaded.as_mut() {
                l.existing = Some(Arc::clone(&e));
            }
            e
        }
    };
    let actions = classify(&plan, &existing, req.existing);
    let store = cx.local_store().await?;
    let done = done_rows(&store, &progress_key(&plan, event))?;
    let dry = dry_run(&plan, &actions, &done, req.existing, cx.client.budget());
    let present: Vec<PresentRow> = plan
        .rows
        .iter()
        .zip(&plan.row_lines)
        .zip(&actions)
        .filter(|(_, a)| !matches!(a, RowAction::Create))
        .map(|((g, line), _)| PresentRow {
            line: *line,
            name: format!("{} {}", g.first_name, g.last_name)
                .trim()
                .to_owned(),
            email: g.email.clone(),
        })
        .collect();
    let blocked = check_plan(&plan, req.skip_invalid)
        .err()
        .map(|e| e.body().message);
    let cap = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    Ok(ImportValidation {
        dry_run: dry,
        errors_total: cap(plan.errors.len()),
        errors: plan.errors.iter().take(LIST_CAP).cloned().collect(),
        warnings: plan.warnings.iter().take(LIST_CAP).cloned().collect(),
        present_total: cap(present.len()),
        present: present.into_iter().take(LIST_CAP).collect(),
        can_start: blocked.is_none(),
        blocked_reason: blocked,
    })
}

/// Free the start slot unless launched.
struct Starting<'a> {
    imports: &'a Imports,
}

impl Drop for Starting<'_> {
    fn drop(&mut self) {
        lock(&self.imports.inner).starting = false;
    }
}

fn reserve(imports: &Imports) -> Result<Starting<'_>> {
    let mut inner = lock(&imports.inner);
    if inner.closed {
        return Err(Error::NotSignedIn(
            "The session ended before the import started".into(),
        ));
    }
    let running = inner
        .job
        .as_ref()
        .is_some_and(|j| !lock(&j.last).progress.state.is_over());
    if inner.starting || running {
        return Err(Error::invalid(
            "file",
            "an import is already running; wait for it, or pause or cancel it first",
        ));
    }
    inner.starting = true;
    Ok(Starting { imports })
}

/// Start the import of the loaded file with these choices (checked again first).
pub async fn import_start(cx: &Arc<Ctx>, req: ImportChoices) -> Result<ImportStatus> {
    let imports = cx.state::<Imports>();
    let _slot = reserve(&imports)?;
    let (path, file_name, bytes, event) = {
        let inner = lock(&imports.inner);
        let l = inner.loaded.as_ref().ok_or_else(no_file)?;
        (
            l.path.clone(),
            l.file_name.clone(),
            Arc::clone(&l.bytes),
            l.event_id,
        )
    };
    let plan = plan_of(bytes, event, &req).await?;
    check_plan(&plan, req.skip_invalid)?;
    let store = cx.local_store().await?;
    let key = progress_key(&plan, event);
    store.import_job_save(&ImportJobRecord {
        key: key.clone(),
        profile: cx.info.profile.clone(),
        event_id: event,
        file_path: path.to_string_lossy().into_owned(),
        file_name: file_name.clone(),
        overrides_json: serde_json::to_string(&req.overrides).unwrap_or_else(|_| "{}".into()),
        existing: serde_json::to_value(req.existing)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_else(|| "skip".into()),
        skip_invalid: req.skip_invalid,
        state: "running".into(),
        started_at: Utc::now(),
    })?;
    launch(cx, &imports, store, plan, file_name, req).await
}

async fn launch(
    cx: &Arc<Ctx>,
    imports: &Imports,
    store: Arc<Store>,
    plan: ImportPlan,
    file_name: String,
    choices: ImportChoices,
) -> Result<ImportStatus> {
    let event = plan.rows.first().map(|g| g.event_id).unwrap_or_default();
    // Fresh: someone may have added attendees since the file was validated.
    let existing = event_guests(cx, event).await?;
    let key = progress_key(&plan, event);
    let control = BulkControl::new();
    let first = ImportStatus {
        key: key.clone(),
        event_id: event.to_string(),
        file_name,
        progress: ImportProgress {
            state: BulkRunState::Running,
            to_send: 0,
            sent: 0,
            failed: 0,
            calls_done: 0,
            calls_total: 0,
            eta_seconds: 0,
            wait_seconds: None,
            note: None,
        },
        summary: None,
        report: Vec::new(),
        report_total: 0,
    };
    let last = Arc::new(Mutex::new(first.clone()));
    {
        let mut inner = lock(&imports.inner);
        if inner.closed {
            return Err(Error::NotSignedIn(
                "The session ended before the import started".into(),
            ));
        }
        inner.job = Some(Job {
            key: key.clone(),
            control: control.clone(),
            last: Arc::clone(&last),
        });
    }
    let cx = Arc::clone(cx);
    let opts = ImportOptions {
        skip_invalid: choices.skip_invalid,
        existing: choices.existing,
    };
    tokio::spawn(async move {
        let report = |p: &ImportProgress| {
            let mut s = lock(&last);
            s.progress = p.clone();
            let s = s.clone();
            cx.push(&s);
        };
        let r = run_import(
            &cx.client, &store, &plan, event, opts, &existing, &control, report,
        )
        .await;
        let mut s = lock(&last).clone();
        let state = match r {
            Ok(summary) => {
                s.progress.state = summary.state;
                s.summary = Some(summary);
                s.progress.state
            }
            Err(e) => {
                let b = e.body();
                s.progress.state = BulkRunState::Interrupted;
                s.progress.note = Some(format!("{} {}", b.message, b.next_step));
                BulkRunState::Interrupted
            }
        };
        let word = match state {
            BulkRunState::Finished => "finished",
            BulkRunState::Cancelled => "cancelled",
            _ => "interrupted",
        };
        let _ = store.import_job_set_state(&key, word);
        let rows = report_rows(&plan, &store, &key).unwrap_or_default();
        s.report_total = u32::try_from(rows.len()).unwrap_or(u32::MAX);
        s.report = rows.into_iter().take(LIST_CAP).collect();
        // The table shows the new attendees.
        if state == BulkRunState::Finished || s.progress.sent > 0 {
            let _ = cx.guests(event, true, true).await;
        }
        *lock(&last) = s.clone();
        cx.push(&s);
    });
    Ok(first)
}

fn control(cx: &Ctx, act: fn(&BulkControl)) -> Result<ImportStatus> {
    let job = lock(&cx.state::<Imports>().inner)
        .job
        .clone()
        .ok_or_else(|| Error::invalid("key", "no import is running"))?;
    act(&job.control);
    let s = lock(&job.last).clone();
    Ok(s)
}

/// Pause before the next call (a call under way finishes).
pub async fn import_pause(cx: &Ctx) -> Result<ImportStatus> {
    control(cx, BulkControl::pause)
}

pub async fn import_resume(cx: &Ctx) -> Result<ImportStatus> {
    control(cx, BulkControl::resume)
}

/// Stop sending (a call under way finishes and is recorded); what was created stays.
pub async fn import_cancel(cx: &Ctx) -> Result<ImportStatus> {
    control(cx, BulkControl::cancel)
}

/// The session's current (or last) import.
pub async fn import_status(cx: &Ctx) -> Result<Option<ImportStatus>> {
    Ok(lock(&cx.state::<Imports>().inner)
        .job
        .as_ref()
        .map(|j| lock(&j.last).clone()))
}

/// Imports of this profile a crash, a kill or a sign-out interrupted (not the one running).
pub async fn import_unfinished(cx: &Ctx) -> Result<Vec<ImportUnfinished>> {
    let store = cx.local_store().await?;
    let running = lock(&cx.state::<Imports>().inner)
        .job
        .as_ref()
        .filter(|j| !lock(&j.last).progress.state.is_over())
        .map(|j| j.key.clone());
    let mut out = Vec::new();
    for j in store.import_jobs_unfinished(&cx.info.profile)? {
        if Some(&j.key) == running.as_ref() {
            continue;
        }
        let rows = store.import_rows(&j.key)?;
        let finished =
            |s: ImportRowState| matches!(s, ImportRowState::Created | ImportRowState::Skipped);
        let remaining = rows.iter().filter(|r| !finished(r.state)).count();
        if remaining == 0 {
            store.import_job_set_state(&j.key, "finished")?;
            continue;
        }
        out.push(ImportUnfinished {
            key: j.key,
            event_id: j.event_id.to_string(),
            file_name: j.file_name,
            remaining: u32::try_from(remaining).unwrap_or(u32::MAX),
            total: u32::try_from(rows.len()).unwrap_or(u32::MAX),
            started_at: j.started_at.to_rfc3339(),
        });
    }
    Ok(out)
}

/// The unfinished imports into one event: offered again when its attendee pane opens.
pub async fn import_unfinished_for(
    cx: &Ctx,
    req: crate::ops::desk::EventIdRequest,
) -> Result<Vec<ImportUnfinished>> {
    let event = event_id("eventId", &req.event_id)?.to_string();
    let mut all = import_unfinished(cx).await?;
    all.retain(|j| j.event_id == event);
    Ok(all)
}

fn unfinished_record(store: &Store, profile: &str, key: &str) -> Result<ImportJobRecord> {
    store
        .import_jobs_unfinished(profile)?
        .into_iter()
        .find(|j| j.key == key)
        .ok_or_else(|| Error::invalid("key", "this import is not waiting to be resumed"))
}

/// Resume an interrupted import from its file (which must not have changed): rows already
/// created are not sent again; the others go with the same ids.
pub async fn import_continue(cx: &Arc<Ctx>, req: ImportKeyRequest) -> Result<ImportStatus> {
    let imports = cx.state::<Imports>();
    let _slot = reserve(&imports)?;
    let store = cx.local_store().await?;
    let job = unfinished_record(&store, &cx.info.profile, &req.key)?;
    let path = PathBuf::from(&job.file_path);
    let p = path.clone();
    let bytes = tokio::task::spawn_blocking(move || read_csv_file("file", &p))
        .await
        .map_err(|e| Error::internal(format!("reading the file: {e}")))?
        .map_err(|_| gone(&job.file_name))?;
    let choices = ImportChoices {
        overrides: serde_json::from_str(&job.overrides_json).unwrap_or_default(),
        existing: crate::ops::import_run::ExistingMode::parse("existing", &job.existing)
            .unwrap_or_default(),
        skip_invalid: job.skip_invalid,
    };
    let bytes = Arc::new(bytes);
    let plan = plan_of(Arc::clone(&bytes), job.event_id, &choices).await?;
    if progress_key(&plan, job.event_id) != job.key {
        return Err(gone(&job.file_name));
    }
    lock(&imports.inner).loaded = Some(Loaded {
        path,
        file_name: job.file_name.clone(),
        event_id: job.event_id,
        bytes,
        existing: None,
    });
    store.import_job_set_state(&job.key, "running")?;
    launch(cx, &imports, store, plan, job.file_name, choices).await
}

fn gone(name: &str) -> Error {
    Error::invalid(
        "file",
        format!("{name} was moved or changed since the import started: pick it again with Import attendees (rows already imported are not sent again if it is the same file)"),
    )
}

/// Forget an interrupted import (what was created stays in the event).
pub async fn import_discard(cx: &Ctx, req: ImportKeyRequest) -> Result<()> {
    let store = cx.local_store().await?;
    unfinished_record(&store, &cx.info.profile, &req.key)?;
    store.import_job_set_state(&req.key, "cancelled")
}

/// Write the last import's report (every row not imported) to `path` (0600).
pub async fn import_report_write(cx: &Ctx, path: &Path) -> Result<ImportReportWritten> {
    let imports = cx.state::<Imports>();
    let key = lock(&imports.inner)
        .job
        .as_ref()
        .map(|j| j.key.clone())
        .ok_or_else(|| Error::invalid("key", "no import to report on"))?;
    let (bytes, event, _) = loaded(cx)?;
    let store = cx.local_store().await?;
    let job = store
        .import_job_get(&key)?
        .ok_or_else(|| Error::invalid("key", "no import to report on"))?;
    let choices = ImportChoices {
        overrides: serde_json::from_str(&job.overrides_json).unwrap_or_default(),
        ..Default::default()
    };
    let plan = plan_of(bytes, event, &choices).await?;
    let rows = report_rows(&plan, &store, &key)?;
    let p = path.to_owned();
    let n = rows.len();
    tokio::task::spawn_blocking(move || write_report(&p, &rows))
        .await
        .map_err(|e| Error::internal(format!("writing the report: {e}")))??;
    Ok(ImportReportWritten {
        path: path.to_string_lossy().into_owned(),
        rows: u32::try_from(n).unwrap_or(u32::MAX),
    })
}

/// The report's suggested file name.
pub fn report_file_name(file_name: &str) -> String {
    let stem = file_name.strip_suffix(".csv").unwrap_or(file_name);
    format!("{stem}-not-imported.csv")
}

#[cfg(test)]
mod tests;
