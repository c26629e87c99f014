//! The policy and the schedule: paused time, then real HTTP against the sandbox.

use std::sync::{Arc, Mutex};

use serde_json::Map;
use tokio::time::Instant;

use std::future::Future;
use std::time::Duration;

use tokio::sync::mpsc;

use crate::api::{Budget, Client};
use crate::budget::Priority;
use crate::errors::ApiError;
use crate::models::DomainStatus;
use crate::ops::recheck::*;
use crate::{Error, Result};

const S: fn(u64) -> Duration = Duration::from_secs;

fn status(verified: bool) -> DomainStatus {
    DomainStatus {
        verified,
        enabled: verified,
        reasons: Vec::new(),
        extra: Default::default(),
    }
}

fn api(status: u16, code: &str, retry_after: Option<u64>) -> Error {
    Error::Api(ApiError {
        status,
        code: code.into(),
        message: String::new(),
        next_step: String::new(),
        endpoint: "POST /api/comms/domain/verify".into(),
        details: Map::new(),
        retry_after,
    })
}

#[test]
fn the_standard_cadence_grows_then_caps_at_fifteen_minutes() {
    let b = Backoff::standard();
    let waits: Vec<u64> = (0..8).map(|n| b.delay(n).as_secs()).collect();
    assert_eq!(waits, [30, 60, 120, 300, 900, 900, 900, 900]);
    assert_eq!(b.cap(), S(900));
    assert_eq!(b.delay(u32::MAX), S(900));
}

#[test]
fn custom_steps_that_would_spin_are_rejected() {
    assert!(Backoff::new(vec![]).is_err());
    assert!(Backoff::new(vec![S(1), Duration::ZERO]).is_err());
    assert_eq!(Backoff::new(vec![S(2)]).unwrap().delay(5), S(2));
}

#[test]
fn the_policy_stops_on_verified_gone_and_what_only_the_user_can_fix() {
    let b = Backoff::standard();
    assert_eq!(
        decide(&b, 3, &Ok(status(true))),
        Decision::Stop(StopReason::Verified)
    );
    assert_eq!(decide(&b, 0, &Ok(status(false))), Decision::Wait(S(30)));
    assert_eq!(decide(&b, 2, &Ok(status(false))), Decision::Wait(S(120)));
    assert_eq!(
        decide(&b, 1, &Err(api(404, "not_found", None))),
        Decision::Stop(StopReason::Gone)
    );
    assert_eq!(
        decide(&b, 1, &Err(api(401, "client_key_invalid", None))),
        Decision::Stop(StopReason::NeedsAttention("client_key_invalid".into()))
    );
    assert_eq!(
        decide(&b, 1, &Err(api(403, "comms_api_not_enabled", None))),
        Decision::Stop(StopReason::NeedsAttention("comms_api_not_enabled".into()))
    );
    assert_eq!(
        decide(&b, 1, &Err(Error::NotSignedIn("gone".into()))),
        Decision::Stop(StopReason::NeedsAttention("not_signed_in".into()))
    );
}

#[test]
fn transient_failures_keep_the_schedule_and_a_429_waits_at_least_its_retry_after() {
    let b = Backoff::standard();
    let net = Error::Network {
        endpoint: "x".into(),
        message: "refused".into(),
    };
    assert_eq!(decide(&b, 1, &Err(net)), Decision::Wait(S(60)));
    assert_eq!(
        decide(&b, 1, &Err(api(503, "server_error", None))),
        Decision::Wait(S(60))
    );
    assert_eq!(
        decide(&b, 0, &Err(api(429, "rate_limit", Some(120)))),
        Decision::Wait(S(120))
    );
    assert_eq!(
        decide(&b, 4, &Err(api(429, "rate_limit", Some(5)))),
        Decision::Wait(S(900))
    );
}

/// A fake verify: answers `verified` from the `verified_on`-th call, records when each came.
fn fake(verified_on: u32) -> (Arc<Mutex<Vec<Instant>>>, impl FnMut() -> FakeFut) {
    let calls = Arc::new(Mutex::new(Vec::new()));
    let c = calls.clone();
    let f = move || {
        let mut v = c.lock().unwrap();
        v.push(Instant::now());
        let n = v.len() as u32;
        FakeFut(Some(Ok(status(n >= verified_on))))
    };
    (calls, f)
}

struct FakeFut(Option<Result<DomainStatus>>);
impl Future for FakeFut {
    type Output = Result<DomainStatus>;
    fn poll(
        mut self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Self::Output> {
        std::task::Poll::Ready(self.0.take().expect("polled once"))
    }
}

fn offsets(t0: Instant, calls: &Mutex<Vec<Instant>>) -> Vec<u64> {
    calls
        .lock()
        .unwrap()
        .iter()
        .map(|t| (*t - t0).as_secs())
        .collect()
}

#[tokio::test(start_paused = true)]
async fn the_runner_backs_off_and_stops_when_verified() {
    let (calls, check) = fake(6);
    let (_tx, rx) = mpsc::unbounded_channel();
    let t0 = Instant::now();
    let mut seen = Vec::new();
    let reason = run(Backoff::standard(), check, rx, |p| {
        seen.push(match p {
            Progress::Waiting { checks, next_in } => format!("wait{checks}:{}", next_in.as_secs()),
            Progress::Checking { checks } => format!("checking{checks}"),
            Progress::Checked { checks, .. } => format!("checked{checks}"),
            Progress::Stopped { checks, reason } => format!("stopped{checks}:{reason:?}"),
        })
    })
    .await;
    assert_eq!(reason, StopReason::Verified);
    // 30, +60, +120, +300, +900, +900
    assert_eq!(offsets(t0, &calls), [30, 90, 210, 510, 1410, 2310]);
    assert_eq!(seen.first().unwrap(), "wait0:30");
    assert_eq!(seen[1..4], ["checking0", "checked1", "wait1:60"]);
    assert_eq!(seen.last().unwrap(), "stopped6:Verified");
}

#[tokio::test(start_paused = true)]
async fn check_now_checks_at_once_and_starts_the_cadence_over() {
    let (calls, check) = fake(u32::MAX);
    let (tx, rx) = mpsc::unbounded_channel();
    let t0 = Instant::now();
    let runner = tokio::spawn(run(Backoff::standard(), check, rx, |_| {}));
    // Checks at 30 and 90; now waiting 120 s. The user clicks at 100.
    tokio::time::sleep(S(100)).await;
    tx.send(Control::CheckNow).unwrap();
    // Then 30 s after the click, then 60 s after that.
    tokio::time::sleep(S(100)).await;
    tx.send(Control::Stop).unwrap();
    assert_eq!(runner.await.unwrap(), StopReason::Cancelled);
    assert_eq!(offsets(t0, &calls), [30, 90, 100, 130, 190]);
}

#[tokio::test(start_paused = true)]
async fn reset_restarts_the_wait_without_checking_and_closing_the_channel_stops() {
    let (calls, check) = fake(u32::MAX);
    let (tx, rx) = mpsc::unbounded_channel();
    let t0 = Instant::now();
    let runner = tokio::spawn(run(Backoff::standard(), check, rx, |_| {}));
    tokio::time::sleep(S(200)).await; // checks at 30, 90; next due at 210
    tx.send(Control::Reset).unwrap();
    tokio::time::sleep(S(40)).await; // reset at 200: due at 230 instead
    drop(tx);
    assert_eq!(runner.await.unwrap(), StopReason::Cancelled);
    assert_eq!(offsets(t0, &calls), [30, 90, 230]);
}

#[tokio::test(start_paused = true)]
async fn a_stop_during_a_slow_check_ends_the_runner_at_once() {
    let (tx, rx) = mpsc::unbounded_channel();
    let check = || async {
        tokio::time::sleep(S(3600)).await;
        Ok(status(true))
    };
    let runner = tokio::spawn(run(Backoff::standard(), check, rx, |_| {}));
    tokio::time::sleep(S(31)).await; // the check started at 30
    let t = Instant::now();
    tx.send(Control::Stop).unwrap();
    assert_eq!(runner.await.unwrap(), StopReason::Cancelled);
    assert_eq!(t.elapsed(), Duration::ZERO);
}

#[tokio::test(start_paused = true)]
async fn a_deleted_domain_stops_the_runner() {
    let (_tx, rx) = mpsc::unbounded_channel();
    let mut n = 0;
    let check = move || {
        n += 1;
        let r = if n < 2 {
            Ok(status(false))
        } else {
            Err(api(404, "not_found", None))
        };
        async move { r }
    };
    assert_eq!(
        run(Backoff::standard(), check, rx, |_| {}).await,
        StopReason::Gone
    );
}

// Real HTTP against the sandbox on 127.0.0.1 (real time: paused time would fire the HTTP
// time-outs while the sockets wait), with short steps.

async fn sandbox() -> qflow_sandbox::Sandbox {
    qflow_sandbox::Sandbox::start(qflow_sandbox::SandboxConfig {
        attendees: 5,
        rate_limits: false,
        ..Default::default()
    })
    .await
    .unwrap()
}

fn client(sb: &qflow_sandbox::Sandbox, budget: Arc<Budget>) -> Client {
    crate::test_support::demo_client(sb, Some(budget))
}

const VERIFY: &str = "/api/comms/domain/verify";

#[tokio::test]
async fn against_the_sandbox_the_runner_notices_published_records() {
    let sb = Arc::new(sandbox().await);
    let c = client(&sb, Budget::new(1000));
    let (_tx, rx) = mpsc::unbounded_channel();
    let steps = Backoff::new(vec![Duration::from_millis(20), Duration::from_millis(40)]).unwrap();
    let publisher = sb.clone();
    let mut verified_answer = None;
    let reason = run(
        steps,
        || verify_in_background(&c),
        rx,
        |p| {
            if let Progress::Checked { checks, result, .. } = p {
                let st = result.as_ref().expect("verify answers");
                if checks == 2 {
                    // The DNS admin publishes while the app waits.
                    publisher.publish_dns(true);
                }
                if st.verified {
                    verified_answer = Some(checks);
                }
            }
        },
    )
    .await;
    assert_eq!(reason, StopReason::Verified);
    assert_eq!(verified_answer, Some(3));
    assert_eq!(sb.requests("POST", VERIFY), 3, "no check after verified");
}

#[tokio::test]
async fn a_429_is_waited_out_in_the_shared_budget() {
    let sb = sandbox().await;
    sb.publish_dns(true);
    sb.inject(qflow_sandbox::Fault {
        method: "POST".into(),
        path_prefix: VERIFY.into(),
        kind: qflow_sandbox::FaultKind::Status {
            status: 429,
            body: r#"{"error":"rate_limit","message":"Too many requests"}"#.into(),
            retry_after: Some(1),
        },
    });
    let budget = Budget::new(1000);
    let c = client(&sb, budget.clone());
    assert_eq!(c.background().priority(), Priority::Background);
    let (_tx, rx) = mpsc::unbounded_channel();
    let t0 = std::time::Instant::now();
    let steps = Backoff::new(vec![Duration::from_millis(10)]).unwrap();
    let reason = run(steps, || verify_in_background(&c), rx, |_| {}).await;
    assert_eq!(reason, StopReason::Verified);
    // The 429's Retry-After paused the budget; the retry came after it.
    assert!(t0.elapsed() >= S(1), "{:?}", t0.elapsed());
    assert_eq!(sb.requests("POST", VERIFY), 2);
}
