//! `/api/comms/webhook`: read, set (secret shown once), rotate, test, delete.

use axum::body::Bytes;
use axum::extract::State;
use axum::Extension;
use serde_json::json;

use crate::resp::*;
use crate::server::Caller;
use crate::state::{random_hex, SharedRef, WebhookCfg};
use crate::webhooks;

/// HTTPS anywhere; plain http only to a loopback host (local receivers in demos and tests).
fn check_url(raw: &str) -> Result<String, axum::response::Response> {
    let bad = |why: &str| bad_field("url", &format!("The url field {why}: \"{raw}\"."));
    let u = url::Url::parse(raw.trim()).map_err(|_| bad("is not a valid absolute URL"))?;
    let loopback = match u.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => return Err(bad("has no host")),
    };
    // Echo the URL as given (no normalisation), like the guide's response.
    let given = raw.trim().to_string();
    match u.scheme() {
        "https" => Ok(given),
        "http" if loopback => Ok(given),
        "http" => Err(bad(
            "must be HTTPS (plain http is only accepted for loopback receivers)",
        )),
        _ => Err(bad("must be an HTTPS URL")),
    }
}

pub(crate) async fn get(State(s): State<SharedRef>, Extension(c): Extension<Caller>) -> Res {
    let mut st = s.lock();
    match &st.account(&c.user).webhook {
        Some(w) => Ok(ok(&json!({"url": w.url}))),
        None => Err(not_found()),
    }
}

/// Setting (or replacing) the URL always issues a fresh secret, shown in this response only.
pub(crate) async fn set(
    State(s): State<SharedRef>,
    Extension(c): Extension<Caller>,
    body: Bytes,
) -> Res {
    let m = body_object(&body)?;
    let url = check_url(&req_str(&m, "url")?)?;
    let secret = random_hex(32);
    let mut st = s.lock();
    st.account(&c.user).webhook = Some(WebhookCfg {
        url: url.clone(),
        secret: secret.clone(),
    });
    Ok(ok(&json!({"url": url, "secret": secret})))
}

pub(crate) async fn rotate(State(s): State<SharedRef>, Extension(c): Extension<Caller>) -> Res {
    let mut st = s.lock();
    let w = st.account(&c.user).webhook.as_mut().ok_or_else(not_found)?;
    w.secret = random_hex(32);
    Ok(ok(&json!({"url": w.url, "secret": w.secret})))
}

/// Queues a `comms.test` delivery; answers with its webhook id (the receiver's dedupe key).
pub(crate) async fn test(State(s): State<SharedRef>, Extension(c): Extension<Caller>) -> Res {
    let id = {
        let mut st = s.lock();
        if st.account(&c.user).webhook.is_none() {
            return Err(not_found());
        }
        st.new_uuid()
    };
    webhooks::spawn_test(s.clone(), c.user.clone(), id);
    Ok(ok(
        &json!({"event": "comms.test", "webhookId": id.to_string()}),
    ))
}

pub(crate) async fn delete(State(s): State<SharedRef>, Extension(c): Extension<Caller>) -> Res {
    let mut st = s.lock();
    match st.account(&c.user).webhook.take() {
        Some(_) => Ok(ok_empty()),
        None => Err(not_found()),
    }
}
