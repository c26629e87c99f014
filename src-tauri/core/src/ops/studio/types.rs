//! The studio's IPC types: what the window sends and gets back (exported to `ui/src/bindings/`).
//! Every request names ids as strings; the operations parse them with `validate::guid`.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use crate::merge::lint::Severity;
use crate::merge::{TemplateField, TokenInfo};
use crate::models::Template;
use crate::store::TemplateVersion;

/// What the editor shows: every field as plain text (empty = not set) and the checkbox.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct TemplateEdit {
    pub name: String,
    pub subject: String,
    pub html: String,
    pub from_address: String,
    pub from_name: String,
    pub reply_to: String,
    pub attach_pdf: bool,
    pub email_body: String,
}

/// What a pasted template is: the body alone (`.html`) or a whole template (`.json`).
#[derive(Serialize, Clone, Copy, Debug, PartialEq, Eq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub enum ImportKind {
    Html,
    Json,
}

/// A pasted template read into editor fields. For `Html` only `edit.html` is meaningful.
#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct TemplateImport {
    pub kind: ImportKind,
    pub edit: TemplateEdit,
    /// Keys of the JSON that were not taken (read-only or unknown), and the id that was dropped.
    pub notes: Vec<String>,
}

/// A template file read from disk (the import dialog): where from, and what it holds.
#[derive(Serialize, Clone, Debug, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct TemplateFileRead {
    pub path: String,
    pub import: TemplateImport,
}

/// Built-in preview attendees for the cases that break templates.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub enum EdgeCase {
    LongestName,
    NonAscii,
    EmptyOptional,
    ZeroPlusOnes,
    SeveralTags,
    HtmlLooking,
}

#[derive(Serialize, Clone, Debug, PartialEq, Eq, TS)]
#[serde(rename_all = "camelCase")]
pub struct EdgeCaseInfo {
    // Inlined: app types embedding this one then need no cross-crate import.
    #[ts(inline)]
    pub kind: EdgeCase,
    pub label: String,
}

/// One merge token with its description and the value for the preview attendee (plain text,
/// `None` = left literal: no data).
#[derive(Serialize, Clone, Debug, PartialEq, Eq, TS)]
#[serde(rename_all = "camelCase")]
pub struct TokenValue {
    pub name: String,
    pub description: String,
    pub value: Option<String>,
}

/// One test attendee, as listed before removing (the confirmation names them).
#[derive(Serialize, Clone, Debug, PartialEq, Eq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct TestAttendee {
    pub id: String,
    pub name: String,
    pub email: String,
}

/// One attendee that could not be removed, and why.
#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
pub struct RemoveFailure {
    #[ts(inline)]
    pub attendee: TestAttendee,
    pub error: crate::ErrorBody,
}

/// What "remove test attendees" did.
#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct TestAttendeesRemoved {
    #[ts(inline)]
    pub removed: Vec<TestAttendee>,
    #[ts(inline)]
    pub failed: Vec<RemoveFailure>,
    /// Confirmed ids that are no longer tagged test attendees of the event (left alone).
    pub skipped: u32,
}

/// A keystroke's change to the preview document that the frame can apply in place: the
/// `child`-th child node of the `index`-th `<tag>` element (document order) is a text node
/// reading `old`, to become `new` (both decoded as the HTML parser would). The frame checks
/// `old` before applying and reloads the whole document when it does not match.
#[derive(Serialize, Clone, Debug, PartialEq, Eq, TS)]
#[serde(rename_all = "camelCase")]
pub struct TextNodeEdit {
    pub tag: String,
    pub index: u32,
    pub child: u32,
    pub old: String,
    pub new: String,
}

/// A keystroke's change to markup that the frame can apply in place: the content of the
/// `index`-th `<tag>` element (document order), which has `children` child nodes, becomes
/// `html` (parsed in that element's context, `innerHTML`). The frame checks the child count
/// before applying and reloads the whole document when it does not match.
#[derive(Serialize, Clone, Debug, PartialEq, Eq, TS)]
#[serde(rename_all = "camelCase")]
pub struct ElementEdit {
    pub tag: String,
    pub index: u32,
    pub children: u32,
    pub html: String,
}

#[derive(Deserialize, Clone, Debug, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct TemplatesListRequest {
    pub event_id: String,
}

#[derive(Deserialize, Clone, Debug, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct TemplateIdRequest {
    pub template_id: String,
}

/// What the editor needs once: the token table, the built-in preview attendees and the
/// account's verified sending domain (None = none verified).
#[derive(Serialize, Clone, Debug, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct StudioSetup {
    #[ts(inline)]
    pub tokens: Vec<TokenInfo>,
    #[ts(inline)]
    pub edge_cases: Vec<EdgeCaseInfo>,
    pub verified_domain: Option<String>,
}

#[derive(Deserialize, Clone, Debug, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct PreviewRequest {
    pub event_id: String,
    #[ts(inline)]
    pub fields: TemplateEdit,
    /// A real attendee of the event; else `edge_case`; else a plain sample attendee.
    #[ts(optional)]
    pub guest_id: Option<String>,
    #[ts(optional, inline)]
    pub edge_case: Option<EdgeCase>,
    #[serde(default)]
    pub allow_remote_images: bool,
    #[serde(default)]
    pub dark: super::dark::DarkEmulation,
    /// The editor session (one per open editor). With it, Rust keeps the last html and output,
    /// so a keystroke sends and receives only the changed range (`htmlPatch`, patches back).
    #[ts(optional)]
    pub session: Option<String>,
    /// Applied to the session's html instead of sending all of `fields.html` (then empty).
    #[ts(optional)]
    pub html_patch: Option<TextPatch>,
    /// false = skip the lint (the keystroke path; the editor lints when typing pauses). Default true.
    #[ts(optional)]
    pub lint: Option<bool>,
}

/// Replace UTF-16 range `from..to` of a string with `insert` (JS string offsets).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct TextPatch {
    pub from: u32,
    pub to: u32,
    pub insert: String,
}

/// A lint finding placed for the editor: `from`/`to` are UTF-16 offsets into `field`.
#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct EditorIssue {
    pub rule: String,
    #[ts(inline)]
    pub severity: Severity,
    #[ts(inline)]
    pub field: TemplateField,
    pub message: String,
    pub from: Option<u32>,
    pub to: Option<u32>,
    pub line: Option<u32>,
    pub suggestion: Option<String>,
}

/// The preview for one attendee, rendered by the core merge engine.
#[derive(Serialize, Clone, Debug, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct PreviewResult {
    pub subject: String,
    /// The rendered `html` (what the E2E and tests assert on).
    pub html: String,
    /// Courier mode: the email body (emailBody or the guide's fallback). Null = html.
    pub email_body: Option<String>,
    /// `srcdoc` for the email body frame (CSP meta + the body).
    pub document: String,
    /// `srcdoc` for the PDF tab (attachPdf on), html in an A4 page.
    pub pdf_document: Option<String>,
    pub preheader: String,
    pub from_name: String,
    pub from_address: String,
    pub issues: Vec<EditorIssue>,
    /// Known tokens without a value for this attendee (left literal).
    pub no_data: Vec<String>,
    #[ts(inline)]
    pub token_values: Vec<TokenValue>,
    pub remote_images: u32,
    /// Who the preview is for, e.g. "Ana Souza <ana@…>" or "Edge case: Longest name".
    pub recipient: String,
    /// Merge time in microseconds (the benchmark's merge share).
    pub merge_micros: u32,
    /// Lint time, and the whole command's time in Rust (the benchmark's stages).
    pub lint_micros: u32,
    pub server_micros: u32,
    /// false: lint was skipped (`lint: false`), `issues` is empty and the previous ones stand.
    pub linted: bool,
    /// With a session: `document` / `html` are empty and these patch the previous reply's.
    #[ts(optional)]
    pub document_patch: Option<TextPatch>,
    #[ts(optional)]
    pub html_patch: Option<TextPatch>,
    /// With `documentPatch`, when the change is inside one text node: the frame applies it in
    /// place (no reparse of the document) after checking `old`.
    #[ts(optional, inline)]
    pub text_edit: Option<TextNodeEdit>,
    /// With `documentPatch`, when the change is to markup inside one element (and not a text
    /// edit): the frame re-parses just that element's content in place.
    #[ts(optional, inline)]
    pub element_edit: Option<ElementEdit>,
}

#[derive(Deserialize, Clone, Debug, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct TemplateSaveRequest {
    pub event_id: String,
    /// The id the template has or will have (client-generated on create).
    pub template_id: String,
    /// The template as loaded into the editor; null = create.
    #[ts(optional, type = "Record<string, unknown> | null")]
    pub original: Option<Value>,
    #[ts(inline)]
    pub fields: TemplateEdit,
}

#[derive(Serialize, Clone, Debug, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct TemplateSaved {
    #[ts(inline)]
    pub template: Template,
    /// The exact JSON body sent (partial-update rules applied).
    #[ts(type = "Record<string, unknown>")]
    pub sent: Value,
    #[ts(inline)]
    pub version: TemplateVersion,
}

#[derive(Deserialize, Clone, Debug, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct DraftSaveRequest {
    pub template_id: String,
    pub event_id: String,
    #[ts(optional, type = "Record<string, unknown> | null")]
    pub original: Option<Value>,
    #[ts(inline)]
    pub fields: TemplateEdit,
}

/// "Send a test": to an attendee of the event (`guestId`), or to the user through a test
/// attendee this app creates (`testGuestId`, client-generated, + `testEmail`), tagged
/// `qflow-console-test` so it is easy to find and remove. The template must be saved.
#[derive(Deserialize, Clone, Debug, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct TestSendRequest {
    pub event_id: String,
    pub template_id: String,
    #[ts(optional)]
    pub guest_id: Option<String>,
    #[ts(optional)]
    pub test_guest_id: Option<String>,
    #[ts(optional)]
    pub test_email: Option<String>,
    /// Send to the address as typed even though it looks like a typo.
    #[serde(default)]
    pub keep_email: bool,
}

#[derive(Serialize, Clone, Debug, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct TestSendResult {
    pub status: String,
    pub attendee_invitation_id: String,
    pub correlation_id: String,
    /// "Name <email>" of the recipient.
    pub to: String,
    /// The test attendee used (created on first use), to find and remove later.
    pub test_guest_id: Option<String>,
}

#[derive(Deserialize, Clone, Debug, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct TemplateImportRequest {
    pub event_id: String,
    pub text: String,
}

#[derive(Deserialize, Clone, Debug, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct TemplateExportRequest {
    pub event_id: String,
    pub template_id: String,
    #[ts(inline)]
    pub fields: TemplateEdit,
}

#[derive(Deserialize, Clone, Copy, Debug, PartialEq, Eq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub enum ExportFormat {
    Html,
    Json,
}

#[derive(Deserialize, Clone, Debug, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct TemplateExportFileRequest {
    pub event_id: String,
    pub template_id: String,
    #[ts(inline)]
    pub fields: TemplateEdit,
    pub format: ExportFormat,
}

/// Where an export or import went (None from the command = the user cancelled the dialog).
#[derive(Serialize, Clone, Debug, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct TemplateFileWritten {
    pub path: String,
    pub bytes: u32,
}

#[derive(Deserialize, Clone, Debug, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct TestAttendeesRemoveRequest {
    pub event_id: String,
    /// The ids the user confirmed (as listed by `test_attendees_find`).
    pub ids: Vec<String>,
}

/// `studio_preflight`: the editor's current fields (`fields`), or a saved template
/// (`templateId`), merged against every attendee of `eventId`.
#[derive(Deserialize, Clone, Debug, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct PreflightRequest {
    pub event_id: String,
    #[serde(default)]
    pub template_id: Option<String>,
    #[serde(default)]
    pub fields: Option<TemplateEdit>,
    /// Longest first/last/full name in characters before a finding (default 40).
    #[serde(default)]
    pub name_limit: Option<u32>,
    /// Attendees named per finding (default 50); the total is always given.
    #[serde(default)]
    pub attendee_cap: Option<u32>,
}
