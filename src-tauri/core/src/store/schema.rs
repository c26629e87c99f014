//! Migrations, applied in order; `PRAGMA user_version` = how many have run.
//! Append only: never edit a migration that has shipped.

use rusqlite::Connection;

use super::db;
use crate::{Error, Result};

const MIGRATIONS: &[&str] = &[
    // 1: initial schema
    r#"
    CREATE TABLE send_log (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        profile TEXT NOT NULL,
        attendee_id TEXT NOT NULL,
        template_id TEXT NOT NULL,
        correlation_id TEXT,
        attendee_invitation_id TEXT,
        requested_at TEXT NOT NULL,
        finished_at TEXT,
        -- pending | queued | error | outcome_unknown
        result TEXT NOT NULL DEFAULT 'pending',
        error_code TEXT,
        error_message TEXT
    );
    CREATE INDEX send_log_attendee ON send_log(attendee_id);
    CREATE INDEX send_log_invitation ON send_log(attendee_invitation_id);
    CREATE INDEX send_log_correlation ON send_log(correlation_id);
    CREATE INDEX send_log_result ON send_log(result);

    CREATE TABLE webhook_events (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        webhook_id TEXT NOT NULL UNIQUE,
        event_type TEXT NOT NULL,
        received_at TEXT NOT NULL,
        timestamp INTEGER,
        attendee_id TEXT,
        template_id TEXT,
        attendee_invitation_id TEXT,
        correlation_id TEXT,
        status TEXT,
        error TEXT,
        raw_body TEXT NOT NULL
    );
    CREATE INDEX webhook_events_attendee ON webhook_events(attendee_id);
    CREATE INDEX webhook_events_invitation ON webhook_events(attendee_invitation_id);
    CREATE INDEX webhook_events_correlation ON webhook_events(correlation_id);
    CREATE INDEX webhook_events_received ON webhook_events(received_at);

    CREATE TABLE import_progress (
        file_hash TEXT NOT NULL,
        row_index INTEGER NOT NULL,
        guest_id TEXT NOT NULL,
        -- new | sending | created | failed | skipped
        state TEXT NOT NULL DEFAULT 'new',
        error TEXT,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (file_hash, row_index)
    );

    CREATE TABLE bulk_queue (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        job_id TEXT NOT NULL,
        profile TEXT NOT NULL,
        attendee_id TEXT NOT NULL,
        template_id TEXT NOT NULL,
        correlation_id TEXT,
        -- queued | sending | done | failed | outcome_unknown | cancelled
        state TEXT NOT NULL DEFAULT 'queued',
        send_log_id INTEGER REFERENCES send_log(id),
        error TEXT,
        updated_at TEXT NOT NULL
    );
    CREATE INDEX bulk_queue_job ON bulk_queue(job_id, state);

    CREATE TABLE drafts (
        template_id TEXT PRIMARY KEY,
        json TEXT NOT NULL,
        saved_at TEXT NOT NULL
    );

    CREATE TABLE template_versions (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        template_id TEXT NOT NULL,
        saved_at TEXT NOT NULL,
        json TEXT NOT NULL
    );
    CREATE INDEX template_versions_template ON template_versions(template_id, id);
    "#,
    // What a resumed job's summary names (the queue outlives the attendee list it came from).
    r#"
    ALTER TABLE bulk_queue ADD COLUMN attendee_name TEXT;
    ALTER TABLE bulk_queue ADD COLUMN template_name TEXT;
    "#,
    // Reveal-once per issued webhook secret, across sessions: a fingerprint, never the secret.
    r#"
    CREATE TABLE secret_reveals (
        profile TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        revealed_at TEXT NOT NULL,
        PRIMARY KEY (profile, fingerprint)
    );
    "#,
    // Late webhook retries are kept and flagged (store::Arrival); rows from before were all
    // within the window. lag_secs = arrival minus X-Qflow-Timestamp.
    r#"
    ALTER TABLE webhook_events ADD COLUMN arrival TEXT NOT NULL DEFAULT 'on_time';
    ALTER TABLE webhook_events ADD COLUMN lag_secs INTEGER;
    UPDATE webhook_events SET lag_secs = CAST(strftime('%s', received_at) AS INTEGER) - timestamp
      WHERE timestamp IS NOT NULL;
    "#,
    // 5: the scan-to-check-in queue (ops::checkin). id = scan order; scanned_at = the real time
    // of the scan (the guide has no field to send it, so it is kept and shown here).
    r#"
    CREATE TABLE checkin_queue (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        profile TEXT NOT NULL,
        event_id TEXT NOT NULL,
        attendee_id TEXT NOT NULL,
        barcode TEXT NOT NULL,
        attendee_name TEXT NOT NULL,
        -- checkin | checkout
        action TEXT NOT NULL,
        scanned_at TEXT NOT NULL,
        -- queued | sending | done | conflict | failed | outcome_unknown | cancelled
        state TEXT NOT NULL DEFAULT 'queued',
        error TEXT,
        -- conflict/failed/outcome_unknown rows stay listed until the user dismisses them
        dismissed INTEGER NOT NULL DEFAULT 0,
        updated_at TEXT NOT NULL
    );
    CREATE INDEX checkin_queue_state ON checkin_queue(profile, state, id);
    CREATE INDEX checkin_queue_event ON checkin_queue(profile, event_id, id);
    "#,
    // 6: an attendee import the window started (issue 14), so that one a crash or a kill
    // interrupted is offered again: its file, the mapping and the choices. The rows' progress
    // stays in import_progress under the same key.
    r#"
    CREATE TABLE import_jobs (
        key TEXT PRIMARY KEY,
        profile TEXT NOT NULL,
        event_id TEXT NOT NULL,
        file_path TEXT NOT NULL,
        file_name TEXT NOT NULL,
        overrides_json TEXT NOT NULL DEFAULT '{}',
        existing TEXT NOT NULL DEFAULT 'skip',
        skip_invalid INTEGER NOT NULL DEFAULT 0,
        -- running | interrupted | finished | cancelled
        state TEXT NOT NULL,
        started_at TEXT NOT NULL
    );
    "#,
];

pub(super) const LATEST: i64 = MIGRATIONS.len() as i64;

fn version(conn: &Connection) -> Result<i64> {
    conn.query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(db)
}

pub(super) fn migrate(conn: &mut Connection) -> Result<()> {
    // Up to date (every open but the first): no write lock needed.
    if version(conn)? == LATEST {
        return Ok(());
    }
    // One writer at a time from the version check on: the window and a CLI run (or two
    // sessions) opening a new database together would otherwise both create the tables.
    let tx = conn
        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
        .map_err(db)?;
    let current = version(&tx)?;
    if current > LATEST {
        return Err(Error::Storage(format!(
            "The local database was written by a newer version of qflow-console (schema {current}, this version knows {LATEST}); update qflow-console"
        )));
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(current as usize) {
        tx.execute_batch(sql).map_err(db)?;
        tx.pragma_update(None, "user_version", (i + 1) as i64)
            .map_err(db)?;
    }
    tx.commit().map_err(db)
}

#[cfg(test)]
mod tests {
    use super::super::Store;
    use super::*;

    /// A database as the previous version left it (the first `n` migrations).
    fn at_version(n: usize) -> Connection {
        let conn = Connection::open_in_memory().unwrap();
        for sql in &MIGRATIONS[..n] {
            conn.execute_batch(sql).unwrap();
        }
        conn.pragma_update(None, "user_version", n as i64).unwrap();
        conn
    }

    #[test]
    fn webhook_events_from_before_read_as_on_time_with_their_lag() {
        let mut conn = at_version(2);
        conn.execute(
            "INSERT INTO webhook_events (webhook_id, event_type, received_at, timestamp, raw_body)
             VALUES ('old', 'comms.sent', '2026-11-24T19:00:07.250Z', 1795546800, '{}'),
                    ('no-ts', 'comms.sent', '2026-11-24T19:00:00.000Z', NULL, '{}')",
            [],
        )
        .unwrap();
        migrate(&mut conn).unwrap();
        let rows: Vec<(String, String, Option<i64>)> = conn
            .prepare("SELECT webhook_id, arrival, lag_secs FROM webhook_events ORDER BY id")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        // 1795546800 = 2026-11-24T19:00:00Z.
        assert_eq!(
            rows,
            [
                ("old".into(), "on_time".into(), Some(7)),
                ("no-ts".into(), "on_time".into(), None)
            ]
        );
    }

    #[test]
    fn sessions_opening_a_new_database_together_all_get_it() {
        for _ in 0..10 {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("qflow.sqlite3");
            let start = std::sync::Arc::new(std::sync::Barrier::new(6));
            let opened: Vec<_> = (0..6)
                .map(|_| {
                    let (path, start) = (path.clone(), start.clone());
                    std::thread::spawn(move || {
                        start.wait();
                        Store::open(&path).map(|s| s.schema_version().unwrap())
                    })
                })
                .collect();
            for t in opened {
                assert_eq!(t.join().unwrap().unwrap(), LATEST);
            }
        }
    }
}
