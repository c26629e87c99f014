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

#[derive(Clone, Debug, PartialEq, Default)]
pub struct NewBulkItem {
    pub attendee_id: Uuid,
    pub template_id: Uuid,
    pub correlation_id: Option<String>,
    /// Kept so a job resumed after a restart names people and the template in its summary.
    pub attendee_name: Option<String>,
    pub template_name: Option<String>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
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
    pub attendee_name: Option<String>,
}

const COLUMNS: &str = "id, job_id, profile, attendee_id, template_id, correlation_id, state, send_log_id, error, updated_at, attendee_name";

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
        attendee_name: r.get(10)?,
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
                .prepare("INSERT INTO bulk_queue (job_id, profile, attendee_id, template_id, correlation_id, state, updated_at, attendee_name, template_name) VALUES (?1, ?2, ?3, ?4, ?5, 'queued', ?6, ?7, ?8)")
                .map_err(db)?;
            for it in items {
                st.execute(params![
                    job_id,
                    profile,
                    it.attendee_id.to_string(),
                    it.template_id.to_string(),
                    it.correlation_id,
                    now,
                    it.attendee_name,
                    it.template_name
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

/// How many items of a job are in each state.
#[derive(Serialize, Clone, Copy, Debug, Default, PartialEq, Eq, TS)]
#[serde(rename_all = "camelCase")]
pub struct BulkCounts {
    pub total: u32,
    pub queued: u32,
    pub sending: u32,
    pub done: u32,
    pub failed: u32,
    pub outcome_unknown: u32,
    pub cancelled: u32,
}

impl BulkCounts {
    /// Items still to send (queued, or left `sending` by a run that stopped).
    pub fn remaining(&self) -> u32 {
        self.queued + self.sending
    }
}

/// A job of a profile with items left to send (found at sign-in, offered, never resumed silently).
#[derive(Clone, Debug, PartialEq)]
pub struct UnfinishedBulkJob {
    pub job_id: String,
    pub template_id: Uuid,
    pub template_name: Option<String>,
    pub counts: BulkCounts,
    /// When its first item was written.
    pub started_at: DateTime<Utc>,
}

impl Store {
    pub fn bulk_counts(&self, job_id: &str) -> Result<BulkCounts> {
        let c = self.conn();
        let mut st = c
            .prepare("SELECT state, COUNT(*) FROM bulk_queue WHERE job_id = ?1 GROUP BY state")
            .map_err(db)?;
        let rows = st
            .query_map([job_id], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, u32>(1)?))
            })
            .map_err(db)?;
        let mut out = BulkCounts::default();
        for row in rows {
            let (state, n) = row.map_err(db)?;
            out.total += n;
            match BulkItemState::parse(&state) {
                BulkItemState::Queued => out.queued += n,
                BulkItemState::Sending => out.sending += n,
                BulkItemState::Done => out.done += n,
                BulkItemState::Failed => out.failed += n,
                BulkItemState::OutcomeUnknown => out.outcome_unknown += n,
                BulkItemState::Cancelled => out.cancelled += n,
            }
        }
        Ok(out)
    }

    /// Mark a `queued` item failed without sending (e.g. the attendee has no email address).
    pub fn bulk_skip(&self, item_id: i64, reason: &str) -> Result<()> {
        let n = self
            .conn()
            .execute(
                "UPDATE bulk_queue SET state = 'failed', error = ?2, updated_at = ?3 WHERE id = ?1 AND state = 'queued'",
                params![item_id, reason, ts(Utc::now())],
            )
            .map_err(db)?;
        if n == 0 {
            return Err(Error::Storage(format!("Bulk item {item_id} is not queued")));
        }
        Ok(())
    }

    /// After a request Qflow refused without processing it (429, 401, 403, or one that never
    /// left this machine): finish its send-log row as an error and put the item back in the
    /// queue, in one transaction. Nothing was sent, so sending it later cannot send twice.
    pub fn bulk_requeue(
        &self,
        item_id: i64,
        send_log_id: i64,
        code: &str,
        message: &str,
    ) -> Result<()> {
        let mut c = self.conn();
        let tx = c.transaction().map_err(db)?;
        let now = ts(Utc::now());
        tx.execute(
            "UPDATE send_log SET result = 'error', error_code = ?2, error_message = ?3, finished_at = ?4 WHERE id = ?1",
            params![send_log_id, code, message, now],
        )
        .map_err(db)?;
        let n = tx
            .execute(
                "UPDATE bulk_queue SET state = 'queued', error = ?2, updated_at = ?3 WHERE id = ?1 AND state = 'sending'",
                params![item_id, format!("{code}: {message}"), now],
            )
            .map_err(db)?;
        if n == 0 {
            return Err(Error::Storage(format!(
                "Bulk item {item_id} is not sending"
            )));
        }
        tx.commit().map_err(db)
    }

    /// The person checked (e.g. in Qflow's webhook feed) that the `outcome_unknown` items did
    /// not arrive and asked to send them again: they go back to `queued`. Returns how many.
    pub fn bulk_requeue_unknown(&self, job_id: &str) -> Result<usize> {
        self.conn()
            .execute(
                "UPDATE bulk_queue SET state = 'queued', error = NULL, updated_at = ?2 WHERE job_id = ?1 AND state = 'outcome_unknown'",
                params![job_id, ts(Utc::now())],
            )
            .map_err(db)
    }

    /// The profile's jobs with items still queued or left `sending`, newest first.
    pub fn bulk_unfinished(&self, profile: &str) -> Result<Vec<UnfinishedBulkJob>> {
        let ids: Vec<(String, String, String, Option<String>)> = {
            let c = self.conn();
            let mut st = c
                .prepare(
                    "SELECT job_id, MIN(template_id), MIN(updated_at), MIN(template_name) FROM bulk_queue WHERE profile = ?1
                     GROUP BY job_id HAVING SUM(state IN ('queued', 'sending')) > 0 ORDER BY MAX(id) DESC",
                )
                .map_err(db)?;
            let rows = st
                .query_map([profile], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
                })
                .map_err(db)?;
            rows.collect::<rusqlite::Result<_>>().map_err(db)?
        };
        ids.into_iter()
            .map(|(job_id, template, started, template_name)| {
                Ok(UnfinishedBulkJob {
                    counts: self.bulk_counts(&job_id)?,
                    job_id,
                    template_id: parse_uuid(Some(template)).unwrap_or_default(),
                    template_name,
                    started_at: parse_ts(&started),
                })
            })
            .collect()
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
                ..Default::default()
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

    #[test]
    fn counts_skip_requeue_and_unfinished_jobs() {
        let s = Store::open_in_memory().unwrap();
        let template = Uuid::new_v4();
        let items: Vec<NewBulkItem> = (0..4)
            .map(|_| NewBulkItem {
                attendee_id: Uuid::new_v4(),
                template_id: template,
                correlation_id: None,
                ..Default::default()
            })
            .collect();
        s.bulk_enqueue("j1", "prod", &items).unwrap();
        s.bulk_enqueue("j2", "other", &items[..1]).unwrap();
        let all = s.bulk_items("j1").unwrap();
        s.bulk_skip(all[0].id, "no email address").unwrap();
        assert!(s.bulk_skip(all[0].id, "again").is_err());
        let send = s.bulk_begin_send(all[1].id).unwrap();
        s.bulk_requeue(all[1].id, send, "rate_limit", "wait 1 s")
            .unwrap();
        assert_eq!(
            s.send_log_entry(send).unwrap().unwrap().result,
            SendResult::Error
        );
        // Requeued: it is the next one again, and can be begun again.
        assert_eq!(s.bulk_next("j1").unwrap().unwrap().id, all[1].id);
        let send = s.bulk_begin_send(all[1].id).unwrap();
        s.bulk_finish_send(
            all[1].id,
            send,
            &SendOutcome::OutcomeUnknown {
                message: "lost".into(),
            },
        )
        .unwrap();
        let c = s.bulk_counts("j1").unwrap();
        assert_eq!(
            (
                c.total,
                c.queued,
                c.failed,
                c.outcome_unknown,
                c.remaining()
            ),
            (4, 2, 1, 1, 2)
        );
        let open = s.bulk_unfinished("prod").unwrap();
        assert_eq!(open.len(), 1);
        assert_eq!(open[0].job_id, "j1");
        assert_eq!(open[0].template_id, template);
        assert_eq!(open[0].counts.remaining(), 2);
        assert_eq!(s.bulk_requeue_unknown("j1").unwrap(), 1);
        assert_eq!(s.bulk_counts("j1").unwrap().queued, 3);
        s.bulk_cancel("j1").unwrap();
        assert!(s.bulk_unfinished("prod").unwrap().is_empty());
    }
}
