//! `guests import EVENT_ID FILE.csv`: the whole file is validated first (line numbers on
//! stderr), then checked against the event's attendees (`--existing skip|update`); core's
//! runner sends it in ≤ 200-row chunks, paced, resumable; `--report` writes the rows not
//! imported. The window's import runs the same core code (`ops::importer`).

use qflow_core::import::{plan_import_mapped, ColumnOverrides, RowError};
use qflow_core::ops::bulk::{BulkControl, BulkRunState};
use qflow_core::ops::import_run::{
    check_plan, classify, done_rows, dry_run, progress_key, read_csv_file, report_rows, run_import,
    write_report, ExistingMode, ImportOptions,
};
use qflow_core::store::Store;
use qflow_core::{Error, Result};
use std::path::Path;

use super::output;
use super::{parse_id, Ctx};

/// How many problems to list before summarising the rest.
const SHOW_PROBLEMS: usize = 50;

pub struct ImportArgs<'a> {
    pub skip_invalid: bool,
    pub existing: &'a str,
    pub map: &'a [String],
    pub report: Option<&'a Path>,
}

/// `HEADER=FIELD` pairs (an empty field leaves the column out).
fn overrides(map: &[String]) -> Result<ColumnOverrides> {
    map.iter()
        .map(|m| {
            m.split_once('=')
                .map(|(h, f)| (h.trim().to_owned(), f.trim().to_owned()))
                .ok_or_else(|| {
                    Error::invalid(
                        "--map",
                        format!("'{m}' is not HEADER=FIELD (e.g. \"Given name=firstName\", or \"Phone=\" to leave it out)"),
                    )
                })
        })
        .collect()
}

pub async fn run(event_id: &str, file: &Path, args: ImportArgs<'_>, ctx: &Ctx) -> Result<i32> {
    let event_id = parse_id("EVENT_ID", event_id)?;
    let existing_mode = ExistingMode::parse("--existing", args.existing)?;
    let overrides = overrides(args.map)?;
    let bytes = read_csv_file("FILE", file)?;
    let plan = plan_import_mapped(&bytes, event_id, &overrides);
    report("warning", &plan.warnings);
    report(
        if args.skip_invalid {
            "skipped"
        } else {
            "error"
        },
        &plan.errors,
    );
    check_plan(&plan, args.skip_invalid)?;

    let store = Store::open_default()?;
    let client = ctx.client().await?;
    let existing = client.background().guests_list(event_id).await?;
    let actions = classify(&plan, &existing, existing_mode);
    let done = done_rows(&store, &progress_key(&plan, event_id))?;
    output::note(dry_run(&plan, &actions, &done, existing_mode, client.budget()).summary);
    let opts = ImportOptions {
        skip_invalid: args.skip_invalid,
        existing: existing_mode,
    };
    let control = BulkControl::new();
    let summary = run_import(
        &client,
        &store,
        &plan,
        event_id,
        opts,
        &existing,
        &control,
        |p| {
            if p.state == BulkRunState::Running && p.calls_done > 0 {
                output::note(format!(
                    "imported {}/{} attendee(s) ({}/{} chunks), about {} s left",
                    p.sent, p.to_send, p.calls_done, p.calls_total, p.eta_seconds
                ));
            }
        },
    )
    .await;
    if let Some(path) = args.report {
        let rows = report_rows(&plan, &store, &progress_key(&plan, event_id))?;
        write_report(path, &rows)?;
        output::note(format!(
            "{} row(s) not imported, listed in {}",
            rows.len(),
            path.display()
        ));
    }
    let summary = summary?;
    if ctx.json {
        output::print_json(&serde_json::to_value(&summary).unwrap_or_default());
    } else {
        output::print_fields(&[
            ("rows", summary.rows.to_string()),
            ("created", summary.created.to_string()),
            ("updated", summary.updated.to_string()),
            ("already present", summary.already_present.to_string()),
            ("already imported", summary.already_imported.to_string()),
            ("skipped", summary.skipped.to_string()),
            ("failed", summary.failed.to_string()),
        ]);
        if summary.created + summary.updated == 0 && summary.already_imported > 0 {
            output::note(
                "Everything in this file was already imported into this event; nothing was sent.",
            );
        }
    }
    Ok(if summary.failed > 0 { 1 } else { 0 })
}

fn report(kind: &str, problems: &[RowError]) {
    for e in problems.iter().take(SHOW_PROBLEMS) {
        let at = match &e.column {
            Some(c) => format!("line {}, column {c}", e.line),
            None => format!("line {}", e.line),
        };
        output::note(format!("{kind}: {at}: {}", e.message));
    }
    if problems.len() > SHOW_PROBLEMS {
        output::note(format!(
            "{kind}: … and {} more",
            problems.len() - SHOW_PROBLEMS
        ));
    }
}
