//! What the API client and the token endpoint both read off HTTP: `Retry-After`, and transport
//! failures in words.

use reqwest::header::{HeaderMap, RETRY_AFTER};

/// `Retry-After` as seconds (delta-seconds or an HTTP date).
pub fn retry_after(headers: &HeaderMap) -> Option<u64> {
    let v = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(secs);
    }
    let when = chrono::DateTime::parse_from_rfc2822(v).ok()?;
    let secs = (when.with_timezone(&chrono::Utc) - chrono::Utc::now()).num_seconds();
    Some(secs.max(0) as u64)
}

/// What went wrong on the wire, in words, without the URL's query or any header.
pub fn describe_transport_error(e: &reqwest::Error) -> String {
    let kind = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "could not connect"
    } else if e.is_body() || e.is_decode() {
        "the answer was cut off"
    } else {
        "the connection failed"
    };
    let mut detail = None;
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        detail = Some(s.to_string());
        source = s.source();
    }
    match detail {
        Some(d) if !d.is_empty() => format!("{kind}: {d}"),
        _ => kind.to_owned(),
    }
}
