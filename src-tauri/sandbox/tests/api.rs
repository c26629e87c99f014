//! The sandbox over real HTTP on 127.0.0.1.

mod support;

use std::time::{Duration, Instant};

use hmac::{Hmac, Mac};
use qflow_sandbox::{Fault, FaultKind, Sandbox, SandboxConfig, CLIENT_KEY};
use reqwest::Method;
use serde_json::{json, Value};
use sha2::Sha256;
use support::*;

#[tokio::test]
async fn password_and_refresh_grants_follow_oauth() {
    let sb = sandbox().await;
    let r = password_grant(&sb, qflow_sandbox::DEMO_USERNAME).await;
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["token_type"], "Bearer");
    assert_eq!(v["expires_in"], 3600);
    assert_eq!(v["scope"], "qflowapi openid profile email offline_access");
    let refresh = v["refresh_token"].as_str().unwrap().to_string();

    let refresh_form = |rt: &str| {
        vec![
            ("grant_type", "refresh_token".to_string()),
            ("client_id", qflow_sandbox::DEMO_CLIENT_ID.to_string()),
            (
                "client_secret",
                qflow_sandbox::DEMO_CLIENT_SECRET.to_string(),
            ),
            ("refresh_token", rt.to_string()),
        ]
    };
    let r = http()
        .post(sb.identity_url())
        .form(&refresh_form(&refresh))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let v2: Value = r.json().await.unwrap();
    assert_ne!(v2["access_token"], v["access_token"]);
    // One-time refresh tokens.
    let r = http()
        .post(sb.identity_url())
        .form(&refresh_form(&refresh))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(r.json::<Value>().await.unwrap()["error"], "invalid_grant");

    // Revoked: the newest refresh token is refused too.
    sb.revoke_all_tokens();
    let r = http()
        .post(sb.identity_url())
        .form(&refresh_form(v2["refresh_token"].as_str().unwrap()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(r.json::<Value>().await.unwrap()["error"], "invalid_grant");

    let r = http()
        .post(sb.identity_url())
        .form(&[
            ("grant_type", "password"),
            ("client_id", qflow_sandbox::DEMO_CLIENT_ID),
            ("client_secret", qflow_sandbox::DEMO_CLIENT_SECRET),
            ("username", qflow_sandbox::DEMO_USERNAME),
            ("password", "wrong"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let e: Value = r.json().await.unwrap();
    assert_eq!(e["error"], "invalid_grant");
    assert!(e["error_description"].is_string());

    let r = http()
        .post(sb.identity_url())
        .form(&[
            ("grant_type", "password"),
            ("client_id", "someone-else"),
            ("client_secret", "x"),
            ("username", qflow_sandbox::DEMO_USERNAME),
            ("password", qflow_sandbox::DEMO_PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(r.json::<Value>().await.unwrap()["error"], "invalid_client");
    assert_eq!(sb.token_requests(), 6);
}

#[tokio::test]
async fn both_headers_are_required_client_key_checked_first() {
    let sb = sandbox().await;
    let api = Api::demo(&sb).await;
    let url = format!("{}/api/comms/webhook", sb.api_base());

    let r = http()
        .get(&url)
        .bearer_auth(&api.token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    assert_eq!(
        r.json::<Value>().await.unwrap(),
        json!({"error":"client_key_invalid","message":"Missing or invalid X-Qflow-Client-Key header."})
    );
    let r = http()
        .get(&url)
        .bearer_auth(&api.token)
        .header("X-Qflow-Client-Key", "nope")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    assert_eq!(
        r.json::<Value>().await.unwrap()["error"],
        "client_key_invalid"
    );

    let r = http()
        .get(&url)
        .header("X-Qflow-Client-Key", CLIENT_KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    assert_eq!(
        r.json::<Value>().await.unwrap(),
        json!({"message":"Authorization has been denied for this request."})
    );
    let r = http().get(&url).send().await.unwrap();
    assert_eq!(
        r.json::<Value>().await.unwrap()["error"],
        "client_key_invalid"
    );

    // Unknown /api routes are gated too, then 404 without a body.
    let r = http()
        .get(format!("{}/api/nope", sb.api_base()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let r = api.get("/api/nope").await;
    assert_eq!((r.status, r.text.as_str()), (404, ""));

    // Both present: passes (404 = no webhook configured yet).
    assert_eq!(api.get("/api/comms/webhook").await.status, 404);
    sb.expire_all_tokens();
    let r = api.get("/api/comms/webhook").await;
    assert_eq!(r.status, 401);
    assert_eq!(
        r.json()["message"],
        "Authorization has been denied for this request."
    );
}

#[tokio::test]
async fn expired_token_is_denied() {
    let sb = Sandbox::start(SandboxConfig {
        token_lifetime_secs: 1,
        ..quiet_config()
    })
    .await
    .unwrap();
    let api = Api::demo(&sb).await;
    assert_eq!(api.get("/api/comms/webhook").await.status, 404);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(api.get("/api/comms/webhook").await.status, 401);
}

#[tokio::test]
async fn empty_body_posts_without_content_length_get_411_before_auth() {
    let sb = sandbox().await;
    let api = Api::demo(&sb).await;
    for path in [
        "/api/comms/webhook/rotate",
        "/api/comms/webhook/test",
        "/api/comms/webhook/delete",
        "/api/comms/domain/verify",
        "/api/comms/domain/activate",
        "/api/comms/domain/deactivate",
        "/api/comms/domain/delete",
    ] {
        let no_len = format!("POST {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assert_eq!(raw_status(sb.addr(), &no_len).await, 411, "{path}");
        let chunked = format!(
            "POST {path} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n0\r\n\r\n"
        );
        assert_eq!(raw_status(sb.addr(), &chunked).await, 411, "{path} chunked");
        // Content-Length: 0 passes the check and reaches auth.
        let with_len = format!(
            "POST {path} HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        );
        assert_eq!(raw_status(sb.addr(), &with_len).await, 401, "{path}");
        // Authenticated with Content-Length: 0: a real answer (404: nothing configured).
        assert_eq!(api.post_empty(path).await.status, 404, "{path}");
    }
    assert_eq!(sb.requests("POST", "/api/comms/webhook/rotate"), 2);
}

#[tokio::test]
async fn in_app_rate_limit_is_json_with_retry_after() {
    let sb = sandbox().await;
    sb.set_rate_layers(false, true);
    let api = Api::demo(&sb).await;
    // Unauthenticated requests do not count in-app.
    for _ in 0..5 {
        assert_eq!(
            http()
                .get(format!("{}/api/comms/webhook", sb.api_base()))
                .send()
                .await
                .unwrap()
                .status(),
            401
        );
    }
    for i in 0..60 {
        assert_eq!(
            api.get("/api/comms/webhook").await.status,
            404,
            "request {i}"
        );
    }
    let r = api.get("/api/comms/webhook").await;
    assert_eq!(r.status, 429);
    assert_eq!(r.json()["error"], "rate_limit");
    let ra: u64 = r.headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&ra), "{ra}");
    // Per user: another account is unaffected.
    let other = Api::sign_in(&sb, qflow_sandbox::OTHER_USERNAME).await;
    assert_eq!(other.get("/api/comms/webhook").await.status, 404);
    sb.set_rate_limits(false);
    assert_eq!(api.get("/api/comms/webhook").await.status, 404);
}

#[tokio::test]
async fn edge_rate_limit_counts_everything_and_blocks_the_ip() {
    let sb = sandbox().await;
    sb.set_rate_layers(true, false);
    let api = Api::demo(&sb).await;
    for _ in 0..30 {
        // 401s count at the edge.
        http()
            .get(format!("{}/api/comms/webhook", sb.api_base()))
            .send()
            .await
            .unwrap();
    }
    for _ in 0..30 {
        assert_eq!(api.get("/api/comms/webhook").await.status, 404);
    }
    let r = api.get("/api/comms/webhook").await;
    assert_eq!(r.status, 429);
    assert_eq!(r.headers["retry-after"], "60");
    assert!(r.headers["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    assert!(
        serde_json::from_str::<Value>(&r.text).is_err(),
        "edge body is not JSON"
    );
    // Blocked: even another user from this IP.
    let other = Api::sign_in(&sb, qflow_sandbox::OTHER_USERNAME).await; // token endpoint not limited
    let r = other.get("/api/comms/webhook").await;
    assert_eq!(r.status, 429);
    let ra: u64 = r.headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((59..=60).contains(&ra));
}

#[tokio::test]
async fn both_layers_on_edge_wins_inside_one_window() {
    let sb = Sandbox::start(SandboxConfig {
        rate_limits: true,
        ..quiet_config()
    })
    .await
    .unwrap();
    let api = Api::demo(&sb).await;
    for _ in 0..60 {
        assert_eq!(api.get("/api/comms/webhook").await.status, 404);
    }
    let r = api.get("/api/comms/webhook").await;
    assert_eq!(r.status, 429);
    assert!(r.headers["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
}

#[tokio::test]
async fn atomic_create_is_idempotent_and_sends_once_with_signed_webhooks() {
    let sb = sandbox().await;
    let api = Api::demo(&sb).await;
    let rx = Receiver::start(0).await;
    let set = api.post("/api/comms/webhook", json!({"url": rx.url})).await;
    assert_eq!(set.status, 200, "{}", set.text);
    let secret = set.json()["secret"].as_str().unwrap().to_string();
    assert_eq!(secret.len(), 64);
    assert!(secret.chars().all(|c| c.is_ascii_hexdigit()));
    assert_eq!(
        api.get("/api/comms/webhook").await.json(),
        json!({"url": rx.url})
    );

    let ev = api.new_event().await;
    let tpl = api.new_template(&ev).await;
    let gid = "f9804be1-4d31-4dc2-917c-ff3e9b6a9a41";
    let body = json!({"id": gid, "firstName": "Zoë", "lastName": "O'Brien", "email": "zoe@example.com",
                      "eventId": ev, "tags": "VIP", "commsTemplateId": tpl, "correlationId": "first-test"});
    let first = api.post("/api/guest", body.clone()).await;
    assert_eq!(first.status, 200, "{}", first.text);
    let g = first.json();
    assert_eq!(g["id"], gid);
    assert_eq!(g["firstName"], "Zoë");
    assert!(g.get("commsTemplateId").is_none());
    let barcode = g["barcode"].as_str().unwrap();
    assert_eq!(barcode.len(), 16);
    assert!(barcode
        .chars()
        .all(|c| c.is_ascii_digit() || c.is_ascii_uppercase()));

    let mut changed = body.clone();
    changed["firstName"] = json!("Changed");
    let again = api.post("/api/guest", changed).await;
    assert_eq!(again.status, 200);
    assert_eq!(again.json(), g, "re-post returns the existing record");
    let sends = sb.sends();
    assert_eq!(sends.len(), 1, "one email, counted with the sends");
    assert!(sends[0].atomic);
    assert_eq!(sends[0].correlation_id.as_deref(), Some("first-test"));

    let got = rx.wait_for(3).await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(
        rx.events(),
        ["comms.sent", "comms.delivered", "comms.opened"],
        "one send only"
    );
    for r in &got {
        let h = &r.headers;
        assert_eq!(h["content-type"], "application/json");
        assert_eq!(h["user-agent"], "Qflow-Webhook/1.0");
        uuid::Uuid::parse_str(h["x-qflow-webhook-id"].to_str().unwrap()).unwrap();
        let ts: i64 = h["x-qflow-timestamp"].to_str().unwrap().parse().unwrap();
        assert!((chrono::Utc::now().timestamp() - ts).abs() < 10);
        let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
        mac.update(&r.body);
        assert_eq!(
            h["x-qflow-signature"].to_str().unwrap(),
            hex::encode(mac.finalize().into_bytes())
        );
        let v: Value = serde_json::from_slice(&r.body).unwrap();
        assert_eq!(v["attendeeId"], gid);
        assert_eq!(v["templateId"], tpl.as_str());
        assert_eq!(v["correlationId"], "first-test");
        assert!(v["error"].is_null());
        assert!(v["attendeeInvitationId"].is_string());
    }
    let statuses: Vec<Value> = got
        .iter()
        .map(|r| serde_json::from_slice::<Value>(&r.body).unwrap()["status"].clone())
        .collect();
    assert_eq!(
        statuses,
        [json!("sent"), json!("delivered"), json!("opened")]
    );
}

#[tokio::test]
async fn webhook_retries_follow_the_schedule_and_keep_the_creation_timestamp() {
    // Default: ~10 attempts over tens of minutes, as the guide describes Qflow's retries.
    let default = SandboxConfig::default().retry_schedule;
    assert_eq!(default.len() as u32 + 1, qflow_sandbox::MAX_ATTEMPTS);
    assert_eq!(qflow_sandbox::MAX_ATTEMPTS, 10);
    let total: Duration = default.iter().sum();
    assert!(total >= Duration::from_secs(3600), "{total:?}");
    assert!(default.windows(2).all(|w| w[0] <= w[1]), "backoff grows");

    let waits = [1, 4, 2].map(Duration::from_secs);
    let sb = Sandbox::start(SandboxConfig {
        delivery_scale: 0.1,
        retry_schedule: waits.to_vec(),
        ..quiet_config()
    })
    .await
    .unwrap();
    let api = Api::demo(&sb).await;
    let rx = Receiver::start(usize::MAX).await; // always 503
    api.post("/api/comms/webhook", json!({"url": rx.url})).await;
    assert_eq!(api.post_empty("/api/comms/webhook/test").await.status, 200);
    let got = rx.wait_for(4).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        rx.got.lock().unwrap().len(),
        4,
        "3 waits: 4 attempts, then it gives up"
    );
    for (pair, wait) in got.windows(2).zip(waits) {
        let gap = pair[1].at - pair[0].at;
        assert!(gap >= wait.mul_f64(0.1), "{gap:?} < {wait:?} x 0.1");
    }
    let stamps: Vec<_> = got
        .iter()
        .map(|r| r.headers["x-qflow-timestamp"].clone())
        .collect();
    assert!(stamps.iter().all(|t| *t == stamps[0]), "{stamps:?}");
    let d = sb.deliveries();
    assert_eq!(
        d.iter().map(|x| (x.attempt, x.status)).collect::<Vec<_>>(),
        [
            (1, Some(503)),
            (2, Some(503)),
            (3, Some(503)),
            (4, Some(503))
        ]
    );
    assert!(d
        .iter()
        .all(|x| x.timestamp.to_string() == stamps[0].to_str().unwrap()));
}

#[tokio::test]
async fn webhook_retries_5xx_with_the_same_id_and_rotate_changes_the_signature() {
    let sb = sandbox().await;
    let api = Api::demo(&sb).await;
    let rx = Receiver::start(2).await;
    let s1 = api
        .post("/api/comms/webhook", json!({"url": rx.url}))
        .await
        .json()["secret"]
        .as_str()
        .unwrap()
        .to_string();
    let t = api.post_empty("/api/comms/webhook/test").await;
    assert_eq!(t.status, 200);
    let got = rx.wait_for(3).await;
    let ids: Vec<_> = got
        .iter()
        .map(|r| r.headers["x-qflow-webhook-id"].clone())
        .collect();
    assert!(ids.iter().all(|i| *i == ids[0]), "same id across retries");
    assert_eq!(ids[0].to_str().unwrap(), t.json()["webhookId"]);
    assert_eq!(got[0].headers["x-qflow-event"], "comms.test");
    assert_eq!(
        serde_json::from_slice::<Value>(&got[0].body).unwrap()["status"],
        "test"
    );
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(rx.got.lock().unwrap().len(), 3, "no retry after a 200");

    let s2 = api.post_empty("/api/comms/webhook/rotate").await.json()["secret"]
        .as_str()
        .unwrap()
        .to_string();
    assert_ne!(s1, s2);
    api.post_empty("/api/comms/webhook/test").await;
    let got = rx.wait_for(4).await;
    let mut mac = Hmac::<Sha256>::new_from_slice(s2.as_bytes()).unwrap();
    mac.update(&got[3].body);
    assert_eq!(
        got[3].headers["x-qflow-signature"].to_str().unwrap(),
        hex::encode(mac.finalize().into_bytes())
    );

    assert_eq!(
        api.post_empty("/api/comms/webhook/delete").await.status,
        200
    );
    assert_eq!(api.get("/api/comms/webhook").await.status, 404);
    assert_eq!(api.post_empty("/api/comms/webhook/test").await.status, 404);
    let bad = api
        .post(
            "/api/comms/webhook",
            json!({"url": "http://example.com/hook"}),
        )
        .await;
    assert_eq!(bad.status, 400);
    assert_eq!(bad.json()["field"], "url");
}

#[tokio::test]
async fn bounce_suppresses_the_recipient_and_two_step_send_then_fails_422() {
    let sb = sandbox().await;
    let api = Api::demo(&sb).await;
    let rx = Receiver::start(0).await;
    api.post("/api/comms/webhook", json!({"url": rx.url})).await;
    let ev = api.new_event().await;
    let tpl = api.new_template(&ev).await;
    let g = api
        .post("/api/guest", json!({"firstName": "Łukasz", "lastName": "Wójcik", "email": "lw@bounce.example", "eventId": ev}))
        .await
        .json();
    let send = api
        .post(
            "/api/comms/send",
            json!({"attendeeId": g["id"], "templateId": tpl, "correlationId": "c1"}),
        )
        .await;
    assert_eq!(send.status, 200, "{}", send.text);
    let sj = send.json();
    assert_eq!(sj["status"], "queued");
    uuid::Uuid::parse_str(sj["attendeeInvitationId"].as_str().unwrap()).unwrap();
    rx.wait_for(2).await;
    assert_eq!(rx.events(), ["comms.sent", "comms.bounced"]);
    let again = api
        .post(
            "/api/comms/send",
            json!({"attendeeId": g["id"], "templateId": tpl}),
        )
        .await;
    assert_eq!(again.status, 422);
    let e = again.json();
    assert_eq!(e["error"], "previous_send_permanently_failed");
    assert_eq!(e["failureType"], "bounced");
    assert!(e["lastFailureAt"].as_str().unwrap().ends_with('Z'));
    assert!(e["lastFailureReason"].is_string());
    assert!(e["message"]
        .as_str()
        .unwrap()
        .starts_with("Recipient cannot be emailed: bounced on "));
}

#[tokio::test]
async fn template_partial_update_rules() {
    let sb = sandbox().await;
    let api = Api::demo(&sb).await;
    sb.publish_dns(true);
    assert_eq!(
        api.post("/api/comms/domain", json!({"domain": "yourbrand.com"}))
            .await
            .status,
        200
    );
    assert_eq!(
        api.post_empty("/api/comms/domain/verify").await.json()["verified"],
        true
    );
    let ev = api.new_event().await;
    let id = "7bc31757-5a82-4d7a-8767-bb508f6d3481";
    let full = json!({"id": id, "eventId": ev, "name": "Welcome", "subject": "S1", "html": "<p>1</p>",
        "fromAddress": "tickets@yourbrand.com", "fromName": "Brand", "replyTo": "support@yourbrand.com",
        "attachPdf": true, "emailBody": "<p>attached</p>"});
    let r = api.post("/api/comms/template", full).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let created = r.json()["created"].clone();
    assert!(created.as_str().unwrap().ends_with('Z'));

    // Omit / null keep; "" clears; core fields always overwritten.
    let r = api
        .post(
            "/api/comms/template",
            json!({"id": id, "eventId": ev, "name": "Welcome 2", "html": "<p>2</p>",
            "fromAddress": null, "fromName": "", "replyTo": "other@mail.yourbrand.com"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let t = r.json();
    assert_eq!(t["name"], "Welcome 2");
    assert_eq!(t["subject"], Value::Null, "subject always overwritten");
    assert_eq!(t["html"], "<p>2</p>");
    assert_eq!(t["fromAddress"], "tickets@yourbrand.com");
    assert_eq!(t["fromName"], Value::Null);
    assert_eq!(t["replyTo"], "other@mail.yourbrand.com");
    assert_eq!(t["attachPdf"], true);
    assert_eq!(t["emailBody"], "<p>attached</p>");
    assert_eq!(t["created"], created);

    let r = api
        .post(
            "/api/comms/template",
            json!({"id": id, "eventId": ev, "name": "W", "subject": "S", "html": "<p>3</p>",
            "attachPdf": false, "emailBody": "", "fromAddress": ""}),
        )
        .await;
    let t = r.json();
    assert_eq!(t["attachPdf"], false);
    assert_eq!(t["emailBody"], Value::Null);
    assert_eq!(t["fromAddress"], Value::Null);
    assert_eq!(
        api.get(&format!("/api/comms/template/{id}")).await.json(),
        t
    );

    // fromAddress validation: subdomain ok, other domain 422, special domain 502.
    let base = json!({"id": id, "eventId": ev, "name": "W", "html": "<p>x</p>"});
    let with = |addr: &str| {
        let mut b = base.clone();
        b["fromAddress"] = json!(addr);
        b
    };
    assert_eq!(
        api.post("/api/comms/template", with("noreply@mail.yourbrand.com"))
            .await
            .status,
        200
    );
    let r = api
        .post("/api/comms/template", with("me@notmine.com"))
        .await;
    assert_eq!(r.status, 422);
    assert_eq!(r.json()["error"], "fromaddress_domain_not_verified");
    let r = api
        .post("/api/comms/template", with("me@notyourbrand.com"))
        .await;
    assert_eq!(r.status, 422, "suffix without a dot is not a subdomain");
    let r = api
        .post(
            "/api/comms/template",
            with(&format!(
                "a@{}",
                qflow_sandbox::VALIDATION_UNAVAILABLE_DOMAIN
            )),
        )
        .await;
    assert_eq!(r.status, 502);
    assert_eq!(r.json()["error"], "fromaddress_validation_unavailable");

    // URL scan.
    let mut b = base.clone();
    b["html"] = json!(
        "<a href=\"https://malware.example.net/x\">x</a> <a href='https://ok.example.com'>ok</a>"
    );
    let r = api.post("/api/comms/template", b).await;
    assert_eq!(r.status, 422);
    let e = r.json();
    assert_eq!(e["error"], "spam_check_failed");
    assert_eq!(
        e["flaggedUrls"],
        json!([{"url": "https://malware.example.net/x", "threatType": "MALWARE"}])
    );

    // Server-generated id; list and delete.
    let r = api
        .post(
            "/api/comms/template",
            json!({"eventId": ev, "name": "N", "html": "<p>n</p>"}),
        )
        .await;
    assert_eq!(r.status, 201);
    let list = api
        .get(&format!("/api/comms/templates?eventId={ev}"))
        .await
        .json();
    assert_eq!(list.as_array().unwrap().len(), 2);
    assert_eq!(
        api.post("/api/comms/template/delete", json!({"id": id}))
            .await
            .status,
        200
    );
    assert_eq!(
        api.get(&format!("/api/comms/template/{id}")).await.status,
        404
    );
    assert_eq!(
        api.post("/api/comms/template/delete", json!({"id": id}))
            .await
            .status,
        404
    );
}

#[tokio::test]
async fn from_address_needs_a_verified_domain() {
    let sb = sandbox().await;
    let api = Api::demo(&sb).await;
    let ev = api.new_event().await;
    let body =
        json!({"eventId": ev, "name": "W", "html": "<p>x</p>", "fromAddress": "a@yourbrand.com"});
    let r = api.post("/api/comms/template", body.clone()).await;
    assert_eq!(r.status, 422);
    assert_eq!(r.json()["error"], "fromaddress_domain_not_verified");
    api.post("/api/comms/domain", json!({"domain": "yourbrand.com"}))
        .await;
    assert_eq!(
        api.post("/api/comms/template", body.clone()).await.status,
        422,
        "created but unverified"
    );
    let plain = api
        .post(
            "/api/comms/template",
            json!({"eventId": ev, "name": "W", "html": "just text"}),
        )
        .await;
    assert_eq!(plain.status, 400);
    assert_eq!(plain.json()["field"], "html");
}

#[tokio::test]
async fn domain_lifecycle() {
    let sb = sandbox().await;
    let api = Api::demo(&sb).await;
    assert_eq!(api.get("/api/comms/domain").await.status, 404);
    let r = api
        .post("/api/comms/domain", json!({"domain": "yourbrand.com"}))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let d = r.json();
    let id = d["id"].as_u64().unwrap();
    assert_eq!(d["verified"], false);
    assert_eq!(d["enabled"], false);
    let recs = d["dnsRecords"].as_array().unwrap();
    assert_eq!(recs.len(), 3);
    let host0 = recs[0]["host"].as_str().unwrap();
    assert!(host0.starts_with("em") && host0.ends_with(".yourbrand.com"));
    assert!(host0[2..host0.len() - ".yourbrand.com".len()]
        .chars()
        .all(|c| c.is_ascii_digit()));
    let target = recs[0]["data"].as_str().unwrap();
    assert!(target.starts_with(&format!("u{id}.wl")) && target.ends_with(".sendgrid.net"));
    assert_eq!(recs[1]["host"], "s1._domainkey.yourbrand.com");
    assert_eq!(recs[1]["data"], format!("s1.domainkey.{target}"));
    assert_eq!(recs[2]["host"], "s2._domainkey.yourbrand.com");
    assert_eq!(recs[2]["data"], format!("s2.domainkey.{target}"));
    assert!(recs
        .iter()
        .all(|r| r["type"] == "cname" && r["valid"] == false));

    let r = api
        .post("/api/comms/domain", json!({"domain": "other.com"}))
        .await;
    assert_eq!(r.status, 409);
    assert_eq!(r.json()["error"], "domain_already_configured");

    let r = api.post_empty("/api/comms/domain/activate").await;
    assert_eq!(r.status, 409);
    assert_eq!(r.json()["error"], "domain_not_verified");

    let v = api.post_empty("/api/comms/domain/verify").await.json();
    assert_eq!(v["verified"], false);
    let names: Vec<&str> = v["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["mail_cname", "dkim1", "dkim2"]);
    assert_eq!(
        v["reasons"][0]["reason"],
        format!("Expected CNAME for \"{host0}\" to match \"{target}\".")
    );

    sb.publish_dns(true);
    let v = api.post_empty("/api/comms/domain/verify").await.json();
    assert_eq!(v, json!({"verified": true, "enabled": true, "reasons": []}));
    assert_eq!(
        api.post_empty("/api/comms/domain/deactivate").await.json()["enabled"],
        false
    );
    assert_eq!(api.get("/api/comms/domain").await.json()["enabled"], false);
    assert_eq!(
        api.post_empty("/api/comms/domain/activate").await.json()["enabled"],
        true
    );
    assert_eq!(
        api.get("/api/comms/domain").await.json()["dnsRecords"][0]["valid"],
        true
    );

    assert_eq!(api.post_empty("/api/comms/domain/delete").await.status, 200);
    assert_eq!(api.get("/api/comms/domain").await.status, 404);
    assert_eq!(api.post_empty("/api/comms/domain/verify").await.status, 404);
    for bad in ["https://x.com/", "a b", "nodot"] {
        let r = api.post("/api/comms/domain", json!({"domain": bad})).await;
        assert_eq!(r.status, 422, "{bad}");
        assert_eq!(r.json()["error"], "sendgrid_create_failed");
    }
    assert_eq!(api.post("/api/comms/domain", json!({})).await.status, 400);
    assert_eq!(
        api.post("/api/comms/domain", json!({"domain": "YourBrand.com"}))
            .await
            .json()["domain"],
        "yourbrand.com"
    );
}

#[tokio::test]
async fn faults_status_drops_and_malformed_json() {
    let sb = sandbox().await;
    let api = Api::demo(&sb).await;
    let ev = api.new_event().await;
    let tpl = api.new_template(&ev).await;
    let guest = |id: &str| json!({"id": id, "firstName": "José", "lastName": "García", "email": "j@example.com", "eventId": ev});

    sb.inject(Fault {
        method: "POST".into(),
        path_prefix: "/api/comms/send".into(),
        kind: FaultKind::Status {
            status: 503,
            body: "{\"message\":\"busy\"}".into(),
            retry_after: Some(7),
        },
    });
    let g = api
        .post("/api/guest", guest("11111111-1111-4111-8111-111111111111"))
        .await
        .json();
    let r = api
        .post(
            "/api/comms/send",
            json!({"attendeeId": g["id"], "templateId": tpl}),
        )
        .await;
    assert_eq!(r.status, 503);
    assert_eq!(r.headers["retry-after"], "7");
    assert_eq!(r.json()["message"], "busy");
    assert_eq!(
        api.post(
            "/api/comms/send",
            json!({"attendeeId": g["id"], "templateId": tpl})
        )
        .await
        .status,
        200,
        "one-shot"
    );

    // DropAfterRead: no answer, but the guest exists.
    sb.inject(Fault {
        method: "post".into(),
        path_prefix: "/api/guest".into(),
        kind: FaultKind::DropAfterRead,
    });
    let id2 = "22222222-2222-4222-8222-222222222222";
    let err = api
        .client
        .post(format!("{}/api/guest", sb.api_base()))
        .bearer_auth(&api.token)
        .header("X-Qflow-Client-Key", CLIENT_KEY)
        .json(&guest(id2))
        .send()
        .await;
    assert!(err.is_err(), "connection dropped");
    assert_eq!(
        api.get(&format!("/api/guest/{id2}")).await.status,
        200,
        "applied"
    );

    // DropBeforeRead: no answer and nothing applied.
    sb.inject(Fault {
        method: "POST".into(),
        path_prefix: "/api/guest".into(),
        kind: FaultKind::DropBeforeRead,
    });
    let id3 = "33333333-3333-4333-8333-333333333333";
    let err = api
        .client
        .post(format!("{}/api/guest", sb.api_base()))
        .bearer_auth(&api.token)
        .header("X-Qflow-Client-Key", CLIENT_KEY)
        .json(&guest(id3))
        .send()
        .await;
    assert!(err.is_err());
    assert_eq!(
        api.get(&format!("/api/guest/{id3}")).await.status,
        404,
        "not applied"
    );

    sb.inject(Fault {
        method: "GET".into(),
        path_prefix: "/api/guest/".into(),
        kind: FaultKind::MalformedJson,
    });
    let r = api.get(&format!("/api/guest/{id2}")).await;
    assert_eq!(r.status, 200);
    assert!(
        serde_json::from_str::<Value>(&r.text).is_err(),
        "{}",
        r.text
    );
    assert!(r.text.starts_with('{'));
    assert_eq!(sb.requests("POST", "/api/guest"), 3);
    assert_eq!(sb.requests("GET", "/api/guest/"), 3);

    // Faults on the token endpoint too.
    sb.inject(Fault {
        method: "POST".into(),
        path_prefix: "/core/connect/token".into(),
        kind: FaultKind::Status {
            status: 500,
            body: "oops".into(),
            retry_after: None,
        },
    });
    assert_eq!(
        password_grant(&sb, qflow_sandbox::DEMO_USERNAME)
            .await
            .status(),
        500
    );
}

#[tokio::test]
async fn a_delay_fault_applies_the_request_and_answers_late() {
    let sb = sandbox().await;
    let api = Api::demo(&sb).await;
    let ev = api.new_event().await;
    sb.inject(Fault {
        method: "POST".into(),
        path_prefix: "/api/guest".into(),
        kind: FaultKind::Delay { ms: 400 },
    });
    let id = "44444444-4444-4444-8444-444444444444";
    let started = std::time::Instant::now();
    let r = api
        .post(
            "/api/guest",
            json!({"id": id, "firstName": "A", "lastName": "B", "eventId": ev}),
        )
        .await;
    assert_eq!(r.status, 200, "the real answer");
    assert!(started.elapsed() >= std::time::Duration::from_millis(400));
    // A client that gave up before the answer: the request was applied all the same.
    sb.inject(Fault {
        method: "POST".into(),
        path_prefix: "/api/guest".into(),
        kind: FaultKind::Delay { ms: 2000 },
    });
    let id2 = "55555555-5555-4555-8555-555555555555";
    let err = api
        .client
        .post(format!("{}/api/guest", sb.api_base()))
        .bearer_auth(&api.token)
        .header("X-Qflow-Client-Key", CLIENT_KEY)
        .timeout(std::time::Duration::from_millis(300))
        .json(&json!({"id": id2, "firstName": "A", "lastName": "B", "eventId": ev}))
        .send()
        .await;
    assert!(err.is_err_and(|e| e.is_timeout()));
    assert_eq!(api.get(&format!("/api/guest/{id2}")).await.status, 200);
}

#[tokio::test]
async fn validation_errors_are_400_naming_the_field() {
    let sb = sandbox().await;
    let api = Api::demo(&sb).await;
    let ev = api.new_event().await;
    let r = api
        .client
        .post(format!("{}/api/guest", sb.api_base()))
        .bearer_auth(&api.token)
        .header("X-Qflow-Client-Key", CLIENT_KEY)
        .header("Content-Type", "application/json")
        .body("{\"firstName\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(r.json::<Value>().await.unwrap()["error"], "invalid_json");

    let r = api.get("/api/guest/not-a-guid").await;
    assert_eq!(r.status, 400);
    assert_eq!(r.json()["field"], "id");
    let r = api
        .post("/api/guest", json!({"firstName": "A", "lastName": "B"}))
        .await;
    assert_eq!(r.status, 400);
    assert_eq!(r.json()["field"], "eventId");
    assert!(r.json()["message"].as_str().unwrap().contains("eventId"));
    let r = api
        .post("/api/guest", json!({"lastName": "B", "eventId": ev}))
        .await;
    assert_eq!(r.json()["field"], "firstName");
    let r = api
        .post(
            "/api/guest",
            json!({"firstName": "A", "lastName": "B", "eventId": "123"}),
        )
        .await;
    assert_eq!(r.status, 400);
    let r = api
        .post(
            "/api/guest",
            json!({"firstName": "A", "lastName": "B", "eventId": ev, "email": "nope"}),
        )
        .await;
    assert_eq!(r.json()["field"], "email");
    let r = api.post("/api/event", json!({"title": "x", "startTime": "2026-06-01T10:00:00", "endTime": "2026-06-01T11:00:00", "timeZoneId": "Mars/Base"})).await;
    assert_eq!(r.json()["field"], "timeZoneId");
    let r = api.post("/api/comms/send", json!({"templateId": ev})).await;
    assert_eq!(r.json()["field"], "attendeeId");
    // Unknown ids: 404 with no body.
    let r = api
        .get(&format!("/api/guest/{}", uuid::Uuid::new_v4()))
        .await;
    assert_eq!((r.status, r.text.as_str()), (404, ""));
    let r = api
        .post(
            "/api/guest",
            json!({"firstName": "A", "lastName": "B", "eventId": uuid::Uuid::new_v4()}),
        )
        .await;
    assert_eq!(r.status, 404);
}

#[tokio::test]
async fn guests_crud_checkin_bulk_and_ownership() {
    let sb = sandbox().await;
    let api = Api::demo(&sb).await;
    let ev = api.new_event().await;
    let g = api
        .post("/api/guest", json!({"firstName": "山田", "lastName": "太郎", "eventId": ev, "seatNumber": "A12", "tags": ["VIP", "Press"]}))
        .await
        .json();
    assert_eq!(g["seatNumber"], "A12");
    assert_eq!(g["tags"], "VIP,Press");
    assert_eq!(g["checkedIn"], false);
    let id = g["id"].as_str().unwrap();

    let u = api
        .put(
            "/api/guest",
            json!({"id": id, "lastName": "花子", "loyalty": {"tier": 3}}),
        )
        .await;
    assert_eq!(u.status, 200, "{}", u.text);
    let u = u.json();
    assert_eq!(u["lastName"], "花子");
    assert_eq!(u["firstName"], "山田");
    assert_eq!(u["seatNumber"], "A12", "unknown field kept");
    assert_eq!(u["loyalty"]["tier"], 3);
    assert_eq!(u["barcode"], g["barcode"]);

    let c = api
        .post("/api/guest/checkin", json!({"id": id}))
        .await
        .json();
    assert_eq!(c["checkedIn"], true);
    assert!(c["checkInTime"].as_str().unwrap().ends_with('Z'));
    let c = api
        .post("/api/guest/checkout", json!({"id": id}))
        .await
        .json();
    assert_eq!(c["checkedIn"], false);
    assert_eq!(c["checkInTime"], Value::Null);

    let other = Api::sign_in(&sb, qflow_sandbox::OTHER_USERNAME).await;
    assert_eq!(other.get(&format!("/api/guest/{id}")).await.status, 404);
    assert_eq!(other.get(&format!("/api/guests/{ev}")).await.status, 404);
    assert_eq!(
        other.delete("/api/guest", json!({"id": id})).await.status,
        404
    );

    let many: Vec<Value> = (0..201)
        .map(|i| json!({"firstName": "F", "lastName": format!("L{i}")}))
        .collect();
    let r = api
        .post(
            &format!("/api/guests/{ev}"),
            Value::Array(many[..201].to_vec()),
        )
        .await;
    assert_eq!(r.status, 400);
    let batch: Vec<Value> = many[..200]
        .iter()
        .enumerate()
        .map(|(i, g)| {
            let mut g = g.clone();
            g["id"] = json!(uuid::Uuid::from_u128(i as u128 + 1).to_string());
            g
        })
        .collect();
    let r = api
        .post(&format!("/api/guests/{ev}"), Value::Array(batch.clone()))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json().as_array().unwrap().len(), 200);
    let r2 = api
        .post(&format!("/api/guests/{ev}"), Value::Array(batch))
        .await;
    assert_eq!(r2.json(), r.json(), "bulk is idempotent by id");
    assert_eq!(
        api.get(&format!("/api/guests/{ev}"))
            .await
            .json()
            .as_array()
            .unwrap()
            .len(),
        201
    );
    let bad = api
        .post(
            &format!("/api/guests/{ev}"),
            json!([{"firstName": "A", "lastName": "B"}, {"firstName": "C"}]),
        )
        .await;
    assert_eq!(bad.json()["field"], "[1].lastName");

    assert_eq!(
        api.delete("/api/guest", json!({"id": id})).await.status,
        200
    );
    assert_eq!(api.get(&format!("/api/guest/{id}")).await.status, 404);
}

#[tokio::test]
async fn events_crud_and_range_query() {
    let sb = sandbox().await;
    let api = Api::demo(&sb).await;
    let mk = |t: &str, s: &str, e: &str, tz: &str| json!({"title": t, "startTime": s, "endTime": e, "timeZoneId": tz});
    let a = api
        .post(
            "/api/event",
            mk(
                "A",
                "2026-06-01T10:00:00",
                "2026-06-01T22:00:00",
                "Europe/London",
            ),
        )
        .await
        .json();
    api.post(
        "/api/event",
        mk(
            "B",
            "2026-07-01T09:00:00",
            "2026-07-03T17:00:00",
            "Asia/Tokyo",
        ),
    )
    .await;
    let list = api
        .get("/api/events?start=2026-06-01T21:00:00&end=2026-07-01T08:00:00")
        .await
        .json();
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["title"], "A");
    let list = api
        .get("/api/events?start=2026-05-01&end=2026-12-31")
        .await
        .json();
    let titles: Vec<_> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["title"].clone())
        .collect();
    assert_eq!(titles, [json!("A"), json!("B")]);
    assert_eq!(
        api.get("/api/events?start=2026-05-01").await.json()["field"],
        "end"
    );

    let id = a["id"].as_str().unwrap();
    let u = api
        .put("/api/event", json!({"id": id, "title": "A2"}))
        .await
        .json();
    assert_eq!(u["title"], "A2");
    assert_eq!(u["startTime"], "2026-06-01T10:00:00");
    assert_eq!(api.get(&format!("/api/event/{id}")).await.json(), u);
    assert_eq!(
        api.delete("/api/event", json!({"id": id})).await.status,
        200
    );
    assert_eq!(api.get(&format!("/api/event/{id}")).await.status, 404);
}

#[tokio::test]
async fn demo_users_reach_the_403s() {
    let sb = sandbox().await;
    let noapi = Api::sign_in(&sb, qflow_sandbox::NO_COMMS_API_USERNAME).await;
    let r = noapi.get("/api/comms/webhook").await;
    assert_eq!(r.status, 403);
    assert_eq!(r.json()["error"], "comms_api_not_enabled");
    let ev = noapi.new_event().await;
    let r = noapi
        .post("/api/guest", json!({"firstName": "A", "lastName": "B", "eventId": ev, "commsTemplateId": uuid::Uuid::new_v4()}))
        .await;
    assert_eq!(r.json()["error"], "comms_api_not_enabled");

    let nokyc = Api::sign_in(&sb, qflow_sandbox::NO_KYC_USERNAME).await;
    let ev = nokyc.new_event().await;
    let tpl = nokyc.new_template(&ev).await;
    let g = nokyc
        .post(
            "/api/guest",
            json!({"firstName": "A", "lastName": "B", "email": "a@example.com", "eventId": ev}),
        )
        .await
        .json();
    let r = nokyc
        .post(
            "/api/comms/send",
            json!({"attendeeId": g["id"], "templateId": tpl}),
        )
        .await;
    assert_eq!(r.status, 403);
    assert_eq!(r.json()["error"], "trust_required");
}

#[tokio::test]
async fn seeded_account_has_events_templates_domain_and_a_suppressed_attendee() {
    let sb = Sandbox::start(SandboxConfig {
        seed_data: true,
        attendees: 300,
        ..quiet_config()
    })
    .await
    .unwrap();
    let api = Api::demo(&sb).await;
    let now = chrono::Utc::now();
    let start = (now - chrono::Duration::days(60)).format("%Y-%m-%d");
    let end = (now + chrono::Duration::days(200)).format("%Y-%m-%d");
    let events = api
        .get(&format!("/api/events?start={start}&end={end}"))
        .await
        .json();
    let events = events.as_array().unwrap().clone();
    assert_eq!(events.len(), 3);
    let zones: Vec<_> = events
        .iter()
        .map(|e| e["timeZoneId"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(zones, ["Europe/London", "America/New_York", "Asia/Tokyo"]);
    let mut total = 0;
    let mut templates = 0;
    for e in &events {
        total += api
            .get(&format!("/api/guests/{}", e["id"].as_str().unwrap()))
            .await
            .json()
            .as_array()
            .unwrap()
            .len();
        templates += api
            .get(&format!(
                "/api/comms/templates?eventId={}",
                e["id"].as_str().unwrap()
            ))
            .await
            .json()
            .as_array()
            .unwrap()
            .len();
    }
    assert_eq!(total, 300);
    assert_eq!(templates, 4);
    let ny = api
        .get(&format!(
            "/api/guests/{}",
            events[1]["id"].as_str().unwrap()
        ))
        .await
        .json();
    let sup = ny
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["email"] == qflow_sandbox::SUPPRESSED_EMAIL)
        .unwrap()
        .clone();
    let tpl = api
        .get(&format!(
            "/api/comms/templates?eventId={}",
            events[1]["id"].as_str().unwrap()
        ))
        .await
        .json()[0]["id"]
        .clone();
    let r = api
        .post(
            "/api/comms/send",
            json!({"attendeeId": sup["id"], "templateId": tpl}),
        )
        .await;
    assert_eq!(r.status, 422);
    assert_eq!(r.json()["failureType"], "spam_reported");
    let d = api.get("/api/comms/domain").await.json();
    assert_eq!(d["domain"], qflow_sandbox::SEED_DOMAIN);
    assert_eq!(d["verified"], false);
    // The other accounts start empty.
    let other = Api::sign_in(&sb, qflow_sandbox::OTHER_USERNAME).await;
    assert_eq!(
        other
            .get(&format!(
                "/api/guests/{}",
                events[0]["id"].as_str().unwrap()
            ))
            .await
            .status,
        404
    );
}

#[tokio::test]
async fn seed_is_deterministic_and_fast() {
    let cfg = SandboxConfig {
        seed_data: true,
        attendees: 50_000,
        ..quiet_config()
    };
    let t = Instant::now();
    let a = Sandbox::start(cfg.clone()).await.unwrap();
    let elapsed = t.elapsed();
    let b = Sandbox::start(cfg).await.unwrap();
    let (api_a, api_b) = (Api::demo(&a).await, Api::demo(&b).await);
    let q = "/api/events?start=2000-01-01&end=2100-01-01";
    let ea = api_a.get(q).await.json();
    assert_eq!(ea, api_b.get(q).await.json());
    let path = format!("/api/guests/{}", ea[2]["id"].as_str().unwrap());
    let ga = api_a.get(&path).await.json();
    assert_eq!(ga, api_b.get(&path).await.json());
    assert!(ga.as_array().unwrap().len() > 10_000);
    eprintln!("seeding 50k attendees: {elapsed:?}");
    // A guard against an accidentally quadratic seed, not a timing target (the demo's seeding
    // time is `make bench-ui`'s "demo sandbox started" mark): wall time of an unoptimised build on
    // a 2-core machine where other test binaries run beside this one (~1.5 s alone, 5.7 s seen).
    assert!(
        elapsed < Duration::from_secs(20),
        "seeding 50k took {elapsed:?}"
    );
    let _ = Method::GET;
}
