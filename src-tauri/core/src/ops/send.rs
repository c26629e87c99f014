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
    let (outcome, result) = send_once(client, req).await;
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
        Err(e @ Error::OutcomeUnknown { .. }) => (
            SendOutcome::OutcomeUnknown {
                message: e.body().message,
            },
            Err(e),
        ),
        Err(e) => (
            SendOutcome::Failed {
                code: e.code().to_owned(),
                message: e.body().message,
            },
            Err(e),
        ),
    }
}
