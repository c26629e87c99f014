//! The session's runner against the sandbox (real HTTP on 127.0.0.1), with short steps.

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;

use crate::ops::ctx::{Ctx, Notifier, PushEvent};
use crate::ops::domain::tests::{sandbox, session};
use crate::ops::domain::{self, DomainGlance};
use crate::ops::recheck::*;

const VERIFY: &str = "/api/comms/domain/verify";

/// The window's side, recorded: pushed updates and desktop notifications.
#[derive(Default)]
struct Recorder {
    updates: Mutex<Vec<Value>>,
    notified: Mutex<Vec<(String, String)>>,
}

impl Notifier for Recorder {
    fn push(&self, name: &'static str, payload: Value) {
        if name == RecheckUpdate::NAME {
            self.updates.lock().unwrap().push(payload);
        }
    }
    fn desktop(&self, title: &str, body: &str) {
        self.notified
            .lock()
            .unwrap()
            .push((title.to_owned(), body.to_owned()));
    }
}

impl Recorder {
    /// Bounded wait for an update matching `f` (a failure, not a hang, when it never comes).
    async fn wait_for(&self, what: &str, f: impl Fn(&Value) -> bool) -> Value {
        for _ in 0..1000 {
            if let Some(u) = self.updates.lock().unwrap().iter().find(|u| f(u)) {
                return u.clone();
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("no update: {what}; got {:?}", self.updates.lock().unwrap());
    }
}

/// A demo session whose recheck waits 30 ms first, then long enough that nothing happens
/// unless the test acts; its settings live in `dir`.
fn setup(sb: &qflow_sandbox::Sandbox, dir: &Path) -> (Arc<Ctx>, Arc<Recorder>, Arc<Recheck>) {
    let rec = Arc::new(Recorder::default());
    let cx = session(sb, rec.clone());
    let rc = cx.state::<Recheck>();
    let steps = Backoff::new(vec![Duration::from_millis(30), Duration::from_secs(600)]).unwrap();
    rc.configure(steps, Some(dir.to_path_buf()));
    (cx, rec, rc)
}

async fn start(cx: &Arc<Ctx>, screen: bool) -> RecheckUpdate {
    domain_recheck_start(cx, RecheckStartRequest { screen })
        .await
        .unwrap()
}

fn phase(u: &Value) -> &str {
    u["phase"].as_str().unwrap()
}

#[tokio::test]
async fn the_runner_stops_on_verified_notifies_once_and_makes_the_expected_calls() {
    let dir = tempfile::tempdir().unwrap();
    let sb = sandbox(5).await;
    let (cx, sink, rc) = setup(&sb, dir.path());

    let first = start(&cx, true).await;
    assert!(rc.is_running());
    assert!(!first.background, "off by default");
    assert_eq!(
        (first.phase, first.next_in_ms),
        (RecheckPhase::Waiting, Some(30))
    );
    // Check 1 (nothing published) gives the reasons, then a long wait.
    let waiting = sink
        .wait_for("waiting after check 1", |u| {
            phase(u) == "waiting" && u["checks"] == 1
        })
        .await;
    assert_eq!(waiting["nextInMs"], 600_000);
    assert_eq!(waiting["reasons"].as_array().map(Vec::len), Some(3));
    assert!(waiting["message"]
        .as_str()
        .unwrap()
        .starts_with("Not verified yet"));
    assert_eq!(sb.requests("POST", VERIFY), 1);

    // Joining (the screen opened again) starts nothing new.
    start(&cx, true).await;

    // The DNS admin publishes (demo button): the operation itself starts the cadence over,
    // and the next check verifies.
    domain::demo_publish_dns(&cx).await.unwrap();
    let done = sink.wait_for("stopped", |u| phase(u) == "stopped").await;
    assert_eq!(done["stopReason"], "verified");
    assert_eq!(done["checks"], 2);
    assert_eq!(done["view"]["status"], "verified");
    let name = done["view"]["domainUnicode"].as_str().unwrap().to_owned();
    assert_eq!(done["verifiedBanner"], format!("{name} is verified"));
    assert_eq!(
        *sink.notified.lock().unwrap(),
        [(
            "Sending domain verified".to_owned(),
            format!("{name} is verified: emails can now come from your domain.")
        )]
    );
    assert!(!rc.is_running());
    assert_eq!(sb.requests("POST", VERIFY), 2, "no check after verified");
    let seqs: Vec<u64> = sink
        .updates
        .lock()
        .unwrap()
        .iter()
        .map(|u| u["seq"].as_u64().unwrap())
        .collect();
    assert!(seqs.windows(2).all(|w| w[0] < w[1]), "{seqs:?}");
    assert!(
        seqs[0] > u64::from(first.seq),
        "events come after the answer to start"
    );

    // The studio's fromAddress check sees the domain the runner verified, without asking.
    let ascii = done["view"]["domain"].as_str().unwrap().to_owned();
    assert_eq!(
        cx.cached_domain(Duration::from_secs(3600)).await,
        Some(Some(ascii))
    );

    // A verified domain is not rechecked.
    let again = start(&cx, true).await;
    assert_eq!(again.phase, RecheckPhase::Off);
    assert!(!rc.is_running());
    sb.shutdown().await;
}

#[tokio::test]
async fn leaving_the_screen_stops_unless_background_is_on_and_the_setting_is_stored() {
    let dir = tempfile::tempdir().unwrap();
    let sb = sandbox(5).await;
    let (cx, _sink, rc) = setup(&sb, dir.path());

    // Not from the screen and background off: nothing starts.
    let u = start(&cx, false).await;
    assert_eq!(u.phase, RecheckPhase::Off);
    assert!(!rc.is_running());

    start(&cx, true).await;
    domain_recheck_leave(&cx).await.unwrap();
    assert!(!rc.is_running());

    let u = domain_recheck_set_background(&cx, RecheckBackgroundRequest { on: true })
        .await
        .unwrap();
    assert!(u.background);
    let stored = std::fs::read_to_string(dir.path().join(SETTINGS_FILE)).unwrap();
    assert!(
        stored.contains("\"backgroundDomainRecheck\": true"),
        "{stored}"
    );
    // Read back by the next session (the next sign-in), which then starts without the screen.
    cx.close();
    let (cx, _sink, rc) = setup(&sb, dir.path());
    assert!(rc.background());
    start(&cx, false).await;
    assert!(rc.is_running());
    domain_recheck_leave(&cx).await.unwrap();
    assert!(rc.is_running(), "background on: keeps checking");

    // Off again while the screen is closed: stops.
    domain_recheck_set_background(&cx, RecheckBackgroundRequest { on: false })
        .await
        .unwrap();
    assert!(!rc.is_running());
    sb.shutdown().await;
}

#[tokio::test]
async fn the_session_ending_and_a_deleted_domain_stop_the_runner() {
    let dir = tempfile::tempdir().unwrap();
    let sb = sandbox(5).await;
    let (cx, sink, rc) = setup(&sb, dir.path());

    start(&cx, true).await;
    sink.wait_for("check 1", |u| phase(u) == "waiting" && u["checks"] == 1)
        .await;
    // Sign-out, another sign-in: the session closes, and its runner with it.
    cx.close();
    assert!(!rc.is_running());
    assert_eq!(rc.snapshot().phase, RecheckPhase::Off);
    let e = domain_recheck_start(&cx, RecheckStartRequest { screen: true })
        .await
        .unwrap_err();
    assert_eq!(e.code(), "not_signed_in", "a closed session starts nothing");
    let pushed = sink.updates.lock().unwrap().len();

    // Deleted elsewhere (another device) while waiting: the next check's 404 stops it.
    let (cx, sink2, rc) = setup(&sb, dir.path());
    start(&cx, true).await;
    let calls = sb.requests("POST", VERIFY);
    cx.client.domain_delete().await.unwrap();
    domain_recheck_now(&cx).await.unwrap();
    let done = sink2.wait_for("gone", |u| u["stopReason"] == "gone").await;
    assert!(done["message"]
        .as_str()
        .unwrap()
        .contains("no longer exists"));
    assert!(!rc.is_running());
    assert!(sb.requests("POST", VERIFY) > calls);
    assert!(sink2.notified.lock().unwrap().is_empty());
    assert_eq!(
        cx.cached_domain(Duration::from_secs(3600)).await,
        Some(None),
        "a gone domain is no verified domain"
    );
    assert_eq!(
        sink.updates.lock().unwrap().len(),
        pushed,
        "nothing more for the closed session"
    );
    sb.shutdown().await;
}

#[tokio::test]
async fn deactivating_or_deleting_on_the_screen_stops_the_runner() {
    let dir = tempfile::tempdir().unwrap();
    let sb = sandbox(5).await;
    let (cx, _sink, rc) = setup(&sb, dir.path());
    assert_eq!(
        domain::domain_get(&cx).await.unwrap().status,
        DomainGlance::WaitingForDns
    );
    start(&cx, true).await;
    assert!(rc.is_running());
    // A verify by hand that fails keeps it going (cadence starts over).
    domain::domain_verify(&cx).await.unwrap();
    assert!(rc.is_running());
    domain::domain_delete(&cx).await.unwrap();
    assert!(!rc.is_running());
    sb.shutdown().await;
}
