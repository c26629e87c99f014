//! Adding an attendee at the desk (atomic create-and-send, retry-safe), the live address check
//! of the form, and the table's send-status column.

use super::panel::{detail, non_empty};
use super::rules;
use super::types::*;
use crate::models::{Guest, GuestCreate};
use crate::ops::ctx::Ctx;
use crate::{validate, Error, Result};

/// Most ids a `send_statuses` call may ask about.
pub const MAX_STATUS_IDS: usize = 500;

/// Why an address cannot be used, and a likely intended one (no session needed).
pub fn email_check(req: EmailCheckRequest) -> Result<EmailCheck> {
    let e = req.email.trim();
    Ok(EmailCheck {
        problem: validate::email("email", e).err().map(|err| match err {
            Error::Invalid { reason, .. } => reason,
            other => other.body().message,
        }),
        suggestion: validate::email_typo(e),
    })
}

/// Create the attendee with the form's id; with a template, in the same call (atomic). Bad
/// input and an unconfirmed typo are refused before anything is sent.
pub async fn guest_add(cx: &Ctx, req: GuestAddRequest) -> Result<GuestAdded> {
    let gid = validate::guid("id", &req.id)?;
    let event_id = validate::guid("eventId", &req.event_id)?;
    let template = match req.template_id.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(t) => Some(validate::guid("templateId", t)?),
    };
    let email = req.email.trim().to_owned();
    let guest = Guest {
        id: gid,
        event_id,
        first_name: req.first_name.trim().to_owned(),
        last_name: req.last_name.trim().to_owned(),
        email: email.clone(),
        tags: non_empty(&req.tags),
        ..Guest::default()
    };
    validate::guest(&guest)?;
    if !req.keep_email {
        if let Some(s) = validate::email_typo(&email) {
            return Err(Error::invalid(
                "email",
                format!("did you mean {s}? Correct it, or keep the address as typed"),
            ));
        }
    }
    let correlation_id = template.map(|_| rules::atomic_correlation_id(gid));
    let create = GuestCreate {
        guest,
        comms_template_id: template,
        correlation_id: correlation_id.clone(),
    };
    let store = cx.local_store().await?;
    let created = rules::create_guest_logged(&cx.client, &store, &cx.info.profile, &create).await?;
    cx.put_cached_guest(&created).await;
    Ok(GuestAdded {
        guest: detail(&created),
        sent: template.is_some(),
        correlation_id,
    })
}

/// Each attendee's current state from the local store, one query for the whole page (no
/// request to Qflow).
pub async fn send_statuses(cx: &Ctx, req: SendStatusesRequest) -> Result<Vec<GuestSendStatus>> {
    if req.guest_ids.len() > MAX_STATUS_IDS {
        return Err(Error::invalid(
            "guestIds",
            format!("at most {MAX_STATUS_IDS} per call"),
        ));
    }
    let ids = req
        .guest_ids
        .iter()
        .map(|v| validate::guid("guestIds", v))
        .collect::<Result<Vec<_>>>()?;
    let store = cx.local_store().await?;
    let wanted = ids.clone();
    let mut states = tokio::task::spawn_blocking(move || store.delivery_states(&wanted))
        .await
        .map_err(|e| Error::internal(format!("reading send statuses: {e}")))??;
    // In the order asked.
    Ok(ids
        .into_iter()
        .filter_map(|gid| {
            let st = states.remove(&gid)?;
            Some(GuestSendStatus {
                guest_id: gid.to_string(),
                status: st.status,
                at: st.at.to_rfc3339(),
                detail: st.detail,
            })
        })
        .collect())
}
