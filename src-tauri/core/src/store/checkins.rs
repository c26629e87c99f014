//! The scan-to-check-in queue (`ops::checkin`). A row is written when the barcode is scanned,
//! with the real scan time, and sent later in `id` order. `sending` is written before the
//! request, so a crash in between leaves a row recovered as `outcome_unknown` (listed, never
//! silently sent again).

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension, Row};
use uuid::Uuid;

use super::{db, parse_ts, parse_uuid, ts, Store};
use crate::Result;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CheckinAction {
    CheckIn,
    /// An undo after the check-in was sent.
    CheckOut,
}

impl CheckinAction {
    pub fn as_str(self) -> &'static str {
        match self {
            CheckinAction::CheckIn => "checkin",
            CheckinAction::CheckOut => "checkout",
        }
    }
    fn parse(s: &str) -> Self {
        if s == "checkout" {
            CheckinAction::CheckOut
        } else {
            CheckinAction::CheckIn
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CheckinState {
    Queued,
    Sending,
    Done,
    /// Qflow took it but something else happened meanwhile (checked in elsewhere first, the
    /// attendee deleted): listed for the user.
    Conflict,
    /// Qflow refused it: listed for the user.
    Failed,
    /// It may or may not have reached Qflow (a crash while sending): listed, not resent.
    OutcomeUnknown,
    /// Undone before it was sent.
    Cancelled,
}

impl CheckinState {
    pub fn as_str(self) -> &'static str {
        match self {
            CheckinState::Queued => "queued",
            CheckinState::Sending => "sending",
            CheckinState::Done => "done",
            CheckinState::Conflict => "conflict",
            CheckinState::Failed => "failed",
            CheckinState::OutcomeUnknown => "outcome_unknown",
            CheckinState::Cancelled => "cancelled",
        }
    }
    fn parse(s: &str) -> Self {
        match s {
            "sending" => CheckinState::Sending,
            "done" => CheckinState::Done,
            "conflict" => CheckinState::Conflict,
            "failed" => CheckinState::Failed,
            "outcome_unknown" => CheckinState::OutcomeUnknown,
            "cancelled" => CheckinState::Cancelled,
            _ => CheckinState::Queued,
        }
    }
    /// Ended badly: shown to the user until dismissed.
    pub fn is_problem(self) -> bool {
        matches!(
            self,
            CheckinState::Conflict | CheckinState::Failed | CheckinState::OutcomeUnknown
        )
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct NewCheckin {
    pub profile: String,
    pub event_id: Uuid,
    pub attendee_id: Uuid,
    pub barcode: String,
    pub attendee_name: String,
    pub action: CheckinAction,
    pub scanned_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct CheckinRow {
    pub id: i64,
    pub profile: String,
    pub event_id: Uuid,
    pub attendee_id: Uuid,
    pub barcode: String,
    pub attendee_name: String,
    pub action: CheckinAction,
    pub scanned_at: DateTime<Utc>,
    pub state: CheckinState,
    pub error: Option<String>,
    pub updated_at: DateTime<Utc>,
}

const COLUMNS: &str = "id, profile, event_id, attendee_id, barcode, attendee_name, action, scanned_at, state, error, updated_at";

fn row(r: &Row<'_>) -> rusqlite::Result<CheckinRow> {
    Ok(CheckinRow {
        id: r.get(0)?,
        profile: r.get(1)?,
        event_id: parse_uuid(r.get(2)?).unwrap_or_default(),
        attendee_id: parse_uuid(r.get(3)?).unwrap_or_default(),
        barcode: r.get(4)?,
        attendee_name: r.get(5)?,
        action: CheckinAction::parse(&r.get::<_, String>(6)?),
        scanned_at: parse_ts(&r.get::<_, String>(7)?),
        state: CheckinState::parse(&r.get::<_, String>(8)?),
        error: r.get(9)?,
        updated_at: parse_ts(&r.get::<_, String>(10)?),
    })
}

impl Store {
    /// A scan: queued, in scan order. Returns its id.
    pub fn checkin_enqueue(&self, n: &NewCheckin) -> Result<i64> {
        let c = self.conn();
        c.execute(
            "INSERT INTO checkin_queue (profile, event_id, attendee_id, barcode, attendee_name, action, scanned_at, state, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'queued', ?8)",
            params![
                n.profile,
                n.event_id.to_string(),
                n.attendee_id.to_string(),
                n.barcode,
                n.attendee_name,
                n.action.as_str(),
                ts(n.scanned_at),
                ts(Utc::now())
            ],
        )
        .map_err(db)?;
        Ok(c.last_insert_rowid())
    }

    pub fn checkin_get(&self, id: i64) -> Result<Option<CheckinRow>> {
        self.conn()
            .query_row(
                &format!("SELECT {COLUMNS} FROM checkin_queue WHERE id = ?1"),
                [id],
                row,
            )
            .optional()
            .map_err(db)
    }

    /// The oldest `queued` row of the profile (every event: the queue is one line).
    pub fn checkin_next(&self, profile: &str) -> Result<Option<CheckinRow>> {
        self.conn()
            .query_row(
                &format!("SELECT {COLUMNS} FROM checkin_queue WHERE profile = ?1 AND state = 'queued' ORDER BY id LIMIT 1"),
                [profile],
                row,
            )
            .optional()
            .map_err(db)
    }

    /// Move a row from `from` to `to` (with an error text); false when it was not in `from`
    /// (e.g. an undo cancelled it first).
    pub fn checkin_transition(
        &self,
        id: i64,
        from: CheckinState,
        to: CheckinState,
        error: Option<&str>,
    ) -> Result<bool> {
        let n = self
            .conn()
            .execute(
                "UPDATE checkin_queue SET state = ?3, error = ?4, updated_at = ?5 WHERE id = ?1 AND state = ?2",
                params![id, from.as_str(), to.as_str(), error, ts(Utc::now())],
            )
            .map_err(db)?;
        Ok(n == 1)
    }

    /// After a crash: rows left `sending` may have reached Qflow; they become `outcome_unknown`.
    pub fn checkin_recover(&self, profile: &str) -> Result<usize> {
        self.conn()
            .execute(
                "UPDATE checkin_queue SET state = 'outcome_unknown', error = 'The app stopped while this was being sent: it may or may not have reached Qflow.', updated_at = ?2 WHERE profile = ?1 AND state = 'sending'",
                params![profile, ts(Utc::now())],
            )
            .map_err(db)
    }

    /// Rows of the event for the profile in these states, in scan order.
    pub fn checkin_rows(
        &self,
        profile: &str,
        event_id: Uuid,
        states: &[CheckinState],
    ) -> Result<Vec<CheckinRow>> {
        let c = self.conn();
        let list = states
            .iter()
            .map(|s| format!("'{}'", s.as_str()))
            .collect::<Vec<_>>()
            .join(",");
        let mut st = c
            .prepare(&format!(
                "SELECT {COLUMNS} FROM checkin_queue WHERE profile = ?1 AND event_id = ?2 AND state IN ({list}) AND dismissed = 0 ORDER BY id"
            ))
            .map_err(db)?;
        let rows = st
            .query_map(params![profile, event_id.to_string()], row)
            .map_err(db)?;
        rows.collect::<rusqlite::Result<_>>().map_err(db)
    }

    /// How many rows of the profile wait to be sent (`queued` or `sending`), every event.
    pub fn checkin_waiting(&self, profile: &str) -> Result<u32> {
        self.conn()
            .query_row(
                "SELECT COUNT(*) FROM checkin_queue WHERE profile = ?1 AND state IN ('queued','sending')",
                [profile],
                |r| r.get(0),
            )
            .map_err(db)
    }

    /// The user has read a problem row: it leaves the list (the row is kept).
    pub fn checkin_dismiss(&self, profile: &str, id: i64) -> Result<bool> {
        let n = self
            .conn()
            .execute(
                "UPDATE checkin_queue SET dismissed = 1 WHERE profile = ?1 AND id = ?2 AND state IN ('conflict','failed','outcome_unknown')",
                params![profile, id],
            )
            .map_err(db)?;
        Ok(n == 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new(profile: &str, action: CheckinAction) -> NewCheckin {
        NewCheckin {
            profile: profile.into(),
            event_id: Uuid::from_u128(1),
            attendee_id: Uuid::from_u128(2),
            barcode: "B1".into(),
            attendee_name: "Ann Lee".into(),
            action,
            scanned_at: "2026-12-05T10:00:00.123Z".parse().unwrap(),
        }
    }

    #[test]
    fn queue_keeps_order_time_and_states() {
        let s = Store::open_in_memory().unwrap();
        let a = s
            .checkin_enqueue(&new("p", CheckinAction::CheckIn))
            .unwrap();
        let b = s
            .checkin_enqueue(&new("p", CheckinAction::CheckOut))
            .unwrap();
        s.checkin_enqueue(&new("other", CheckinAction::CheckIn))
            .unwrap();
        assert_eq!(s.checkin_waiting("p").unwrap(), 2);
        let next = s.checkin_next("p").unwrap().unwrap();
        assert_eq!(next.id, a);
        assert_eq!(
            next.scanned_at.to_rfc3339(),
            "2026-12-05T10:00:00.123+00:00"
        );
        assert!(s
            .checkin_transition(a, CheckinState::Queued, CheckinState::Sending, None)
            .unwrap());
        // A second transition from queued fails: the row is no longer queued.
        assert!(!s
            .checkin_transition(a, CheckinState::Queued, CheckinState::Cancelled, None)
            .unwrap());
        assert_eq!(s.checkin_next("p").unwrap().unwrap().id, b);
        assert_eq!(
            s.checkin_next("p").unwrap().unwrap().action,
            CheckinAction::CheckOut
        );
        // A crash while sending: outcome unknown, listed, not queued again.
        assert_eq!(s.checkin_recover("p").unwrap(), 1);
        let problems = s
            .checkin_rows("p", Uuid::from_u128(1), &[CheckinState::OutcomeUnknown])
            .unwrap();
        assert_eq!(problems.len(), 1);
        assert!(s.checkin_dismiss("p", a).unwrap());
        assert!(s
            .checkin_rows("p", Uuid::from_u128(1), &[CheckinState::OutcomeUnknown])
            .unwrap()
            .is_empty());
        // Queued rows cannot be dismissed.
        assert!(!s.checkin_dismiss("p", b).unwrap());
    }
}
