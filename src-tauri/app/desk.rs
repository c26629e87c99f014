//! The registration desk: the attendee panel (details, edit, check-in, delete, QR), resend
//! ticket (template choice, exact preview, send with a correlation id, logged), add attendee
//! (atomic create-and-send), and the table's last-send status. IPC types, handlers and the
//! `#[tauri::command]` wrappers live together here; the rules are in `qflow_core::ops::desk`.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use qflow_core::merge::{render_template, MergeContext, TemplateFields};
use qflow_core::models::{Event, Guest, GuestCreate, SendRequest, SendResponse, Template};
use qflow_core::ops::desk as rules;
use qflow_core::ops::send::send_logged;
use qflow_core::store::{group_by_send, SendHistory, SendLogEntry, Store};
use qflow_core::{validate, Error, Result};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tauri::State;
use tokio::sync::Mutex;
use ts_rs::TS;
use uuid::Uuid;

use super::handlers::{AppState, Session};

// ---------------------------------------------------------------- IPC types

/// Any desk command about one attendee.
#[derive(Deserialize, Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../ui/src/bindings/")]
pub struct GuestIdRequest {
    pub guest_id: String,
}

/// A field this version does not know, shown read-only and sent back untouched on save.
#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../ui/src/bindings/")]
pub struct ExtraField {
    pub name: String,
    /// The JSON value as text (strings without quotes).
    pub value: String,
}

/// Everything the panel shows of an attendee, as Qflow has it now.
#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../ui/src/bindings/")]
pub struct GuestDetail {
    pub id: String,
    pub event_id: String,
    pub first_name: String,
    pub last_name: String,
    pub other_names: Option<String>,
    pub email: String,
    pub barcode: Option<String>,
    pub plus_ones: Option<u32>,
    pub additional_info: Option<String>,
    pub tags: Option<String>,
    pub tickets: Option<String>,
    pub sessions: Option<String>,
    pub custom_fields: Vec<String>,
    pub checked_in: bool,
    /// UTC, RFC 3339.
    pub check_in_time: Option<String>,
    pub extra: Vec<ExtraField>,
    /// The barcode as a QR code, rendered locally (`data:image/svg+xml;base64,…`).
    pub qr_data_url: Option<String>,
}

/// The editable fields. Everything else (unknown fields included) is kept as Qflow has it.
#[derive(Deserialize, Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../ui/src/bindings/")]
pub struct GuestEdit {
    pub id: String,
    pub first_name: String,
    pub last_name: String,
    pub other_names: String,
    pub email: String,
    pub tags: String,
    pub additional_info: String,
    /// Empty = none.
    pub plus_ones: String,
}

#[derive(Deserialize, Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../ui/src/bindings/")]
pub struct CheckInRequest {
    pub guest_id: String,
    /// true = check in, false = check out.
    pub checked_in: bool,
}

/// One send in the attendee's history: made from this app (`send`), or known only from Qflow's
/// events (`webhook`: sent elsewhere), with what Qflow reported about it.
#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../ui/src/bindings/")]
pub struct HistoryItem {
    /// UTC, RFC 3339: when requested (or the first event, for `webhook`).
    pub at: String,
    /// `send` (made from this app) or `webhook` (reported by Qflow only).
    pub kind: String,
    /// `send`: the request's result (`queued`, `error`, `outcome_unknown`, `pending`).
    /// `webhook`: the latest event's (`sent`, `delivered`…).
    pub status: String,
    /// The furthest delivery event (`sent`, `delivered`, `opened`, `bounced`…; an `opened`
    /// outranks a later-stamped `delivered`); none yet = null.
    pub delivery: Option<String>,
    pub template_name: Option<String>,
    pub correlation_id: Option<String>,
    pub error_code: Option<String>,
    pub message: Option<String>,
    /// Qflow's events about this send, oldest first.
    pub events: Vec<HistoryEvent>,
}

/// A webhook event about one send.
#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../ui/src/bindings/")]
pub struct HistoryEvent {
    /// UTC, RFC 3339 (`X-Qflow-Timestamp`, else when received).
    pub at: String,
    /// The event type without `comms.`: `sent`, `delivered`, `opened`, `bounced`, `dropped`,
    /// `spam_reported`, `unsubscribed`, `failed`, or a type this version does not know.
    pub event: String,
    /// Qflow's `error` (e.g. the bounce reason).
    pub reason: Option<String>,
    /// Which id tied it to this attendee: `attendeeId`, `attendeeInvitationId`, `correlationId`.
    pub matched_by: Option<String>,
}

#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../ui/src/bindings/")]
pub struct TemplateOption {
    pub id: String,
    pub name: String,
    pub subject: Option<String>,
}

/// `resend_options`: the event's templates and which one to offer first.
#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../ui/src/bindings/")]
pub struct ResendOptions {
    pub templates: Vec<TemplateOption>,
    /// Last sent to this attendee from this app, else the event's most recent template.
    pub default_template_id: Option<String>,
    /// Why that one: `last_sent` or `newest`.
    pub default_reason: Option<String>,
}

#[derive(Deserialize, Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../ui/src/bindings/")]
pub struct ResendPreviewRequest {
    pub guest_id: String,
    pub template_id: String,
    /// A corrected address to preview with (not saved).
    #[serde(default)]
    #[ts(optional)]
    pub email: Option<String>,
}

/// A send of the same template to the same attendee in the last 10 minutes.
#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../ui/src/bindings/")]
pub struct RecentSend {
    pub at: String,
    /// Qflow's latest delivery event for that send (`delivered`, `bounced`…), else the
    /// send's result (`queued`, `outcome_unknown`…).
    pub status: String,
    pub minutes_ago: u32,
}

/// The exact email this attendee would receive.
#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../ui/src/bindings/")]
pub struct ResendPreview {
    pub to: String,
    pub subject: String,
    /// A complete document for `<iframe sandbox="" srcdoc>`, with its own strict CSP.
    pub document: String,
    /// `{{…}}` left literal (typos, or no data for this attendee).
    pub unknown_tokens: Vec<String>,
    /// Courier mode: the email carries a PDF of the HTML.
    pub attach_pdf: bool,
    pub recent_duplicate: Option<RecentSend>,
}

#[derive(Deserialize, Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../ui/src/bindings/")]
pub struct ResendRequest {
    pub guest_id: String,
    pub template_id: String,
    /// Save this address on the attendee first (PUT), then send.
    #[serde(default)]
    #[ts(optional)]
    pub new_email: Option<String>,
    /// The person confirmed a resend of the same template within 10 minutes.
    #[serde(default)]
    pub confirm_duplicate: bool,
}

#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../ui/src/bindings/")]
pub struct ResendResult {
    /// Qflow's answer: `queued`.
    pub status: String,
    pub attendee_invitation_id: String,
    pub correlation_id: String,
    pub to: String,
}

#[derive(Deserialize, Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../ui/src/bindings/")]
pub struct EmailCheckRequest {
    pub email: String,
}

#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../ui/src/bindings/")]
pub struct EmailCheck {
    /// Why the address cannot be used; `None` = well-formed.
    pub problem: Option<String>,
    /// A likely intended address (gmial.com → gmail.com); a warning, not an error.
    pub suggestion: Option<String>,
}

/// `guest_add`. `id` is generated by the form once and reused on every retry, so a retry can
/// never create a second attendee or send a second email.
#[derive(Deserialize, Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../ui/src/bindings/")]
pub struct GuestAddRequest {
    pub id: String,
    pub event_id: String,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    #[serde(default)]
    pub tags: String,
    /// Send this template in the same call (atomic create-and-send).
    #[serde(default)]
    #[ts(optional)]
    pub template_id: Option<String>,
    /// The person saw the typo suggestion and kept the address as typed.
    #[serde(default)]
    pub keep_email: bool,
}

#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../ui/src/bindings/")]
pub struct GuestAdded {
    pub guest: GuestDetail,
    /// A template was sent with the create.
    pub sent: bool,
    pub correlation_id: Option<String>,
}

/// `event_templates`: the templates the add form can send.
#[derive(Deserialize, Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../ui/src/bindings/")]
pub struct EventIdRequest {
    pub event_id: String,
}

#[derive(Deserialize, Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../ui/src/bindings/")]
pub struct SendStatusesRequest {
    pub guest_ids: Vec<String>,
}

/// An attendee's current state for the table column: their latest send's latest delivery
/// event, else that send's result.
#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../ui/src/bindings/")]
pub struct GuestSendStatus {
    pub guest_id: String,
    /// `queued`, `error`, `outcome_unknown`, `pending`, or `sent`, `delivered`, `opened`,
    /// `bounced`, `dropped`, `spam_reported`, `unsubscribed`, `failed`.
    pub status: String,
    /// UTC, RFC 3339.
    pub at: String,
    /// A bounce reason or send error, when there is one.
    pub detail: Option<String>,
}

// ---------------------------------------------------------------- state

/// What the desk keeps beside the session: small caches. The send log is the session's store.
#[derive(Default)]
pub struct DeskState {
    templates: Mutex<HashMap<Uuid, Template>>,
    events: Mutex<HashMap<Uuid, Event>>,
}

/// Most ids a `send_statuses` call may ask about.
pub const MAX_STATUS_IDS: usize = 500;

impl DeskState {
    async fn store(&self, session: &Session) -> Result<Arc<Store>> {
        session.local_store().await
    }

    async fn event(&self, session: &Session, id: Uuid) -> Result<Event> {
        if let Some(e) = self.events.lock().await.get(&id) {
            return Ok(e.clone());
        }
        let e = session.client.event_get(id).await?;
        self.events.lock().await.insert(id, e.clone());
        Ok(e)
    }

    async fn template(&self, session: &Session, id: Uuid) -> Result<Template> {
        if let Some(t) = self.templates.lock().await.get(&id) {
            return Ok(t.clone());
        }
        let t = session.client.template_get(id).await?;
        self.templates.lock().await.insert(id, t.clone());
        Ok(t)
    }
}

// ---------------------------------------------------------------- handlers

fn id(field: &str, v: &str) -> Result<Uuid> {
    validate::guid(field, v)
}

fn non_empty(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_owned())
}

pub fn detail(g: &Guest) -> GuestDetail {
    let extra = g
        .extra
        .iter()
        .map(|(k, v)| ExtraField {
            name: k.clone(),
            value: match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            },
        })
        .collect();
    GuestDetail {
        id: g.id.to_string(),
        event_id: g.event_id.to_string(),
        first_name: g.first_name.clone(),
        last_name: g.last_name.clone(),
        other_names: g.other_names.clone(),
        email: g.email.clone(),
        barcode: g.barcode.clone(),
        plus_ones: g.plus_ones,
        additional_info: g.additional_info.clone(),
        tags: g.tags.clone(),
        tickets: g.tickets.clone(),
        sessions: g.sessions.clone(),
        custom_fields: g.custom_fields.clone().unwrap_or_default(),
        checked_in: g.checked_in.unwrap_or(false),
        check_in_time: g.check_in_time.map(|t| t.to_rfc3339()),
        extra,
        qr_data_url: g
            .barcode
            .as_deref()
            .filter(|b| !b.is_empty())
            .map(qflow_core::ops::qr::qr_svg_data_url),
    }
}

/// The attendee as Qflow has it now (never the cached list: the panel edits from this).
pub async fn guest_detail(state: &AppState, req: GuestIdRequest) -> Result<GuestDetail> {
    let gid = id("guestId", &req.guest_id)?;
    let session = state.current().await?;
    let g = session.client.guest_get(gid).await?;
    session.put_cached_guest(&g).await;
    Ok(detail(&g))
}

/// PUT the edited fields onto the attendee fetched fresh, so fields this version does not know
/// (and fields edited elsewhere meanwhile) are sent back unchanged.
pub async fn guest_save(state: &AppState, req: GuestEdit) -> Result<GuestDetail> {
    let gid = id("id", &req.id)?;
    let first = validate::required("firstName", &req.first_name)?.to_owned();
    let last = validate::required("lastName", &req.last_name)?.to_owned();
    let email = validate::required("email", &req.email)?.to_owned();
    validate::email("email", &email)?;
    let plus_ones = match req.plus_ones.trim() {
        "" => None,
        v => Some(
            v.parse::<u32>()
                .map_err(|_| Error::invalid("plusOnes", "must be a whole number (0 or more)"))?,
        ),
    };
    let session = state.current().await?;
    let mut g = session.client.guest_get(gid).await?;
    g.first_name = first;
    g.last_name = last;
    g.email = email;
    g.other_names = non_empty(&req.other_names);
    g.tags = non_empty(&req.tags);
    g.additional_info = non_empty(&req.additional_info);
    g.plus_ones = plus_ones;
    let saved = session.client.guest_update(&g).await?;
    session.put_cached_guest(&saved).await;
    Ok(detail(&saved))
}

pub async fn guest_check_in(state: &AppState, req: CheckInRequest) -> Result<GuestDetail> {
    let gid = id("guestId", &req.guest_id)?;
    let session = state.current().await?;
    let g = if req.checked_in {
        session.client.guest_checkin(gid).await?
    } else {
        session.client.guest_checkout(gid).await?
    };
    session.put_cached_guest(&g).await;
    Ok(detail(&g))
}

pub async fn guest_delete(state: &AppState, req: GuestIdRequest) -> Result<()> {
    let gid = id("guestId", &req.guest_id)?;
    let session = state.current().await?;
    session.client.guest_delete(gid).await?;
    session.remove_cached_guest(gid).await;
    Ok(())
}

/// The attendee's sends, newest first, each with Qflow's delivery events joined from the local
/// store (no request: the panel polls this).
pub async fn guest_history(
    state: &AppState,
    desk: &DeskState,
    req: GuestIdRequest,
) -> Result<Vec<HistoryItem>> {
    let gid = id("guestId", &req.guest_id)?;
    let session = state.current().await?;
    let store = desk.store(&session).await?;
    let names: HashMap<Uuid, String> = desk
        .templates
        .lock()
        .await
        .values()
        .map(|t| (t.id, t.name.clone()))
        .collect();
    let timeline = tokio::task::spawn_blocking(move || store.timeline(gid))
        .await
        .map_err(|e| Error::Storage(e.to_string()))??;
    let mut items: Vec<HistoryItem> = group_by_send(timeline)
        .into_iter()
        .map(|g| history_item(g, &names))
        .collect();
    // Newest first: the desk asks "what happened last?".
    items.reverse();
    Ok(items)
}

fn history_item(g: SendHistory, names: &HashMap<Uuid, String>) -> HistoryItem {
    let delivery = g.delivery().map(|e| e.state().to_owned());
    let at = g.at().to_rfc3339();
    let events: Vec<HistoryEvent> = g
        .events
        .iter()
        .map(|e| HistoryEvent {
            at: e.at.to_rfc3339(),
            event: e.state().to_owned(),
            reason: e.message.clone(),
            matched_by: e.matched_by.clone(),
        })
        .collect();
    let head = g.send.as_ref().or(g.events.first());
    let template_name = head
        .and_then(|e| e.template_id.as_deref())
        .and_then(|t| Uuid::parse_str(t).ok())
        .and_then(|t| names.get(&t).cloned());
    match g.send {
        Some(s) => HistoryItem {
            at,
            kind: "send".into(),
            status: s.state().to_owned(),
            delivery,
            template_name,
            correlation_id: s.correlation_id,
            error_code: s.error_code,
            message: s.message,
            events,
        },
        None => HistoryItem {
            at,
            kind: "webhook".into(),
            status: g
                .state()
                .map(|st| st.status)
                .unwrap_or_else(|| "unknown".into()),
            delivery,
            template_name,
            correlation_id: g.events.iter().find_map(|e| e.correlation_id.clone()),
            error_code: None,
            message: None,
            events,
        },
    }
}

pub async fn resend_options(
    state: &AppState,
    desk: &DeskState,
    req: GuestIdRequest,
) -> Result<ResendOptions> {
    let gid = id("guestId", &req.guest_id)?;
    let session = state.current().await?;
    let guest = session.guest(gid).await?;
    let templates = list_templates(&session, desk, guest.event_id).await?;
    let store = desk.store(&session).await?;
    let sends = store.sends_for_attendee(gid)?;
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

fn option(t: &Template) -> TemplateOption {
    TemplateOption {
        id: t.id.to_string(),
        name: t.name.clone(),
        subject: t.subject.clone(),
    }
}

async fn list_templates(
    session: &Session,
    desk: &DeskState,
    event_id: Uuid,
) -> Result<Vec<Template>> {
    let templates = session.client.templates_list(event_id).await?;
    let mut cache = desk.templates.lock().await;
    for t in &templates {
        cache.insert(t.id, t.clone());
    }
    Ok(templates)
}

/// The event's templates, newest first.
pub async fn event_templates(
    state: &AppState,
    desk: &DeskState,
    req: EventIdRequest,
) -> Result<Vec<TemplateOption>> {
    let event_id = id("eventId", &req.event_id)?;
    let session = state.current().await?;
    let templates = list_templates(&session, desk, event_id).await?;
    Ok(templates.iter().rev().map(option).collect())
}

/// The same template sent to this attendee in the last 10 minutes, with what is known of it
/// now: Qflow's latest delivery event for that send (`delivered`, `bounced`…) once one has
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
pub async fn resend_preview(
    state: &AppState,
    desk: &DeskState,
    req: ResendPreviewRequest,
) -> Result<ResendPreview> {
    let gid = id("guestId", &req.guest_id)?;
    let tid = id("templateId", &req.template_id)?;
    let override_email = req.email.as_deref().and_then(non_empty);
    if let Some(e) = &override_email {
        validate::email("email", e)?;
    }
    let session = state.current().await?;
    let mut guest = session.guest(gid).await?;
    if let Some(e) = override_email {
        guest.email = e;
    }
    let template = desk.template(&session, tid).await?;
    let event = desk.event(&session, guest.event_id).await?;
    let qr = guest
        .barcode
        .as_deref()
        .filter(|b| !b.is_empty())
        .map(qflow_core::ops::qr::qr_svg_data_url);
    let to = guest.email.clone();
    let mut ctx = MergeContext::new(guest, event);
    if let Some(url) = qr {
        ctx = ctx.with_barcode_qr_url(url);
    }
    let rendered = render_template(&TemplateFields::from(&template), &ctx);
    let store = desk.store(&session).await?;
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
        recent_duplicate: recent(&store, gid, &sends, tid, Utc::now())?,
    })
}

/// Optionally correct the address (PUT on the attendee fetched fresh), then send once through
/// the logged send: the log row is written before the request, and the send is never retried.
pub async fn resend(
    state: &AppState,
    desk: &DeskState,
    req: ResendRequest,
) -> Result<ResendResult> {
    let gid = id("guestId", &req.guest_id)?;
    let tid = id("templateId", &req.template_id)?;
    let new_email = req.new_email.as_deref().and_then(non_empty);
    if let Some(e) = &new_email {
        validate::email("newEmail", e)?;
    }
    let session = state.current().await?;
    let store = desk.store(&session).await?;
    if !req.confirm_duplicate {
        let sends = store.sends_for_attendee(gid)?;
        if let Some(r) = recent(&store, gid, &sends, tid, Utc::now())? {
            return Err(Error::invalid(
                "confirmDuplicate",
                format!(
                    "this template was already sent to this attendee {} minute(s) ago ({}); confirm to send it again",
                    r.minutes_ago, r.status
                ),
            ));
        }
    }
    let mut to = session.guest(gid).await?.email;
    if let Some(e) = new_email {
        let mut g = session.client.guest_get(gid).await?;
        if g.email.trim() != e {
            g.email = e;
            let saved = session.client.guest_update(&g).await?;
            session.put_cached_guest(&saved).await;
            to = saved.email;
        } else {
            to = g.email;
        }
    }
    let correlation_id = format!("desk-resend-{}", Uuid::new_v4());
    let send = SendRequest {
        attendee_id: gid,
        template_id: tid,
        correlation_id: Some(correlation_id.clone()),
    };
    let raw = send_logged(&session.client, &store, &session.info.profile, &send).await?;
    let answer: SendResponse = serde_json::from_value(raw).map_err(|e| Error::Malformed {
        endpoint: qflow_core::ops::send::ENDPOINT.into(),
        message: e.to_string(),
    })?;
    Ok(ResendResult {
        status: answer.status,
        attendee_invitation_id: answer.attendee_invitation_id.to_string(),
        correlation_id,
        to,
    })
}

pub fn email_check(req: EmailCheckRequest) -> EmailCheck {
    let e = req.email.trim();
    EmailCheck {
        problem: validate::email("email", e).err().map(|err| match err {
            Error::Invalid { reason, .. } => reason,
            other => other.body().message,
        }),
        suggestion: validate::email_typo(e),
    }
}

/// Create the attendee with the form's id; with a template, in the same call (atomic). Bad
/// input and an unconfirmed typo are refused before anything is sent.
pub async fn guest_add(
    state: &AppState,
    desk: &DeskState,
    req: GuestAddRequest,
) -> Result<GuestAdded> {
    let gid = id("id", &req.id)?;
    let event_id = id("eventId", &req.event_id)?;
    let template = match req.template_id.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(t) => Some(id("templateId", t)?),
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
    let session = state.current().await?;
    let store = desk.store(&session).await?;
    let created =
        rules::create_guest_logged(&session.client, &store, &session.info.profile, &create).await?;
    session.put_cached_guest(&created).await;
    Ok(GuestAdded {
        guest: detail(&created),
        sent: template.is_some(),
        correlation_id,
    })
}

/// Each attendee's current state from the local store, one query for the whole page (no
/// request to Qflow).
pub async fn send_statuses(
    state: &AppState,
    desk: &DeskState,
    req: SendStatusesRequest,
) -> Result<Vec<GuestSendStatus>> {
    if req.guest_ids.len() > MAX_STATUS_IDS {
        return Err(Error::invalid(
            "guestIds",
            format!("at most {MAX_STATUS_IDS} per call"),
        ));
    }
    let ids = req
        .guest_ids
        .iter()
        .map(|v| id("guestIds", v))
        .collect::<Result<Vec<_>>>()?;
    let session = state.current().await?;
    let store = desk.store(&session).await?;
    let wanted = ids.clone();
    let mut states = tokio::task::spawn_blocking(move || store.delivery_states(&wanted))
        .await
        .map_err(|e| Error::Storage(e.to_string()))??;
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

// ---------------------------------------------------------------- commands

/// Thin `#[tauri::command]` wrappers (same names as the handlers).
pub mod commands {
    use super::*;

    use crate::app::commands::{reply, Reply};

    #[tauri::command]
    pub async fn guest_detail(
        state: State<'_, AppState>,
        req: GuestIdRequest,
    ) -> Reply<GuestDetail> {
        reply("guest_detail", super::guest_detail(&state, req).await)
    }

    #[tauri::command]
    pub async fn guest_save(state: State<'_, AppState>, req: GuestEdit) -> Reply<GuestDetail> {
        reply("guest_save", super::guest_save(&state, req).await)
    }

    #[tauri::command]
    pub async fn guest_check_in(
        state: State<'_, AppState>,
        req: CheckInRequest,
    ) -> Reply<GuestDetail> {
        reply("guest_check_in", super::guest_check_in(&state, req).await)
    }

    #[tauri::command]
    pub async fn guest_delete(state: State<'_, AppState>, req: GuestIdRequest) -> Reply<()> {
        reply("guest_delete", super::guest_delete(&state, req).await)
    }

    #[tauri::command]
    pub async fn guest_history(
        state: State<'_, AppState>,
        desk: State<'_, DeskState>,
        req: GuestIdRequest,
    ) -> Reply<Vec<HistoryItem>> {
        reply(
            "guest_history",
            super::guest_history(&state, &desk, req).await,
        )
    }

    #[tauri::command]
    pub async fn resend_options(
        state: State<'_, AppState>,
        desk: State<'_, DeskState>,
        req: GuestIdRequest,
    ) -> Reply<ResendOptions> {
        reply(
            "resend_options",
            super::resend_options(&state, &desk, req).await,
        )
    }

    #[tauri::command]
    pub async fn resend_preview(
        state: State<'_, AppState>,
        desk: State<'_, DeskState>,
        req: ResendPreviewRequest,
    ) -> Reply<ResendPreview> {
        reply(
            "resend_preview",
            super::resend_preview(&state, &desk, req).await,
        )
    }

    #[tauri::command]
    pub async fn resend(
        state: State<'_, AppState>,
        desk: State<'_, DeskState>,
        req: ResendRequest,
    ) -> Reply<ResendResult> {
        reply("resend", super::resend(&state, &desk, req).await)
    }

    #[tauri::command]
    pub async fn email_check(req: EmailCheckRequest) -> Reply<EmailCheck> {
        Ok(super::email_check(req))
    }

    #[tauri::command]
    pub async fn guest_add(
        state: State<'_, AppState>,
        desk: State<'_, DeskState>,
        req: GuestAddRequest,
    ) -> Reply<GuestAdded> {
        reply("guest_add", super::guest_add(&state, &desk, req).await)
    }

    #[tauri::command]
    pub async fn event_templates(
        state: State<'_, AppState>,
        desk: State<'_, DeskState>,
        req: EventIdRequest,
    ) -> Reply<Vec<TemplateOption>> {
        reply(
            "event_templates",
            super::event_templates(&state, &desk, req).await,
        )
    }

    #[tauri::command]
    pub async fn send_statuses(
        state: State<'_, AppState>,
        desk: State<'_, DeskState>,
        req: SendStatusesRequest,
    ) -> Reply<Vec<GuestSendStatus>> {
        reply(
            "send_statuses",
            super::send_statuses(&state, &desk, req).await,
        )
    }
}

#[cfg(test)]
mod tests;
