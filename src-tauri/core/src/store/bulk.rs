//! The bulk resend queue. Each item's state is written before its request (`sending`, with a
//! pending send-log row in the same transaction), so a crash leaves `sending` items that are
//! recovered as `outcome_unknown`, never silently resent.

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use uuid::Uuid;

use super::{db, parse_ts, parse_uuid, ts, SendOutcome, Store};
use crate::{Error, Result};

#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub enum BulkItemState {
    Queued,
    Sending,
    Done,
    Failed,
    OutcomeUnknown,
    Cancelled,
}

impl BulkItemState {
    pub fn as_str(self) -> &'static str {
        match self {
            BulkItemState::Queued => "queued",
            BulkItemState::Sending => "sending",
            BulkItemState::Done => "done",
            BulkItemState::Failed => "failed",
            BulkItemState::OutcomeUnknown => "outcome_unknown",
            BulkItemState::Cancelled => "cancelled",
        }
    }
    fn parse(s: &str) -> Self {
        match s {
            "sending" => BulkItemState::Sending,
            "done" => BulkItemState::Done,
            "failed" => BulkItemState::Failed,
            "outcome_unknown" => BulkItemState::OutcomeUnknown,
            "cancelled" => BulkItemState::Cancelled,
            _ => BulkItemState::Queued,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct NewBulkItem {
    pub attendee_id: Uuid,
    pub template_id: Uuid,
    pub correlation_id: Option<String>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct BulkItem {
    #[ts(type = "number")]
    pub id: i64,
    pub job_id: String,
    pub profile: String,
    pub attendee_id: Uuid,
    pub template_id: Uuid,
    pub correlation_id: Option<String>,
    pub state: BulkItemState,
    #[ts(type = "number | null")]
    pub send_log_id: Option<i64>,
    pub error: Option<String>,
    pub updated_at: DateTime<Utc>,
}

const COLUMNS: &str = "id, job_id, profile, attendee_id, template_id, correlation_id, state, send_log_id, error, updated_at";

fn item(r: &Row<'_>) -> rusqlite::Result<BulkItem> {
    Ok(BulkItem {
        id: r.get(0)?,
        job_id: r.get(1)?,
        profile: r.get(2)?,
        attendee_id: parse_uuid(r.get(3)?).unwrap_or_default(),
        template_id: parse_uuid(r.get(4)?).unwrap_or_default(),
        correlation_id: r.get(5)?,
        state: BulkItemState::parse(&r.get::<_, String>(6)?),
        send_log_id: r.get(7)?,
        error: r.get(8)?,
        updated_at: parse_ts(&r.get::<_, String>(9)?),
    })
}

impl Store {
    pub fn bulk_enqueue(
        &self,
        job_id: &str,
        profile: &str,
        items: &[NewBulkItem],
    ) -> Result<usize> {
        let mut c = self.conn();
        let tx = c.transaction().map_err(db)?;
        {
            let now = ts(Utc::now());
            let mut st = tx
                .prepare("INSERT INTO bulk_queue (job_id, profile, attendee_id, template_id, correlation_id, state, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, 'queued', ?6)")
                .map_err(db)?;
            for it in items {
                st.execute(params![
                    job_id,
                    profile,
                    it.attendee_id.to_string(),
                    it.template_id.to_string(),
                    it.correlation_id,
                    now
                ])
                .map_err(db)?;
            }
        }
        tx.commit().map_err(db)?;
        Ok(items.len())
    }

    /// The oldest `queued` item of the job.
    pub fn bulk_next(&self, job_id: &str) -> Result<Option<BulkItem>> {
        self.conn()
            .query_row(&format!("SELECT {COLUMNS} FROM bulk_queue WHERE job_id = ?1 AND state = 'queued' ORDER BY id LIMIT 1"), [job_id], item)
            .optional()
            .map_err(db)
    }

    pub fn bulk_items(&self, job_id: &str) -> Result<Vec<BulkItem>> {
        let c = self.conn();
        let mut st = c
            .prepare(&format!(
                "SELECT {COLUMNS} FROM bulk_queue WHERE job_id = ?1 ORDER BY id"
            ))
            .map_err(db)?;
        let rows = st.query_map([job_id], item).map_err(db)?;
        rows.collect::<rusqlite::Result<_>>().map_err(db)
    }

    /// Before the request: mark the item `sending` and write its pending send-log row, in one
    /// transaction. Returns the send-log id. Fails if the item is not `queued`.
    pub fn bulk_begin_send(&self, item_id: i64) -> Result<i64> {
        let mut c = self.conn();
        let tx = c.transaction().map_err(db)?;
        let it = tx
            .query_row(
                &format!("SELECT {COLUMNS} FROM bulk_queue WHERE id = ?1"),
                [item_id],
                item,
            )
            .optional()
            .map_err(db)?
            .ok_or_else(|| Error::Storage(format!("No bulk item {item_id}")))?;
        if it.state != BulkItemState::Queued {
            return Err(Error::Storage(format!(
                "Bulk item {item_id} is {}, not queued",
                it.state.as_str()
            )));
        }
        let now = ts(Utc::now());
        tx.execute(
            "INSERT INTO send_log (profile, attendee_id, template_id, correlation_id, requested_at, result) VALUES (?1, ?2, ?3, ?4, ?5, 'pending')",
            params![it.profile, it.attendee_id.to_string(), it.template_id.to_string(), it.correlation_id, now],
        )
        .map_err(db)?;
        let send_id = tx.last_insert_rowid();
        tx.execute("UPDATE bulk_queue SET state = 'sending', send_log_id = ?2, updated_at = ?3 WHERE id = ?1", params![item_id, send_id, now])
            .map_err(db)?;
        tx.commit().map_err(db)?;
        Ok(send_id)
    }

    /// After the request: finish the send-log row and the item.
    pub fn bulk_finish_send(
        &self,
        item_id: i64,
        send_log_id: i64,
        outcome: &SendOutcome,
    ) -> Result<()> {
        self.finish_send(send_log_id, outcome)?;
        let (state, error) = match outcome {
            SendOutcome::Queued { .. } => (BulkItemState::Done, None),
            SendOutcome::Failed { code, message } => {
                (BulkItemState::Failed, Some(format!("{code}: {message}")))
            }
            SendOutcome::OutcomeUnknown { message } => {
                (BulkItemState::OutcomeUnknown, Some(message.clone()))
            }
        };
        self.conn()
            .execute(
                "UPDATE bulk_queue SET state = ?2, error = ?3, updated_at = ?4 WHERE id = ?1",
                params![item_id, state.as_str(), error, ts(Utc::now())],
            )
            .map_err(db)?;
        Ok(())
    }

    /// After a crash: items left `sending` (and their send-log rows) become `outcome_unknown`.
    pub fn bulk_recover(&self, job_id: &str) -> Result<usize> {
        let mut c = self.conn();
        let tx = c.transaction().map_err(db)?;
        let now = ts(Utc::now());
        tx.execute(
            "UPDATE send_log SET result = 'outcome_unknown', error_code = 'outcome_unknown',
               error_message = 'qflow-console stopped before Qflow answered this send', finished_at = ?2
             WHERE result = 'pending' AND id IN (SELECT send_log_id FROM bulk_queue WHERE job_id = ?1 AND state = 'sending')",
            params![job_id, now],
        )
        .map_err(db)?;
        let n = tx
            .execute(
                "UPDATE bulk_queue SET state = 'outcome_unknown', error = 'interrupted before Qflow answered', updated_at = ?2
                 WHERE job_id = ?1 AND state = 'sending'",
                params![job_id, now],
            )
            .map_err(db)?;
        tx.commit().map_err(db)?;
        Ok(n)
    }

    /// Cancel the job's items that have not started.
    pub fn bulk_cancel(&self, job_id: &str) -> Result<usize> {
        self.conn()
            .execute("UPDATE bulk_queue SET state = 'cancelled', updated_at = ?2 WHERE job_id = ?1 AND state = 'queued'", params![job_id, ts(Utc::now())])
            .map_err(db)
    }
}

#[cfg(test)]
mod tests {
    use super::super::SendResult;
    use super::*;

    #[test]
    fn state_is_written_before_each_request_and_recovered_after_a_crash() {
        let s = Store::open_in_memory().unwrap();
        let items: Vec<NewBulkItem> = (0..3)
            .map(|_| NewBulkItem {
                attendee_id: Uuid::new_v4(),
                template_id: Uuid::new_v4(),
                correlation_id: Some("resend-1".into()),
            })
            .collect();
        assert_eq!(s.bulk_enqueue("job", "p", &items).unwrap(), 3);

        let first = s.bulk_next("job").unwrap().unwrap();
        let send1 = s.bulk_begin_send(first.id).unwrap();
        assert!(
            s.bulk_begin_send(first.id).is_err(),
            "an item is sent at most once"
        );
        s.bulk_finish_send(
            first.id,
            send1,
            &SendOutcome::Queued {
                attendee_invitation_id: Uuid::new_v4(),
            },
        )
        .unwrap();

        let second = s.bulk_next("job").unwrap().unwrap();
        assert_ne!(second.id, first.id);
        let send2 = s.bulk_begin_send(second.id).unwrap();
        // "crash" here: nothing finishes item 2.
        assert_eq!(
            s.send_log_entry(send2).unwrap().unwrap().result,
            SendResult::Pending
        );
        assert_eq!(s.bulk_recover("job").unwrap(), 1);
        assert_eq!(
            s.send_log_entry(send2).unwrap().unwrap().result,
            SendResult::OutcomeUnknown
        );

        assert_eq!(s.bulk_cancel("job").unwrap(), 1);
        let states: Vec<BulkItemState> = s
            .bulk_items("job")
            .unwrap()
            .iter()
            .map(|i| i.state)
            .collect();
        assert_eq!(
            states,
            [
                BulkItemState::Done,
                BulkItemState::OutcomeUnknown,
                BulkItemState::Cancelled
            ]
        );
        assert!(s.bulk_next("job").unwrap().is_none());
    }
}
