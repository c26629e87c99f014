//! The runner against the sandbox (real HTTP on 127.0.0.1), counting sends on the sandbox side.

use std::sync::Arc;

use chrono::{Duration as Days, Utc};
use qflow_sandbox::{Fault, FaultKind, Sandbox, SandboxConfig};
use uuid::Uuid;

use super::*;
use crate::models::Guest;
use crate::store::{BulkItemState, NewBulkItem, SendResult};

const SEND: &str = "/api/comms/send";

async fn sandbox() -> Sandbox {
    Sandbox::start(SandboxConfig {
        attendees: 40,
        rate_limits: false,
        delivery_scale: 0.01,
        ..Default::default()
    })
    .await
    .unwrap()
}

/// A budget of 6000/min: the runner's pace is 10 ms, so the tests run quickly.
fn client(sb: &Sandbox) -> Client {
    crate::test_support::demo_client(sb, Some(Budget::new(6000)))
}

/// `n` attendees with an ordinary address (not the seeded suppressed one) and a template.
async fn targets(c: &Client, n: usize) -> (Vec<Guest>, Uuid) {
    let now = Utc::now().naive_utc();
    let events = c
        .events_list(now - Days::days(60), now + Days::days(200))
        .await
        .unwrap();
    let event = events[0].id.unwrap();
    let guests: Vec<Guest> = c
        .guests_list(event)
        .await
        .unwrap()
        .into_iter()
        .filter(|g| g.email.contains('@') && g.email != qflow_sandbox::SUPPRESSED_EMAIL)
        .take(n)
        .collect();
    assert_eq!(guests.len(), n, "the seed has enough attendees");
    let template = c.templates_list(event).await.unwrap()[0].id;
    (guests, template)
}

fn enqueue(store: &Store, job: &str, guests: &[Guest], template: Uuid) {
    let items: Vec<NewBulkItem> = guests
        .iter()
        .map(|g| NewBulkItem {
            attendee_id: g.id,
            template_id: template,
            correlation_id: Some(format!("bulk-{job}-{}", g.id)),
            ..Default::default()
        })
        .collect();
    store.bulk_enqueue(job, "test", &items).unwrap();
}

/// Sends per attendee, from the local log (every row is one request that left).
fn sends_per_attendee(store: &Store, guests: &[Guest]) -> Vec<usize> {
    guests
        .iter()
        .map(|g| store.sends_for_attendee(g.id).unwrap().len())
        .collect()
}

#[tokio::test]
async fn a_job_sends_once_per_attendee_and_reports_progress() {
    let sb = sandbox().await;
    let c = client(&sb);
    let (guests, template) = targets(&c, 4).await;
    let store = Store::open_in_memory().unwrap();
    enqueue(&store, "j", &guests, template);
    let mut seen = Vec::new();
    let end = run_bulk(&c, &store, "j", &BulkControl::new(), |p| {
        seen.push(p.clone())
    })
    .await
    .unwrap();
    assert_eq!(end.state, BulkRunState::Finished);
    assert_eq!((end.counts.done, end.counts.total), (4, 4));
    assert_eq!(end.eta_seconds, 0);
    assert_eq!(sb.requests("POST", SEND), 4);
    assert_eq!(sends_per_attendee(&store, &guests), [1, 1, 1, 1]);
    // Progress after each item, done counting up.
    let done: Vec<u32> = seen.iter().map(|p| p.counts.done).collect();
    assert_eq!(done, [1, 2, 3, 4, 4]);
    assert!(store
        .bulk_items("j")
        .unwrap()
        .iter()
        .all(|i| i.send_log_id.is_some()));
}

#[tokio::test]
async fn a_reopened_store_resumes_without_resending_sent_or_in_flight_items() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("local.db");
    let sb = sandbox().await;
    let c = client(&sb);
    let (guests, template) = targets(&c, 5).await;
    {
        let store = Store::open(&path).unwrap();
        enqueue(&store, "j", &guests, template);
        let control = BulkControl::new();
        let stopper = control.clone();
        let end = run_bulk(&c, &store, "j", &control, |p| {
            if p.counts.done == 2 {
                stopper.stop();
            }
        })
        .await
        .unwrap();
        assert_eq!(end.state, BulkRunState::Interrupted);
        // The process "crashes" right after writing the third item's state, its request
        // possibly on the wire: nothing finishes it.
        let third = store.bulk_next("j").unwrap().unwrap();
        assert_eq!(third.attendee_id, guests[2].id);
        store.bulk_begin_send(third.id).unwrap();
    }
    assert_eq!(sb.requests("POST", SEND), 2);

    let store = Store::open(&path).unwrap();
    let open = store.bulk_unfinished("test").unwrap();
    assert_eq!(open.len(), 1, "offered at the next sign-in");
    assert_eq!(open[0].counts.remaining(), 3);
    let end = run_bulk(&c, &store, "j", &BulkControl::new(), |_| {})
        .await
        .unwrap();
    assert_eq!(end.state, BulkRunState::Finished);
    assert_eq!(
        (end.counts.done, end.counts.outcome_unknown),
        (4, 1),
        "{:?}",
        end.counts
    );
    // The in-flight one is never sent again; the two left are sent once.
    assert_eq!(sb.requests("POST", SEND), 4);
    let states: Vec<BulkItemState> = store
        .bulk_items("j")
        .unwrap()
        .iter()
        .map(|i| i.state)
        .collect();
    assert_eq!(states[2], BulkItemState::OutcomeUnknown);
    assert_eq!(sends_per_attendee(&store, &guests), [1, 1, 1, 1, 1]);
    let log = store.sends_for_attendee(guests[2].id).unwrap();
    assert_eq!(log[0].result, SendResult::OutcomeUnknown);
    assert!(store.bulk_unfinished("test").unwrap().is_empty());
}

#[tokio::test]
async fn a_lost_answer_or_a_5xx_is_outcome_unknown_and_not_resent() {
    let sb = sandbox().await;
    let c = client(&sb);
    let (guests, template) = targets(&c, 3).await;
    let store = Store::open_in_memory().unwrap();
    enqueue(&store, "j", &guests, template);
    // The first send reaches Qflow (applied) and its answer is lost; the second gets a 500.
    sb.inject(Fault {
        method: "POST".into(),
        path_prefix: SEND.into(),
        kind: FaultKind::DropAfterRead,
    });
    let end = run_bulk(&c, &store, "j", &BulkControl::new(), |p| {
        if p.counts.total - p.counts.remaining() == 1 {
            sb.inject(Fault {
                method: "POST".into(),
                path_prefix: SEND.into(),
                kind: FaultKind::Status {
                    status: 500,
                    body: r#"{"error":"internal","message":"boom"}"#.into(),
                    retry_after: None,
                },
            });
        }
    })
    .await
    .unwrap();
    assert_eq!(end.state, BulkRunState::Finished);
    assert_eq!((end.counts.outcome_unknown, end.counts.done), (2, 1));
    assert_eq!(sb.requests("POST", SEND), 3, "nothing retried");
    assert_eq!(sends_per_attendee(&store, &guests), [1, 1, 1]);
}

#[tokio::test]
async fn a_rate_limited_send_goes_back_to_the_queue_and_is_sent_after_the_wait() {
    let sb = sandbox().await;
    let c = client(&sb);
    let (guests, template) = targets(&c, 2).await;
    let store = Store::open_in_memory().unwrap();
    enqueue(&store, "j", &guests, template);
    sb.inject(Fault {
        method: "POST".into(),
        path_prefix: SEND.into(),
        kind: FaultKind::Status {
            status: 429,
            body: r#"{"error":"rate_limit","message":"Too many requests"}"#.into(),
            retry_after: Some(1),
        },
    });
    let mut states = Vec::new();
    let end = run_bulk(&c, &store, "j", &BulkControl::new(), |p| {
        states.push(p.state)
    })
    .await
    .unwrap();
    assert_eq!(end.state, BulkRunState::Finished);
    assert_eq!(end.counts.done, 2);
    assert!(states.contains(&BulkRunState::Waiting), "{states:?}");
    // The refused request was not processed: each attendee got one send queued.
    let queued: Vec<usize> = guests
        .iter()
        .map(|g| {
            store
                .sends_for_attendee(g.id)
                .unwrap()
                .iter()
                .filter(|s| s.result == SendResult::Queued)
                .count()
        })
        .collect();
    assert_eq!(queued, [1, 1]);
    assert_eq!(sb.requests("POST", SEND), 3);
}

#[tokio::test]
async fn pause_then_resume_finishes_and_cancel_stops_what_is_left() {
    let sb = sandbox().await;
    let c = client(&sb);
    let (guests, template) = targets(&c, 6).await;
    let store = Arc::new(Store::open_in_memory().unwrap());
    enqueue(&store, "a", &guests[..3], template);
    enqueue(&store, "b", &guests[3..], template);

    // Pause after the first; while paused nothing is sent; resume finishes the job.
    let control = BulkControl::new();
    let ctl = control.clone();
    let mut paused_at = None;
    let end = run_bulk(&c, &store, "a", &control, |p| match p.state {
        BulkRunState::Running if p.counts.done == 1 && paused_at.is_none() => ctl.pause(),
        BulkRunState::Paused => {
            paused_at = Some(p.counts.done);
            ctl.resume();
        }
        _ => {}
    })
    .await
    .unwrap();
    assert_eq!(paused_at, Some(1));
    assert_eq!((end.state, end.counts.done), (BulkRunState::Finished, 3));

    // Cancel while paused: the rest is cancelled, never sent.
    let control = BulkControl::new();
    let ctl = control.clone();
    let end = run_bulk(&c, &store, "b", &control, |p| match p.state {
        BulkRunState::Running if p.counts.done == 1 => ctl.pause(),
        BulkRunState::Paused => ctl.cancel(),
        _ => {}
    })
    .await
    .unwrap();
    assert_eq!(end.state, BulkRunState::Cancelled);
    assert_eq!((end.counts.done, end.counts.cancelled), (1, 2));
    assert_eq!(sb.requests("POST", SEND), 4);
    assert_eq!(sends_per_attendee(&store, &guests), [1, 1, 1, 1, 0, 0]);
}
