//! Every row of the guide's error table (Reference → Error responses), over real HTTP.

mod contract_support;

use std::time::{Duration, Instant};

use contract_support::*;
use qflow_core::api::{ApiRequest, Budget, Client, Method, Priority};
use qflow_core::models::{Guest, SendRequest};
use qflow_core::{ApiError, Error, Secret};
use qflow_sandbox::{Fault, FaultKind, Sandbox};
use serde_json::json;
use uuid::Uuid;

fn api_err<T: std::fmt::Debug>(r: Result<T, Error>) -> ApiError {
    match r {
        Err(Error::Api(a)) => a,
        other => panic!("expected an API error, got {other:?}"),
    }
}

fn status(
    sb: &Sandbox,
    method: &str,
    path: &str,
    status: u16,
    body: serde_json::Value,
    retry_after: Option<u64>,
) {
    sb.inject(Fault {
        method: method.into(),
        path_prefix: path.into(),
        kind: FaultKind::Status {
            status,
            body: body.to_string(),
            retry_after,
        },
    });
}

#[tokio::test]
async fn row_400_validation_error() {
    let sb = sandbox().await;
    let c = client(&sb);
    // Malformed GUID: the typed client cannot produce it, so go raw.
    let a = api_err(
        c.execute(
            ApiRequest::new(Method::POST, "/api/guest")
                .with_body(json!({"eventId": "not-a-guid", "firstName": "A", "lastName": "B"})),
        )
        .await,
    );
    assert_eq!(a.status, 400);
    assert_eq!(a.endpoint, "POST /api/guest");
    assert!(a.next_step.contains("Check"), "{}", a.next_step);

    // Bulk over 200: the client refuses before sending; the API would answer 400.
    let ev = make_event(&c).await;
    let many: Vec<Guest> = (0..201).map(|_| new_guest(ev, "")).collect();
    let e = c.guests_bulk_create(ev, &many).await.unwrap_err();
    assert!(matches!(&e, Error::Invalid { field, .. } if field == "guests"));
    assert_eq!(sb.requests("POST", "/api/guests/"), 0);
    let raw = serde_json::to_value(&many).unwrap();
    let a = api_err(
        c.execute(ApiRequest::new(Method::POST, format!("/api/guests/{ev}")).with_body(raw))
            .await,
    );
    assert_eq!(a.status, 400);
}

#[tokio::test]
async fn row_401_expired_token_is_recovered_and_a_repeated_one_surfaced() {
    let sb = sandbox().await;
    let c = client(&sb);
    c.sign_in().await.unwrap();
    sb.expire_all_tokens();
    // 401 → refresh → retried transparently.
    assert!(c
        .events_list(at(2026, 1, 1, 0), at(2026, 12, 31, 0))
        .await
        .unwrap()
        .is_empty());
    assert_eq!(sb.token_requests(), 2);
    assert_eq!(sb.requests("GET", "/api/events"), 2);

    let denied = json!({"message": "Authorization has been denied for this request."});
    status(&sb, "GET", "/api/comms/domain", 401, denied.clone(), None);
    status(&sb, "GET", "/api/comms/domain", 401, denied, None);
    let a = api_err(c.domain_get().await);
    assert_eq!((a.status, a.code.as_str()), (401, "unauthorized"));
    assert!(a.message.contains("access token"), "{}", a.message);
    assert_eq!(
        sb.requests("GET", "/api/comms/domain"),
        2,
        "retried exactly once"
    );
}

#[tokio::test]
async fn row_401_client_key_invalid_is_never_retried() {
    let sb = sandbox().await;
    let mut creds = credentials(qflow_sandbox::DEMO_USERNAME);
    creds.client_key = Secret::new("0000000000000000000000000000000");
    let c = Client::new(config(&sb, creds)).unwrap();
    let a = api_err(c.webhook_get().await);
    assert_eq!((a.status, a.code.as_str()), (401, "client_key_invalid"));
    assert!(a.next_step.contains("configuration error"));
    assert_eq!(sb.requests("GET", "/api/comms/webhook"), 1);
    assert_eq!(
        sb.token_requests(),
        1,
        "no token re-acquired for a key problem"
    );
}

#[tokio::test]
async fn row_403_comms_api_not_enabled() {
    let sb = sandbox().await;
    let c = client_as(&sb, qflow_sandbox::NO_COMMS_API_USERNAME);
    let a = api_err(c.webhook_get().await);
    assert_eq!((a.status, a.code.as_str()), (403, "comms_api_not_enabled"));
    assert!(a.next_step.contains("support@qflow.io"));
}

#[tokio::test]
async fn row_403_trust_required() {
    let sb = sandbox().await;
    let c = client_as(&sb, qflow_sandbox::NO_KYC_USERNAME);
    let ev = make_event(&c).await;
    let g = new_guest(ev, "joe@yourcompany.com");
    c.guest_create(&create(g.clone())).await.unwrap();
    let t = new_template(ev);
    c.template_upsert(&t).await.unwrap();
    let a = api_err(
        c.send(&SendRequest {
            attendee_id: g.id,
            template_id: t.id,
            correlation_id: None,
        })
        .await,
    );
    assert_eq!((a.status, a.code.as_str()), (403, "trust_required"));
    assert_eq!(sb.requests("POST", "/api/comms/send"), 1);
}

#[tokio::test]
async fn row_404_not_found() {
    let sb = sandbox().await;
    let c = client(&sb);
    let a = api_err(c.guest_get(Uuid::new_v4()).await);
    assert_eq!((a.status, a.code.as_str()), (404, "not_found"));
    assert!(a.endpoint.starts_with("GET /api/guest/"));
    // Another account's id is not found either.
    let ev = make_event(&c).await;
    let other = client_as(&sb, qflow_sandbox::OTHER_USERNAME);
    assert_eq!(api_err(other.event_get(ev).await).status, 404);
    assert_eq!(api_err(c.template_get(Uuid::new_v4()).await).status, 404);
    assert_eq!(api_err(c.webhook_rotate().await).status, 404);
}

#[tokio::test]
async fn rows_409_domain_already_configured_and_not_verified() {
    let sb = sandbox().await;
    let c = client(&sb);
    c.domain_create("yourbrand.com").await.unwrap();
    let a = api_err(c.domain_activate().await);
    assert_eq!((a.status, a.code.as_str()), (409, "domain_not_verified"));
    assert!(a.next_step.contains("Verify"));
    let a = api_err(c.domain_create("otherbrand.com").await);
    assert_eq!(
        (a.status, a.code.as_str()),
        (409, "domain_already_configured")
    );
    assert_eq!(sb.requests("POST", "/api/comms/domain/activate"), 1);
}

#[tokio::test]
async fn row_411_never_triggered_by_the_client_but_real() {
    let sb = sandbox().await;
    let c = client(&sb);
    let rx = Receiver::start().await;
    c.webhook_set(&rx.url).await.unwrap();
    c.domain_create("yourbrand.com").await.unwrap();
    sb.publish_dns(true);
    c.webhook_rotate().await.unwrap();
    c.webhook_test().await.unwrap();
    c.domain_verify().await.unwrap();
    c.domain_deactivate().await.unwrap();
    c.domain_activate().await.unwrap();
    c.domain_delete().await.unwrap();
    c.webhook_delete().await.unwrap();

    // A plain POST without a body and without Content-Length gets the guide's 411.
    let http = reqwest::Client::new();
    let resp = http
        .post(format!("{}/api/comms/webhook/test", sb.api_base()))
        .header("X-Qflow-Client-Key", qflow_sandbox::CLIENT_KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(
        resp.status().as_u16(),
        411,
        "a length-less empty POST must be refused"
    );
    // Requests are counted after the 411 check: exactly the client's one call each.
    for p in [
        "/api/comms/webhook/rotate",
        "/api/comms/webhook/test",
        "/api/comms/webhook/delete",
        "/api/comms/domain/verify",
        "/api/comms/domain/activate",
        "/api/comms/domain/deactivate",
        "/api/comms/domain/delete",
    ] {
        assert_eq!(sb.requests("POST", p), 1, "{p}");
    }
}

#[tokio::test]
async fn row_422_fromaddress_domain_not_verified() {
    let sb = sandbox().await;
    let c = client(&sb);
    let ev = make_event(&c).await;
    let mut t = new_template(ev);
    t.from_address = Some("events@yourbrand.com".into());
    let a = api_err(c.template_upsert(&t).await);
    assert_eq!(
        (a.status, a.code.as_str()),
        (422, "fromaddress_domain_not_verified")
    );
    // After verifying the domain (and for a subdomain) it is saved.
    c.domain_create("yourbrand.com").await.unwrap();
    sb.publish_dns(true);
    c.domain_verify().await.unwrap();
    t.from_address = Some("noreply@mail.yourbrand.com".into());
    assert_eq!(
        c.template_upsert(&t).await.unwrap().from_address.as_deref(),
        Some("noreply@mail.yourbrand.com")
    );
}

#[tokio::test]
async fn row_422_previous_send_permanently_failed() {
    let sb = sandbox().await;
    let rx = Receiver::start().await;
    let c = client(&sb);
    c.webhook_set(&rx.url).await.unwrap();
    let ev = make_event(&c).await;
    let t = new_template(ev);
    c.template_upsert(&t).await.unwrap();
    let g = new_guest(ev, &format!("someone@{}", qflow_sandbox::BOUNCE_DOMAIN));
    c.guest_create(&create(g.clone())).await.unwrap();
    let req = SendRequest {
        attendee_id: g.id,
        template_id: t.id,
        correlation_id: None,
    };
    c.send(&req).await.unwrap();
    assert!(
        rx.wait_for(|r| !r.events("comms.bounced").is_empty()).await,
        "no bounce"
    );
    let a = api_err(c.send(&req).await);
    assert_eq!(
        (a.status, a.code.as_str()),
        (422, "previous_send_permanently_failed")
    );
    assert_eq!(a.details["failureType"], "bounced");
    assert!(a.details.contains_key("lastFailureAt"));
    assert!(a.next_step.contains("will not help"));
}

#[tokio::test]
async fn row_422_spam_check_failed() {
    let sb = sandbox().await;
    let c = client(&sb);
    let ev = make_event(&c).await;
    let mut t = new_template(ev);
    t.html = r#"<p>Click <a href="https://malware.example/x">here</a></p>"#.into();
    let a = api_err(c.template_upsert(&t).await);
    assert_eq!((a.status, a.code.as_str()), (422, "spam_check_failed"));
    assert!(a.details["flaggedUrls"][0]["url"]
        .as_str()
        .unwrap()
        .contains("malware.example"));
    assert!(
        a.message.contains("https://malware.example/x"),
        "{}",
        a.message
    );
}

#[tokio::test]
async fn row_422_sendgrid_create_failed() {
    let sb = sandbox().await;
    let c = client(&sb);
    // The typed client refuses a non-bare domain before sending...
    assert_eq!(
        c.domain_create("https://x.com/").await.unwrap_err().code(),
        "invalid_input"
    );
    assert_eq!(sb.requests("POST", "/api/comms/domain"), 0);
    // ...which is what SendGrid would reject.
    let a = api_err(
        c.execute(
            ApiRequest::new(Method::POST, "/api/comms/domain")
                .with_body(json!({"domain": "https://x.com/"})),
        )
        .await,
    );
    assert_eq!((a.status, a.code.as_str()), (422, "sendgrid_create_failed"));
}

#[tokio::test]
async fn row_429_in_app_pauses_and_an_idempotent_request_waits_it_out() {
    let sb = sandbox().await;
    let c = client(&sb);
    status(
        &sb,
        "GET",
        "/api/comms/webhook",
        429,
        json!({"error": "rate_limit", "message": "Too many requests"}),
        Some(1),
    );
    let started = Instant::now();
    assert!(matches!(c.webhook_get().await, Err(Error::Api(ref a)) if a.status == 404));
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "Retry-After was not honoured"
    );
    assert_eq!(sb.requests("GET", "/api/comms/webhook"), 2);
}

#[tokio::test]
async fn row_429_in_app_for_real() {
    let sb = sandbox_with(|cfg| cfg.rate_limits = true).await;
    sb.set_rate_layers(false, true);
    let c = client(&sb);
    for _ in 0..60 {
        assert_eq!(api_err(c.webhook_get().await).status, 404);
    }
    // Not idempotent, so the 429 comes back instead of being waited out.
    let a = api_err(c.execute(ApiRequest::webhook_get().idempotent(false)).await);
    assert_eq!((a.status, a.code.as_str()), (429, "rate_limit"));
    let wait = a.retry_after.expect("Retry-After");
    assert!((1..=60).contains(&wait), "{wait}");
    let paused = c.budget().paused_for().expect("budget paused");
    assert!(
        paused <= Duration::from_secs(wait) && paused > Duration::from_secs(wait.saturating_sub(2))
    );
}

#[tokio::test]
async fn row_429_edge_block_pauses_everything_for_60s() {
    let sb = sandbox_with(|cfg| cfg.rate_limits = true).await;
    sb.set_rate_layers(true, false);
    let c = client(&sb);
    for _ in 0..60 {
        assert_eq!(api_err(c.webhook_get().await).status, 404);
    }
    let a = api_err(c.execute(ApiRequest::webhook_get().idempotent(false)).await);
    assert_eq!((a.status, a.code.as_str()), (429, "rate_limit_edge"));
    assert!(c.budget().paused_for().unwrap() > Duration::from_secs(55));
    // Everything on that budget waits now, background or not (the block is per IP).
    let shared: std::sync::Arc<Budget> = c.budget().clone();
    for p in [Priority::Interactive, Priority::Background] {
        assert!(
            tokio::time::timeout(Duration::from_millis(200), shared.acquire(p))
                .await
                .is_err()
        );
    }
}

#[tokio::test]
async fn row_502_fromaddress_validation_unavailable_is_retried_then_reported() {
    let sb = sandbox().await;
    let c = client(&sb);
    let ev = make_event(&c).await;
    let mut t = new_template(ev);
    t.from_address = Some(format!(
        "events@{}",
        qflow_sandbox::VALIDATION_UNAVAILABLE_DOMAIN
    ));
    let a = api_err(c.template_upsert(&t).await);
    assert_eq!(
        (a.status, a.code.as_str()),
        (502, "fromaddress_validation_unavailable")
    );
    assert!(a.next_step.contains("Retry"));
    // An upsert with an id is idempotent: retried up to the limit.
    assert_eq!(
        sb.requests("POST", "/api/comms/template"),
        qflow_core::api::MAX_ATTEMPTS as usize
    );
}

#[tokio::test]
async fn row_500_retried_when_idempotent_never_for_a_send() {
    let sb = sandbox().await;
    let c = client(&sb);
    let ev = make_event(&c).await;
    status(
        &sb,
        "GET",
        "/api/event/",
        500,
        json!({"message": "Unexpected"}),
        None,
    );
    assert_eq!(c.event_get(ev).await.unwrap().id, Some(ev));
    assert_eq!(sb.requests("GET", "/api/event/"), 2);

    let g = new_guest(ev, "joe@yourcompany.com");
    c.guest_create(&create(g.clone())).await.unwrap();
    let t = new_template(ev);
    c.template_upsert(&t).await.unwrap();
    status(
        &sb,
        "POST",
        "/api/comms/send",
        500,
        json!({"message": "Unexpected"}),
        None,
    );
    let a = api_err(
        c.send(&SendRequest {
            attendee_id: g.id,
            template_id: t.id,
            correlation_id: None,
        })
        .await,
    );
    assert_eq!((a.status, a.code.as_str()), (500, "server_error"));
    assert_eq!(sb.requests("POST", "/api/comms/send"), 1);
}

#[tokio::test]
async fn errors_never_contain_secrets() {
    let sb = sandbox().await;
    let mut creds = credentials(qflow_sandbox::DEMO_USERNAME);
    creds.password = Secret::new("wrong-password-123");
    let c = Client::new(config(&sb, creds)).unwrap();
    let e = c.guest_get(Uuid::new_v4()).await.unwrap_err();
    assert_eq!(e.code(), "sign_in_failed");
    let text = format!("{e} {e:?} {:?}", e.body());
    for s in [
        "wrong-password-123",
        qflow_sandbox::DEMO_CLIENT_SECRET,
        qflow_sandbox::CLIENT_KEY,
    ] {
        assert!(!text.contains(s), "{text}");
    }
}
