//! Scan to check in against the sandbox (real HTTP on 127.0.0.1), through a `Ctx` as the window
//! builds it: every answer, the queue's order, offline and restart, conflicts, undo, other desks.

use std::sync::Arc;
use std::time::Duration;

use chrono::{Duration as Days, Utc};
use qflow_sandbox::Sandbox;
use uuid::Uuid;

use super::*;
use crate::models::Guest;
use crate::ops::ctx::{Ctx, StoreLocation};
use crate::ops::desk::EventIdRequest;
use crate::store::{CheckinAction, CheckinState, NewCheckin};
use crate::test_support::{self, Pushed};

async fn sandbox() -> Sandbox {
    test_support::quiet_sandbox(150).await
}

fn session(sb: &Sandbox, store: StoreLocation) -> (Arc<Ctx>, Pushed) {
    test_support::pushing_session(sb, store, None)
}

/// The demo events by title word: (London id, New York id).
async fn events(cx: &Ctx) -> (Uuid, Uuid) {
    (
        test_support::event_titled(cx, "London").await,
        test_support::event_titled(cx, "New York").await,
    )
}

/// Qflow's list of the event now (not the session's cache).
async fn at_qflow(cx: &Ctx, event: Uuid) -> Vec<Guest> {
    cx.client.guests_list(event).await.unwrap()
}

fn barcode(g: &Guest) -> String {
    g.barcode.clone().unwrap()
}

fn req(event: Uuid, barcode: &str) -> ScanRequest {
    ScanRequest {
        event_id: event.to_string(),
        barcode: barcode.into(),
    }
}

fn ev(event: Uuid) -> EventIdRequest {
    EventIdRequest {
        event_id: event.to_string(),
    }
}

async fn wait_for(what: &str, mut f: impl AsyncFnMut() -> bool) {
    for _ in 0..150 {
        if f().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("timed out waiting for {what}");
}

async fn drained(cx: &Arc<Ctx>, event: Uuid) {
    wait_for("the queue to drain", async || {
        scan_status(cx, ev(event)).await.unwrap().waiting == 0
    })
    .await;
}

#[tokio::test]
async fn every_answer_at_once_and_the_queue_sends_in_scan_order() {
    let sb = sandbox().await;
    let (cx, _pushed) = session(&sb, StoreLocation::Memory);
    let (london, new_york) = events(&cx).await;
    let guests = at_qflow(&cx, london).await;
    let out: Vec<&Guest> = guests
        .iter()
        .filter(|g| g.checked_in != Some(true) && g.barcode.is_some())
        .take(3)
        .collect();
    let inside = guests
        .iter()
        .find(|g| g.checked_in == Some(true))
        .expect("the seed has checked-in attendees");
    // Another event's list, loaded (as the events screen does): the scan names it.
    let ny_guest = at_qflow(&cx, new_york).await.remove(0);
    cx.guests(new_york, false, false).await.unwrap();
    cx.event(new_york).await.unwrap();

    let status = scan_open(&cx, ev(london)).await.unwrap();
    assert!(status.attendees >= 10);
    assert!(status.event_title.contains("London"));

    let mut ids = Vec::new();
    for (i, g) in out.iter().enumerate() {
        // A scanner may send lower case and a trailing space.
        let typed = if i == 0 {
            format!("{} ", barcode(g).to_lowercase())
        } else {
            barcode(g)
        };
        let t0 = std::time::Instant::now();
        let a = scan_barcode(&cx, req(london, &typed)).await.unwrap();
        assert!(
            t0.elapsed() < Duration::from_millis(50),
            "{:?}",
            t0.elapsed()
        );
        assert_eq!(a.kind, ScanKind::CheckedIn, "{a:?}");
        assert_eq!(a.headline, "Checked in");
        assert!(a
            .detail
            .starts_with(&format!("{} {}", g.first_name, g.last_name)));
        assert!(a.yes);
        ids.push(a.undo_id.unwrap());
    }
    // Again: already, at this desk.
    let a = scan_barcode(&cx, req(london, &barcode(out[1])))
        .await
        .unwrap();
    assert_eq!(a.kind, ScanKind::AlreadyCheckedIn);
    assert_eq!(a.headline, "Already checked in");
    assert!(a.detail.ends_with("at this desk"), "{}", a.detail);
    assert!(!a.yes);
    // Checked in before (the seed): at another desk, with Qflow's time.
    let a = scan_barcode(&cx, req(london, &barcode(inside)))
        .await
        .unwrap();
    assert_eq!(a.kind, ScanKind::AlreadyCheckedIn);
    assert!(a.detail.ends_with("at another desk"), "{}", a.detail);
    assert_eq!(a.by_this_desk, Some(false));
    let a = scan_barcode(&cx, req(london, &barcode(&ny_guest)))
        .await
        .unwrap();
    assert_eq!(a.kind, ScanKind::NotOnList);
    assert_eq!(a.headline, "Not on this event's list");
    assert!(a.other_event.unwrap().contains("New York"));
    let a = scan_barcode(&cx, req(london, "NO-SUCH-CODE"))
        .await
        .unwrap();
    assert_eq!(a.kind, ScanKind::Unknown);
    assert_eq!(a.headline, "Unknown barcode");
    assert!(scan_barcode(&cx, req(london, "  ")).await.is_err());

    drained(&cx, london).await;
    let now = at_qflow(&cx, london).await;
    let times: Vec<_> = out
        .iter()
        .map(|g| {
            let q = now.iter().find(|x| x.id == g.id).unwrap();
            assert_eq!(q.checked_in, Some(true), "{} at Qflow", g.first_name);
            q.check_in_time.unwrap()
        })
        .collect();
    assert!(
        times.windows(2).all(|w| w[0] <= w[1]),
        "in scan order: {times:?}"
    );
    assert_eq!(sb.requests("POST", "/api/guest/checkin"), 3, "each once");
    let ny = at_qflow(&cx, new_york).await;
    assert_ne!(
        ny.iter().find(|g| g.id == ny_guest.id).unwrap().checked_in,
        Some(true),
        "another event's attendee is not checked in"
    );
    let st = scan_status(&cx, ev(london)).await.unwrap();
    assert!(st.problems.is_empty(), "{:?}", st.problems);
    assert_eq!(st.waiting_label, "");
}

#[tokio::test]
async fn offline_scans_survive_a_restart_and_go_out_in_order() {
    let sb = sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let file = StoreLocation::File(dir.path().join("db.sqlite3"));
    let (cx, _p) = session(&sb, file.clone());
    let (london, _) = events(&cx).await;
    let out: Vec<Guest> = at_qflow(&cx, london)
        .await
        .into_iter()
        .filter(|g| g.checked_in != Some(true))
        .take(5)
        .collect();
    assert_eq!(out.len(), 5);
    scan_open(&cx, ev(london)).await.unwrap();
    sb.set_offline(true);
    for g in &out {
        let a = scan_barcode(&cx, req(london, &barcode(g))).await.unwrap();
        assert_eq!(a.kind, ScanKind::CheckedIn, "answered offline at once");
    }
    wait_for("the sender to notice", async || {
        scan_status(&cx, ev(london)).await.unwrap().offline
    })
    .await;
    let st = scan_status(&cx, ev(london)).await.unwrap();
    let all = cx
        .local_store()
        .await
        .unwrap()
        .checkin_rows(
            &cx.info.profile,
            london,
            &[
                CheckinState::Queued,
                CheckinState::Sending,
                CheckinState::Done,
                CheckinState::Cancelled,
                CheckinState::Conflict,
                CheckinState::Failed,
                CheckinState::OutcomeUnknown,
            ],
        )
        .unwrap();
    assert_eq!(st.waiting, 5, "{all:?}");
    assert_eq!(st.waiting_label, "5 waiting to sync");
    cx.close();
    drop(cx);

    // The app restarts (still offline), then the network comes back.
    let (cx, _p) = session(&sb, file);
    let q = scan_queue(&cx).await.unwrap();
    assert_eq!(q.waiting_label, "5 waiting to sync");
    sb.set_offline(false);
    wait_for("the queue to drain after the restart", async || {
        scan_queue(&cx).await.unwrap().waiting == 0
    })
    .await;
    let now = at_qflow(&cx, london).await;
    let times: Vec<_> = out
        .iter()
        .map(|g| {
            now.iter()
                .find(|x| x.id == g.id)
                .unwrap()
                .check_in_time
                .unwrap()
        })
        .collect();
    assert!(
        times.windows(2).all(|w| w[0] <= w[1]),
        "in scan order: {times:?}"
    );
    let st = scan_status(&cx, ev(london)).await.unwrap();
    assert!(st.problems.is_empty(), "{:?}", st.problems);
}

#[tokio::test]
async fn conflicts_are_listed_and_pushed_never_dropped() {
    let sb = sandbox().await;
    let (cx, mut pushed) = session(&sb, StoreLocation::Memory);
    let (london, _) = events(&cx).await;
    let out: Vec<Guest> = at_qflow(&cx, london)
        .await
        .into_iter()
        .filter(|g| g.checked_in != Some(true))
        .take(2)
        .collect();
    assert_eq!(out.len(), 2);
    scan_open(&cx, ev(london)).await.unwrap();
    // Elsewhere, after this desk read the list: one is checked in at another desk, one deleted.
    let other = crate::test_support::demo_client(&sb, None);
    other.guest_checkin(out[0].id).await.unwrap();
    other.guest_delete(out[1].id).await.unwrap();
    // Qflow stamps whole seconds: clearly before this desk's request.
    tokio::time::sleep(Duration::from_millis(2100)).await;
    // Scanned here offline (the local list does not know yet), sent when the network is back.
    sb.set_offline(true);
    for g in &out {
        let a = scan_barcode(&cx, req(london, &barcode(g))).await.unwrap();
        assert_eq!(a.kind, ScanKind::CheckedIn);
    }
    wait_for("offline", async || {
        scan_status(&cx, ev(london)).await.unwrap().offline
    })
    .await;
    sb.set_offline(false);
    wait_for("the queue to go out", async || {
        scan_status(&cx, ev(london)).await.unwrap().waiting == 0
    })
    .await;
    let st = scan_status(&cx, ev(london)).await.unwrap();
    assert_eq!(st.waiting, 0);
    assert_eq!(st.problems[0].state, "conflict");
    assert!(
        st.problems[0]
            .message
            .starts_with("Checked in elsewhere at"),
        "{}",
        st.problems[0].message
    );
    assert!(
        st.problems[1].message.contains("deleted"),
        "{}",
        st.problems[1].message
    );
    let mut loud = 0;
    while let Ok((name, v)) = pushed.try_recv() {
        if name == "scan-update" && !v["problem"].is_null() {
            loud += 1;
        }
    }
    assert_eq!(loud, 2, "each conflict pushed to the window");
    scan_dismiss(
        &cx,
        ScanRowRequest {
            id: st.problems[0].id,
        },
    )
    .await
    .unwrap();
    assert_eq!(
        scan_status(&cx, ev(london)).await.unwrap().problems.len(),
        1
    );
}

#[tokio::test]
async fn undo_cancels_a_queued_check_in_and_checks_out_a_sent_one() {
    let sb = sandbox().await;
    let (cx, _p) = session(&sb, StoreLocation::Memory);
    let (london, _) = events(&cx).await;
    let out: Vec<Guest> = at_qflow(&cx, london)
        .await
        .into_iter()
        .filter(|g| g.checked_in != Some(true))
        .take(3)
        .collect();
    assert_eq!(out.len(), 3);
    scan_open(&cx, ev(london)).await.unwrap();

    // Not sent yet (offline): cancelled, nothing reaches Qflow.
    sb.set_offline(true);
    let a = scan_barcode(&cx, req(london, &barcode(&out[0])))
        .await
        .unwrap();
    let undone = scan_undo(
        &cx,
        ScanRowRequest {
            id: a.undo_id.unwrap(),
        },
    )
    .await
    .unwrap();
    assert!(undone.message.starts_with("Undone"), "{}", undone.message);
    assert_eq!(scan_status(&cx, ev(london)).await.unwrap().waiting, 0);
    sb.set_offline(false);

    // Sent: a check-out follows.
    let a = scan_barcode(&cx, req(london, &barcode(&out[1])))
        .await
        .unwrap();
    drained(&cx, london).await;
    scan_undo(
        &cx,
        ScanRowRequest {
            id: a.undo_id.unwrap(),
        },
    )
    .await
    .unwrap();
    // Scanned again after the undo: a new check-in is offered locally at once.
    drained(&cx, london).await;
    let now = at_qflow(&cx, london).await;
    let state = |id: Uuid| now.iter().find(|g| g.id == id).unwrap().checked_in;
    assert_ne!(state(out[0].id), Some(true), "cancelled before sending");
    assert_ne!(state(out[1].id), Some(true), "checked out after sending");
    assert_eq!(sb.requests("POST", "/api/guest/checkin"), 1);
    assert_eq!(sb.requests("POST", "/api/guest/checkout"), 1);
    let a = scan_barcode(&cx, req(london, &barcode(&out[1])))
        .await
        .unwrap();
    assert_eq!(a.kind, ScanKind::CheckedIn);

    // Past the 10 seconds: refused with the way forward.
    let store = cx.local_store().await.unwrap();
    let old = store
        .checkin_enqueue(&NewCheckin {
            profile: cx.info.profile.clone(),
            event_id: london,
            attendee_id: out[2].id,
            barcode: barcode(&out[2]),
            attendee_name: "x".into(),
            action: CheckinAction::CheckIn,
            scanned_at: Utc::now() - Days::seconds(11),
        })
        .unwrap();
    let e = scan_undo(&cx, ScanRowRequest { id: old })
        .await
        .unwrap_err();
    assert_eq!(e.code(), "invalid_input");
    assert!(e.to_string().contains("10 seconds"), "{e}");
}

#[tokio::test]
async fn check_ins_at_other_desks_show_up_on_the_next_read_of_the_list() {
    let sb = sandbox().await;
    let (cx, _p) = session(&sb, StoreLocation::Memory);
    let (london, _) = events(&cx).await;
    let g = at_qflow(&cx, london)
        .await
        .into_iter()
        .find(|g| g.checked_in != Some(true))
        .unwrap();
    scan_open(&cx, ev(london)).await.unwrap();
    crate::test_support::demo_client(&sb, None)
        .guest_checkin(g.id)
        .await
        .unwrap();
    let lists_before = sb.requests("GET", "/api/guests/");
    // The 30 s are up.
    {
        let state = cx.state::<state::ScanState>();
        let mut inner = state.inner();
        let ix = inner.indexes.get_mut(&london).unwrap();
        ix.read_at = Some(Utc::now() - Days::seconds(31));
    }
    cx.state::<state::ScanState>().wake.notify_one();
    wait_for("the list to be read again", async || {
        sb.requests("GET", "/api/guests/") > lists_before
    })
    .await;
    wait_for("the index to know", async || {
        scan_barcode(&cx, req(london, &barcode(&g)))
            .await
            .unwrap()
            .kind
            == ScanKind::AlreadyCheckedIn
    })
    .await;
    let a = scan_barcode(&cx, req(london, &barcode(&g))).await.unwrap();
    assert!(a.detail.ends_with("at another desk"), "{}", a.detail);
    assert_eq!(
        sb.requests("POST", "/api/guest/checkin"),
        1,
        "the other desk's only: nothing sent from here"
    );
}
