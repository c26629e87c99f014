//! The bulk commands against the demo sandbox (real HTTP on 127.0.0.1), counting sends on the
//! sandbox side. The demo session uses the process budget: one send every 1.2 s.

use std::sync::Arc;

use qflow_sandbox::SandboxConfig;
use tokio::sync::mpsc;

use super::*;
use crate::app::handlers::{self, AppState};
use crate::app::ipc::EventsListRequest;

async fn signed_in() -> AppState {
    let cfg = SandboxConfig {
        attendees: 60,
        rate_limits: false,
        ..SandboxConfig::default()
    };
    let st = crate::app::test_support::demo_state(cfg);
    handlers::demo_sign_in(&st).await.unwrap();
    st
}

async fn sends(st: &AppState) -> usize {
    st.sandbox
        .lock()
        .await
        .as_ref()
        .unwrap()
        .requests("POST", "/api/comms/send")
}

/// The London event, three of its attendees (not the suppressed one) and a template.
async fn selection(st: &AppState) -> BulkSelection {
    let events = handlers::events_list(st, EventsListRequest::default())
        .await
        .unwrap();
    let event = events
        .iter()
        .find(|e| e.title.contains("London"))
        .unwrap()
        .id
        .clone();
    let ids = bulk_select_filtered(
        st,
        BulkFilterRequest {
            event_id: event.clone(),
            query: String::new(),
            checked_in: None,
            tag: None,
        },
    )
    .await
    .unwrap();
    let session = st.current().await.unwrap();
    let template = session
        .client
        .templates_list(validate::guid("e", &event).unwrap())
        .await
        .unwrap()[0]
        .id;
    BulkSelection {
        event_id: event,
        guest_ids: ids[..3].to_vec(),
        template_id: template.to_string(),
        include_recent: false,
    }
}

fn channel() -> (Sink, mpsc::UnboundedReceiver<BulkStatus>) {
    let (tx, rx) = mpsc::unbounded_channel();
    (
        Arc::new(move |s: &BulkStatus| {
            let _ = tx.send(s.clone());
        }),
        rx,
    )
}

async fn until_over(rx: &mut mpsc::UnboundedReceiver<BulkStatus>) -> BulkStatus {
    loop {
        let s = rx.recv().await.expect("the runner reports until it ends");
        if s.progress.state.is_over() {
            return s;
        }
    }
}

#[tokio::test]
async fn resend_to_selected_sends_exactly_once_per_attendee_and_skips_recent_ones() {
    let st = signed_in().await;
    let bulk = BulkState::default();
    let sel = selection(&st).await;
    let before = sends(&st).await;

    let p = bulk_preview(&st, sel.clone()).await.unwrap();
    assert_eq!((p.selected, p.to_send, p.recent.len()), (3, 3, 0));
    assert!(p.eta_seconds >= 3, "{p:?}");

    let (sink, mut rx) = channel();
    let first = bulk_start(&st, &bulk, sel.clone(), sink, std::future::pending())
        .await
        .unwrap();
    assert_eq!(first.progress.counts.total, 3);
    // A second job is refused while this one runs.
    let (sink2, _rx2) = channel();
    let e = bulk_start(&st, &bulk, sel.clone(), sink2, std::future::pending())
        .await
        .unwrap_err();
    assert_eq!(e.body().code, "invalid_input");
    let end = until_over(&mut rx).await;
    assert_eq!(end.progress.state, BulkRunState::Finished);
    assert_eq!(end.progress.counts.done, 3);
    assert!(end.problems.is_empty());
    assert_eq!(
        sends(&st).await - before,
        3,
        "one send per attendee, counted by the sandbox"
    );
    assert_eq!(
        bulk_status(&st, &bulk)
            .await
            .unwrap()
            .unwrap()
            .progress
            .state,
        BulkRunState::Finished
    );

    // The same three again within 10 minutes: listed, and skipped unless confirmed.
    let p = bulk_preview(&st, sel.clone()).await.unwrap();
    assert_eq!((p.to_send, p.recent.len()), (0, 3));
    assert!(p.recent.iter().all(|r| !r.name.is_empty()));
    let (sink, _rx) = channel();
    let e = bulk_start(&st, &bulk, sel.clone(), sink, std::future::pending())
        .await
        .unwrap_err();
    assert_eq!(e.body().field.as_deref(), Some("includeRecent"));
    assert_eq!(sends(&st).await - before, 3);
    assert!(bulk_unfinished(&st, &bulk).await.unwrap().is_empty());
    st.shutdown().await;
}

#[tokio::test]
async fn cancel_stops_the_rest_and_the_summary_counts_it() {
    let st = signed_in().await;
    let bulk = BulkState::default();
    let mut sel = selection(&st).await;
    let more = bulk_select_filtered(
        &st,
        BulkFilterRequest {
            event_id: sel.event_id.clone(),
            query: String::new(),
            checked_in: None,
            tag: None,
        },
    )
    .await
    .unwrap();
    sel.guest_ids = more[3..8].to_vec();
    let before = sends(&st).await;
    let (sink, mut rx) = channel();
    bulk_start(&st, &bulk, sel, sink, std::future::pending())
        .await
        .unwrap();
    // Pause after the first send, then cancel while paused.
    loop {
        let s = rx.recv().await.unwrap();
        if s.progress.counts.done >= 1 {
            break;
        }
    }
    let paused = bulk_pause(&st, &bulk).await.unwrap();
    assert!(!paused.progress.state.is_over());
    bulk_cancel(&st, &bulk).await.unwrap();
    let end = until_over(&mut rx).await;
    assert_eq!(end.progress.state, BulkRunState::Cancelled);
    let c = end.progress.counts;
    assert_eq!(c.done + c.cancelled, 5, "{c:?}");
    assert!(c.cancelled >= 3, "{c:?}");
    assert_eq!(sends(&st).await - before, c.done as usize);
    st.shutdown().await;
}

#[tokio::test]
async fn bad_selections_are_refused_before_any_request() {
    let st = signed_in().await;
    let bulk = BulkState::default();
    let sel = selection(&st).await;
    let before = sends(&st).await;
    let empty = BulkSelection {
        guest_ids: vec![],
        ..sel.clone()
    };
    assert_eq!(
        bulk_preview(&st, empty)
            .await
            .unwrap_err()
            .body()
            .field
            .as_deref(),
        Some("guestIds")
    );
    let stranger = BulkSelection {
        guest_ids: vec![Uuid::new_v4().to_string()],
        ..sel.clone()
    };
    assert_eq!(
        bulk_preview(&st, stranger)
            .await
            .unwrap_err()
            .body()
            .field
            .as_deref(),
        Some("guestIds")
    );
    let bad_template = BulkSelection {
        template_id: "nope".into(),
        ..sel
    };
    assert_eq!(
        bulk_preview(&st, bad_template)
            .await
            .unwrap_err()
            .body()
            .field
            .as_deref(),
        Some("templateId")
    );
    assert_eq!(
        bulk_pause(&st, &bulk)
            .await
            .unwrap_err()
            .body()
            .field
            .as_deref(),
        Some("jobId")
    );
    assert_eq!(sends(&st).await, before);
    st.shutdown().await;
}

#[tokio::test]
async fn an_unfinished_job_is_offered_not_started_and_never_resends_in_flight_items() {
    let st = signed_in().await;
    let bulk = BulkState::default();
    let sel = selection(&st).await;
    let session = st.current().await.unwrap();
    let store = session.local_store().await.unwrap();
    let template = Uuid::parse_str(&sel.template_id).unwrap();
    let items: Vec<NewBulkItem> = sel
        .guest_ids
        .iter()
        .enumerate()
        .map(|(i, g)| NewBulkItem {
            attendee_id: Uuid::parse_str(g).unwrap(),
            template_id: template,
            correlation_id: None,
            attendee_name: Some(format!("Zoë Person {i}")),
            template_name: Some("Door ticket".into()),
        })
        .collect();
    // A previous run: the first item's state was written, then the app died mid-request.
    store
        .bulk_enqueue("old-job", handlers::DEMO_PROFILE, &items)
        .unwrap();
    let first = store.bulk_next("old-job").unwrap().unwrap();
    store.bulk_begin_send(first.id).unwrap();
    let before = sends(&st).await;

    let offered = bulk_unfinished(&st, &bulk).await.unwrap();
    assert_eq!(offered.len(), 1);
    assert_eq!((offered[0].remaining, offered[0].total), (3, 3));
    assert_eq!(offered[0].template_name.as_deref(), Some("Door ticket"));
    assert!(
        bulk_status(&st, &bulk).await.unwrap().is_none(),
        "not started by itself"
    );
    assert_eq!(sends(&st).await, before);

    let (sink, mut rx) = channel();
    let req = BulkJobRequest {
        job_id: "old-job".into(),
    };
    bulk_continue(&st, &bulk, req, sink, std::future::pending())
        .await
        .unwrap();
    let end = until_over(&mut rx).await;
    assert_eq!(end.progress.state, BulkRunState::Finished);
    let c = end.progress.counts;
    assert_eq!((c.done, c.outcome_unknown), (2, 1));
    assert_eq!(end.problems.len(), 1);
    assert_eq!(end.problems[0].state, "outcome_unknown");
    // After a restart the summary still names the person and the template, not ids.
    assert_eq!(end.problems[0].name, "Zoë Person 0");
    assert_eq!(end.template_name.as_deref(), Some("Door ticket"));
    assert_eq!(
        sends(&st).await - before,
        2,
        "the in-flight one is not sent again"
    );
    assert!(bulk_unfinished(&st, &bulk).await.unwrap().is_empty());
    let e = bulk_discard(
        &st,
        BulkJobRequest {
            job_id: "old-job".into(),
        },
    )
    .await
    .unwrap_err();
    assert_eq!(e.body().field.as_deref(), Some("jobId"));
    st.shutdown().await;
}
