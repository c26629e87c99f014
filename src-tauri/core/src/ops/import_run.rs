//! The bulk import runner behind `guests import` and the app's import screen: sends a
//! validated [`ImportPlan`] in chunks of at most 200 (the API's cap) through the shared rate
//! budget at background priority, reports progress after each chunk, and resumes. Every row
//! already has a stable id (`import::stable_guest_id` or the file's `id` column), and the
//! local store records which rows were created under the file's hash and the event, so a re-run
//! after a crash or a network failure sends only what is left, and resending a chunk whose
//! answer was lost creates nobody twice (bulk create is idempotent on ids).

use serde::Serialize;
use std::collections::HashSet;
use ts_rs::TS;
use uuid::Uuid;

use crate::api::Client;
use crate::import::{too_large, ImportPlan, CHUNK_SIZE, MAX_FILE_BYTES};
use crate::models::Guest;
use crate::store::{ImportRowState, Store};
use crate::{Error, Result};

/// Progress after each chunk.
#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
pub struct ImportProgress {
    /// Rows to send in this run (not counting ones created by an earlier run).
    pub to_send: usize,
    pub sent: usize,
    pub chunks_done: usize,
    pub chunks_total: usize,
}

#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
pub struct ImportSummary {
    pub file_hash: String,
    pub event_id: Uuid,
    /// Data rows in the file.
    pub rows: usize,
    /// Created (or confirmed) in this run.
    pub created: usize,
    /// Already created by an earlier run of the same file into the same event.
    pub already_imported: usize,
    /// Invalid rows left out on request.
    pub skipped: usize,
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

/// Send (or finish sending) `plan` into `event_id`. On an error the rows of the failed chunk
/// stay `sending`; the next run resends them with the same ids.
pub async fn run_import(
    client: &Client,
    store: &Store,
    plan: &ImportPlan,
    event_id: Uuid,
    skip_invalid: bool,
    mut progress: impl FnMut(&ImportProgress),
) -> Result<ImportSummary> {
    check_plan(plan, skip_invalid)?;
    let key = progress_key(plan, event_id);
    let ids: Vec<Uuid> = plan.rows.iter().map(|g| g.id).collect();
    store.import_register_ids(&key, &ids)?;
    let done: HashSet<i64> = store
        .import_rows(&key)?
        .into_iter()
        .filter(|r| r.state == ImportRowState::Created)
        .map(|r| r.row_index)
        .collect();
    let pending: Vec<(usize, Guest)> = plan
        .rows
        .iter()
        .enumerate()
        .filter(|(i, _)| !done.contains(&(*i as i64)))
        .map(|(i, g)| {
            let mut g = g.clone();
            g.event_id = event_id;
            (i, g)
        })
        .collect();
    let already_imported = plan.rows.len() - pending.len();
    let chunks: Vec<&[(usize, Guest)]> = pending.chunks(CHUNK_SIZE).collect();
    let mut state = ImportProgress {
        to_send: pending.len(),
        sent: 0,
        chunks_done: 0,
        chunks_total: chunks.len(),
    };
    progress(&state);
    let client = client.background();
    for chunk in chunks {
        for (row, _) in chunk {
            store.import_set_state(&key, *row, ImportRowState::Sending, None)?;
        }
        let guests: Vec<Guest> = chunk.iter().map(|(_, g)| g.clone()).collect();
        client.guests_bulk_create(event_id, &guests).await?;
        for (row, _) in chunk {
            store.import_set_state(&key, *row, ImportRowState::Created, None)?;
        }
        state.sent += chunk.len();
        state.chunks_done += 1;
        progress(&state);
    }
    Ok(ImportSummary {
        file_hash: plan.file_hash.clone(),
        event_id,
        rows: plan.total_rows,
        created: state.sent,
        already_imported,
        skipped: if skip_invalid {
            plan.errors.iter().filter(|e| e.row.is_some()).count()
        } else {
            0
        },
    })
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
