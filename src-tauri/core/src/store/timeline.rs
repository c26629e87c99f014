//! One attendee's delivery timeline: our send log joined with the webhook events that belong to
//! it, by attendeeId, attendeeInvitationId or correlationId, in time order.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use uuid::Uuid;

use super::webhook_events::{record, COLUMNS};
use super::{db, Store};
use crate::Result;

#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub enum TimelineKind {
    /// A row of our send log.
    Send,
    /// A webhook event from Qflow.
    Webhook,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct TimelineEntry {
    /// Send: when requested. Webhook: `X-Qflow-Timestamp`, else when received.
    pub at: DateTime<Utc>,
    pub kind: TimelineKind,
    /// `send.pending|send.queued|send.error|send.outcome_unknown`, or the webhook event type.
    pub event: String,
    pub status: Option<String>,
    pub template_id: Option<String>,
    pub attendee_invitation_id: Option<String>,
    pub correlation_id: Option<String>,
    pub error_code: Option<String>,
    pub message: Option<String>,
    #[ts(type = "number | null")]
    pub send_log_id: Option<i64>,
    pub webhook_id: Option<String>,
    /// For webhook entries: which id tied it to this attendee
    /// (`attendeeId`, `attendeeInvitationId` or `correlationId`).
    pub matched_by: Option<String>,
}

impl Store {
    /// Everything known about sends to `attendee_id`, oldest first. A correlation id only links
    /// events that carry no attendee id (correlation ids may be shared by a whole batch).
    pub fn timeline(&self, attendee_id: Uuid) -> Result<Vec<TimelineEntry>> {
        let sends = self.sends_for_attendee(attendee_id)?;
        let aid = attendee_id.to_string();
        let events = {
            let c = self.conn();
            let mut st = c
                .prepare(&format!(
                    "SELECT {COLUMNS} FROM webhook_events w
                     WHERE w.attendee_id = ?1
                        OR w.attendee_invitation_id IN (SELECT attendee_invitation_id FROM send_log
                               WHERE attendee_id = ?1 AND attendee_invitation_id IS NOT NULL)
                        OR (w.attendee_id IS NULL AND w.correlation_id IN (SELECT correlation_id FROM send_log
                               WHERE attendee_id = ?1 AND correlation_id IS NOT NULL))"
                ))
                .map_err(db)?;
            let rows = st.query_map([&aid], record).map_err(db)?;
            rows.collect::<rusqlite::Result<Vec<_>>>().map_err(db)?
        };

        let invitations: Vec<String> = sends
            .iter()
            .filter_map(|s| s.attendee_invitation_id.map(|u| u.to_string()))
            .collect();
        let mut out: Vec<TimelineEntry> = sends
            .into_iter()
            .map(|s| TimelineEntry {
                at: s.requested_at,
                kind: TimelineKind::Send,
                event: format!("send.{}", s.result.as_str()),
                status: Some(s.result.as_str().to_owned()),
                template_id: Some(s.template_id.to_string()),
                attendee_invitation_id: s.attendee_invitation_id.map(|u| u.to_string()),
                correlation_id: s.correlation_id,
                error_code: s.error_code,
                message: s.error_message,
                send_log_id: Some(s.id),
                webhook_id: None,
                matched_by: None,
            })
            .collect();
        out.extend(events.into_iter().map(|e| {
            let matched_by = if e.attendee_id.as_deref() == Some(aid.as_str()) {
                "attendeeId"
            } else if e
                .attendee_invitation_id
                .as_ref()
                .is_some_and(|i| invitations.contains(i))
            {
                "attendeeInvitationId"
            } else {
                "correlationId"
            };
            TimelineEntry {
                at: e.occurred_at(),
                kind: TimelineKind::Webhook,
                event: e.event_type,
                status: e.status,
                template_id: e.template_id,
                attendee_invitation_id: e.attendee_invitation_id,
                correlation_id: e.correlation_id,
                error_code: None,
                message: e.error,
                send_log_id: None,
                webhook_id: Some(e.webhook_id),
                matched_by: Some(matched_by.to_owned()),
            }
        }));
        // Same second: our request comes before Qflow's events about it.
        out.sort_by(|a, b| {
            (a.at, a.kind == TimelineKind::Webhook, a.send_log_id).cmp(&(
                b.at,
                b.kind == TimelineKind::Webhook,
                b.send_log_id,
            ))
        });
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::super::{NewSend, NewWebhookEvent, SendOutcome};
    use super::*;

    fn event(id: &str, kind: &str, at: i64, body: serde_json::Value) -> NewWebhookEvent {
        NewWebhookEvent::new(id, kind, Some(at), body.to_string().as_bytes())
    }

    #[test]
    fn joins_by_each_id_in_time_order() {
        let s = Store::open_in_memory().unwrap();
        let (a, other) = (Uuid::new_v4(), Uuid::new_v4());
        let t0 = Utc::now() - chrono::Duration::minutes(5);
        let send = NewSend {
            profile: "p".into(),
            attendee_id: a,
            template_id: Uuid::new_v4(),
            correlation_id: Some("order-1".into()),
        };
        let id = s.begin_send_at(&send, t0).unwrap();
        let inv = Uuid::new_v4();
        s.finish_send(
            id,
            &SendOutcome::Queued {
                attendee_invitation_id: inv,
            },
        )
        .unwrap();
        let base = t0.timestamp();

        // Delivered arrives before sent (out of order on the wire); timeline orders by timestamp.
        s.record_webhook_event(&event(
            "w2",
            "comms.delivered",
            base + 60,
            serde_json::json!({"attendeeInvitationId": inv, "status": "delivered"}),
        ))
        .unwrap();
        s.record_webhook_event(&event(
            "w1",
            "comms.sent",
            base + 1,
            serde_json::json!({"attendeeId": a, "status": "sent"}),
        ))
        .unwrap();
        s.record_webhook_event(&event(
            "w3",
            "comms.opened",
            base + 120,
            serde_json::json!({"correlationId": "order-1", "status": "opened"}),
        ))
        .unwrap();
        // Same correlation id but another attendee: not ours.
        s.record_webhook_event(&event(
            "w4",
            "comms.sent",
            base + 2,
            serde_json::json!({"attendeeId": other, "correlationId": "order-1"}),
        ))
        .unwrap();
        // Unrelated.
        s.record_webhook_event(&event("w5", "comms.test", base + 3, serde_json::json!({})))
            .unwrap();

        let tl = s.timeline(a).unwrap();
        let events: Vec<&str> = tl.iter().map(|e| e.event.as_str()).collect();
        assert_eq!(
            events,
            [
                "send.queued",
                "comms.sent",
                "comms.delivered",
                "comms.opened"
            ]
        );
        let matched: Vec<Option<&str>> = tl.iter().map(|e| e.matched_by.as_deref()).collect();
        assert_eq!(
            matched,
            [
                None,
                Some("attendeeId"),
                Some("attendeeInvitationId"),
                Some("correlationId")
            ]
        );
        assert_eq!(tl[0].attendee_invitation_id, Some(inv.to_string()));

        assert!(s.timeline(Uuid::new_v4()).unwrap().is_empty());
        let theirs = s.timeline(other).unwrap();
        assert_eq!(theirs.len(), 1);
        assert_eq!(theirs[0].webhook_id.as_deref(), Some("w4"));
    }
}
