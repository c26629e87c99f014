//! Signed webhook delivery and the simulated send pipeline.
//!
//! Wire format (the guide's): `Content-Type: application/json`, `User-Agent: Qflow-Webhook/1.0`,
//! `X-Qflow-Webhook-Id` (uuid, reused across retries), `X-Qflow-Event`, `X-Qflow-Timestamp`
//! (unix seconds when the event was created), `X-Qflow-Signature` = hex HMAC-SHA256 of the raw
//! body keyed with the secret current at the time of the attempt.

use std::sync::atomic::Ordering;
use std::time::Duration;

use chrono::Utc;
use hmac::{Hmac, Mac};
use serde_json::json;
use sha2::Sha256;
use uuid::Uuid;

use crate::state::{DeliveryRecord, SharedRef, Suppression};

/// Recipient domains with scripted outcomes (the address or any subdomain of these).
pub const BOUNCE_DOMAIN: &str = "bounce.example";
pub const SPAM_DOMAIN: &str = "spam.example";
pub const UNSUBSCRIBE_DOMAIN: &str = "unsubscribe.example";
pub const FAIL_DOMAIN: &str = "fail.example";
/// Delivered and never opened.
pub const UNOPENED_DOMAIN: &str = "unopened.example";

/// Waits between delivery attempts after a 5xx or a transport error (before `delivery_scale`):
/// 10 attempts over about two hours, so a receiver that was down for tens of minutes still
/// gets every event (the guide: "exponential backoff up to ~10 attempts").
pub const RETRY_SCHEDULE: [Duration; 9] = [
    Duration::from_secs(30),
    Duration::from_secs(60),
    Duration::from_secs(2 * 60),
    Duration::from_secs(5 * 60),
    Duration::from_secs(10 * 60),
    Duration::from_secs(15 * 60),
    Duration::from_secs(20 * 60),
    Duration::from_secs(30 * 60),
    Duration::from_secs(45 * 60),
];

/// Delivery attempts per event with the default schedule.
pub const MAX_ATTEMPTS: u32 = RETRY_SCHEDULE.len() as u32 + 1;

pub(crate) struct SendJob {
    pub user: String,
    pub attendee_id: Uuid,
    pub template_id: Uuid,
    pub invitation_id: Uuid,
    pub email: String,
    pub correlation_id: Option<String>,
}

pub(crate) fn sign(secret: &str, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}

fn scaled(s: &SharedRef, secs: f64) -> Duration {
    Duration::from_secs_f64((secs * s.cfg.delivery_scale).max(0.0))
}

fn domain_is(email: &str, d: &str) -> bool {
    let dom = email
        .rsplit_once('@')
        .map(|(_, x)| x.to_ascii_lowercase())
        .unwrap_or_default();
    dom == d || dom.ends_with(&format!(".{d}"))
}

/// Step list: (seconds after queueing, status, error, suppress-as).
type Step = (
    f64,
    &'static str,
    Option<&'static str>,
    Option<&'static str>,
);

fn script(email: &str, suppressed: Option<&Suppression>) -> Vec<Step> {
    if let Some(_sup) = suppressed {
        return vec![(
            0.5,
            "dropped",
            Some("Recipient is on the suppression list for this account."),
            None,
        )];
    }
    if domain_is(email, BOUNCE_DOMAIN) {
        return vec![
            (0.5, "sent", None, None),
            (
                2.0,
                "bounced",
                Some("550 5.1.1 The email account that you tried to reach does not exist."),
                Some("bounced"),
            ),
        ];
    }
    if domain_is(email, SPAM_DOMAIN) {
        return vec![
            (0.5, "sent", None, None),
            (2.0, "delivered", None, None),
            (4.0, "opened", None, None),
            (5.0, "spam_reported", None, Some("spam_reported")),
        ];
    }
    if domain_is(email, UNSUBSCRIBE_DOMAIN) {
        return vec![
            (0.5, "sent", None, None),
            (2.0, "delivered", None, None),
            (4.0, "opened", None, None),
            (5.0, "unsubscribed", None, Some("unsubscribed")),
        ];
    }
    if domain_is(email, FAIL_DOMAIN) {
        return vec![(
            0.5,
            "failed",
            Some("Internal failure while rendering the email."),
            None,
        )];
    }
    if domain_is(email, UNOPENED_DOMAIN) {
        return vec![(0.5, "sent", None, None), (2.0, "delivered", None, None)];
    }
    vec![
        (0.5, "sent", None, None),
        (2.0, "delivered", None, None),
        (4.0, "opened", None, None),
    ]
}

/// One created event waiting for delivery.
struct Created {
    event: String,
    id: Uuid,
    body: serde_json::Value,
    timestamp: i64,
}

/// Runs one send's event chain: each event is created at its time in the script (its
/// timestamp), and the send's events are delivered in order, each retried on its own. Atomic
/// sends (POST /api/guest) skip the 422 eligibility check, so a suppressed recipient gets
/// `comms.dropped` instead.
pub(crate) fn spawn_send(s: SharedRef, job: SendJob) {
    let (created, mut to_deliver) = tokio::sync::mpsc::unbounded_channel::<Created>();
    let (sd, user) = (s.clone(), job.user.clone());
    tokio::spawn(async move {
        while let Some(c) = to_deliver.recv().await {
            deliver(&sd, &user, &c.event, c.id, c.body, c.timestamp).await;
        }
    });
    tokio::spawn(async move {
        let suppressed = {
            let mut st = s.lock();
            st.account(&job.user)
                .suppressed
                .get(&job.email.to_ascii_lowercase())
                .cloned()
        };
        let steps = script(&job.email, suppressed.as_ref());
        let started = tokio::time::Instant::now();
        for (at, status, error, suppress) in steps {
            tokio::time::sleep_until(started + scaled(&s, at)).await;
            if s.closed.load(Ordering::SeqCst) {
                return;
            }
            if let Some(kind) = suppress {
                let mut st = s.lock();
                st.account(&job.user).suppressed.insert(
                    job.email.to_ascii_lowercase(),
                    Suppression {
                        failure_type: kind.to_string(),
                        at: Utc::now(),
                        reason: error
                            .map(str::to_string)
                            .unwrap_or_else(|| format!("Recipient {kind}.")),
                    },
                );
            }
            let body = json!({
                "attendeeId": job.attendee_id.to_string(),
                "templateId": job.template_id.to_string(),
                "attendeeInvitationId": job.invitation_id.to_string(),
                "status": status,
                "error": error,
                "correlationId": job.correlation_id,
            });
            let id = s.lock().new_uuid();
            let _ = created.send(Created {
                event: format!("comms.{status}"),
                id,
                body,
                timestamp: s.clock.now().timestamp(),
            });
        }
    });
}

pub(crate) fn spawn_test(s: SharedRef, user: String, id: Uuid) {
    tokio::spawn(async move {
        let body = json!({
            "attendeeId": null,
            "templateId": null,
            "attendeeInvitationId": null,
            "status": "test",
            "error": null,
            "correlationId": null,
        });
        let timestamp = s.clock.now().timestamp();
        deliver(&s, &user, "comms.test", id, body, timestamp).await;
    });
}

/// POSTs one event, retrying on 5xx or transport errors after each wait of
/// `SandboxConfig::retry_schedule` (times `delivery_scale`), with the same webhook id and the
/// same timestamp (when the event was created) each time.
async fn deliver(
    s: &SharedRef,
    user: &str,
    event: &str,
    id: Uuid,
    body: serde_json::Value,
    timestamp: i64,
) {
    let raw = serde_json::to_vec(&body).unwrap_or_default();
    let mut waits = s.cfg.retry_schedule.iter();
    for attempt in 1.. {
        if s.closed.load(Ordering::SeqCst) {
            return;
        }
        // The configuration current at this attempt: a deleted webhook stops deliveries.
        let Some(cfg) = s.lock().account(user).webhook.clone() else {
            return;
        };
        let result = s
            .http
            .post(&cfg.url)
            .header("Content-Type", "application/json")
            .header("User-Agent", "Qflow-Webhook/1.0")
            .header("X-Qflow-Webhook-Id", id.to_string())
            .header("X-Qflow-Event", event)
            .header("X-Qflow-Timestamp", timestamp.to_string())
            .header("X-Qflow-Signature", sign(&cfg.secret, &raw))
            .body(raw.clone())
            .send()
            .await;
        let status = result.as_ref().ok().map(|r| r.status().as_u16());
        s.deliveries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(DeliveryRecord {
                webhook_id: id,
                event: event.to_string(),
                url: cfg.url.clone(),
                attempt,
                status,
                timestamp,
            });
        match status {
            Some(code) if code < 500 => return,
            _ => {}
        }
        let Some(wait) = waits.next() else {
            return;
        };
        tokio::time::sleep(scaled(s, wait.as_secs_f64())).await;
    }
}

#[cfg(test)]
mod script_tests {
    use super::*;

    #[test]
    fn an_unopened_recipient_is_delivered_and_never_opens() {
        let kinds = |email| -> Vec<&str> { script(email, None).iter().map(|s| s.1).collect() };
        assert_eq!(kinds("a@unopened.example"), ["sent", "delivered"]);
        assert_eq!(kinds("a@mail.unopened.example"), ["sent", "delivered"]);
        assert_eq!(kinds("a@example.com"), ["sent", "delivered", "opened"]);
    }
}
