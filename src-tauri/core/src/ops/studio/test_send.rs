//! "Send a test": the saved template, once, to an attendee of the event or to the user through
//! a tagged test attendee this app creates.

use uuid::Uuid;

use super::test_attendees::TEST_TAG;
use super::types::{TestSendRequest, TestSendResult};
use crate::models::{Guest, GuestCreate, SendRequest, SendResponse};
use crate::ops::ctx::Ctx;
use crate::ops::send::{send_logged, ENDPOINT};
use crate::validate::{self, guid};
use crate::{Error, Result};

/// Sends the saved template once (`POST /api/comms/send`, logged, never retried: a lost answer
/// is `outcome_unknown`). Input is checked before any request.
pub async fn template_test_send(cx: &Ctx, req: TestSendRequest) -> Result<TestSendResult> {
    let event_id = guid("eventId", &req.event_id)?;
    let template_id = guid("templateId", &req.template_id)?;
    let (guest, test_guest_id) = match (
        req.guest_id
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty()),
        req.test_email
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty()),
    ) {
        (Some(gid), _) => (cx.guest(guid("guestId", gid)?).await?, None),
        (None, Some(email)) => {
            validate::email("testEmail", email)?;
            if !req.keep_email {
                if let Some(s) = validate::email_typo(email) {
                    return Err(Error::invalid(
                        "testEmail",
                        format!("did you mean {s}? Correct it, or keep the address as typed"),
                    ));
                }
            }
            let gid = guid(
                "testGuestId",
                req.test_guest_id.as_deref().unwrap_or_default(),
            )?;
            let guest = Guest {
                id: gid,
                event_id,
                first_name: "Test".into(),
                last_name: "(Qflow Console)".into(),
                email: email.to_owned(),
                tags: Some(TEST_TAG.into()),
                ..Guest::default()
            };
            validate::guest(&guest)?;
            // Client-generated id: creating is idempotent, so the same test attendee is reused.
            let created = cx
                .client
                .guest_create(&GuestCreate {
                    guest,
                    comms_template_id: None,
                    correlation_id: None,
                })
                .await?;
            cx.put_cached_guest(&created).await;
            (created, Some(gid.to_string()))
        }
        (None, None) => {
            return Err(Error::invalid(
                "guestId",
                "choose an attendee, or type your own address for a test attendee",
            ))
        }
    };
    if guest.event_id != event_id {
        return Err(Error::invalid(
            "guestId",
            "is not an attendee of this event",
        ));
    }
    let correlation_id = format!("studio-test-{}", Uuid::new_v4());
    let send = SendRequest {
        attendee_id: guest.id,
        template_id,
        correlation_id: Some(correlation_id.clone()),
    };
    let store = cx.local_store().await?;
    let raw = send_logged(&cx.client, &store, &cx.info.profile, &send).await?;
    let answer: SendResponse = serde_json::from_value(raw).map_err(|e| Error::Malformed {
        endpoint: ENDPOINT.into(),
        message: e.to_string(),
    })?;
    Ok(TestSendResult {
        status: answer.status,
        attendee_invitation_id: answer.attendee_invitation_id.to_string(),
        correlation_id,
        to: format!("{} {} <{}>", guest.first_name, guest.last_name, guest.email),
        test_guest_id,
    })
}
