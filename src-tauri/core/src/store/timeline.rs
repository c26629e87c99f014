//! One attendee's delivery timeline: our send log joined with the webhook events that belong to
//! it, in time order, and the same grouped per send (each send with Qflow's events about it).
//!
//! An event belongs to an attendee by, in order: its `attendeeId`; else its
//! `attendeeInvitationId` (one of our sends); else its `correlationId`, only when our send log
//! gives that correlation id to that attendee alone (a batch may share one). Within the
//! attendee, an event reports on the send with its invitation id, else on the send with its
//! correlation id.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use rusqlite::types::Value as SqlValue;
use rusqlite::Row;
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use uuid::Uuid;

use super::{db, parse_ts, Store};
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
    /// Send: its send-log row. Webhook: the send it reports on, when it is one of ours.
    #[ts(type = "number | null")]
    pub send_log_id: Option<i64>,
    pub webhook_id: Option<String>,
    /// For webhook entries: which id tied it to this attendee
    /// (`attendeeId`, `attendeeInvitationId` or `correlationId`).
    pub matched_by: Option<String>,
}

impl TimelineEntry {
    /// The word for what this entry says happened: the send-log result (`queued`, `error`, …)
    /// or the event type without `comms.` (`sent`, `delivered`, `opened`, `bounced`, …).
    pub fn state(&self) -> &str {
        match self.kind {
            TimelineKind::Send => self.event.strip_prefix("send.").unwrap_or(&self.event),
            TimelineKind::Webhook => self.event.strip_prefix("comms.").unwrap_or(&self.event),
        }
    }
}

/// Order of a send's events within one second (timestamps are whole seconds).
fn lifecycle_rank(e: &TimelineEntry) -> u8 {
    match e.kind {
        TimelineKind::Send => 0,
        TimelineKind::Webhook => match e.event.as_str() {
            "comms.sent" => 1,
            "comms.delivered" | "comms.bounced" | "comms.dropped" | "comms.failed" => 2,
            "comms.opened" => 3,
            "comms.spam_reported" | "comms.unsubscribed" => 4,
            _ => 5,
        },
    }
}

/// A delivery event the guide lists (the synthetic `comms.test` is not about a send).
fn is_delivery_event(e: &TimelineEntry) -> bool {
    e.kind == TimelineKind::Webhook
        && e.event != "comms.test"
        && super::is_known_event_type(&e.event)
}

/// Time order. A send's request (milliseconds) comes before Qflow's events stamped in the same
/// second (whole seconds), then the lifecycle order; the sort is stable (arrival order last).
fn sort_entries(v: &mut [TimelineEntry]) {
    v.sort_by_key(|e| (e.at.timestamp(), lifecycle_rank(e), e.at));
}

/// What the desk shows as an attendee's state: a send-log result or a delivery event.
#[derive(Serialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct DeliveryState {
    /// `pending|queued|error|outcome_unknown`, or `sent|delivered|opened|bounced|dropped|
    /// spam_reported|unsubscribed|failed` (or a newer event type without `comms.`).
    pub status: String,
    pub at: DateTime<Utc>,
    /// Qflow's `error` (a bounce reason) or our send error message.
    pub detail: Option<String>,
}

/// One send and what Qflow reported about it.
#[derive(Clone, Debug, PartialEq)]
pub struct SendHistory {
    /// Our send-log row; `None` for a send made elsewhere, known only from Qflow's events.
    pub send: Option<TimelineEntry>,
    /// Qflow's events about this send, oldest first.
    pub events: Vec<TimelineEntry>,
}

impl SendHistory {
    /// When it started: the request, else the first event.
    pub fn at(&self) -> DateTime<Utc> {
        self.send
            .as_ref()
            .or(self.events.first())
            .map(|e| e.at)
            .unwrap_or_default()
    }

    /// The furthest delivery event of a type the guide lists (`comms.test` aside): the latest
    /// of the furthest lifecycle step, so an `opened` stamped before its `delivered` (clocks
    /// differ between mail servers and trackers) still reads as opened. Unknown types are kept
    /// in `events` but never set the state.
    pub fn delivery(&self) -> Option<&TimelineEntry> {
        self.events
            .iter()
            .enumerate()
            .filter(|(_, e)| is_delivery_event(e))
            .max_by_key(|(i, e)| (lifecycle_rank(e), e.at, *i))
            .map(|(_, e)| e)
    }

    /// For our send whose outcome was unknown (its answer lost) or never finished: the first of
    /// Qflow's delivery events about it. Qflow reporting on the send proves it took it, so the
    /// send is settled; `None` while it is still unknown (or was never in doubt).
    pub fn settled_by(&self) -> Option<&TimelineEntry> {
        let send = self.send.as_ref()?;
        if !matches!(send.state(), "outcome_unknown" | "pending") {
            return None;
        }
        self.events
            .iter()
            .filter(|e| is_delivery_event(e))
            .min_by_key(|e| (e.at.timestamp(), lifecycle_rank(e)))
    }

    /// [`SendHistory::delivery`], else the send's own result; `None` when neither is known.
    pub fn state(&self) -> Option<DeliveryState> {
        let latest = self.delivery().or(self.send.as_ref())?;
        Some(DeliveryState {
            status: latest.state().to_owned(),
            at: latest.at,
            detail: latest.message.clone(),
        })
    }
}

/// A timeline (as [`Store::timeline`] returns it) grouped per send, oldest first. Events that
/// report on none of our sends are grouped by their invitation id (one send made elsewhere),
/// else each stands alone.
pub fn group_by_send(entries: Vec<TimelineEntry>) -> Vec<SendHistory> {
    let mut groups: Vec<SendHistory> = Vec::new();
    let mut by_send: HashMap<i64, usize> = HashMap::new();
    let mut by_invitation: HashMap<String, usize> = HashMap::new();
    for e in entries
        .iter()
        .filter(|e| e.kind == TimelineKind::Send)
        .cloned()
    {
        if let Some(id) = e.send_log_id {
            by_send.insert(id, groups.len());
        }
        groups.push(SendHistory {
            send: Some(e),
            events: Vec::new(),
        });
    }
    for e in entries
        .into_iter()
        .filter(|e| e.kind == TimelineKind::Webhook)
    {
        let slot = match (
            e.send_log_id.and_then(|id| by_send.get(&id)),
            &e.attendee_invitation_id,
        ) {
            (Some(&i), _) => Some(i),
            (None, Some(inv)) => by_invitation.get(inv).copied(),
            (None, None) => None,
        };
        match slot {
            Some(i) => groups[i].events.push(e),
            None => {
                if let Some(inv) = &e.attendee_invitation_id {
                    by_invitation.insert(inv.clone(), groups.len());
                }
                groups.push(SendHistory {
                    send: None,
                    events: vec![e],
                });
            }
        }
    }
    for g in &mut groups {
        sort_entries(&mut g.events);
    }
    groups.sort_by_key(|g| g.at());
    groups
}

/// Sends and events of the attendees in `?1..?n` (`ids` CTE), one row shape for both.
const TIMELINE_SQL: &str = "
mine AS (SELECT * FROM send_log WHERE attendee_id IN (SELECT aid FROM ids)),
cand AS (
  SELECT w.* FROM webhook_events w
  WHERE w.attendee_id IN (SELECT aid FROM ids)
     OR (w.attendee_id IS NULL AND (
          w.attendee_invitation_id IN (SELECT attendee_invitation_id FROM mine)
          OR w.correlation_id IN (SELECT correlation_id FROM mine)))
),
owned AS (
  SELECT c.*,
    COALESCE(c.attendee_id, c.inv_owner, c.corr_owner) AS owner,
    CASE WHEN c.attendee_id IS NOT NULL THEN 'attendeeId'
         WHEN c.inv_owner IS NOT NULL THEN 'attendeeInvitationId'
         ELSE 'correlationId' END AS matched_by
  FROM (SELECT cand.*,
          (SELECT x.attendee_id FROM send_log x
             WHERE x.attendee_invitation_id = cand.attendee_invitation_id ORDER BY x.id LIMIT 1) AS inv_owner,
          (SELECT CASE WHEN COUNT(DISTINCT x.attendee_id) = 1 THEN MIN(x.attendee_id) END
             FROM send_log x WHERE x.correlation_id = cand.correlation_id) AS corr_owner
        FROM cand) c
)
SELECT 0, attendee_id, id, requested_at, NULL, result, result, template_id, attendee_invitation_id,
       correlation_id, error_code, error_message, NULL, NULL
  FROM mine
UNION ALL
SELECT 1, owner, id, received_at, timestamp, event_type, status, template_id, attendee_invitation_id,
       correlation_id, NULL, error, webhook_id, matched_by
  FROM owned WHERE owner IN (SELECT aid FROM ids)
ORDER BY 1, 3";

/// A row of `TIMELINE_SQL`: the owner and the entry (webhook entries not yet tied to a send).
fn timeline_row(r: &Row<'_>) -> rusqlite::Result<(String, TimelineEntry)> {
    let is_send = r.get::<_, i64>(0)? == 0;
    let owner: String = r.get(1)?;
    let id: i64 = r.get(2)?;
    let received = parse_ts(&r.get::<_, String>(3)?);
    let what: String = r.get(5)?;
    let entry = if is_send {
        TimelineEntry {
            at: received,
            kind: TimelineKind::Send,
            event: format!("send.{what}"),
            status: r.get(6)?,
            template_id: r.get(7)?,
            attendee_invitation_id: r.get(8)?,
            correlation_id: r.get(9)?,
            error_code: r.get(10)?,
            message: r.get(11)?,
            send_log_id: Some(id),
            webhook_id: None,
            matched_by: None,
        }
    } else {
        let at = r
            .get::<_, Option<i64>>(4)?
            .and_then(|t| DateTime::from_timestamp(t, 0))
            .unwrap_or(received);
        TimelineEntry {
            at,
            kind: TimelineKind::Webhook,
            event: what,
            status: r.get(6)?,
            template_id: r.get(7)?,
            attendee_invitation_id: r.get(8)?,
            correlation_id: r.get(9)?,
            error_code: None,
            message: r.get(11)?,
            send_log_id: None,
            webhook_id: r.get(12)?,
            matched_by: r.get(13)?,
        }
    };
    Ok((owner, entry))
}

/// A send's log id, time, invitation id, correlation id, and whether it may have reached Qflow
/// without our learning its invitation id (pending, outcome unknown, or an atomic send).
struct SendKey {
    id: i64,
    at: DateTime<Utc>,
    invitation: Option<String>,
    correlation: Option<String>,
    adoptable: bool,
}

/// Tie each event to the send it reports on: same invitation id, else the latest send with its
/// correlation id requested before it (1 s of slack: event times are whole seconds). An event
/// whose invitation id none of our sends has is adopted by the latest send before it that has
/// no invitation id yet and did not fail (its row not finished yet, its outcome unknown, or an
/// atomic send), unless their correlation ids differ; the send then keeps that invitation id,
/// so one send never adopts two.
fn link_events(entries: &mut [TimelineEntry]) {
    let mut sends: Vec<SendKey> = entries
        .iter()
        .filter(|e| e.kind == TimelineKind::Send)
        .filter_map(|e| {
            Some(SendKey {
                id: e.send_log_id?,
                at: e.at,
                invitation: e.attendee_invitation_id.clone(),
                correlation: e.correlation_id.clone(),
                adoptable: e.attendee_invitation_id.is_none() && e.event != "send.error",
            })
        })
        .collect();
    let slack = chrono::Duration::seconds(1);
    for e in entries
        .iter_mut()
        .filter(|e| e.kind == TimelineKind::Webhook)
    {
        let by_invitation = e.attendee_invitation_id.as_ref().and_then(|inv| {
            sends
                .iter()
                .find(|s| s.invitation.as_ref() == Some(inv))
                .map(|s| s.id)
        });
        let by_correlation = || {
            let cid = e.correlation_id.as_ref()?;
            let same: Vec<_> = sends
                .iter()
                .filter(|s| s.correlation.as_ref() == Some(cid))
                .collect();
            same.iter()
                .rev()
                .find(|s| s.at <= e.at + slack)
                .or(same.first())
                .map(|s| s.id)
        };
        let mut linked = by_invitation.or_else(by_correlation);
        if let (None, Some(inv)) = (linked, &e.attendee_invitation_id) {
            let adopter = sends.iter_mut().rev().find(|s| {
                s.adoptable
                    && s.at <= e.at + slack
                    && (s.correlation.is_none()
                        || e.correlation_id.is_none()
                        || s.correlation == e.correlation_id)
            });
            if let Some(s) = adopter {
                s.invitation = Some(inv.clone());
                s.adoptable = false;
                linked = Some(s.id);
            }
        }
        e.send_log_id = linked;
    }
}

impl Store {
    /// Everything known about sends to `attendee_id`, oldest first.
    pub fn timeline(&self, attendee_id: Uuid) -> Result<Vec<TimelineEntry>> {
        Ok(self
            .timelines(&[attendee_id])?
            .remove(&attendee_id)
            .unwrap_or_default())
    }

    /// [`Store::timeline`] for many attendees in one query. Attendees with nothing are absent.
    pub fn timelines(&self, attendee_ids: &[Uuid]) -> Result<HashMap<Uuid, Vec<TimelineEntry>>> {
        if attendee_ids.is_empty() {
            return Ok(HashMap::new());
        }
        let values = vec!["(?)"; attendee_ids.len()].join(",");
        let sql = format!("WITH ids(aid) AS (VALUES {values}),{TIMELINE_SQL}");
        let params: Vec<SqlValue> = attendee_ids
            .iter()
            .map(|u| SqlValue::Text(u.to_string()))
            .collect();
        let rows = {
            let c = self.conn();
            let mut st = c.prepare(&sql).map_err(db)?;
            let rows = st
                .query_map(rusqlite::params_from_iter(params), timeline_row)
                .map_err(db)?;
            rows.collect::<rusqlite::Result<Vec<_>>>().map_err(db)?
        };
        let mut out: HashMap<Uuid, Vec<TimelineEntry>> = HashMap::new();
        for (owner, entry) in rows {
            if let Ok(id) = Uuid::parse_str(&owner) {
                out.entry(id).or_default().push(entry);
            }
        }
        for entries in out.values_mut() {
            link_events(entries);
            sort_entries(entries);
        }
        Ok(out)
    }

    /// Every attendee the send log or a webhook event names (the only ones with a timeline):
    /// an event-wide count asks [`Store::delivery_states`] about these alone.
    pub fn attendees_with_history(&self) -> Result<std::collections::HashSet<Uuid>> {
        let c = self.conn();
        let mut st = c
            .prepare(
                "SELECT attendee_id FROM send_log
                 UNION SELECT attendee_id FROM webhook_events WHERE attendee_id IS NOT NULL",
            )
            .map_err(db)?;
        let ids = st
            .query_map([], |r| r.get::<_, String>(0))
            .map_err(db)?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(db)?;
        Ok(ids.iter().filter_map(|s| Uuid::parse_str(s).ok()).collect())
    }

    /// Each attendee's current state (see [`SendHistory::state`]) from their most recent send,
    /// in one query. Attendees with no send and no event are absent.
    pub fn delivery_states(&self, attendee_ids: &[Uuid]) -> Result<HashMap<Uuid, DeliveryState>> {
        Ok(self
            .timelines(attendee_ids)?
            .into_iter()
            .filter_map(|(id, entries)| {
                // The most recent send that says something (events of unknown types alone don't).
                let state = group_by_send(entries)
                    .iter()
                    .rev()
                    .find_map(SendHistory::state)?;
                Some((id, state))
            })
            .collect())
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

#[cfg(test)]
mod grouping_tests {
    use super::super::{NewSend, NewWebhookEvent, SendOutcome};
    use super::*;
    use serde_json::json;

    fn event(s: &Store, id: &str, kind: &str, at: i64, body: serde_json::Value) {
        s.record_webhook_event(&NewWebhookEvent::new(
            id,
            kind,
            Some(at),
            body.to_string().as_bytes(),
        ))
        .unwrap()
        .unwrap();
    }

    /// A queued send; returns (row id, invitation id).
    fn send(s: &Store, a: Uuid, corr: &str, at: DateTime<Utc>) -> (i64, Uuid) {
        let id = s
            .begin_send_at(
                &NewSend {
                    profile: "p".into(),
                    attendee_id: a,
                    template_id: Uuid::new_v4(),
                    correlation_id: Some(corr.into()),
                },
                at,
            )
            .unwrap();
        let inv = Uuid::new_v4();
        s.finish_send(
            id,
            &SendOutcome::Queued {
                attendee_invitation_id: inv,
            },
        )
        .unwrap();
        (id, inv)
    }

    fn events(tl: &[TimelineEntry]) -> Vec<&str> {
        tl.iter().map(|e| e.event.as_str()).collect()
    }

    #[test]
    fn a_shared_correlation_id_alone_ties_an_event_to_nobody() {
        let s = Store::open_in_memory().unwrap();
        let (a, b) = (Uuid::new_v4(), Uuid::new_v4());
        let t0 = Utc::now() - chrono::Duration::minutes(5);
        let (_, inv_a) = send(&s, a, "batch-7", t0);
        let (_, inv_b) = send(&s, b, "batch-7", t0);
        let base = t0.timestamp() + 1;
        // No attendee id: the invitation id decides, whatever the correlation id says.
        event(
            &s,
            "e1",
            "comms.sent",
            base,
            json!({"attendeeInvitationId": inv_b.to_string().to_uppercase(), "correlationId": "batch-7"}),
        );
        // Only the shared correlation id: it could be either attendee's, so it is neither's.
        event(
            &s,
            "e2",
            "comms.sent",
            base,
            json!({"correlationId": "batch-7"}),
        );
        // attendeeId wins over an invitation id of someone else's send.
        event(
            &s,
            "e3",
            "comms.opened",
            base + 5,
            json!({"attendeeId": a, "attendeeInvitationId": inv_b}),
        );

        let tl_a = s.timeline(a).unwrap();
        assert_eq!(events(&tl_a), ["send.queued", "comms.opened"]);
        assert_eq!(tl_a[1].matched_by.as_deref(), Some("attendeeId"));
        let tl_b = s.timeline(b).unwrap();
        assert_eq!(events(&tl_b), ["send.queued", "comms.sent"]);
        assert_eq!(tl_b[1].matched_by.as_deref(), Some("attendeeInvitationId"));
        assert_eq!(
            tl_b[1].send_log_id, tl_b[0].send_log_id,
            "reports on b's send"
        );
        assert_ne!(inv_a, inv_b);

        let both = s.timelines(&[a, b, Uuid::new_v4()]).unwrap();
        assert_eq!(both.len(), 2);
        assert_eq!(both[&a], tl_a);
        assert_eq!(both[&b], tl_b);
    }

    #[test]
    fn correlation_only_events_land_on_the_one_attendee_and_send() {
        let s = Store::open_in_memory().unwrap();
        let (a, other) = (Uuid::new_v4(), Uuid::new_v4());
        let t0 = Utc::now() - chrono::Duration::minutes(5);
        let (first, _) = send(&s, a, "desk-resend-1", t0);
        let (second, _) = send(&s, a, "desk-resend-2", t0 + chrono::Duration::seconds(30));
        send(&s, other, "desk-resend-3", t0);
        let base = t0.timestamp();
        event(
            &s,
            "o1",
            "comms.opened",
            base + 40,
            json!({"correlationId": "desk-resend-2", "status": "opened"}),
        );
        event(
            &s,
            "d1",
            "comms.delivered",
            base + 35,
            json!({"correlationId": "desk-resend-2"}),
        );
        event(
            &s,
            "x1",
            "comms.bounced",
            base + 3,
            json!({"correlationId": "desk-resend-1", "error": "550 no such user"}),
        );

        let tl = s.timeline(a).unwrap();
        assert_eq!(
            events(&tl),
            [
                "send.queued",
                "comms.bounced",
                "send.queued",
                "comms.delivered",
                "comms.opened"
            ]
        );
        assert!(tl[1..]
            .iter()
            .filter(|e| e.kind == TimelineKind::Webhook)
            .all(|e| e.matched_by.as_deref() == Some("correlationId")));
        let groups = group_by_send(tl);
        assert_eq!(groups.len(), 2);
        assert_eq!(groups[0].send.as_ref().unwrap().send_log_id, Some(first));
        assert_eq!(events(&groups[0].events), ["comms.bounced"]);
        let bounced = groups[0].state().unwrap();
        assert_eq!(
            (bounced.status.as_str(), bounced.detail.as_deref()),
            ("bounced", Some("550 no such user"))
        );
        assert_eq!(groups[1].send.as_ref().unwrap().send_log_id, Some(second));
        assert_eq!(
            events(&groups[1].events),
            ["comms.delivered", "comms.opened"]
        );
        assert_eq!(groups[1].state().unwrap().status, "opened");

        assert!(s
            .timeline(other)
            .unwrap()
            .iter()
            .all(|e| e.kind == TimelineKind::Send));
        let states = s.delivery_states(&[a, other, Uuid::new_v4()]).unwrap();
        assert_eq!(states.len(), 2);
        assert_eq!(
            states[&a].status, "opened",
            "the latest send's latest event"
        );
        assert_eq!(states[&other].status, "queued");
    }

    #[test]
    fn same_second_events_follow_the_send_and_the_lifecycle() {
        let s = Store::open_in_memory().unwrap();
        let a = Uuid::new_v4();
        // Requested at .900 of a second; Qflow stamps its events with that whole second.
        let t0 = DateTime::from_timestamp(1_780_000_000, 900_000_000).unwrap();
        let (_, inv) = send(&s, a, "c", t0);
        let body = json!({"attendeeId": a, "attendeeInvitationId": inv});
        // Arrival order scrambled (a retried delivery), all stamped in the same second.
        event(&s, "3", "comms.opened", t0.timestamp(), body.clone());
        event(&s, "1", "comms.sent", t0.timestamp(), body.clone());
        event(&s, "2", "comms.delivered", t0.timestamp(), body.clone());
        event(&s, "4", "comms.clicked", t0.timestamp(), body);
        let tl = s.timeline(a).unwrap();
        assert_eq!(
            events(&tl),
            [
                "send.queued",
                "comms.sent",
                "comms.delivered",
                "comms.opened",
                "comms.clicked"
            ]
        );
        let g = group_by_send(tl);
        assert_eq!(g.len(), 1);
        assert_eq!(
            g[0].state().unwrap().status,
            "opened",
            "unknown types do not set the state"
        );
    }

    #[test]
    fn events_of_sends_made_elsewhere_group_by_invitation() {
        let s = Store::open_in_memory().unwrap();
        let a = Uuid::new_v4();
        let base = Utc::now().timestamp() - 100;
        let (i1, i2) = (Uuid::new_v4(), Uuid::new_v4());
        event(
            &s,
            "1",
            "comms.sent",
            base,
            json!({"attendeeId": a, "attendeeInvitationId": i1}),
        );
        event(
            &s,
            "2",
            "comms.sent",
            base + 10,
            json!({"attendeeId": a, "attendeeInvitationId": i2}),
        );
        event(
            &s,
            "3",
            "comms.bounced",
            base + 12,
            json!({"attendeeId": a, "attendeeInvitationId": i1}),
        );
        let g = group_by_send(s.timeline(a).unwrap());
        assert_eq!(g.len(), 2);
        assert!(g.iter().all(|g| g.send.is_none()));
        assert_eq!(events(&g[0].events), ["comms.sent", "comms.bounced"]);
        assert_eq!(events(&g[1].events), ["comms.sent"]);
        assert_eq!(s.delivery_states(&[a]).unwrap()[&a].status, "sent");
    }
}

#[cfg(test)]
mod linking_tests {
    use super::super::{NewSend, NewWebhookEvent, SendOutcome};
    use super::*;
    use serde_json::json;

    #[test]
    fn an_unknown_outcome_is_settled_by_an_event_with_its_correlation_id_and_only_then() {
        let s = Store::open_in_memory().unwrap();
        let (a, template) = (Uuid::new_v4(), Uuid::new_v4());
        let t0 = Utc::now() - chrono::Duration::minutes(3);
        let lost = |corr: &str, at| {
            let id = s
                .begin_send_at(
                    &NewSend {
                        profile: "p".into(),
                        attendee_id: a,
                        template_id: template,
                        correlation_id: Some(corr.into()),
                    },
                    at,
                )
                .unwrap();
            s.finish_send(
                id,
                &SendOutcome::OutcomeUnknown {
                    message: "the connection closed".into(),
                },
            )
            .unwrap();
            id
        };
        let settled = lost("resend-1", t0);
        let still_unknown = lost("resend-2", t0 + chrono::Duration::seconds(30));
        let base = t0.timestamp();
        // Qflow's events name the send by its correlation id only (no attendeeId): as the guide
        // allows. Delivered stamped before sent (clocks differ): sent is still what settled it.
        event(
            &s,
            "d",
            "comms.delivered",
            base + 2,
            json!({"attendeeInvitationId": Uuid::new_v4(), "correlationId": "resend-1", "attendeeId": a}),
        );
        event(
            &s,
            "t",
            "comms.test",
            base + 1,
            json!({"correlationId": "resend-2", "attendeeId": a}),
        );
        let g = group_by_send(s.timeline(a).unwrap());
        assert_eq!(g.len(), 2);
        assert_eq!(g[0].send.as_ref().unwrap().send_log_id, Some(settled));
        let by = g[0].settled_by().expect("settled by Qflow's event");
        assert_eq!(by.event, "comms.delivered");
        assert_eq!(by.at.timestamp(), base + 2);
        assert_eq!(g[1].send.as_ref().unwrap().send_log_id, Some(still_unknown));
        assert!(g[1].settled_by().is_none(), "a test event settles nothing");
        assert_eq!(g[1].send.as_ref().unwrap().state(), "outcome_unknown");
    }

    fn event(s: &Store, id: &str, kind: &str, at: i64, body: serde_json::Value) {
        s.record_webhook_event(&NewWebhookEvent::new(
            id,
            kind,
            Some(at),
            body.to_string().as_bytes(),
        ))
        .unwrap()
        .unwrap();
    }

    /// A send row left `pending` (no correlation id).
    fn begin(s: &Store, a: Uuid, at: DateTime<Utc>) -> i64 {
        s.begin_send_at(
            &NewSend {
                profile: "p".into(),
                attendee_id: a,
                template_id: Uuid::new_v4(),
                correlation_id: None,
            },
            at,
        )
        .unwrap()
    }

    fn states(g: &[SendHistory]) -> Vec<String> {
        g.iter().map(|g| g.state().unwrap().status).collect()
    }

    #[test]
    fn an_event_before_the_send_row_is_finished_belongs_to_that_send() {
        let s = Store::open_in_memory().unwrap();
        let a = Uuid::new_v4();
        let t0 = Utc::now() - chrono::Duration::minutes(2);
        let row = begin(&s, a, t0);
        let inv = Uuid::new_v4();
        // Qflow's comms.sent lands while our request is still being answered.
        event(
            &s,
            "s1",
            "comms.sent",
            t0.timestamp() + 1,
            json!({"attendeeId": a, "attendeeInvitationId": inv, "status": "sent"}),
        );
        let g = group_by_send(s.timeline(a).unwrap());
        assert_eq!(g.len(), 1, "not a second send made elsewhere");
        assert_eq!(g[0].send.as_ref().unwrap().event, "send.pending");
        assert_eq!(g[0].events[0].send_log_id, Some(row));
        assert_eq!(states(&g), ["sent"]);

        s.finish_send(
            row,
            &SendOutcome::Queued {
                attendee_invitation_id: inv,
            },
        )
        .unwrap();
        event(
            &s,
            "d1",
            "comms.delivered",
            t0.timestamp() + 3,
            json!({"attendeeId": a, "attendeeInvitationId": inv}),
        );
        let g = group_by_send(s.timeline(a).unwrap());
        assert_eq!(g.len(), 1);
        assert_eq!(g[0].send.as_ref().unwrap().event, "send.queued");
        assert_eq!(g[0].events.len(), 2);
        assert_eq!(states(&g), ["delivered"]);
    }

    #[test]
    fn an_unknown_outcome_adopts_one_invitation_and_a_failed_send_none() {
        let s = Store::open_in_memory().unwrap();
        let a = Uuid::new_v4();
        let t0 = Utc::now() - chrono::Duration::minutes(2);
        let failed = begin(&s, a, t0);
        s.finish_send(
            failed,
            &SendOutcome::Failed {
                code: "validation_failed".into(),
                message: "bad".into(),
            },
        )
        .unwrap();
        let unknown = begin(&s, a, t0 + chrono::Duration::seconds(10));
        s.finish_send(
            unknown,
            &SendOutcome::OutcomeUnknown {
                message: "timed out".into(),
            },
        )
        .unwrap();
        let (mine, elsewhere) = (Uuid::new_v4(), Uuid::new_v4());
        let base = t0.timestamp() + 11;
        event(
            &s,
            "1",
            "comms.sent",
            base,
            json!({"attendeeId": a, "attendeeInvitationId": mine}),
        );
        // A second invitation: another send (made elsewhere), not this one again.
        event(
            &s,
            "2",
            "comms.sent",
            base + 20,
            json!({"attendeeId": a, "attendeeInvitationId": elsewhere}),
        );
        event(
            &s,
            "3",
            "comms.delivered",
            base + 2,
            json!({"attendeeId": a, "attendeeInvitationId": mine}),
        );
        let g = group_by_send(s.timeline(a).unwrap());
        assert_eq!(g.len(), 3);
        assert_eq!(g[0].send.as_ref().unwrap().send_log_id, Some(failed));
        assert!(g[0].events.is_empty(), "a failed send never reached Qflow");
        assert_eq!(g[1].send.as_ref().unwrap().send_log_id, Some(unknown));
        let evs: Vec<&str> = g[1].events.iter().map(|e| e.event.as_str()).collect();
        assert_eq!(evs, ["comms.sent", "comms.delivered"]);
        assert!(g[2].send.is_none());
        assert_eq!(states(&g), ["error", "delivered", "sent"]);
    }

    #[test]
    fn an_event_for_a_send_made_elsewhere_stands_apart_and_is_the_latest_state() {
        let s = Store::open_in_memory().unwrap();
        let a = Uuid::new_v4();
        let t0 = Utc::now() - chrono::Duration::minutes(10);
        let row = begin(&s, a, t0);
        let inv = Uuid::new_v4();
        s.finish_send(
            row,
            &SendOutcome::Queued {
                attendee_invitation_id: inv,
            },
        )
        .unwrap();
        let base = t0.timestamp();
        event(
            &s,
            "o",
            "comms.opened",
            base + 5,
            json!({"attendeeId": a, "attendeeInvitationId": inv}),
        );
        // Sent later from another system: same attendee, an invitation id we never had.
        let other = Uuid::new_v4();
        event(
            &s,
            "b",
            "comms.bounced",
            base + 300,
            json!({"attendeeId": a, "attendeeInvitationId": other,
                   "error": "550 5.1.1 mailbox unavailable"}),
        );
        let g = group_by_send(s.timeline(a).unwrap());
        assert_eq!(g.len(), 2);
        assert!(g[1].send.is_none());
        assert_eq!(
            g[1].events[0].attendee_invitation_id,
            Some(other.to_string())
        );
        let st = &s.delivery_states(&[a]).unwrap()[&a];
        assert_eq!(st.status, "bounced");
        assert_eq!(st.detail.as_deref(), Some("550 5.1.1 mailbox unavailable"));
    }

    #[test]
    fn an_open_stamped_before_its_delivery_still_reads_as_opened() {
        let s = Store::open_in_memory().unwrap();
        let a = Uuid::new_v4();
        let t0 = Utc::now() - chrono::Duration::minutes(10);
        let row = begin(&s, a, t0);
        let inv = Uuid::new_v4();
        s.finish_send(
            row,
            &SendOutcome::Queued {
                attendee_invitation_id: inv,
            },
        )
        .unwrap();
        let body = json!({"attendeeId": a, "attendeeInvitationId": inv});
        let base = t0.timestamp();
        event(&s, "1", "comms.sent", base + 1, body.clone());
        // The tracker's clock runs behind the mail server's.
        event(&s, "3", "comms.opened", base + 40, body.clone());
        event(&s, "2", "comms.delivered", base + 45, body.clone());
        let tl = s.timeline(a).unwrap();
        let evs: Vec<&str> = tl.iter().map(|e| e.event.as_str()).collect();
        assert_eq!(
            evs,
            [
                "send.queued",
                "comms.sent",
                "comms.opened",
                "comms.delivered"
            ],
            "shown as stamped"
        );
        let g = group_by_send(tl);
        assert_eq!(states(&g), ["opened"]);
        // A later complaint outranks the open.
        event(&s, "4", "comms.spam_reported", base + 30, body);
        assert_eq!(s.delivery_states(&[a]).unwrap()[&a].status, "spam_reported");
    }

    #[test]
    fn unknown_and_test_events_are_kept_but_never_the_state() {
        let s = Store::open_in_memory().unwrap();
        let a = Uuid::new_v4();
        let t0 = Utc::now() - chrono::Duration::minutes(10);
        let row = begin(&s, a, t0);
        let inv = Uuid::new_v4();
        s.finish_send(
            row,
            &SendOutcome::Queued {
                attendee_invitation_id: inv,
            },
        )
        .unwrap();
        let base = t0.timestamp();
        event(
            &s,
            "1",
            "comms.clicked",
            base + 9,
            json!({"attendeeId": a, "attendeeInvitationId": inv}),
        );
        event(&s, "2", "comms.test", base + 10, json!({"attendeeId": a}));
        // Only an unknown type about a send made elsewhere: it says nothing about state.
        event(
            &s,
            "3",
            "comms.deferred",
            base + 20,
            json!({"attendeeId": a, "attendeeInvitationId": Uuid::new_v4()}),
        );
        let tl = s.timeline(a).unwrap();
        assert_eq!(tl.len(), 4, "every event is kept");
        let g = group_by_send(tl);
        assert_eq!(g[0].events[0].event, "comms.clicked");
        assert_eq!(g[0].state().unwrap().status, "queued");
        assert!(g.last().unwrap().state().is_none());
        assert_eq!(s.delivery_states(&[a]).unwrap()[&a].status, "queued");
    }
}
