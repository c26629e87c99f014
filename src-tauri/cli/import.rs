//! `guests import EVENT_ID FILE.csv`: the whole file is validated first (line numbers on
//! stderr); then core's runner sends it in ≤ 200-row chunks, paced, resumable.

use qflow_core::import::{plan_import, RowError};
use qflow_core::ops::import_run::{check_plan, read_csv_file, run_import};
use qflow_core::store::Store;
use qflow_core::Result;
use std::path::Path;

use super::output;
use super::{parse_id, Ctx};

/// How many problems to list before summarising the rest.
const SHOW_PROBLEMS: usize = 50;

pub async fn run(event_id: &str, file: &Path, skip_invalid: bool, ctx: &Ctx) -> Result<i32> {
    let event_id = parse_id("EVENT_ID", event_id)?;
    let bytes = read_csv_file("FILE", file)?;
    let plan = plan_import(&bytes, event_id);
    report("warning", &plan.warnings);
    report(if skip_invalid { "skipped" } else { "error" }, &plan.errors);
    check_plan(&plan, skip_invalid)?;

    let store = Store::open_default()?;
    let client = ctx.client().await?;
    let summary = run_import(&client, &store, &plan, event_id, skip_invalid, |p| {
        if p.chunks_total > 0 {
            output::note(format!(
                "imported {}/{} attendee(s) ({}/{} chunks)",
                p.sent, p.to_send, p.chunks_done, p.chunks_total
            ));
        }
    })
    .await?;
    if ctx.json {
        output::print_json(&serde_json::to_value(&summary).unwrap_or_default());
    } else {
        output::print_fields(&[
            ("rows", summary.rows.to_string()),
            ("created", summary.created.to_string()),
            ("already imported", summary.already_imported.to_string()),
            ("skipped", summary.skipped.to_string()),
        ]);
        if summary.created == 0 && summary.already_imported > 0 {
            output::note(
                "Everything in this file was already imported into this event; nothing was sent.",
            );
        }
    }
    Ok(0)
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
