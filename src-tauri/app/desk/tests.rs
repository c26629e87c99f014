//! The desk handlers against the real sandbox over HTTP on 127.0.0.1.

use qflow_sandbox::SandboxConfig;
use serde_json::json;

use super::*;
use crate::app::handlers::{self, AppState};
use crate::app::ipc::{EventsListRequest, GuestsPageRequest};

async fn signed_in() -> (AppState, DeskState) {
    let cfg = SandboxConfig {
        attendees: 120,
        ..SandboxConfig::default()
    };
    let st = crate::app::test_support::demo_state(cfg);
    handlers::demo_sign_in(&st).await.unwrap();
    // Demo session: its local store is a private in-memory database.
    (st, DeskState::default())
}

/// The seeded events, by title word.
async fn event_id(st: &AppState, word: &str) -> String {
    handlers::events_list(st, EventsListRequest::default())
        .await
        .unwrap()
        .into_iter()
        .find(|e| e.title.contains(word))
        .unwrap_or_else(|| panic!("no event with {word}"))
        .id
}

async fn find(st: &AppState, event: &str, query: &str) -> String {
    let p = handlers::guests_page(
        st,
        GuestsPageRequest {
            event_id: event.into(),
            query: query.into(),
            offset: 0,
            limit: 10,
            refresh: false,
            checked_in: None,
            tag: None,
        },
    )
    .await
    .unwrap();
    p.rows.first().expect("a match").id.clone()
}

fn gid(id: &str) -> GuestIdRequest {
    GuestIdRequest {
        guest_id: id.into(),
    }
}

#[tokio::test]
async fn save_keeps_unknown_fields_and_check_in_round_trips() {
    let (st, _desk) = signed_in().await;
    let ev = event_id(&st, "London").await;
    let session = st.current().await.unwrap();
    let id = Uuid::new_v4();
    let body = json!({"id": id, "eventId": ev, "firstName": "Zoë", "lastName": "Ødegård",
        "email": "zoe@example.com", "badgeColour": "teal", "seat": {"row": 4}});
    let create: GuestCreate = serde_json::from_value(body).unwrap();
    session.client.guest_create(&create).await.unwrap();

    let d = guest_detail(&st, gid(&id.to_string())).await.unwrap();
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
    let saved = guest_save(&st, edit.clone()).await.unwrap();
    assert_eq!(
        (saved.first_name.as_str(), saved.plus_ones),
        ("Zoe", Some(1))
    );
    let raw = session
        .client
        .execute(qflow_core::api::ApiRequest::guest_get(id))
        .await
        .unwrap();
    assert_eq!(raw["badgeColour"], "teal");
    assert_eq!(raw["seat"]["row"], 4);
    assert_eq!(raw["email"], "zoe.o@example.com");

    // Bad input is refused before any request, naming the field.
    let bad = GuestEdit {
        email: "zoe@".into(),
        ..edit.clone()
    };
    assert_eq!(
        guest_save(&st, bad)
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
        guest_save(&st, bad)
            .await
            .unwrap_err()
            .body()
            .field
            .as_deref(),
        Some("plusOnes")
    );

    let req = |c| CheckInRequest {
        guest_id: id.to_string(),
        checked_in: c,
    };
    let d = guest_check_in(&st, req(true)).await.unwrap();
    assert!(d.checked_in && d.check_in_time.is_some());
    // The table's cached list follows without a reload.
    let p = handlers::guests_page(
        &st,
        GuestsPageRequest {
            event_id: ev.clone(),
            query: "Ødegård".into(),
            offset: 0,
            limit: 10,
            refresh: false,
            checked_in: Some(true),
            tag: Some("speaker".into()),
        },
    )
    .await
    .unwrap();
    assert_eq!(p.rows.len(), 1, "{p:?}");
    assert!(p.tags.iter().any(|t| t == "Speaker"));
    let d = guest_check_in(&st, req(false)).await.unwrap();
    assert!(!d.checked_in);

    guest_delete(&st, gid(&id.to_string())).await.unwrap();
    let e = guest_detail(&st, gid(&id.to_string())).await.unwrap_err();
    assert_eq!(e.body().status, Some(404));
    st.shutdown().await;
}

#[tokio::test]
async fn resend_previews_sends_once_and_asks_before_a_duplicate() {
    let (st, desk) = signed_in().await;
    let ev = event_id(&st, "London").await;
    let guest = find(&st, &ev, "").await;
    let opts = resend_options(&st, &desk, gid(&guest)).await.unwrap();
    assert!(!opts.templates.is_empty());
    let first_default = opts.default_template_id.clone().unwrap();
    assert_eq!(opts.default_reason.as_deref(), Some("newest"));
    // Send a template that is not the newest, so the default visibly follows the history.
    let chosen = opts
        .templates
        .iter()
        .find(|t| t.id != first_default)
        .map_or(first_default.clone(), |t| t.id.clone());

    let d = guest_detail(&st, gid(&guest)).await.unwrap();
    let preview = resend_preview(
        &st,
        &desk,
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
            .contains(&qflow_core::merge::escape_html(&d.first_name))
            || preview.subject.contains(&d.first_name),
        "the attendee's name is merged in"
    );
    assert!(preview.recent_duplicate.is_none());

    let req = ResendRequest {
        guest_id: guest.clone(),
        template_id: chosen.clone(),
        new_email: None,
        confirm_duplicate: false,
    };
    let sent = resend(&st, &desk, req.clone()).await.unwrap();
    assert_eq!(sent.status, "queued");
    assert!(sent.correlation_id.starts_with("desk-resend-"));

    let history = guest_history(&st, &desk, gid(&guest)).await.unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(
        (history[0].kind.as_str(), history[0].status.as_str()),
        ("send", "queued")
    );
    assert!(history[0].template_name.is_some());
    let opts = resend_options(&st, &desk, gid(&guest)).await.unwrap();
    assert_eq!(opts.default_template_id.as_deref(), Some(chosen.as_str()));
    assert_eq!(opts.default_reason.as_deref(), Some("last_sent"));

    // Same template within 10 minutes: refused until confirmed.
    let e = resend(&st, &desk, req.clone()).await.unwrap_err().body();
    assert_eq!(e.field.as_deref(), Some("confirmDuplicate"));
    let p = resend_preview(
        &st,
        &desk,
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
        ..req
    };
    let sent = resend(&st, &desk, again).await.unwrap();
    assert_eq!(sent.to, "new.address@example.com");
    assert_eq!(
        guest_detail(&st, gid(&guest)).await.unwrap().email,
        "new.address@example.com"
    );

    let statuses = send_statuses(
        &st,
        &desk,
        SendStatusesRequest {
            guest_ids: vec![guest.clone(), Uuid::new_v4().to_string()],
        },
    )
    .await
    .unwrap();
    assert_eq!(statuses.len(), 1);
    assert_eq!(statuses[0].status, "queued");
    st.shutdown().await;
}

#[tokio::test]
async fn suppressed_recipient_is_explained_and_logged() {
    let (st, desk) = signed_in().await;
    let ev = event_id(&st, "New York").await;
    let guest = find(&st, &ev, qflow_sandbox::SUPPRESSED_EMAIL).await;
    let opts = resend_options(&st, &desk, gid(&guest)).await.unwrap();
    let e = resend(
        &st,
        &desk,
        ResendRequest {
            guest_id: guest.clone(),
            template_id: opts.default_template_id.unwrap(),
            new_email: None,
            confirm_duplicate: false,
        },
    )
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
    let history = guest_history(&st, &desk, gid(&guest)).await.unwrap();
    assert_eq!(history[0].status, "error");
    assert_eq!(
        history[0].error_code.as_deref(),
        Some("previous_send_permanently_failed")
    );
    st.shutdown().await;
}

#[tokio::test]
async fn add_with_template_is_atomic_and_retry_safe() {
    let (st, desk) = signed_in().await;
    let ev = event_id(&st, "Tokyo").await;
    let template = {
        let session = st.current().await.unwrap();
        session
            .client
            .templates_list(Uuid::parse_str(&ev).unwrap())
            .await
            .unwrap()[0]
            .id
            .to_string()
    };
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
    let before = {
        let sb = st.sandbox.lock().await;
        sb.as_ref().unwrap().requests("POST", "/api/guest")
    };
    // A typo suggestion stops the add before any request.
    let e = guest_add(&st, &desk, req.clone()).await.unwrap_err().body();
    assert_eq!(e.field.as_deref(), Some("email"));
    assert!(e.message.contains("ana@gmail.com"), "{}", e.message);
    let check = email_check(EmailCheckRequest {
        email: "ana@gmial.com".into(),
    });
    assert_eq!(check.suggestion.as_deref(), Some("ana@gmail.com"));
    assert!(check.problem.is_none());
    assert!(email_check(EmailCheckRequest {
        email: "nope".into()
    })
    .problem
    .is_some());

    let req = GuestAddRequest {
        email: "ana@gmail.com".into(),
        ..req
    };
    let added = guest_add(&st, &desk, req.clone()).await.unwrap();
    assert!(added.sent);
    assert_eq!(added.guest.id, id);
    // The same form submitted again (a retry): same attendee, no second send logged.
    let again = guest_add(&st, &desk, req).await.unwrap();
    assert_eq!(again.guest.id, id);
    let history = guest_history(&st, &desk, gid(&id)).await.unwrap();
    assert_eq!(history.len(), 1, "{history:?}");
    assert_eq!(history[0].status, "queued");
    let after = {
        let sb = st.sandbox.lock().await;
        sb.as_ref().unwrap().requests("POST", "/api/guest")
    };
    assert_eq!(after - before, 2, "no request for the typo");
    let p = handlers::guests_page(
        &st,
        GuestsPageRequest {
            event_id: ev,
            query: "núñez".into(),
            offset: 0,
            limit: 10,
            refresh: false,
            checked_in: None,
            tag: Some("walk-in".into()),
        },
    )
    .await
    .unwrap();
    assert_eq!(p.rows.len(), 1, "the new attendee is in the table at once");
    st.shutdown().await;
}

/// Poll the attendee's history until `done` (the sandbox delivers on its own schedule).
async fn history_until(
    st: &AppState,
    desk: &DeskState,
    guest: &str,
    done: impl Fn(&[HistoryItem]) -> bool,
) -> Vec<HistoryItem> {
    let mut last = Vec::new();
    for _ in 0..400 {
        last = guest_history(st, desk, gid(guest)).await.unwrap();
        if done(&last) {
            return last;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    panic!("the history never got there: {last:?}");
}

#[tokio::test]
async fn sandbox_webhooks_build_the_timeline_and_the_status_column() {
    use qflow_core::ops::webhooks::ensure_demo_wiring;
    let cfg = SandboxConfig {
        attendees: 60,
        delivery_scale: 0.05,
        ..SandboxConfig::default()
    };
    let st = crate::app::test_support::demo_state(cfg);
    handlers::demo_sign_in(&st).await.unwrap();
    let desk = DeskState::default();
    ensure_demo_wiring(&st.current().await.unwrap())
        .await
        .unwrap();

    // A resend: sent → delivered → opened, all under the one send, by the receiver's store.
    let ev = event_id(&st, "London").await;
    let guest = find(&st, &ev, "").await;
    let template = resend_options(&st, &desk, gid(&guest))
        .await
        .unwrap()
        .default_template_id
        .unwrap();
    resend(
        &st,
        &desk,
        ResendRequest {
            guest_id: guest.clone(),
            template_id: template.clone(),
            new_email: None,
            confirm_duplicate: false,
        },
    )
    .await
    .unwrap();
    let h = history_until(&st, &desk, &guest, |h| {
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
        &st,
        &desk,
        ResendPreviewRequest {
            guest_id: guest.clone(),
            template_id: template.clone(),
            email: None,
        },
    )
    .await
    .unwrap();
    assert_eq!(p.recent_duplicate.unwrap().status, "opened");

    // An attendee on the bounce domain, added with the template (atomic: no invitation id back).
    let bounced = Uuid::new_v4().to_string();
    guest_add(
        &st,
        &desk,
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
    let h = history_until(&st, &desk, &bounced, |h| {
        h.first()
            .is_some_and(|i| i.delivery.as_deref() == Some("bounced"))
    })
    .await;
    assert_eq!(h.len(), 1, "the events join the app's atomic send: {h:?}");
    assert_eq!(h[0].kind, "send");
    let reason = h[0].events.last().unwrap().reason.clone().unwrap();
    assert!(reason.starts_with("550 5.1.1"), "{reason}");

    let statuses = send_statuses(
        &st,
        &desk,
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
    // The session's receiver ends with it.
    handlers::sign_out(&st).await.unwrap();
    st.shutdown().await;
}
