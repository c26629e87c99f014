//! The merge-token engine: one implementation for the CLI's `template render`, the editor's
//! preview and the send path's pre-flight.
//!
//! Decisions where the guide is silent (documented here, tested below):
//! - **Names** are matched exactly as the guide writes them (lowercase, `V_n`), with no
//!   whitespace inside the braces. `{{FirstName}}` and `{{ firstname }}` are *not* replaced:
//!   we cannot know that Qflow tolerates them, so the preview shows what we are sure ships, and
//!   they are reported with a suggestion.
//! - **No data** (None or empty) leaves the token literal, as the guide says ("typo, no data"),
//!   and is reported with reason `noData`. Exception from the guide: `{{plusones}}` is empty
//!   when 0 or unset. `{{fullname}}` is `first + " " + last` trimmed; no data when both empty.
//! - **Escaping**: values are HTML-escaped (`& < > " '`) in `html` and `emailBody`, inserted
//!   as-is in the subject (line breaks there become spaces: a header has one line).
//! - **Tag groups** (`tags`, `tickets`, `sessions`) are comma-separated on the wire; each group
//!   is trimmed, empty ones dropped. In HTML they are escaped then joined with `<br>` ("one per
//!   line" as rendered); in the subject joined with `", "`.
//! - **Times**: an event's `startTime`/`endTime` without an offset *are* the event's local time
//!   and are formatted directly; a time carrying `Z`/an offset (accepted by
//!   [`MergeContext::from_json`]) is first converted to `timeZoneId`. `{{date}}` is
//!   `dd MMMM yyyy` with English month names ("01 June 2026"), times are `HH:mm`.
//! - **`{{barcode_qr}}`** is [`DEFAULT_QR_BASE`] + the percent-encoded barcode unless the
//!   context overrides it. The base URL is **our guess** (the guide only says "fully-qualified
//!   QR-code image URL"); the preview replaces it with a local `data:` URL.
//! - **Courier mode**: see [`render_template`].

pub mod lint;
mod plan;
pub(crate) mod scan;
pub(crate) mod tokens;

use chrono::{DateTime, NaiveDateTime};
use chrono_tz::Tz;
use serde::Serialize;
use serde_json::Value;
use ts_rs::TS;
use uuid::Uuid;

use crate::models::{Event, Guest, Template, TemplateUpsert};
use crate::{Error, Result};

pub use plan::{MergePlan, PlanSlot, RecipientValues};
pub use tokens::{tokens, TokenInfo};

/// Where `{{barcode_qr}}` points by default: `<base><barcode>`. A guess at Qflow's QR service;
/// override with [`MergeContext::qr_base`] or [`MergeContext::barcode_qr_url`].
pub const DEFAULT_QR_BASE: &str = "https://api-uksouth-01.qflowhub.io/qr/";

/// The email body Qflow sends when `attachPdf` is on and `emailBody` is null (the guide's text).
pub const COURIER_FALLBACK_BODY: &str = "Please find your invitation attached.";

/// Everything a token can be replaced with, for one recipient.
#[derive(Clone, Debug, PartialEq)]
pub struct MergeContext {
    pub guest: Guest,
    pub event: Event,
    /// `{{companyname}}` (account profile; the API has no endpoint for it).
    pub company_name: Option<String>,
    /// `{{rsvplink_yes}}` / `{{rsvplink_no}}`.
    pub rsvp_yes: Option<String>,
    pub rsvp_no: Option<String>,
    /// Replaces the computed `{{barcode_qr}}` URL (the preview uses a `data:` URL).
    pub barcode_qr_url: Option<String>,
    /// Base of the computed `{{barcode_qr}}` URL.
    pub qr_base: String,
}

impl MergeContext {
    pub fn new(guest: Guest, event: Event) -> Self {
        MergeContext {
            guest,
            event,
            company_name: None,
            rsvp_yes: None,
            rsvp_no: None,
            barcode_qr_url: None,
            qr_base: DEFAULT_QR_BASE.to_owned(),
        }
    }

    /// From API-shaped JSON (`GET /api/guest/{id}`, `GET /api/event/{id}`). The guest's `id`
    /// and `eventId` may be absent (offline rendering). Event times may carry `Z` or an offset:
    /// they are converted to the event's zone first.
    pub fn from_json(guest: &Value, event: &Value) -> Result<Self> {
        let mut g = guest
            .as_object()
            .cloned()
            .ok_or_else(|| Error::invalid("guest", "expected a JSON object"))?;
        for key in ["id", "eventId"] {
            if g.get(key).is_none_or(Value::is_null) {
                g.insert(key.into(), Value::String(Uuid::nil().to_string()));
            }
        }
        let guest: Guest = serde_json::from_value(Value::Object(g))
            .map_err(|e| Error::invalid("guest", e.to_string()))?;
        let mut e = event
            .as_object()
            .cloned()
            .ok_or_else(|| Error::invalid("event", "expected a JSON object"))?;
        let zone = e
            .get("timeZoneId")
            .and_then(Value::as_str)
            .ok_or_else(|| {
                Error::invalid(
                    "event.timeZoneId",
                    "is required (an IANA zone such as Europe/London)",
                )
            })?
            .to_owned();
        if zone.parse::<Tz>().is_err() {
            return Err(Error::invalid(
                "event.timeZoneId",
                format!("'{zone}' is not an IANA time zone (e.g. Europe/London)"),
            ));
        }
        for key in ["startTime", "endTime"] {
            let raw = e
                .get(key)
                .and_then(Value::as_str)
                .ok_or_else(|| Error::invalid(format!("event.{key}"), "is required"))?;
            let local = event_local_time(&format!("event.{key}"), raw, &zone)?;
            e.insert(
                key.into(),
                Value::String(local.format("%Y-%m-%dT%H:%M:%S%.f").to_string()),
            );
        }
        let event: Event = serde_json::from_value(Value::Object(e))
            .map_err(|e| Error::invalid("event", e.to_string()))?;
        Ok(MergeContext::new(guest, event))
    }

    pub fn with_company_name(mut self, name: impl Into<String>) -> Self {
        self.company_name = Some(name.into());
        self
    }

    pub fn with_rsvp_links(mut self, yes: impl Into<String>, no: impl Into<String>) -> Self {
        self.rsvp_yes = Some(yes.into());
        self.rsvp_no = Some(no.into());
        self
    }

    pub fn with_barcode_qr_url(mut self, url: impl Into<String>) -> Self {
        self.barcode_qr_url = Some(url.into());
        self
    }

    pub fn with_qr_base(mut self, base: impl Into<String>) -> Self {
        self.qr_base = base.into();
        self
    }
}

/// An API time string as the event's local wall time: no offset = already local; `Z` or an
/// offset = converted to `zone` (DST-aware via chrono-tz).
pub fn event_local_time(field: &str, raw: &str, zone: &str) -> Result<NaiveDateTime> {
    let tz: Tz = zone.parse().map_err(|_| {
        Error::invalid(
            field,
            format!("time zone '{zone}' is not an IANA zone (e.g. Europe/London)"),
        )
    })?;
    if let Ok(t) = raw.parse::<NaiveDateTime>() {
        return Ok(t);
    }
    DateTime::parse_from_rfc3339(raw)
        .map(|t| t.with_timezone(&tz).naive_local())
        .map_err(|_| {
            Error::invalid(
                field,
                format!("'{raw}' is not a date-time like 2026-06-01T10:00:00"),
            )
        })
}

/// The parts of a template rendering and linting look at. Build it from a [`Template`], a
/// [`TemplateUpsert`] or a file's fields.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TemplateFields<'a> {
    pub subject: &'a str,
    pub html: &'a str,
    pub attach_pdf: bool,
    /// `Some("")` counts as null (the guide's "clear").
    pub email_body: Option<&'a str>,
    pub from_address: Option<&'a str>,
}

impl<'a> From<&'a Template> for TemplateFields<'a> {
    fn from(t: &'a Template) -> Self {
        TemplateFields {
            subject: t.subject.as_deref().unwrap_or(""),
            html: &t.html,
            attach_pdf: t.attach_pdf,
            email_body: t.email_body.as_deref(),
            from_address: t.from_address.as_deref(),
        }
    }
}

/// `attachPdf: None` (keep) is read as off: the linter cannot see the stored value.
impl<'a> From<&'a TemplateUpsert> for TemplateFields<'a> {
    fn from(t: &'a TemplateUpsert) -> Self {
        TemplateFields {
            subject: &t.subject,
            html: &t.html,
            attach_pdf: t.attach_pdf.unwrap_or(false),
            email_body: t.email_body.as_deref(),
            from_address: t.from_address.as_deref(),
        }
    }
}

impl TemplateFields<'_> {
    /// The courier body that applies: set, non-empty, and `attachPdf` on.
    fn courier_body(&self) -> Option<&str> {
        self.email_body.filter(|b| self.attach_pdf && !b.is_empty())
    }
}

/// Which template field a report is about (wire names).
#[derive(Serialize, Clone, Copy, Debug, PartialEq, Eq, Hash, TS)]
#[ts(export_to = "../../../ui/src/bindings/")]
pub enum TemplateField {
    #[serde(rename = "subject")]
    Subject,
    #[serde(rename = "html")]
    Html,
    #[serde(rename = "emailBody")]
    EmailBody,
    #[serde(rename = "fromAddress")]
    FromAddress,
}

/// Why a `{{…}}` was left literal.
#[derive(Serialize, Clone, Copy, Debug, PartialEq, Eq, TS)]
#[serde(rename_all = "camelCase")]
pub enum UnknownReason {
    /// Not a token of the guide's table (typo, wrong case, spaces inside the braces).
    Unknown,
    /// A known token without a value for this recipient/event.
    NoData,
}

/// A `{{…}}` left literal in the output. `offset` is the byte offset of `{{` in the field's
/// source; `line`/`col` are 1-based, `col` counted in characters.
#[derive(Serialize, Clone, Debug, PartialEq, Eq, TS)]
#[serde(rename_all = "camelCase")]
pub struct UnknownToken {
    pub field: TemplateField,
    /// As written, braces included.
    pub token: String,
    pub reason: UnknownReason,
    #[ts(type = "number")]
    pub offset: usize,
    pub line: u32,
    pub col: u32,
    /// Did you mean … (braces included).
    pub suggestion: Option<String>,
}

/// The result of rendering a template for one recipient.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    /// The rendered `html` field.
    pub html: String,
    /// The email body when it is not `html` (courier mode: `attachPdf` on). `None` = the email
    /// body is `html`. See [`Rendered::sent_body`].
    pub email_body: Option<String>,
    /// The PDF's HTML when `attachPdf` is on (= `html`).
    pub pdf_html: Option<String>,
    pub unknown_tokens: Vec<UnknownToken>,
}

impl Rendered {
    /// The email body actually sent.
    pub fn sent_body(&self) -> &str {
        self.email_body.as_deref().unwrap_or(&self.html)
    }
}

/// `template render --json`: exactly `{subject, html, emailBody, unknownTokens}`. `emailBody`
/// is null when the email body is `html` (attachPdf off).
#[derive(Serialize, Clone, Debug, PartialEq, Eq, TS)]
#[serde(rename_all = "camelCase")]
pub struct RenderJson {
    pub subject: String,
    pub html: String,
    pub email_body: Option<String>,
    pub unknown_tokens: Vec<UnknownToken>,
}

impl From<Rendered> for RenderJson {
    fn from(r: Rendered) -> Self {
        RenderJson {
            subject: r.subject,
            html: r.html,
            email_body: r.email_body,
            unknown_tokens: r.unknown_tokens,
        }
    }
}

/// Renders subject, html and (courier mode) the email body:
/// - `attachPdf` off: the email body is `html`; `emailBody` is ignored (not rendered).
/// - `attachPdf` on, `emailBody` set: the email carries `emailBody`, the PDF `html`.
/// - `attachPdf` on, `emailBody` null/empty: the email body is [`COURIER_FALLBACK_BODY`], the
///   PDF `html`.
pub fn render_template(t: &TemplateFields<'_>, ctx: &MergeContext) -> Rendered {
    let values = Values::new(ctx);
    let mut unknown = Vec::new();
    let subject = render_field(t.subject, TemplateField::Subject, &values, &mut unknown);
    let html = render_field(t.html, TemplateField::Html, &values, &mut unknown);
    let (email_body, pdf_html) = if t.attach_pdf {
        let body = match t.courier_body() {
            Some(b) => render_field(b, TemplateField::EmailBody, &values, &mut unknown),
            None => COURIER_FALLBACK_BODY.to_owned(),
        };
        (Some(body), Some(html.clone()))
    } else {
        (None, None)
    };
    Rendered {
        subject,
        html,
        email_body,
        pdf_html,
        unknown_tokens: unknown,
    }
}

/// Renders one piece of text. `field` picks the escaping: `Subject` plain, others HTML.
/// Literal-left tokens are appended to `unknown`.
pub fn render_str(
    src: &str,
    field: TemplateField,
    ctx: &MergeContext,
    unknown: &mut Vec<UnknownToken>,
) -> String {
    render_field(src, field, &Values::new(ctx), unknown)
}

/// One context's token values, computed once, for rendering many pieces of a template (the
/// studio re-renders only the piece a keystroke changed). Same output as [`render_str`].
pub struct Renderer {
    values: Values,
}

impl Renderer {
    pub fn new(ctx: &MergeContext) -> Renderer {
        Renderer {
            values: Values::new(ctx),
        }
    }

    /// `src` rendered as `field`; offsets and lines of `unknown` are relative to `src`.
    pub fn render(
        &self,
        src: &str,
        field: TemplateField,
        unknown: &mut Vec<UnknownToken>,
    ) -> String {
        render_field(src, field, &self.values, unknown)
    }
}

/// Whether cutting a template just after byte `i` leaves every token whole: true after the
/// bytes no token can hold (`<`, `>`, line breaks), so the pieces render to the same output,
/// joined, as the whole.
pub fn token_safe_cut_after(src: &[u8], i: usize) -> bool {
    matches!(src.get(i), Some(b'<' | b'>' | b'\n' | b'\r'))
}

/// Token values for one context, computed once per render in both escapings.
struct Values {
    html: [Option<String>; tokens::FIXED],
    plain: [Option<String>; tokens::FIXED],
    custom_html: Vec<Option<String>>,
    custom_plain: Vec<Option<String>>,
}

impl Values {
    fn new(ctx: &MergeContext) -> Values {
        Values::with_guest(ctx, &ctx.guest)
    }

    /// `ctx` with another guest (pre-flight merges many without cloning them).
    fn with_guest(ctx: &MergeContext, g: &Guest) -> Values {
        let e = &ctx.event;
        let some = |s: &str| (!s.is_empty()).then(|| s.to_owned());
        let opt = |s: &Option<String>| s.as_deref().and_then(some);
        let qr = ctx.barcode_qr_url.as_deref().and_then(some).or_else(|| {
            g.barcode
                .as_deref()
                .filter(|b| !b.is_empty())
                .map(|b| format!("{}{}", ctx.qr_base, percent_encode(b)))
        });
        // Raw values; tag groups are split here and joined per escaping below.
        let raw: [Option<String>; tokens::FIXED] = [
            some(&g.first_name),
            some(&g.last_name),
            some(format!("{} {}", g.first_name, g.last_name).trim()),
            opt(&g.other_names),
            some(&g.email),
            opt(&g.barcode),
            qr,
            Some(match g.plus_ones {
                None | Some(0) => String::new(),
                Some(n) => n.to_string(),
            }),
            opt(&g.additional_info),
            opt(&g.tags),
            opt(&g.tickets),
            opt(&g.sessions),
            some(&e.title),
            Some(e.start_time.format("%d %B %Y").to_string()),
            Some(e.start_time.format("%H:%M").to_string()),
            Some(e.end_time.format("%H:%M").to_string()),
            opt(&ctx.company_name),
            opt(&ctx.rsvp_yes),
            opt(&ctx.rsvp_no),
        ];
        let is_group =
            |i: usize| (tokens::Tok::Tags.index()..=tokens::Tok::Sessions.index()).contains(&i);
        let mut html: [Option<String>; tokens::FIXED] = Default::default();
        let mut plain: [Option<String>; tokens::FIXED] = Default::default();
        for (i, v) in raw.iter().enumerate() {
            let Some(v) = v else { continue };
            if is_group(i) {
                let groups: Vec<&str> = v
                    .split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .collect();
                if groups.is_empty() {
                    continue;
                }
                html[i] = Some(
                    groups
                        .iter()
                        .map(|s| escape_html(s))
                        .collect::<Vec<_>>()
                        .join("<br>"),
                );
                plain[i] = Some(one_line(&groups.join(", ")));
            } else {
                html[i] = Some(escape_html(v));
                plain[i] = Some(one_line(v));
            }
        }
        let custom: Vec<Option<String>> = g
            .custom_fields
            .iter()
            .flatten()
            .map(|s| (!s.is_empty()).then(|| s.clone()))
            .collect();
        Values {
            html,
            plain,
            custom_html: custom
                .iter()
                .map(|v| v.as_deref().map(escape_html))
                .collect(),
            custom_plain: custom.iter().map(|v| v.as_deref().map(one_line)).collect(),
        }
    }

    #[inline]
    fn get(&self, tok: tokens::Tok, html: bool) -> Option<&str> {
        let slot = match tok {
            tokens::Tok::Custom(n) => {
                let list = if html {
                    &self.custom_html
                } else {
                    &self.custom_plain
                };
                list.get(n as usize - 1)?
            }
            t if html => &self.html[t.index()],
            t => &self.plain[t.index()],
        };
        slot.as_deref()
    }
}

/// The hot loop: one forward pass, literal spans copied in bulk, output pre-sized.
fn render_field(
    src: &str,
    field: TemplateField,
    values: &Values,
    unknown: &mut Vec<UnknownToken>,
) -> String {
    let html = field != TemplateField::Subject;
    let bytes = src.as_bytes();
    let mut out = String::with_capacity(src.len() + src.len() / 4);
    let first_unknown = unknown.len();
    let mut literal_start = 0;
    let mut pos = 0;
    while let Some(c) = scan::next(bytes, pos) {
        pos = c.end;
        let name = &src[c.name_start..c.name_end];
        let (reason, value) = match tokens::lookup(name) {
            Some(tok) => (UnknownReason::NoData, values.get(tok, html)),
            None => (UnknownReason::Unknown, None),
        };
        match value {
            Some(v) => {
                out.push_str(&src[literal_start..c.open]);
                out.push_str(v);
                literal_start = c.end;
            }
            None => unknown.push(UnknownToken {
                field,
                token: src[c.open..c.end].to_owned(),
                reason,
                offset: c.open,
                line: 0,
                col: 0,
                suggestion: None,
            }),
        }
    }
    out.push_str(&src[literal_start..]);
    // Off the hot path: positions in one forward pass, suggestions once per distinct name.
    let mut lines = scan::LineIndex::new(src);
    let mut suggestions: std::collections::HashMap<&str, Option<String>> =
        std::collections::HashMap::new();
    for u in &mut unknown[first_unknown..] {
        (u.line, u.col) = lines.locate(u.offset);
        if u.reason == UnknownReason::Unknown {
            let name = &src[u.offset + 2..u.offset + u.token.len() - 2];
            u.suggestion = suggestions
                .entry(name)
                .or_insert_with(|| tokens::suggest(name))
                .clone();
        }
    }
    out
}

/// `&`, `<`, `>`, `"`, `'` escaped; runs without them copied in bulk.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 8);
    let mut start = 0;
    for (i, b) in s.bytes().enumerate() {
        let rep = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.push_str(&s[start..i]);
        out.push_str(rep);
        start = i + 1;
    }
    out.push_str(&s[start..]);
    out
}

/// A subject is one header line: line breaks (and other controls) become spaces.
fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// RFC 3986 unreserved characters kept, everything else `%XX` (UTF-8).
fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests;
