//! The template studio's logic, shared by the app and usable by the CLI: the editor's fields,
//! the upsert payload under the guide's partial-update rules, built-in preview attendees
//! (edge cases), and the preview document (strict CSP, remote images blocked by default).

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use uuid::Uuid;

use crate::merge::{render_str, tokens, MergeContext, TemplateField, TemplateFields};
use crate::models::{Guest, Template, TemplateUpsert};
use crate::Result;

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

impl TemplateEdit {
    pub fn from_template(t: &Template) -> TemplateEdit {
        let s = |v: &Option<String>| v.clone().unwrap_or_default();
        TemplateEdit {
            name: t.name.clone(),
            subject: s(&t.subject),
            html: t.html.clone(),
            from_address: s(&t.from_address),
            from_name: s(&t.from_name),
            reply_to: s(&t.reply_to),
            attach_pdf: t.attach_pdf,
            email_body: s(&t.email_body),
        }
    }

    /// The fields rendering and linting look at (an empty emailBody/fromAddress = not set).
    pub fn fields(&self) -> TemplateFields<'_> {
        fn opt(s: &str) -> Option<&str> {
            (!s.is_empty()).then_some(s)
        }
        TemplateFields {
            subject: &self.subject,
            html: &self.html,
            attach_pdf: self.attach_pdf,
            email_body: opt(&self.email_body),
            from_address: opt(self.from_address.trim()),
        }
    }
}

/// The upsert for an edit, following the guide's partial-update table:
/// - create (`original` None): id = `new_id` (client-generated: the call is idempotent), empty
///   optionals omitted, `attachPdf` sent only when on;
/// - update: an optional field equal to the stored one is omitted (Qflow keeps it), one cleared
///   in the editor is sent as `""`, a changed one as its value; `attachPdf` only when changed;
/// - `name`, `subject`, `html` always sent.
///
/// Validated before any request (field + reason).
pub fn upsert_payload(
    original: Option<&Template>,
    edit: &TemplateEdit,
    event_id: Uuid,
    new_id: Uuid,
) -> Result<TemplateUpsert> {
    let before = original.map(TemplateEdit::from_template);
    let optional = |now: &str, was: Option<&str>| -> Option<String> {
        let now = now.trim();
        match was {
            None => (!now.is_empty()).then(|| now.to_owned()),
            Some(was) if was.trim() == now => None,
            // Cleared → "" (the guide's clear); changed → the value.
            Some(_) => Some(now.to_owned()),
        }
    };
    let b = before.as_ref();
    let upsert = TemplateUpsert {
        id: original.map_or(new_id, |t| t.id),
        event_id: original.map_or(event_id, |t| t.event_id),
        name: edit.name.trim().to_owned(),
        subject: edit.subject.clone(),
        html: edit.html.clone(),
        from_address: optional(&edit.from_address, b.map(|e| e.from_address.as_str())),
        from_name: optional(&edit.from_name, b.map(|e| e.from_name.as_str())),
        reply_to: optional(&edit.reply_to, b.map(|e| e.reply_to.as_str())),
        // emailBody is HTML: compare untrimmed so whitespace edits are kept.
        email_body: match b.map(|e| e.email_body.as_str()) {
            None => (!edit.email_body.is_empty()).then(|| edit.email_body.clone()),
            Some(was) if was == edit.email_body => None,
            Some(_) => Some(edit.email_body.clone()),
        },
        attach_pdf: match b {
            None => edit.attach_pdf.then_some(true),
            Some(e) if e.attach_pdf == edit.attach_pdf => None,
            Some(_) => Some(edit.attach_pdf),
        },
    };
    crate::validate::template_upsert(&upsert)?;
    Ok(upsert)
}

/// The name pasted template JSON is reported under in errors (`pasted.json: line L, column C`).
pub const PASTED_JSON: &str = "pasted.json";

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

/// Reads pasted text as the template-file formats the CLI reads (`ops::files`): text starting
/// with `{` is template JSON (syntax errors with line and column, same field rules as
/// `template push`), anything else is the HTML body. The JSON's `id`/`eventId` are not kept:
/// the import fills the open editor, which saves into the current event.
pub fn import_template(text: &str, event_id: Uuid) -> Result<TemplateImport> {
    use crate::ops::files::{parse_json, template_push_from_json};
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(crate::Error::invalid(
            "import",
            "nothing to import: paste HTML or template JSON",
        ));
    }
    if !text.trim_start().starts_with('{') {
        return Ok(TemplateImport {
            kind: ImportKind::Html,
            edit: TemplateEdit {
                html: text.to_owned(),
                ..Default::default()
            },
            notes: Vec::new(),
        });
    }
    let path = std::path::Path::new(PASTED_JSON);
    let mut v = parse_json("import", path, text)?;
    let mut notes = Vec::new();
    if let Some(m) = v.as_object_mut() {
        if let Some(id) = m.remove("id").filter(|i| !i.is_null()) {
            notes.push(format!(
                "id {id} not kept: saving creates or updates the template open here"
            ));
        }
        m.insert(
            "eventId".into(),
            serde_json::Value::String(event_id.to_string()),
        );
    }
    let push = template_push_from_json("import", path, &v)?;
    notes.extend(
        push.ignored_keys
            .iter()
            .map(|k| format!("\"{k}\" ignored (not a template field)")),
    );
    let u = push.upsert;
    Ok(TemplateImport {
        kind: ImportKind::Json,
        edit: TemplateEdit {
            name: u.name,
            subject: u.subject,
            html: u.html,
            from_address: u.from_address.unwrap_or_default(),
            from_name: u.from_name.unwrap_or_default(),
            reply_to: u.reply_to.unwrap_or_default(),
            attach_pdf: u.attach_pdf.unwrap_or(false),
            email_body: u.email_body.unwrap_or_default(),
        },
        notes,
    })
}

/// The template as the JSON file `template push` and the import read (pretty, stable key
/// order); empty optional fields are left out.
pub fn export_json(edit: &TemplateEdit, template_id: Uuid, event_id: Uuid) -> String {
    let mut m = serde_json::Map::new();
    let mut put = |k: &str, v: serde_json::Value| {
        m.insert(k.to_owned(), v);
    };
    put("id", template_id.to_string().into());
    put("eventId", event_id.to_string().into());
    put("name", edit.name.clone().into());
    put("subject", edit.subject.clone().into());
    put("html", edit.html.clone().into());
    for (k, v) in [
        ("fromAddress", &edit.from_address),
        ("fromName", &edit.from_name),
        ("replyTo", &edit.reply_to),
        ("emailBody", &edit.email_body),
    ] {
        if !v.is_empty() {
            put(k, v.clone().into());
        }
    }
    put("attachPdf", edit.attach_pdf.into());
    serde_json::to_string_pretty(&serde_json::Value::Object(m)).unwrap_or_default()
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
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct EdgeCaseInfo {
    // Inlined: app types embedding this one then need no cross-crate import.
    #[ts(inline)]
    pub kind: EdgeCase,
    pub label: String,
}

pub const EDGE_CASES: [EdgeCase; 6] = [
    EdgeCase::LongestName,
    EdgeCase::NonAscii,
    EdgeCase::EmptyOptional,
    EdgeCase::ZeroPlusOnes,
    EdgeCase::SeveralTags,
    EdgeCase::HtmlLooking,
];

impl EdgeCase {
    pub fn label(self) -> &'static str {
        match self {
            EdgeCase::LongestName => "Longest name",
            EdgeCase::NonAscii => "Non-ASCII name",
            EdgeCase::EmptyOptional => "Empty optional fields",
            EdgeCase::ZeroPlusOnes => "0 plus-ones",
            EdgeCase::SeveralTags => "Several tags",
            EdgeCase::HtmlLooking => "HTML-looking values",
        }
    }

    /// A made-up attendee of `event_id` showing this case.
    pub fn guest(self, event_id: Uuid) -> Guest {
        let mut g = Guest {
            id: Uuid::nil(),
            event_id,
            first_name: "Alex".into(),
            last_name: "Example".into(),
            other_names: None,
            email: "alex.example@example.com".into(),
            barcode: Some("4GA6965Q1G5EZ0FB".into()),
            plus_ones: Some(1),
            additional_info: Some("Vegetarian".into()),
            tags: Some("VIP".into()),
            tickets: Some("Full pass".into()),
            sessions: None,
            custom_fields: Some(vec!["Acme Ltd".into()]),
            checked_in: None,
            check_in_time: None,
            extra: Default::default(),
        };
        match self {
            EdgeCase::LongestName => {
                g.first_name = "Maximiliana-Alexandrina Josephine".into();
                g.last_name = "Wolfeschlegelsteinhausenbergerdorff-Featherstonehaugh".into();
                g.other_names = Some("Bartholomew Constantine Percival".into());
                g.email = "maximiliana.wolfeschlegelsteinhausenbergerdorff@subdomain.example.co.uk"
                    .into();
            }
            EdgeCase::NonAscii => {
                g.first_name = "Zoë".into();
                g.last_name = "Łukasiewicz-Ångström 山田".into();
                g.email = "zoe.lukasiewicz@example.com".into();
                g.additional_info = Some("Café crème ☕ — naïve".into());
            }
            EdgeCase::EmptyOptional => {
                g.other_names = None;
                g.plus_ones = None;
                g.additional_info = None;
                g.tags = None;
                g.tickets = None;
                g.sessions = None;
                g.custom_fields = None;
            }
            EdgeCase::ZeroPlusOnes => g.plus_ones = Some(0),
            EdgeCase::SeveralTags => {
                g.tags = Some("VIP, Speaker, Press, Early bird".into());
                g.tickets = Some("Full pass, Workshop A".into());
                g.sessions = Some("Keynote, Panel 2, Closing".into());
            }
            EdgeCase::HtmlLooking => {
                g.first_name = "<script>document.title='pwned-guest'</script>".into();
                g.last_name = "<img src=x onerror=\"document.title='pwned-guest'\">".into();
                g.additional_info = Some("<a href=\"javascript:alert(1)\">click</a>".into());
                g.tags = Some("<b>bold</b>, \"quoted\" & 'single'".into());
            }
        }
        g
    }
}

/// One merge token with its description and the value for the preview attendee (plain text,
/// `None` = left literal: no data).
#[derive(Serialize, Clone, Debug, PartialEq, Eq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct TokenValue {
    pub name: String,
    pub description: String,
    pub value: Option<String>,
}

/// Every token (and `V_n` for each custom field, at least `V_1`) with its value for `ctx`.
pub fn token_values(ctx: &MergeContext) -> Vec<TokenValue> {
    let customs = ctx.guest.custom_fields.as_ref().map_or(0, Vec::len).max(1);
    let mut out = Vec::new();
    for info in tokens() {
        let names: Vec<String> = if info.name == "V_1" {
            (1..=customs).map(|n| format!("V_{n}")).collect()
        } else {
            vec![info.name.to_owned()]
        };
        for name in names {
            let src = format!("{{{{{name}}}}}");
            let mut unknown = Vec::new();
            let v = render_str(&src, TemplateField::Subject, ctx, &mut unknown);
            out.push(TokenValue {
                description: info.description.to_owned(),
                value: unknown.is_empty().then_some(v),
                name,
            });
        }
    }
    out
}

/// The CSP of the preview document: nothing may load or run except inline styles and `data:`
/// images (and remote images once the user allows them for this template).
pub fn preview_csp(allow_remote_images: bool) -> String {
    let img = if allow_remote_images {
        "data: https: http:"
    } else {
        "data:"
    };
    format!(
        "default-src 'none'; img-src {img}; style-src 'unsafe-inline'; font-src data:; base-uri 'none'; form-action 'none'"
    )
}

/// The `srcdoc` of the preview iframe: a CSP `<meta>` first (it governs everything after it,
/// whether `body` is a fragment or a whole document), then the rendered HTML. Meant for an
/// iframe with `sandbox=""` (no scripts, opaque origin): two independent locks.
/// `dark` emulates a client's forced dark mode (inverted colours, images kept).
pub fn preview_document(body: &str, allow_remote_images: bool, dark: bool) -> String {
    let mut doc = String::with_capacity(body.len() + 512);
    doc.push_str("<!DOCTYPE html><meta http-equiv=\"Content-Security-Policy\" content=\"");
    doc.push_str(&preview_csp(allow_remote_images));
    doc.push_str("\"><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><base target=\"_self\">");
    doc.push_str("<style>body{margin:8px;font-family:system-ui,sans-serif;overflow-wrap:anywhere}img{max-width:100%}</style>");
    if dark {
        doc.push_str("<style>html{background:#fff;filter:invert(1) hue-rotate(180deg)}img{filter:invert(1) hue-rotate(180deg)}</style>");
    }
    doc.push_str(body);
    doc
}

/// How many remote (`http:`/`https:`/protocol-relative) image sources the HTML has:
/// `src=` attributes and CSS `url(…)`.
pub fn remote_image_count(html: &str) -> u32 {
    let lower = html.to_ascii_lowercase();
    let mut n = 0u32;
    for pat in ["src=", "background=", "url("] {
        for (i, _) in lower.match_indices(pat) {
            let rest = lower[i + pat.len()..].trim_start_matches([' ', '"', '\'']);
            if rest.starts_with("http://") || rest.starts_with("https://") || rest.starts_with("//")
            {
                n += 1;
            }
        }
    }
    n
}

/// The inbox preview text: the first `max` characters of the visible text (no tags, no
/// `<style>`/`<script>`/`<head>`/`<title>` content, common entities decoded, whitespace collapsed).
/// Characters of `text` after entity decoding and whitespace collapsing (as `preheader` shows).
fn visible_chars(text: &str) -> usize {
    decode_entities(text)
        .split_whitespace()
        .map(|w| w.chars().count() + 1)
        .sum()
}

fn decode_entities(text: &str) -> String {
    text.replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

pub fn preheader(html: &str, max: usize) -> String {
    let lower = html.to_ascii_lowercase();
    let bytes = html.as_bytes();
    let mut text = String::new();
    let mut i = 0;
    let mut check_at = max.max(16) * 4;
    while i < bytes.len() {
        if bytes[i] == b'<' {
            let mut skipped = false;
            for tag in ["style", "script", "head", "title"] {
                let open = format!("<{tag}");
                if lower[i..].starts_with(&open)
                    && lower[i + open.len()..]
                        .starts_with(|c: char| c == '>' || c.is_ascii_whitespace())
                {
                    let close = format!("</{tag}");
                    i = lower[i..].find(&close).map_or(bytes.len(), |j| i + j);
                    skipped = true;
                    break;
                }
            }
            if !skipped {
                i = lower[i..].find('>').map_or(bytes.len(), |j| i + j + 1);
                text.push(' ');
            } else if let Some(j) = lower[i..].find('>') {
                i += j + 1;
            }
            continue;
        }
        let next = lower[i..].find('<').map_or(bytes.len(), |j| i + j);
        text.push_str(&html[i..next]);
        i = next;
        // Enough visible text already: the rest of a 100 KB body cannot change the result.
        if text.len() >= check_at {
            if visible_chars(&text) > max {
                break;
            }
            check_at = text.len() * 2;
        }
    }
    let text = decode_entities(&text);
    let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match collapsed.char_indices().nth(max) {
        Some((cut, _)) => format!("{}…", &collapsed[..cut]),
        None => collapsed,
    }
}

/// A byte offset into `src` as a UTF-16 offset (what the editor counts in). Offsets inside a
/// character are moved back to its start.
pub fn utf16_offset(src: &str, byte: usize) -> usize {
    let mut b = byte.min(src.len());
    while !src.is_char_boundary(b) {
        b -= 1;
    }
    src[..b].encode_utf16().count()
}

/// The tag on attendees this app creates for test sends ("send a test to me").
pub const TEST_TAG: &str = "qflow-console-test";

/// One test attendee, as listed before removing (the confirmation names them).
#[derive(Serialize, Clone, Debug, PartialEq, Eq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct TestAttendee {
    pub id: String,
    pub name: String,
    pub email: String,
}

/// The event's attendees tagged [`TEST_TAG`] (whole tag, any case), in list order.
pub fn test_attendees(list: &[Guest], event_id: Uuid) -> Vec<TestAttendee> {
    list.iter()
        .filter(|g| g.event_id == event_id && crate::ops::guests::has_tag(g, TEST_TAG))
        .map(|g| test_attendee(g.id, &g.first_name, &g.last_name, &g.email))
        .collect()
}

/// [`test_attendees`] of the app's cached list, read in place (no attendee is copied out).
pub fn cached_test_attendees(list: &crate::guest_list::GuestList) -> Vec<TestAttendee> {
    list.iter()
        .filter(|g| g.event_id() == list.event_id() && g.has_tag(TEST_TAG))
        .map(|g| test_attendee(g.id(), g.first_name(), g.last_name(), g.email()))
        .collect()
}

fn test_attendee(id: Uuid, first: &str, last: &str, email: &str) -> TestAttendee {
    TestAttendee {
        id: id.to_string(),
        name: format!("{first} {last}").trim().to_owned(),
        email: email.to_owned(),
    }
}

/// One attendee that could not be removed, and why.
#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
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

/// Deletes the confirmed test attendees (`DELETE /api/guest` with `{"id"}`, one each). The list
/// is re-read first and only attendees that still carry [`TEST_TAG`] are deleted, so an id the
/// user confirmed that was re-tagged meanwhile is skipped, never deleted. A failure is reported
/// per attendee and the rest continue; an already-deleted attendee counts as removed.
pub async fn remove_test_attendees(
    client: &crate::api::Client,
    event_id: Uuid,
    confirmed: &[Uuid],
) -> Result<TestAttendeesRemoved> {
    let current = test_attendees(&client.guests_list(event_id).await?, event_id);
    let mut out = TestAttendeesRemoved {
        removed: Vec::new(),
        failed: Vec::new(),
        skipped: 0,
    };
    for id in confirmed {
        let Some(a) = current.iter().find(|a| a.id == id.to_string()) else {
            out.skipped += 1;
            continue;
        };
        match client.guest_delete(*id).await {
            Ok(()) => out.removed.push(a.clone()),
            Err(e) => out.failed.push(RemoveFailure {
                attendee: a.clone(),
                error: e.body(),
            }),
        }
    }
    Ok(out)
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

const VOID_TAGS: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr", "param", "keygen", "frame", "basefont", "bgsound",
];
const RAW_TEXT_TAGS: &[&str] = &[
    "script", "style", "xmp", "iframe", "noembed", "noframes", "textarea", "title",
];
/// Start tags that close an open `<p>` (HTML parser, "in body"; no-quirks mode).
const CLOSES_P: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "center",
    "details",
    "dialog",
    "dir",
    "div",
    "dl",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hgroup",
    "hr",
    "main",
    "menu",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "ul",
    "listing",
    "li",
    "dd",
    "dt",
];
const SCOPE_TAGS: &[&str] = &[
    "html", "table", "td", "th", "caption", "marquee", "object", "applet", "template", "button",
    "svg", "math",
];

struct Open {
    tag: String,
    index: u32,
    children: u32,
}

/// The in-place edit for `old` → `new` when the change is inside one text run of the body
/// (the common keystroke); `None` when it touches markup, comments, raw text (style/script/
/// title), an entity the frame would decode differently, or text directly in `<body>`. A
/// lightweight tokenizer, not a parser: the frame verifies `old` before trusting the result.
pub fn text_node_edit(old: &str, new: &str) -> Option<TextNodeEdit> {
    let (a, b) = (old.as_bytes(), new.as_bytes());
    let (pre, suf) = changed_span(old, new);
    let unsafe_text = |m: &str| m.contains(['<', '&', '\r', '\0']);
    if old == new || unsafe_text(&old[pre..a.len() - suf]) || unsafe_text(&new[pre..b.len() - suf])
    {
        return None;
    }
    let lower = |s: &[u8]| String::from_utf8_lossy(s).to_ascii_lowercase();
    let find = |from: usize, pat: &[u8]| memchr::memmem::find(&a[from..], pat).map(|p| from + p);
    let mut stack: Vec<Open> = Vec::new();
    let mut counts: std::collections::HashMap<String, u32> = std::collections::HashMap::new();
    let mut i = 0;
    loop {
        // Text run [i, lt): up to the next '<' that starts markup.
        let mut lt = i;
        loop {
            lt = memchr::memchr(b'<', &a[lt..]).map_or(a.len(), |p| lt + p);
            let starts_markup = a
                .get(lt + 1)
                .is_some_and(|c| c.is_ascii_alphabetic() || matches!(c, b'/' | b'!' | b'?'));
            if lt >= a.len() || starts_markup {
                break;
            }
            lt += 1;
        }
        if pre >= i && pre <= lt {
            let parent = stack.last()?;
            let new_end = lt + b.len() - a.len();
            let (o, n) = (decode_text(&old[i..lt])?, decode_text(&new[i..new_end])?);
            if o.is_empty() || n.is_empty() || new.as_bytes()[new_end..] != a[lt..] {
                return None;
            }
            return Some(TextNodeEdit {
                tag: parent.tag.clone(),
                index: parent.index,
                child: parent.children,
                old: o,
                new: n,
            });
        }
        if lt >= a.len() {
            return None;
        }
        if lt > i {
            if let Some(p) = stack.last_mut() {
                p.children += 1;
            }
        }
        i = lt;
        let end = if a[i..].starts_with(b"<!--") {
            let e = find(i + 4, b"-->")? + 3;
            if let Some(p) = stack.last_mut() {
                p.children += 1;
            }
            e
        } else if a[i + 1] == b'!' || a[i + 1] == b'?' {
            let e = find(i, b">")? + 1;
            if !lower(&a[i..(i + 9).min(a.len())]).starts_with("<!doctype") {
                if let Some(p) = stack.last_mut() {
                    p.children += 1;
                }
            }
            e
        } else if a[i + 1] == b'/' {
            if !a.get(i + 2).is_some_and(u8::is_ascii_alphabetic) {
                return None;
            }
            let e = find(i, b">")? + 1;
            let name_end = a[i + 2..e]
                .iter()
                .position(|c| c.is_ascii_whitespace() || *c == b'/' || *c == b'>')
                .map_or(e, |p| i + 2 + p);
            let name = lower(&a[i + 2..name_end]);
            if let Some(at) = stack.iter().rposition(|o| o.tag == name) {
                stack.truncate(at);
            }
            e
        } else {
            let (name, e, self_closing) = start_tag(a, i)?;
            if pre < e {
                return None;
            }
            open_element(&mut stack, &mut counts, &name, self_closing);
            if RAW_TEXT_TAGS.contains(&name.as_str()) {
                let close = format!("</{name}");
                let content_end = find_ci(&a[e..], close.as_bytes()).map_or(a.len(), |p| e + p);
                if pre < content_end {
                    return None;
                }
                if content_end > e {
                    if let Some(p) = stack.last_mut() {
                        p.children += 1;
                    }
                }
                i = content_end;
                continue;
            }
            if name == "plaintext" {
                return None;
            }
            e
        };
        if pre < end {
            return None;
        }
        i = end;
    }
}

/// The bytes `old` and `new` share at the start and, after that, at the end, both on char
/// boundaries: what lies between is the one range an edit replaced.
pub fn changed_span(old: &str, new: &str) -> (usize, usize) {
    let (a, b) = (old.as_bytes(), new.as_bytes());
    let mut pre = same_prefix(a, b);
    while !old.is_char_boundary(pre) || !new.is_char_boundary(pre) {
        pre -= 1;
    }
    let mut suf = same_suffix(&a[pre..], &b[pre..]);
    while !old.is_char_boundary(a.len() - suf) || !new.is_char_boundary(b.len() - suf) {
        suf -= 1;
    }
    (pre, suf)
}

/// Equal leading bytes, compared in 4 KB blocks (slice equality is a memcmp).
fn same_prefix(a: &[u8], b: &[u8]) -> usize {
    let max = a.len().min(b.len());
    let mut n = 0;
    while n + 4096 <= max && a[n..n + 4096] == b[n..n + 4096] {
        n += 4096;
    }
    n + a[n..max]
        .iter()
        .zip(&b[n..max])
        .take_while(|(x, y)| x == y)
        .count()
}

fn same_suffix(a: &[u8], b: &[u8]) -> usize {
    let max = a.len().min(b.len());
    let mut n = 0;
    while n + 4096 <= max
        && a[a.len() - n - 4096..a.len() - n] == b[b.len() - n - 4096..b.len() - n]
    {
        n += 4096;
    }
    n + a[..a.len() - n]
        .iter()
        .rev()
        .zip(b[..b.len() - n].iter().rev())
        .take_while(|(x, y)| x == y)
        .count()
}

/// The first ASCII-case-insensitive occurrence of `pat` (lower case) in `hay`.
fn find_ci(hay: &[u8], pat: &[u8]) -> Option<usize> {
    let mut from = 0;
    while let Some(p) = memchr::memchr(b'<', &hay[from..]) {
        let at = from + p;
        if hay.len() - at >= pat.len() && hay[at..at + pat.len()].eq_ignore_ascii_case(pat) {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

/// A start tag at `i`: its lower-case name, the index after its `>`, and whether it ends `/>`.
fn start_tag(a: &[u8], i: usize) -> Option<(String, usize, bool)> {
    let mut j = i + 1;
    while j < a.len() && !(a[j].is_ascii_whitespace() || a[j] == b'/' || a[j] == b'>') {
        j += 1;
    }
    let name = String::from_utf8_lossy(&a[i + 1..j]).to_ascii_lowercase();
    loop {
        while j < a.len() && a[j].is_ascii_whitespace() {
            j += 1;
        }
        match a.get(j)? {
            b'>' => return Some((name, j + 1, false)),
            b'/' if a.get(j + 1) == Some(&b'>') => return Some((name, j + 2, true)),
            b'/' => j += 1,
            _ => {
                while j < a.len()
                    && !(a[j].is_ascii_whitespace() || matches!(a[j], b'/' | b'>' | b'='))
                {
                    j += 1;
                }
                while j < a.len() && a[j].is_ascii_whitespace() {
                    j += 1;
                }
                if a.get(j) == Some(&b'=') {
                    j += 1;
                    while j < a.len() && a[j].is_ascii_whitespace() {
                        j += 1;
                    }
                    match a.get(j)? {
                        q @ (b'"' | b'\'') => {
                            let q = *q;
                            j += 1 + memchr::memchr(q, &a[j + 1..])? + 1;
                        }
                        _ => {
                            while j < a.len() && !(a[j].is_ascii_whitespace() || a[j] == b'>') {
                                j += 1;
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The stack after a start tag, with the parser's common implied end tags.
fn open_element(
    stack: &mut Vec<Open>,
    counts: &mut std::collections::HashMap<String, u32>,
    name: &str,
    self_closing: bool,
) {
    let close_to = |stack: &mut Vec<Open>, target: &[&str], stop: &[&str]| {
        for k in (0..stack.len()).rev() {
            if target.contains(&stack[k].tag.as_str()) {
                stack.truncate(k);
                return;
            }
            if stop.contains(&stack[k].tag.as_str()) {
                return;
            }
        }
    };
    if CLOSES_P.contains(&name) {
        close_to(stack, &["p"], SCOPE_TAGS);
    }
    match name {
        "h1" | "h2" | "h3" | "h4" | "h5" | "h6"
            if stack.last().is_some_and(|o| {
                matches!(o.tag.as_str(), "h1" | "h2" | "h3" | "h4" | "h5" | "h6")
            }) =>
        {
            stack.pop();
        }
        "li" => close_to(stack, &["li"], &["ul", "ol", "table", "td", "th"]),
        "dd" | "dt" => close_to(stack, &["dd", "dt"], &["dl", "table", "td", "th"]),
        "tr" => close_to(stack, &["tr"], &["table", "tbody", "thead", "tfoot"]),
        "td" | "th" => close_to(stack, &["td", "th"], &["tr", "table"]),
        "tbody" | "thead" | "tfoot" => close_to(stack, &["tbody", "thead", "tfoot"], &["table"]),
        _ => {}
    }
    if matches!(name, "html" | "head" | "body") {
        return;
    }
    let n = counts.entry(name.to_owned()).or_insert(0);
    let index = *n;
    *n += 1;
    if let Some(p) = stack.last_mut() {
        p.children += 1;
    }
    let foreign = stack.iter().any(|o| o.tag == "svg" || o.tag == "math");
    if !(VOID_TAGS.contains(&name) || self_closing && foreign) {
        stack.push(Open {
            tag: name.to_owned(),
            index,
            children: 0,
        });
    }
}

/// Text as the parser decodes it, for the entities the merge engine and editors produce;
/// `None` for any other `&` (the frame then reloads the document instead).
fn decode_text(s: &str) -> Option<String> {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(p) = rest.find('&') {
        out.push_str(&rest[..p]);
        rest = &rest[p..];
        let semi = rest.find(';').filter(|&k| k <= 10)?;
        let ent = &rest[1..semi];
        let c = match ent {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" => '\'',
            "nbsp" => '\u{a0}',
            _ => {
                let code =
                    if let Some(h) = ent.strip_prefix("#x").or_else(|| ent.strip_prefix("#X")) {
                        u32::from_str_radix(h, 16).ok()?
                    } else {
                        ent.strip_prefix('#')?.parse::<u32>().ok()?
                    };
                // Controls and surrogates are remapped by the parser: leave them to a reload.
                if code < 0x20 || (0x7f..0xa0).contains(&code) {
                    return None;
                }
                char::from_u32(code)?
            }
        };
        out.push(c);
        rest = &rest[semi + 1..];
    }
    out.push_str(rest);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_node_edit_finds_the_text_run_typed_into() {
        let doc = "<!DOCTYPE html><meta charset=\"utf-8\"><style>p{x:1}</style><table><tr><td><h2>Hi {{a}}</h2><p>One &amp; two <b>bold</b> tail</p></td></tr></table><p>Typed: ";
        let typed =
            |old: &str, from: &str, to: &str| text_node_edit(old, &old.replacen(from, to, 1));
        let parts = |e: &TextNodeEdit| {
            (
                e.tag.clone(),
                e.index,
                e.child,
                e.old.clone(),
                e.new.clone(),
            )
        };
        let want = |tag: &str, index, child, old: &str, new: &str| {
            (tag.to_owned(), index, child, old.to_owned(), new.to_owned())
        };
        let e = text_node_edit(doc, &format!("{doc}T")).unwrap();
        assert_eq!(parts(&e), want("p", 1, 0, "Typed: ", "Typed: T"));
        let e = typed(doc, " tail", " tails").unwrap();
        assert_eq!(parts(&e), want("p", 0, 2, " tail", " tails"));
        let e = typed(doc, "One &amp;", "Once &amp;").unwrap();
        assert_eq!(
            (e.tag.as_str(), e.child, e.old.as_str(), e.new.as_str()),
            ("p", 0, "One & two ", "Once & two ")
        );
        let e = typed(doc, "Hi {{a}}", "Hi {{ab}}").unwrap();
        assert_eq!((e.tag.as_str(), e.index, e.child), ("h2", 0, 0));
        // Markup, raw text, attributes, entities and text straight in <body>: a reload.
        assert_eq!(typed(doc, "<b>", "<i>"), None);
        assert_eq!(typed(doc, "p{x:1}", "p{x:2}"), None);
        assert_eq!(typed(doc, "charset=\"utf-8\"", "charset=\"utf-9\""), None);
        assert_eq!(typed(doc, "two", "tw&o"), None);
        assert_eq!(text_node_edit("<p>a</p>b", "<p>a</p>bc"), None);
        assert_eq!(text_node_edit("<p>ab</p>", "<p></p>"), None);
        // Implied end tags: a <p> closed by a <div>, a <td> by the next <td>.
        let e = text_node_edit("<p>x<div>y</div>", "<p>x<div>yz</div>").unwrap();
        assert_eq!((e.tag.as_str(), e.index, e.child), ("div", 0, 0));
        let e = text_node_edit(
            "<table><tr><td>a<td>b<!-- c --> d</table>",
            "<table><tr><td>a<td>b<!-- c --> de</table>",
        )
        .unwrap();
        assert_eq!(
            (e.tag.as_str(), e.index, e.child, e.old.as_str()),
            ("td", 1, 2, " d")
        );
        // Attributes holding '>' and '<' do not end the tag early.
        let e = text_node_edit(
            "<a title='a>b' href=\"<x\">go</a>",
            "<a title='a>b' href=\"<x\">got</a>",
        )
        .unwrap();
        assert_eq!(
            (e.tag.as_str(), e.old.as_str(), e.new.as_str()),
            ("a", "go", "got")
        );
        assert_eq!(
            decode_text("&#233;&#xe9;&nbsp;"),
            Some("éé\u{a0}".to_owned())
        );
        assert_eq!(decode_text("&copy;"), None);
    }
    use crate::merge::{render_template, MergeContext};
    use crate::models::Event;
    use chrono::NaiveDate;
    use serde_json::json;

    #[test]
    fn import_reads_html_and_json_and_reports_json_errors_with_line_and_column() {
        let ev = Uuid::parse_str("00000000-0000-0000-0000-0000000000e1").unwrap();
        let h = import_template("\u{feff}<p>Hi {{firstname}}</p>", ev).unwrap();
        assert_eq!(h.kind, ImportKind::Html);
        assert_eq!(h.edit.html, "<p>Hi {{firstname}}</p>");

        let edit = TemplateEdit {
            name: "Ticket".into(),
            subject: "Hi {{firstname}}".into(),
            html: "<h1>x</h1>".into(),
            reply_to: "help@example.com".into(),
            attach_pdf: true,
            ..Default::default()
        };
        let exported = export_json(&edit, Uuid::new_v4(), Uuid::new_v4());
        let back = import_template(&exported, ev).unwrap();
        assert_eq!(back.kind, ImportKind::Json);
        assert_eq!(back.edit, edit, "export then import round-trips");
        assert!(
            back.notes.iter().any(|n| n.contains("not kept")),
            "{:?}",
            back.notes
        );

        let e = import_template("{\n  \"name\": \"x\",\n  \"html\" 1\n}", ev).unwrap_err();
        assert!(e.is_bad_input());
        assert!(
            e.to_string().contains("pasted.json: line 3, column 10"),
            "{e}"
        );
        let e = import_template("{\"name\": \"x\", \"subject\": \"\"}", ev).unwrap_err();
        assert!(e.to_string().contains("\"html\" is required"), "{e}");
        assert!(import_template("  ", ev).unwrap_err().is_bad_input());
    }

    fn stored() -> Template {
        serde_json::from_value(json!({
            "id": "7bc31757-5a82-4d7a-8767-bb508f6d3481",
            "eventId": "00000000-0000-0000-0000-0000000000e1",
            "name": "Welcome ticket",
            "subject": "Your ticket for {{event}}",
            "html": "<h1>Hi {{firstname}}!</h1>",
            "fromAddress": "tickets@yourbrand.com",
            "fromName": "Your Brand Tickets",
            "replyTo": "support@yourbrand.com",
            "attachPdf": false,
            "emailBody": null,
            "created": "2026-05-08T10:00:00Z"
        }))
        .unwrap()
    }

    fn wire(u: &TemplateUpsert) -> serde_json::Value {
        serde_json::to_value(u).unwrap()
    }

    #[test]
    fn untouched_update_sends_only_the_core_fields() {
        let t = stored();
        let edit = TemplateEdit::from_template(&t);
        let u = upsert_payload(Some(&t), &edit, Uuid::nil(), Uuid::new_v4()).unwrap();
        assert_eq!(
            wire(&u),
            json!({
                "id": "7bc31757-5a82-4d7a-8767-bb508f6d3481",
                "eventId": "00000000-0000-0000-0000-0000000000e1",
                "name": "Welcome ticket",
                "subject": "Your ticket for {{event}}",
                "html": "<h1>Hi {{firstname}}!</h1>"
            })
        );
    }

    #[test]
    fn cleared_optional_is_sent_as_empty_string_and_changed_as_value() {
        let t = stored();
        let mut edit = TemplateEdit::from_template(&t);
        edit.from_address.clear();
        edit.from_name = "Acme Events".into();
        edit.subject = "Changed {{firstname}}".into();
        let u = upsert_payload(Some(&t), &edit, Uuid::nil(), Uuid::new_v4()).unwrap();
        let w = wire(&u);
        assert_eq!(w["fromAddress"], json!(""));
        assert_eq!(w["fromName"], json!("Acme Events"));
        assert_eq!(w["subject"], json!("Changed {{firstname}}"));
        assert!(w.get("replyTo").is_none(), "untouched replyTo omitted: {w}");
        assert!(
            w.get("emailBody").is_none() && w.get("attachPdf").is_none(),
            "{w}"
        );
    }

    #[test]
    fn attach_pdf_is_sent_only_when_changed_including_false() {
        let mut t = stored();
        t.attach_pdf = true;
        t.email_body = Some("<p>Attached</p>".into());
        let mut edit = TemplateEdit::from_template(&t);
        edit.attach_pdf = false;
        edit.email_body.clear();
        let w = wire(&upsert_payload(Some(&t), &edit, Uuid::nil(), Uuid::new_v4()).unwrap());
        assert_eq!(w["attachPdf"], json!(false));
        assert_eq!(w["emailBody"], json!(""));
    }

    #[test]
    fn create_uses_the_client_id_and_omits_empty_optionals() {
        let id = Uuid::new_v4();
        let event = Uuid::new_v4();
        let edit = TemplateEdit {
            name: " New ".into(),
            subject: "".into(),
            html: "<p>Hi {{firstname}}</p>".into(),
            reply_to: "help@example.com".into(),
            ..Default::default()
        };
        let w = wire(&upsert_payload(None, &edit, event, id).unwrap());
        assert_eq!(
            w,
            json!({
                "id": id.to_string(), "eventId": event.to_string(), "name": "New",
                "subject": "", "html": "<p>Hi {{firstname}}</p>", "replyTo": "help@example.com"
            })
        );
    }

    #[test]
    fn invalid_edits_are_rejected_with_the_field() {
        let base = TemplateEdit {
            name: "T".into(),
            html: "<p>x</p>".into(),
            ..Default::default()
        };
        for (edit, field) in [
            (
                TemplateEdit {
                    name: " ".into(),
                    ..base.clone()
                },
                "name",
            ),
            (
                TemplateEdit {
                    html: "plain text".into(),
                    ..base.clone()
                },
                "html",
            ),
            (
                TemplateEdit {
                    from_address: "not-an-email".into(),
                    ..base.clone()
                },
                "fromAddress",
            ),
        ] {
            let err = upsert_payload(None, &edit, Uuid::new_v4(), Uuid::new_v4()).unwrap_err();
            assert_eq!(err.body().field.as_deref(), Some(field), "{err:?}");
        }
    }

    fn ctx(g: Guest) -> MergeContext {
        let event: Event = serde_json::from_value(json!({
            "id": Uuid::nil(), "title": "Tokyo Developer Day",
            "startTime": "2026-06-01T10:00:00", "endTime": "2026-06-01T17:30:00",
            "timeZoneId": "Asia/Tokyo"
        }))
        .unwrap();
        assert_eq!(
            event.start_time.date(),
            NaiveDate::from_ymd_opt(2026, 6, 1).unwrap()
        );
        MergeContext::new(g, event)
    }

    #[test]
    fn html_looking_values_are_escaped_by_the_engine() {
        let c = ctx(EdgeCase::HtmlLooking.guest(Uuid::nil()));
        let edit = TemplateEdit {
            html: "<p>{{firstname}} {{lastname}} {{guestnotes}}</p>".into(),
            ..Default::default()
        };
        let r = render_template(&edit.fields(), &c);
        assert!(
            !r.html.contains("<script") && !r.html.contains("<img") && !r.html.contains("<a "),
            "{}",
            r.html
        );
        assert!(r.html.contains("&lt;script&gt;"));
    }

    #[test]
    fn token_values_cover_every_token_with_no_data_as_none() {
        let c = ctx(EdgeCase::EmptyOptional.guest(Uuid::nil()));
        let v = token_values(&c);
        let get = |n: &str| v.iter().find(|t| t.name == n).unwrap().value.clone();
        assert_eq!(get("firstname").as_deref(), Some("Alex"));
        assert_eq!(get("event").as_deref(), Some("Tokyo Developer Day"));
        assert_eq!(get("date").as_deref(), Some("01 June 2026"));
        assert_eq!(get("guestnotes"), None);
        assert_eq!(get("plusones").as_deref(), Some(""));
        assert!(v.iter().any(|t| t.name == "V_1"));
        assert_eq!(v.len(), tokens().len());
    }

    #[test]
    fn preview_document_starts_with_a_strict_csp() {
        let d = preview_document("<p>x</p>", false, false);
        assert!(d.starts_with("<!DOCTYPE html><meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:;"), "{d}");
        assert!(
            !d.contains("script-src"),
            "scripts fall under default-src 'none'"
        );
        assert!(preview_document("<p>x</p>", true, false).contains("img-src data: https: http:"));
        assert!(preview_document("<p>x</p>", false, true).contains("invert(1)"));
    }

    #[test]
    fn remote_images_are_counted() {
        assert_eq!(remote_image_count("<img src=\"https://a/b.png\"><img src='data:x'><div style=\"background:url(http://x/y)\"><img SRC=//cdn/x>"), 3);
        assert_eq!(remote_image_count("<a href=\"https://x\">x</a>"), 0);
    }

    #[test]
    fn preheader_is_the_visible_text() {
        let h = "<html><head><title>T</title><style>p{color:red}</style></head><body><h1>Hi Ana &amp; Bo</h1>\n<p>Your   ticket</p><script>x()</script></body></html>";
        assert_eq!(preheader(h, 100), "Hi Ana & Bo Your ticket");
        assert_eq!(preheader("<p>abcdef</p>", 3), "abc…");
        // A long body stops early with the same result as reading it all.
        let long = "<p>Tom &amp; Ana  </p>\n".repeat(5000);
        let want = "Tom & Ana ".repeat(12);
        assert_eq!(preheader(&long, 110), format!("{}…", &want[..110]));
        assert_eq!(preheader("<p>a &amp;</p>", 3), "a &");
    }

    #[test]
    fn utf16_offsets_count_code_units() {
        let s = "Zoë 😀 {{x}}";
        let byte = s.find("{{").unwrap();
        assert_eq!(utf16_offset(s, byte), "Zoë 😀 ".encode_utf16().count());
        assert_eq!(utf16_offset(s, 3), 2, "inside ë → its start");
    }

    mod against_the_sandbox {
        use super::*;
        use crate::api::Client;
        use crate::models::GuestCreate;
        use qflow_sandbox::{Sandbox, SandboxConfig};

        async fn setup() -> (Sandbox, Client) {
            let sb = Sandbox::start(SandboxConfig {
                attendees: 4,
                rate_limits: false,
                ..SandboxConfig::default()
            })
            .await
            .unwrap();
            let c = crate::test_support::demo_client(&sb, None);
            (sb, c)
        }

        async fn add(c: &Client, event_id: Uuid, email: &str, tags: &str) -> Guest {
            c.guest_create(&GuestCreate {
                guest: Guest {
                    id: Uuid::new_v4(),
                    event_id,
                    first_name: "Test".into(),
                    last_name: "(Qflow Console)".into(),
                    email: email.into(),
                    tags: Some(tags.into()),
                    ..Guest::default()
                },
                comms_template_id: None,
                correlation_id: None,
            })
            .await
            .unwrap()
        }

        #[tokio::test]
        async fn removes_only_tagged_test_attendees_and_reports_each() {
            let (sb, c) = setup().await;
            let event = c
                .events_list(
                    chrono::Utc::now().naive_utc() - chrono::Duration::days(30),
                    chrono::Utc::now().naive_utc() + chrono::Duration::days(183),
                )
                .await
                .unwrap()[0]
                .id
                .unwrap();
            let before = c.guests_list(event).await.unwrap().len();
            let a = add(&c, event, "a@example.com", TEST_TAG).await;
            let b = add(&c, event, "b@example.com", "VIP, QFLOW-CONSOLE-TEST").await;
            let keep = add(&c, event, "keep@example.com", "qflow-console-tests").await;

            let found = test_attendees(&c.guests_list(event).await.unwrap(), event);
            let mut ids: Vec<String> = found.iter().map(|t| t.id.clone()).collect();
            ids.sort();
            let mut want = vec![a.id.to_string(), b.id.to_string()];
            want.sort();
            assert_eq!(ids, want);

            // `keep` is confirmed by mistake: it is not tagged, so it is skipped, not deleted.
            let done = remove_test_attendees(&c, event, &[a.id, b.id, keep.id])
                .await
                .unwrap();
            assert_eq!(done.removed.len(), 2);
            assert!(done.failed.is_empty());
            assert_eq!(done.skipped, 1);
            let after = c.guests_list(event).await.unwrap();
            assert_eq!(after.len(), before + 1);
            assert!(after.iter().any(|g| g.id == keep.id));
            assert!(test_attendees(&after, event).is_empty());
            assert_eq!(sb.requests("DELETE", "/api/guest"), 2);

            // A second run finds nothing left to delete and sends no DELETE.
            let again = remove_test_attendees(&c, event, &[a.id]).await.unwrap();
            assert!(again.removed.is_empty());
            assert_eq!(again.skipped, 1);
            assert_eq!(sb.requests("DELETE", "/api/guest"), 2);
        }
    }
}
