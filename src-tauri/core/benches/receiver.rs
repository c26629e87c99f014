//! Webhook receiver on loopback (issue 6 "Benchmark"; figures, not a timed test).
//!
//! 1. Sustained: `EVENTS` signed events from `CLIENTS` concurrent clients into a file-backed
//!    store; events/s counts only events acknowledged 200, and every acknowledged id must be
//!    a row afterwards (the receiver stores before answering).
//! 2. Forced restart: the receiver runs on its own runtime, which is killed mid-stream
//!    (`shutdown_background`: every connection and task dropped at its next await, like a
//!    crash). A new receiver is started on a freshly reopened store at the same path; clients
//!    re-deliver whatever was not acknowledged with the SAME webhook id (as Qflow retries do).
//!    Rows vs ids must show 0 lost and 0 duplicated.
//!
//! Bounded: fixed event counts, a wall-clock cap, loopback only.

use std::collections::HashSet;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use qflow_core::secrets::Secret;
use qflow_core::store::Store;
use qflow_core::webhook::{serve_receiver, sign, ReceiverOptions};

const CLIENTS: usize = 8;
const EVENTS: usize = 6_000;
const RESTART_EVENTS: usize = 4_000;
/// Kill the receiver after this many acknowledgements in the restart run.
const KILL_AFTER: usize = 1_500;
const WALL_CAP: Duration = Duration::from_secs(120);
const TARGET_PER_SEC: f64 = 1_000.0;
const SECRET: &str = "whsec-bench";

fn body(i: usize) -> String {
    format!(
        r#"{{"attendeeId":"f9804be1-4d31-4dc2-917c-{i:012x}","templateId":"00890adf-1a80-4b1f-87ce-620feb9bec12","attendeeInvitationId":"8d630377-970a-4687-aa66-{i:012x}","status":"delivered","error":null,"correlationId":"bench-{i}"}}"#
    )
}

fn webhook_id(run: &str, i: usize) -> String {
    format!("{run}-{i:06}")
}

/// A receiver on its own runtime, so that dropping the runtime kills it like a crash.
struct Receiver {
    rt: tokio::runtime::Runtime,
    addr: SocketAddr,
}

fn start_receiver(store: Arc<Store>) -> Receiver {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let handle = rt
        .block_on(serve_receiver(
            "127.0.0.1:0".parse().unwrap(),
            Arc::new(Secret::new(SECRET)),
            store,
            ReceiverOptions::default(),
        ))
        .expect("receiver starts");
    let addr = handle.local_addr();
    // Kept alive by the runtime; the handle's Drop would shut it down gracefully.
    std::mem::forget(handle);
    Receiver { rt, addr }
}

struct Stats {
    acked: AtomicUsize,
    retries: AtomicUsize,
}

/// Clients share `next`; each event is re-sent (same id, same body, fresh timestamp and
/// signature) until it is acknowledged 200. Returns the acknowledged ids.
async fn run_clients(
    run: &'static str,
    events: usize,
    url: Arc<RwLock<String>>,
    stats: Arc<Stats>,
    deadline: Instant,
) -> Vec<String> {
    let next = Arc::new(AtomicUsize::new(0));
    let secret = Secret::new(SECRET);
    let mut tasks = Vec::new();
    for _ in 0..CLIENTS {
        let (next, url, stats, secret) = (next.clone(), url.clone(), stats.clone(), secret.clone());
        tasks.push(tokio::spawn(async move {
            let http = reqwest::Client::builder()
                .timeout(Duration::from_secs(5))
                .build()
                .unwrap();
            let mut acked = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= events {
                    return acked;
                }
                let (id, body) = (webhook_id(run, i), body(i));
                loop {
                    assert!(Instant::now() < deadline, "benchmark exceeded its time cap");
                    let target = url.read().unwrap().clone();
                    let sent = http
                        .post(&target)
                        .header("Content-Type", "application/json")
                        .header("X-Qflow-Webhook-Id", &id)
                        .header("X-Qflow-Event", "comms.delivered")
                        .header(
                            "X-Qflow-Timestamp",
                            chrono::Utc::now().timestamp().to_string(),
                        )
                        .header("X-Qflow-Signature", sign(&secret, body.as_bytes()))
                        .body(body.clone())
                        .send()
                        .await;
                    match sent {
                        Ok(r) if r.status().as_u16() == 200 => break,
                        Ok(r) if r.status().as_u16() == 401 => panic!("signature rejected: {id}"),
                        _ => {
                            stats.retries.fetch_add(1, Ordering::Relaxed);
                            tokio::time::sleep(Duration::from_millis(10)).await;
                        }
                    }
                }
                stats.acked.fetch_add(1, Ordering::Relaxed);
                acked.push(id);
            }
        }));
    }
    let mut all = Vec::with_capacity(events);
    for t in tasks {
        all.extend(t.await.expect("client task"));
    }
    all
}

/// (rows, distinct webhook ids, the ids) of one run, read back by reopening the store file
/// (what a restarted app would see).
fn count_rows(path: &Path, run: &str) -> (usize, usize, HashSet<String>) {
    let store = Store::open(path).expect("reopen store");
    let rows: Vec<String> = store
        .recent_webhook_events(1 << 30)
        .expect("read events")
        .into_iter()
        .map(|e| e.webhook_id)
        .filter(|id| id.starts_with(run))
        .collect();
    let ids: HashSet<String> = rows.iter().cloned().collect();
    (rows.len(), ids.len(), ids)
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bench.db");
    let client_rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let deadline = Instant::now() + WALL_CAP;

    // 1. Sustained throughput.
    let store = Arc::new(Store::open(&path).unwrap());
    let rx = start_receiver(store.clone());
    let url = Arc::new(RwLock::new(format!("http://{}/qflow", rx.addr)));
    let stats = Arc::new(Stats {
        acked: AtomicUsize::new(0),
        retries: AtomicUsize::new(0),
    });
    let started = Instant::now();
    let acked = client_rt.block_on(run_clients("s", EVENTS, url, stats.clone(), deadline));
    let secs = started.elapsed().as_secs_f64();
    let rate = acked.len() as f64 / secs;
    drop(rx);
    drop(store);
    let (rows, distinct, ids) = count_rows(&path, "s-");
    let lost = acked.iter().filter(|id| !ids.contains(*id)).count();
    println!(
        "receiver/sustained: {} events from {CLIENTS} clients in {secs:.2} s = {rate:.0} events/s \
         (target >= {TARGET_PER_SEC:.0}); rows {rows}, distinct ids {distinct}, lost {lost}, \
         duplicated {}",
        acked.len(),
        rows - distinct
    );
    assert_eq!(acked.len(), EVENTS);
    assert_eq!((rows, distinct, lost), (EVENTS, EVENTS, 0));

    // 2. Forced restart mid-stream.
    let store = Arc::new(Store::open(&path).unwrap());
    let rx = start_receiver(store);
    let url = Arc::new(RwLock::new(format!("http://{}/qflow", rx.addr)));
    let stats = Arc::new(Stats {
        acked: AtomicUsize::new(0),
        retries: AtomicUsize::new(0),
    });
    let clients = client_rt.spawn(run_clients(
        "r",
        RESTART_EVENTS,
        url.clone(),
        stats.clone(),
        deadline,
    ));
    while stats.acked.load(Ordering::Relaxed) < KILL_AFTER {
        std::thread::sleep(Duration::from_millis(1));
    }
    let killed_at = stats.acked.load(Ordering::Relaxed);
    // The crash: every receiver task dropped mid-request; in-flight writes either commit or not.
    rx.rt.shutdown_background();
    std::thread::sleep(Duration::from_millis(200));
    // Stored but never acknowledged: their re-deliveries must hit the dedupe.
    let stored_at_kill = count_rows(&path, "r-").0;
    let unacked_stored = stored_at_kill.saturating_sub(stats.acked.load(Ordering::Relaxed));
    let store = Arc::new(Store::open(&path).unwrap());
    let rx = start_receiver(store);
    *url.write().unwrap() = format!("http://{}/qflow", rx.addr);
    let acked = client_rt.block_on(clients).expect("clients");
    drop(rx);
    let (rows, distinct, ids) = count_rows(&path, "r-");
    let lost = acked.iter().filter(|id| !ids.contains(*id)).count();
    println!(
        "receiver/restart: killed after {killed_at} acks ({stored_at_kill} rows, {unacked_stored} \
         stored but unacknowledged); {} re-deliveries; {} acknowledged, rows {rows}, distinct ids \
         {distinct}: lost {lost}, duplicated {}",
        stats.retries.load(Ordering::Relaxed),
        acked.len(),
        rows - distinct
    );
    assert_eq!(acked.len(), RESTART_EVENTS);
    assert_eq!((rows, distinct, lost), (RESTART_EVENTS, RESTART_EVENTS, 0));
    if rate < TARGET_PER_SEC {
        println!("receiver/sustained: BELOW TARGET");
    }
}
