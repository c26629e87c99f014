//! The window's wrappers: they run core's operations against the signed-in session (the rules,
//! the writes and the session's event cache are tested in `qflow_core::ops::events`).

use qflow_sandbox::SandboxConfig;
use uuid::Uuid;

use super::*;

fn form(id: &str, title: &str) -> EventForm {
    EventForm {
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
    let id = Uuid::new_v4().to_string();
    assert_eq!(
        event_create(&st, form(&id, "x")).await.unwrap_err().code(),
        "not_signed_in"
    );
    assert_eq!(
        event_update(&st, form(&id, "x")).await.unwrap_err().code(),
        "not_signed_in"
    );
    assert_eq!(
        event_delete(&st, EventDeleteRequest { id })
            .await
            .unwrap_err()
            .code(),
        "not_signed_in"
    );
}
