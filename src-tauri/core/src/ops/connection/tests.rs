use std::sync::Arc;

use qflow_sandbox::{Fault, FaultKind, Sandbox, SandboxConfig};

use super::*;
use crate::test_support::TestCtx;

async fn sandbox() -> Sandbox {
    Sandbox::start(SandboxConfig {
        attendees: 30,
        ..SandboxConfig::default()
    })
    .await
    .unwrap()
}

fn session(sb: &Sandbox, demo: bool) -> Arc<Ctx> {
    TestCtx {
        demo,
        ..TestCtx::over(sb)
    }
    .build()
}

#[tokio::test]
async fn demo_offline_fails_requests_as_network_unreachable_and_keeps_the_cache() {
    let sb = sandbox().await;
    let cx = session(&sb, true);
    connection_probe(&cx).await.expect("online at first");
    let now = cx.now().naive_utc();
    let events = cx
        .client
        .events_list(
            now - chrono::Duration::days(30),
            now + chrono::Duration::days(183),
        )
        .await
        .unwrap();
    let first = events.iter().find_map(|e| e.id).expect("an event");
    let loaded = cx.guests(first, false, false).await.unwrap();

    demo_set_offline(&cx, DemoOfflineRequest { offline: true })
        .await
        .unwrap();
    let err = connection_probe(&cx).await.unwrap_err();
    assert_eq!(err.code(), "network_unreachable");
    let err = cx.client.events_list(now, now).await.unwrap_err();
    assert_eq!(err.code(), "network_unreachable");
    // A loaded list still answers from the session's cache: read-only data stays on screen.
    let cached = cx.guests(first, false, false).await.unwrap();
    assert_eq!(cached.len(), loaded.len());
    let err = cx.guests(first, true, false).await.unwrap_err();
    assert_eq!(err.code(), "network_unreachable");

    demo_set_offline(&cx, DemoOfflineRequest { offline: false })
        .await
        .unwrap();
    connection_probe(&cx).await.expect("back online");
    sb.shutdown().await;
}

#[tokio::test]
async fn any_answer_from_qflow_means_online_even_an_unreadable_or_refused_one() {
    let sb = sandbox().await;
    let cx = session(&sb, true);
    let inject = |kind: FaultKind| {
        sb.inject(Fault {
            method: "GET".into(),
            path_prefix: "/api/events".into(),
            kind,
        })
    };
    inject(FaultKind::MalformedJson);
    connection_probe(&cx)
        .await
        .expect("a truncated answer is still an answer");
    inject(FaultKind::Status {
        status: 403,
        body: r#"{"error":"forbidden","message":"no"}"#.into(),
        retry_after: None,
    });
    connection_probe(&cx)
        .await
        .expect("a refusal is still an answer");
    sb.shutdown().await;
}

#[tokio::test]
async fn only_the_demo_can_pretend_to_be_offline() {
    let sb = sandbox().await;
    let cx = session(&sb, false);
    let e = demo_set_offline(&cx, DemoOfflineRequest { offline: true })
        .await
        .unwrap_err();
    assert_eq!(e.code(), "invalid_input");
    assert_eq!(e.body().field.as_deref(), Some("demo"));
    assert!(!cx.client.is_simulating_offline());
    sb.shutdown().await;
}
