//! The bulk import runner behind `guests import` and the app's import screen: sends a
//! validated [`ImportPlan`] in chunks of at most 200 (the API's cap) through the shared rate
//! budget at background priority, reports progress after each chunk, and resumes. Every row
//! already has a stable id (`import::stable_guest_id` or the file's `id` column), and the
//! local store records which rows were created under the file's hash and the event, so a re-run
//! after a crash or a network failure sends only what is left, and resending a chunk whose
//! answer was lost creates nobody twice (bulk create is idempotent on ids).

use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use tokio::time::Instant;
use ts_rs::TS;
use uuid::Uuid;

use crate::api::Client;
use crate::import::{too_large, ImportPlan, CHUNK_SIZE, MAX_FILE_BYTES};
use crate::models::Guest;
use crate::ops::bulk::run::{
    eta_seconds, not_processed, pace, wait_turn, BulkCommand, BulkControl, BulkRunState, Turn,
};
use crate::store::{ImportRowState, Store};
use crate::{Error, Result};

/// What to do with a row whose email is already an attendee of the event (under another id).
#[derive(Deserialize, Serialize, Clone, Copy, Debug, Default, PartialEq, Eq, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub enum ExistingMode {
    /// Leave the attendee as Qflow has it.
    #[default]
    Skip,
    /// Overwrite the attendee's fields with the file's (one `PUT /api/guest` each).
    Update,
}

impl ExistingMode {
    /// `skip` or `update` (the CLI's `--existing`).
    pub fn parse(field: &str, s: &str) -> Result<ExistingMode> {
        match s.trim().to_ascii_lowercase().as_str() {
            "skip" => Ok(ExistingMode::Skip),
            "update" => Ok(ExistingMode::Update),
            _ => Err(Error::invalid(
                field,
                format!("'{s}' is not skip or update: say what to do with attendees already in the event"),
            )),
        }
    }

    fn word(self) -> &'static str {
        match self {
            ExistingMode::Skip => "skip",
            ExistingMode::Update => "update",
        }
    }
}

/// How an import treats invalid rows and attendees already in the event.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ImportOptions {
    pub skip_invalid: bool,
    pub existing: ExistingMode,
}

/// What happens to one valid row of the plan.
#[derive(Clone, Debug, PartialEq)]
pub enum RowAction {
    /// Bulk-created with its stable id (idempotent: a resend creates nobody twice).
    Create,
    /// Already in the event under another id: this merged attendee is written instead.
    Update(Box<Guest>),
    /// Already in the event under another id, and left as it is.
    Skip,
}

/// The existing attendee with the file's values written over it (fields the file leaves empty
/// keep theirs; fields the file does not have are kept too).
fn merged(existing: &Guest, row: &Guest) -> Guest {
    let mut g = existing.clone();
    g.first_name.clone_from(&row.first_name);
    g.last_name.clone_from(&row.last_name);
    g.email.clone_from(&row.email);
    for (to, from) in [
        (&mut g.other_names, &row.other_names),
        (&mut g.barcode, &row.barcode),
        (&mut g.additional_info, &row.additional_info),
        (&mut g.tags, &row.tags),
        (&mut g.tickets, &row.tickets),
        (&mut g.sessions, &row.sessions),
    ] {
        if from.is_some() {
            to.clone_from(from);
        }
    }
    if row.plus_ones.is_some() {
        g.plus_ones = row.plus_ones;
    }
    if row.custom_fields.is_some() {
        g.custom_fields.clone_from(&row.custom_fields);
    }
    g
}

/// Each valid row's action against the event's current attendees, matched by email
/// (ignoring case). An attendee with the row's own id is this import's (an earlier run, or a
/// chunk whose answer was lost): created again idempotently, not "already present".
pub fn classify(plan: &ImportPlan, existing: &[Guest], mode: ExistingMode) -> Vec<RowAction> {
    let by_email: HashMap<String, &Guest> = existing
        .iter()
        .filter(|g| !g.email.trim().is_empty())
        .map(|g| (g.email.trim().to_lowercase(), g))
        .collect();
    plan.rows
        .iter()
        .map(|row| match by_email.get(&row.email.trim().to_lowercase()) {
            Some(g) if g.id != row.id => match mode {
                ExistingMode::Skip => RowAction::Skip,
                ExistingMode::Update => RowAction::Update(Box::new(merged(g, row))),
            },
            _ => RowAction::Create,
        })
        .collect()
}

/// The whole file checked against the event, before anything is sent.
#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct DryRun {
    /// Data rows in the file.
    pub rows: u32,
    pub to_create: u32,
    pub to_update: u32,
    /// Already attendees of the event (by email), left as they are.
    pub to_skip: u32,
    /// Created by an earlier run of this file (left out of this one).
    pub already_imported: u32,
    /// Rows with errors (left out only if the user asks to skip them).
    pub rows_with_errors: u32,
    pub warnings: u32,
    /// Bulk and update calls this run makes.
    pub calls: u32,
    /// At the shared budget's pace.
    pub eta_seconds: u32,
    /// One line: "1,992 to create, 5 already present (skip), 3 rows with errors".
    pub summary: String,
}

/// `1992` → `1,992`.
pub fn grouped(n: u32) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Rows with at least one error.
fn invalid_rows(plan: &ImportPlan) -> HashSet<usize> {
    plan.errors.iter().filter_map(|e| e.row).collect()
}

/// The dry-run summary of `plan` with its `actions`; `done` = rows an earlier run created.
pub fn dry_run(
    plan: &ImportPlan,
    actions: &[RowAction],
    done: &HashSet<i64>,
    mode: ExistingMode,
    budget: &crate::api::Budget,
) -> DryRun {
    let c32 = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    let pending = |f: fn(&RowAction) -> bool| {
        actions
            .iter()
            .enumerate()
            .filter(|(i, a)| f(a) && !done.contains(&(*i as i64)))
            .count()
    };
    let to_create = pending(|a| matches!(a, RowAction::Create));
    let to_update = pending(|a| matches!(a, RowAction::Update(_)));
    let present = actions
        .iter()
        .filter(|a| !matches!(a, RowAction::Create))
        .count();
    let to_skip = pending(|a| matches!(a, RowAction::Skip));
    let bad = invalid_rows(plan).len();
    let calls = to_create.div_ceil(CHUNK_SIZE) + to_update;
    let mut parts = vec![format!("{} to create", grouped(c32(to_create)))];
    if present > 0 || mode == ExistingMode::Update {
        parts.push(format!(
            "{} already present ({})",
            grouped(c32(present)),
            mode.word()
        ));
    }
    if !done.is_empty() {
        parts.push(format!(
            "{} imported by an earlier run",
            grouped(c32(done.len()))
        ));
    }
    parts.push(format!(
        "{} row{} with errors",
        grouped(c32(bad)),
        if bad == 1 { "" } else { "s" }
    ));
    DryRun {
        rows: c32(plan.total_rows),
        to_create: c32(to_create),
        to_update: c32(to_update),
        to_skip: c32(to_skip),
        already_imported: c32(done.len()),
        rows_with_errors: c32(bad),
        warnings: c32(plan.warnings.len()),
        calls: c32(calls),
        eta_seconds: eta_seconds(c32(calls.saturating_sub(1)), pace(budget), None),
        summary: parts.join(", "),
    }
}

/// Progress after each call (and on every state change).
#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct ImportProgress {
    #[ts(inline)]
    pub state: BulkRunState,
    /// Rows to create or update in this run (not counting ones an earlier run created).
    #[ts(type = "number")]
    pub to_send: usize,
    #[ts(type = "number")]
    pub sent: usize,
    /// Rows of calls Qflow refused (in the report; a re-run sends them again, same ids).
    #[ts(type = "number")]
    pub failed: usize,
    #[ts(type = "number")]
    pub calls_done: usize,
    #[ts(type = "number")]
    pub calls_total: usize,
    /// Seconds left at the budget's pace (plus any rate-limit wait).
    pub eta_seconds: u32,
    /// Seconds Qflow asked to wait (while `waiting`).
    pub wait_seconds: Option<u32>,
    /// Why the import stopped by itself, with what to do.
    pub note: Option<String>,
}

#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct ImportSummary {
    pub file_hash: String,
    pub event_id: Uuid,
    #[ts(inline)]
    pub state: BulkRunState,
    /// Data rows in the file.
    #[ts(type = "number")]
    pub rows: usize,
    /// Created (or confirmed) in this run.
    #[ts(type = "number")]
    pub created: usize,
    /// Attendees already in the event whose fields the file updated.
    #[ts(type = "number")]
    pub updated: usize,
    /// Attendees already in the event, left as they were.
    #[ts(type = "number")]
    pub already_present: usize,
    /// Already created by an earlier run of the same file into the same event.
    #[ts(type = "number")]
    pub already_imported: usize,
    /// Invalid rows left out on request.
    #[ts(type = "number")]
    pub skipped: usize,
    /// Rows of calls Qflow refused.
    #[ts(type = "number")]
    pub failed: usize,
    /// Rows not sent (cancelled or interrupted).
    #[ts(type = "number")]
    pub not_sent: usize,
}

/// The store key of a plan's progress: the file's hash and the target event (the same file
/// into another event is another import).
pub fn progress_key(plan: &ImportPlan, event_id: Uuid) -> String {
    format!("{}:{event_id}", plan.file_hash)
}

/// The CSV file's bytes; a file over [`MAX_FILE_BYTES`] is refused before it is read.
pub fn read_csv_file(field: &str, path: &std::path::Path) -> Result<Vec<u8>> {
    use std::io::Read;
    let cannot =
        |e: std::io::Error| Error::invalid(field, format!("cannot read {}: {e}", path.display()));
    let file = std::fs::File::open(path).map_err(cannot)?;
    let size = file.metadata().map_err(cannot)?.len();
    if size > MAX_FILE_BYTES {
        return Err(Error::invalid(field, too_large(size)));
    }
    // The file may grow while it is read: never past the cap.
    let mut bytes = Vec::with_capacity(size as usize);
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(cannot)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(Error::invalid(field, too_large(bytes.len() as u64)));
    }
    Ok(bytes)
}

/// Why `plan` cannot be sent, as bad input naming the first problem's line and column.
pub fn check_plan(plan: &ImportPlan, skip_invalid: bool) -> Result<()> {
    let at = |e: &crate::import::RowError| match &e.column {
        Some(c) => format!("line {}, column {c}: {}", e.line, e.message),
        None => format!("line {}: {}", e.line, e.message),
    };
    if let Some(e) = plan.file_errors().next() {
        return Err(Error::invalid(
            "file",
            format!("{} (fix the file; nothing was sent)", at(e)),
        ));
    }
    if !skip_invalid {
        if let Some(e) = plan.errors.first() {
            return Err(Error::invalid(
                "file",
                format!(
                    "{} row(s) have errors, first at {}; fix them, or skip them with --skip-invalid. Nothing was sent",
                    plan.errors.len(),
                    at(e)
                ),
            ));
        }
    }
    if plan.rows.is_empty() {
        return Err(Error::invalid("file", "has no valid rows to import"));
    }
    Ok(())
}

/// The rows an earlier run of this plan created.
pub fn done_rows(store: &Store, key: &str) -> Result<HashSet<i64>> {
    Ok(store
        .import_rows(key)?
        .into_iter()
        .filter(|r| r.state == ImportRowState::Created)
        .map(|r| r.row_index)
        .collect())
}

/// One request of a run: a bulk create of up to 200 rows, or the update of one attendee.
enum Call {
    Create(Vec<(usize, Guest)>),
    Update(usize, Box<Guest>),
}

impl Call {
    fn rows(&self) -> Vec<usize> {
        match self {
            Call::Create(rows) => rows.iter().map(|(i, _)| *i).collect(),
            Call::Update(i, _) => vec![*i],
        }
    }

    async fn send(&self, client: &Client, event_id: Uuid) -> Result<()> {
        match self {
            Call::Create(rows) => {
                let guests: Vec<Guest> = rows.iter().map(|(_, g)| g.clone()).collect();
                client.guests_bulk_create(event_id, &guests).await.map(drop)
            }
            Call::Update(_, g) => client.guest_update(g).await.map(drop),
        }
    }
}

/// Send (or finish sending) `plan` into `event_id`, one call at the budget's pace (background
/// priority), following `control` between calls (pause, resume, cancel, stop) and reporting
/// progress. Rows are marked `sending` before their call and `created` after it; a call Qflow
/// refused marks its rows `failed` (in the report) and the run goes on; a call that never
/// reached Qflow (no network, signed out) ends the run with its error, its rows left for the
/// next run. Every resend uses the same ids, so nobody is created twice.
#[allow(clippy::too_many_arguments)]
pub async fn run_import(
    client: &Client,
    store: &Store,
    plan: &ImportPlan,
    event_id: Uuid,
    opts: ImportOptions,
    existing: &[Guest],
    control: &BulkControl,
    mut progress: impl FnMut(&ImportProgress),
) -> Result<ImportSummary> {
    check_plan(plan, opts.skip_invalid)?;
    let key = progress_key(plan, event_id);
    let ids: Vec<Uuid> = plan.rows.iter().map(|g| g.id).collect();
    store.import_register_ids(&key, &ids)?;
    let done = done_rows(store, &key)?;
    let actions = classify(plan, existing, opts.existing);
    let mut creates = Vec::new();
    let mut calls = Vec::new();
    let mut already_present = 0;
    for (i, (row, action)) in plan.rows.iter().zip(&actions).enumerate() {
        if done.contains(&(i as i64)) {
            continue;
        }
        match action {
            RowAction::Create => {
                let mut g = row.clone();
                g.event_id = event_id;
                creates.push((i, g));
            }
            RowAction::Update(g) => calls.push(Call::Update(i, g.clone())),
            RowAction::Skip => {
                already_present += 1;
                store.import_set_state(
                    &key,
                    i,
                    ImportRowState::Skipped,
                    Some("already an attendee of this event (same email): left as it is"),
                )?;
            }
        }
    }
    let mut chunked: Vec<Call> = Vec::new();
    let mut rest = creates;
    while !rest.is_empty() {
        let tail = rest.split_off(rest.len().min(CHUNK_SIZE));
        chunked.push(Call::Create(rest));
        rest = tail;
    }
    chunked.append(&mut calls);
    let calls = chunked;

    let client = client.background();
    let budget = client.budget().clone();
    let pace = pace(&budget);
    let mut state = ImportProgress {
        state: BulkRunState::Running,
        to_send: calls.iter().map(|c| c.rows().len()).sum(),
        sent: 0,
        failed: 0,
        calls_done: 0,
        calls_total: calls.len(),
        eta_seconds: 0,
        wait_seconds: None,
        note: None,
    };
    let mut updated = 0;
    let mut rx = control.subscribe();
    let mut last_sent: Option<Instant> = None;
    let mut emit = |state: &mut ImportProgress, s: BulkRunState| -> Result<()> {
        let left = state.calls_total - state.calls_done;
        let wait = budget.paused_for();
        state.state = s;
        state.eta_seconds = if s.is_over() {
            0
        } else {
            eta_seconds(u32::try_from(left).unwrap_or(u32::MAX), pace, wait)
        };
        state.wait_seconds = wait
            .filter(|_| s == BulkRunState::Waiting)
            .map(|w| eta_seconds(1, std::time::Duration::ZERO, Some(w)).max(1));
        state.note = control.note();
        progress(state);
        Ok(())
    };
    emit(&mut state, BulkRunState::Running)?;
    let mut next = 0;
    let end = loop {
        let command = *rx.borrow_and_update();
        match command {
            BulkCommand::Cancel => break BulkRunState::Cancelled,
            BulkCommand::Stop => break BulkRunState::Interrupted,
            BulkCommand::Pause => {
                emit(&mut state, BulkRunState::Paused)?;
                if rx.changed().await.is_err() {
                    break BulkRunState::Interrupted;
                }
                emit(&mut state, BulkRunState::Running)?;
                continue;
            }
            BulkCommand::Run => {}
        }
        let Some(call) = calls.get(next) else {
            break BulkRunState::Finished;
        };
        let turn = wait_turn(&budget, pace, last_sent, &mut rx, || {
            emit(&mut state, BulkRunState::Waiting)
        })
        .await?;
        match turn {
            Turn::Go { waited: true } => emit(&mut state, BulkRunState::Running)?,
            Turn::Go { waited: false } => {}
            Turn::Command => continue,
        }
        let rows = call.rows();
        store.import_set_states(&key, &rows, ImportRowState::Sending, None)?;
        last_sent = Some(Instant::now());
        match call.send(&client, event_id).await {
            Ok(()) => {
                store.import_set_states(&key, &rows, ImportRowState::Created, None)?;
                state.sent += rows.len();
                if matches!(call, Call::Update(..)) {
                    updated += 1;
                }
            }
            // Qflow asked to wait: the budget is paused; the same call goes again.
            Err(Error::Api(a)) if a.status == 429 => {
                store.import_set_states(&key, &rows, ImportRowState::New, None)?;
                continue;
            }
            // Never reached Qflow (or not processed): stop here; a resume sends it again.
            Err(e) if not_processed(&e) => {
                store.import_set_states(&key, &rows, ImportRowState::New, None)?;
                return Err(e);
            }
            Err(e) => {
                let b = e.body();
                let why = format!("{} {}", b.message, b.next_step);
                store.import_set_states(&key, &rows, ImportRowState::Failed, Some(why.trim()))?;
                state.failed += rows.len();
            }
        }
        state.calls_done += 1;
        next += 1;
        emit(&mut state, BulkRunState::Running)?;
    };
    emit(&mut state, end)?;
    Ok(ImportSummary {
        file_hash: plan.file_hash.clone(),
        event_id,
        state: end,
        rows: plan.total_rows,
        created: state.sent - updated,
        updated,
        already_present,
        already_imported: done.len(),
        skipped: if opts.skip_invalid {
            invalid_rows(plan).len()
        } else {
            0
        },
        failed: state.failed,
        not_sent: state.to_send - state.sent - state.failed,
    })
}

/// A row that was not imported, for the report.
#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct ReportRow {
    #[ts(type = "number")]
    pub line: u64,
    pub name: String,
    pub email: String,
    /// `invalid` (left out by validation), `failed` (Qflow refused its call) or `not_sent`.
    pub state: String,
    pub problem: String,
}

/// The rows of `plan` that were not imported: invalid rows (with their line and problem) and
/// rows whose call failed or was never made, as the store has them for `key`.
pub fn report_rows(plan: &ImportPlan, store: &Store, key: &str) -> Result<Vec<ReportRow>> {
    let mut out: Vec<ReportRow> = plan
        .errors
        .iter()
        .map(|e| ReportRow {
            line: e.line,
            name: String::new(),
            email: String::new(),
            state: "invalid".into(),
            problem: match &e.column {
                Some(c) => format!("{c}: {}", e.message),
                None => e.message.clone(),
            },
        })
        .collect();
    for r in store.import_rows(key)? {
        let i = usize::try_from(r.row_index).unwrap_or(usize::MAX);
        let (Some(g), Some(line)) = (plan.rows.get(i), plan.row_lines.get(i)) else {
            continue;
        };
        let (state, problem) = match r.state {
            ImportRowState::Failed => ("failed", r.error.unwrap_or_default()),
            ImportRowState::New | ImportRowState::Sending => (
                "not_sent",
                "not sent (cancelled or interrupted): import the file again to send it".to_owned(),
            ),
            ImportRowState::Created | ImportRowState::Skipped => continue,
        };
        out.push(ReportRow {
            line: *line,
            name: format!("{} {}", g.first_name, g.last_name)
                .trim()
                .to_owned(),
            email: g.email.clone(),
            state: state.into(),
            problem,
        });
    }
    out.sort_by_key(|r| r.line);
    Ok(out)
}

/// The report as CSV (`line,name,email,state,problem`), cells a spreadsheet will not run.
pub fn report_csv(rows: &[ReportRow]) -> String {
    use crate::text::csv_cell;
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record(["line", "name", "email", "state", "problem"]);
    for r in rows {
        let line = r.line.to_string();
        let _ =
            w.write_record([&line, &r.name, &r.email, &r.state, &r.problem].map(|c| csv_cell(c)));
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// Write the report to `path`, private (0600), replacing the file atomically.
pub fn write_report(path: &std::path::Path, rows: &[ReportRow]) -> Result<()> {
    crate::fsio::write_private_atomic(path, report_csv(rows).as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_csv_file_over_the_cap_is_refused_before_it_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.csv");
        // Sparse: the size is what counts, nothing is written or read.
        let f = std::fs::File::create(&path).unwrap();
        f.set_len(MAX_FILE_BYTES + 1).unwrap();
        let e = read_csv_file("FILE", &path).unwrap_err();
        assert_eq!(e.code(), "invalid_input");
        let msg = e.body().message;
        assert!(msg.contains("20.0 MB") && msg.contains("split it"), "{msg}");
        f.set_len(10).unwrap();
        assert_eq!(read_csv_file("FILE", &path).unwrap().len(), 10);
    }
}
