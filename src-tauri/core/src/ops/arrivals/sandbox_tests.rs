//! Arrivals against the sandbox's seeded data through a session: check-ins made through the desk,
//! email states from sends and webhook events in the local store, the targeted selections and
//! the reload throttle.

use std::collections::HashSet;

use chrono::Utc;
use uuid::Uuid;

use super::*;
use crate::ops::desk::{guest_check_in, CheckInRequest};
use crate::store::{NewSend, NewWebhookEvent, SendOutcome, Store};

/// The seeded event with the most attendees whose start is in the past (it has check-ins).
async fn past_event(cx: &Ctx) -> (Uuid, Vec<crate::models::Guest>) {
    let at = |y| {
        chrono::NaiveDate::from_ymd_opt(y, 1, 1)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap()
    };
    let now = Utc::now().naive_utc();
    let mut best: Option<(Uuid, Vec<crate::models::Guest>)> = None;
    for e in cx.client.events_list(at(2000), at(2100)).await.unwrap() {
        if e.start_time >= now {
            continue;
        }
        let id = e.id.unwrap();
        let guests = cx.client.guests_list(id).await.unwrap();
        if best.as_ref().is_none_or(|(_, g)| guests.len() > g.len()) {
            best = Some((id, guests));
        }
    }
    best.expect("the seed has a past event")
}

/// A send to `who` that Qflow took, then the webhook events `states` about it.
fn sent(store: &Store, who: Uuid, states: &[&str]) {
    let id = store
        .begin_send(&NewSend {
            profile: "demo".into(),
            attendee_id: who,
            template_id: Uuid::new_v4(),
            correlation_id: None,
        })
        .unwrap();
    let inv = Uuid::new_v4();
    store
        .finish_send(
            id,
            &SendOutcome::Queued {
                attendee_invitation_id: inv,
            },
        )
        .unwrap();
    let t = Utc::now().timestamp();
    for (n, s) in states.iter().enumerate() {
        let body = serde_json::json!({ "attendeeInvitationId": inv, "status": s });
        store
            .record_webhook_event(&NewWebhookEvent::new(
                &Uuid::new_v4().to_string(),
                &format!("comms.{s}"),
                Some(t + n as i64),
                body.to_string().as_bytes(),
            ))
            .unwrap();
    }
}

#[tokio::test]
async fn numbers_selections_and_the_reload_throttle_over_the_sandbox() {
    let (sb, cx) = crate::test_support::seeded_ctx(400).await;
    let (event_id, guests) = past_event(&cx).await;
    let out: Vec<&crate::models::Guest> = guests
        .iter()
        .filter(|g| g.checked_in != Some(true))
        .collect();
    assert!(out.len() >= 4, "the seed leaves some attendees out");
    let req = |refresh| ArrivalsRequest {
        event_id: event_id.to_string(),
        refresh,
    };
    let before = arrivals(&cx, req(false)).await.unwrap();
    let inside = guests.iter().filter(|g| g.checked_in == Some(true)).count() as u32;
    assert_eq!(before.expected as usize, guests.len());
    assert_eq!(before.checked_in, inside);
    assert_eq!(before.no_shows as usize, guests.len() - inside as usize);
    let charted: u32 = before.buckets.iter().map(|b| b.count).sum::<u32>() + before.earlier;
    assert_eq!(charted + before.untimed, inside);
    assert_eq!(
        before.peak.as_ref().map(|p| p.count),
        before.buckets.iter().map(|b| b.count).max()
    );
    assert_eq!(before.health.never_sent as usize, guests.len());

    // Two check-ins at the desk: the cached list is updated, no reload needed.
    for g in &out[..2] {
        guest_check_in(
            &cx,
            CheckInRequest {
                guest_id: g.id.to_string(),
                checked_in: true,
            },
        )
        .await
        .unwrap();
    }
    let lists = sb.requests("GET", "/api/guests/");
    let r = arrivals(&cx, req(false)).await.unwrap();
    assert_eq!(r.checked_in, inside + 2);
    assert_eq!(r.no_shows, before.no_shows - 2);
    assert_eq!(sb.requests("GET", "/api/guests/"), lists, "from the cache");
    let charted_now: u32 = r.buckets.iter().map(|b| b.count).sum::<u32>() + r.earlier;
    assert_eq!(charted_now, charted + 2, "the two arrivals are charted");

    // Email states on the local timeline.
    let store = cx.local_store().await.unwrap();
    let inside_now: Vec<Uuid> = guests
        .iter()
        .filter(|g| g.checked_in == Some(true))
        .map(|g| g.id)
        .collect();
    let (a, b, c, d) = (out[2].id, out[3].id, inside_now[0], inside_now[1]);
    sent(&store, a, &["sent", "bounced"]);
    sent(&store, b, &["sent", "delivered"]);
    sent(&store, c, &["sent", "delivered", "opened"]);
    sent(&store, d, &[]);
    let r = arrivals(&cx, req(false)).await.unwrap();
    let h = &r.health;
    assert_eq!(
        (h.sent, h.delivered, h.opened, h.bounced),
        (4, 2, 1, 1),
        "{h:?}"
    );
    assert_eq!(h.never_sent as usize, guests.len() - 4);
    let select = |target| {
        let cx = &cx;
        async move {
            arrivals_select(
                cx,
                ArrivalsSelectRequest {
                    event_id: event_id.to_string(),
                    target,
                },
            )
            .await
        }
    };
    let ids = |v: Vec<String>| -> HashSet<Uuid> { v.iter().map(|s| s.parse().unwrap()).collect() };
    assert_eq!(
        ids(select(ResendTarget::Bounced).await.unwrap()),
        HashSet::from([a])
    );
    let not_opened = ids(select(ResendTarget::NotOpened).await.unwrap());
    assert_eq!(not_opened, HashSet::from([b, d]));
    let never = select(ResendTarget::NeverSent).await.unwrap();
    assert_eq!(never.len(), guests.len() - 4);
    let not_in = select(ResendTarget::NotCheckedIn).await.unwrap();
    assert_eq!(not_in.len() as u32, r.no_shows);
    for t in &r.targets {
        let n = select(t.target).await.map(|v| v.len()).unwrap_or(0);
        assert_eq!(n as u32, t.count, "{:?}", t.target);
    }
    // The selection is what resend-to-selected reviews.
    let template = cx.templates(event_id).await.unwrap().into_iter().next();
    if let Some(t) = template {
        let p = crate::ops::bulk::bulk_preview(
            &cx,
            crate::ops::bulk::BulkSelection {
                event_id: event_id.to_string(),
                guest_ids: select(ResendTarget::NotOpened).await.unwrap(),
                template_id: t.id.to_string(),
                include_recent: false,
            },
        )
        .await
        .unwrap();
        assert_eq!(p.selected, 2);
    }

    // A refresh reloads once; asking again within 30 s answers from the cache.
    let lists = sb.requests("GET", "/api/guests/");
    assert!(arrivals(&cx, req(true)).await.unwrap().reloaded);
    assert_eq!(sb.requests("GET", "/api/guests/"), lists + 1);
    let again = arrivals(&cx, req(true)).await.unwrap();
    assert!(!again.reloaded);
    assert_eq!(sb.requests("GET", "/api/guests/"), lists + 1);
    assert_eq!(
        again.checked_in,
        inside + 2,
        "Qflow has the desk's check-ins"
    );
    assert_eq!(again.reload_note, None);

    // A reload that fails keeps the loaded list and says so.
    cx.state::<ArrivalsReloads>().at.lock().unwrap().clear();
    sb.inject(qflow_sandbox::Fault {
        method: "GET".into(),
        path_prefix: "/api/guests/".into(),
        kind: qflow_sandbox::FaultKind::Status {
            status: 400,
            body: r#"{"error":"bad_request","message":"injected"}"#.into(),
            retry_after: None,
        },
    });
    let kept = arrivals(&cx, req(true)).await.unwrap();
    assert!(!kept.reloaded);
    assert_eq!(kept.checked_in, inside + 2);
    assert!(
        kept.reload_note
            .as_deref()
            .is_some_and(|n| n.starts_with("could not reload the attendee list")),
        "{:?}",
        kept.reload_note
    );

    // The CSV, 0600.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("arrivals.csv");
    let w = arrivals_csv_write(&cx, req(false), &path).await.unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(text.lines().count() as u32, w.rows + 1);
    assert!(
        text.contains(&format!("summary,checked_in,{}", inside + 2)),
        "{text}"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }

    // Bad input.
    let e = arrivals(
        &cx,
        ArrivalsRequest {
            event_id: "nope".into(),
            refresh: false,
        },
    )
    .await
    .unwrap_err();
    assert_eq!(e.code(), "invalid_input");
}
