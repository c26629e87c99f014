//! Against the sandbox over real HTTP: the demo's wiring, set / rotate / test / reveal /
//! delete, the feed and its pushes, the checker, the timeline, and the one URL rule.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::Utc;
use qflow_sandbox::{Sandbox, SandboxConfig};
use uuid::Uuid;

use super::*;
use crate::api::{Client, ClientConfig};
use crate::ops::ctx::{Ctx, Notifier, PushEvent, Silent, StoreLocation};
use crate::secrets::{Credentials, MemoryStore, SharedSecretStore};
use crate::test_support::demo_client;
use crate::test_support::TestCtx;
use crate::webhook;
use crate::Secret;

async fn sandbox() -> Sandbox {
    Sandbox::start(SandboxConfig {
        attendees: 20,
        delivery_scale: 0.05,
        ..SandboxConfig::default()
    })
    .await
    .unwrap()
}

fn ctx_over(
    client: Client,
    demo: bool,
    secrets: SharedSecretStore,
    notifier: Arc<dyn Notifier>,
) -> Arc<Ctx> {
    TestCtx {
        client,
        profile: if demo { "demo" } else { "default" },
        demo,
        secrets,
        store: StoreLocation::Memory,
        notifier,
    }
    .build()
}

/// A demo session over `sb` and its keychain (to assert nothing reached it).
fn demo(sb: &Sandbox) -> (Arc<MemoryStore>, Arc<Ctx>) {
    let mem = Arc::new(MemoryStore::new());
    let cx = ctx_over(demo_client(sb, None), true, mem.clone(), Arc::new(Silent));
    (mem, cx)
}

/// A real account whose Qflow is remote (nothing is ever sent: every case here is refused
/// before a request).
fn remote(mem: Arc<MemoryStore>) -> Arc<Ctx> {
    let client = Client::new(ClientConfig {
        api_base: "https://api.qflow.invalid".into(),
        identity_url: "https://identity.qflow.invalid/token".into(),
        credentials: Credentials {
            client_id: "c".into(),
            username: "u".into(),
            client_secret: Secret::new("s"),
            password: Secret::new("p"),
            client_key: Secret::new("k"),
        },
        budget: None,
        connect_timeout: Duration::from_secs(1),
        total_timeout: Duration::from_secs(2),
    })
    .unwrap();
    ctx_over(client, false, mem, Arc::new(Silent))
}

async fn wait_for<F: Fn(&WebhookFeed) -> bool>(cx: &Ctx, f: F) -> WebhookFeed {
    for _ in 0..100 {
        let got = webhook_feed(cx, WebhookFeedRequest::default())
            .await
            .unwrap();
        if f(&got) {
            return got;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!(
        "feed never matched: {:?}",
        webhook_feed(cx, WebhookFeedRequest::default())
            .await
            .unwrap()
    );
}

#[tokio::test]
async fn demo_wires_receiver_rotates_tests_and_reveals_once() {
    let sb = sandbox().await;
    let (mem, cx) = demo(&sb);

    let o = webhook_overview(&cx).await.unwrap();
    assert!(o.receiver.running);
    let local = o.receiver.local_url.clone().unwrap();
    assert_eq!(o.url.as_deref(), Some(format!("{}qflow", local).as_str()));
    assert!(o.secret_stored && o.secret_in_memory_only && o.reveal_available);
    assert!(mem.is_empty(), "demo secrets never reach the keychain");

    let secret_now = || {
        cx.state::<SecretMemory>()
            .current()
            .unwrap()
            .expose()
            .to_owned()
    };
    let before = secret_now();
    let o = webhook_rotate(&cx).await.unwrap();
    assert!(o.message.unwrap().contains("old secret stopped working"));
    assert_ne!(secret_now(), before);
    let f = wait_for(&cx, |f| {
        f.events.iter().any(|e| e.event_type == "comms.test")
    })
    .await;
    assert!(
        f.rejected.is_empty(),
        "signed with the new secret: {:?}",
        f.rejected
    );

    let only_tests = webhook_feed(
        &cx,
        WebhookFeedRequest {
            event_type: Some("comms.delivered".into()),
            limit: None,
        },
    )
    .await
    .unwrap();
    assert!(only_tests.events.is_empty());

    let s = webhook_reveal_secret(&cx).await.unwrap();
    assert_eq!(s.secret.len(), 64);
    assert_eq!(
        webhook_reveal_secret(&cx)
            .await
            .unwrap_err()
            .body()
            .field
            .as_deref(),
        Some("secret")
    );
    assert!(!webhook_overview(&cx).await.unwrap().reveal_available);

    // The checker with the stored secret: a stored event verifies; a re-serialized body is named.
    let ev = &f.events[0];
    let sig = webhook::sign(&Secret::new(s.secret.clone()), ev.raw_body.as_bytes());
    let d = webhook_diagnose(
        &cx,
        DiagnoseRequest {
            body: ev.raw_body.clone(),
            signature: sig.clone(),
            timestamp: Utc::now().timestamp().to_string(),
            secret: None,
            use_stored: true,
        },
    )
    .await
    .unwrap();
    assert!(d.verdict.valid, "{d:?}");
    // With the stored secret the answer says what is wrong, but never hands out a signature:
    // a tampered body gets findings and no valid signature for it.
    let tampered = ev.raw_body.replacen('{', "{\"x\":1,", 1);
    let d = webhook_diagnose(
        &cx,
        DiagnoseRequest {
            body: tampered.clone(),
            signature: sig.clone(),
            timestamp: Utc::now().timestamp().to_string(),
            secret: None,
            use_stored: true,
        },
    )
    .await
    .unwrap();
    assert!(!d.verdict.valid);
    assert_eq!(d.expected_signature, None);
    let forged = webhook::sign(&Secret::new(s.secret.clone()), tampered.as_bytes());
    assert!(
        !serde_json::to_string(&d).unwrap().contains(&forged),
        "the answer carries a valid signature for the tampered body"
    );
    let pretty = serde_json::to_string_pretty(
        &serde_json::from_str::<serde_json::Value>(&ev.raw_body).unwrap(),
    )
    .unwrap();
    let d = webhook_diagnose(
        &cx,
        DiagnoseRequest {
            body: pretty,
            signature: sig.to_uppercase(),
            timestamp: Utc::now().timestamp().to_string(),
            secret: Some(Secret::new(s.secret)),
            use_stored: false,
        },
    )
    .await
    .unwrap();
    assert!(!d.verdict.valid);
    assert!(!d.findings.is_empty());

    // Setting another URL in the demo: http to loopback is fine; a public http is refused.
    let e = webhook_set(
        &cx,
        WebhookSetRequest {
            url: "http://hooks.brand.com/x".into(),
            confirm_private: false,
        },
    )
    .await
    .unwrap_err()
    .body();
    assert_eq!(e.field.as_deref(), Some("url"));
    let o = webhook_set(
        &cx,
        WebhookSetRequest {
            url: format!("{local}other"),
            confirm_private: false,
        },
    )
    .await
    .unwrap();
    assert_eq!(o.url, Some(format!("{local}other")));
    assert!(o
        .message
        .unwrap()
        .contains("in memory for this demo session"));

    let o = webhook_delete(&cx).await.unwrap();
    assert!(o.url.is_none() && !o.secret_stored);
    assert!(o.receiver.running, "delete leaves the receiver alone");
    let o = receiver_stop(&cx).await.unwrap();
    assert!(!o.receiver.running);
    assert!(
        webhook_overview(&cx).await.unwrap().url.is_none(),
        "the demo's URL is not registered again behind the user's back"
    );
    cx.close();
    sb.shutdown().await;
}

#[tokio::test]
async fn timeline_needs_a_guid_and_lists_nothing_for_a_stranger() {
    let sb = sandbox().await;
    let (_, cx) = demo(&sb);
    let e = attendee_timeline(
        &cx,
        AttendeeTimelineRequest {
            attendee_id: "x".into(),
        },
    )
    .await
    .unwrap_err()
    .body();
    assert_eq!(e.field.as_deref(), Some("attendeeId"));
    let t = attendee_timeline(
        &cx,
        AttendeeTimelineRequest {
            attendee_id: Uuid::new_v4().to_string(),
        },
    )
    .await
    .unwrap();
    assert!(t.is_empty());
    cx.close();
    sb.shutdown().await;
}

/// Records what the session pushes to the UI.
#[derive(Default)]
struct Recorder(Mutex<Vec<(&'static str, serde_json::Value)>>);

impl Notifier for Recorder {
    fn push(&self, name: &'static str, payload: serde_json::Value) {
        self.0.lock().unwrap().push((name, payload));
    }
    fn desktop(&self, _title: &str, _body: &str) {}
}

#[tokio::test]
async fn each_delivery_is_pushed_to_the_ui_without_polling() {
    let sb = sandbox().await;
    let rec = Arc::new(Recorder::default());
    let cx = ctx_over(
        demo_client(&sb, None),
        true,
        Arc::new(MemoryStore::new()),
        rec.clone(),
    );
    ensure_demo_wiring(&cx).await.unwrap();
    cx.client.webhook_test().await.unwrap();
    let want = serde_json::to_value(FeedPing {
        kind: "accepted".into(),
        event_type: Some("comms.test".into()),
        arrival: Some(crate::store::Arrival::OnTime),
    })
    .unwrap();
    let mut pushed = false;
    for _ in 0..200 {
        if rec
            .0
            .lock()
            .unwrap()
            .iter()
            .any(|(n, p)| *n == "webhook-feed" && *p == want)
        {
            pushed = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(pushed, "pushed within 10 s: {:?}", rec.0.lock().unwrap());
    assert_eq!(FeedPing::NAME, "webhook-feed");
    // Pushed after the store write: the feed already has it.
    let f = webhook_feed(&cx, WebhookFeedRequest::default())
        .await
        .unwrap();
    assert!(f.events.iter().any(|e| e.event_type == "comms.test"));
    cx.close();
    sb.shutdown().await;
}

#[tokio::test]
async fn a_new_demo_session_wires_a_fresh_receiver_to_its_own_store() {
    let sb = sandbox().await;
    let (_, first) = demo(&sb);
    ensure_demo_wiring(&first).await.unwrap();
    let first_store = first.local_store().await.unwrap();
    let first_url = first.state::<Receiver>().status().local_url.unwrap();

    // The session ends (sign-out, "Try the demo" again): its receiver goes with it.
    first.close();
    let (_, second) = demo(&sb);
    ensure_demo_wiring(&second).await.unwrap();
    let second_store = second.local_store().await.unwrap();
    assert!(
        !Arc::ptr_eq(&first_store, &second_store),
        "each session has its own store"
    );
    assert_ne!(
        second.state::<Receiver>().status().local_url.unwrap(),
        first_url
    );
    assert!(
        receiver_start(&first, ReceiverStartRequest { port: 0 })
            .await
            .is_err(),
        "a closed session starts nothing"
    );

    second.client.webhook_test().await.unwrap();
    wait_for(&second, |f| {
        f.events.iter().any(|e| e.event_type == "comms.test")
    })
    .await;
    assert_eq!(
        first_store.webhook_event_count().unwrap(),
        0,
        "the old session's store gets nothing"
    );
    second.close();
    sb.shutdown().await;
}

/// The bad URL the window and the CLI (tests/cli/domain_webhook.rs) must refuse alike.
const PUBLIC_HTTP: &str = "http://hooks.example.com/qflow";

#[tokio::test]
async fn the_url_check_and_the_set_refuse_with_one_code_and_message() {
    let sb = sandbox().await;
    for cx in [demo(&sb).1, remote(Arc::new(MemoryStore::new()))] {
        let req = WebhookSetRequest {
            url: PUBLIC_HTTP.into(),
            confirm_private: true,
        };
        let check = webhook_url_check(&cx, req.clone()).await.unwrap();
        assert!(!check.ok);
        let e = webhook_set(&cx, req).await.unwrap_err().body();
        assert_eq!(e.code, "invalid_input");
        assert_eq!(e.field.as_deref(), Some("url"));
        assert_eq!(e.message, format!("url: {}", check.problem.unwrap()));
        // The CLI's building block says the same.
        let cli = set_url(&cx, PUBLIC_HTTP, true).await.unwrap_err().body();
        assert_eq!((cli.code, cli.message), (e.code, e.message));
        cx.close();
    }
    assert_eq!(sb.requests("POST", "/api/comms/webhook"), 0);
    sb.shutdown().await;
}

#[tokio::test]
async fn a_private_host_needs_a_confirmation_outside_the_demo() {
    let mem = Arc::new(MemoryStore::new());
    let cx = remote(mem.clone());
    let private = "https://10.1.2.3/qflow";
    let check = webhook_url_check(
        &cx,
        WebhookSetRequest {
            url: private.into(),
            confirm_private: false,
        },
    )
    .await
    .unwrap();
    let warning = check.warning.clone().unwrap();
    assert!(
        check.ok && warning.contains("private or loopback"),
        "{check:?}"
    );
    let e = webhook_set(
        &cx,
        WebhookSetRequest {
            url: private.into(),
            confirm_private: false,
        },
    )
    .await
    .unwrap_err()
    .body();
    assert_eq!(e.code, "invalid_input");
    assert_eq!(e.message, format!("url: {warning} {CONFIRM_PRIVATE}"));
    // Confirmed: past the rule, stopped by the keychain before any request.
    mem.set_unavailable(true);
    let e = set_url(&cx, private, true).await.unwrap_err();
    assert_eq!(e.code(), "keychain_unavailable");
    assert!(e.body().message.contains("nothing was sent"));
    // Plain http is never fine for a remote Qflow, even to loopback.
    let check = check_url("http://127.0.0.1:8787/qflow", qflow_local(&cx));
    assert!(!check.ok);
    cx.close();
}

#[tokio::test]
async fn a_real_account_keeps_the_secret_in_the_keychain_and_refuses_without_one() {
    let sb = sandbox().await;
    let mem = Arc::new(MemoryStore::new());
    let cx = ctx_over(demo_client(&sb, None), false, mem.clone(), Arc::new(Silent));
    // A sandbox on loopback is Qflow on this machine: http to this machine is deliverable.
    assert!(qflow_local(&cx));
    mem.set_unavailable(true);
    let e = set_url(&cx, "http://127.0.0.1:9/hook", false)
        .await
        .unwrap_err();
    assert_eq!(e.code(), "keychain_unavailable");
    assert_eq!(
        rotate_secret(&cx).await.unwrap_err().code(),
        "keychain_unavailable"
    );
    assert_eq!(
        sb.requests("POST", "/api/comms/webhook"),
        0,
        "nothing was sent"
    );

    mem.set_unavailable(false);
    let issued = set_url(&cx, " http://127.0.0.1:9/hook ", false)
        .await
        .unwrap();
    assert_eq!(issued.kept, SecretKept::Keychain);
    assert_eq!(issued.url.as_deref(), Some("http://127.0.0.1:9/hook"));
    assert_eq!(mem.len(), 1, "the secret is in the keychain");
    let o = webhook_overview(&cx).await.unwrap();
    assert!(o.secret_stored && !o.secret_in_memory_only && !o.receiver.running);
    assert_eq!(delete_config(&cx).await.unwrap(), None);
    assert!(mem.is_empty(), "the dead secret left the keychain");
    cx.close();
    sb.shutdown().await;
}

/// Reveal-once holds per issued secret, not per session: signing out and in again (a new
/// session over the same keychain and local database) does not show the same secret twice;
/// a rotated secret can be shown once.
#[tokio::test]
async fn reveal_once_survives_a_new_session_and_resets_on_rotate() {
    let sb = sandbox().await;
    let keychain = Arc::new(MemoryStore::new());
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("q.db");
    let session = || {
        TestCtx {
            client: demo_client(&sb, None),
            profile: "work",
            demo: false,
            secrets: keychain.clone(),
            store: StoreLocation::File(db.clone()),
            notifier: Arc::new(Silent),
        }
        .build()
    };

    let first = session();
    webhook_set(
        &first,
        WebhookSetRequest {
            url: "https://hooks.example.com/qflow".into(),
            confirm_private: false,
        },
    )
    .await
    .unwrap();
    assert!(webhook_overview(&first).await.unwrap().reveal_available);
    let shown = webhook_reveal_secret(&first).await.unwrap().secret;
    first.close();

    let second = session();
    let o = webhook_overview(&second).await.unwrap();
    assert!(o.secret_stored && !o.reveal_available, "{o:?}");
    let e = webhook_reveal_secret(&second).await.unwrap_err();
    assert!(e.to_string().contains("already revealed"), "{e}");

    webhook_rotate(&second).await.unwrap();
    assert!(webhook_overview(&second).await.unwrap().reveal_available);
    let rotated = webhook_reveal_secret(&second).await.unwrap().secret;
    assert_ne!(rotated, shown);
    assert!(webhook_reveal_secret(&second).await.is_err());
}
