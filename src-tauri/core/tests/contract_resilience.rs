//! Tokens, retries, lost answers and broken bodies, over real HTTP against the sandbox.

mod contract_support;

use std::time::Duration;

use contract_support::*;
use qflow_core::api::{Client, Priority};
use qflow_core::models::SendRequest;
use qflow_core::{Error, Secret};
use qflow_sandbox::{Fault, FaultKind, Sandbox};
use uuid::Uuid;

fn fault(sb: &Sandbox, method: &str, path: &str, kind: FaultKind) {
    sb.inject(Fault {
        method: method.into(),
        path_prefix: path.into(),
        kind,
    });
}

#[tokio::test]
async fn twenty_concurrent_requests_with_an_expired_token_make_one_token_request() {
    let sb = sandbox().await;
    let c = client(&sb);
    let ev = make_event(&c).await;
    assert_eq!(sb.token_requests(), 1);
    sb.expire_all_tokens();
    let tasks: Vec<_> = (0..20)
        .map(|i| {
            let c = if i % 2 == 0 {
                c.clone()
            } else {
                c.background()
            };
            tokio::spawn(async move { c.event_get(ev).await })
        })
        .collect();
    for t in tasks {
        assert_eq!(t.await.unwrap().unwrap().id, Some(ev));
    }
    assert_eq!(
        sb.token_requests(),
        2,
        "exactly one token request after expiry"
    );
}

#[tokio::test]
async fn short_lived_tokens_are_refreshed_once_at_half_life() {
    let sb = sandbox_with(|cfg| cfg.token_lifetime_secs = 2).await;
    let c = client(&sb);
    let ev = make_event(&c).await;
    tokio::time::sleep(Duration::from_millis(1200)).await; // past half of 2 s
    let tasks: Vec<_> = (0..20)
        .map(|_| {
            let c = c.clone();
            tokio::spawn(async move { c.event_get(ev).await })
        })
        .collect();
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    assert_eq!(sb.token_requests(), 2);
    // Refreshed before it expired: no request met a 401 and had to be repeated.
    assert_eq!(sb.requests("GET", "/api/event/"), 20);
}

#[tokio::test]
async fn sign_in_errors_are_plain() {
    let sb = sandbox().await;
    let mut bad_password = credentials(qflow_sandbox::DEMO_USERNAME);
    bad_password.password = Secret::new("nope");
    let e = Client::new(config(&sb, bad_password))
        .unwrap()
        .sign_in()
        .await
        .unwrap_err();
    assert_eq!(e.code(), "sign_in_failed");
    assert!(
        e.to_string()
            .contains("username or password was not accepted"),
        "{e}"
    );

    let mut bad_client = credentials(qflow_sandbox::DEMO_USERNAME);
    bad_client.client_secret = Secret::new("nope");
    let e = Client::new(config(&sb, bad_client))
        .unwrap()
        .sign_in()
        .await
        .unwrap_err();
    assert_eq!(e.code(), "sign_in_failed");
    assert!(e.to_string().contains("client id or client secret"), "{e}");

    let dead = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead_port = dead.local_addr().unwrap().port();
    drop(dead); // nothing listens there now
    let mut cfg = config(&sb, credentials(qflow_sandbox::DEMO_USERNAME));
    cfg.identity_url = format!("http://127.0.0.1:{dead_port}/core/connect/token");
    let e = Client::new(cfg).unwrap().sign_in().await.unwrap_err();
    assert_eq!(e.code(), "network_unreachable", "{e:?}");
}

#[tokio::test]
async fn a_send_whose_connection_drops_after_the_request_is_outcome_unknown() {
    let sb = sandbox().await;
    let rx = Receiver::start().await;
    let c = client(&sb);
    c.webhook_set(&rx.url).await.unwrap();
    let ev = make_event(&c).await;
    let g = new_guest(ev, "joe@yourcompany.com");
    c.guest_create(&create(g.clone())).await.unwrap();
    let t = new_template(ev);
    c.template_upsert(&t).await.unwrap();

    fault(&sb, "POST", "/api/comms/send", FaultKind::DropAfterRead);
    let e = c
        .send(&SendRequest {
            attendee_id: g.id,
            template_id: t.id,
            correlation_id: Some("lost-1".into()),
        })
        .await
        .unwrap_err();
    assert!(
        matches!(&e, Error::OutcomeUnknown { endpoint, .. } if endpoint == "POST /api/comms/send"),
        "{e:?}"
    );
    assert_eq!(sb.requests("POST", "/api/comms/send"), 1, "never repeated");
    // It was in fact queued: exactly one email went out.
    assert!(rx.wait_for(|r| !r.events("comms.sent").is_empty()).await);
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(rx.events("comms.sent").len(), 1);
}

#[tokio::test]
async fn a_send_dropped_before_the_server_read_it_is_not_repeated_either() {
    let sb = sandbox().await;
    let c = client(&sb);
    let ev = make_event(&c).await;
    let g = new_guest(ev, "joe@yourcompany.com");
    c.guest_create(&create(g.clone())).await.unwrap();
    let t = new_template(ev);
    c.template_upsert(&t).await.unwrap();
    fault(&sb, "POST", "/api/comms/send", FaultKind::DropBeforeRead);
    let e = c
        .send(&SendRequest {
            attendee_id: g.id,
            template_id: t.id,
            correlation_id: None,
        })
        .await
        .unwrap_err();
    // The request was written before the connection closed: the client cannot know it was not
    // applied, so it must not guess.
    assert_eq!(e.code(), "outcome_unknown", "{e:?}");
    assert_eq!(sb.requests("POST", "/api/comms/send"), 1);
}

#[tokio::test]
async fn idempotent_guest_create_is_retried_and_sends_once() {
    let sb = sandbox().await;
    let rx = Receiver::start().await;
    let c = client(&sb);
    c.webhook_set(&rx.url).await.unwrap();
    let ev = make_event(&c).await;
    let t = new_template(ev);
    c.template_upsert(&t).await.unwrap();

    let g = new_guest(ev, "joe@yourcompany.com");
    let mut gc = create(g.clone());
    gc.comms_template_id = Some(t.id);
    gc.correlation_id = Some("atomic-1".into());
    fault(&sb, "POST", "/api/guest", FaultKind::DropAfterRead);
    let created = c.guest_create(&gc).await.unwrap(); // first answer lost, retried with the same id
    assert_eq!(created.id, g.id);
    assert_eq!(sb.requests("POST", "/api/guest"), 2);
    assert_eq!(
        c.guests_list(ev).await.unwrap().len(),
        1,
        "no duplicate attendee"
    );

    // And posting it again on purpose: still one attendee, one email.
    c.guest_create(&gc).await.unwrap();
    assert!(rx.wait_for(|r| !r.events("comms.sent").is_empty()).await);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let sent: Vec<_> = rx
        .events("comms.sent")
        .into_iter()
        .filter(|v| v["correlationId"] == "atomic-1")
        .collect();
    assert_eq!(
        sent.len(),
        1,
        "exactly one send for three POSTs of the same id"
    );
}

#[tokio::test]
async fn a_guest_create_without_an_id_is_not_repeated() {
    let sb = sandbox().await;
    let c = client(&sb);
    let ev = make_event(&c).await;
    let mut g = new_guest(ev, "");
    g.id = Uuid::nil(); // let Qflow assign it: not idempotent any more
    fault(&sb, "POST", "/api/guest", FaultKind::DropAfterRead);
    let e = c.guest_create(&create(g)).await.unwrap_err();
    assert_eq!(e.code(), "outcome_unknown");
    assert_eq!(sb.requests("POST", "/api/guest"), 1);
    assert_eq!(
        c.guests_list(ev).await.unwrap().len(),
        1,
        "it was created once"
    );
}

#[tokio::test]
async fn dropped_reads_and_deletes_are_retried() {
    let sb = sandbox().await;
    let c = client(&sb);
    let ev = make_event(&c).await;
    fault(&sb, "GET", "/api/event/", FaultKind::DropBeforeRead);
    assert_eq!(c.event_get(ev).await.unwrap().id, Some(ev));
    assert_eq!(sb.requests("GET", "/api/event/"), 2);

    let g = new_guest(ev, "");
    c.guest_create(&create(g.clone())).await.unwrap();
    // The delete is applied, its answer lost; the retry's 404 means the first one did it.
    fault(&sb, "DELETE", "/api/guest", FaultKind::DropAfterRead);
    c.guest_delete(g.id).await.unwrap();
    assert_eq!(sb.requests("DELETE", "/api/guest"), 2);
}

#[tokio::test]
async fn malformed_json_is_a_malformed_error_not_a_panic() {
    let sb = sandbox().await;
    let c = client(&sb);
    let ev = make_event(&c).await;
    fault(&sb, "GET", "/api/event/", FaultKind::MalformedJson);
    let e = c.event_get(ev).await.unwrap_err();
    assert!(
        matches!(&e, Error::Malformed { endpoint, .. } if endpoint.starts_with("GET /api/event/")),
        "{e:?}"
    );
    assert!(e.body().next_step.contains("Try again"));
    // The raw call too.
    fault(&sb, "GET", "/api/guests/", FaultKind::MalformedJson);
    c.guest_create(&create(new_guest(ev, ""))).await.unwrap();
    let e = c
        .execute(qflow_core::api::ApiRequest::guests_list(ev))
        .await
        .unwrap_err();
    assert_eq!(e.code(), "malformed_response");
}

#[tokio::test]
async fn background_clients_share_the_token_and_budget() {
    let sb = sandbox().await;
    let c = client(&sb);
    let bg = c.background();
    assert_eq!(bg.priority(), Priority::Background);
    assert!(std::sync::Arc::ptr_eq(c.budget(), bg.budget()));
    c.sign_in().await.unwrap();
    bg.domain_get().await.unwrap_err();
    assert_eq!(sb.token_requests(), 1);
    assert_eq!(c.budget().in_window(), 1);
}
