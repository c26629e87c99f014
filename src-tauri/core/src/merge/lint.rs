//! Template linter: what will go wrong (or deliver worse) before the template is saved or sent.
//! Every issue names its rule, severity, field and position, with a suggestion when we have one.

use serde::Serialize;
use ts_rs::TS;

use super::scan::{self, LineIndex};
use super::tokens::{lookup, suggest};
use super::{TemplateField, TemplateFields};

/// Rule ids (stable: the UI and `template lint --json` key on them).
pub mod rules {
    /// `{{…}}` that is not a known token: Qflow sends it literally.
    pub const UNKNOWN_TOKEN: &str = "unknown-token";
    /// `<img>` without an `alt` attribute.
    pub const IMG_MISSING_ALT: &str = "img-missing-alt";
    /// No unsubscribe / opt-out link (heuristic: the words do not appear).
    pub const MISSING_UNSUBSCRIBE: &str = "missing-unsubscribe";
    /// `href`/`src`/… starting with `http://`.
    pub const INSECURE_LINK: &str = "insecure-link";
    /// The email body is over 100 KiB: Gmail clips messages at ~102 KB.
    pub const BODY_TOO_LARGE: &str = "body-too-large";
    /// `emailBody` is set but `attachPdf` is off: Qflow ignores it.
    pub const EMAIL_BODY_IGNORED: &str = "email-body-ignored";
    /// `{{barcode_qr}}` (an image URL) used outside `<img src="…">`.
    pub const BARCODE_QR_OUTSIDE_IMG: &str = "barcode-qr-outside-img";
    /// `fromAddress` not under the verified sending domain (Qflow answers 422).
    pub const FROM_ADDRESS_DOMAIN: &str = "from-address-domain";
    /// `html` is empty or plain text (Qflow requires an HTML fragment).
    pub const HTML_REQUIRED: &str = "html-required";
}

/// Body size above which [`rules::BODY_TOO_LARGE`] fires (100 KiB; Gmail clips at ~102 KB).
pub const MAX_BODY_BYTES: usize = 100 * 1024;

#[derive(Serialize, Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export_to = "../../../ui/src/bindings/")]
pub enum Severity {
    /// Qflow will reject it, or it cannot work.
    Error,
    /// It will ship, but not as intended.
    Warning,
    /// Deliverability advice.
    Info,
}

/// One finding. `offset` is a byte offset into `field`; `line`/`col` are 1-based (col in chars).
#[derive(Serialize, Clone, Debug, PartialEq, Eq, TS)]
#[serde(rename_all = "camelCase")]
pub struct LintIssue {
    pub rule: String,
    pub severity: Severity,
    pub field: TemplateField,
    pub message: String,
    #[ts(type = "number | null")]
    pub offset: Option<usize>,
    pub line: Option<u32>,
    pub col: Option<u32>,
    pub suggestion: Option<String>,
}

/// Lints a template. `verified_domain` is the account's verified sending domain (None = none
/// verified); it only matters when `fromAddress` is set. Issues come sorted by field and offset.
pub fn lint(t: &TemplateFields<'_>, verified_domain: Option<&str>) -> Vec<LintIssue> {
    let mut issues = Vec::new();
    let courier = t.courier_body();

    token_issues(t.subject, TemplateField::Subject, &mut issues);
    for (i, _) in t.subject.match_indices("{{barcode_qr}}") {
        issues.push(qr_issue(TemplateField::Subject, i));
    }

    if t.html.trim().is_empty() || !has_tag(t.html) {
        issues.push(issue(
            rules::HTML_REQUIRED,
            Severity::Error,
            TemplateField::Html,
            "The html field must be an HTML fragment; Qflow rejects plain text.".into(),
            None,
            Some(format!("<p>{}</p>", t.html.trim())),
        ));
    }

    let mut bodies = vec![(t.html, TemplateField::Html)];
    if let Some(b) = courier {
        bodies.push((b, TemplateField::EmailBody));
    }
    for &(src, field) in &bodies {
        token_issues(src, field, &mut issues);
        html_issues(src, field, &mut issues);
    }

    // The body that is actually emailed (the PDF is not clipped by Gmail).
    let sent = if t.attach_pdf {
        courier.map(|b| (b, TemplateField::EmailBody))
    } else {
        Some((t.html, TemplateField::Html))
    };
    if let Some((body, field)) = sent {
        if body.len() > MAX_BODY_BYTES {
            issues.push(issue(
                rules::BODY_TOO_LARGE,
                Severity::Warning,
                field,
                format!(
                    "The email body is {} KB (before merge values); Gmail clips messages over ~102 KB and hides the rest behind \"View entire message\".",
                    body.len() / 1024
                ),
                None,
                Some("Move large inline styles or images out of the body (host images and link them).".into()),
            ));
        }
        let lower = body.to_ascii_lowercase();
        if !["unsubscribe", "opt-out", "opt out"]
            .iter()
            .any(|w| lower.contains(w))
        {
            issues.push(issue(
                rules::MISSING_UNSUBSCRIBE,
                Severity::Info,
                field,
                "No unsubscribe link found; an explicit one helps deliverability.".into(),
                None,
                Some(
                    "<a href=\"mailto:events@yourbrand.com?subject=unsubscribe\">Unsubscribe</a>"
                        .into(),
                ),
            ));
        }
    }

    if t.email_body.is_some_and(|b| !b.is_empty()) && !t.attach_pdf {
        issues.push(issue(
            rules::EMAIL_BODY_IGNORED,
            Severity::Warning,
            TemplateField::EmailBody,
            "emailBody is set but attachPdf is off: Qflow ignores emailBody and emails html."
                .into(),
            None,
            Some("Turn attachPdf on (courier mode), or clear emailBody.".into()),
        ));
    }

    if let Some(addr) = t.from_address.map(str::trim).filter(|a| !a.is_empty()) {
        if let Some(i) = from_address_issue(addr, verified_domain) {
            issues.push(i);
        }
    }

    fill_positions(t, &mut issues);
    issues.sort_by_key(|i| (field_order(i.field), i.offset.unwrap_or(usize::MAX)));
    issues
}

fn field_order(f: TemplateField) -> u8 {
    match f {
        TemplateField::Subject => 0,
        TemplateField::Html => 1,
        TemplateField::EmailBody => 2,
        TemplateField::FromAddress => 3,
    }
}

fn issue(
    rule: &str,
    severity: Severity,
    field: TemplateField,
    message: String,
    offset: Option<usize>,
    suggestion: Option<String>,
) -> LintIssue {
    LintIssue {
        rule: rule.into(),
        severity,
        field,
        message,
        offset,
        line: None,
        col: None,
        suggestion,
    }
}

fn qr_issue(field: TemplateField, offset: usize) -> LintIssue {
    issue(
        rules::BARCODE_QR_OUTSIDE_IMG,
        Severity::Warning,
        field,
        "{{barcode_qr}} is an image URL; outside <img src=\"…\"> recipients see a long link instead of the QR code.".into(),
        Some(offset),
        Some("<img src=\"{{barcode_qr}}\" alt=\"ticket\" />".into()),
    )
}

fn token_issues(src: &str, field: TemplateField, out: &mut Vec<LintIssue>) {
    let mut pos = 0;
    while let Some(c) = scan::next(src.as_bytes(), pos) {
        pos = c.end;
        let name = &src[c.name_start..c.name_end];
        if lookup(name).is_some() {
            continue;
        }
        let token = &src[c.open..c.end];
        let suggestion = suggest(name);
        let hint = match &suggestion {
            Some(s) => format!(" Did you mean {s}?"),
            None => String::new(),
        };
        out.push(issue(
            rules::UNKNOWN_TOKEN,
            Severity::Warning,
            field,
            format!("{token} is not a merge token: Qflow sends it literally.{hint}"),
            Some(c.open),
            suggestion,
        ));
    }
}

fn html_issues(src: &str, field: TemplateField, out: &mut Vec<LintIssue>) {
    let tags = parse_tags(src);
    let mut img_srcs: Vec<(usize, usize)> = Vec::new();
    for tag in &tags {
        if tag.name == "img" {
            if !tag.attrs.iter().any(|a| a.name == "alt") {
                out.push(issue(
                    rules::IMG_MISSING_ALT,
                    Severity::Warning,
                    field,
                    "Image without alt text: many clients block images, and screen readers need it.".into(),
                    Some(tag.offset),
                    Some("Add alt=\"…\" (alt=\"\" for decorative images).".into()),
                ));
            }
            img_srcs.extend(
                tag.attrs
                    .iter()
                    .filter(|a| a.name == "src")
                    .filter_map(|a| a.value),
            );
        }
        for a in &tag.attrs {
            let Some((s, e)) = a.value else { continue };
            if !matches!(
                a.name.as_str(),
                "href" | "src" | "background" | "action" | "srcset" | "poster"
            ) {
                continue;
            }
            let v = src[s..e].trim_start();
            if v.len() >= 7 && v[..7].eq_ignore_ascii_case("http://") {
                let lead = src[s..e].len() - v.len();
                out.push(issue(
                    rules::INSECURE_LINK,
                    Severity::Warning,
                    field,
                    format!(
                        "Insecure link {}: mail clients warn about (or block) plain http://.",
                        truncate(v, 80)
                    ),
                    Some(s + lead),
                    Some(format!("https://{}", &v[7..])),
                ));
            }
        }
    }
    for (i, _) in src.match_indices("{{barcode_qr}}") {
        if !img_srcs.iter().any(|&(s, e)| s <= i && i < e) {
            out.push(qr_issue(field, i));
        }
    }
}

fn truncate(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_owned(),
    }
}

fn from_address_issue(addr: &str, verified: Option<&str>) -> Option<LintIssue> {
    let field = TemplateField::FromAddress;
    let err = |message: String, suggestion: Option<String>| {
        Some(issue(
            rules::FROM_ADDRESS_DOMAIN,
            Severity::Error,
            field,
            message,
            Some(0),
            suggestion,
        ))
    };
    if let Err(crate::Error::Invalid { reason, .. }) = crate::validate::email("fromAddress", addr) {
        return err(format!("fromAddress '{addr}' {reason}."), None);
    }
    let (local, domain) = addr.rsplit_once('@')?;
    let Some(verified) = verified
        .map(|v| v.trim().trim_end_matches('.'))
        .filter(|v| !v.is_empty())
    else {
        return err(
            format!("fromAddress '{addr}' needs a verified sending domain, and this account has none: Qflow will answer 422 fromaddress_domain_not_verified."),
            Some("Clear fromAddress to use the default sender, or set up and verify a custom domain first.".into()),
        );
    };
    let norm = |d: &str| {
        idna::domain_to_ascii(d.trim_end_matches('.')).unwrap_or_else(|_| d.to_ascii_lowercase())
    };
    let (domain_a, verified_a) = (norm(domain), norm(verified));
    if domain_a == verified_a || domain_a.ends_with(&format!(".{verified_a}")) {
        return None;
    }
    err(
        format!("fromAddress '{addr}' is not under the verified domain {verified}: Qflow will answer 422 fromaddress_domain_not_verified."),
        Some(format!("{local}@{verified}")),
    )
}

fn fill_positions(t: &TemplateFields<'_>, issues: &mut [LintIssue]) {
    for (field, src) in [
        (TemplateField::Subject, t.subject),
        (TemplateField::Html, t.html),
        (TemplateField::EmailBody, t.email_body.unwrap_or("")),
        (TemplateField::FromAddress, t.from_address.unwrap_or("")),
    ] {
        let mut offsets: Vec<(usize, usize)> = issues
            .iter()
            .enumerate()
            .filter(|(_, i)| i.field == field)
            .filter_map(|(n, i)| i.offset.map(|o| (o, n)))
            .collect();
        offsets.sort_unstable();
        let mut ix = LineIndex::new(src);
        for (o, n) in offsets {
            let (line, col) = ix.locate(o.min(src.len()));
            issues[n].line = Some(line);
            issues[n].col = Some(col);
        }
    }
}

fn has_tag(s: &str) -> bool {
    s.as_bytes()
        .windows(2)
        .any(|w| w[0] == b'<' && (w[1].is_ascii_alphabetic() || w[1] == b'/' || w[1] == b'!'))
}

#[derive(Debug)]
pub(crate) struct Tag {
    pub offset: usize,
    /// One past the tag's `>` (or the end of the text).
    pub end: usize,
    pub name: String,
    pub attrs: Vec<Attr>,
}

#[derive(Debug)]
pub(crate) struct Attr {
    pub name: String,
    /// Byte span of the value (without quotes).
    pub value: Option<(usize, usize)>,
}

/// Start tags with their attributes; quote-aware so `>` inside values does not end a tag.
/// Comments are skipped. Good enough for linting; not a conforming HTML parser.
pub(crate) fn parse_tags(src: &str) -> Vec<Tag> {
    let b = src.as_bytes();
    let mut tags = Vec::new();
    let mut pos = 0;
    while let Some(i) = memchr::memchr(b'<', &b[pos..]) {
        let start = pos + i;
        pos = start + 1;
        if b[start..].starts_with(b"<!--") {
            pos = memchr::memmem::find(&b[start + 4..], b"-->")
                .map_or(b.len(), |e| start + 4 + e + 3);
            continue;
        }
        let mut p = start + 1;
        while p < b.len() && (b[p].is_ascii_alphanumeric() || b[p] == b'-') {
            p += 1;
        }
        if p == start + 1 || !b[start + 1].is_ascii_alphabetic() {
            continue;
        }
        let name = src[start + 1..p].to_ascii_lowercase();
        let mut attrs = Vec::new();
        loop {
            while p < b.len() && (b[p].is_ascii_whitespace() || b[p] == b'/') {
                p += 1;
            }
            if p >= b.len() || b[p] == b'>' {
                break;
            }
            let ns = p;
            while p < b.len() && !b[p].is_ascii_whitespace() && !matches!(b[p], b'=' | b'>' | b'/')
            {
                p += 1;
            }
            let attr_name = src[ns..p].to_ascii_lowercase();
            while p < b.len() && b[p].is_ascii_whitespace() {
                p += 1;
            }
            let mut value = None;
            if p < b.len() && b[p] == b'=' {
                p += 1;
                while p < b.len() && b[p].is_ascii_whitespace() {
                    p += 1;
                }
                if p < b.len() && (b[p] == b'"' || b[p] == b'\'') {
                    let q = b[p];
                    let vs = p + 1;
                    let ve = memchr::memchr(q, &b[vs..]).map_or(b.len(), |e| vs + e);
                    value = Some((vs, ve));
                    p = (ve + 1).min(b.len());
                } else {
                    let vs = p;
                    while p < b.len() && !b[p].is_ascii_whitespace() && b[p] != b'>' {
                        p += 1;
                    }
                    value = Some((vs, p));
                }
            }
            // A stray `=` (no name before it) and its value were consumed above: dropped.
            if !attr_name.is_empty() {
                attrs.push(Attr {
                    name: attr_name,
                    value,
                });
            }
        }
        pos = pos.max(p);
        tags.push(Tag {
            offset: start,
            end: (p + 1).min(b.len()),
            name,
            attrs,
        });
    }
    tags
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str =
        "<h1>Hi {{firstname}}!</h1><p><img src=\"{{barcode_qr}}\" alt=\"ticket\" /></p>\
        <p><a href=\"https://example.com/unsubscribe\">Unsubscribe</a></p>";

    fn fields(html: &str) -> TemplateFields<'_> {
        TemplateFields {
            subject: "Hi {{firstname}}",
            html,
            ..Default::default()
        }
    }

    fn rules_of(issues: &[LintIssue]) -> Vec<&str> {
        issues.iter().map(|i| i.rule.as_str()).collect()
    }

    fn only(issues: &[LintIssue], rule: &str) -> Vec<LintIssue> {
        issues.iter().filter(|i| i.rule == rule).cloned().collect()
    }

    /// Found by the property tests: a stray `=` at the very end (typing `<a=` in the editor)
    /// stepped past the end of the text and the linter panicked.
    #[test]
    fn stray_equals_signs_do_not_panic_and_do_not_eat_the_next_attribute() {
        for html in ["<a=", "<a =", "<a ==", "<img ='x'"] {
            lint(&fields(html), None);
        }
        let tags = parse_tags("<img =\"x\"alt=\"ticket\" src=\"{{barcode_qr}}\">");
        let names: Vec<&str> = tags[0].attrs.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(names, ["alt", "src"]);
    }

    #[test]
    fn clean_template_has_no_issues() {
        assert_eq!(lint(&fields(GOOD), None), vec![]);
    }

    #[test]
    fn unknown_tokens_with_positions_and_suggestions() {
        let t = TemplateFields {
            subject: "{{Firstname}}",
            html: "<p>\n  {{firstnam}} {{zzzzzz}} {{V_2}}</p>",
            ..Default::default()
        };
        let u = only(&lint(&t, None), rules::UNKNOWN_TOKEN);
        assert_eq!(u.len(), 3);
        assert_eq!(
            (u[0].field, u[0].suggestion.as_deref()),
            (TemplateField::Subject, Some("{{firstname}}"))
        );
        assert_eq!(
            (u[1].offset, u[1].line, u[1].col),
            (Some(6), Some(2), Some(3))
        );
        assert_eq!(u[1].suggestion.as_deref(), Some("{{firstname}}"));
        assert!(u[1].message.contains("Did you mean {{firstname}}?"));
        assert_eq!(u[2].suggestion, None);
        assert!(u.iter().all(|i| i.severity == Severity::Warning));
    }

    #[test]
    fn img_without_alt() {
        let t = fields(
            "<p><IMG SRC='https://x/a.png'><img src=\"https://x/b.png\" alt=\"\"></p>unsubscribe",
        );
        let u = only(&lint(&t, None), rules::IMG_MISSING_ALT);
        assert_eq!(u.len(), 1);
        assert_eq!(u[0].offset, Some(3));
        assert!(only(&lint(&fields(GOOD), None), rules::IMG_MISSING_ALT).is_empty());
    }

    #[test]
    fn missing_unsubscribe() {
        let u = only(
            &lint(&fields("<p>Hello</p>"), None),
            rules::MISSING_UNSUBSCRIBE,
        );
        assert_eq!(u.len(), 1);
        assert_eq!(u[0].severity, Severity::Info);
        for ok in [
            "<a href='x'>Opt-out</a>",
            "<p>To opt out reply STOP</p>",
            GOOD,
        ] {
            assert!(
                only(&lint(&fields(ok), None), rules::MISSING_UNSUBSCRIBE).is_empty(),
                "{ok}"
            );
        }
    }

    #[test]
    fn insecure_links() {
        let html = "<a href=\" http://example.com/x\">a</a><img alt='' src=\"HTTP://cdn.example/i.png\"> http://text-only unsubscribe";
        let u = only(&lint(&fields(html), None), rules::INSECURE_LINK);
        assert_eq!(u.len(), 2, "{u:?}");
        assert_eq!(u[0].offset, Some(10));
        assert_eq!(u[0].suggestion.as_deref(), Some("https://example.com/x"));
        assert!(only(&lint(&fields(GOOD), None), rules::INSECURE_LINK).is_empty());
    }

    #[test]
    fn body_too_large() {
        let big = format!("<p>unsubscribe</p>{}", "x".repeat(MAX_BODY_BYTES));
        let u = only(&lint(&fields(&big), None), rules::BODY_TOO_LARGE);
        assert_eq!(u.len(), 1);
        assert_eq!(u[0].field, TemplateField::Html);
        let exact = format!("<p>{}</p>", "x".repeat(MAX_BODY_BYTES - 7));
        assert!(only(&lint(&fields(&exact), None), rules::BODY_TOO_LARGE).is_empty());
        // In courier mode the big html is the PDF, not the email.
        let t = TemplateFields {
            attach_pdf: true,
            email_body: Some("<p>hi</p>"),
            ..fields(&big)
        };
        assert!(only(&lint(&t, None), rules::BODY_TOO_LARGE).is_empty());
    }

    #[test]
    fn email_body_ignored_without_attach_pdf() {
        let t = TemplateFields {
            email_body: Some("<p>hi {{nope}}</p>"),
            ..fields(GOOD)
        };
        let issues = lint(&t, None);
        assert_eq!(rules_of(&issues), [rules::EMAIL_BODY_IGNORED]);
        for t in [
            TemplateFields {
                attach_pdf: true,
                email_body: Some("<p>hi unsubscribe</p>"),
                ..fields(GOOD)
            },
            TemplateFields {
                email_body: Some(""),
                ..fields(GOOD)
            },
        ] {
            assert!(only(&lint(&t, None), rules::EMAIL_BODY_IGNORED).is_empty());
        }
    }

    #[test]
    fn courier_body_is_linted() {
        let t = TemplateFields {
            attach_pdf: true,
            email_body: Some("<p>{{firstnme}}</p><img src=x>"),
            ..fields(GOOD)
        };
        let issues = lint(&t, None);
        let body: Vec<&str> = issues
            .iter()
            .filter(|i| i.field == TemplateField::EmailBody)
            .map(|i| i.rule.as_str())
            .collect();
        assert_eq!(
            body,
            [
                rules::UNKNOWN_TOKEN,
                rules::IMG_MISSING_ALT,
                rules::MISSING_UNSUBSCRIBE
            ]
        );
    }

    #[test]
    fn barcode_qr_outside_img() {
        let t = TemplateFields {
            subject: "QR {{barcode_qr}}",
            html: "<p>Ticket QR: {{barcode_qr}}</p><a href=\"{{barcode_qr}}\">x</a><img alt='t' src=\"{{barcode_qr}}\"> unsubscribe",
            ..Default::default()
        };
        let u = only(&lint(&t, None), rules::BARCODE_QR_OUTSIDE_IMG);
        let at: Vec<_> = u.iter().map(|i| (i.field, i.offset)).collect();
        assert_eq!(
            at,
            [
                (TemplateField::Subject, Some(3)),
                (TemplateField::Html, Some(14)),
                (TemplateField::Html, Some(41))
            ]
        );
        assert!(only(&lint(&fields(GOOD), None), rules::BARCODE_QR_OUTSIDE_IMG).is_empty());
    }

    #[test]
    fn from_address_domain() {
        fn with(a: &str) -> TemplateFields<'_> {
            TemplateFields {
                from_address: Some(a),
                ..fields(GOOD)
            }
        }
        for ok in [
            "events@yourbrand.com",
            "noreply@mail.YourBrand.com",
            " x@yourbrand.com ",
        ] {
            assert_eq!(lint(&with(ok), Some("yourbrand.com")), vec![], "{ok}");
        }
        assert_eq!(lint(&with(""), None), vec![]);
        let e = only(
            &lint(&with("events@otherbrand.com"), Some("yourbrand.com")),
            rules::FROM_ADDRESS_DOMAIN,
        );
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].severity, Severity::Error);
        assert_eq!(e[0].suggestion.as_deref(), Some("events@yourbrand.com"));
        // notyourbrand.com is not a subdomain of yourbrand.com.
        assert_eq!(
            only(
                &lint(&with("a@notyourbrand.com"), Some("yourbrand.com")),
                rules::FROM_ADDRESS_DOMAIN
            )
            .len(),
            1
        );
        let e = only(
            &lint(&with("events@yourbrand.com"), None),
            rules::FROM_ADDRESS_DOMAIN,
        );
        assert!(e[0].message.contains("has none"));
        let e = only(
            &lint(&with("not-an-address"), Some("yourbrand.com")),
            rules::FROM_ADDRESS_DOMAIN,
        );
        assert_eq!(e[0].field, TemplateField::FromAddress);
        // IDN: unicode and punycode forms are the same domain.
        assert_eq!(
            lint(&with("a@bücher.example"), Some("xn--bcher-kva.example")),
            vec![]
        );
    }

    #[test]
    fn html_required() {
        for bad in ["", "   ", "Hi {{firstname}}, plain text"] {
            let issues = lint(&fields(bad), None);
            assert!(rules_of(&issues).contains(&rules::HTML_REQUIRED), "{bad:?}");
        }
        assert!(only(&lint(&fields(GOOD), None), rules::HTML_REQUIRED).is_empty());
    }

    #[test]
    fn tag_parser_handles_quotes_and_comments() {
        let tags = parse_tags(
            "<!-- <img src=x> --><a title='a > b' href=\"h\">x</a><br/><img\nsrc=u alt>",
        );
        let names: Vec<_> = tags.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["a", "br", "img"]);
        assert_eq!(tags[0].attrs.len(), 2);
        assert_eq!(
            tags[2]
                .attrs
                .iter()
                .map(|a| a.name.as_str())
                .collect::<Vec<_>>(),
            ["src", "alt"]
        );
    }

    #[test]
    fn issues_serialize_for_the_ui() {
        let v = serde_json::to_value(&lint(&fields("<p>x</p>"), None)[0]).unwrap();
        assert_eq!(v["rule"], "missing-unsubscribe");
        assert_eq!(v["severity"], "info");
        assert_eq!(v["field"], "html");
    }
}
