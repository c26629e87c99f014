//! Input checks run before any request. Every failure is `Error::Invalid { field, reason }`,
//! the reason written to be shown after the field name ("email: is not an email address …").

use uuid::Uuid;

use crate::models::{Guest, TemplateUpsert};
use crate::text::edit_distance;
use crate::{Error, Result};

/// Longest correlation id we send (the guide sets no limit; webhooks echo it back).
pub const MAX_CORRELATION_ID: usize = 200;

/// A GUID as the API writes it (`8d630377-970a-4687-aa66-2a18fb964c99`; braces and upper case
/// tolerated). The nil GUID is rejected: the API never issues it.
pub fn guid(field: &str, s: &str) -> Result<Uuid> {
    let t = s.trim();
    if t.is_empty() {
        return Err(Error::invalid(
            field,
            "is required (a GUID such as 8d630377-970a-4687-aa66-2a18fb964c99)",
        ));
    }
    let inner = t
        .strip_prefix('{')
        .and_then(|x| x.strip_suffix('}'))
        .unwrap_or(t);
    if inner.len() != 36 {
        return Err(Error::invalid(
            field,
            format!("'{}' is not a GUID (expected 8-4-4-4-12 hex digits, e.g. 8d630377-970a-4687-aa66-2a18fb964c99)", short(t)),
        ));
    }
    match Uuid::try_parse(inner) {
        Ok(u) if u.is_nil() => Err(Error::invalid(field, "must not be the all-zero GUID")),
        Ok(u) => Ok(u),
        Err(_) => Err(Error::invalid(
            field,
            format!("'{}' is not a GUID (only hex digits and hyphens)", short(t)),
        )),
    }
}

/// A non-empty value after trimming; returns the trimmed value.
pub fn required<'a>(field: &str, s: &'a str) -> Result<&'a str> {
    let t = s.trim();
    if t.is_empty() {
        Err(Error::invalid(field, "is required"))
    } else {
        Ok(t)
    }
}

/// Email syntax (the practical subset mail providers accept): `local@domain`, ASCII local part
/// of atext and dots, a domain of at least two labels (IDN allowed), no spaces.
pub fn email(field: &str, s: &str) -> Result<()> {
    email_problem(s).map_or(Ok(()), |reason| Err(Error::invalid(field, reason)))
}

fn email_problem(s: &str) -> Option<String> {
    const EXAMPLE: &str = "(expected name@example.com)";
    if s.is_empty() {
        return Some("is required".into());
    }
    if s.chars().any(char::is_whitespace) {
        return Some(format!("'{}' contains spaces {EXAMPLE}", short(s)));
    }
    let Some((local, domain)) = s.rsplit_once('@') else {
        return Some(format!("'{}' has no @ {EXAMPLE}", short(s)));
    };
    if local.is_empty() || domain.is_empty() || local.contains('@') {
        return Some(format!("'{}' is not an email address {EXAMPLE}", short(s)));
    }
    if s.len() > 254 || local.len() > 64 {
        return Some("is too long for an email address".into());
    }
    let atext = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(c);
    if !local.chars().all(atext) {
        return Some(format!(
            "'{}' has characters not allowed before the @ {EXAMPLE}",
            short(s)
        ));
    }
    if local.starts_with('.') || local.ends_with('.') || local.contains("..") {
        return Some(format!("'{}' has a misplaced dot before the @", short(s)));
    }
    if host_labels_problem(domain).is_some() {
        return Some(format!(
            "'{}' has an invalid domain after the @ {EXAMPLE}",
            short(s)
        ));
    }
    None
}

/// The domain's ASCII form, or why it is not a host name of ≥ 2 labels with a real TLD.
fn host_labels_problem(domain: &str) -> Option<String> {
    let ascii = match idna::domain_to_ascii(domain) {
        Ok(a) => a,
        Err(_) => return Some("contains characters not allowed in a domain name".into()),
    };
    if ascii.is_empty() || ascii.len() > 253 {
        return Some("is not a valid length for a domain name".into());
    }
    let labels: Vec<&str> = ascii.split('.').collect();
    if labels.len() < 2 {
        return Some("needs at least one dot (e.g. yourbrand.com)".into());
    }
    for l in &labels {
        if l.is_empty() || l.len() > 63 {
            return Some("has an empty or over-long part between dots".into());
        }
        if !l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            || l.starts_with('-')
            || l.ends_with('-')
        {
            return Some(format!(
                "part '{l}' may only contain letters, digits and inner hyphens"
            ));
        }
    }
    let tld = labels[labels.len() - 1];
    if !(tld.starts_with("xn--")
        || (tld.len() >= 2 && tld.bytes().all(|b| b.is_ascii_alphabetic())))
    {
        return Some("does not end in a top-level domain such as .com".into());
    }
    None
}

/// Common misspellings of big mail providers and TLDs: the corrected address, to *suggest*
/// (a warning: `olive.com` is one edit from `live.com` and may be real).
pub fn email_typo(s: &str) -> Option<String> {
    const KNOWN: &[&str] = &[
        "gmail.com",
        "googlemail.com",
        "hotmail.com",
        "hotmail.co.uk",
        "outlook.com",
        "live.com",
        "yahoo.com",
        "yahoo.co.uk",
        "icloud.com",
        "aol.com",
        "protonmail.com",
        "btinternet.com",
        "mail.com",
        "email.com",
        "gmx.com",
        "ymail.com",
        "msn.com",
        "me.com",
    ];
    const TLD_FIXES: &[(&str, &str)] = &[
        (".con", ".com"),
        (".cmo", ".com"),
        (".ocm", ".com"),
        (".vom", ".com"),
        (".xom", ".com"),
        (".comm", ".com"),
        (".coom", ".com"),
        (".co.uj", ".co.uk"),
        (".couk", ".co.uk"),
        (".nte", ".net"),
        (".ogr", ".org"),
    ];
    let (local, domain) = s.trim().rsplit_once('@')?;
    let d = domain.to_ascii_lowercase();
    if KNOWN.contains(&d.as_str()) {
        return None;
    }
    let mut fixed = d.clone();
    for (bad, good) in TLD_FIXES {
        if let Some(stem) = d.strip_suffix(bad) {
            fixed = format!("{stem}{good}");
            break;
        }
    }
    // Provider-name typos (gmial, hotmial, yaho, outlok …): one edit (a swap counts as one) from
    // a known provider domain with the same TLD, and never for short domains (too ambiguous).
    if fixed.len() >= 8 && !KNOWN.contains(&fixed.as_str()) {
        let best = KNOWN
            .iter()
            .map(|k| (edit_distance(&fixed, k), *k))
            .filter(|(dist, k)| *dist == 1 && same_suffix(&fixed, k))
            .min();
        if let Some((_, k)) = best {
            fixed = k.to_owned();
        }
    }
    (fixed != d).then(|| format!("{local}@{fixed}"))
}

/// True when both domains end in the same TLD, so "gmail.co" ≠ "gmail.com" is still caught
/// through the TLD table and "yahoo.fr" is never "corrected" to "yahoo.com".
fn same_suffix(a: &str, b: &str) -> bool {
    let tld = |s: &str| s.rsplit('.').next().unwrap_or("").to_owned();
    tld(a) == tld(b) || (a.ends_with(".co") && b.ends_with(".com"))
}

/// A sending domain as typed in the domain wizard, in both forms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DomainName {
    /// For display (`bücher.example`).
    pub unicode: String,
    /// For the API and DNS (`xn--bcher-kva.example`).
    pub ascii: String,
}

/// Validates an apex domain for `POST /api/comms/domain`: no scheme, path, port, email or
/// spaces; one trailing dot tolerated (FQDN form); `www.` rejected (authenticate the apex);
/// IDN accepted. Lower-cased.
pub fn apex_domain(field: &str, s: &str) -> Result<DomainName> {
    let t = s.trim();
    let bad = |reason: String| Err(Error::invalid(field, reason));
    if t.is_empty() {
        return bad("is required (e.g. yourbrand.com)".into());
    }
    if t.contains("://")
        || t.to_ascii_lowercase().starts_with("http:")
        || t.to_ascii_lowercase().starts_with("https:")
    {
        let host = url::Url::parse(t)
            .ok()
            .and_then(|u| u.host_str().map(str::to_owned));
        return bad(match host {
            Some(h) => format!("enter only the domain, without the scheme or path: {h}"),
            None => "enter only the domain, without https:// (e.g. yourbrand.com)".into(),
        });
    }
    if let Some((_, d)) = t.rsplit_once('@') {
        return bad(format!(
            "looks like an email address; enter only the domain after the @: {d}"
        ));
    }
    if t.chars().any(char::is_whitespace) {
        return bad("must not contain spaces".into());
    }
    if let Some(i) = t.find(['/', '?', '#']) {
        return bad(format!(
            "enter only the domain, without a path: {}",
            &t[..i]
        ));
    }
    if t.contains(':') {
        return bad("enter only the domain, without a port".into());
    }
    let t = t.strip_suffix('.').unwrap_or(t);
    if let Some(problem) = host_labels_problem(t) {
        return bad(problem);
    }
    let ascii = idna::domain_to_ascii(t)
        .map_err(|_| Error::invalid(field, "contains characters not allowed in a domain name"))?;
    if let Some(apex) = ascii.strip_prefix("www.") {
        return bad(format!(
            "www. is a website host; authenticate the domain itself: {apex}"
        ));
    }
    let (unicode, _) = idna::domain_to_unicode(&ascii);
    Ok(DomainName { unicode, ascii })
}

/// [`apex_domain`] for the CLI's `domain create`: field `domain`, the ASCII form to send.
pub fn domain_name(s: &str) -> Result<String> {
    apex_domain("domain", s).map(|d| d.ascii)
}

/// A correlation id: trimmed, non-empty, at most [`MAX_CORRELATION_ID`] characters, no
/// control characters (it travels in JSON and comes back in webhook logs).
pub fn correlation_id(field: &str, s: &str) -> Result<String> {
    let t = required(field, s)?;
    if t.chars().count() > MAX_CORRELATION_ID {
        return Err(Error::invalid(
            field,
            format!("must be at most {MAX_CORRELATION_ID} characters"),
        ));
    }
    if t.chars().any(char::is_control) {
        return Err(Error::invalid(
            field,
            "must not contain control characters (tabs, line breaks)",
        ));
    }
    Ok(t.to_owned())
}

/// A guest about to be created or updated: `eventId`, `firstName`, `lastName` and a valid
/// `email` (an attendee without one cannot be sent a ticket; `{{firstname}}` without a value
/// would ship literally). Typos ([`email_typo`]) are the caller's warning, not an error here.
pub fn guest(g: &Guest) -> Result<()> {
    if g.event_id.is_nil() {
        return Err(Error::invalid("eventId", "is required"));
    }
    required("firstName", &g.first_name)?;
    required("lastName", &g.last_name)?;
    required("email", &g.email)?;
    email("email", g.email.trim())
}

/// A template about to be upserted: `eventId`, `name`, `html` (an HTML fragment), and
/// well-formed `fromAddress`/`replyTo` when set (`""` = clear, allowed).
pub fn template_upsert(t: &TemplateUpsert) -> Result<()> {
    if t.event_id.is_nil() {
        return Err(Error::invalid("eventId", "is required"));
    }
    required("name", &t.name)?;
    required("html", &t.html)?;
    let has_tag = t
        .html
        .as_bytes()
        .windows(2)
        .any(|w| w[0] == b'<' && (w[1].is_ascii_alphabetic() || w[1] == b'!'));
    if !has_tag {
        return Err(Error::invalid(
            "html",
            "must be HTML (plain text is not supported), e.g. <p>Hi {{firstname}}</p>",
        ));
    }
    for (field, value) in [("fromAddress", &t.from_address), ("replyTo", &t.reply_to)] {
        if let Some(v) = value.as_deref().filter(|v| !v.is_empty()) {
            email(field, v)?;
        }
    }
    Ok(())
}

fn short(s: &str) -> String {
    match s.char_indices().nth(60) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reason(r: Result<impl std::fmt::Debug>) -> (String, String) {
        match r {
            Err(Error::Invalid { field, reason }) => (field, reason),
            other => panic!("expected Invalid, got {other:?}"),
        }
    }

    #[test]
    fn guids() {
        let id = "8d630377-970a-4687-aa66-2a18fb964c99";
        assert_eq!(guid("eventId", id).unwrap().to_string(), id);
        assert_eq!(
            guid("eventId", &format!(" {{{}}} ", id.to_uppercase()))
                .unwrap()
                .to_string(),
            id
        );
        for bad in [
            "",
            "abc",
            "8d630377970a4687aa662a18fb964c99",
            "8d630377-970a-4687-aa66-2a18fb964c9g",
        ] {
            let (field, why) = reason(guid("eventId", bad));
            assert_eq!(field, "eventId");
            assert!(!why.is_empty());
        }
        assert!(reason(guid("id", "00000000-0000-0000-0000-000000000000"))
            .1
            .contains("all-zero"));
    }

    #[test]
    fn emails() {
        for ok in [
            "joe@yourcompany.com",
            "a.b+tag@mail.example.co.uk",
            "x@bücher.example",
            "o'brien@x.ie",
            "u@xn--bcher-kva.example",
        ] {
            assert!(email("email", ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "joe",
            "joe@",
            "@x.com",
            "joe@localhost",
            "joe @x.com",
            "joe@@x.com",
            "jo..e@x.com",
            ".joe@x.com",
            "joe@x..com",
            "joe@-x.com",
            "joe@x.c",
            "joe@1.2.3.4",
            "zoë@x.com",
            "joe@x_y.com",
        ] {
            let (field, _) = reason(email("email", bad));
            assert_eq!(field, "email", "{bad}");
        }
        assert!(reason(email("email", &format!("{}@x.com", "a".repeat(65))))
            .1
            .contains("too long"));
    }

    #[test]
    fn email_typos() {
        let cases = [
            ("joe@gmial.com", Some("joe@gmail.com")),
            ("joe@gmai.com", Some("joe@gmail.com")),
            ("joe@gmail.con", Some("joe@gmail.com")),
            ("joe@gmail.co", Some("joe@gmail.com")),
            ("joe@hotmial.com", Some("joe@hotmail.com")),
            ("joe@hotmail.co.uj", Some("joe@hotmail.co.uk")),
            ("joe@yaho.com", Some("joe@yahoo.com")),
            ("joe@outlok.com", Some("joe@outlook.com")),
            ("joe@Outlook.Con", Some("joe@outlook.com")),
            ("joe@acme.con", Some("joe@acme.com")),
            ("joe@acme.org", None),
            ("joe@gmail.com", None),
            ("joe@yahoo.fr", None),
            ("joe@mail.com", None),
            ("joe@live.co", None),
            ("joe@olive.com", Some("joe@live.com")), // a suggestion, never applied silently
            ("no-at-sign", None),
        ];
        for (input, want) in cases {
            assert_eq!(email_typo(input).as_deref(), want, "{input}");
        }
    }

    #[test]
    fn apex_domains() {
        let d = apex_domain("domain", " YourBrand.com. ").unwrap();
        assert_eq!(
            (d.unicode.as_str(), d.ascii.as_str()),
            ("yourbrand.com", "yourbrand.com")
        );
        let d = apex_domain("domain", "Bücher.example").unwrap();
        assert_eq!(
            (d.unicode.as_str(), d.ascii.as_str()),
            ("bücher.example", "xn--bcher-kva.example")
        );
        let d = apex_domain("domain", "xn--bcher-kva.example").unwrap();
        assert_eq!(d.unicode, "bücher.example");
        assert_eq!(
            domain_name("mail.yourbrand.com").unwrap(),
            "mail.yourbrand.com"
        );
        let cases = [
            ("", "required"),
            ("https://yourbrand.com/", "yourbrand.com"),
            ("http:yourbrand.com", "scheme"),
            ("events@yourbrand.com", "email address"),
            ("your brand.com", "spaces"),
            ("yourbrand.com/path", "path: yourbrand.com"),
            ("yourbrand.com:8080", "port"),
            ("yourbrand", "dot"),
            ("yourbrand..com", "empty"),
            ("-yourbrand.com", "hyphens"),
            ("192.168.0.1", "top-level"),
            (
                "www.yourbrand.com",
                "authenticate the domain itself: yourbrand.com",
            ),
            ("your_brand.com", "letters"),
        ];
        for (input, want) in cases {
            let (field, why) = reason(apex_domain("domain", input));
            assert_eq!(field, "domain");
            assert!(why.contains(want), "{input}: {why}");
        }
    }

    #[test]
    fn correlation_ids() {
        assert_eq!(
            correlation_id("correlationId", " order-12345 ").unwrap(),
            "order-12345"
        );
        assert!(reason(correlation_id("correlationId", "  "))
            .1
            .contains("required"));
        assert!(reason(correlation_id("correlationId", &"x".repeat(201)))
            .1
            .contains("200"));
        assert!(correlation_id("correlationId", &"é".repeat(200)).is_ok());
        assert!(reason(correlation_id("correlationId", "a\nb"))
            .1
            .contains("control"));
    }

    #[test]
    fn required_fields() {
        assert_eq!(required("name", "  x ").unwrap(), "x");
        assert_eq!(reason(required("name", " \t")).0, "name");
    }

    fn a_guest() -> Guest {
        Guest {
            id: Uuid::new_v4(),
            event_id: Uuid::new_v4(),
            first_name: "Joe".into(),
            last_name: "Bloggs".into(),
            email: "joe@yourcompany.com".into(),
            ..Default::default()
        }
    }

    #[test]
    fn guests() {
        assert!(guest(&a_guest()).is_ok());
        let mut g = a_guest();
        g.last_name = " ".into();
        assert_eq!(reason(guest(&g)).0, "lastName");
        let mut g = a_guest();
        g.email = "joe@gmial.com".into();
        assert!(guest(&g).is_ok(), "a typo is a warning, not an error");
        let mut g = a_guest();
        g.email = "nope".into();
        assert_eq!(reason(guest(&g)).0, "email");
        let mut g = a_guest();
        g.event_id = Uuid::nil();
        assert_eq!(reason(guest(&g)).0, "eventId");
    }

    #[test]
    fn template_upserts() {
        let mut t = TemplateUpsert {
            id: Uuid::new_v4(),
            event_id: Uuid::new_v4(),
            name: "Welcome".into(),
            subject: "Hi".into(),
            html: "<p>Hi {{firstname}}</p>".into(),
            from_address: Some(String::new()),
            from_name: None,
            reply_to: Some("support@yourbrand.com".into()),
            attach_pdf: None,
            email_body: None,
        };
        assert!(template_upsert(&t).is_ok());
        t.html = "Hi {{firstname}}".into();
        assert_eq!(reason(template_upsert(&t)).0, "html");
        t.html = "<p>x</p>".into();
        t.reply_to = Some("support".into());
        assert_eq!(reason(template_upsert(&t)).0, "replyTo");
        t.reply_to = None;
        t.name = "".into();
        assert_eq!(reason(template_upsert(&t)).0, "name");
    }
}
