//! The send log: a row is written as `pending` *before* a send request leaves, and finished
//! after. A row still `pending` after a crash means the outcome is unknown, never "not sent".

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use uuid::Uuid;

use super::{db, parse_ts, parse_uuid, ts, Store};
use crate::models::SendResponse;
use crate::{Error, Result};

/// What is about to be sent.
#[derive(Clone, Debug, PartialEq)]
pub struct NewSend {
    pub profile: String,
    pub attendee_id: Uuid,
    pub template_id: Uuid,
    pub correlation_id: Option<String>,
}

/// The state of a send-log row.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, TS)]
#[serde(rename_all = "snake_case")]
pub enum SendResult {
    /// Written before the request; no answer yet.
    Pending,
    /// Qflow answered `queued`.
    Queued,
    /// Qflow (or validation) said no; `errorCode` says why. Nothing was queued.
    Error,
    /// The request may have reached Qflow and the answer was lost. Check before resending.
    OutcomeUnknown,
}

impl SendResult {
    pub fn as_str(self) -> &'static str {
        match self {
            SendResult::Pending => "pending",
            SendResult::Queued => "queued",
            SendResult::Error => "error",
            SendResult::OutcomeUnknown => "outcome_unknown",
        }
    }
    fn parse(s: &str) -> SendResult {
        match s {
            "queued" => SendResult::Queued,
            "error" => SendResult::Error,
            "outcome_unknown" => SendResult::OutcomeUnknown,
            _ => SendResult::Pending,
        }
    }
}

/// How a send ended.
#[derive(Clone, Debug, PartialEq)]
pub enum SendOutcome {
    Queued { attendee_invitation_id: Uuid },
    Failed { code: String, message: String },
    OutcomeUnknown { message: String },
}

impl SendOutcome {
    /// A failed request: `OutcomeUnknown` when Qflow may have queued it anyway
    /// ([`Error::may_have_been_applied`]), else `Failed`.
    pub fn from_error(e: &Error) -> SendOutcome {
        if e.may_have_been_applied() {
            return SendOutcome::OutcomeUnknown {
                message: e.body().message,
            };
        }
        SendOutcome::Failed {
            code: e.code().to_owned(),
            message: e.body().message,
        }
    }

    /// From the API client's answer (see [`SendOutcome::from_error`]).
    pub fn from_result(r: &Result<SendResponse>) -> SendOutcome {
        match r {
            Ok(resp) => SendOutcome::Queued {
                attendee_invitation_id: resp.attendee_invitation_id,
            },
            Err(e) => SendOutcome::from_error(e),
        }
    }
}

/// One row of the send log.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
pub struct SendLogEntry {
    #[ts(type = "number")]
    pub id: i64,
    pub profile: String,
    pub attendee_id: Uuid,
    pub template_id: Uuid,
    pub correlation_id: Option<String>,
    pub attendee_invitation_id: Option<Uuid>,
    pub requested_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    pub result: SendResult,
    pub error_code: Option<String>,
    pub error_message: Option<String>,
}

const COLUMNS: &str = "id, profile, attendee_id, template_id, correlation_id, attendee_invitation_id, requested_at, finished_at, result, error_code, error_message";

fn entry(r: &Row<'_>) -> rusqlite::Result<SendLogEntry> {
    Ok(SendLogEntry {
        id: r.get(0)?,
        profile: r.get(1)?,
        attendee_id: parse_uuid(r.get(2)?).unwrap_or_default(),
        template_id: parse_uuid(r.get(3)?).unwrap_or_default(),
        correlation_id: r.get(4)?,
        attendee_invitation_id: parse_uuid(r.get(5)?),
        requested_at: parse_ts(&r.get::<_, String>(6)?),
        finished_at: r.get::<_, Option<String>>(7)?.as_deref().map(parse_ts),
        result: SendResult::parse(&r.get::<_, String>(8)?),
        error_code: r.get(9)?,
        error_message: r.get(10)?,
    })
}

impl Store {
    /// Record a send as `pending` before the request is made. Returns the row id for
    /// `finish_send`.
    pub fn begin_send(&self, send: &NewSend) -> Result<i64> {
        self.begin_send_at(send, Utc::now())
    }

    pub fn begin_send_at(&self, send: &NewSend, at: DateTime<Utc>) -> Result<i64> {
        let c = self.conn();
        c.execute(
            "INSERT INTO send_log (profile, attendee_id, template_id, correlation_id, requested_at, result)
             VALUES (?1, ?2, ?3, ?4, ?5, 'pending')",
            params![send.profile, send.attendee_id.to_string(), send.template_id.to_string(), send.correlation_id, ts(at)],
        )
        .map_err(db)?;
        Ok(c.last_insert_rowid())
    }

    /// Record how the send ended.
    pub fn finish_send(&self, id: i64, outcome: &SendOutcome) -> Result<()> {
        let (result, invitation, code, message) = match outcome {
            SendOutcome::Queued {
                attendee_invitation_id,
            } => (
                SendResult::Queued,
                Some(attendee_invitation_id.to_string()),
                None,
                None,
            ),
            SendOutcome::Failed { code, message } => (
                SendResult::Error,
                None,
                Some(code.as_str()),
                Some(message.as_str()),
            ),
            SendOutcome::OutcomeUnknown { message } => (
                SendResult::OutcomeUnknown,
                None,
                Some("outcome_unknown"),
                Some(message.as_str()),
            ),
        };
        let n = self
            .conn()
            .execute(
                "UPDATE send_log SET result = ?2, attendee_invitation_id = COALESCE(?3, attendee_invitation_id),
                 error_code = ?4, error_message = ?5, finished_at = ?6 WHERE id = ?1",
                params![id, result.as_str(), invitation, code, message, ts(Utc::now())],
            )
            .map_err(db)?;
        if n == 0 {
            return Err(Error::Storage(format!("No send-log row {id} to finish")));
        }
        Ok(())
    }

    /// `finish_send` straight from the API client's answer.
    /// An atomic create-and-send (`POST /api/guest` with `commsTemplateId`) was accepted: the
    /// send is queued, but Qflow returns no `attendeeInvitationId` for it.
    pub fn finish_send_accepted(&self, id: i64) -> Result<()> {
        let n = self
            .conn()
            .execute(
                "UPDATE send_log SET result = 'queued', error_code = NULL, error_message = NULL,
                 finished_at = ?2 WHERE id = ?1",
                params![id, ts(Utc::now())],
            )
            .map_err(db)?;
        if n == 0 {
            return Err(Error::Storage(format!("No send-log row {id} to finish")));
        }
        Ok(())
    }

    pub fn finish_send_with(&self, id: i64, response: &Result<SendResponse>) -> Result<()> {
        self.finish_send(id, &SendOutcome::from_result(response))
    }

    pub fn send_log_entry(&self, id: i64) -> Result<Option<SendLogEntry>> {
        self.conn()
            .query_row(
                &format!("SELECT {COLUMNS} FROM send_log WHERE id = ?1"),
                [id],
                entry,
            )
            .optional()
            .map_err(db)
    }

    /// Newest first; `profile = None` for all profiles.
    pub fn recent_sends(&self, profile: Option<&str>, limit: usize) -> Result<Vec<SendLogEntry>> {
        let c = self.conn();
        let mut st = c
            .prepare(&format!(
                "SELECT {COLUMNS} FROM send_log WHERE (?1 IS NULL OR profile = ?1) ORDER BY requested_at DESC, id DESC LIMIT ?2"
            ))
            .map_err(db)?;
        let rows = st
            .query_map(params![profile, limit as i64], entry)
            .map_err(db)?;
        rows.collect::<rusqlite::Result<_>>().map_err(db)
    }

    pub fn sends_for_attendee(&self, attendee_id: Uuid) -> Result<Vec<SendLogEntry>> {
        let c = self.conn();
        let mut st = c
            .prepare(&format!(
                "SELECT {COLUMNS} FROM send_log WHERE attendee_id = ?1 ORDER BY requested_at, id"
            ))
            .map_err(db)?;
        let rows = st.query_map([attendee_id.to_string()], entry).map_err(db)?;
        rows.collect::<rusqlite::Result<_>>().map_err(db)
    }

    /// Rows still `pending` that were requested more than `older_than` ago belong to a process
    /// that stopped mid-send: mark them `outcome_unknown`. Returns how many.
    pub fn mark_stale_pending(&self, older_than: std::time::Duration) -> Result<usize> {
        let cutoff = Utc::now() - chrono::Duration::from_std(older_than).unwrap_or_default();
        self.conn()
            .execute(
                "UPDATE send_log SET result = 'outcome_unknown', error_code = 'outcome_unknown',
                 error_message = 'qflow-console stopped before Qflow answered this send', finished_at = ?2
                 WHERE result = 'pending' AND requested_at < ?1",
                params![ts(cutoff), ts(Utc::now())],
            )
            .map_err(db)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new_send(attendee: Uuid) -> NewSend {
        NewSend {
            profile: "p".into(),
            attendee_id: attendee,
            template_id: Uuid::new_v4(),
            correlation_id: Some("c-1".into()),
        }
    }

    #[test]
    fn pending_then_finished() {
        let s = Store::open_in_memory().unwrap();
        let a = Uuid::new_v4();
        let id = s.begin_send(&new_send(a)).unwrap();
        let row = s.send_log_entry(id).unwrap().unwrap();
        assert_eq!(row.result, SendResult::Pending);
        assert!(row.finished_at.is_none());

        let inv = Uuid::new_v4();
        s.finish_send(
            id,
            &SendOutcome::Queued {
                attendee_invitation_id: inv,
            },
        )
        .unwrap();
        let row = s.send_log_entry(id).unwrap().unwrap();
        assert_eq!(row.result, SendResult::Queued);
        assert_eq!(row.attendee_invitation_id, Some(inv));
        assert_eq!(row.correlation_id.as_deref(), Some("c-1"));
        assert!(row.finished_at.is_some());
        assert!(s
            .finish_send(
                9999,
                &SendOutcome::OutcomeUnknown {
                    message: "x".into()
                }
            )
            .is_err());
    }

    #[test]
    fn outcomes_from_client_results() {
        let s = Store::open_in_memory().unwrap();
        let a = Uuid::new_v4();
        let lost = s.begin_send(&new_send(a)).unwrap();
        s.finish_send_with(
            lost,
            &Err(Error::OutcomeUnknown {
                endpoint: "POST /api/comms/send".into(),
                message: "connection reset".into(),
            }),
        )
        .unwrap();
        let refused = s.begin_send(&new_send(a)).unwrap();
        let api = crate::ApiError::from_response(
            422,
            br#"{"error":"previous_send_permanently_failed","message":"m","failureType":"bounced"}"#,
            "POST /api/comms/send",
            None,
        );
        s.finish_send_with(refused, &Err(Error::Api(api))).unwrap();

        let rows = s.sends_for_attendee(a).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].result, SendResult::OutcomeUnknown);
        assert!(rows[0]
            .error_message
            .as_deref()
            .unwrap()
            .contains("may have reached Qflow"));
        assert_eq!(rows[1].result, SendResult::Error);
        assert_eq!(
            rows[1].error_code.as_deref(),
            Some("previous_send_permanently_failed")
        );
        assert_eq!(s.recent_sends(Some("p"), 10).unwrap().len(), 2);
        assert_eq!(s.recent_sends(Some("other"), 10).unwrap().len(), 0);
        assert_eq!(s.recent_sends(None, 1).unwrap()[0].id, refused);
    }

    #[test]
    fn stale_pending_rows_become_outcome_unknown() {
        let s = Store::open_in_memory().unwrap();
        let old = s
            .begin_send_at(
                &new_send(Uuid::new_v4()),
                Utc::now() - chrono::Duration::minutes(10),
            )
            .unwrap();
        let fresh = s.begin_send(&new_send(Uuid::new_v4())).unwrap();
        assert_eq!(
            s.mark_stale_pending(std::time::Duration::from_secs(120))
                .unwrap(),
            1
        );
        assert_eq!(
            s.send_log_entry(old).unwrap().unwrap().result,
            SendResult::OutcomeUnknown
        );
        assert_eq!(
            s.send_log_entry(fresh).unwrap().unwrap().result,
            SendResult::Pending
        );
    }
}
