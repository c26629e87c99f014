//! `POST /api/comms/send`: two-step send to an existing attendee.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Extension;
use serde_json::json;

use crate::resp::*;
use crate::server::{trust_required, Caller};
use crate::state::SharedRef;
use crate::webhooks::{self, SendJob};

pub(crate) async fn send(
    State(s): State<SharedRef>,
    Extension(c): Extension<Caller>,
    body: Bytes,
) -> Res {
    let m = body_object(&body)?;
    let attendee_id = req_guid(&m, "attendeeId")?;
    let template_id = req_guid(&m, "templateId")?;
    let correlation_id = opt_str(&m, "correlationId")?;
    if c.user == crate::NO_KYC_USERNAME {
        return Err(trust_required());
    }
    let job = {
        let mut st = s.lock();
        let invitation_id = st.new_uuid();
        let acc = st.account(&c.user);
        let guest = acc.guests.get(&attendee_id).ok_or_else(not_found)?;
        if !acc.templates.contains_key(&template_id) {
            return Err(not_found());
        }
        let email = guest.email.unwrap_or_default().to_owned();
        if email.is_empty() {
            return Err(bad_field(
                "attendeeId",
                "The attendee has no email address. Add one with PUT /api/guest, then send again.",
            ));
        }
        if let Some(sup) = acc.suppressed.get(&email.to_ascii_lowercase()) {
            return Err(coded_with(
                StatusCode::UNPROCESSABLE_ENTITY,
                "previous_send_permanently_failed",
                &format!(
                    "Recipient cannot be emailed: {} on {}.",
                    sup.failure_type,
                    sup.at.format("%Y-%m-%d")
                ),
                json!({
                    "failureType": sup.failure_type,
                    "lastFailureAt": sup.at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                    "lastFailureReason": sup.reason,
                }),
            ));
        }
        SendJob {
            user: c.user.clone(),
            attendee_id,
            template_id,
            invitation_id,
            email,
            correlation_id,
        }
    };
    let invitation = job.invitation_id;
    s.sends
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push(crate::state::SendRecord {
            attendee_id: job.attendee_id,
            template_id: job.template_id,
            correlation_id: job.correlation_id.clone(),
            atomic: false,
        });
    webhooks::spawn_send(s.clone(), job);
    Ok(ok(&json!({
        "attendeeInvitationId": invitation.to_string(),
        "status": "queued",
    })))
}
