//! The desk's request and response types (exported to `ui/src/bindings/`), and the CLI's
//! partial attendee update.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Any desk command about one attendee.
#[derive(Deserialize, Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct GuestIdRequest {
    pub guest_id: String,
}

/// A field this version does not know, shown read-only and sent back untouched on save.
#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct ExtraField {
    pub name: String,
    /// The JSON value as text (strings without quotes).
    pub value: String,
}

/// Everything the panel shows of an attendee, as Qflow has it now.
#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
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
#[ts(export, export_to = "../../../ui/src/bindings/")]
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
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct CheckInRequest {
    pub guest_id: String,
    /// true = check in, false = check out.
    pub checked_in: bool,
}

/// One send in the attendee's history: made from this app (`send`), or known only from Qflow's
/// events (`webhook`: sent elsewhere), with what Qflow reported about it.
#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
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
    /// A send whose outcome was unknown, settled by Qflow's first delivery event about it (its
    /// correlation id or invitation id): Qflow took it. Null while still unknown.
    pub settled: Option<SettledBy>,
}

/// The event that settled an unknown outcome.
#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct SettledBy {
    /// The event type without `comms.` (`sent`, `delivered`, `bounced`, `dropped`…).
    pub event: String,
    /// UTC, RFC 3339.
    pub at: String,
    /// Qflow reported it on its way to the recipient (`sent`, `delivered`, `opened`…), not
    /// `dropped` or `failed` (taken, but not delivered).
    pub sent: bool,
}

/// A webhook event about one send.
#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
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
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct TemplateOption {
    pub id: String,
    pub name: String,
    pub subject: Option<String>,
}

/// `resend_options`: the event's templates and which one to offer first.
#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct ResendOptions {
    pub templates: Vec<TemplateOption>,
    /// Last sent to this attendee from this app, else the event's most recent template.
    pub default_template_id: Option<String>,
    /// Why that one: `last_sent` or `newest`.
    pub default_reason: Option<String>,
}

#[derive(Deserialize, Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
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
#[ts(export, export_to = "../../../ui/src/bindings/")]
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
#[ts(export, export_to = "../../../ui/src/bindings/")]
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
    /// Tokens this attendee would get literally (the pre-flight's token checks).
    pub preflight: Option<crate::preflight::SendWarning>,
}

#[derive(Deserialize, Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct ResendRequest {
    pub guest_id: String,
    pub template_id: String,
    /// Save this address on the attendee first (PUT), then send.
    #[serde(default)]
    #[ts(optional)]
    pub new_email: Option<String>,
    /// The person confirmed a resend of the same template within 10 minutes (the CLI's
    /// `--force`).
    #[serde(default)]
    pub confirm_duplicate: bool,
    /// The reference echoed in Qflow's webhooks; generated (`resend-<uuid>`) when absent.
    #[serde(default)]
    #[ts(optional)]
    pub correlation_id: Option<String>,
}

#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct ResendResult {
    /// Qflow's answer: `queued`.
    pub status: String,
    pub attendee_invitation_id: String,
    pub correlation_id: String,
    pub to: String,
}

#[derive(Deserialize, Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct EmailCheckRequest {
    pub email: String,
}

#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
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
#[ts(export, export_to = "../../../ui/src/bindings/")]
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
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct GuestAdded {
    pub guest: GuestDetail,
    /// A template was sent with the create.
    pub sent: bool,
    pub correlation_id: Option<String>,
}

/// `event_templates`: the templates the add form can send.
#[derive(Deserialize, Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct EventIdRequest {
    pub event_id: String,
}

#[derive(Deserialize, Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct SendStatusesRequest {
    pub guest_ids: Vec<String>,
}

/// An attendee's current state for the table column: their latest send's latest delivery
/// event, else that send's result.
#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
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

/// A partial attendee update: `None` keeps the field as Qflow has it. The panel's save gives
/// every field ([`GuestEdit`]); the CLI's `guest update` only those on the command line. Text
/// fields are trimmed; an empty optional field (`otherNames`, `tags`, `additionalInfo`,
/// `plusOnes`) becomes none, which the PUT leaves out (as the panel always has).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct GuestChanges {
    pub id: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub other_names: Option<String>,
    pub email: Option<String>,
    pub tags: Option<String>,
    pub additional_info: Option<String>,
    /// A whole number, or empty for none.
    pub plus_ones: Option<String>,
}

impl GuestChanges {
    /// Nothing to change.
    pub fn is_empty(&self) -> bool {
        let GuestChanges {
            id: _,
            first_name,
            last_name,
            other_names,
            email,
            tags,
            additional_info,
            plus_ones,
        } = self;
        [
            first_name,
            last_name,
            other_names,
            email,
            tags,
            additional_info,
            plus_ones,
        ]
        .iter()
        .all(|f| f.is_none())
    }
}

impl From<GuestEdit> for GuestChanges {
    fn from(e: GuestEdit) -> Self {
        GuestChanges {
            id: e.id,
            first_name: Some(e.first_name),
            last_name: Some(e.last_name),
            other_names: Some(e.other_names),
            email: Some(e.email),
            tags: Some(e.tags),
            additional_info: Some(e.additional_info),
            plus_ones: Some(e.plus_ones),
        }
    }
}
