//! Every endpoint of the guide's Reference, over real HTTP against the sandbox.

mod contract_support;

use contract_support::*;
use qflow_core::api::ApiRequest;
use qflow_core::models::{Guest, SendRequest};
use qflow_core::Error;
use serde_json::json;
use uuid::Uuid;

fn is_404<T: std::fmt::Debug>(r: Result<T, Error>) -> bool {
    matches!(r, Err(Error::Api(ref a)) if a.status == 404)
}

#[tokio::test]
async fn events_crud_and_list() {
    let sb = sandbox().await;
    let c = client(&sb);
    c.sign_in().await.unwrap();
    let created = c.event_create(&new_event("My first event")).await.unwrap();
    let id = created.id.unwrap();
    assert_eq!(created.title, "My first event");
    assert_eq!(created.time_zone_id, "Europe/London");
    assert_eq!(created.start_time, at(2026, 6, 1, 10));

    let mut got = c.event_get(id).await.unwrap();
    assert_eq!(got, created);
    got.title = "Renamed".into();
    let updated = c.event_update(&got).await.unwrap();
    assert_eq!(updated.title, "Renamed");

    let listed = c
        .events_list(at(2026, 6, 1, 0), at(2026, 6, 2, 0))
        .await
        .unwrap();
    assert_eq!(
        listed.iter().map(|e| e.id).collect::<Vec<_>>(),
        vec![Some(id)]
    );
    let none = c
        .events_list(at(2027, 1, 1, 0), at(2027, 1, 2, 0))
        .await
        .unwrap();
    assert!(none.is_empty());

    c.event_delete(id).await.unwrap();
    assert!(is_404(c.event_get(id).await));
    // One request per call: nothing was retried.
    assert_eq!(sb.requests("POST", "/api/event"), 1);
    assert_eq!(sb.requests("PUT", "/api/event"), 1);
    assert_eq!(sb.requests("DELETE", "/api/event"), 1);
}

#[tokio::test]
async fn attendees_crud_checkin_list_and_bulk() {
    let sb = sandbox().await;
    let c = client(&sb);
    let ev = make_event(&c).await;

    let g = new_guest(ev, "joe@yourcompany.com");
    let created = c.guest_create(&create(g.clone())).await.unwrap();
    assert_eq!(created.id, g.id);
    assert_eq!(created.email, "joe@yourcompany.com");
    assert_eq!(created.tags.as_deref(), Some("VIP"));
    assert!(
        created.barcode.as_deref().is_some_and(|b| !b.is_empty()),
        "barcode generated"
    );

    let mut got = c.guest_get(g.id).await.unwrap();
    assert_eq!(got.checked_in, Some(false));
    got.last_name = "Ødegård".into();
    assert_eq!(c.guest_update(&got).await.unwrap().last_name, "Ødegård");

    let inn = c.guest_checkin(g.id).await.unwrap();
    assert_eq!(inn.checked_in, Some(true));
    assert!(inn.check_in_time.is_some());
    let out = c.guest_checkout(g.id).await.unwrap();
    assert_eq!(out.checked_in, Some(false));

    let bulk: Vec<Guest> = (0..3)
        .map(|i| Guest {
            first_name: format!("Bulk{i}"),
            ..new_guest(ev, "")
        })
        .collect();
    let made = c.guests_bulk_create(ev, &bulk).await.unwrap();
    assert_eq!(
        made.iter().map(|g| g.id).collect::<Vec<_>>(),
        bulk.iter().map(|g| g.id).collect::<Vec<_>>()
    );
    let all = c.guests_list(ev).await.unwrap();
    assert_eq!(all.len(), 4);

    c.guest_delete(g.id).await.unwrap();
    assert!(is_404(c.guest_get(g.id).await));
    assert_eq!(c.guests_list(ev).await.unwrap().len(), 3);
}

#[tokio::test]
async fn templates_upsert_get_list_delete_and_partial_update() {
    let sb = sandbox().await;
    let c = client(&sb);
    let ev = make_event(&c).await;
    let mut t = new_template(ev);
    t.from_name = Some("Acme Events".into());
    t.reply_to = Some("support@yourbrand.com".into());
    let saved = c.template_upsert(&t).await.unwrap();
    assert_eq!(saved.id, t.id);
    assert_eq!(saved.from_name.as_deref(), Some("Acme Events"));
    assert!(saved.created.is_some());

    // Upsert by id: omitted optional fields are kept, "" clears.
    let mut change = new_template(ev);
    change.id = t.id;
    change.subject = "New subject".into();
    change.reply_to = Some(String::new());
    let updated = c.template_upsert(&change).await.unwrap();
    assert_eq!(updated.subject.as_deref(), Some("New subject"));
    assert_eq!(
        updated.from_name.as_deref(),
        Some("Acme Events"),
        "omitted = kept"
    );
    assert_eq!(updated.reply_to, None, "\"\" = cleared");
    assert_eq!(updated.created, saved.created);

    assert_eq!(
        c.template_get(t.id).await.unwrap().subject.as_deref(),
        Some("New subject")
    );
    let list = c.templates_list(ev).await.unwrap();
    assert_eq!(list.len(), 1);
    c.template_delete(t.id).await.unwrap();
    assert!(is_404(c.template_get(t.id).await));
    assert!(c.templates_list(ev).await.unwrap().is_empty());
}

#[tokio::test]
async fn two_step_send_and_atomic_send_fire_webhooks() {
    let sb = sandbox().await;
    let rx = Receiver::start().await;
    let c = client(&sb);
    let hook = c.webhook_set(&rx.url).await.unwrap();
    let ev = make_event(&c).await;
    let t = new_template(ev);
    c.template_upsert(&t).await.unwrap();

    // Atomic: create + send in one call.
    let g = new_guest(ev, "joe@yourcompany.com");
    let mut gc = create(g.clone());
    gc.comms_template_id = Some(t.id);
    gc.correlation_id = Some("first-test".into());
    c.guest_create(&gc).await.unwrap();

    // Two-step.
    let sent = c
        .send(&SendRequest {
            attendee_id: g.id,
            template_id: t.id,
            correlation_id: Some("resend-202605".into()),
        })
        .await
        .unwrap();
    assert_eq!(sent.status, "queued");

    assert!(
        rx.wait_for(|r| r.events("comms.sent").len() >= 2 && r.events("comms.delivered").len() >= 2).await,
        "webhooks did not arrive"
    );
    let mut correlations: Vec<String> = rx
        .events("comms.sent")
        .iter()
        .map(|v| v["correlationId"].as_str().unwrap_or("").to_owned())
        .collect();
    correlations.sort();
    assert_eq!(correlations, vec!["first-test", "resend-202605"]);
    let resend = rx
        .events("comms.sent")
        .into_iter()
        .find(|v| v["correlationId"] == "resend-202605")
        .unwrap();
    assert_eq!(
        resend["attendeeInvitationId"],
        json!(sent.attendee_invitation_id)
    );
    assert_eq!(hook.secret.expose().len(), 64);
}

#[tokio::test]
async fn webhook_set_get_rotate_test_delete() {
    let sb = sandbox().await;
    let rx = Receiver::start().await;
    let c = client(&sb);
    assert!(is_404(c.webhook_get().await), "no webhook configured yet");

    let set = c.webhook_set(&rx.url).await.unwrap();
    assert_eq!(set.url.as_deref(), Some(rx.url.as_str()));
    assert!(set.secret.expose().chars().all(|ch| ch.is_ascii_hexdigit()));
    assert_eq!(
        c.webhook_get().await.unwrap().url.as_deref(),
        Some(rx.url.as_str())
    );

    let rotated = c.webhook_rotate().await.unwrap();
    assert_ne!(rotated.secret.expose(), set.secret.expose());

    c.webhook_test().await.unwrap();
    assert!(
        rx.wait_for(|r| !r.events("comms.test").is_empty()).await,
        "comms.test never arrived"
    );

    c.webhook_delete().await.unwrap();
    assert!(is_404(c.webhook_get().await));
    // None of the empty-body POSTs met a 411.
    for p in [
        "/api/comms/webhook/rotate",
        "/api/comms/webhook/test",
        "/api/comms/webhook/delete",
    ] {
        assert_eq!(sb.requests("POST", p), 1, "{p}");
    }
}

#[tokio::test]
async fn domain_lifecycle() {
    let sb = sandbox().await;
    let c = client(&sb);
    assert!(is_404(c.domain_get().await));

    let d = c.domain_create("yourbrand.com").await.unwrap();
    assert_eq!(d.domain, "yourbrand.com");
    assert!(!d.verified && !d.enabled);
    assert_eq!(d.dns_records.len(), 3);
    assert!(d.dns_records.iter().all(|r| r.record_type == "cname"));
    assert!(d
        .dns_records
        .iter()
        .any(|r| r.host == "s1._domainkey.yourbrand.com"));
    assert_eq!(c.domain_get().await.unwrap().id, d.id);

    let failed = c.domain_verify().await.unwrap();
    assert!(!failed.verified && !failed.enabled);
    assert_eq!(failed.reasons.len(), 3);
    assert!(failed
        .reasons
        .iter()
        .any(|r| r.name == "mail_cname" && !r.valid));

    sb.publish_dns(true);
    let ok = c.domain_verify().await.unwrap();
    assert!(ok.verified && ok.enabled, "verify auto-activates");
    assert!(ok.reasons.is_empty());

    let off = c.domain_deactivate().await.unwrap();
    assert!(off.verified && !off.enabled);
    let on = c.domain_activate().await.unwrap();
    assert!(on.enabled);

    c.domain_delete().await.unwrap();
    assert!(is_404(c.domain_get().await));
    // Recreate freshly afterwards.
    c.domain_create("yourbrand.com").await.unwrap();
}

#[tokio::test]
async fn unknown_fields_survive_get_then_update() {
    let sb = sandbox().await;
    let c = client(&sb);
    let ev = make_event(&c).await;
    let id = Uuid::new_v4();
    // A newer API version's fields, created behind this client's back.
    c.execute(
        ApiRequest::new(qflow_core::api::Method::POST, "/api/guest").with_body(json!({
            "id": id, "eventId": ev, "firstName": "Zoë", "lastName": "Ødegård",
            "seatNumber": "A12", "loyalty": {"tier": 3}
        })),
    )
    .await
    .unwrap();

    let mut g = c.guest_get(id).await.unwrap();
    assert_eq!(g.extra["seatNumber"], "A12");
    g.first_name = "Zoe".into();
    g.extra.insert("seatNumber".into(), json!("B7")); // proves the PUT sends extras
    c.guest_update(&g).await.unwrap();

    let raw = c.execute(ApiRequest::guest_get(id)).await.unwrap();
    assert_eq!(raw["firstName"], "Zoe");
    assert_eq!(raw["seatNumber"], "B7");
    assert_eq!(raw["loyalty"], json!({"tier": 3}));
}
