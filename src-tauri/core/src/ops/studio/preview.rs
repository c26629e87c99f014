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
use super::patch::{apply_patch, count, diff_patch, session_lost, utf16_to_byte};
use super::pieces::{utf16_len, RenderedPieces};
use super::preflight::PreflightRuns;
use super::text_edit::{changed_span, in_place_edit, WalkState};
use super::types::{
    EdgeCase, EdgeCaseInfo, EditorIssue, PreviewRequest, PreviewResult, StudioSetup, TemplateEdit,
    TextPatch, TokenValue,
};
use crate::merge::lint::{lint, rules, LintIssue};
use crate::merge::{
    render_template, tokens, MergeContext, Rendered, Renderer, TemplateField, UnknownReason,
};
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
/// preview output, so each side sends only what changed. A keystroke re-renders only the
/// piece of the template it touched while what the output depends on stays the same (`key`).
struct EditorSession {
    html: String,
    /// The frame's document: the `preview_document` header, then the rendered html (the
    /// editor's mirror is the part after `header_len`).
    document: String,
    header_len: usize,
    pieces: RenderedPieces,
    key: OutputKey,
    token_values: Vec<TokenValue>,
    /// Where the last in-place check's walk of `document` stopped (see [`WalkState`]).
    walk: Option<WalkState>,
}

/// Everything besides the html that the rendered document depends on.
#[derive(PartialEq)]
struct OutputKey {
    ctx: MergeContext,
    allow_remote_images: bool,
    dark: DarkEmulation,
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
    let patch = req.html_patch.take();
    let patched = patch.is_some();
    // A keystroke stops a pre-flight of the text it changes before anything else.
    if let Some(runs) = cx.existing_state::<PreflightRuns>() {
        let html_changed = patch
            .as_ref()
            .is_some_and(|p| p.from != p.to || !p.insert.is_empty());
        runs.edited(&req.fields, html_changed);
    }
    if patched && session.is_none() {
        return Err(session_lost());
    }
    let event_id = guid("eventId", &req.event_id)?;
    // A keystroke never waits on the network (the editor may be waiting for this answer
    // before it draws the key): it reads what the session's last full preview loaded, and
    // when that is gone the editor sends the full html again (which may load it).
    let event = if patched {
        cx.cached_event(event_id).await.ok_or_else(session_lost)?
    } else {
        cx.event(event_id).await?
    };
    let (guest, recipient) = match (req.guest_id.as_deref(), req.edge_case) {
        (Some(gid), _) if !gid.trim().is_empty() => {
            let gid = guid("guestId", gid)?;
            let list = if patched {
                cx.cached_guests(event_id).await.ok_or_else(session_lost)?
            } else {
                cx.guests(event_id, false, false).await?
            };
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
    let key = OutputKey {
        ctx,
        allow_remote_images: req.allow_remote_images,
        dark: req.dark,
    };
    // The keystroke path: same attendee, event and view as the session's last output.
    if let (Some(patch), Some(mut s)) = (patch, session.take()) {
        if s.key == key && !req.fields.attach_pdf {
            let mut out = keystroke_preview(cx, &mut req, &mut s, &patch, recipient).await?;
            if let Some(id) = req.session {
                s.html = std::mem::take(&mut req.fields.html);
                state.put(id, s);
            }
            out.server_micros = micros(command_started);
            return Ok(out);
        }
        let html = apply_patch(&s.html, &patch).ok_or_else(session_lost)?;
        req.fields.html = html;
        session = Some(s);
    }
    let OutputKey { ctx, .. } = &key;
    let fields = req.fields.fields();
    let started = Instant::now();
    let rendered = render_template(&fields, ctx);
    let merge_micros = micros(started);

    let (issues, lint_micros, linted) = lint_for(cx, &req).await;
    let no_data = distinct(
        rendered
            .unknown_tokens
            .iter()
            .filter(|u| u.reason == UnknownReason::NoData)
            .map(|u| u.token.as_str()),
    );
    let body = rendered.sent_body();
    let values = token_values(ctx);
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
        from_name: shown_from_name(&req.fields),
        from_address: shown_from_address(&req.fields),
        remote_images: remote_images(&req.fields, body_or_none(&rendered), &values),
        subject: rendered.subject,
        email_body: rendered.email_body,
        html: rendered.html,
        issues,
        no_data,
        token_values: values.clone(),
        recipient,
        merge_micros,
        lint_micros,
        server_micros: 0,
        linted,
        document_patch: None,
        html_patch: None,
        text_edit: None,
        element_edit: None,
    };
    if let Some(id) = req.session {
        let prev = session.take();
        let document = std::mem::take(&mut out.document);
        let header_len = document.len() - out.email_body.as_ref().unwrap_or(&out.html).len();
        // Patches only answer patches: a request with the full html gets full output back.
        match prev {
            Some(prev) if patched => {
                let mirror = &document[header_len..];
                out.document_patch = Some(diff_patch(&prev.document, &document));
                let (pre, suf) = changed_span(&prev.document, &document);
                let (old_end, insert) = (
                    prev.document.len() - suf,
                    &document[pre..document.len() - suf],
                );
                (out.text_edit, out.element_edit) =
                    in_place_edit(&prev.document, pre, old_end, insert, &mut None);
                out.html_patch = Some(diff_patch(&prev.document[prev.header_len..], mirror));
                out.html = String::new();
            }
            _ => out.document = document.clone(),
        }
        // Courier mode (the editor sends no session then) keeps no pieces: its body is not html.
        let pieces = if req.fields.attach_pdf {
            RenderedPieces::new("", &Renderer::new(ctx))
        } else {
            RenderedPieces::new(&req.fields.html, &Renderer::new(ctx))
        };
        state.put(
            id,
            EditorSession {
                html: req.fields.html,
                document,
                header_len,
                pieces,
                key,
                token_values: values,
                walk: None,
            },
        );
    }
    out.server_micros = micros(command_started);
    Ok(out)
}

/// One keystroke with nothing but the html changed: the pieces the edit touched are rendered
/// again and the change goes back as patches (and as an in-place text edit when it is inside
/// one text node). Same output as a full render (pinned by the tests).
async fn keystroke_preview(
    cx: &Ctx,
    req: &mut PreviewRequest,
    s: &mut EditorSession,
    patch: &TextPatch,
    recipient: String,
) -> Result<PreviewResult> {
    let from = utf16_to_byte(&s.html, patch.from as usize).ok_or_else(session_lost)?;
    let to = utf16_to_byte(&s.html, patch.to as usize).ok_or_else(session_lost)?;
    if from > to {
        return Err(session_lost());
    }
    let mut html = std::mem::take(&mut s.html);
    html.replace_range(from..to, &patch.insert);
    req.fields.html = html;
    let ctx = &s.key.ctx;
    let started = Instant::now();
    let r = Renderer::new(ctx);
    let mut unknown = Vec::new();
    let subject = r.render(&req.fields.subject, TemplateField::Subject, &mut unknown);
    let edit = s
        .pieces
        .edit(&req.fields.html, from, to, patch.insert.len(), &r);
    let merge_micros = micros(started);

    // The smallest change: what the re-rendered pieces' old and new output share is kept.
    let h = s.header_len;
    let old = &s.document[h + edit.from..h + edit.to];
    let (pre, suf) = changed_span(old, &edit.insert);
    let (at, end) = (h + edit.from + pre, h + edit.to - suf);
    let insert = &edit.insert[pre..edit.insert.len() - suf];
    if !s.walk.as_ref().is_some_and(|w| w.valid_after_edit_at(at)) {
        s.walk = None;
    }
    let (text_edit, element_edit) = in_place_edit(&s.document, at, end, insert, &mut s.walk);
    let from_utf16 = utf16_len(&s.document[..h]) + edit.from_utf16 + utf16_len(&old[..pre]);
    let to_utf16 = from_utf16 + utf16_len(&s.document[at..end]);
    let document_patch = TextPatch {
        from: count(from_utf16),
        to: count(to_utf16),
        insert: insert.to_owned(),
    };
    let header_utf16 = utf16_len(&s.document[..h]);
    let html_patch = TextPatch {
        from: count(from_utf16 - header_utf16),
        to: count(to_utf16 - header_utf16),
        insert: insert.to_owned(),
    };
    s.document.replace_range(at..end, insert);

    let (issues, lint_micros, linted) = lint_for(cx, req).await;
    let body = &s.document[h..];
    let no_data = distinct(
        unknown
            .iter()
            .filter(|u| u.reason == UnknownReason::NoData)
            .map(|u| u.token.as_str())
            .chain(s.pieces.no_data()),
    );
    Ok(PreviewResult {
        document: String::new(),
        pdf_document: None,
        preheader: preheader(body, PREHEADER_CHARS),
        from_name: shown_from_name(&req.fields),
        from_address: shown_from_address(&req.fields),
        remote_images: remote_images(&req.fields, Some((body, None)), &s.token_values),
        subject,
        email_body: None,
        html: String::new(),
        issues,
        no_data,
        token_values: s.token_values.clone(),
        recipient,
        merge_micros,
        lint_micros,
        server_micros: 0,
        linted,
        document_patch: Some(document_patch),
        html_patch: Some(html_patch),
        text_edit,
        element_edit,
    })
}

/// The lint findings placed for the editor when asked for (`lint` absent or true), its time,
/// and whether it ran.
async fn lint_for(cx: &Ctx, req: &PreviewRequest) -> (Vec<EditorIssue>, u32, bool) {
    // fromAddress is linted only once we know the domain state (read by the setup or a save).
    let domain = cx.cached_domain(Duration::MAX).await;
    let mut lint_fields = req.fields.fields();
    if domain.is_none() {
        lint_fields.from_address = None;
    }
    let started = Instant::now();
    let linted = req.lint.unwrap_or(true);
    let issues = if linted {
        lint(&lint_fields, domain.flatten().as_deref())
            .into_iter()
            .map(|i| editor_issue(&req.fields, i))
            .collect()
    } else {
        Vec::new()
    };
    (issues, micros(started), linted)
}

/// Each token once, in order of first appearance.
fn distinct<'a>(tokens: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for t in tokens {
        if !out.iter().any(|o| o == t) {
            out.push(t.to_owned());
        }
    }
    out
}

/// The rendered html and courier body, for counting remote images in them.
fn body_or_none(r: &Rendered) -> Option<(&str, Option<&str>)> {
    Some((&r.html, r.email_body.as_deref()))
}

/// Remote images in the rendered output. Counted on the template (~15x smaller than a preview
/// full of inline QR codes) when no token value could form a URL (no "//", no "http"), since
/// then the rendered URLs are exactly the template's; otherwise on the rendered output.
/// `rendered` is (the rendered html, the courier body if any).
fn remote_images(
    edit: &TemplateEdit,
    rendered: Option<(&str, Option<&str>)>,
    values: &[TokenValue],
) -> u32 {
    let urlish = values.iter().filter_map(|t| t.value.as_deref()).any(|v| {
        !v.starts_with("data:") && (v.contains("//") || v.to_ascii_lowercase().contains("http"))
    });
    let (html, courier) = rendered.unwrap_or_default();
    if urlish {
        remote_image_count(html) + courier.map_or(0, remote_image_count)
    } else {
        remote_image_count(&edit.html)
            + if courier.is_some() {
                remote_image_count(&edit.email_body)
            } else {
                0
            }
    }
}

fn micros(since: Instant) -> u32 {
    u32::try_from(since.elapsed().as_micros()).unwrap_or(u32::MAX)
}

/// The inbox's "from" line when the template leaves it to Qflow's defaults.
fn shown_from_name(fields: &TemplateEdit) -> String {
    non_empty(&fields.from_name).unwrap_or("Qflow").to_owned()
}

fn shown_from_address(fields: &TemplateEdit) -> String {
    non_empty(fields.from_address.trim())
        .unwrap_or("support@qflow.email")
        .to_owned()
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
