//! Local SQLite store: `<data dir>/qflow-console.db` (WAL, migrations via `PRAGMA user_version`).
//!
//! What the app knows that Qflow does not tell it again: the send log (written *before* each
//! send, finished after), webhook events (deduped on `X-Qflow-Webhook-Id`), resumable CSV import
//! progress, the bulk resend queue, template drafts and saved versions. Times are UTC, stored as
//! RFC 3339 text with milliseconds (sorts as text).
//!
//! `Store` is `Send + Sync` (one connection behind a mutex; calls are short). From async code
//! the calls are fine for single rows; run bulk work in `spawn_blocking`.

// `Error` is large (ApiError inline); boxing it is errors.rs's call, so allow it here.
#![allow(clippy::result_large_err)]

mod arrival;
mod bulk;
mod checkins;
mod drafts;
mod imports;
mod schema;
mod secret_reveals;
mod send_log;
mod timeline;
mod webhook_events;

pub use arrival::Arrival;
pub use bulk::{BulkCounts, BulkItem, BulkItemState, NewBulkItem, UnfinishedBulkJob};
pub use checkins::{CheckinAction, CheckinRow, CheckinState, NewCheckin};
pub use drafts::{Draft, TemplateVersion};
pub use imports::{ImportJobRecord, ImportRow, ImportRowState};
pub use send_log::{NewSend, SendLogEntry, SendOutcome, SendResult};
pub use timeline::{group_by_send, DeliveryState, SendHistory, TimelineEntry, TimelineKind};
pub use webhook_events::{
    is_known_event_type, NewWebhookEvent, WebhookEventRecord, KNOWN_EVENT_TYPES,
};

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::Connection;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use uuid::Uuid;

use crate::{Error, Result};

pub const DB_FILE: &str = "qflow-console.db";

/// How long a statement waits for another connection's lock before "database is locked".
const BUSY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

pub struct Store {
    conn: Mutex<Connection>,
    path: Option<PathBuf>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("path", &self.path).finish()
    }
}

impl Store {
    /// `<data dir>/qflow-console.db`, created with its folder if needed.
    pub fn open_default() -> Result<Store> {
        Self::open(&crate::profiles::private_data_dir()?.join(DB_FILE))
    }

    pub fn open(path: &Path) -> Result<Store> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)
                .map_err(|e| Error::Storage(format!("Could not create {}: {e}", dir.display())))?;
        }
        // Attendee names, emails and webhook bodies: the user's alone.
        crate::fsio::private_file(path)?;
        let conn = Connection::open(path)
            .map_err(|e| Error::Storage(format!("Could not open {}: {e}", path.display())))?;
        // Before the first statement: a window and a CLI run may open the file together.
        conn.busy_timeout(BUSY_TIMEOUT).map_err(db)?;
        // WAL: the app and a CLI run can read while the other writes.
        use_wal(&conn)?;
        // FULL: a commit is on disk before we act on it. Rows here promise things to the outside
        // world (a webhook event answered 200 is not sent again; a bulk item marked "sending"
        // must not be resent after a power cut), which NORMAL can roll back in WAL mode.
        conn.pragma_update(None, "synchronous", "FULL")
            .map_err(db)?;
        Self::init(conn, Some(path.to_owned()))
    }

    /// A private database for tests and demo mode.
    pub fn open_in_memory() -> Result<Store> {
        Self::init(Connection::open_in_memory().map_err(db)?, None)
    }

    fn init(mut conn: Connection, path: Option<PathBuf>) -> Result<Store> {
        conn.busy_timeout(BUSY_TIMEOUT).map_err(db)?;
        conn.pragma_update(None, "foreign_keys", "ON").map_err(db)?;
        schema::migrate(&mut conn)?;
        Ok(Store {
            conn: Mutex::new(conn),
            path,
        })
    }

    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// Schema version (`PRAGMA user_version`).
    pub fn schema_version(&self) -> Result<i64> {
        self.conn()
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(db)
    }

    fn conn(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock leaves SQLite consistent (statements are atomic).
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// Switch to WAL (kept in the file, so once is enough). The switch needs the file to itself and
/// SQLite does not run the busy handler for it: wait here while another opener holds it.
fn use_wal(conn: &Connection) -> Result<()> {
    let deadline = std::time::Instant::now() + BUSY_TIMEOUT;
    loop {
        match conn.pragma_update(None, "journal_mode", "WAL") {
            Ok(()) => return Ok(()),
            Err(rusqlite::Error::SqliteFailure(e, _))
                if e.code == rusqlite::ErrorCode::DatabaseBusy
                    && std::time::Instant::now() < deadline =>
            {
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
            Err(e) => return Err(db(e)),
        }
    }
}

pub(crate) fn db(e: rusqlite::Error) -> Error {
    Error::Storage(format!("Local database error: {e}"))
}

pub(crate) fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

pub(crate) fn parse_ts(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_default()
}

pub(crate) fn parse_uuid(s: Option<String>) -> Option<Uuid> {
    s.and_then(|s| Uuid::parse_str(&s).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_db_uses_wal_and_migrates_once() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub").join(DB_FILE);
        let s = Store::open(&path).unwrap();
        let mode: String = s
            .conn()
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
        // 2 = FULL: an acknowledged webhook or a "sending" mark survives a power cut.
        let sync: i64 = s
            .conn()
            .query_row("PRAGMA synchronous", [], |r| r.get(0))
            .unwrap();
        assert_eq!(sync, 2, "synchronous=FULL");
        assert_eq!(s.schema_version().unwrap(), schema::LATEST);
        #[cfg(unix)]
        {
            // The database and its WAL are the user's alone.
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode(&path), 0o600);
            let wal = path.with_file_name(format!("{DB_FILE}-wal"));
            assert_eq!(mode(&wal), 0o600);
        }
        drop(s);
        // Reopening keeps data and does not re-run migrations.
        let s = Store::open(&path).unwrap();
        assert_eq!(s.schema_version().unwrap(), schema::LATEST);
    }

    #[test]
    fn newer_database_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(DB_FILE);
        {
            let c = Connection::open(&path).unwrap();
            c.pragma_update(None, "user_version", 999).unwrap();
        }
        let e = Store::open(&path).unwrap_err();
        assert_eq!(e.code(), "storage_error");
        assert!(e.to_string().contains("newer version"), "{e}");
    }

    #[test]
    fn store_is_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<Store>();
    }
}
