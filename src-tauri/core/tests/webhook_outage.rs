//! Issue 13: a receiver stopped for 10 minutes while Qflow keeps delivering loses nothing once
//! it is back. The sandbox retries on its realistic schedule (30 s, 1, 2, 5, 10 min…) with the
//! creation timestamp; everything runs at `delivery_scale` = 1/200 (10 minutes in 3 s), and the
//! receiver reads the sandbox's compressed clock, so it sees each event's true age.

mod contract_support;

use std::collections::{BTreeMap, BTreeSet};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use contract_support::*;
use qflow_core::api::Client;
use qflow_core::clock::Clock;
use qflow_core::models::SendRequest;
use qflow_core::store::{Arrival, Store};
use qflow_core::webhook::{
    serve_receiver, ReceiverEvent, ReceiverHandle, ReceiverOptions, SecretCell,
};
use qflow_sandbox::{Sandbox, SandboxClock};
use uuid::Uuid;

const SCALE: f64 = 0.005;
const SENDS_PER_BATCH: usize = 5;

/// The receiver's clock: the sandbox's, compressed at the same rate.
struct SandboxTime(SandboxClock);

impl Clock for SandboxTime {
    fn now(&self) -> DateTime<Utc> {
        self.0.now()
    }
}

async fn receiver(
    addr: SocketAddr,
    store: Arc<Store>,
    secret: &SecretCell,
    sb: &Sandbox,
) -> ReceiverHandle {
    let opts = ReceiverOptions {
        clock: Arc::new(SandboxTime(sb.clock())),
        ..ReceiverOptions::default()
    };
    serve_receiver(addr, Arc::new(secret.clone()), store, opts)
        .await
        .expect("receiver starts")
}

/// `n` sends, each to a new attendee (3 events each: sent, delivered, opened).
async fn sends(c: &Client, event: Uuid, template: Uuid, n: usize) {
    let guests: Vec<_> = (0..n)
        .map(|i| {
            new_guest(
                event,
                &format!("guest{i}-{}@example.com", Uuid::new_v4().simple()),
            )
        })
        .collect();
    for g in c.guests_bulk_create(event, &guests).await.unwrap() {
        c.send(&SendRequest {
            attendee_id: g.id,
            template_id: template,
            correlation_id: None,
        })
        .await
        .unwrap();
    }
}

/// Waits until the sandbox's clock reaches `t`.
async fn until(sb: &Sandbox, t: DateTime<Utc>) {
    while sb.clock().now() < t {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_receiver_down_for_ten_minutes_loses_nothing_once_it_is_back() {
    let sb = sandbox_with(|cfg| {
        cfg.delivery_scale = SCALE;
        cfg.compress_clock = true;
    })
    .await;
    let c = client(&sb);
    let event = make_event(&c).await;
    let template = c.template_upsert(&new_template(event)).await.unwrap().id;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("qflow-console.db");

    let secret = SecretCell::new(None);
    let first = receiver(
        "127.0.0.1:0".parse().unwrap(),
        Arc::new(Store::open(&db).unwrap()),
        &secret,
        &sb,
    )
    .await;
    let addr = first.local_addr();
    secret.set(Some(
        c.webhook_set(&format!("http://{addr}/qflow"))
            .await
            .unwrap()
            .secret,
    ));

    // Before the outage: delivered at once.
    sends(&c, event, template, 2).await;
    let store = Arc::new(Store::open(&db).unwrap());
    let real = Instant::now();
    while store.webhook_event_count().unwrap() < 6 {
        assert!(
            real.elapsed() < Duration::from_secs(20),
            "the first events never arrived"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let before_outage: BTreeSet<String> = store
        .recent_webhook_events(100)
        .unwrap()
        .into_iter()
        .map(|e| e.webhook_id)
        .collect();

    // The receiver stops (the port is closed): every delivery is a transport error, retried.
    first.shutdown().await;
    let down = sb.clock().now();
    let minutes = |m: i64| down + chrono::Duration::minutes(m);
    for at in [0, 2, 5, 8] {
        until(&sb, minutes(at)).await;
        sends(&c, event, template, SENDS_PER_BATCH).await;
    }
    until(&sb, minutes(10)).await;

    // Back on the same port, on the same database reopened (an app restart).
    let store = Arc::new(Store::open(&db).unwrap());
    let second = receiver(addr, Arc::clone(&store), &secret, &sb).await;
    let back = sb.clock().now();
    let mut feed = second.subscribe();
    let expected = 3 * (2 + 4 * SENDS_PER_BATCH);
    let real = Instant::now();
    while store.webhook_event_count().unwrap() < expected as i64 {
        if let Ok(e @ ReceiverEvent::Rejected { .. }) = feed.try_recv() {
            panic!("a retry was rejected (Qflow stops retrying on a 4xx): {e:?}");
        }
        assert!(
            real.elapsed() < Duration::from_secs(30),
            "only {} of {expected} events stored",
            store.webhook_event_count().unwrap()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // Let any stray retry arrive before counting.
    tokio::time::sleep(Duration::from_millis(300)).await;
    second.shutdown().await;

    // Every event the sandbox generated is stored exactly once.
    let deliveries = sb.deliveries();
    let mut attempts: BTreeMap<String, Vec<_>> = BTreeMap::new();
    for d in &deliveries {
        attempts
            .entry(d.webhook_id.to_string())
            .or_default()
            .push(d);
    }
    assert_eq!(attempts.len(), expected, "events generated");
    let stored = store.recent_webhook_events(1000).unwrap();
    assert_eq!(stored.len(), expected, "rows");
    let stored: BTreeMap<String, _> = stored
        .into_iter()
        .map(|e| (e.webhook_id.clone(), e))
        .collect();
    assert_eq!(
        stored.keys().collect::<Vec<_>>(),
        attempts.keys().collect::<Vec<_>>(),
        "each generated id stored, once"
    );

    // None rejected: every attempt was a transport error or a 200, and the feed saw no 401.
    assert!(
        deliveries
            .iter()
            .all(|d| matches!(d.status, None | Some(200))),
        "{:?}",
        deliveries
            .iter()
            .filter(|d| !matches!(d.status, None | Some(200)))
            .collect::<Vec<_>>()
    );
    while let Ok(e) = feed.try_recv() {
        assert!(!matches!(e, ReceiverEvent::Rejected { .. }), "{e:?}");
    }
    let failed = deliveries.iter().filter(|d| d.status.is_none()).count();
    assert!(
        failed >= 4 * SENDS_PER_BATCH,
        "retried through the outage: {failed}"
    );

    let mut late = 0;
    for (id, rec) in &stored {
        let tries = &attempts[id];
        // Retries keep the creation time, and that is what was stored.
        assert!(
            tries.iter().all(|d| Some(d.timestamp) == rec.timestamp),
            "{tries:?}"
        );
        let created = DateTime::from_timestamp(rec.timestamp.unwrap(), 0).unwrap();
        if before_outage.contains(id) {
            assert_eq!(rec.arrival, Arrival::OnTime, "{rec:?}");
            continue;
        }
        assert!(rec.received_at >= back, "{rec:?}");
        // The age measured on the compressed clock: at least the time it waited for the receiver.
        let waited = (back - created).num_seconds();
        let lag = rec.lag_secs.unwrap();
        assert!(lag >= waited - 1, "lag {lag} < {waited}");
        assert_eq!(rec.arrival, Arrival::of(lag, 300), "{rec:?}");
        if created <= minutes(2) + chrono::Duration::seconds(30) {
            // Created 7+ minutes before the receiver came back.
            assert_eq!(rec.arrival, Arrival::Late, "{rec:?}");
            assert!(
                rec.arrival_note.as_deref().unwrap().starts_with("arrived "),
                "{rec:?}"
            );
        }
        late += usize::from(rec.arrival == Arrival::Late);
    }
    assert!(late >= 2 * 3 * SENDS_PER_BATCH, "late: {late}");
    println!(
        "outage: {expected} events, {} attempts ({failed} transport errors), {late} kept late, 0 rejected",
        deliveries.len()
    );
}
