// The runner against the embedded demo sandbox (real HTTP on 127.0.0.1), with short steps.

use super::*;
use crate::app::handlers::demo_sign_in;
use qflow_sandbox::SandboxConfig;

const VERIFY: &str = "/api/comms/domain/verify";

#[derive(Default)]
struct Recorder {
    updates: Mutex<Vec<RecheckUpdate>>,
    notified: Mutex<Vec<String>>,
}

impl RecheckSink for Recorder {
    fn update(&self, u: &RecheckUpdate) {
        self.updates.lock().unwrap().push(u.clone());
    }
    fn verified(&self, domain: &str) {
        self.notified.lock().unwrap().push(domain.to_owned());
    }
}

impl Recorder {
    /// Bounded wait for an update matching `f` (a failure, not a hang, when it never comes).
    async fn wait_for(&self, what: &str, f: impl Fn(&RecheckUpdate) -> bool) -> RecheckUpdate {
        for _ in 0..1000 {
            if let Some(u) = self.updates.lock().unwrap().iter().find(|u| f(u)) {
                return u.clone();
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("no update: {what}; got {:?}", self.updates.lock().unwrap());
    }
}

fn app() -> AppState {
    crate::app::test_support::demo_state(SandboxConfig {
        attendees: 5,
        rate_limits: false,
        ..SandboxConfig::default()
    })
}

/// First wait short, then long enough that nothing happens unless the test acts.
fn rc(dir: &Path) -> RecheckState {
    let steps = Backoff::new(vec![Duration::from_millis(30), Duration::from_secs(600)]).unwrap();
    RecheckState::new(steps, Some(dir.to_path_buf()))
}

async fn verify_calls(st: &AppState) -> usize {
    st.sandbox
        .lock()
        .await
        .as_ref()
        .unwrap()
        .requests("POST", VERIFY)
}

#[tokio::test]
async fn the_runner_stops_on_verified_notifies_once_and_makes_the_expected_calls() {
    let dir = tempfile::tempdir().unwrap();
    let st = app();
    demo_sign_in(&st).await.unwrap();
    let rc = rc(dir.path());
    let sink = Arc::new(Recorder::default());

    let first = rc.start(&st, sink.clone(), true).await.unwrap();
    assert!(rc.is_running());
    assert!(!first.background, "off by default");
    assert_eq!(
        (first.phase, first.next_in_ms),
        (RecheckPhase::Waiting, Some(30))
    );
    // Check 1 (nothing published) gives the reasons, then a long wait.
    let waiting = sink
        .wait_for("waiting after check 1", |u| {
            u.phase == RecheckPhase::Waiting && u.checks == 1
        })
        .await;
    assert_eq!(waiting.next_in_ms, Some(600_000));
    assert_eq!(waiting.reasons.as_ref().map(Vec::len), Some(3));
    assert!(waiting
        .message
        .as_deref()
        .unwrap()
        .starts_with("Not verified yet"));
    assert_eq!(verify_calls(&st).await, 1);

    // Joining (the screen opened again) starts nothing new.
    rc.start(&st, sink.clone(), true).await.unwrap();

    // The DNS admin publishes (demo button): the cadence starts over and the next check verifies.
    crate::app::domain::demo_publish_dns(&st).await.unwrap();
    rc.control(Control::Reset);
    let done = sink
        .wait_for("stopped", |u| u.phase == RecheckPhase::Stopped)
        .await;
    assert_eq!(done.stop_reason.as_deref(), Some("verified"));
    assert_eq!(done.checks, 2);
    let view = done.view.unwrap();
    assert_eq!(view.status, DomainGlance::Verified);
    let name = view.domain_unicode.unwrap();
    assert_eq!(done.verified_banner, Some(format!("{name} is verified")));
    assert_eq!(*sink.notified.lock().unwrap(), [name]);
    assert!(!rc.is_running());
    assert_eq!(verify_calls(&st).await, 2, "no check after verified");
    let seqs: Vec<u32> = sink.updates.lock().unwrap().iter().map(|u| u.seq).collect();
    assert!(seqs.windows(2).all(|w| w[0] < w[1]), "{seqs:?}");
    assert!(seqs[0] > first.seq, "events come after the answer to start");

    // A verified domain is not rechecked.
    let again = rc.start(&st, sink.clone(), true).await.unwrap();
    assert_eq!(again.phase, RecheckPhase::Off);
    assert!(!rc.is_running());
    st.shutdown().await;
}

#[tokio::test]
async fn leaving_the_screen_stops_unless_background_is_on_and_the_setting_is_stored() {
    let dir = tempfile::tempdir().unwrap();
    let st = app();
    demo_sign_in(&st).await.unwrap();
    let rc = rc(dir.path());
    let sink = Arc::new(Recorder::default());

    // Not from the screen and background off: nothing starts.
    let u = rc.start(&st, sink.clone(), false).await.unwrap();
    assert_eq!(u.phase, RecheckPhase::Off);
    assert!(!rc.is_running());

    rc.start(&st, sink.clone(), true).await.unwrap();
    rc.leave();
    assert!(!rc.is_running());

    let u = rc.set_background(true).unwrap();
    assert!(u.background);
    let stored = std::fs::read_to_string(dir.path().join(SETTINGS_FILE)).unwrap();
    assert!(
        stored.contains("\"backgroundDomainRecheck\": true"),
        "{stored}"
    );
    // Read back by a new state (the next app start), which then starts without the screen.
    let rc = self::rc(dir.path());
    assert!(rc.background());
    rc.start(&st, sink.clone(), false).await.unwrap();
    assert!(rc.is_running());
    rc.leave();
    assert!(rc.is_running(), "background on: keeps checking");

    // Off again while the screen is closed: stops.
    rc.set_background(false).unwrap();
    assert!(!rc.is_running());
    st.shutdown().await;
}

#[tokio::test]
async fn sign_out_and_a_deleted_domain_stop_the_runner() {
    let dir = tempfile::tempdir().unwrap();
    let st = app();
    demo_sign_in(&st).await.unwrap();
    let rc = rc(dir.path());
    let sink = Arc::new(Recorder::default());

    rc.start(&st, sink.clone(), true).await.unwrap();
    sink.wait_for("check 1", |u| {
        u.checks == 1 && u.phase == RecheckPhase::Waiting
    })
    .await;
    rc.end_session();
    assert!(!rc.is_running());
    assert_eq!(rc.snapshot().phase, RecheckPhase::Off);

    // Deleted elsewhere (another device) while waiting: the next check's 404 stops it.
    rc.start(&st, sink.clone(), true).await.unwrap();
    let calls = verify_calls(&st).await;
    st.current()
        .await
        .unwrap()
        .client
        .domain_delete()
        .await
        .unwrap();
    rc.control(Control::CheckNow);
    let done = sink
        .wait_for("gone", |u| u.stop_reason.as_deref() == Some("gone"))
        .await;
    assert!(done.message.unwrap().contains("no longer exists"));
    assert!(!rc.is_running());
    assert!(verify_calls(&st).await > calls);
    assert!(sink.notified.lock().unwrap().is_empty());
    st.shutdown().await;
}
