//! The template studio's commands: list/get templates, merge tokens, the live preview (the core
//! merge engine, the same one the CLI and the send path use), lint with editor offsets, save
//! with the guide's partial-update rules, local drafts and saved versions.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use qflow_core::errors::ApiError;
use qflow_core::merge::lint::{lint, rules, LintIssue, Severity};
use qflow_core::merge::{render_template, tokens, MergeContext, TemplateField, TokenInfo};
use qflow_core::models::{Event, Guest, GuestCreate, SendRequest, SendResponse, Template};
use qflow_core::ops::qr::qr_svg_data_url;
use qflow_core::ops::send::send_logged;
use qflow_core::ops::studio::{
    cached_test_attendees, changed_span, export_json, import_template, preheader, preview_document,
    remote_image_count, remove_test_attendees, text_node_edit, token_values, upsert_payload,
    utf16_offset, EdgeCase, EdgeCaseInfo, TemplateEdit, TemplateImport, TestAttendee,
    TestAttendeesRemoved, TextNodeEdit, TokenValue, EDGE_CASES,
};
use qflow_core::store::{Draft, Store, TemplateVersion};
use qflow_core::validate;
use qflow_core::{Error, Result};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use tauri::State;
use tokio::sync::Mutex;
use ts_rs::TS;
use uuid::Uuid;

use super::handlers::AppState;

/// How long a fetched domain state is trusted for linting (saving always re-reads it).
const DOMAIN_TTL: Duration = Duration::from_secs(60);
/// Characters of visible text shown as the inbox preheader.
const PREHEADER_CHARS: usize = 110;

/// Studio state next to `AppState`: the local store (drafts, versions) and small caches.
#[derive(Default)]
pub struct StudioState {
    events: Mutex<HashMap<Uuid, Event>>,
    /// (fetched at, verified sending domain or None).
    domain: Mutex<Option<(Instant, Option<String>)>>,
    qr: Mutex<Option<(String, String)>>,
    /// Open editors' preview sessions (see `PreviewRequest::session`).
    sessions: Mutex<HashMap<String, PreviewSession>>,
}

/// What Rust and the editor both hold for one open editor: the template html and the last
/// preview output, so each side sends only what changed.
#[derive(Default)]
struct PreviewSession {
    html: String,
    document: String,
    mirror: String,
}

/// Open editors kept at most (an editor that was closed is dropped first, by age).
const MAX_SESSIONS: usize = 8;

impl StudioState {
    /// Drafts and versions live in the signed-in session's local store (the demo's is private).
    async fn store(&self, app: &AppState) -> Result<Arc<Store>> {
        app.current().await?.local_store().await
    }

    async fn event(&self, app: &AppState, id: Uuid) -> Result<Event> {
        if let Some(e) = self.events.lock().await.get(&id) {
            return Ok(e.clone());
        }
        let e = app.current().await?.client.event_get(id).await?;
        self.events.lock().await.insert(id, e.clone());
        Ok(e)
    }

    /// The account's verified sending domain, re-read when `fresh` or older than the TTL.
    async fn verified_domain(&self, app: &AppState, fresh: bool) -> Result<Option<String>> {
        if !fresh {
            if let Some((at, d)) = self.domain.lock().await.as_ref() {
                if at.elapsed() < DOMAIN_TTL {
                    return Ok(d.clone());
                }
            }
        }
        let d = match app.current().await?.client.domain_get().await {
            Ok(d) => d.verified.then_some(d.domain),
            Err(Error::Api(e)) if e.status == 404 => None,
            Err(e) => return Err(e),
        };
        *self.domain.lock().await = Some((Instant::now(), d.clone()));
        Ok(d)
    }

    async fn cached_domain(&self) -> Option<Option<String>> {
        self.domain.lock().await.as_ref().map(|(_, d)| d.clone())
    }

    async fn qr_url(&self, barcode: &str) -> String {
        let mut q = self.qr.lock().await;
        if let Some((b, url)) = q.as_ref() {
            if b == barcode {
                return url.clone();
            }
        }
        let url = qr_svg_data_url(barcode);
        *q = Some((barcode.to_owned(), url.clone()));
        url
    }
}

// ---- IPC types ----

#[derive(Deserialize, Clone, Debug, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../ui/src/bindings/")]
pub struct TemplatesListRequest {
    pub event_id: String,
}

#[derive(Deserialize, Clone, Debug, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../ui/src/bindings/")]
pub struct TemplateIdRequest {
    pub template_id: String,
}

/// What the editor needs once: the token table, the built-in preview attendees and the
/// account's verified sending domain (None = none verified).
#[derive(Serialize, Clone, Debug, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../ui/src/bindings/")]
pub struct StudioSetup {
    #[ts(inline)]
    pub tokens: Vec<TokenInfo>,
    #[ts(inline)]
    pub edge_cases: Vec<EdgeCaseInfo>,
    pub verified_domain: Option<String>,
}

#[derive(Deserialize, Clone, Debug, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../ui/src/bindings/")]
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
    pub dark: bool,
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
#[ts(export, export_to = "../ui/src/bindings/")]
pub struct TextPatch {
    pub from: u32,
    pub to: u32,
    pub insert: String,
}

/// A lint finding placed for the editor: `from`/`to` are UTF-16 offsets into `field`.
#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../ui/src/bindings/")]
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
#[ts(export, export_to = "../ui/src/bindings/")]
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
}

#[derive(Deserialize, Clone, Debug, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../ui/src/bindings/")]
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
#[ts(export, export_to = "../ui/src/bindings/")]
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
#[ts(export, export_to = "../ui/src/bindings/")]
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
#[ts(export, export_to = "../ui/src/bindings/")]
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
#[ts(export, export_to = "../ui/src/bindings/")]
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
#[ts(export, export_to = "../ui/src/bindings/")]
pub struct TemplateImportRequest {
    pub event_id: String,
    pub text: String,
}

#[derive(Deserialize, Clone, Debug, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../ui/src/bindings/")]
pub struct TemplateExportRequest {
    pub event_id: String,
    pub template_id: String,
    #[ts(inline)]
    pub fields: TemplateEdit,
}

#[derive(Deserialize, Clone, Copy, Debug, PartialEq, Eq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../ui/src/bindings/")]
pub enum ExportFormat {
    Html,
    Json,
}

#[derive(Deserialize, Clone, Debug, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../ui/src/bindings/")]
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
#[ts(export, export_to = "../ui/src/bindings/")]
pub struct TemplateFileWritten {
    pub path: String,
    pub bytes: u32,
}

// In core: app types that embed core types get broken ts-rs import paths.
pub use qflow_core::ops::studio::TemplateFileRead;

#[derive(Deserialize, Clone, Debug, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../ui/src/bindings/")]
pub struct TestAttendeesRemoveRequest {
    pub event_id: String,
    /// The ids the user confirmed (as listed by `test_attendees_find`).
    pub ids: Vec<String>,
}

// ---- handlers ----

fn parse_id(field: &str, v: &str) -> Result<Uuid> {
    Uuid::parse_str(v.trim())
        .map_err(|_| Error::invalid(field, format!("'{v}' is not a valid GUID")))
}

pub async fn templates_list(app: &AppState, req: TemplatesListRequest) -> Result<Vec<Template>> {
    let id = parse_id("eventId", &req.event_id)?;
    let mut list = app.current().await?.client.templates_list(id).await?;
    list.sort_by_cached_key(|t| t.name.to_lowercase());
    Ok(list)
}

pub async fn template_get(app: &AppState, req: TemplateIdRequest) -> Result<Template> {
    let id = parse_id("templateId", &req.template_id)?;
    app.current().await?.client.template_get(id).await
}

pub async fn studio_setup(app: &AppState, st: &StudioState) -> Result<StudioSetup> {
    // A domain we cannot read must not block editing: lint then skips the fromAddress rule.
    let verified_domain = st.verified_domain(app, false).await.unwrap_or_default();
    Ok(StudioSetup {
        tokens: tokens().to_vec(),
        edge_cases: EDGE_CASES
            .iter()
            .map(|&kind| EdgeCaseInfo {
                kind,
                label: kind.label().to_owned(),
            })
            .collect(),
        verified_domain,
    })
}

pub async fn template_preview(
    app: &AppState,
    st: &StudioState,
    req: PreviewRequest,
) -> Result<PreviewResult> {
    let command_started = Instant::now();
    let mut req = req;
    // The session is taken out while in use: a concurrent request for it starts over in full.
    let mut session = match req.session.as_deref() {
        Some(id) => st.sessions.lock().await.remove(id),
        None => None,
    };
    let patched = req.html_patch.is_some();
    if let Some(patch) = req.html_patch.take() {
        let s = session.as_ref().ok_or_else(session_lost)?;
        req.fields.html = apply_patch(&s.html, &patch).ok_or_else(session_lost)?;
    }
    let event_id = parse_id("eventId", &req.event_id)?;
    let event = st.event(app, event_id).await?;
    let (guest, recipient) = match (req.guest_id.as_deref(), req.edge_case) {
        (Some(gid), _) if !gid.trim().is_empty() => {
            let gid = parse_id("guestId", gid)?;
            let list = app.current().await?.guests(event_id, false, false).await?;
            let g = list.find(gid).map(|g| g.to_guest()).ok_or_else(|| {
                Error::invalid(
                    "guestId",
                    "is not an attendee of this event (reload the list)",
                )
            })?;
            let who = format!("{} {} <{}>", g.first_name, g.last_name, g.email);
            (g, who)
        }
        (_, Some(kind)) => (kind.guest(event_id), format!("Edge case: {}", kind.label())),
        _ => (
            EdgeCase::ZeroPlusOnes.guest(event_id),
            "Sample attendee".to_owned(),
        ),
    };
    let mut ctx = MergeContext::new(guest, event);
    if let Some(b) = ctx.guest.barcode.clone().filter(|b| !b.is_empty()) {
        ctx.barcode_qr_url = Some(st.qr_url(&b).await);
    }
    let fields = req.fields.fields();
    let started = Instant::now();
    let rendered = render_template(&fields, &ctx);
    let merge_micros = u32::try_from(started.elapsed().as_micros()).unwrap_or(u32::MAX);

    // fromAddress is linted only once we know the domain state.
    let domain = st.cached_domain().await;
    let mut lint_fields = fields;
    if domain.is_none() {
        lint_fields.from_address = None;
    }
    let lint_started = Instant::now();
    let linted = req.lint.unwrap_or(true);
    let issues = if linted {
        lint(&lint_fields, domain.flatten().as_deref())
            .into_iter()
            .map(|i| editor_issue(&req.fields, i))
            .collect()
    } else {
        Vec::new()
    };
    let lint_micros = micros(lint_started);
    let no_data = rendered
        .unknown_tokens
        .iter()
        .filter(|u| u.reason == qflow_core::merge::UnknownReason::NoData)
        .map(|u| u.token.clone())
        .fold(Vec::new(), |mut v, t| {
            if !v.contains(&t) {
                v.push(t);
            }
            v
        });
    let body = rendered.sent_body();
    let values = token_values(&ctx);
    let pdf_document = rendered.pdf_html.as_deref().map(|h| {
        preview_document(
            &format!("<style>body{{background:#888;margin:0;padding:16px}}.qf-a4{{background:#fff;width:210mm;min-height:297mm;margin:0 auto;padding:15mm;box-sizing:border-box;box-shadow:0 2px 8px rgba(0,0,0,.4)}}</style><div class=\"qf-a4\">{h}</div>"),
            req.allow_remote_images,
            false,
        )
    });
    let mut out = PreviewResult {
        document: preview_document(body, req.allow_remote_images, req.dark),
        pdf_document,
        preheader: preheader(body, PREHEADER_CHARS),
        from_name: non_empty(&req.fields.from_name)
            .unwrap_or("Qflow")
            .to_owned(),
        from_address: non_empty(req.fields.from_address.trim())
            .unwrap_or("support@qflow.email")
            .to_owned(),
        remote_images: remote_images(&req.fields, &rendered, &values),
        subject: rendered.subject,
        email_body: rendered.email_body,
        html: rendered.html,
        issues,
        no_data,
        token_values: values,
        recipient,
        merge_micros,
        lint_micros,
        server_micros: 0,
        linted,
        document_patch: None,
        html_patch: None,
        text_edit: None,
    };
    if let Some(id) = req.session {
        let prev = session.take().unwrap_or_default();
        let mirror = out.email_body.clone().unwrap_or_else(|| out.html.clone());
        let document = std::mem::take(&mut out.document);
        // Patches only answer patches: a request with the full html gets full output back.
        if !patched || prev.document.is_empty() {
            out.document = document.clone();
        } else {
            out.document_patch = Some(diff_patch(&prev.document, &document));
            out.text_edit = text_node_edit(&prev.document, &document);
            out.html_patch = Some(diff_patch(&prev.mirror, &mirror));
            out.html = String::new();
        }
        let mut sessions = st.sessions.lock().await;
        if sessions.len() >= MAX_SESSIONS {
            sessions.clear();
        }
        sessions.insert(
            id,
            PreviewSession {
                html: req.fields.html,
                document,
                mirror,
            },
        );
    }
    out.server_micros = micros(command_started);
    Ok(out)
}

/// Remote images in the rendered output. Counted on the template (~15x smaller than a preview
/// full of inline QR codes) when no token value could form a URL (no "//", no "http"), since
/// then the rendered URLs are exactly the template's; otherwise on the rendered output.
fn remote_images(
    edit: &TemplateEdit,
    rendered: &qflow_core::merge::Rendered,
    values: &[TokenValue],
) -> u32 {
    let urlish = values.iter().filter_map(|t| t.value.as_deref()).any(|v| {
        !v.starts_with("data:") && (v.contains("//") || v.to_ascii_lowercase().contains("http"))
    });
    if urlish {
        remote_image_count(&rendered.html)
            + rendered.email_body.as_deref().map_or(0, remote_image_count)
    } else {
        remote_image_count(&edit.html)
            + if rendered.email_body.is_some() {
                remote_image_count(&edit.email_body)
            } else {
                0
            }
    }
}

fn session_lost() -> Error {
    Error::invalid(
        "htmlPatch",
        "the preview session is gone or out of step: send the full html",
    )
}

/// Byte offset of UTF-16 offset `units` in `s` (None when it is past the end or splits a char).
fn utf16_to_byte(s: &str, units: usize) -> Option<usize> {
    // Fast path: ASCII (std's check is optimized even in debug builds).
    if s.is_ascii() {
        return (units <= s.len()).then_some(units);
    }
    let mut seen = 0;
    for (b, c) in s.char_indices() {
        if seen == units {
            return Some(b);
        }
        if seen > units {
            return None;
        }
        seen += c.len_utf16();
    }
    (seen == units).then_some(s.len())
}

/// UTF-16 length of a 1.5 MB preview per keystroke: `chars().count()` is std's optimized
/// counter (fast in debug builds too, unlike `encode_utf16`); characters outside the BMP
/// (lead bytes F0-F4) count twice.
fn utf16_len(s: &str) -> usize {
    let chars = s.chars().count();
    let astral = (0xF0u8..=0xF4).any(|b| s.as_bytes().contains(&b));
    if astral {
        chars + s.chars().filter(|c| c.len_utf16() == 2).count()
    } else {
        chars
    }
}

/// `patch` applied to `s`, or None when its range does not fit.
fn apply_patch(s: &str, patch: &TextPatch) -> Option<String> {
    let from = utf16_to_byte(s, patch.from as usize)?;
    let to = utf16_to_byte(s, patch.to as usize)?;
    if from > to {
        return None;
    }
    let mut out = String::with_capacity(s.len() - (to - from) + patch.insert.len());
    out.push_str(&s[..from]);
    out.push_str(&patch.insert);
    out.push_str(&s[to..]);
    Some(out)
}

/// The one replaced range turning `old` into `new` (common prefix and suffix kept).
fn diff_patch(old: &str, new: &str) -> TextPatch {
    let (pre, suf) = changed_span(old, new);
    let from = utf16_len(&old[..pre]);
    TextPatch {
        from: count(from),
        to: count(from + utf16_len(&old[pre..old.len() - suf])),
        insert: new[pre..new.len() - suf].to_owned(),
    }
}

fn micros(since: Instant) -> u32 {
    u32::try_from(since.elapsed().as_micros()).unwrap_or(u32::MAX)
}

fn non_empty(s: &str) -> Option<&str> {
    (!s.is_empty()).then_some(s)
}

/// Places an issue in its field's text (UTF-16) and spans the offending token or tag.
fn editor_issue(edit: &TemplateEdit, i: LintIssue) -> EditorIssue {
    let src = match i.field {
        TemplateField::Subject => edit.subject.as_str(),
        TemplateField::Html => edit.html.as_str(),
        TemplateField::EmailBody => edit.email_body.as_str(),
        TemplateField::FromAddress => edit.from_address.as_str(),
    };
    let (from, to) = match i.offset {
        Some(start) if start <= src.len() => {
            let rest = &src[start..];
            let len = if i.rule == rules::UNKNOWN_TOKEN || i.rule == rules::BARCODE_QR_OUTSIDE_IMG {
                rest.find("}}").map_or(rest.len(), |e| e + 2)
            } else if i.field == TemplateField::FromAddress {
                rest.len()
            } else {
                rest.find(|c: char| c == '>' || c.is_whitespace())
                    .map_or(rest.len(), |e| e.max(1))
            };
            let f = utf16_offset(src, start);
            let t = utf16_offset(src, start + len);
            (Some(count(f)), Some(count(t.max(f))))
        }
        _ => (None, None),
    };
    EditorIssue {
        rule: i.rule,
        severity: i.severity,
        field: i.field,
        message: i.message,
        from,
        to,
        line: i.line,
        suggestion: i.suggestion,
    }
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

pub async fn template_save(
    app: &AppState,
    st: &StudioState,
    req: TemplateSaveRequest,
) -> Result<TemplateSaved> {
    let event_id = parse_id("eventId", &req.event_id)?;
    let template_id = parse_id("templateId", &req.template_id)?;
    let original: Option<Template> = match req.original {
        Some(Value::Null) | None => None,
        Some(v) => {
            Some(serde_json::from_value(v).map_err(|e| Error::invalid("original", e.to_string()))?)
        }
    };
    let upsert = upsert_payload(original.as_ref(), &req.fields, event_id, template_id)?;
    // A new or changed fromAddress is checked against the domain as it is now, before sending.
    if let Some(addr) = upsert.from_address.as_deref().filter(|a| !a.is_empty()) {
        let verified = st.verified_domain(app, true).await?;
        if let Some(problem) = from_address_problem(addr, verified.as_deref()) {
            return Err(problem);
        }
    }
    let sent = serde_json::to_value(&upsert).map_err(|e| Error::Storage(e.to_string()))?;
    let template = app.current().await?.client.template_upsert(&upsert).await?;
    let store = st.store(app).await?;
    let json = serde_json::to_value(&template).map_err(|e| Error::Storage(e.to_string()))?;
    let version = store.template_version_save(template.id, &json)?;
    store.draft_delete(template.id)?;
    Ok(TemplateSaved {
        template,
        sent,
        version,
    })
}

/// The guide's 422 `fromaddress_domain_not_verified`, raised locally (nothing was sent) when
/// the address is not under the verified domain.
fn from_address_problem(addr: &str, verified: Option<&str>) -> Option<Error> {
    let fields = qflow_core::merge::TemplateFields {
        html: "<p></p>",
        from_address: Some(addr),
        ..Default::default()
    };
    let issue = lint(&fields, verified)
        .into_iter()
        .find(|i| i.rule == rules::FROM_ADDRESS_DOMAIN)?;
    let body = json!({
        "error": "fromaddress_domain_not_verified",
        "message": issue.message,
        "checkedLocally": true,
        "verifiedDomain": verified,
        "suggestion": issue.suggestion,
    });
    Some(Error::Api(ApiError::from_response(
        422,
        body.to_string().as_bytes(),
        "POST /api/comms/template (checked before sending)",
        None,
    )))
}

pub async fn draft_save(app: &AppState, st: &StudioState, req: DraftSaveRequest) -> Result<Draft> {
    let id = parse_id("templateId", &req.template_id)?;
    parse_id("eventId", &req.event_id)?;
    let json = json!({
        "eventId": req.event_id,
        "original": req.original,
        "fields": req.fields,
    });
    st.store(app).await?.draft_save(id, &json)
}

/// Drafts of this event's templates, newest first (offered back after a crash).
pub async fn drafts_list(
    app: &AppState,
    st: &StudioState,
    req: TemplatesListRequest,
) -> Result<Vec<Draft>> {
    let id = parse_id("eventId", &req.event_id)?.to_string();
    Ok(st
        .store(app)
        .await?
        .drafts()?
        .into_iter()
        .filter(|d| d.json.get("eventId").and_then(Value::as_str) == Some(id.as_str()))
        .collect())
}

pub async fn draft_delete(
    app: &AppState,
    st: &StudioState,
    req: TemplateIdRequest,
) -> Result<bool> {
    st.store(app)
        .await?
        .draft_delete(parse_id("templateId", &req.template_id)?)
}

pub async fn template_versions(
    app: &AppState,
    st: &StudioState,
    req: TemplateIdRequest,
) -> Result<Vec<TemplateVersion>> {
    st.store(app)
        .await?
        .template_versions(parse_id("templateId", &req.template_id)?)
}

pub use qflow_core::ops::studio::TEST_TAG;

/// Sends the saved template once (`POST /api/comms/send`, logged, never retried: a lost answer
/// is `outcome_unknown`). Input is checked before any request.
pub async fn template_test_send(app: &AppState, req: TestSendRequest) -> Result<TestSendResult> {
    let event_id = parse_id("eventId", &req.event_id)?;
    let template_id = parse_id("templateId", &req.template_id)?;
    let session = app.current().await?;
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
        (Some(gid), _) => (session.guest(parse_id("guestId", gid)?).await?, None),
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
            let gid = parse_id(
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
            let created = session
                .client
                .guest_create(&GuestCreate {
                    guest,
                    comms_template_id: None,
                    correlation_id: None,
                })
                .await?;
            session.put_cached_guest(&created).await;
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
    let store = session.local_store().await?;
    let raw = send_logged(&session.client, &store, &session.info.profile, &send).await?;
    let answer: SendResponse = serde_json::from_value(raw).map_err(|e| Error::Malformed {
        endpoint: qflow_core::ops::send::ENDPOINT.into(),
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

/// Pasted `.html` or template JSON → editor fields (parsed in core, errors with line/column).
pub fn template_import(req: TemplateImportRequest) -> Result<TemplateImport> {
    import_template(&req.text, parse_id("eventId", &req.event_id)?)
}

/// The template as JSON for "Copy JSON" (the file format `template push` reads).
pub fn template_export(req: TemplateExportRequest) -> Result<String> {
    Ok(export_json(
        &req.fields,
        parse_id("templateId", &req.template_id)?,
        parse_id("eventId", &req.event_id)?,
    ))
}

/// The body of an exported file: the HTML as typed, or the template JSON `template push` reads.
pub fn export_content(req: &TemplateExportFileRequest) -> Result<String> {
    let template_id = parse_id("templateId", &req.template_id)?;
    let event_id = parse_id("eventId", &req.event_id)?;
    Ok(match req.format {
        ExportFormat::Html => req.fields.html.clone(),
        ExportFormat::Json => export_json(&req.fields, template_id, event_id),
    })
}

/// A file name from the template name: letters, digits, '-' and '_' only.
pub fn export_file_name(name: &str, format: ExportFormat) -> String {
    let stem: String = name
        .trim()
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let stem = stem.trim_matches('-');
    let stem = if stem.is_empty() { "template" } else { stem };
    let ext = match format {
        ExportFormat::Html => "html",
        ExportFormat::Json => "json",
    };
    format!("{stem}.{ext}")
}

/// Writes next to the target then renames, so a failed write never leaves half a file.
pub fn write_file(path: &std::path::Path, content: &str) -> Result<TemplateFileWritten> {
    let shown = path.display().to_string();
    let fail = |e: std::io::Error| Error::Storage(format!("could not write {shown}: {e}"));
    let tmp = path.with_extension("qflow-partial");
    std::fs::write(&tmp, content).map_err(fail)?;
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        fail(e)
    })?;
    Ok(TemplateFileWritten {
        path: shown,
        bytes: count(content.len()),
    })
}

/// Larger files are not templates (Qflow's own limit is far below).
const IMPORT_MAX_BYTES: u64 = 5 * 1024 * 1024;

/// Reads a picked file and parses it in core (.html, or template JSON with line/column errors).
pub fn read_template_file(path: &std::path::Path, event_id: &str) -> Result<TemplateFileRead> {
    let shown = path.display().to_string();
    let meta = std::fs::metadata(path)
        .map_err(|e| Error::invalid("file", format!("could not read {shown}: {e}")))?;
    if meta.len() > IMPORT_MAX_BYTES {
        return Err(Error::invalid(
            "file",
            format!(
                "{shown} is {} KB; a template file is at most 5 MB",
                meta.len() / 1024
            ),
        ));
    }
    let bytes = std::fs::read(path)
        .map_err(|e| Error::invalid("file", format!("could not read {shown}: {e}")))?;
    let text = String::from_utf8(bytes)
        .map_err(|_| Error::invalid("file", format!("{shown} is not UTF-8 text")))?;
    // Errors name the file, not the paste box.
    let import = import_template(&text, parse_id("eventId", event_id)?).map_err(|e| match e {
        Error::Invalid { field, reason } => Error::Invalid {
            field,
            reason: reason.replace(qflow_core::ops::studio::PASTED_JSON, &shown),
        },
        other => other,
    })?;
    Ok(TemplateFileRead {
        path: shown,
        import,
    })
}

/// Test-only override of the native dialogs, which WebKitWebDriver cannot drive: in debug
/// builds, `QFLOW_E2E_SAVE_PATH` / `QFLOW_E2E_OPEN_PATH` name the file instead of asking.
/// Release builds never read them.
pub fn e2e_dialog_path(var: &str) -> Option<std::path::PathBuf> {
    if !cfg!(debug_assertions) {
        return None;
    }
    std::env::var_os(var)
        .filter(|v| !v.is_empty())
        .map(std::path::PathBuf::from)
}

/// The event's attendees tagged `qflow-console-test`, read fresh (the confirmation counts them).
pub async fn test_attendees_find(
    app: &AppState,
    req: TemplatesListRequest,
) -> Result<Vec<TestAttendee>> {
    let event_id = parse_id("eventId", &req.event_id)?;
    let list = app.current().await?.guests(event_id, true, false).await?;
    Ok(cached_test_attendees(&list))
}

/// Deletes the confirmed test attendees (only those still tagged) and reports each result.
pub async fn test_attendees_remove(
    app: &AppState,
    req: TestAttendeesRemoveRequest,
) -> Result<TestAttendeesRemoved> {
    let event_id = parse_id("eventId", &req.event_id)?;
    let ids = req
        .ids
        .iter()
        .map(|i| parse_id("ids", i))
        .collect::<Result<Vec<_>>>()?;
    let session = app.current().await?;
    let done = remove_test_attendees(&session.client, event_id, &ids).await?;
    for a in &done.removed {
        if let Ok(id) = Uuid::parse_str(&a.id) {
            session.remove_cached_guest(id).await;
        }
    }
    Ok(done)
}

// ---- commands ----

/// Thin IPC wrappers (command name = function name).
pub mod cmd {
    use super::*;

    use crate::app::commands::{reply, Reply};

    #[tauri::command]
    pub async fn templates_list(
        state: State<'_, AppState>,
        req: TemplatesListRequest,
    ) -> Reply<Vec<Template>> {
        reply("templates_list", super::templates_list(&state, req).await)
    }

    #[tauri::command]
    pub async fn template_get(
        state: State<'_, AppState>,
        req: TemplateIdRequest,
    ) -> Reply<Template> {
        reply("template_get", super::template_get(&state, req).await)
    }

    #[tauri::command]
    pub async fn studio_setup(
        state: State<'_, AppState>,
        studio: State<'_, StudioState>,
    ) -> Reply<StudioSetup> {
        reply("studio_setup", super::studio_setup(&state, &studio).await)
    }

    #[tauri::command]
    pub async fn template_preview(
        state: State<'_, AppState>,
        studio: State<'_, StudioState>,
        req: PreviewRequest,
    ) -> Reply<PreviewResult> {
        reply(
            "template_preview",
            super::template_preview(&state, &studio, req).await,
        )
    }

    #[tauri::command]
    pub async fn template_save(
        state: State<'_, AppState>,
        studio: State<'_, StudioState>,
        req: TemplateSaveRequest,
    ) -> Reply<TemplateSaved> {
        reply(
            "template_save",
            super::template_save(&state, &studio, req).await,
        )
    }

    #[tauri::command]
    pub async fn draft_save(
        state: State<'_, AppState>,
        studio: State<'_, StudioState>,
        req: DraftSaveRequest,
    ) -> Reply<Draft> {
        reply("draft_save", super::draft_save(&state, &studio, req).await)
    }

    #[tauri::command]
    pub async fn drafts_list(
        state: State<'_, AppState>,
        studio: State<'_, StudioState>,
        req: TemplatesListRequest,
    ) -> Reply<Vec<Draft>> {
        reply(
            "drafts_list",
            super::drafts_list(&state, &studio, req).await,
        )
    }

    #[tauri::command]
    pub async fn draft_delete(
        state: State<'_, AppState>,
        studio: State<'_, StudioState>,
        req: TemplateIdRequest,
    ) -> Reply<bool> {
        reply(
            "draft_delete",
            super::draft_delete(&state, &studio, req).await,
        )
    }

    #[tauri::command]
    pub async fn template_versions(
        state: State<'_, AppState>,
        studio: State<'_, StudioState>,
        req: TemplateIdRequest,
    ) -> Reply<Vec<TemplateVersion>> {
        reply(
            "template_versions",
            super::template_versions(&state, &studio, req).await,
        )
    }
    #[tauri::command]
    pub async fn template_test_send(
        state: State<'_, AppState>,
        req: TestSendRequest,
    ) -> Reply<TestSendResult> {
        reply(
            "template_test_send",
            super::template_test_send(&state, req).await,
        )
    }

    #[tauri::command]
    pub fn template_import(req: TemplateImportRequest) -> Reply<TemplateImport> {
        reply("template_import", super::template_import(req))
    }

    #[tauri::command]
    pub fn template_export(req: TemplateExportRequest) -> Reply<String> {
        reply("template_export", super::template_export(req))
    }

    /// Export through a native save dialog; Rust writes the file (the webview has no fs access).
    #[tauri::command]
    pub async fn template_export_file(
        app: tauri::AppHandle,
        req: TemplateExportFileRequest,
    ) -> Reply<Option<TemplateFileWritten>> {
        use tauri_plugin_dialog::DialogExt;
        let r = async {
            let content = super::export_content(&req)?;
            let path = match super::e2e_dialog_path("QFLOW_E2E_SAVE_PATH") {
                Some(p) => Some(p),
                None => {
                    let (tx, rx) = tokio::sync::oneshot::channel();
                    let (label, ext) = match req.format {
                        ExportFormat::Html => ("HTML", "html"),
                        ExportFormat::Json => ("Template JSON", "json"),
                    };
                    app.dialog()
                        .file()
                        .set_title("Export template")
                        .set_file_name(super::export_file_name(&req.fields.name, req.format))
                        .add_filter(label, &[ext])
                        .save_file(move |p| {
                            let _ = tx.send(p.and_then(|p| p.into_path().ok()));
                        });
                    rx.await.ok().flatten()
                }
            };
            match path {
                Some(p) => super::write_file(&p, &content).map(Some),
                None => Ok(None),
            }
        }
        .await;
        reply("template_export_file", r)
    }

    /// Import through a native open dialog; Rust reads the file and core parses it.
    #[tauri::command]
    pub async fn template_import_file(
        app: tauri::AppHandle,
        req: TemplatesListRequest,
    ) -> Reply<Option<TemplateFileRead>> {
        use tauri_plugin_dialog::DialogExt;
        let path = match super::e2e_dialog_path("QFLOW_E2E_OPEN_PATH") {
            Some(p) => Some(p),
            None => {
                let (tx, rx) = tokio::sync::oneshot::channel();
                app.dialog()
                    .file()
                    .set_title("Import a template")
                    .add_filter("Template (.html, .json)", &["html", "htm", "json"])
                    .pick_file(move |p| {
                        let _ = tx.send(p.and_then(|p| p.into_path().ok()));
                    });
                rx.await.ok().flatten()
            }
        };
        let r = match path {
            Some(p) => super::read_template_file(&p, &req.event_id).map(Some),
            None => Ok(None),
        };
        reply("template_import_file", r)
    }

    #[tauri::command]
    pub async fn test_attendees_find(
        state: State<'_, AppState>,
        req: TemplatesListRequest,
    ) -> Reply<Vec<TestAttendee>> {
        reply(
            "test_attendees_find",
            super::test_attendees_find(&state, req).await,
        )
    }

    #[tauri::command]
    pub async fn test_attendees_remove(
        state: State<'_, AppState>,
        req: TestAttendeesRemoveRequest,
    ) -> Reply<TestAttendeesRemoved> {
        reply(
            "test_attendees_remove",
            super::test_attendees_remove(&state, req).await,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::super::handlers::{demo_sign_in, events_list, guests_page};
    use super::super::ipc::{EventsListRequest, GuestsPageRequest};
    use super::*;
    use qflow_sandbox::SandboxConfig;

    async fn signed_in() -> (AppState, StudioState, String) {
        let cfg = SandboxConfig {
            attendees: 60,
            ..SandboxConfig::default()
        };
        let app = crate::app::test_support::demo_state(cfg);
        demo_sign_in(&app).await.unwrap();
        let events = events_list(&app, EventsListRequest::default())
            .await
            .unwrap();
        let event = events[0].id.clone();
        // Demo session: drafts and versions go to its private in-memory store.
        (app, StudioState::default(), event)
    }

    fn edit(html: &str) -> TemplateEdit {
        TemplateEdit {
            name: "Studio test".into(),
            subject: "Hi {{firstname}}".into(),
            html: html.into(),
            ..Default::default()
        }
    }

    fn preview_req(event: &str, fields: TemplateEdit) -> PreviewRequest {
        PreviewRequest {
            event_id: event.into(),
            fields,
            guest_id: None,
            edge_case: None,
            allow_remote_images: false,
            dark: false,
            session: None,
            html_patch: None,
            lint: None,
        }
    }

    #[tokio::test]
    async fn preview_renders_a_real_attendee_with_a_local_qr_and_lints_typos() {
        let (app, st, event) = signed_in().await;
        let page = guests_page(
            &app,
            GuestsPageRequest {
                event_id: event.clone(),
                query: String::new(),
                offset: 0,
                limit: 1,
                refresh: false,
                checked_in: None,
                tag: None,
            },
        )
        .await
        .unwrap();
        let g = &page.rows[0];
        let mut req = preview_req(
            &event,
            edit("<p>Zoë {{firstname}} {{firstnam}}</p><img src=\"{{barcode_qr}}\" alt=\"t\">"),
        );
        req.guest_id = Some(g.id.clone());
        let p = template_preview(&app, &st, req).await.unwrap();
        assert!(
            p.html
                .contains(&qflow_core::merge::escape_html(&g.first_name)),
            "{}",
            p.html
        );
        assert!(
            p.html.contains("src=\"data:image/svg+xml;base64,"),
            "local QR: {}",
            p.html
        );
        assert_eq!(p.subject, format!("Hi {}", g.first_name));
        let typo = p
            .issues
            .iter()
            .find(|i| i.rule == rules::UNKNOWN_TOKEN)
            .expect("typo flagged");
        assert_eq!(typo.suggestion.as_deref(), Some("{{firstname}}"));
        // UTF-16 offsets: "<p>Zoë " is 7 code units, then "{{firstname}} " is 14.
        assert_eq!((typo.from, typo.to), (Some(21), Some(33)));
        assert!(p
            .document
            .starts_with("<!DOCTYPE html><meta http-equiv=\"Content-Security-Policy\""));
        assert_eq!(p.remote_images, 0);
        assert!(p
            .token_values
            .iter()
            .any(|t| t.name == "firstname" && t.value.as_deref() == Some(g.first_name.as_str())));
    }

    #[tokio::test]
    async fn edge_case_html_values_stay_text_and_courier_mode_has_two_documents() {
        let (app, st, event) = signed_in().await;
        let mut fields =
            edit("<h1>{{fullname}}</h1><img src=\"https://cdn.example.com/x.png\" alt=\"x\">");
        fields.attach_pdf = true;
        let mut req = preview_req(&event, fields);
        req.edge_case = Some(EdgeCase::HtmlLooking);
        let p = template_preview(&app, &st, req).await.unwrap();
        assert!(!p.html.contains("<script"), "{}", p.html);
        assert_eq!(
            p.email_body.as_deref(),
            Some(qflow_core::merge::COURIER_FALLBACK_BODY)
        );
        assert!(p.pdf_document.as_deref().unwrap().contains("qf-a4"));
        assert_eq!(p.remote_images, 1);
        assert!(p.recipient.contains("HTML-looking"));
    }

    #[tokio::test]
    async fn save_creates_then_partially_updates_and_keeps_versions() {
        let (app, st, event) = signed_in().await;
        let id = Uuid::new_v4().to_string();
        let mut fields = edit("<p>Hi {{firstname}}</p>");
        fields.reply_to = "help@example.com".into();
        let saved = template_save(
            &app,
            &st,
            TemplateSaveRequest {
                event_id: event.clone(),
                template_id: id.clone(),
                original: None,
                fields: fields.clone(),
            },
        )
        .await
        .unwrap();
        assert_eq!(saved.template.id.to_string(), id, "client-generated id");
        assert_eq!(saved.template.reply_to.as_deref(), Some("help@example.com"));
        assert!(saved.sent.get("fromAddress").is_none());

        // Clear replyTo, change the subject: "" is sent for the clear, nothing else optional.
        let original = serde_json::to_value(&saved.template).unwrap();
        fields.reply_to.clear();
        fields.subject = "Changed".into();
        let again = template_save(
            &app,
            &st,
            TemplateSaveRequest {
                event_id: event.clone(),
                template_id: id.clone(),
                original: Some(original),
                fields,
            },
        )
        .await
        .unwrap();
        assert_eq!(again.sent["replyTo"], json!(""));
        assert!(again.sent.get("attachPdf").is_none());
        let read = template_get(
            &app,
            TemplateIdRequest {
                template_id: id.clone(),
            },
        )
        .await
        .unwrap();
        assert_eq!(read.subject.as_deref(), Some("Changed"));
        assert!(read.reply_to.as_deref().unwrap_or("").is_empty());
        let listed = templates_list(&app, TemplatesListRequest { event_id: event })
            .await
            .unwrap();
        assert!(listed.iter().any(|t| t.id.to_string() == id));
        let versions = template_versions(&app, &st, TemplateIdRequest { template_id: id })
            .await
            .unwrap();
        assert_eq!(versions.len(), 2);
    }

    #[tokio::test]
    async fn from_address_outside_the_verified_domain_is_refused_before_sending() {
        let (app, st, event) = signed_in().await;
        let mut fields = edit("<p>x</p>");
        fields.from_address = "tickets@not-verified.example".into();
        let e = template_save(
            &app,
            &st,
            TemplateSaveRequest {
                event_id: event,
                template_id: Uuid::new_v4().to_string(),
                original: None,
                fields,
            },
        )
        .await
        .unwrap_err();
        let b = e.body();
        assert_eq!(b.code, "fromaddress_domain_not_verified");
        assert_eq!(b.details["checkedLocally"], json!(true));
    }

    #[tokio::test]
    async fn spam_check_failure_carries_the_flagged_urls() {
        let (app, st, event) = signed_in().await;
        let fields = edit("<p><a href=\"https://malware.example.com/x\">x</a></p>");
        let e = template_save(
            &app,
            &st,
            TemplateSaveRequest {
                event_id: event,
                template_id: Uuid::new_v4().to_string(),
                original: None,
                fields,
            },
        )
        .await
        .unwrap_err();
        let b = e.body();
        assert_eq!(b.code, "spam_check_failed");
        assert!(
            b.details["flaggedUrls"]
                .to_string()
                .contains("malware.example.com"),
            "{:?}",
            b.details
        );
    }

    #[tokio::test]
    async fn drafts_are_kept_per_event_until_deleted() {
        let (app, st, _) = signed_in().await;
        let event = Uuid::new_v4().to_string();
        let id = Uuid::new_v4().to_string();
        draft_save(
            &app,
            &st,
            DraftSaveRequest {
                template_id: id.clone(),
                event_id: event.clone(),
                original: None,
                fields: edit("<p>draft</p>"),
            },
        )
        .await
        .unwrap();
        let list = drafts_list(
            &app,
            &st,
            TemplatesListRequest {
                event_id: event.clone(),
            },
        )
        .await
        .unwrap();
        assert_eq!(list.len(), 1);
        assert_eq!(list[0].json["fields"]["html"], json!("<p>draft</p>"));
        let other = drafts_list(
            &app,
            &st,
            TemplatesListRequest {
                event_id: Uuid::new_v4().to_string(),
            },
        )
        .await
        .unwrap();
        assert!(other.is_empty());
        assert!(
            draft_delete(&app, &st, TemplateIdRequest { template_id: id })
                .await
                .unwrap()
        );
        assert!(
            drafts_list(&app, &st, TemplatesListRequest { event_id: event })
                .await
                .unwrap()
                .is_empty()
        );
    }
    async fn sends_seen(app: &AppState) -> (usize, usize) {
        let sb = app.sandbox.lock().await;
        let sb = sb.as_ref().expect("demo sandbox");
        (
            sb.requests("POST", "/api/comms/send"),
            sb.requests("POST", "/api/guest"),
        )
    }

    async fn saved_template(app: &AppState, st: &StudioState, event: &str) -> String {
        let id = Uuid::new_v4().to_string();
        template_save(
            app,
            st,
            TemplateSaveRequest {
                event_id: event.into(),
                template_id: id.clone(),
                original: None,
                fields: edit("<p>Hi {{firstname}}</p>"),
            },
        )
        .await
        .unwrap();
        id
    }

    fn test_req(event: &str, template: &str) -> TestSendRequest {
        TestSendRequest {
            event_id: event.into(),
            template_id: template.into(),
            guest_id: None,
            test_guest_id: None,
            test_email: None,
            keep_email: false,
        }
    }

    #[tokio::test]
    async fn test_send_to_a_chosen_attendee_sends_exactly_once_and_is_logged() {
        let (app, st, event) = signed_in().await;
        let template = saved_template(&app, &st, &event).await;
        let page = guests_page(
            &app,
            GuestsPageRequest {
                event_id: event.clone(),
                query: String::new(),
                offset: 0,
                limit: 1,
                refresh: false,
                checked_in: None,
                tag: None,
            },
        )
        .await
        .unwrap();
        let g = &page.rows[0];
        let mut req = test_req(&event, &template);
        req.guest_id = Some(g.id.clone());
        let r = template_test_send(&app, req).await.unwrap();
        assert!(r.to.contains(&g.email), "{}", r.to);
        assert!(r.test_guest_id.is_none());
        assert_eq!(sends_seen(&app).await.0, 1, "sandbox saw exactly one send");
        let store = app.current().await.unwrap().local_store().await.unwrap();
        let logged = store
            .sends_for_attendee(Uuid::parse_str(&g.id).unwrap())
            .unwrap();
        assert_eq!(logged.len(), 1);
        assert_eq!(
            logged[0].correlation_id.as_deref(),
            Some(r.correlation_id.as_str())
        );
    }

    #[tokio::test]
    async fn test_send_to_me_checks_the_address_first_then_creates_a_tagged_test_attendee() {
        let (app, st, event) = signed_in().await;
        let template = saved_template(&app, &st, &event).await;
        let before = sends_seen(&app).await;
        let test_id = Uuid::new_v4().to_string();
        for (email, needle) in [
            ("not-an-address", "testEmail"),
            ("me@gmial.com", "did you mean"),
        ] {
            let mut req = test_req(&event, &template);
            req.test_guest_id = Some(test_id.clone());
            req.test_email = Some(email.into());
            let e = template_test_send(&app, req).await.unwrap_err();
            assert!(e.is_bad_input(), "{e}");
            assert!(e.to_string().contains(needle), "{e}");
        }
        assert_eq!(sends_seen(&app).await, before, "nothing sent for bad input");

        let mut req = test_req(&event, &template);
        req.test_guest_id = Some(test_id.clone());
        req.test_email = Some("me@example.com".into());
        let r = template_test_send(&app, req).await.unwrap();
        assert_eq!(r.test_guest_id.as_deref(), Some(test_id.as_str()));
        assert_eq!(sends_seen(&app).await.0, before.0 + 1, "exactly one send");
        let g = app
            .current()
            .await
            .unwrap()
            .client
            .guest_get(Uuid::parse_str(&test_id).unwrap())
            .await
            .unwrap();
        assert_eq!(g.tags.as_deref(), Some(TEST_TAG));
        assert_eq!(g.email, "me@example.com");
    }

    #[tokio::test]
    async fn a_lost_send_answer_is_outcome_unknown_and_not_retried() {
        let (app, st, event) = signed_in().await;
        let template = saved_template(&app, &st, &event).await;
        let before = sends_seen(&app).await.0;
        app.sandbox
            .lock()
            .await
            .as_ref()
            .unwrap()
            .inject(qflow_sandbox::Fault {
                method: "POST".into(),
                path_prefix: "/api/comms/send".into(),
                kind: qflow_sandbox::FaultKind::DropAfterRead,
            });
        let mut req = test_req(&event, &template);
        req.test_guest_id = Some(Uuid::new_v4().to_string());
        req.test_email = Some("me@example.com".into());
        let e = template_test_send(&app, req).await.unwrap_err();
        assert_eq!(e.code(), "outcome_unknown");
        assert_eq!(
            sends_seen(&app).await.0,
            before + 1,
            "sent once, not retried"
        );
    }

    #[test]
    fn import_and_export_commands_round_trip() {
        let event = Uuid::new_v4().to_string();
        let fields = edit("<p>{{firstname}}</p>");
        let json = template_export(TemplateExportRequest {
            event_id: event.clone(),
            template_id: Uuid::new_v4().to_string(),
            fields: fields.clone(),
        })
        .unwrap();
        let back = template_import(TemplateImportRequest {
            event_id: event.clone(),
            text: json,
        })
        .unwrap();
        assert_eq!(back.edit, fields);
        let e = template_import(TemplateImportRequest {
            event_id: event,
            text: "{\"html\": }".into(),
        })
        .unwrap_err();
        assert!(e.to_string().contains("line 1, column"), "{e}");
    }

    #[tokio::test]
    async fn remove_test_attendees_finds_the_tagged_ones_and_deletes_only_those() {
        let (app, st, event) = signed_in().await;
        let template = saved_template(&app, &st, &event).await;
        let list_req = || TemplatesListRequest {
            event_id: event.clone(),
        };
        assert!(test_attendees_find(&app, list_req())
            .await
            .unwrap()
            .is_empty());
        for email in ["one@example.com", "two@example.com"] {
            let mut req = test_req(&event, &template);
            req.test_guest_id = Some(Uuid::new_v4().to_string());
            req.test_email = Some(email.into());
            template_test_send(&app, req).await.unwrap();
        }
        let found = test_attendees_find(&app, list_req()).await.unwrap();
        assert_eq!(found.len(), 2);
        assert!(found.iter().all(|a| a.name == "Test (Qflow Console)"));
        let others = {
            let s = app.current().await.unwrap();
            s.guests(Uuid::parse_str(&event).unwrap(), true, false)
                .await
                .unwrap()
                .len()
                - 2
        };

        let bad = test_attendees_remove(
            &app,
            TestAttendeesRemoveRequest {
                event_id: event.clone(),
                ids: vec!["nope".into()],
            },
        )
        .await
        .unwrap_err();
        assert!(bad.is_bad_input());

        let done = test_attendees_remove(
            &app,
            TestAttendeesRemoveRequest {
                event_id: event.clone(),
                ids: found.iter().map(|a| a.id.clone()).collect(),
            },
        )
        .await
        .unwrap();
        assert_eq!(done.removed, found);
        assert!(done.failed.is_empty());
        assert!(test_attendees_find(&app, list_req())
            .await
            .unwrap()
            .is_empty());
        let s = app.current().await.unwrap();
        let left = s
            .guests(Uuid::parse_str(&event).unwrap(), true, false)
            .await
            .unwrap();
        assert_eq!(left.len(), others, "real attendees are untouched");
    }

    #[test]
    fn export_writes_html_or_json_and_import_reads_it_back() {
        let dir = tempfile::tempdir().unwrap();
        let event = Uuid::new_v4().to_string();
        let mut req = TemplateExportFileRequest {
            event_id: event.clone(),
            template_id: Uuid::new_v4().to_string(),
            fields: edit("<p>Hi {{firstname}}</p>"),
            format: ExportFormat::Html,
        };
        let html_path = dir.path().join("t.html");
        let w = write_file(&html_path, &export_content(&req).unwrap()).unwrap();
        assert_eq!(w.bytes, 23);
        assert_eq!(
            std::fs::read_to_string(&html_path).unwrap(),
            "<p>Hi {{firstname}}</p>"
        );
        req.format = ExportFormat::Json;
        let json_path = dir.path().join("t.json");
        write_file(&json_path, &export_content(&req).unwrap()).unwrap();
        let back = read_template_file(&json_path, &event).unwrap();
        assert_eq!(back.import.edit, req.fields);
        let html = read_template_file(&html_path, &event).unwrap();
        assert_eq!(html.import.edit.html, "<p>Hi {{firstname}}</p>");

        std::fs::write(dir.path().join("bad.json"), "{\n  \"name\": 1,\n").unwrap();
        let e = read_template_file(&dir.path().join("bad.json"), &event).unwrap_err();
        assert!(e.to_string().contains("bad.json: line 3"), "{e}");
        let e = read_template_file(&dir.path().join("missing.html"), &event).unwrap_err();
        assert!(
            e.is_bad_input() && e.to_string().contains("missing.html"),
            "{e}"
        );
        assert_eq!(
            export_file_name("Ticket / VIP", ExportFormat::Json),
            "Ticket---VIP.json"
        );
        assert_eq!(export_file_name("  ", ExportFormat::Html), "template.html");
    }

    fn last_p(h: &str) -> &str {
        &h[h.rfind("<p>").unwrap() + 3..h.rfind("</p>").unwrap()]
    }

    #[tokio::test]
    async fn a_preview_session_sends_and_returns_only_the_changed_range() {
        let (app, st, event) = signed_in().await;
        let html = "<p>Zoë 😀 {{firstname}}</p><p>Typed: </p>".to_owned();
        let full = |h: &str| {
            let mut r = preview_req(&event, edit(h));
            r.edge_case = Some(EdgeCase::NonAscii);
            r
        };
        let session = Some("editor-1".to_owned());
        let mut open = full(&html);
        open.session = session.clone();
        let first = template_preview(&app, &st, open).await.unwrap();
        assert!(first.document_patch.is_none() && !first.document.is_empty());
        let (mut doc, mut mirror) = (first.document.clone(), first.html.clone());

        // Two keystrokes after the emoji (UTF-16 offsets, as CodeMirror and JS count).
        let mut now = html.clone();
        for ch in ["T", "é"] {
            let at = now.rfind("</p>").unwrap();
            let from = count(utf16_offset(&now, at));
            let mut r = full("");
            r.session = session.clone();
            r.lint = Some(false);
            r.html_patch = Some(TextPatch {
                from,
                to: from,
                insert: ch.into(),
            });
            let old_text = last_p(&now).to_owned();
            now.insert_str(at, ch);
            let p = template_preview(&app, &st, r).await.unwrap();
            assert!(!p.linted && p.issues.is_empty());
            assert!(
                p.document.is_empty() && p.html.is_empty(),
                "only patches come back"
            );
            let dp = p.document_patch.unwrap();
            assert_eq!(dp.insert, ch, "the reply carries just the change");
            // Typed into the second <p>'s text: the frame can set it in place.
            let te = p.text_edit.expect("a text-node edit");
            assert_eq!((te.tag.as_str(), te.index, te.child), ("p", 1, 0));
            assert_eq!(
                (te.old.as_str(), te.new.as_str()),
                (old_text.as_str(), last_p(&now))
            );
            doc = apply_patch(&doc, &dp).unwrap();
            mirror = apply_patch(&mirror, &p.html_patch.unwrap()).unwrap();
            let whole = template_preview(&app, &st, full(&now)).await.unwrap();
            assert_eq!(doc, whole.document);
            assert_eq!(mirror, whole.html);
        }

        // A patch that does not fit (or an unknown session) asks for the full html.
        let mut bad = full("");
        bad.session = Some("editor-unknown".into());
        bad.html_patch = Some(TextPatch {
            from: 0,
            to: 0,
            insert: "x".into(),
        });
        let e = template_preview(&app, &st, bad).await.unwrap_err();
        assert_eq!(e.body().field.as_deref(), Some("htmlPatch"));
    }

    #[test]
    fn diff_patch_keeps_prefix_and_suffix_on_whole_characters() {
        let cases = [
            ("", ""),
            ("abc", "abc"),
            ("aaaa", "aa"),
            ("x😀y", "x😁y"),
            ("Zoë", "Zoé"),
        ];
        for (a, b) in cases {
            let p = diff_patch(a, b);
            assert_eq!(apply_patch(a, &p).as_deref(), Some(b), "{a} → {b}");
        }
        let big_a = "<td>x</td>".repeat(2000);
        let mut big_b = big_a.clone();
        big_b.insert(10_001, 'Q');
        let p = diff_patch(&big_a, &big_b);
        assert_eq!((p.from, p.to, p.insert.as_str()), (10_001, 10_001, "Q"));
    }
}
