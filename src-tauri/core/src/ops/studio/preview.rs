//! The live preview: the core merge engine (the same one the CLI and the send path use) for a
//! real attendee or a built-in edge case, the lint placed for the editor, and per-editor
//! sessions so a keystroke sends and receives only the changed range.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::dark::DarkEmulation;
use super::document::{
    preheader, preview_document, remote_image_count, token_values, utf16_offset,
};
use super::edge_cases::EDGE_CASES;
use super::patch::{apply_patch, count, diff_patch, session_lost};
use super::text_edit::text_node_edit;
use super::types::{
    EdgeCase, EdgeCaseInfo, EditorIssue, PreviewRequest, PreviewResult, StudioSetup, TemplateEdit,
    TokenValue,
};
use crate::merge::lint::{lint, rules, LintIssue};
use crate::merge::{render_template, tokens, MergeContext, Rendered, TemplateField, UnknownReason};
use crate::ops::ctx::{Ctx, SessionState};
use crate::ops::qr::qr_svg_data_url;
use crate::validate::guid;
use crate::{Error, Result};

/// Characters of visible text shown as the inbox preheader.
const PREHEADER_CHARS: usize = 110;
/// Open editors kept at most (when full, the sessions start over: each editor then sends its
/// full html once).
const MAX_SESSIONS: usize = 8;

/// The studio's state in the signed-in session: the open editors' preview sessions and the
/// last QR code drawn. Goes with the session (sign-out, another profile).
#[derive(Default)]
pub struct PreviewSessions {
    editors: Mutex<HashMap<String, EditorSession>>,
    /// (barcode, its QR as a data: URL): typing re-renders the same attendee's code.
    qr: Mutex<Option<(String, String)>>,
}

impl SessionState for PreviewSessions {
    fn close(&self) {
        self.editors
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
        *self.qr.lock().unwrap_or_else(|e| e.into_inner()) = None;
    }
}

/// What Rust and the editor both hold for one open editor: the template html and the last
/// preview output, so each side sends only what changed.
#[derive(Default)]
struct EditorSession {
    html: String,
    document: String,
    mirror: String,
}

impl PreviewSessions {
    /// The session is taken out while in use: a concurrent request for it starts over in full.
    fn take(&self, id: &str) -> Option<EditorSession> {
        self.editors
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(id)
    }

    fn put(&self, id: String, s: EditorSession) {
        let mut editors = self.editors.lock().unwrap_or_else(|e| e.into_inner());
        if editors.len() >= MAX_SESSIONS {
            editors.clear();
        }
        editors.insert(id, s);
    }

    fn qr_url(&self, barcode: &str) -> String {
        if let Some((b, url)) = self.qr.lock().unwrap_or_else(|e| e.into_inner()).as_ref() {
            if b == barcode {
                return url.clone();
            }
        }
        let url = qr_svg_data_url(barcode);
        *self.qr.lock().unwrap_or_else(|e| e.into_inner()) =
            Some((barcode.to_owned(), url.clone()));
        url
    }
}

/// What the editor needs once: the token table, the built-in preview attendees and the
/// account's verified sending domain.
pub async fn studio_setup(cx: &Ctx) -> Result<StudioSetup> {
    // A domain we cannot read must not block editing: lint then skips the fromAddress rule.
    let verified_domain = cx.verified_domain(false).await.unwrap_or_default();
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

/// The preview for one attendee. The event is read from the session each time, so an event
/// renamed elsewhere in the app shows its new name here.
pub async fn template_preview(cx: &Ctx, req: PreviewRequest) -> Result<PreviewResult> {
    let command_started = Instant::now();
    let mut req = req;
    let state = cx.state::<PreviewSessions>();
    let mut session = req.session.as_deref().and_then(|id| state.take(id));
    let patched = req.html_patch.is_some();
    if let Some(patch) = req.html_patch.take() {
        let s = session.as_ref().ok_or_else(session_lost)?;
        req.fields.html = apply_patch(&s.html, &patch).ok_or_else(session_lost)?;
    }
    let event_id = guid("eventId", &req.event_id)?;
    let event = cx.event(event_id).await?;
    let (guest, recipient) = match (req.guest_id.as_deref(), req.edge_case) {
        (Some(gid), _) if !gid.trim().is_empty() => {
            let gid = guid("guestId", gid)?;
            let list = cx.guests(event_id, false, false).await?;
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
        ctx.barcode_qr_url = Some(state.qr_url(&b));
    }
    let fields = req.fields.fields();
    let started = Instant::now();
    let rendered = render_template(&fields, &ctx);
    let merge_micros = micros(started);

    // fromAddress is linted only once we know the domain state (read by the setup or a save).
    let domain = cx.cached_domain(Duration::MAX).await;
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
        .filter(|u| u.reason == UnknownReason::NoData)
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
            DarkEmulation::Off,
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
        state.put(
            id,
            EditorSession {
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
fn remote_images(edit: &TemplateEdit, rendered: &Rendered, values: &[TokenValue]) -> u32 {
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

fn micros(since: Instant) -> u32 {
    u32::try_from(since.elapsed().as_micros()).unwrap_or(u32::MAX)
}

fn non_empty(s: &str) -> Option<&str> {
    (!s.is_empty()).then_some(s)
}

/// Places an issue in its field's text (UTF-16) and spans the offending token or tag.
pub fn editor_issue(edit: &TemplateEdit, i: LintIssue) -> EditorIssue {
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
