//! Resumable CSV imports: each data row of a file (keyed by the file's hash) gets a stable
//! client-generated guest id, so a re-run after a crash reuses it and `POST /api/guest`'s
//! idempotency on `id` prevents duplicates.

use chrono::{DateTime, Utc};
use rusqlite::params;
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use uuid::Uuid;

use super::{db, parse_ts, parse_uuid, ts, Store};
use crate::Result;

#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, TS)]
#[serde(rename_all = "snake_case")]
pub enum ImportRowState {
    New,
    /// Written before the request: after a crash, resend with the same id (idempotent).
    Sending,
    Created,
    Failed,
    Skipped,
}

impl ImportRowState {
    pub fn as_str(self) -> &'static str {
        match self {
            ImportRowState::New => "new",
            ImportRowState::Sending => "sending",
            ImportRowState::Created => "created",
            ImportRowState::Failed => "failed",
            ImportRowState::Skipped => "skipped",
        }
    }
    fn parse(s: &str) -> Self {
        match s {
            "sending" => ImportRowState::Sending,
            "created" => ImportRowState::Created,
            "failed" => ImportRowState::Failed,
            "skipped" => ImportRowState::Skipped,
            _ => ImportRowState::New,
        }
    }
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
pub struct ImportRow {
    pub file_hash: String,
    /// The data row's position in the file (0-based, header excluded).
    #[ts(type = "number")]
    pub row_index: i64,
    pub guest_id: Uuid,
    pub state: ImportRowState,
    pub error: Option<String>,
    pub updated_at: DateTime<Utc>,
}

impl Store {
    /// Stable guest ids for rows `0..rows` of the file: existing ones are kept, missing ones
    /// are generated and stored (one transaction).
    pub fn import_guest_ids(&self, file_hash: &str, rows: usize) -> Result<Vec<Uuid>> {
        let mut c = self.conn();
        let tx = c.transaction().map_err(db)?;
        let mut ids = Vec::with_capacity(rows);
        {
            let mut existing = std::collections::HashMap::new();
            let mut st = tx
                .prepare("SELECT row_index, guest_id FROM import_progress WHERE file_hash = ?1")
                .map_err(db)?;
            let mut q = st.query([file_hash]).map_err(db)?;
            while let Some(r) = q.next().map_err(db)? {
                let idx: i64 = r.get(0).map_err(db)?;
                if let Some(id) = parse_uuid(r.get(1).map_err(db)?) {
                    existing.insert(idx, id);
                }
            }
            let now = ts(Utc::now());
            let mut ins = tx
                .prepare("INSERT INTO import_progress (file_hash, row_index, guest_id, state, updated_at) VALUES (?1, ?2, ?3, 'new', ?4)")
                .map_err(db)?;
            for i in 0..rows as i64 {
                let id = match existing.get(&i) {
                    Some(id) => *id,
                    None => {
                        let id = Uuid::new_v4();
                        ins.execute(params![file_hash, i, id.to_string(), now])
                            .map_err(db)?;
                        id
                    }
                };
                ids.push(id);
            }
        }
        tx.commit().map_err(db)?;
        Ok(ids)
    }

    /// Record the ids a plan already chose (e.g. `import::stable_guest_id`) for rows
    /// `0..ids.len()`: missing rows are inserted as `new`; existing rows keep their state and
    /// take the given id unless already created. (Added for the CLI/app import runner.)
    pub fn import_register_ids(&self, file_hash: &str, ids: &[Uuid]) -> Result<()> {
        let mut c = self.conn();
        let tx = c.transaction().map_err(db)?;
        {
            let now = ts(Utc::now());
            let mut ins = tx
                .prepare(
                    "INSERT INTO import_progress (file_hash, row_index, guest_id, state, updated_at) VALUES (?1, ?2, ?3, 'new', ?4)
                     ON CONFLICT(file_hash, row_index) DO UPDATE SET guest_id = excluded.guest_id
                     WHERE import_progress.state != 'created'",
                )
                .map_err(db)?;
            for (i, id) in ids.iter().enumerate() {
                ins.execute(params![file_hash, i as i64, id.to_string(), now])
                    .map_err(db)?;
            }
        }
        tx.commit().map_err(db)
    }

    pub fn import_set_state(
        &self,
        file_hash: &str,
        row_index: usize,
        state: ImportRowState,
        error: Option<&str>,
    ) -> Result<()> {
        let n = self
            .conn()
            .execute(
                "UPDATE import_progress SET state = ?3, error = ?4, updated_at = ?5 WHERE file_hash = ?1 AND row_index = ?2",
                params![file_hash, row_index as i64, state.as_str(), error, ts(Utc::now())],
            )
            .map_err(db)?;
        if n == 0 {
            return Err(crate::Error::Storage(format!(
                "No import row {row_index} for this file; call import_guest_ids first"
            )));
        }
        Ok(())
    }

    /// [`Store::import_set_state`] for several rows in one transaction (a chunk of 200).
    pub fn import_set_states(
        &self,
        file_hash: &str,
        rows: &[usize],
        state: ImportRowState,
        error: Option<&str>,
    ) -> Result<()> {
        let mut c = self.conn();
        let tx = c.transaction().map_err(db)?;
        {
            let now = ts(Utc::now());
            let mut st = tx
                .prepare("UPDATE import_progress SET state = ?3, error = ?4, updated_at = ?5 WHERE file_hash = ?1 AND row_index = ?2")
                .map_err(db)?;
            for &row in rows {
                let n = st
                    .execute(params![file_hash, row as i64, state.as_str(), error, now])
                    .map_err(db)?;
                if n == 0 {
                    return Err(crate::Error::Storage(format!(
                        "No import row {row} for this file; call import_guest_ids first"
                    )));
                }
            }
        }
        tx.commit().map_err(db)
    }

    /// All rows of a file, in file order.
    pub fn import_rows(&self, file_hash: &str) -> Result<Vec<ImportRow>> {
        let c = self.conn();
        let mut st = c
            .prepare("SELECT file_hash, row_index, guest_id, state, error, updated_at FROM import_progress WHERE file_hash = ?1 ORDER BY row_index")
            .map_err(db)?;
        let rows = st
            .query_map([file_hash], |r| {
                Ok(ImportRow {
                    file_hash: r.get(0)?,
                    row_index: r.get(1)?,
                    guest_id: parse_uuid(r.get(2)?).unwrap_or_default(),
                    state: ImportRowState::parse(&r.get::<_, String>(3)?),
                    error: r.get(4)?,
                    updated_at: parse_ts(&r.get::<_, String>(5)?),
                })
            })
            .map_err(db)?;
        rows.collect::<rusqlite::Result<_>>().map_err(db)
    }

    /// Forget a file's progress (e.g. after the user starts over on purpose).
    pub fn import_forget(&self, file_hash: &str) -> Result<usize> {
        self.conn()
            .execute(
                "DELETE FROM import_progress WHERE file_hash = ?1",
                [file_hash],
            )
            .map_err(db)
    }
}

/// An import the window started (its progress is `import_progress` under `key`).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct ImportJobRecord {
    /// `<file hash>:<event id>` (`ops::import_run::progress_key`).
    pub key: String,
    pub profile: String,
    pub event_id: Uuid,
    pub file_path: String,
    pub file_name: String,
    /// Columns mapped by hand (header → field, `""` = left out), as JSON.
    pub overrides_json: String,
    /// `skip` or `update`.
    pub existing: String,
    pub skip_invalid: bool,
    /// `running`, `interrupted`, `finished` or `cancelled`.
    pub state: String,
    pub started_at: DateTime<Utc>,
}

impl Store {
    /// Record (or restart) an import the window runs.
    pub fn import_job_save(&self, j: &ImportJobRecord) -> Result<()> {
        self.conn()
            .execute(
                "INSERT INTO import_jobs (key, profile, event_id, file_path, file_name, overrides_json, existing, skip_invalid, state, started_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
                 ON CONFLICT(key) DO UPDATE SET profile = excluded.profile, file_path = excluded.file_path,
                   file_name = excluded.file_name, overrides_json = excluded.overrides_json,
                   existing = excluded.existing, skip_invalid = excluded.skip_invalid, state = excluded.state",
                params![
                    j.key,
                    j.profile,
                    j.event_id.to_string(),
                    j.file_path,
                    j.file_name,
                    j.overrides_json,
                    j.existing,
                    j.skip_invalid,
                    j.state,
                    ts(j.started_at)
                ],
            )
            .map_err(db)?;
        Ok(())
    }

    pub fn import_job_set_state(&self, key: &str, state: &str) -> Result<()> {
        self.conn()
            .execute(
                "UPDATE import_jobs SET state = ?2 WHERE key = ?1",
                params![key, state],
            )
            .map_err(db)?;
        Ok(())
    }

    /// The profile's imports that did not finish and were not cancelled (a crash leaves
    /// `running`), newest first.
    pub fn import_jobs_unfinished(&self, profile: &str) -> Result<Vec<ImportJobRecord>> {
        self.import_jobs_where(
            "profile = ?1 AND state IN ('running', 'interrupted') ORDER BY started_at DESC",
            profile,
        )
    }

    pub fn import_job_get(&self, key: &str) -> Result<Option<ImportJobRecord>> {
        Ok(self.import_jobs_where("key = ?1", key)?.pop())
    }

    fn import_jobs_where(&self, filter: &str, arg: &str) -> Result<Vec<ImportJobRecord>> {
        let c = self.conn();
        let mut st = c
            .prepare(&format!(
                "SELECT key, profile, event_id, file_path, file_name, overrides_json, existing, skip_invalid, state, started_at
                 FROM import_jobs WHERE {filter}"
            ))
            .map_err(db)?;
        let rows = st
            .query_map([arg], |r| {
                Ok(ImportJobRecord {
                    key: r.get(0)?,
                    profile: r.get(1)?,
                    event_id: parse_uuid(Some(r.get(2)?)).unwrap_or_default(),
                    file_path: r.get(3)?,
                    file_name: r.get(4)?,
                    overrides_json: r.get(5)?,
                    existing: r.get(6)?,
                    skip_invalid: r.get(7)?,
                    state: r.get(8)?,
                    started_at: parse_ts(&r.get::<_, String>(9)?),
                })
            })
            .map_err(db)?;
        rows.collect::<rusqlite::Result<_>>().map_err(db)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_stable_across_runs_and_state_is_kept() {
        let s = Store::open_in_memory().unwrap();
        let first = s.import_guest_ids("hash-a", 3).unwrap();
        s.import_set_state("hash-a", 0, ImportRowState::Created, None)
            .unwrap();
        s.import_set_state("hash-a", 1, ImportRowState::Failed, Some("email: invalid"))
            .unwrap();
        // A re-run (file grew by one row) keeps the first three ids.
        let again = s.import_guest_ids("hash-a", 4).unwrap();
        assert_eq!(&again[..3], &first[..]);
        assert_eq!(again.len(), 4);
        assert_ne!(again[3], again[2]);
        // Another file gets other ids.
        assert!(s.import_guest_ids("hash-b", 1).unwrap()[0] != first[0]);

        let rows = s.import_rows("hash-a").unwrap();
        assert_eq!(
            rows.iter().map(|r| r.state).collect::<Vec<_>>(),
            [
                ImportRowState::Created,
                ImportRowState::Failed,
                ImportRowState::New,
                ImportRowState::New
            ]
        );
        assert_eq!(rows[1].error.as_deref(), Some("email: invalid"));
        assert!(s
            .import_set_state("hash-a", 99, ImportRowState::Created, None)
            .is_err());
        assert_eq!(s.import_forget("hash-a").unwrap(), 4);
    }

    #[test]
    fn fifty_thousand_rows_in_one_transaction() {
        let s = Store::open_in_memory().unwrap();
        let started = std::time::Instant::now();
        let ids = s.import_guest_ids("big", 50_000).unwrap();
        assert_eq!(ids.len(), 50_000);
        assert_eq!(s.import_guest_ids("big", 50_000).unwrap(), ids);
        assert!(started.elapsed() < std::time::Duration::from_secs(20));
    }
}
