//! Received webhook events, deduplicated on `X-Qflow-Webhook-Id` (Qflow reuses it on retries).

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;
use uuid::Uuid;

use super::{db, parse_ts, ts, Arrival, Store};
use crate::Result;

/// The guide's event catalogue. Others are recorded too (additive changes ship without notice).
pub const KNOWN_EVENT_TYPES: &[&str] = &[
    "comms.test",
    "comms.sent",
    "comms.delivered",
    "comms.opened",
    "comms.bounced",
    "comms.dropped",
    "comms.spam_reported",
    "comms.unsubscribed",
    "comms.failed",
];

pub fn is_known_event_type(t: &str) -> bool {
    KNOWN_EVENT_TYPES.contains(&t)
}

/// An event as received, before it is stored.
#[derive(Clone, Debug, PartialEq)]
pub struct NewWebhookEvent {
    pub webhook_id: String,
    pub event_type: String,
    pub received_at: DateTime<Utc>,
    /// `X-Qflow-Timestamp` (unix seconds).
    pub timestamp: Option<i64>,
    /// The receiver's verdict on the timestamp; `new` says on time.
    pub arrival: Arrival,
    /// `received_at` minus `timestamp`, in seconds.
    pub lag_secs: Option<i64>,
    /// The body exactly as received (lossy UTF-8 if it was not UTF-8).
    pub raw_body: String,
}

impl NewWebhookEvent {
    pub fn new(
        webhook_id: &str,
        event_type: &str,
        timestamp: Option<i64>,
        raw_body: &[u8],
    ) -> Self {
        let received_at = Utc::now();
        NewWebhookEvent {
            webhook_id: webhook_id.to_owned(),
            event_type: event_type.to_owned(),
            received_at,
            timestamp,
            arrival: Arrival::OnTime,
            lag_secs: timestamp.map(|t| received_at.timestamp().saturating_sub(t)),
            raw_body: String::from_utf8_lossy(raw_body).into_owned(),
        }
    }

    /// Received at `at` by a receiver whose window is `window` seconds: sets the lag and
    /// classifies it.
    pub fn arrived(mut self, at: DateTime<Utc>, window: i64) -> Self {
        self.received_at = at;
        self.lag_secs = self.timestamp.map(|t| at.timestamp().saturating_sub(t));
        self.arrival = self
            .lag_secs
            .map_or(Arrival::OnTime, |lag| Arrival::of(lag, window));
        self
    }
}

/// A stored event, as the UI feed and the timeline show it.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct WebhookEventRecord {
    #[ts(type = "number")]
    pub id: i64,
    pub webhook_id: String,
    pub event_type: String,
    /// False for event types the guide does not list (kept, not rejected).
    pub known_type: bool,
    pub received_at: DateTime<Utc>,
    #[ts(type = "number | null")]
    pub timestamp: Option<i64>,
    pub attendee_id: Option<String>,
    pub template_id: Option<String>,
    pub attendee_invitation_id: Option<String>,
    pub correlation_id: Option<String>,
    pub status: Option<String>,
    pub error: Option<String>,
    pub raw_body: String,
    /// Late (a retry after the receiver was down) or ahead (clock skew): kept, flagged.
    pub arrival: Arrival,
    /// Seconds between `timestamp` and `received_at` (negative: the timestamp is ahead).
    #[ts(type = "number | null")]
    pub lag_secs: Option<i64>,
    /// What to say about a late or early arrival, e.g. "arrived 12 min after it was created…".
    pub arrival_note: Option<String>,
}

impl WebhookEventRecord {
    /// When the event happened: `X-Qflow-Timestamp` if present, else when it arrived.
    pub fn occurred_at(&self) -> DateTime<Utc> {
        self.timestamp
            .and_then(|t| DateTime::from_timestamp(t, 0))
            .unwrap_or(self.received_at)
    }
}

pub(super) const COLUMNS: &str = "id, webhook_id, event_type, received_at, timestamp, attendee_id, template_id, attendee_invitation_id, correlation_id, status, error, raw_body, arrival, lag_secs";

pub(super) fn record(r: &Row<'_>) -> rusqlite::Result<WebhookEventRecord> {
    let event_type: String = r.get(2)?;
    let arrival = Arrival::parse(&r.get::<_, String>(12)?);
    let lag_secs: Option<i64> = r.get(13)?;
    Ok(WebhookEventRecord {
        id: r.get(0)?,
        webhook_id: r.get(1)?,
        known_type: is_known_event_type(&event_type),
        event_type,
        received_at: parse_ts(&r.get::<_, String>(3)?),
        timestamp: r.get(4)?,
        attendee_id: r.get(5)?,
        template_id: r.get(6)?,
        attendee_invitation_id: r.get(7)?,
        correlation_id: r.get(8)?,
        status: r.get(9)?,
        error: r.get(10)?,
        raw_body: r.get(11)?,
        arrival,
        lag_secs,
        arrival_note: arrival.note(lag_secs),
    })
}

/// A body field as text; UUIDs normalised to lowercase hyphenated so joins match.
fn field(body: &Value, name: &str) -> Option<String> {
    let text = match body.get(name)? {
        Value::Null => return None,
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    Some(
        Uuid::parse_str(&text)
            .map(|u| u.to_string())
            .unwrap_or(text),
    )
}

/// Insert one event on `c`; `None` if its webhook id is already stored.
fn insert(c: &Connection, ev: &NewWebhookEvent) -> Result<Option<WebhookEventRecord>> {
    // An unparseable body is still recorded (raw); its fields stay empty.
    let body: Value = serde_json::from_str(&ev.raw_body).unwrap_or(Value::Null);
    let n = c
        .execute(
            "INSERT INTO webhook_events (webhook_id, event_type, received_at, timestamp, attendee_id, template_id,
               attendee_invitation_id, correlation_id, status, error, raw_body, arrival, lag_secs)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
             ON CONFLICT(webhook_id) DO NOTHING",
            params![
                ev.webhook_id,
                ev.event_type,
                ts(ev.received_at),
                ev.timestamp,
                field(&body, "attendeeId"),
                field(&body, "templateId"),
                field(&body, "attendeeInvitationId"),
                field(&body, "correlationId"),
                field(&body, "status"),
                field(&body, "error"),
                ev.raw_body,
                ev.arrival.as_str(),
                ev.lag_secs,
            ],
        )
        .map_err(db)?;
    if n == 0 {
        return Ok(None);
    }
    let id = c.last_insert_rowid();
    c.query_row(
        &format!("SELECT {COLUMNS} FROM webhook_events WHERE id = ?1"),
        [id],
        record,
    )
    .map(Some)
    .map_err(db)
}

impl Store {
    /// Store an event. `Ok(None)` if this webhook id was already stored (a retry).
    pub fn record_webhook_event(&self, ev: &NewWebhookEvent) -> Result<Option<WebhookEventRecord>> {
        insert(&self.conn(), ev)
    }

    /// Store several events in one transaction: one disk sync for all of them (the receiver's
    /// group commit under `synchronous=FULL`). Answers as [`Store::record_webhook_event`], in
    /// order; a second event with the same id in the batch is a duplicate. All or nothing.
    pub fn record_webhook_events(
        &self,
        evs: &[NewWebhookEvent],
    ) -> Result<Vec<Option<WebhookEventRecord>>> {
        let mut c = self.conn();
        let tx = c.transaction().map_err(db)?;
        let out = evs
            .iter()
            .map(|ev| insert(&tx, ev))
            .collect::<Result<Vec<_>>>()?;
        tx.commit().map_err(db)?;
        Ok(out)
    }

    pub fn webhook_event(&self, webhook_id: &str) -> Result<Option<WebhookEventRecord>> {
        self.conn()
            .query_row(
                &format!("SELECT {COLUMNS} FROM webhook_events WHERE webhook_id = ?1"),
                [webhook_id],
                record,
            )
            .optional()
            .map_err(db)
    }

    /// Newest first.
    pub fn recent_webhook_events(&self, limit: usize) -> Result<Vec<WebhookEventRecord>> {
        let c = self.conn();
        let mut st = c
            .prepare(&format!(
                "SELECT {COLUMNS} FROM webhook_events ORDER BY id DESC LIMIT ?1"
            ))
            .map_err(db)?;
        let rows = st.query_map([limit as i64], record).map_err(db)?;
        rows.collect::<rusqlite::Result<_>>().map_err(db)
    }

    pub fn webhook_event_count(&self) -> Result<i64> {
        self.conn()
            .query_row("SELECT COUNT(*) FROM webhook_events", [], |r| r.get(0))
            .map_err(db)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dedupes_on_webhook_id_and_parses_fields() {
        let s = Store::open_in_memory().unwrap();
        let body = br#"{"attendeeId":"F9804BE1-4D31-4DC2-917C-FF3E9B6A9A41","templateId":"00890adf-1a80-4b1f-87ce-620feb9bec12","attendeeInvitationId":"8d630377-970a-4687-aa66-2a18fb964c99","status":"delivered","error":null,"correlationId":"first-test"}"#;
        let ev = NewWebhookEvent::new("wh-1", "comms.delivered", Some(1_780_000_000), body);
        let rec = s.record_webhook_event(&ev).unwrap().unwrap();
        assert_eq!(
            rec.attendee_id.as_deref(),
            Some("f9804be1-4d31-4dc2-917c-ff3e9b6a9a41")
        );
        assert_eq!(rec.correlation_id.as_deref(), Some("first-test"));
        assert_eq!(rec.status.as_deref(), Some("delivered"));
        assert_eq!(rec.error, None);
        assert!(rec.known_type);
        assert_eq!(rec.raw_body.as_bytes(), body);
        assert_eq!(rec.occurred_at().timestamp(), 1_780_000_000);

        assert!(s.record_webhook_event(&ev).unwrap().is_none());
        assert_eq!(s.webhook_event_count().unwrap(), 1);
    }

    #[test]
    fn a_batch_is_stored_in_order_and_dedupes_within_itself_and_against_the_table() {
        let s = Store::open_in_memory().unwrap();
        let ev = |id: &str| NewWebhookEvent::new(id, "comms.sent", Some(1_780_000_000), b"{}");
        s.record_webhook_event(&ev("old")).unwrap();
        let got = s
            .record_webhook_events(&[ev("a"), ev("old"), ev("b"), ev("a")])
            .unwrap();
        let ids: Vec<Option<&str>> = got
            .iter()
            .map(|r| r.as_ref().map(|r| r.webhook_id.as_str()))
            .collect();
        assert_eq!(ids, [Some("a"), None, Some("b"), None]);
        assert_eq!(s.webhook_event_count().unwrap(), 3);
    }

    #[test]
    fn unknown_types_and_bad_bodies_are_kept() {
        let s = Store::open_in_memory().unwrap();
        let rec = s
            .record_webhook_event(&NewWebhookEvent::new(
                "a",
                "comms.clicked",
                None,
                b"not json",
            ))
            .unwrap()
            .unwrap();
        assert!(!rec.known_type);
        assert_eq!(rec.raw_body, "not json");
        assert_eq!(rec.occurred_at(), rec.received_at);
        assert_eq!(s.recent_webhook_events(10).unwrap().len(), 1);
        assert_eq!(
            s.webhook_event("a").unwrap().unwrap().event_type,
            "comms.clicked"
        );
    }
}
