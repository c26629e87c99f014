//! `/api/comms/domain`: SendGrid domain authentication lifecycle.

use std::sync::atomic::Ordering;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Extension;
use rand::Rng;
use serde_json::{json, Value};

use crate::resp::*;
use crate::server::Caller;
use crate::state::{DomainRec, SharedRef};

pub(crate) struct Record {
    pub name: &'static str,
    pub host: String,
    pub data: String,
}

pub(crate) fn records(d: &DomainRec) -> [Record; 3] {
    let target = format!("u{}.wl{}.sendgrid.net", d.id, d.wl);
    [
        Record {
            name: "mail_cname",
            host: format!("em{}.{}", d.em, d.domain),
            data: target.clone(),
        },
        Record {
            name: "dkim1",
            host: format!("s1._domainkey.{}", d.domain),
            data: format!("s1.domainkey.{target}"),
        },
        Record {
            name: "dkim2",
            host: format!("s2._domainkey.{}", d.domain),
            data: format!("s2.domainkey.{target}"),
        },
    ]
}

pub(crate) fn domain_json(d: &DomainRec) -> Value {
    let recs: Vec<Value> = records(d)
        .iter()
        .map(|r| json!({"type": "cname", "host": r.host, "data": r.data, "valid": d.verified}))
        .collect();
    json!({
        "id": d.id,
        "domain": d.domain,
        "verified": d.verified,
        "enabled": d.enabled,
        "dnsRecords": recs,
    })
}

fn status_json(d: &DomainRec, reasons: Vec<Value>) -> Value {
    json!({"verified": d.verified, "enabled": d.enabled, "reasons": reasons})
}

pub(crate) fn new_domain(rng: &mut rand::rngs::StdRng, domain: &str) -> DomainRec {
    DomainRec {
        id: rng.random_range(10_000_000..100_000_000),
        domain: domain.to_string(),
        em: rng.random_range(1000..10_000),
        wl: rng.random_range(100..1000),
        verified: false,
        ever_verified: false,
        enabled: false,
    }
}

pub(crate) async fn create(
    State(s): State<SharedRef>,
    Extension(c): Extension<Caller>,
    body: Bytes,
) -> Res {
    let m = body_object(&body)?;
    let raw = req_str(&m, "domain")?;
    let domain = raw.trim().trim_end_matches('.').to_ascii_lowercase();
    let mut st = s.lock();
    if let Some(existing) = &st.account(&c.user).domain {
        return Err(coded(
            StatusCode::CONFLICT,
            "domain_already_configured",
            &format!(
                "A custom domain (\"{}\") is already configured. Delete it first with POST /api/comms/domain/delete.",
                existing.domain
            ),
        ));
    }
    if !is_domain(&domain) {
        return Err(coded(
            StatusCode::UNPROCESSABLE_ENTITY,
            "sendgrid_create_failed",
            &format!(
                "SendGrid rejected the domain: \"{raw}\" is not a valid domain name. Send the bare domain, e.g. yourbrand.com (no scheme, path or spaces)."
            ),
        ));
    }
    let d = new_domain(&mut st.rng, &domain);
    let v = domain_json(&d);
    st.account(&c.user).domain = Some(d);
    Ok(ok(&v))
}

pub(crate) async fn get(State(s): State<SharedRef>, Extension(c): Extension<Caller>) -> Res {
    let mut st = s.lock();
    st.account(&c.user)
        .domain
        .as_ref()
        .map(|d| ok(&domain_json(d)))
        .ok_or_else(not_found)
}

/// Success verifies and enables; failure marks it unverified and disabled (a domain that
/// passed once can still be re-enabled with /activate).
pub(crate) async fn verify(State(s): State<SharedRef>, Extension(c): Extension<Caller>) -> Res {
    let published = s.dns_published.load(Ordering::SeqCst);
    let mut st = s.lock();
    let d = st.account(&c.user).domain.as_mut().ok_or_else(not_found)?;
    if published {
        d.verified = true;
        d.ever_verified = true;
        d.enabled = true;
        return Ok(ok(&status_json(d, vec![])));
    }
    d.verified = false;
    d.enabled = false;
    let reasons = records(d)
        .iter()
        .map(|r| {
            json!({
                "name": r.name,
                "valid": false,
                "reason": format!("Expected CNAME for \"{}\" to match \"{}\".", r.host, r.data),
            })
        })
        .collect();
    Ok(ok(&status_json(d, reasons)))
}

pub(crate) async fn activate(State(s): State<SharedRef>, Extension(c): Extension<Caller>) -> Res {
    let mut st = s.lock();
    let d = st.account(&c.user).domain.as_mut().ok_or_else(not_found)?;
    if !d.ever_verified {
        return Err(coded(
            StatusCode::CONFLICT,
            "domain_not_verified",
            "The domain has never passed verification. Publish the DNS records, then call POST /api/comms/domain/verify (which activates on success).",
        ));
    }
    d.enabled = true;
    // Activation restores the last successful verification (no DNS recheck).
    d.verified = true;
    Ok(ok(&status_json(d, vec![])))
}

pub(crate) async fn deactivate(State(s): State<SharedRef>, Extension(c): Extension<Caller>) -> Res {
    let mut st = s.lock();
    let d = st.account(&c.user).domain.as_mut().ok_or_else(not_found)?;
    d.enabled = false;
    Ok(ok(&status_json(d, vec![])))
}

pub(crate) async fn delete(State(s): State<SharedRef>, Extension(c): Extension<Caller>) -> Res {
    let mut st = s.lock();
    match st.account(&c.user).domain.take() {
        Some(_) => Ok(ok_empty()),
        None => Err(not_found()),
    }
}
