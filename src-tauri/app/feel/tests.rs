//! The probe and the offline switch against the app's demo session (the operations are tested
//! in core's `ops::connection`).

use qflow_core::ops::connection::{connection_probe, demo_set_offline, DemoOfflineRequest};
use qflow_sandbox::SandboxConfig;

use crate::app::handlers::{self, AppState};

fn state() -> AppState {
    crate::app::test_support::demo_state(SandboxConfig {
        attendees: 30,
        ..SandboxConfig::default()
    })
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
