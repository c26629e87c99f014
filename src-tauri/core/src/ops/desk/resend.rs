//! Resend a ticket: the template choice, the exact preview, and the send itself (optionally
//! after correcting the address), behind the duplicate guard. The window and the CLI's
//! `guest resend` run this one operation, so they refuse and send alike.
//!
//! Events and templates are read through the session's caches (`cx.event`, `cx.template`,
//! `cx.templates`), never a copy of the desk's own: a renamed event previews with its new name.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use serde_json::Value;
use uuid::Uuid;

use super::panel::non_empty;
use super::rules;
use super::types::*;
use crate::merge::{render_template, MergeContext, TemplateFields};
use crate::models::{SendRequest, SendResponse, Template};
use crate::ops::ctx::{Ctx, SessionState};
use crate::ops::send::{send_logged, ENDPOINT};
use crate::preflight::send_warning;
use crate::store::{group_by_send, SendLogEntry, Store};
use crate::{validate, Error, Result};

/// The (attendee, template) pairs being sent in this session right now. A resend reserves its
/// pair before the duplicate check and releases it once the send is logged, so the check and
/// the send are one step for concurrent calls: two quick clicks cannot both send.
#[derive(Default)]
pub struct ResendSlots {
    busy: Mutex<HashSet<(Uuid, Uuid)>>,
}

impl SessionState for ResendSlots {}

impl ResendSlots {
    fn reserve(self: Arc<Self>, attendee: Uuid, template: Uuid) -> Result<Slot> {
        let key = (attendee, template);
        if !self.lock().insert(key) {
            return Err(rules::send_in_flight());
        }
        Ok(Slot { slots: self, key })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashSet<(Uuid, Uuid)>> {
        self.busy.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// A reserved pair, released when dropped (after the send, on any error, or when the caller
/// goes away mid-send).
struct Slot {
    slots: Arc<ResendSlots>,
    key: (Uuid, Uuid),
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.slots.lock().remove(&self.key);
    }
}

fn option(t: &Template) -> TemplateOption {
    TemplateOption {
        id: t.id.to_string(),
        name: t.name.clone(),
        subject: t.subject.clone(),
    }
}

/// The event's templates and the one to offer first (last sent to this attendee from this app,
/// else the newest).
pub async fn resend_options(cx: &Ctx, req: GuestIdRequest) -> Result<ResendOptions> {
    let gid = validate::guid("guestId", &req.guest_id)?;
    let guest = cx.guest(gid).await?;
    let templates = cx.templates(guest.event_id).await?;
    let sends = cx.local_store().await?.sends_for_attendee(gid)?;
    let default = rules::default_template(&sends, &templates);
    let reason = default.map(|d| {
        if rules::last_sent_template(&sends) == Some(d) {
            "last_sent"
        } else {
            "newest"
        }
        .to_owned()
    });
    Ok(ResendOptions {
        templates: templates.iter().map(option).collect(),
        default_template_id: default.map(|d| d.to_string()),
        default_reason: reason,
    })
}

/// The event's templates, newest first (the add form's choice).
pub async fn event_templates(cx: &Ctx, req: EventIdRequest) -> Result<Vec<TemplateOption>> {
    let event_id = validate::guid("eventId", &req.event_id)?;
    let templates = cx.templates(event_id).await?;
    Ok(templates.iter().rev().map(option).collect())
}

/// The same template sent to this attendee within the duplicate window, with what is known of
/// it now: Qflow's latest delivery event for that send (`delivered`, `bounced`…) once one has
/// arrived, else the send's own result (`queued`).
fn recent(
    store: &Store,
    attendee: Uuid,
    sends: &[SendLogEntry],
    template: Uuid,
    now: DateTime<Utc>,
) -> Result<Option<RecentSend>> {
    let Some(s) = rules::recent_duplicate(sends, template, now) else {
        return Ok(None);
    };
    let delivered = group_by_send(store.timeline(attendee)?)
        .into_iter()
        .find(|h| h.send.as_ref().and_then(|e| e.send_log_id) == Some(s.id))
        .and_then(|h| h.delivery().map(|e| e.state().to_owned()));
    Ok(Some(RecentSend {
        at: s.requested_at.to_rfc3339(),
        status: delivered.unwrap_or_else(|| s.result.as_str().to_owned()),
        minutes_ago: u32::try_from((now - s.requested_at).num_minutes().max(0)).unwrap_or(0),
    }))
}

/// Render the template with this attendee's and event's data by the core merge engine: the
/// exact subject and body Qflow will send (remote images are not loaded in the preview; the
/// ticket QR is drawn locally).
pub async fn resend_preview(cx: &Ctx, req: ResendPreviewRequest) -> Result<ResendPreview> {
    let gid = validate::guid("guestId", &req.guest_id)?;
    let tid = validate::guid("templateId", &req.template_id)?;
    let override_email = req.email.as_deref().and_then(non_empty);
    if let Some(e) = &override_email {
        validate::email("email", e)?;
    }
    let mut guest = cx.guest(gid).await?;
    if let Some(e) = override_email {
        guest.email = e;
    }
    let template = cx.template(tid).await?;
    let event = cx.event(guest.event_id).await?;
    let qr = guest
        .barcode
        .as_deref()
        .filter(|b| !b.is_empty())
        .map(crate::ops::qr::qr_svg_data_url);
    let to = guest.email.clone();
    let mut merge = MergeContext::new(guest, event);
    if let Some(url) = qr {
        merge = merge.with_barcode_qr_url(url);
    }
    let fields = TemplateFields::from(&template);
    let rendered = render_template(&fields, &merge);
    let preflight = send_warning(&fields, &merge, std::slice::from_ref(&merge.guest));
    let store = cx.local_store().await?;
    let sends = store.sends_for_attendee(gid)?;
    Ok(ResendPreview {
        to,
        subject: rendered.subject.clone(),
        document: rules::preview_document(rendered.sent_body()),
        unknown_tokens: rendered
            .unknown_tokens
            .iter()
            .map(|u| u.token.clone())
            .collect(),
        attach_pdf: template.attach_pdf,
        recent_duplicate: recent(&store, gid, &sends, tid, cx.now())?,
        preflight,
    })
}

/// A resend's result with the API's answer unchanged (the CLI's `--json`).
#[derive(Clone, Debug, PartialEq)]
pub struct Resent {
    pub result: ResendResult,
    pub answer: Value,
}

/// Optionally correct the address (PUT on the attendee fetched fresh), then send once through
/// the logged send: the log row is written before the request, and the send is never retried.
pub async fn resend(cx: &Ctx, req: ResendRequest) -> Result<ResendResult> {
    Ok(resend_with_answer(cx, req).await?.result)
}

/// [`resend`], also returning Qflow's answer as it came. The duplicate guard: the same template
/// to the same attendee within [`rules::DUPLICATE_WINDOW_MINUTES`] is refused unless
/// `confirm_duplicate`; one already being sent in this session is refused in any case.
pub async fn resend_with_answer(cx: &Ctx, req: ResendRequest) -> Result<Resent> {
    let gid = validate::guid("guestId", &req.guest_id)?;
    let tid = validate::guid("templateId", &req.template_id)?;
    let new_email = req.new_email.as_deref().and_then(non_empty);
    if let Some(e) = &new_email {
        validate::email("newEmail", e)?;
    }
    let correlation_id =
        rules::correlation_id_or(req.correlation_id.as_deref(), rules::resend_correlation_id)?;
    let store = cx.local_store().await?;
    // Held until the send is logged (or this call ends any other way).
    let _slot = cx.state::<ResendSlots>().reserve(gid, tid)?;
    if !req.confirm_duplicate {
        let sends = store.sends_for_attendee(gid)?;
        if let Some(r) = recent(&store, gid, &sends, tid, cx.now())? {
            return Err(rules::duplicate_refusal(r.minutes_ago, &r.status));
        }
    }
    let mut to = cx.guest(gid).await?.email;
    if let Some(e) = new_email {
        let mut g = cx.client.guest_get(gid).await?;
        if g.email.trim() != e {
            g.email = e;
            let saved = cx.client.guest_update(&g).await?;
            cx.put_cached_guest(&saved).await;
            to = saved.email;
        } else {
            to = g.email;
        }
    }
    let send = SendRequest {
        attendee_id: gid,
        template_id: tid,
        correlation_id: Some(correlation_id.clone()),
    };
    let raw = send_logged(&cx.client, &store, &cx.info.profile, &send).await?;
    let answer: SendResponse =
        serde_json::from_value(raw.clone()).map_err(|e| Error::Malformed {
            endpoint: ENDPOINT.into(),
            message: e.to_string(),
        })?;
    Ok(Resent {
        result: ResendResult {
            status: answer.status,
            attendee_invitation_id: answer.attendee_invitation_id.to_string(),
            correlation_id,
            to,
        },
        answer: raw,
    })
}
