//! The desk's operations against the real sandbox over HTTP on 127.0.0.1, through a session
//! `Ctx` as the window and the CLI build it.

use std::sync::Arc;

use chrono::{Duration as Days, Utc};
use qflow_sandbox::{Sandbox, SandboxConfig};
use serde_json::json;
use uuid::Uuid;

use super::*;
use crate::api::Budget;
use crate::models::GuestCreate;
use crate::ops::ctx::Ctx;
use crate::ops::guests::{all_tags, filter_guests, GuestFilter};
use crate::test_support::TestCtx;

const SEND: &str = "/api/comms/send";

/// A signed-in demo session over a fresh sandbox; its local store is a private in-memory
/// database.
async fn signed_in(cfg: SandboxConfig) -> (Sandbox, Arc<Ctx>) {
    let sb = Sandbox::start(SandboxConfig {
        rate_limits: false,
        ..cfg
    })
    .await
    .unwrap();
    let cx = TestCtx {
        client: crate::test_support::demo_client(&sb, Some(Budget::new(6000))),
        ..TestCtx::over(&sb)
    }
    .build();
    (sb, cx)
}

async fn desk() -> (Sandbox, Arc<Ctx>) {
    signed_in(SandboxConfig {
        attendees: 120,
        ..SandboxConfig::default()
    })
    .await
}

/// The seeded events, by title word.
async fn event_id(cx: &Ctx, word: &str) -> String {
    let now = Utc::now().naive_utc();
    cx.client
        .events_list(now - Days::days(400), now + Days::days(400))
        .await
        .unwrap()
        .into_iter()
        .find(|e| e.title.contains(word))
        .unwrap_or_else(|| panic!("no event with {word}"))
        .id
        .unwrap()
        .to_string()
}

/// The table's rows for `query` (the cached list, as `guests_page` reads it).
async fn rows(cx: &Ctx, event: &str, filter: &GuestFilter<'_>) -> (Vec<Uuid>, Vec<String>) {
    let list = cx
        .guests(Uuid::parse_str(event).unwrap(), false, false)
        .await
        .unwrap();
    let ids = filter_guests(&list, filter)
        .iter()
        .map(|g| g.id())
        .collect();
    (ids, all_tags(&list))
}

async fn find(cx: &Ctx, event: &str, query: &str) -> String {
    let (ids, _) = rows(
        cx,
        event,
        &GuestFilter {
            query,
            ..GuestFilter::default()
        },
    )
    .await;
    ids.first().expect("a match").to_string()
}

fn gid(id: &str) -> GuestIdRequest {
    GuestIdRequest {
        guest_id: id.into(),
    }
}

fn resend_req(guest: &str, template: &str) -> ResendRequest {
    ResendRequest {
        guest_id: guest.into(),
        template_id: template.into(),
        new_email: None,
        confirm_duplicate: false,
        correlation_id: None,
    }
}

#[tokio::test]
async fn save_keeps_unknown_fields_and_check_in_round_trips() {
    let (sb, cx) = desk().await;
    let ev = event_id(&cx, "London").await;
    let id = Uuid::new_v4();
    let body = json!({"id": id, "eventId": ev, "firstName": "Zoë", "lastName": "Ødegård",
        "email": "zoe@example.com", "badgeColour": "teal", "seat": {"row": 4}});
    let create: GuestCreate = serde_json::from_value(body).unwrap();
    cx.client.guest_create(&create).await.unwrap();

    let d = guest_detail(&cx, gid(&id.to_string())).await.unwrap();
    assert_eq!(d.first_name, "Zoë");
    let names: Vec<&str> = d.extra.iter().map(|e| e.name.as_str()).collect();
    assert!(
        names.contains(&"badgeColour") && names.contains(&"seat"),
        "{names:?}"
    );
    assert!(d
        .qr_data_url
        .as_deref()
        .unwrap()
        .starts_with("data:image/svg+xml;base64,"));

    let edit = GuestEdit {
        id: d.id.clone(),
        first_name: "Zoe".into(),
        last_name: d.last_name.clone(),
        other_names: String::new(),
        email: "zoe.o@example.com".into(),
        tags: "VIP, Speaker".into(),
        additional_info: "wheelchair".into(),
        plus_ones: "1".into(),
    };
    let saved = guest_save(&cx, edit.clone()).await.unwrap();
    assert_eq!(
        (saved.first_name.as_str(), saved.plus_ones),
        ("Zoe", Some(1))
    );
    let raw = cx
        .client
        .execute(crate::api::ApiRequest::guest_get(id))
        .await
        .unwrap();
    assert_eq!(raw["badgeColour"], "teal");
    assert_eq!(raw["seat"]["row"], 4);
    assert_eq!(raw["email"], "zoe.o@example.com");

    // Bad input is refused before any request, naming the field.
    let puts = sb.requests("PUT", "/api/guest");
    let bad = GuestEdit {
        email: "zoe@".into(),
        ..edit.clone()
    };
    assert_eq!(
        guest_save(&cx, bad)
            .await
            .unwrap_err()
            .body()
            .field
            .as_deref(),
        Some("email")
    );
    let bad = GuestEdit {
        plus_ones: "two".into(),
        ..edit
    };
    assert_eq!(
        guest_save(&cx, bad)
            .await
            .unwrap_err()
            .body()
            .field
            .as_deref(),
        Some("plusOnes")
    );
    assert_eq!(sb.requests("PUT", "/api/guest"), puts);

    let req = |c| CheckInRequest {
        guest_id: id.to_string(),
        checked_in: c,
    };
    let d = guest_check_in(&cx, req(true)).await.unwrap();
    assert!(d.checked_in && d.check_in_time.is_some());
    // The table's cached list follows without a reload.
    let (hits, tags) = rows(
        &cx,
        &ev,
        &GuestFilter {
            query: "Ødegård",
            checked_in: Some(true),
            tag: Some("speaker"),
        },
    )
    .await;
    assert_eq!(hits, [id]);
    assert!(tags.iter().any(|t| t == "Speaker"));
    let d = guest_check_in(&cx, req(false)).await.unwrap();
    assert!(!d.checked_in);

    guest_delete(&cx, gid(&id.to_string())).await.unwrap();
    let e = guest_detail(&cx, gid(&id.to_string())).await.unwrap_err();
    assert_eq!(e.body().status, Some(404));
    sb.shutdown().await;
}

#[tokio::test]
async fn update_changes_only_the_given_fields() {
    let (sb, cx) = desk().await;
    let ev = event_id(&cx, "London").await;
    let id = Uuid::new_v4();
    let body = json!({"id": id, "eventId": ev, "firstName": "Ana", "lastName": "Núñez",
        "email": "ana@example.com", "tags": "VIP", "additionalInfo": "vegan", "plusOnes": 2,
        "badgeColour": "teal"});
    let create: GuestCreate = serde_json::from_value(body).unwrap();
    cx.client.guest_create(&create).await.unwrap();
    // Load the table first: the update must show there without a reload.
    find(&cx, &ev, "Núñez").await;

    let saved = update_guest(
        &cx,
        GuestChanges {
            id: id.to_string(),
            last_name: Some(" Nunez ".into()),
            tags: Some("Speaker".into()),
            ..GuestChanges::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(
        (
            saved.first_name.as_str(),
            saved.last_name.as_str(),
            saved.email.as_str()
        ),
        ("Ana", "Nunez", "ana@example.com")
    );
    assert_eq!(saved.tags.as_deref(), Some("Speaker"));
    assert_eq!(saved.additional_info.as_deref(), Some("vegan"));
    assert_eq!(saved.plus_ones, Some(2));
    assert_eq!(saved.extra["badgeColour"], "teal");
    let (hits, _) = rows(
        &cx,
        &ev,
        &GuestFilter {
            query: "nunez",
            tag: Some("speaker"),
            ..GuestFilter::default()
        },
    )
    .await;
    assert_eq!(hits, [id]);

    // A given field is checked as the panel checks it; nothing is sent.
    let gets = sb.requests("GET", "/api/guest/");
    for (changes, field) in [
        (
            GuestChanges {
                first_name: Some("  ".into()),
                ..GuestChanges::default()
            },
            "firstName",
        ),
        (
            GuestChanges {
                email: Some("ana@".into()),
                ..GuestChanges::default()
            },
            "email",
        ),
        (
            GuestChanges {
                plus_ones: Some("-1".into()),
                ..GuestChanges::default()
            },
            "plusOnes",
        ),
    ] {
        let e = update_guest(
            &cx,
            GuestChanges {
                id: id.to_string(),
                ..changes
            },
        )
        .await
        .unwrap_err();
        assert_eq!(e.body().field.as_deref(), Some(field));
    }
    assert_eq!(sb.requests("GET", "/api/guest/"), gets);
    assert!(GuestChanges::default().is_empty());
    sb.shutdown().await;
}

#[tokio::test]
async fn resend_previews_sends_once_and_asks_before_a_duplicate() {
    let (sb, cx) = desk().await;
    let ev = event_id(&cx, "London").await;
    let guest = find(&cx, &ev, "").await;
    let opts = resend_options(&cx, gid(&guest)).await.unwrap();
    assert!(!opts.templates.is_empty());
    let first_default = opts.default_template_id.clone().unwrap();
    assert_eq!(opts.default_reason.as_deref(), Some("newest"));
    // Send a template that is not the newest, so the default visibly follows the history.
    let chosen = opts
        .templates
        .iter()
        .find(|t| t.id != first_default)
        .map_or(first_default.clone(), |t| t.id.clone());

    let d = guest_detail(&cx, gid(&guest)).await.unwrap();
    let preview = resend_preview(
        &cx,
        ResendPreviewRequest {
            guest_id: guest.clone(),
            template_id: chosen.clone(),
            email: Some("fixed@example.com".into()),
        },
    )
    .await
    .unwrap();
    assert_eq!(preview.to, "fixed@example.com");
    assert!(preview.document.starts_with("<!doctype html><meta charset"));
    assert!(preview.document.contains("default-src 'none'"));
    assert!(
        preview
            .document
            .contains(&crate::merge::escape_html(&d.first_name))
            || preview.subject.contains(&d.first_name),
        "the attendee's name is merged in"
    );
    assert!(preview.recent_duplicate.is_none());

    let req = resend_req(&guest, &chosen);
    let sent = resend(&cx, req.clone()).await.unwrap();
    assert_eq!(sent.status, "queued");
    assert!(sent.correlation_id.starts_with(RESEND_CORRELATION_PREFIX));

    let history = guest_history(&cx, gid(&guest)).await.unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(
        (history[0].kind.as_str(), history[0].status.as_str()),
        ("send", "queued")
    );
    assert!(history[0].template_name.is_some());
    assert_eq!(
        history[0].correlation_id.as_deref(),
        Some(sent.correlation_id.as_str())
    );
    let opts = resend_options(&cx, gid(&guest)).await.unwrap();
    assert_eq!(opts.default_template_id.as_deref(), Some(chosen.as_str()));
    assert_eq!(opts.default_reason.as_deref(), Some("last_sent"));

    // Same template within 10 minutes: refused until confirmed, and nothing is sent.
    let e = resend(&cx, req.clone()).await.unwrap_err();
    assert!(is_duplicate_refusal(&e));
    let e = e.body();
    assert_eq!(e.field.as_deref(), Some("confirmDuplicate"));
    assert!(
        e.message
            .contains("already sent to this attendee 0 minute(s) ago (queued)"),
        "{}",
        e.message
    );
    assert_eq!(sb.requests("POST", SEND), 1);
    let p = resend_preview(
        &cx,
        ResendPreviewRequest {
            guest_id: guest.clone(),
            template_id: chosen.clone(),
            email: None,
        },
    )
    .await
    .unwrap();
    assert_eq!(p.recent_duplicate.unwrap().status, "queued");
    let again = ResendRequest {
        confirm_duplicate: true,
        new_email: Some("new.address@example.com".into()),
        correlation_id: Some("mine-1".into()),
        ..req
    };
    let sent = resend(&cx, again).await.unwrap();
    assert_eq!(sent.to, "new.address@example.com");
    assert_eq!(sent.correlation_id, "mine-1");
    assert_eq!(
        guest_detail(&cx, gid(&guest)).await.unwrap().email,
        "new.address@example.com"
    );

    let statuses = send_statuses(
        &cx,
        SendStatusesRequest {
            guest_ids: vec![guest.clone(), Uuid::new_v4().to_string()],
        },
    )
    .await
    .unwrap();
    assert_eq!(statuses.len(), 1);
    assert_eq!(statuses[0].status, "queued");
    sb.shutdown().await;
}

/// Two clicks at once on the same attendee and template: the check and the send are one step,
/// so exactly one is sent and the other is refused by the guard, even when both confirmed.
#[tokio::test]
async fn concurrent_resends_send_once() {
    let (sb, cx) = desk().await;
    let ev = event_id(&cx, "London").await;
    let guest = find(&cx, &ev, "").await;
    let template = resend_options(&cx, gid(&guest))
        .await
        .unwrap()
        .default_template_id
        .unwrap();
    for confirm in [false, true] {
        let before = sb.requests("POST", SEND);
        let req = ResendRequest {
            confirm_duplicate: confirm,
            ..resend_req(&guest, &template)
        };
        let (a, b) = tokio::join!(resend(&cx, req.clone()), resend(&cx, req.clone()));
        let (ok, refused): (Vec<_>, Vec<_>) = [a, b].into_iter().partition(|r| r.is_ok());
        assert_eq!(ok.len(), 1, "confirm={confirm}: one send");
        assert!(refused
            .iter()
            .all(|r| is_duplicate_refusal(r.as_ref().unwrap_err())));
        assert_eq!(sb.requests("POST", SEND), before + 1);
    }
    // The slot is released once the send is logged: a confirmed resend goes through.
    let req = ResendRequest {
        confirm_duplicate: true,
        ..resend_req(&guest, &template)
    };
    resend(&cx, req).await.unwrap();
    sb.shutdown().await;
}

/// The resend preview reads the event through the session's cache: after an edit (the events
/// operation puts the updated event there) it shows the new name, without a restart.
#[tokio::test]
async fn a_renamed_event_shows_in_the_resend_preview() {
    let (sb, cx) = desk().await;
    let ev = event_id(&cx, "New York").await;
    let guest = find(&cx, &ev, "").await;
    let reminder = cx
        .templates(Uuid::parse_str(&ev).unwrap())
        .await
        .unwrap()
        .into_iter()
        .find(|t| t.name == "Session reminder")
        .expect("the seeded reminder")
        .id
        .to_string();
    let preview = |cx: Arc<Ctx>| {
        let req = ResendPreviewRequest {
            guest_id: guest.clone(),
            template_id: reminder.clone(),
            email: None,
        };
        async move { resend_preview(&cx, req).await.unwrap() }
    };
    let before = preview(Arc::clone(&cx)).await;
    assert_eq!(
        before.subject,
        "Tomorrow: Qflow Customer Conference New York"
    );

    let mut event = cx.event(Uuid::parse_str(&ev).unwrap()).await.unwrap();
    event.title = "Renamed Conference".into();
    let updated = cx.client.event_update(&event).await.unwrap();
    cx.put_event(&updated).await;

    let after = preview(Arc::clone(&cx)).await;
    assert_eq!(after.subject, "Tomorrow: Renamed Conference");
    assert!(after.document.contains("Renamed Conference"));
    sb.shutdown().await;
}

#[tokio::test]
async fn suppressed_recipient_is_explained_and_logged() {
    let (sb, cx) = desk().await;
    let ev = event_id(&cx, "New York").await;
    let guest = find(&cx, &ev, qflow_sandbox::SUPPRESSED_EMAIL).await;
    let opts = resend_options(&cx, gid(&guest)).await.unwrap();
    let e = resend(&cx, resend_req(&guest, &opts.default_template_id.unwrap()))
        .await
        .unwrap_err()
        .body();
    assert_eq!(e.code, "previous_send_permanently_failed");
    assert_eq!(e.details["failureType"], "spam_reported");
    assert!(e.details.contains_key("lastFailureAt"));
    assert!(
        e.next_step.contains("Sending again will not help"),
        "{}",
        e.next_step
    );
    let history = guest_history(&cx, gid(&guest)).await.unwrap();
    assert_eq!(history[0].status, "error");
    assert_eq!(
        history[0].error_code.as_deref(),
        Some("previous_send_permanently_failed")
    );
    sb.shutdown().await;
}

#[tokio::test]
async fn an_add_with_send_whose_answer_is_unreadable_is_an_unknown_outcome() {
    let (sb, cx) = desk().await;
    let ev = event_id(&cx, "Tokyo").await;
    let template = cx
        .client
        .templates_list(Uuid::parse_str(&ev).unwrap())
        .await
        .unwrap()[0]
        .id;
    sb.inject(qflow_sandbox::Fault {
        method: "POST".into(),
        path_prefix: "/api/guest".into(),
        kind: qflow_sandbox::FaultKind::MalformedJson,
    });
    let id = Uuid::new_v4().to_string();
    let req = GuestAddRequest {
        id: id.clone(),
        event_id: ev,
        first_name: "Ana".into(),
        last_name: "Lost".into(),
        email: "ana.lost@example.com".into(),
        tags: String::new(),
        template_id: Some(template.to_string()),
        keep_email: false,
    };
    let e = guest_add(&cx, req).await.unwrap_err().body();
    assert_eq!(e.code, "outcome_unknown", "{e:?}");
    assert!(
        e.next_step.starts_with("Do not add this attendee again"),
        "{e:?}"
    );
    assert_eq!(sb.sends().len(), 1, "Qflow queued it");
    let history = guest_history(&cx, gid(&id)).await.unwrap();
    assert_eq!(history[0].status, "outcome_unknown", "not failed");
}

#[tokio::test]
async fn add_with_template_is_atomic_and_retry_safe() {
    let (sb, cx) = desk().await;
    let ev = event_id(&cx, "Tokyo").await;
    let template = cx
        .client
        .templates_list(Uuid::parse_str(&ev).unwrap())
        .await
        .unwrap()[0]
        .id
        .to_string();
    let options = event_templates(
        &cx,
        EventIdRequest {
            event_id: ev.clone(),
        },
    )
    .await
    .unwrap();
    assert!(options.iter().any(|t| t.id == template), "{options:?}");
    let id = Uuid::new_v4().to_string();
    let req = GuestAddRequest {
        id: id.clone(),
        event_id: ev.clone(),
        first_name: "Ana".into(),
        last_name: "Núñez".into(),
        email: "ana@gmial.com".into(),
        tags: "Walk-in".into(),
        template_id: Some(template),
        keep_email: false,
    };
    let before = sb.requests("POST", "/api/guest");
    // A typo suggestion stops the add before any request.
    let e = guest_add(&cx, req.clone()).await.unwrap_err().body();
    assert_eq!(e.field.as_deref(), Some("email"));
    assert!(e.message.contains("ana@gmail.com"), "{}", e.message);
    let check = email_check(EmailCheckRequest {
        email: "ana@gmial.com".into(),
    })
    .unwrap();
    assert_eq!(check.suggestion.as_deref(), Some("ana@gmail.com"));
    assert!(check.problem.is_none());
    assert!(email_check(EmailCheckRequest {
        email: "nope".into()
    })
    .unwrap()
    .problem
    .is_some());

    let req = GuestAddRequest {
        email: "ana@gmail.com".into(),
        ..req
    };
    let added = guest_add(&cx, req.clone()).await.unwrap();
    assert!(added.sent);
    assert_eq!(added.guest.id, id);
    assert_eq!(
        added.correlation_id.as_deref(),
        Some(atomic_correlation_id(Uuid::parse_str(&id).unwrap()).as_str())
    );
    // The same form submitted again (a retry): same attendee, no second send logged.
    let again = guest_add(&cx, req).await.unwrap();
    assert_eq!(again.guest.id, id);
    let history = guest_history(&cx, gid(&id)).await.unwrap();
    assert_eq!(history.len(), 1, "{history:?}");
    assert_eq!(history[0].status, "queued");
    assert_eq!(
        sb.requests("POST", "/api/guest") - before,
        2,
        "no request for the typo"
    );
    let (hits, _) = rows(
        &cx,
        &ev,
        &GuestFilter {
            query: "núñez",
            tag: Some("walk-in"),
            ..GuestFilter::default()
        },
    )
    .await;
    assert_eq!(hits.len(), 1, "the new attendee is in the table at once");
    sb.shutdown().await;
}

/// Poll the attendee's history until `done` (the sandbox delivers on its own schedule).
async fn history_until(
    cx: &Ctx,
    guest: &str,
    done: impl Fn(&[HistoryItem]) -> bool,
) -> Vec<HistoryItem> {
    let mut last = Vec::new();
    for _ in 0..400 {
        last = guest_history(cx, gid(guest)).await.unwrap();
        if done(&last) {
            return last;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    panic!("the history never got there: {last:?}");
}

#[tokio::test]
async fn sandbox_webhooks_build_the_timeline_and_the_status_column() {
    use crate::webhook::{serve_receiver, ReceiverOptions, WebhookSecretSource};
    let (sb, cx) = signed_in(SandboxConfig {
        attendees: 60,
        delivery_scale: 0.05,
        ..SandboxConfig::default()
    })
    .await;
    // The demo's wiring: a receiver writing to the session's store, registered with Qflow.
    let store = cx.local_store().await.unwrap();
    let secret = crate::webhook::SecretCell::new(None);
    let source: Arc<dyn WebhookSecretSource> = Arc::new(secret.clone());
    let receiver = serve_receiver(
        ([127, 0, 0, 1], 0).into(),
        source,
        store,
        ReceiverOptions::default(),
    )
    .await
    .unwrap();
    let answer = cx
        .client
        .webhook_set(&format!("http://{}/qflow", receiver.local_addr()))
        .await
        .unwrap();
    secret.set(Some(answer.secret));

    // A resend: sent → delivered → opened, all under the one send, by the receiver's store.
    let ev = event_id(&cx, "London").await;
    let guest = find(&cx, &ev, "").await;
    let template = resend_options(&cx, gid(&guest))
        .await
        .unwrap()
        .default_template_id
        .unwrap();
    resend(&cx, resend_req(&guest, &template)).await.unwrap();
    let h = history_until(&cx, &guest, |h| {
        h.first().is_some_and(|i| i.events.len() >= 3)
    })
    .await;
    assert_eq!(h.len(), 1, "{h:?}");
    assert_eq!(
        (h[0].kind.as_str(), h[0].status.as_str()),
        ("send", "queued")
    );
    let events: Vec<&str> = h[0].events.iter().map(|e| e.event.as_str()).collect();
    assert_eq!(events, ["sent", "delivered", "opened"]);
    assert_eq!(h[0].delivery.as_deref(), Some("opened"));
    assert!(h[0].events.iter().all(|e| e.matched_by.is_some()));
    // The "sent N min ago" warning says what became of that send, not just "queued".
    let p = resend_preview(
        &cx,
        ResendPreviewRequest {
            guest_id: guest.clone(),
            template_id: template.clone(),
            email: None,
        },
    )
    .await
    .unwrap();
    assert_eq!(p.recent_duplicate.unwrap().status, "opened");
    // And the guard names it too.
    let e = resend(&cx, resend_req(&guest, &template))
        .await
        .unwrap_err();
    assert!(e.body().message.contains("(opened)"), "{e:?}");

    // Two sends whose answers were lost: one reached Qflow (its events settle it, by their
    // correlation id), one did not (a 500 before any work: it stays unknown).
    let others: Vec<String> = cx
        .client
        .guests_list(Uuid::parse_str(&ev).unwrap())
        .await
        .unwrap()
        .into_iter()
        .filter(|g| g.email.ends_with("@example.com") && g.id.to_string() != guest)
        .map(|g| g.id.to_string())
        .take(2)
        .collect();
    let lost = |kind| qflow_sandbox::Fault {
        method: "POST".into(),
        path_prefix: SEND.into(),
        kind,
    };
    sb.inject(lost(qflow_sandbox::FaultKind::DropAfterRead));
    let e = resend(&cx, resend_req(&others[0], &template))
        .await
        .unwrap_err();
    assert_eq!(e.code(), "outcome_unknown");
    sb.inject(lost(qflow_sandbox::FaultKind::Status {
        status: 500,
        body: String::new(),
        retry_after: None,
    }));
    let e = resend(&cx, resend_req(&others[1], &template))
        .await
        .unwrap_err();
    assert_eq!(e.code(), "outcome_unknown");
    let h = history_until(&cx, &others[0], |h| {
        h.first().is_some_and(|i| i.settled.is_some())
    })
    .await;
    assert_eq!(
        h[0].status, "outcome_unknown",
        "the request's own result stays"
    );
    let by = h[0].settled.clone().unwrap();
    assert_eq!((by.event.as_str(), by.sent), ("sent", true));
    // Long enough for the other send's events, had there been any.
    history_until(&cx, &others[0], |h| {
        h[0].delivery.as_deref() == Some("opened")
    })
    .await;
    let h = guest_history(&cx, gid(&others[1])).await.unwrap();
    assert_eq!(h[0].status, "outcome_unknown");
    assert!(h[0].settled.is_none() && h[0].events.is_empty(), "{h:?}");

    // An attendee on the bounce domain, added with the template (atomic: no invitation id back).
    let bounced = Uuid::new_v4().to_string();
    guest_add(
        &cx,
        GuestAddRequest {
            id: bounced.clone(),
            event_id: ev.clone(),
            first_name: "Bruno".into(),
            last_name: "Bounce".into(),
            email: format!("nobody@{}", qflow_sandbox::BOUNCE_DOMAIN),
            tags: String::new(),
            template_id: Some(template),
            keep_email: true,
        },
    )
    .await
    .unwrap();
    let h = history_until(&cx, &bounced, |h| {
        h.first()
            .is_some_and(|i| i.delivery.as_deref() == Some("bounced"))
    })
    .await;
    assert_eq!(h.len(), 1, "the events join the app's atomic send: {h:?}");
    assert_eq!(h[0].kind, "send");
    let reason = h[0].events.last().unwrap().reason.clone().unwrap();
    assert!(reason.starts_with("550 5.1.1"), "{reason}");

    let statuses = send_statuses(
        &cx,
        SendStatusesRequest {
            guest_ids: vec![guest.clone(), bounced.clone()],
        },
    )
    .await
    .unwrap();
    let got: Vec<(&str, Option<&str>)> = statuses
        .iter()
        .map(|s| (s.status.as_str(), s.detail.as_deref()))
        .collect();
    assert_eq!(got, [("opened", None), ("bounced", Some(reason.as_str()))]);
    receiver.shutdown().await;
    sb.shutdown().await;
}

#[tokio::test]
async fn bad_ids_and_too_many_statuses_are_refused_before_any_request() {
    let (sb, cx) = desk().await;
    let e = resend(&cx, resend_req("nope", &Uuid::new_v4().to_string()))
        .await
        .unwrap_err();
    assert_eq!(e.body().field.as_deref(), Some("guestId"));
    let e = resend(
        &cx,
        ResendRequest {
            correlation_id: Some(" ".into()),
            ..resend_req(&Uuid::new_v4().to_string(), &Uuid::new_v4().to_string())
        },
    )
    .await
    .unwrap_err();
    assert_eq!(e.body().field.as_deref(), Some("correlationId"));
    let e = send_statuses(
        &cx,
        SendStatusesRequest {
            guest_ids: vec![Uuid::new_v4().to_string(); MAX_STATUS_IDS + 1],
        },
    )
    .await
    .unwrap_err();
    assert_eq!(e.body().field.as_deref(), Some("guestIds"));
    assert_eq!(sb.requests("GET", "/api"), 0);
    assert_eq!(sb.requests("POST", "/api"), 0);
    sb.shutdown().await;
}

/// The resend preview carries the pre-flight's token warning for this attendee.
#[tokio::test]
async fn the_resend_preview_warns_about_tokens_sent_literally() {
    let (_sb, cx) = desk().await;
    let ev = event_id(&cx, "London").await;
    let guest = find(&cx, &ev, "").await;
    let t = cx
        .client
        .template_upsert(&crate::models::TemplateUpsert {
            id: Uuid::new_v4(),
            event_id: ev.parse().unwrap(),
            name: "Tokens".into(),
            subject: "Hi {{firstname}}".into(),
            html: "<p>{{firstname}} {{lastnme}} {{V_99}}</p>".into(),
            from_address: None,
            from_name: None,
            reply_to: None,
            attach_pdf: None,
            email_body: None,
        })
        .await
        .unwrap();
    let req = |template_id: String| ResendPreviewRequest {
        guest_id: guest.clone(),
        template_id,
        email: None,
    };
    let p = resend_preview(&cx, req(t.id.to_string())).await.unwrap();
    let w = p.preflight.expect("a warning");
    assert_eq!(
        w.message,
        "These will be sent literally, as written: {{lastnme}} (not a merge token: everyone), {{V_99}} (empty for 1 of 1)."
    );
}
