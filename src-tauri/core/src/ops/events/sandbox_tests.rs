//! The event operations against the sandbox, through a session (`Ctx`) as the window and the
//! CLI run them.

use std::sync::Arc;

use chrono::NaiveDateTime;
use qflow_sandbox::{Fault, FaultKind, Sandbox, SandboxConfig};
use serde_json::json;
use uuid::Uuid;

use super::*;
use crate::ops::ctx::Ctx;
use crate::ops::guests::{guests_page, GuestsPageRequest};
use crate::test_support::demo_ctx;

async fn empty() -> (Sandbox, Arc<Ctx>) {
    let sb = Sandbox::start(SandboxConfig {
        seed_data: false,
        ..SandboxConfig::default()
    })
    .await
    .unwrap();
    let cx = demo_ctx(&sb);
    (sb, cx)
}

async fn seeded() -> (Sandbox, Arc<Ctx>) {
    crate::test_support::seeded_ctx(300).await
}

fn t(s: &str) -> NaiveDateTime {
    parse_local("t", s).unwrap()
}

fn form(id: &str, title: &str, start: &str, end: &str, zone: &str) -> EventForm {
    EventForm {
        id: id.into(),
        title: title.into(),
        start_time: start.into(),
        end_time: end.into(),
        time_zone_id: zone.into(),
    }
}

fn tokyo(id: Uuid, title: &str) -> EventForm {
    form(
        &id.to_string(),
        title,
        "2026-06-01 10:00",
        "2026-06-01 22:00",
        "Asia/Tokyo",
    )
}

fn range(from: &str, to: &str) -> EventsListRequest {
    EventsListRequest {
        from: Some(from.into()),
        to: Some(to.into()),
    }
}

fn drop_post(kind: FaultKind) -> Fault {
    Fault {
        method: "POST".into(),
        path_prefix: "/api/event".into(),
        kind,
    }
}

#[tokio::test]
async fn create_uses_the_client_id_and_a_repost_makes_no_duplicate() {
    let (sb, cx) = empty().await;
    let id = Uuid::new_v4();
    let e = create(&cx, &tokyo(id, "Tokyo launch")).await.unwrap();
    assert_eq!(e.id, Some(id));
    assert_eq!(e.time_zone_id, "Asia/Tokyo");
    create(&cx, &tokyo(id, "Tokyo launch")).await.unwrap();
    let all = cx
        .client
        .events_list(t("2026-01-01 00:00"), t("2026-12-31 00:00"))
        .await
        .unwrap();
    assert_eq!(all.len(), 1);
    assert!(create(&cx, &tokyo(Uuid::nil(), "x")).await.is_err());
    assert_eq!(sb.requests("POST", "/api/event"), 2);
    sb.shutdown().await;
}

#[tokio::test]
async fn a_lost_answer_is_resolved_by_reading_the_id_and_never_reposted() {
    let (sb, cx) = empty().await;
    // Created, answer lost: the read finds it.
    sb.inject(drop_post(FaultKind::DropAfterRead));
    let id = Uuid::new_v4();
    let e = create(&cx, &tokyo(id, "Lost answer")).await.unwrap();
    assert_eq!((e.id, e.title.as_str()), (Some(id), "Lost answer"));
    assert_eq!(sb.requests("POST", "/api/event"), 1);
    // Not created: still unknown (not a silent retry), and saying so.
    sb.inject(drop_post(FaultKind::DropBeforeRead));
    let err = create(&cx, &tokyo(Uuid::new_v4(), "Never arrived"))
        .await
        .unwrap_err();
    assert_eq!(err.code(), "outcome_unknown");
    assert_eq!(sb.requests("POST", "/api/event"), 2);
    sb.shutdown().await;
}

#[tokio::test]
async fn update_replaces_the_form_fields_and_a_missing_event_is_not_found() {
    let (sb, cx) = empty().await;
    let id = Uuid::new_v4();
    create(&cx, &tokyo(id, "Old title")).await.unwrap();
    let edit = form(
        &id.to_string(),
        "New title",
        "2026-07-01 09:00",
        "2026-07-02 17:00",
        "Europe/London",
    );
    let e = update(&cx, &edit.id, &EventChanges::from(&edit))
        .await
        .unwrap();
    assert_eq!(e.title, "New title");
    assert_eq!(e.time_zone_id, "Europe/London");
    assert_eq!(
        cx.client.event_get(id).await.unwrap().end_time,
        t("2026-07-02 17:00")
    );
    let other = Uuid::new_v4().to_string();
    let err = update(&cx, &other, &EventChanges::from(&edit))
        .await
        .unwrap_err();
    assert_eq!(err.body().status, Some(404));
    sb.shutdown().await;
}

#[tokio::test]
async fn a_partial_update_keeps_the_other_fields_and_the_unknown_ones() {
    let (sb, cx) = empty().await;
    let id = Uuid::new_v4();
    // Made elsewhere, with fields this version does not know.
    let mut e =
        new_event(&validate("Gala", "2026-06-01 18:00", "2026-06-01 23:00", "UTC").unwrap());
    e.id = Some(id);
    e.extra.insert("venue".into(), json!({"room": "A"}));
    cx.client.event_create(&e).await.unwrap();

    let changes = EventChanges {
        title: Some("Gala dinner".into()),
        ..Default::default()
    };
    let updated = update(&cx, &id.to_string(), &changes).await.unwrap();
    let fresh = cx.client.event_get(id).await.unwrap();
    assert_eq!(updated, fresh);
    assert_eq!(fresh.title, "Gala dinner");
    assert_eq!(
        (
            fresh.start_time,
            fresh.end_time,
            fresh.time_zone_id.as_str()
        ),
        (t("2026-06-01 18:00"), t("2026-06-01 23:00"), "UTC")
    );
    assert_eq!(fresh.extra["venue"], json!({"room": "A"}));
    // Every edit reads the event fresh and PUTs it whole.
    assert_eq!(sb.requests("PUT", "/api/event"), 1);
    // A new end before the start Qflow has: refused after the read, nothing PUT.
    let bad = EventChanges {
        end_time: Some("2026-06-01 17:00".into()),
        ..Default::default()
    };
    let err = update(&cx, &id.to_string(), &bad).await.unwrap_err();
    assert_eq!(err.body().field.as_deref(), Some("endTime"));
    assert_eq!(sb.requests("PUT", "/api/event"), 1);
    sb.shutdown().await;
}

/// The session's event cache follows the writes: the studio and the resend preview read events
/// with `cx.event(id)`, so a renamed event shows its new name there at once.
#[tokio::test]
async fn a_renamed_event_is_read_with_its_new_name() {
    let (sb, cx) = seeded().await;
    let listed = events_list(&cx, range("2000-01-01", "2100-12-31"))
        .await
        .unwrap();
    let id = Uuid::parse_str(&listed[0].id).unwrap();
    // Loaded (and cached) as the studio or the resend preview loads it.
    let before = cx.event(id).await.unwrap();
    assert_ne!(before.title, "Renamed Conference");
    let reads = sb.requests("GET", "/api/event/");

    let mut edit = form(
        &id.to_string(),
        "Renamed Conference",
        &before.start_time.to_string(),
        &before.end_time.to_string(),
        &before.time_zone_id,
    );
    let row = event_update(&cx, edit.clone()).await.unwrap();
    assert_eq!(row.title, "Renamed Conference");
    let fresh_reads = sb.requests("GET", "/api/event/");
    assert_eq!(fresh_reads, reads + 1, "the edit reads the event fresh");
    let after = cx.event(id).await.unwrap();
    assert_eq!(after.title, "Renamed Conference");
    assert_eq!(after.extra, before.extra);
    assert_eq!(
        sb.requests("GET", "/api/event/"),
        fresh_reads,
        "served from the session's cache, kept in step by the edit"
    );

    // The same through the CLI's partial edit.
    let changes = EventChanges {
        title: Some("Renamed again".into()),
        ..Default::default()
    };
    update(&cx, &edit.id, &changes).await.unwrap();
    assert_eq!(cx.event(id).await.unwrap().title, "Renamed again");

    // Deleted: the session forgets it (and its attendee list).
    cx.guests(id, false, false).await.unwrap();
    event_delete(
        &cx,
        EventDeleteRequest {
            id: edit.id.clone(),
        },
    )
    .await
    .unwrap();
    assert!(cx.cached_guests(id).await.is_none());
    assert_eq!(cx.event(id).await.unwrap_err().body().status, Some(404));

    // A new event is cached as created.
    let new_id = Uuid::new_v4();
    edit.id = new_id.to_string();
    edit.title = "Brand new".into();
    event_create(&cx, edit).await.unwrap();
    let reads = sb.requests("GET", "/api/event/");
    assert_eq!(cx.event(new_id).await.unwrap().title, "Brand new");
    assert_eq!(sb.requests("GET", "/api/event/"), reads);
    sb.shutdown().await;
}

#[tokio::test]
async fn create_edit_and_delete_an_event_in_tokyo() {
    let (sb, cx) = seeded().await;
    let id = Uuid::new_v4().to_string();
    let f = form(
        &id,
        "Tokyo launch",
        "2030-06-01T10:00",
        "2030-06-01T22:00",
        "Asia/Tokyo",
    );
    let made = event_create(&cx, f.clone()).await.unwrap();
    assert_eq!(made.id, id);
    assert_eq!(made.start_time, "2030-06-01T10:00:00");
    assert_eq!(
        made.when.as_deref(),
        Some("Sat 1 Jun 2030, 10:00–22:00 Asia/Tokyo (UTC+09:00)")
    );
    // Saving the same form again (a retry) makes no second event.
    event_create(&cx, f).await.unwrap();
    let listed = events_list(&cx, range("2030-05-01", "2030-07-01"))
        .await
        .unwrap();
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert_eq!(listed[0].when, made.when);

    let edited = event_update(
        &cx,
        form(
            &id,
            "Tokyo launch party",
            "2030-06-01 18:00",
            "2030-06-02 01:00",
            "Asia/Tokyo",
        ),
    )
    .await
    .unwrap();
    assert_eq!(edited.title, "Tokyo launch party");
    assert!(
        edited
            .when
            .as_deref()
            .unwrap()
            .contains("Sun 2 Jun 2030, 01:00"),
        "{edited:?}"
    );

    event_delete(&cx, EventDeleteRequest { id: id.clone() })
        .await
        .unwrap();
    let after = events_list(&cx, range("2030-05-01", "2030-07-01"))
        .await
        .unwrap();
    assert!(after.is_empty());
    // Deleting again: already gone, still done? No request reached a lost answer, so Qflow's
    // 404 is reported as not found.
    let again = event_delete(&cx, EventDeleteRequest { id }).await;
    assert_eq!(again.unwrap_err().body().status, Some(404));
    sb.shutdown().await;
}

#[tokio::test]
async fn bad_forms_are_refused_before_any_request_with_the_field() {
    let (sb, cx) = empty().await;
    let ok_id = Uuid::new_v4().to_string();
    let cases = [
        (
            form(&ok_id, " ", "2030-06-01 10:00", "2030-06-01 11:00", "UTC"),
            "title",
        ),
        (
            form("nope", "x", "2030-06-01 10:00", "2030-06-01 11:00", "UTC"),
            "id",
        ),
        (
            form(
                &Uuid::nil().to_string(),
                "x",
                "2030-06-01 10:00",
                "2030-06-01 11:00",
                "UTC",
            ),
            "id",
        ),
        (
            form(&ok_id, "x", "2030-06-01 10:00", "2030-06-01 09:00", "UTC"),
            "endTime",
        ),
        (
            form(&ok_id, "x", "2030-06-01 10:00", "2030-06-01 11:00", "Tokyo"),
            "timeZoneId",
        ),
        (
            form(&ok_id, "x", "June 1st", "2030-06-01 11:00", "UTC"),
            "startTime",
        ),
    ];
    for (f, field) in cases {
        for e in [
            event_create(&cx, f.clone()).await.unwrap_err(),
            event_update(&cx, f.clone()).await.unwrap_err(),
        ] {
            let e = e.body();
            assert_eq!(
                (e.code.as_str(), e.field.as_deref()),
                ("invalid_input", Some(field)),
                "{f:?}"
            );
        }
    }
    let e = event_delete(&cx, EventDeleteRequest { id: "x".into() })
        .await
        .unwrap_err();
    assert_eq!(e.body().field.as_deref(), Some("id"));
    // Nothing reached Qflow, not even a sign-in.
    assert_eq!(sb.token_requests(), 0);
    sb.shutdown().await;
}

#[tokio::test]
async fn editing_a_deleted_event_says_not_found() {
    let (sb, cx) = seeded().await;
    let f = form(
        &Uuid::new_v4().to_string(),
        "Gone",
        "2030-06-01 10:00",
        "2030-06-01 11:00",
        "UTC",
    );
    let e = event_update(&cx, f).await.unwrap_err().body();
    assert_eq!(e.status, Some(404));
    assert!(!e.next_step.is_empty());
    sb.shutdown().await;
}

// ---------------------------------------------------------------- the events list

#[tokio::test]
async fn seeded_events_are_listed_in_start_order_with_the_first_to_open_marked() {
    let (sb, cx) = seeded().await;
    let events = events_list(&cx, EventsListRequest::default())
        .await
        .unwrap();
    assert_eq!(events.len(), 3, "{events:?}");
    assert!(events
        .windows(2)
        .all(|w| w[0].start_time <= w[1].start_time));
    assert!(events.iter().all(|e| e.attendee_count.is_none()));
    assert!(events.iter().all(|e| e.when.is_some()));
    // Exactly one is marked to open first: core's rule over the listed rows.
    let today = chrono::Local::now().date_naive();
    let expected = default_event(&events, row_end, today).map(|e| e.id.clone());
    let marked: Vec<&str> = events
        .iter()
        .filter(|e| e.is_default)
        .map(|e| e.id.as_str())
        .collect();
    assert_eq!(marked.len(), 1, "{events:?}");
    assert_eq!(Some(marked[0].to_owned()), expected);
    // A loaded list's count shows in the next listing.
    let id = Uuid::parse_str(&events[0].id).unwrap();
    let n = cx.guests(id, false, false).await.unwrap().len();
    let again = events_list(&cx, EventsListRequest::default())
        .await
        .unwrap();
    assert_eq!(again[0].attendee_count, Some(n as u32));
    // A narrow window finds fewer.
    let none = events_list(&cx, range("2000-01-01", "2000-01-02"))
        .await
        .unwrap();
    assert!(none.is_empty());
    sb.shutdown().await;
}

#[tokio::test]
async fn a_bad_range_is_refused_with_the_field_before_any_request() {
    let (sb, cx) = empty().await;
    let e = events_list(
        &cx,
        EventsListRequest {
            from: Some("2026-13-01".into()),
            to: None,
        },
    )
    .await
    .unwrap_err();
    assert_eq!(e.body().field.as_deref(), Some("from"));
    let e = events_list(&cx, range("2026-05-02", "2026-05-01"))
        .await
        .unwrap_err();
    assert_eq!(e.body().field.as_deref(), Some("to"));
    assert_eq!(sb.token_requests(), 0);
    sb.shutdown().await;
}

#[tokio::test]
async fn the_start_up_prefetch_loads_the_first_events_list_once() {
    let (sb, cx) = seeded().await;
    let lists = || sb.requests("GET", "/api/guests/");
    let before = lists();
    prefetch_default_guests(&cx).await.unwrap();
    assert_eq!(lists() - before, 1);
    // The events screen opens the same event (the UI's rule, in core) and finds it loaded.
    let events = events_list(&cx, EventsListRequest::default())
        .await
        .unwrap();
    let today = chrono::Local::now().date_naive().to_string();
    let first = events
        .iter()
        .find(|e| e.end_time[..10] >= *today)
        .unwrap_or(&events[0]);
    assert!(first.is_default);
    assert!(first.attendee_count.is_some(), "{events:?}");
    let p = guests_page(
        &cx,
        GuestsPageRequest {
            event_id: first.id.clone(),
            query: String::new(),
            offset: 0,
            limit: 10,
            refresh: false,
            checked_in: None,
            tag: None,
        },
    )
    .await
    .unwrap();
    assert_eq!(p.rows.len(), 10);
    assert_eq!(lists() - before, 1, "downloaded again");
    sb.shutdown().await;
}
