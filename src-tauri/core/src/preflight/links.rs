//! One URL (an `href`/`src` after merge): syntax, https, `mailto:` form, and Qflow's URL
//! safety scan as far as it can be known locally.
//!
//! The guide: "Template HTML is automatically scanned for malicious URLs at create time"
//! (422 `spam_check_failed` with `flaggedUrls` and a Safe Browsing `threatType`). It does not
//! publish the list, so locally we flag what is certain — Google Safe Browsing's own test
//! pages (`testsafebrowsing.appspot.com`, flagged by every Safe Browsing client) and hosts that
//! name a threat type (`malware`, `phish`, `unwanted`) — as errors, and shapes scanners
//! distrust (an IP address as host, `user@host`) as warnings.

use crate::merge::lint::Severity;

use super::rules;

pub(crate) struct Problem {
    pub rule: &'static str,
    pub severity: Severity,
    pub message: String,
    pub suggestion: Option<String>,
}

fn problem(rule: &'static str, severity: Severity, message: String) -> Option<Problem> {
    Some(Problem {
        rule,
        severity,
        message,
        suggestion: None,
    })
}

/// Attribute text as the client reads it: the entities the merge writes decoded.
pub(crate) fn decode_attr(v: &str) -> std::borrow::Cow<'_, str> {
    if !v.contains('&') {
        return v.into();
    }
    v.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
        .into()
}

pub(crate) fn short(s: &str) -> String {
    match s.char_indices().nth(80) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_owned(),
    }
}

/// The first problem of a URL, if any. `is_link`: an `href` (a click), else a resource (`src`).
pub(crate) fn check(raw: &str, is_link: bool) -> Option<Problem> {
    let url = raw.trim();
    let shown = short(url);
    if url.contains("{{") && url.contains("}}") {
        return problem(
            rules::LINK_INVALID,
            Severity::Error,
            format!("The URL {shown} still holds a merge token after merge: the link is broken."),
        );
    }
    if url.is_empty() {
        return problem(
            rules::LINK_INVALID,
            Severity::Warning,
            format!(
                "Empty {}: it goes nowhere.",
                if is_link { "link" } else { "image source" }
            ),
        );
    }
    if is_link && url.starts_with('#') {
        return None;
    }
    let lower = url.to_ascii_lowercase();
    if let Some(rest) = lower.strip_prefix("mailto:") {
        return mailto(&url[url.len() - rest.len()..], &shown);
    }
    for scheme in ["tel:", "sms:", "cid:"] {
        if lower.starts_with(scheme) {
            return None;
        }
    }
    if lower.starts_with("data:") {
        return None; // the client-support table covers data: images
    }
    if lower.starts_with("javascript:") {
        return problem(
            rules::SCRIPT_STRIPPED,
            Severity::Error,
            format!("{shown}: every email client strips javascript: links."),
        );
    }
    let parsed = if lower.starts_with("//") {
        url::Url::parse(&format!("https:{url}"))
    } else {
        url::Url::parse(url)
    };
    let parsed = match parsed {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host_str().is_some() => u,
        Ok(u) => {
            return problem(
                rules::LINK_INVALID,
                Severity::Error,
                format!(
                    "{shown}: the {}: scheme does not open from an email.",
                    u.scheme()
                ),
            )
        }
        Err(url::ParseError::RelativeUrlWithoutBase) => {
            let mut p = problem(
                rules::LINK_INVALID,
                Severity::Error,
                format!("{shown} is relative: in an inbox it resolves to nothing."),
            )?;
            p.suggestion = Some(format!(
                "https://your-site.example/{}",
                url.trim_start_matches('/')
            ));
            return Some(p);
        }
        Err(e) => {
            return problem(
                rules::LINK_INVALID,
                Severity::Error,
                format!("{shown} is not a valid URL ({e})."),
            )
        }
    };
    if let Some(p) = safety(&parsed, &shown) {
        return Some(p);
    }
    if parsed.scheme() == "http" {
        let mut p = problem(
            rules::LINK_NOT_HTTPS,
            Severity::Warning,
            format!("{shown} is plain http://: clients warn about it, and images over http are often blocked."),
        )?;
        // After "http:" (any case, any slashes: the parser accepts "http:x" too).
        let rest = url[5..].trim_start_matches('/');
        p.suggestion = Some(format!("https://{rest}"));
        return Some(p);
    }
    None
}

fn safety(u: &url::Url, shown: &str) -> Option<Problem> {
    let host = u.host_str().unwrap_or("").to_ascii_lowercase();
    let path = u.path().to_ascii_lowercase();
    let threat = if host == "testsafebrowsing.appspot.com" {
        Some(if path.contains("phish") {
            "SOCIAL_ENGINEERING"
        } else if path.contains("unwanted") {
            "UNWANTED_SOFTWARE"
        } else {
            "MALWARE"
        })
    } else if host.contains("malware") {
        Some("MALWARE")
    } else if host.contains("phish") {
        Some("SOCIAL_ENGINEERING")
    } else if host.contains("unwanted") {
        Some("UNWANTED_SOFTWARE")
    } else {
        None
    };
    if let Some(t) = threat {
        return problem(
            rules::URL_FLAGGED,
            Severity::Error,
            format!("{shown} would be flagged by Qflow's URL safety scan ({t}): saving fails with spam_check_failed."),
        );
    }
    if matches!(u.host(), Some(url::Host::Ipv4(_) | url::Host::Ipv6(_))) {
        return problem(
            rules::URL_SUSPICIOUS,
            Severity::Warning,
            format!(
                "{shown} uses an IP address as host: spam filters and safety scanners distrust it."
            ),
        );
    }
    if !u.username().is_empty() {
        return problem(
            rules::URL_SUSPICIOUS,
            Severity::Warning,
            format!("{shown} has a user@ part before the host, a phishing pattern scanners flag."),
        );
    }
    None
}

fn mailto(rest: &str, shown: &str) -> Option<Problem> {
    let to = rest.split('?').next().unwrap_or("");
    let to = percent_decode(to);
    if to.trim().is_empty() {
        return if rest.contains("to=") {
            None
        } else {
            problem(
                rules::MAILTO_INVALID,
                Severity::Error,
                format!("{shown} has no address."),
            )
        };
    }
    for addr in to.split(',') {
        if crate::validate::email("mailto", addr.trim()).is_err() {
            return problem(
                rules::MAILTO_INVALID,
                Severity::Error,
                format!("{shown}: '{}' is not an email address.", addr.trim()),
            );
        }
    }
    None
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && i + 2 < b.len()
            && b[i + 1].is_ascii_hexdigit()
            && b[i + 2].is_ascii_hexdigit()
        {
            let hex = |c: u8| (c as char).to_digit(16).unwrap_or(0) as u8;
            out.push(hex(b[i + 1]) * 16 + hex(b[i + 2]));
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Whether the literal text before a URL's first merge token already fixes its scheme and host
/// (`https://host/…`): then no value can change whether it parses (the parser percent-encodes
/// any path, query or fragment), nor its scheme or host, so it is checked once, not per attendee.
pub(crate) fn fixed_origin(prefix: &str) -> bool {
    let p = prefix.trim_start().to_ascii_lowercase();
    let rest = ["https://", "http://", "//"]
        .iter()
        .find_map(|s| p.strip_prefix(s));
    rest.is_some_and(|r| {
        r.find(['/', '?', '#'])
            .is_some_and(|i| i > 0 && !r[..i].contains('{'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_fixed_by_the_literal_prefix() {
        assert!(fixed_origin("https://example.com/t/"));
        assert!(fixed_origin("http://example.com?b="));
        assert!(!fixed_origin("https://example.com"));
        assert!(!fixed_origin("https://"));
        assert!(!fixed_origin(""));
        assert!(!fixed_origin("mailto:"));
    }

    /// "http:x" parses (host x) and is shorter than "http://": no slicing past its end.
    #[test]
    fn http_without_slashes_gets_a_https_suggestion() {
        let p = check("http:x", true).unwrap();
        assert_eq!(
            (p.rule, p.suggestion.as_deref()),
            (rules::LINK_NOT_HTTPS, Some("https://x"))
        );
        let p = check("HTTP://Example.com/a", true).unwrap();
        assert_eq!(p.suggestion.as_deref(), Some("https://Example.com/a"));
    }
}
