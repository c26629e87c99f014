//! The bulk operations against the sandbox (real HTTP on 127.0.0.1), through a `Ctx` as the
//! window and the CLI build it, counting sends on the sandbox side. Each session has its own
//! budget at the default pace (58/min: one send every ~1.03 s).

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use qflow_sandbox::Sandbox;
use serde_json::Value;
use uuid::Uuid;

use super::*;
use crate::api::Budget;
use crate::ops::ctx::{Ctx, PushEvent, StoreLocation};
use crate::store::NewBulkItem;
use crate::test_support::{self, Pushed};

const SEND: &str = "/api/comms/send";
const PROFILE: &str = "demo";

async fn sandbox() -> Sandbox {
    test_support::quiet_sandbox(60).await
}

/// A signed-in session over the sandbox's demo account (profile [`PROFILE`]), and what it
/// pushes to the window.
fn session(sb: &Sandbox, store: StoreLocation) -> (Arc<Ctx>, Pushed) {
    test_support::pushing_session(sb, store, Some(Budget::new(50)))
}

fn sends(sb: &Sandbox) -> usize {
    sb.requests("POST", SEND)
}

/// Every attendee of the London event, in the table's order.
async fn london(cx: &Ctx) -> (String, Vec<String>) {
    let event = test_support::event_titled(cx, "London").await.to_string();
    let ids = bulk_select_filtered(
        cx,
        BulkFilterRequest {
            event_id: event.clone(),
            query: String::new(),
            checked_in: None,
            tag: None,
        },
    )
    .await
    .unwrap();
    (event, ids)
}

/// The London event, three of its attendees (not the suppressed one) and a template.
async fn selection(cx: &Ctx) -> BulkSelection {
    let (event, ids) = london(cx).await;
    let template = cx
        .client
        .templates_list(crate::validate::guid("e", &event).unwrap())
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

/// The next `bulk-progress` push.
async fn next(rx: &mut Pushed) -> Value {
    loop {
        let (name, v) = rx.recv().await.expect("the runner reports until it ends");
        if name == BulkStatus::NAME {
            return v;
        }
    }
}

fn state(v: &Value) -> &str {
    v["progress"]["state"].as_str().unwrap()
}

fn done(v: &Value) -> u64 {
    v["progress"]["counts"]["done"].as_u64().unwrap()
}

/// The push that ends the job.
async fn last_push(rx: &mut Pushed) -> Value {
    loop {
        let v = next(rx).await;
        if matches!(state(&v), "finished" | "cancelled" | "interrupted") {
            return v;
        }
    }
}

/// Waits for the push that ends the job, then reads the same status back.
async fn until_over(cx: &Ctx, rx: &mut Pushed) -> BulkStatus {
    let v = last_push(rx).await;
    let s = bulk_status(cx).await.unwrap().unwrap();
    assert_eq!(serde_json::to_value(&s).unwrap(), v, "pushed = answered");
    s
}

#[tokio::test]
async fn resend_to_selected_sends_exactly_once_per_attendee_and_skips_recent_ones() {
    let sb = sandbox().await;
    let (cx, mut rx) = session(&sb, StoreLocation::Memory);
    let sel = selection(&cx).await;
    let before = sends(&sb);

    let p = bulk_preview(&cx, sel.clone()).await.unwrap();
    assert_eq!((p.selected, p.to_send, p.recent.len()), (3, 3, 0));
    assert!(p.eta_seconds >= 3, "{p:?}");

    let first = bulk_start(&cx, sel.clone()).await.unwrap();
    assert_eq!(first.progress.counts.total, 3);
    // A second job is refused while this one runs.
    let e = bulk_start(&cx, sel.clone()).await.unwrap_err();
    assert_eq!(e.body().code, "invalid_input");
    let end = until_over(&cx, &mut rx).await;
    assert_eq!(end.progress.state, BulkRunState::Finished);
    assert_eq!(end.progress.counts.done, 3);
    assert!(end.problems.is_empty());
    assert_eq!(
        sends(&sb) - before,
        3,
        "one send per attendee, counted by the sandbox"
    );
    assert_eq!(
        bulk_status(&cx).await.unwrap().unwrap().progress.state,
        BulkRunState::Finished
    );

    // The same three again within 10 minutes: listed, and skipped unless confirmed.
    let p = bulk_preview(&cx, sel.clone()).await.unwrap();
    assert_eq!((p.to_send, p.recent.len()), (0, 3));
    assert!(p.recent.iter().all(|r| !r.name.is_empty()));
    let e = bulk_start(&cx, sel.clone()).await.unwrap_err();
    assert_eq!(e.body().field.as_deref(), Some("includeRecent"));
    assert_eq!(sends(&sb) - before, 3);
    assert!(bulk_unfinished(&cx).await.unwrap().is_empty());
    sb.shutdown().await;
}

#[tokio::test]
async fn cancel_stops_the_rest_and_the_summary_counts_it() {
    let sb = sandbox().await;
    let (cx, mut rx) = session(&sb, StoreLocation::Memory);
    let mut sel = selection(&cx).await;
    let (_, more) = london(&cx).await;
    sel.guest_ids = more[3..8].to_vec();
    let before = sends(&sb);
    bulk_start(&cx, sel).await.unwrap();
    // Pause after the first send, then cancel while paused.
    while done(&next(&mut rx).await) < 1 {}
    let paused = bulk_pause(&cx).await.unwrap();
    assert!(!paused.progress.state.is_over());
    bulk_cancel(&cx).await.unwrap();
    let end = until_over(&cx, &mut rx).await;
    assert_eq!(end.progress.state, BulkRunState::Cancelled);
    let c = end.progress.counts;
    assert_eq!(c.done + c.cancelled, 5, "{c:?}");
    assert!(c.cancelled >= 3, "{c:?}");
    assert_eq!(sends(&sb) - before, c.done as usize);
    sb.shutdown().await;
}

#[tokio::test]
async fn bad_selections_are_refused_before_any_request() {
    let sb = sandbox().await;
    let (cx, _rx) = session(&sb, StoreLocation::Memory);
    let sel = selection(&cx).await;
    let before = sends(&sb);
    let field = |e: crate::Error| e.body().field;
    let empty = BulkSelection {
        guest_ids: vec![],
        ..sel.clone()
    };
    assert_eq!(
        field(bulk_preview(&cx, empty).await.unwrap_err()).as_deref(),
        Some("guestIds")
    );
    let stranger = BulkSelection {
        guest_ids: vec![Uuid::new_v4().to_string()],
        ..sel.clone()
    };
    assert_eq!(
        field(bulk_preview(&cx, stranger).await.unwrap_err()).as_deref(),
        Some("guestIds")
    );
    let bad_template = BulkSelection {
        template_id: "nope".into(),
        ..sel.clone()
    };
    assert_eq!(
        field(bulk_preview(&cx, bad_template).await.unwrap_err()).as_deref(),
        Some("templateId")
    );
    assert_eq!(
        field(bulk_pause(&cx).await.unwrap_err()).as_deref(),
        Some("jobId")
    );
    // A refused start leaves the slot free.
    let e = bulk_start(
        &cx,
        BulkSelection {
            guest_ids: vec![],
            ..sel
        },
    )
    .await
    .unwrap_err();
    assert_eq!(field(e).as_deref(), Some("guestIds"));
    assert!(bulk_status(&cx).await.unwrap().is_none());
    assert_eq!(sends(&sb), before);
    sb.shutdown().await;
}

#[tokio::test]
async fn an_unfinished_job_is_offered_not_started_and_never_resends_in_flight_items() {
    let sb = sandbox().await;
    let (cx, mut rx) = session(&sb, StoreLocation::Memory);
    let sel = selection(&cx).await;
    let store = cx.local_store().await.unwrap();
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
    store.bulk_enqueue("old-job", PROFILE, &items).unwrap();
    let first = store.bulk_next("old-job").unwrap().unwrap();
    store.bulk_begin_send(first.id).unwrap();
    let before = sends(&sb);

    let offered = bulk_unfinished(&cx).await.unwrap();
    assert_eq!(offered.len(), 1);
    assert_eq!((offered[0].remaining, offered[0].total), (3, 3));
    assert_eq!(offered[0].template_name.as_deref(), Some("Door ticket"));
    assert!(
        bulk_status(&cx).await.unwrap().is_none(),
        "not started by itself"
    );
    assert_eq!(sends(&sb), before);

    let req = BulkJobRequest {
        job_id: "old-job".into(),
    };
    bulk_continue(&cx, req.clone()).await.unwrap();
    // Not discarded while it runs.
    let e = bulk_discard(&cx, req).await.unwrap_err();
    assert_eq!(e.body().field.as_deref(), Some("jobId"));
    let end = until_over(&cx, &mut rx).await;
    assert_eq!(end.progress.state, BulkRunState::Finished);
    let c = end.progress.counts;
    assert_eq!((c.done, c.outcome_unknown), (2, 1));
    assert_eq!(end.problems.len(), 1);
    assert_eq!(end.problems[0].state, "outcome_unknown");
    // After a restart the summary still names the person and the template, not ids.
    assert_eq!(end.problems[0].name, "Zoë Person 0");
    assert_eq!(end.template_name.as_deref(), Some("Door ticket"));
    assert_eq!(
        sends(&sb) - before,
        2,
        "the in-flight one is not sent again"
    );
    assert!(bulk_unfinished(&cx).await.unwrap().is_empty());
    let e = bulk_discard(
        &cx,
        BulkJobRequest {
            job_id: "old-job".into(),
        },
    )
    .await
    .unwrap_err();
    assert_eq!(e.body().field.as_deref(), Some("jobId"));
    sb.shutdown().await;
}

/// Issue 13: the "not running" check and the launch were apart (network awaits between), so
/// two calls at once started two jobs to the same people.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_starts_at_once_make_one_job_and_send_once() {
    let sb = sandbox().await;
    let (cx, mut rx) = session(&sb, StoreLocation::Memory);
    let sel = selection(&cx).await;
    let before = sends(&sb);
    let a = tokio::spawn({
        let (cx, sel) = (Arc::clone(&cx), sel.clone());
        async move { bulk_start(&cx, sel).await }
    });
    let b = tokio::spawn({
        let (cx, sel) = (Arc::clone(&cx), sel.clone());
        async move { bulk_start(&cx, sel).await }
    });
    let (a, b) = (a.await.unwrap(), b.await.unwrap());
    let (started, refused) = match (a, b) {
        (Ok(s), Err(e)) | (Err(e), Ok(s)) => (s, e),
        (a, b) => panic!("exactly one job starts: {a:?} / {b:?}"),
    };
    assert_eq!(started.progress.counts.total, 3);
    let body = refused.body();
    assert_eq!(
        (body.code.as_str(), body.field.as_deref()),
        ("invalid_input", Some("guestIds"))
    );
    assert!(
        body.message
            .contains("a resend to selected attendees is already"),
        "{}",
        body.message
    );
    let end = until_over(&cx, &mut rx).await;
    assert_eq!(end.progress.state, BulkRunState::Finished);
    assert_eq!(end.progress.counts.done, 3);
    // Nothing else was queued by the refused call, and nothing more is sent.
    assert!(bulk_unfinished(&cx).await.unwrap().is_empty());
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(sends(&sb) - before, 3, "each attendee once");
    let store = cx.local_store().await.unwrap();
    for id in &sel.guest_ids {
        let logged = store
            .sends_for_attendee(Uuid::parse_str(id).unwrap())
            .unwrap();
        assert_eq!(logged.len(), 1, "{id}: {logged:?}");
    }
    sb.shutdown().await;
}

/// Signing out (the session closes) stops the job between two items; what is left stays
/// queued, and the next session over the same database offers it.
#[tokio::test]
async fn signing_out_stops_the_job_and_keeps_the_rest_resumable() {
    let sb = sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let db: PathBuf = dir.path().join("qflow-console.db");
    let (cx, mut rx) = session(&sb, StoreLocation::File(db.clone()));
    let mut sel = selection(&cx).await;
    let (_, more) = london(&cx).await;
    sel.guest_ids = more[8..13].to_vec();
    let before = sends(&sb);
    let started = bulk_start(&cx, sel.clone()).await.unwrap();
    let job_id = started.progress.job_id;
    while done(&next(&mut rx).await) < 1 {}
    cx.close();
    let end = last_push(&mut rx).await;
    assert_eq!(state(&end), "interrupted");
    let sent = u32::try_from(done(&end)).unwrap();
    assert!(sent < 5, "{end}");
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(sends(&sb) - before, sent as usize, "nothing after sign-out");
    // The closed session starts nothing more.
    let e = bulk_start(&cx, sel).await.unwrap_err();
    assert_eq!(e.body().code, "not_signed_in");

    let (next_session, _rx) = session(&sb, StoreLocation::File(db));
    let offered = bulk_unfinished(&next_session).await.unwrap();
    assert_eq!(offered.len(), 1);
    assert_eq!(offered[0].job_id, job_id);
    assert_eq!(offered[0].remaining, 5 - sent);
    sb.shutdown().await;
}

/// The preview warns, before sending, about tokens the selected people would get literally.
#[tokio::test]
async fn the_preview_warns_about_unknown_and_empty_tokens_for_the_selected() {
    let sb = sandbox().await;
    let (cx, _rx) = session(&sb, StoreLocation::Memory);
    let mut sel = selection(&cx).await;
    let event = crate::validate::guid("e", &sel.event_id).unwrap();
    let t = cx
        .client
        .template_upsert(&crate::models::TemplateUpsert {
            id: uuid::Uuid::new_v4(),
            event_id: event,
            name: "Tokens".into(),
            subject: "Hi {{firstname}}".into(),
            html: "<p>{{firstnam}} {{V_99}}</p>".into(),
            from_address: None,
            from_name: None,
            reply_to: None,
            attach_pdf: None,
            email_body: None,
        })
        .await
        .unwrap();
    sel.template_id = t.id.to_string();
    let w = bulk_preview(&cx, sel.clone())
        .await
        .unwrap()
        .preflight
        .unwrap();
    assert!(
        w.message
            .contains("{{firstnam}} (not a merge token: everyone)"),
        "{}",
        w.message
    );
    // Nobody has a 99th custom field.
    assert!(
        w.message.contains("{{V_99}} (empty for 3 of 3)"),
        "{}",
        w.message
    );
    assert_eq!(w.findings.len(), 2);
    // A template whose tokens all have values: no warning.
    let ok = cx
        .client
        .template_upsert(&crate::models::TemplateUpsert {
            id: uuid::Uuid::new_v4(),
            event_id: event,
            name: "Fine".into(),
            subject: "Your ticket".into(),
            html: "<p>{{event}}</p>".into(),
            from_address: None,
            from_name: None,
            reply_to: None,
            attach_pdf: None,
            email_body: None,
        })
        .await
        .unwrap();
    sel.template_id = ok.id.to_string();
    assert_eq!(bulk_preview(&cx, sel).await.unwrap().preflight, None);
}
