//! A send that is logged: the send-log row is written as `pending` before the request leaves
//! and finished with the outcome, so a crash in between reads as "outcome unknown", never
//! "not sent". `POST /api/comms/send` is never retried (the client guarantees it).

use serde_json::Value;

use crate::api::{ApiRequest, Client};
use crate::models::{SendRequest, SendResponse};
use crate::store::{NewSend, SendOutcome, Store};
use crate::{Error, Result};

pub const ENDPOINT: &str = "POST /api/comms/send";

/// Send `req` and log it under `profile`. Returns the API's answer unchanged (unknown fields
/// kept) for `--json`; `Error::OutcomeUnknown` when the answer was lost after the request may
/// have reached Qflow.
pub async fn send_logged(
    client: &Client,
    store: &Store,
    profile: &str,
    req: &SendRequest,
) -> Result<Value> {
    let log_id = store.begin_send(&NewSend {
        profile: profile.to_owned(),
        attendee_id: req.attendee_id,
        template_id: req.template_id,
        correlation_id: req.correlation_id.clone(),
    })?;
    let (mut outcome, mut result) = send_once(client, req).await;
    // A 429 means Qflow refused the request without processing it: wait out Retry-After (the
    // budget holds every request until then) and send once more. Never a third time.
    if is_refused_429(&result) {
        (outcome, result) = send_once(client, req).await;
        if let Err(Error::Api(a)) = &mut result {
            if a.status == 429 {
                a.next_step = "Nothing was sent: Qflow refused it twice for too many requests. Send it again after the wait.".into();
                if let SendOutcome::Failed { message, .. } = &mut outcome {
                    message.clone_from(&a.message);
                }
            }
        }
    }
    // The API's answer matters more than a failed log write; report the write on stderr-level
    // logging and still return the answer.
    if let Err(e) = store.finish_send(log_id, &outcome) {
        tracing::warn!(code = e.code(), "could not finish send-log row {log_id}");
    }
    result
}

/// One send request and how it ended, without logging (for callers that write their own log
/// row first, e.g. the bulk queue). Never retried once it may have reached Qflow.
pub async fn send_once(client: &Client, req: &SendRequest) -> (SendOutcome, Result<Value>) {
    let answer = client.execute(ApiRequest::send(req)).await;
    match answer {
        Ok(raw) => match serde_json::from_value::<SendResponse>(raw.clone()) {
            Ok(r) => (
                SendOutcome::Queued {
                    attendee_invitation_id: r.attendee_invitation_id,
                },
                Ok(raw),
            ),
            // A 2xx we cannot read: the send was probably queued, but we cannot prove it.
            Err(e) => {
                let err = Error::Malformed {
                    endpoint: ENDPOINT.into(),
                    message: e.to_string(),
                };
                (
                    SendOutcome::OutcomeUnknown {
                        message: err.body().message,
                    },
                    Err(err),
                )
            }
        },
        // A lost answer, an unreadable 2xx or a 5xx may come after Qflow queued the send: not
        // provably failed, so never "failed" (the duplicate guard must still see it) and never
        // sent again by itself.
        Err(e) if e.may_have_been_applied() => {
            let e = e.into_outcome_unknown(ENDPOINT);
            (
                SendOutcome::OutcomeUnknown {
                    message: e.body().message,
                },
                Err(e),
            )
        }
        Err(e) => (
            SendOutcome::Failed {
                code: e.code().to_owned(),
                message: e.body().message,
            },
            Err(e),
        ),
    }
}

fn is_refused_429(r: &Result<Value>) -> bool {
    matches!(r, Err(Error::Api(a)) if a.status == 429)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::Budget;
    use crate::ops::desk::recent_duplicate;
    use crate::store::SendResult;
    use chrono::{Days, Utc};
    use qflow_sandbox::{Fault, FaultKind, Sandbox, SandboxConfig};

    const SEND: &str = "/api/comms/send";

    async fn setup() -> (Sandbox, Client, SendRequest) {
        let sb = Sandbox::start(SandboxConfig {
            attendees: 10,
            rate_limits: false,
            ..SandboxConfig::default()
        })
        .await
        .unwrap();
        let c = crate::test_support::demo_client(&sb, Some(Budget::new(6000)));
        let now = Utc::now().naive_utc();
        let events = c
            .events_list(now - Days::new(60), now + Days::new(200))
            .await
            .unwrap();
        let event = events[0].id.unwrap();
        let guest = c
            .guests_list(event)
            .await
            .unwrap()
            .into_iter()
            .find(|g| g.email != qflow_sandbox::SUPPRESSED_EMAIL)
            .unwrap();
        let template = c.templates_list(event).await.unwrap()[0].id;
        let req = SendRequest {
            attendee_id: guest.id,
            template_id: template,
            correlation_id: Some("t-1".into()),
        };
        (sb, c, req)
    }

    fn status(status: u16, retry_after: Option<u64>) -> Fault {
        Fault {
            method: "POST".into(),
            path_prefix: SEND.into(),
            kind: FaultKind::Status {
                status,
                body: if status == 429 {
                    r#"{"error":"rate_limit","message":"Too many requests"}"#.into()
                } else {
                    format!(r#"{{"error":"e{status}","message":"status {status}"}}"#)
                },
                retry_after,
            },
        }
    }

    #[tokio::test]
    async fn a_5xx_is_an_unknown_outcome_that_the_duplicate_guard_still_sees() {
        let (sb, c, req) = setup().await;
        let store = Store::open_in_memory().unwrap();
        sb.inject(status(503, None));
        let e = send_logged(&c, &store, "p", &req).await.unwrap_err();
        assert_eq!(e.code(), "outcome_unknown", "{e}");
        assert!(
            e.body().next_step.starts_with("Do not simply send again"),
            "{:?}",
            e.body()
        );
        assert_eq!(sb.requests("POST", SEND), 1, "never sent again by itself");
        let log = store.sends_for_attendee(req.attendee_id).unwrap();
        assert_eq!(log[0].result, SendResult::OutcomeUnknown);
        assert!(
            recent_duplicate(&log, req.template_id, Utc::now()).is_some(),
            "the next click is warned"
        );
    }

    #[tokio::test]
    async fn an_unreadable_2xx_is_an_unknown_outcome_not_a_failure() {
        let (sb, c, req) = setup().await;
        let store = Store::open_in_memory().unwrap();
        sb.inject(Fault {
            method: "POST".into(),
            path_prefix: SEND.into(),
            kind: FaultKind::MalformedJson,
        });
        let e = send_logged(&c, &store, "p", &req).await.unwrap_err();
        assert_eq!(e.code(), "outcome_unknown", "{e}");
        assert_eq!(sb.sends().len(), 1, "Qflow queued it");
        let log = store.sends_for_attendee(req.attendee_id).unwrap();
        assert_eq!(log[0].result, SendResult::OutcomeUnknown);
        assert!(recent_duplicate(&log, req.template_id, Utc::now()).is_some());
    }

    #[tokio::test]
    async fn a_429_waits_for_retry_after_and_sends_once_more() {
        let (sb, c, req) = setup().await;
        let store = Store::open_in_memory().unwrap();
        sb.inject(status(429, Some(1)));
        let started = std::time::Instant::now();
        send_logged(&c, &store, "p", &req).await.unwrap();
        assert!(started.elapsed() >= std::time::Duration::from_millis(900));
        assert_eq!(sb.requests("POST", SEND), 2);
        let log = store.sends_for_attendee(req.attendee_id).unwrap();
        assert_eq!(log.len(), 1, "one send, one log row");
        assert_eq!(log[0].result, SendResult::Queued);
    }

    #[tokio::test]
    async fn a_second_429_is_refused_honestly_and_not_sent_a_third_time() {
        let (sb, c, req) = setup().await;
        let store = Store::open_in_memory().unwrap();
        sb.inject(status(429, Some(1)));
        sb.inject(status(429, Some(1)));
        let e = send_logged(&c, &store, "p", &req).await.unwrap_err();
        assert_eq!(e.code(), "rate_limit");
        assert!(
            e.body().next_step.starts_with("Nothing was sent"),
            "{:?}",
            e.body()
        );
        assert_eq!(sb.requests("POST", SEND), 2, "at most once more");
        let log = store.sends_for_attendee(req.attendee_id).unwrap();
        assert_eq!(log[0].result, SendResult::Error);
    }
}
