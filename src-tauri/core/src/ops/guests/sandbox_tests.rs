//! The attendee table's pages and the counts against the sandbox, through a session (`Ctx`).

use std::sync::Arc;

use qflow_sandbox::Sandbox;
use uuid::Uuid;

use super::*;
use crate::ops::ctx::Ctx;

async fn seeded() -> (Sandbox, Arc<Ctx>) {
    crate::test_support::seeded_ctx(300).await
}

/// The seeded events' ids, by start time (read directly: this module does not depend on the
/// events list).
async fn event_ids(cx: &Ctx) -> Vec<String> {
    let at = |y| {
        chrono::NaiveDate::from_ymd_opt(y, 1, 1)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap()
    };
    let mut events = cx.client.events_list(at(2000), at(2100)).await.unwrap();
    events.sort_by_key(|e| e.start_time);
    events.iter().map(|e| e.id.unwrap().to_string()).collect()
}

fn page(event_id: &str, query: &str, offset: u32, limit: u32) -> GuestsPageRequest {
    GuestsPageRequest {
        event_id: event_id.into(),
        query: query.into(),
        offset,
        limit,
        refresh: false,
        checked_in: None,
        tag: None,
    }
}

#[tokio::test]
async fn counts_and_pages_of_the_seeded_attendees() {
    let (sb, cx) = seeded().await;
    let ids = event_ids(&cx).await;
    let counts = attendee_counts(
        &cx,
        AttendeeCountsRequest {
            event_ids: ids.clone(),
        },
    )
    .await
    .unwrap();
    assert_eq!(counts.iter().map(|c| c.count).sum::<u32>(), 300);
    // Counts are remembered for the next listing (which shows `cx.cached_count`).
    for c in &counts {
        let id = Uuid::parse_str(&c.event_id).unwrap();
        assert_eq!(cx.cached_count(id).await.map(count), Some(c.count));
    }

    let first = &ids[0];
    let total = counts[0].count;
    let p = guests_page(&cx, page(first, "", 0, 25)).await.unwrap();
    assert_eq!(p.total, total);
    assert_eq!(p.matched, total);
    assert_eq!(p.rows.len(), 25.min(total as usize));
    let rest = guests_page(&cx, page(first, "", 25, MAX_PAGE))
        .await
        .unwrap();
    assert_eq!(rest.rows.len() as u32, total.saturating_sub(25));
    assert!(
        p.rows
            .iter()
            .all(|r| !rest.rows.iter().any(|o| o.id == r.id)),
        "pages overlap"
    );

    // Search: case-insensitive over email, and every word must match.
    let someone = &p.rows[3];
    let q = someone.email.to_uppercase();
    let found = guests_page(&cx, page(first, &q, 0, 10)).await.unwrap();
    assert!(found.matched >= 1);
    assert!(found.rows.iter().any(|r| r.id == someone.id));
    let none = guests_page(&cx, page(first, &format!("{q} no-such-word-zz"), 0, 10))
        .await
        .unwrap();
    assert_eq!(none.matched, 0);
    assert_eq!(none.total, total);
    sb.shutdown().await;
}

#[tokio::test]
async fn the_counts_and_the_table_share_one_list_download() {
    let (sb, cx) = seeded().await;
    let ev = event_ids(&cx).await[0].clone();
    let lists = || sb.requests("GET", "/api/guests/");
    let before = lists();
    let counts = attendee_counts(
        &cx,
        AttendeeCountsRequest {
            event_ids: vec![ev.clone()],
        },
    );
    let (counts, p) = tokio::join!(counts, guests_page(&cx, page(&ev, "", 0, 10)));
    assert_eq!(counts.unwrap()[0].count, p.unwrap().total);
    assert_eq!(lists() - before, 1, "the same list was downloaded twice");
    // A refresh still asks Qflow again.
    let mut again = page(&ev, "", 0, 10);
    again.refresh = true;
    guests_page(&cx, again).await.unwrap();
    assert_eq!(lists() - before, 2);
    sb.shutdown().await;
}

#[tokio::test]
async fn bad_input_is_rejected_with_the_field_before_any_request() {
    let (sb, cx) = seeded().await;
    let e = guests_page(&cx, page("nope", "", 0, 10))
        .await
        .unwrap_err()
        .body();
    assert_eq!(
        (e.code.as_str(), e.field.as_deref()),
        ("invalid_input", Some("eventId"))
    );
    let id = Uuid::new_v4().to_string();
    let e = guests_page(&cx, page(&id, "", 0, MAX_PAGE + 1))
        .await
        .unwrap_err()
        .body();
    assert_eq!(e.field.as_deref(), Some("limit"));
    let e = guests_page(&cx, page(&id, "", 0, 0)).await.unwrap_err();
    assert_eq!(e.body().field.as_deref(), Some("limit"));
    let many = AttendeeCountsRequest {
        event_ids: vec![id; MAX_COUNT_EVENTS + 1],
    };
    let e = attendee_counts(&cx, many).await.unwrap_err();
    assert_eq!(e.body().field.as_deref(), Some("eventIds"));
    let e = attendee_counts(
        &cx,
        AttendeeCountsRequest {
            event_ids: vec!["x".into()],
        },
    )
    .await
    .unwrap_err();
    assert_eq!(e.body().field.as_deref(), Some("eventIds"));
    assert_eq!(sb.token_requests(), 0);
    sb.shutdown().await;
}
