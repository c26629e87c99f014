//! Templates: upsert with the guide's partial-update rules, fromAddress validation, URL scan.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Extension;
use chrono::{DateTime, Utc};
use serde_json::{json, Map, Value};

use crate::resp::*;
use crate::server::Caller;
use crate::state::{DomainRec, SharedRef, TemplateRec};

/// fromAddress domains (and their subdomains) whose validation "can't reach SendGrid": 502.
pub const VALIDATION_UNAVAILABLE_DOMAIN: &str = "sendgrid-unavailable.example";

pub(crate) fn template_json(t: &TemplateRec) -> Value {
    json!({
        "id": t.id.to_string(),
        "eventId": t.event_id.to_string(),
        "name": t.name,
        "subject": t.subject,
        "html": t.html,
        "fromAddress": t.from_address,
        "fromName": t.from_name,
        "replyTo": t.reply_to,
        "attachPdf": t.attach_pdf,
        "emailBody": t.email_body,
        "created": t.created.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    })
}

/// The guide's override rule: absent/null = keep, "" = clear, value = set.
enum Patch {
    Keep,
    Clear,
    Set(String),
}

fn patch(m: &Map<String, Value>, field: &str) -> Result<Patch, axum::response::Response> {
    Ok(match opt_str(m, field)? {
        None => Patch::Keep,
        Some(s) if s.is_empty() => Patch::Clear,
        Some(s) => Patch::Set(s),
    })
}

fn apply(p: Patch, old: Option<String>) -> Option<String> {
    match p {
        Patch::Keep => old,
        Patch::Clear => None,
        Patch::Set(s) => Some(s),
    }
}

/// "Must be HTML": at least one tag.
fn looks_like_html(s: &str) -> bool {
    s.as_bytes()
        .windows(2)
        .any(|w| w[0] == b'<' && (w[1].is_ascii_alphabetic() || w[1] == b'!' || w[1] == b'/'))
}

/// The sandbox's URL-safety rule: an http(s) URL whose host contains "malware" (MALWARE),
/// "phish" (SOCIAL_ENGINEERING) or "unwanted" (UNWANTED_SOFTWARE), or any URL on Google's
/// test host `testsafebrowsing.appspot.com`.
pub(crate) fn flagged_urls(html: &str) -> Vec<Value> {
    let mut out = Vec::new();
    let lower = html.to_ascii_lowercase();
    let mut i = 0;
    while let Some(pos) = lower[i..].find("http") {
        let start = i + pos;
        let rest = &lower[start..];
        let scheme_len = if rest.starts_with("https://") {
            8
        } else if rest.starts_with("http://") {
            7
        } else {
            i = start + 4;
            continue;
        };
        let len = rest
            .find(|c: char| c.is_whitespace() || "\"'<>()`".contains(c))
            .unwrap_or(rest.len());
        let url_lower = &rest[..len];
        let host = url_lower[scheme_len..]
            .split(['/', '?', '#', ':'])
            .next()
            .unwrap_or("");
        let threat = if host == "testsafebrowsing.appspot.com" {
            Some(if url_lower.contains("phish") {
                "SOCIAL_ENGINEERING"
            } else if url_lower.contains("unwanted") {
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
            out.push(json!({"url": &html[start..start + len], "threatType": t}));
        }
        i = start + len.max(1);
    }
    out
}

fn domain_allows(domain: Option<&DomainRec>, addr_domain: &str) -> bool {
    domain.is_some_and(|d| {
        d.verified && (addr_domain == d.domain || addr_domain.ends_with(&format!(".{}", d.domain)))
    })
}

pub(crate) async fn upsert(
    State(s): State<SharedRef>,
    Extension(c): Extension<Caller>,
    body: Bytes,
) -> Res {
    let m = body_object(&body)?;
    let id = opt_guid(&m, "id")?;
    let event_id = req_guid(&m, "eventId")?;
    let name = req_str(&m, "name")?;
    let subject = opt_str(&m, "subject")?;
    let html = req_str(&m, "html")?;
    if !looks_like_html(&html) {
        return Err(bad_field(
            "html",
            "The html field must be an HTML fragment (plain text is not supported), e.g. <p>Hi {{firstname}}</p>.",
        ));
    }
    let from_address = patch(&m, "fromAddress")?;
    let from_name = patch(&m, "fromName")?;
    let reply_to = patch(&m, "replyTo")?;
    let email_body = patch(&m, "emailBody")?;
    let attach_pdf = match m.get("attachPdf") {
        None | Some(Value::Null) => None,
        Some(Value::Bool(b)) => Some(*b),
        Some(_) => {
            return Err(bad_field(
                "attachPdf",
                "The attachPdf field must be true or false.",
            ))
        }
    };
    let mut addr_domain = None;
    if let Patch::Set(a) = &from_address {
        if !is_email(a) {
            return Err(bad_field(
                "fromAddress",
                &format!("The fromAddress field is not a valid email address: \"{a}\"."),
            ));
        }
        addr_domain = a.rsplit_once('@').map(|(_, d)| d.to_ascii_lowercase());
    }
    if let Patch::Set(r) = &reply_to {
        if !is_email(r) {
            return Err(bad_field(
                "replyTo",
                &format!("The replyTo field is not a valid email address: \"{r}\"."),
            ));
        }
    }

    let mut st = s.lock();
    if let Some(id) = id {
        if st.owner_of_template(&id).is_some_and(|o| o != c.user) {
            return Err(not_found());
        }
    }
    if !st.account(&c.user).events.contains_key(&event_id) {
        return Err(not_found());
    }
    if let Some(d) = &addr_domain {
        if d == VALIDATION_UNAVAILABLE_DOMAIN
            || d.ends_with(&format!(".{VALIDATION_UNAVAILABLE_DOMAIN}"))
        {
            return Err(coded(
                StatusCode::BAD_GATEWAY,
                "fromaddress_validation_unavailable",
                "Couldn't reach SendGrid to verify fromAddress. Retry shortly.",
            ));
        }
        let acc_domain = st.account(&c.user).domain.clone();
        if !domain_allows(acc_domain.as_ref(), d) {
            let msg = match &acc_domain {
                Some(dom) if dom.verified => format!(
                    "fromAddress domain \"{d}\" does not match your verified domain \"{}\" (or a subdomain of it).",
                    dom.domain
                ),
                Some(dom) => format!(
                    "fromAddress domain \"{d}\" is not verified: your domain \"{}\" has not passed verification. Verify it via POST /api/comms/domain/verify.",
                    dom.domain
                ),
                None => format!(
                    "fromAddress domain \"{d}\" is not verified: this account has no verified sending domain. Set one up via POST /api/comms/domain."
                ),
            };
            return Err(coded(
                StatusCode::UNPROCESSABLE_ENTITY,
                "fromaddress_domain_not_verified",
                &msg,
            ));
        }
    }
    let mut flagged = flagged_urls(&html);
    if let Patch::Set(b) = &email_body {
        flagged.extend(flagged_urls(b));
    }
    if !flagged.is_empty() {
        return Err(coded_with(
            StatusCode::UNPROCESSABLE_ENTITY,
            "spam_check_failed",
            "Template HTML contains URLs flagged as unsafe by the URL safety scan. Remove them and retry.",
            json!({"flaggedUrls": flagged}),
        ));
    }

    let new_id = match id {
        Some(id) => id,
        None => st.new_uuid(),
    };
    let acc = st.account(&c.user);
    let existing = acc.templates.get(&new_id).cloned();
    let created_now = existing.is_none();
    let old = existing.unwrap_or_else(|| TemplateRec {
        id: new_id,
        event_id,
        name: String::new(),
        subject: None,
        html: String::new(),
        from_address: None,
        from_name: None,
        reply_to: None,
        attach_pdf: false,
        email_body: None,
        created: DateTime::from_timestamp(Utc::now().timestamp(), 0).unwrap_or_else(Utc::now),
    });
    let t = TemplateRec {
        id: new_id,
        event_id,
        // Core fields are always overwritten (an omitted subject becomes null).
        name,
        subject,
        html,
        from_address: apply(from_address, old.from_address),
        from_name: apply(from_name, old.from_name),
        reply_to: apply(reply_to, old.reply_to),
        attach_pdf: attach_pdf.unwrap_or(old.attach_pdf),
        email_body: apply(email_body, old.email_body),
        created: old.created,
    };
    acc.templates.insert(new_id, t.clone());
    let status = if created_now {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok(json_status(status, &template_json(&t)))
}

pub(crate) async fn get_one(
    State(s): State<SharedRef>,
    Extension(c): Extension<Caller>,
    Path(id): Path<String>,
) -> Res {
    let id = parse_guid("id", &id)?;
    let mut st = s.lock();
    st.account(&c.user)
        .templates
        .get(&id)
        .map(|t| ok(&template_json(t)))
        .ok_or_else(not_found)
}

pub(crate) async fn list(
    State(s): State<SharedRef>,
    Extension(c): Extension<Caller>,
    Query(q): Query<HashMap<String, String>>,
) -> Res {
    let raw = q
        .get("eventId")
        .filter(|v| !v.trim().is_empty())
        .ok_or_else(|| bad_field("eventId", "The eventId query parameter is required."))?;
    let event_id = parse_guid("eventId", raw)?;
    let mut st = s.lock();
    let acc = st.account(&c.user);
    if !acc.events.contains_key(&event_id) {
        return Err(not_found());
    }
    let mut list: Vec<&TemplateRec> = acc
        .templates
        .values()
        .filter(|t| t.event_id == event_id)
        .collect();
    list.sort_by_key(|t| (t.created, t.id));
    Ok(ok(&Value::Array(
        list.into_iter().map(template_json).collect(),
    )))
}

pub(crate) async fn delete(
    State(s): State<SharedRef>,
    Extension(c): Extension<Caller>,
    body: Bytes,
) -> Res {
    let m = body_object(&body)?;
    let id = req_guid(&m, "id")?;
    let mut st = s.lock();
    st.account(&c.user)
        .templates
        .remove(&id)
        .map(|_| ok_empty())
        .ok_or_else(not_found)
}
