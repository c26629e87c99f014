//! The window's session lifecycle (the operations are tested in core): the demo's start wires
//! the receiver, a new session replaces it with no reset call by hand, and what a session
//! switched (offline) goes with it.

use std::sync::Arc;
use std::time::Duration;

use qflow_core::ops::connection::{connection_probe, demo_set_offline, DemoOfflineRequest};
use qflow_core::ops::webhooks::{self as ops, Receiver};
use qflow_sandbox::SandboxConfig;

use crate::app::handlers::{self, AppState};

fn state() -> AppState {
    crate::app::test_support::demo_state(SandboxConfig {
        attendees: 20,
        delivery_scale: 0.05,
        ..SandboxConfig::default()
    })
}

#[tokio::test]
async fn the_demo_start_wires_the_sandbox_to_the_built_in_receiver() {
    let st = state();
    handlers::demo_start(&st).await.unwrap();
    let cx = st.current().await.unwrap();
    let local = cx.state::<Receiver>().status().local_url.expect("running");
    let registered = cx.client.webhook_get().await.unwrap().url.unwrap();
    assert_eq!(registered, format!("{local}qflow"));
    handlers::sign_out(&st).await.unwrap();
    st.shutdown().await;
}

#[tokio::test]
async fn a_new_demo_session_wires_a_fresh_receiver_to_its_own_store() {
    let st = state();
    handlers::demo_start(&st).await.unwrap();
    let first = st.current().await.unwrap();
    let first_store = first.local_store().await.unwrap();

    // Sign out, then "Try the demo" again, as the commands do: no reset call by hand.
    handlers::sign_out(&st).await.unwrap();
    assert!(
        !first.state::<Receiver>().status().running,
        "the receiver ended with its session"
    );
    handlers::demo_start(&st).await.unwrap();
    let second = st.current().await.unwrap();
    assert!(second.state::<Receiver>().status().running);
    let second_store = second.local_store().await.unwrap();
    assert!(
        !Arc::ptr_eq(&first_store, &second_store),
        "each session has its own store"
    );

    second.client.webhook_test().await.unwrap();
    let mut arrived = false;
    for _ in 0..100 {
        let f = ops::webhook_feed(&second, Default::default())
            .await
            .unwrap();
        if f.events.iter().any(|e| e.event_type == "comms.test") {
            arrived = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(arrived, "the new session's receiver stores the test event");
    assert_eq!(
        first_store.webhook_event_count().unwrap(),
        0,
        "the old session's store gets nothing"
    );
    handlers::sign_out(&st).await.unwrap();
    st.shutdown().await;
}

#[tokio::test]
async fn probe_and_offline_switch_need_a_session() {
    let st = state();
    // Both commands start from the session.
    let err = st.current().await.unwrap_err();
    assert_eq!(err.code(), "not_signed_in");

    handlers::demo_sign_in(&st).await.unwrap();
    let cx = st.current().await.unwrap();
    connection_probe(&cx).await.expect("online");
    demo_set_offline(&cx, DemoOfflineRequest { offline: true })
        .await
        .unwrap();
    assert_eq!(
        connection_probe(&st.current().await.unwrap())
            .await
            .unwrap_err()
            .code(),
        "network_unreachable",
        "the switch holds for the session"
    );
    handlers::sign_out(&st).await.unwrap();
    assert_eq!(st.current().await.unwrap_err().code(), "not_signed_in");
    st.shutdown().await;
}

fn form(id: &str, title: &str) -> qflow_core::ops::events::EventForm {
    qflow_core::ops::events::EventForm {
        id: id.into(),
        title: title.into(),
        start_time: "2030-06-01 10:00".into(),
        end_time: "2030-06-01 11:00".into(),
        time_zone_id: "UTC".into(),
    }
}

#[tokio::test]
async fn the_event_commands_need_a_session() {
    let st = crate::app::test_support::demo_state(SandboxConfig::default());
    let id = uuid::Uuid::new_v4().to_string();
    for (name, req) in [
        (
            "event_create",
            serde_json::to_value(form(&id, "x")).unwrap(),
        ),
        (
            "event_update",
            serde_json::to_value(form(&id, "x")).unwrap(),
        ),
        ("event_delete", serde_json::json!({ "id": id })),
    ] {
        let e = crate::app::commands::dispatch(&st, name, req)
            .await
            .unwrap_err();
        assert_eq!(e.code, "not_signed_in", "{name}");
    }
}
