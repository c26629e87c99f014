//! State owned by the session, through the window's command layer (`commands::dispatch`, by
//! name with JSON, as the UI calls): an event renamed in the app shows its new name in the resend
//! preview and the studio preview at once, and signing out and into another profile leaves
//! nothing the first account loaded. One test: the profile file lives in `QFLOW_DATA_DIR`, set
//! once for this process (its own test binary).

use std::sync::Arc;

use qflow_console::app::commands::dispatch;
use qflow_console::app::handlers::AppState;
use qflow_console::app::AppOptions;
use qflow_sandbox::{Sandbox, SandboxConfig};
use serde_json::{json, Value};

fn sign_in(profile: &str, username: &str, sb: &Sandbox) -> Value {
    json!({
        "profile": profile,
        "apiBase": sb.api_base(),
        "identityUrl": sb.identity_url(),
        "clientId": qflow_sandbox::DEMO_CLIENT_ID,
        "username": username,
        "password": qflow_sandbox::DEMO_PASSWORD,
        "clientSecret": qflow_sandbox::DEMO_CLIENT_SECRET,
        "clientKey": qflow_sandbox::CLIENT_KEY,
    })
}

fn fields(subject: &str) -> Value {
    json!({ "name": "Reminder", "subject": subject, "html": "<p>See you at {{event}}</p>",
            "fromAddress": "", "fromName": "", "replyTo": "", "attachPdf": false,
            "emailBody": "" })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rename_shows_everywhere_and_another_profile_sees_nothing_of_the_first() {
    let data = tempfile::tempdir().unwrap();
    std::env::set_var("QFLOW_DATA_DIR", data.path());
    let sb = Sandbox::start(SandboxConfig {
        attendees: 40,
        rate_limits: false,
        ..SandboxConfig::default()
    })
    .await
    .unwrap();
    let st = AppState::new(
        &AppOptions {
            demo: false,
            profile: "Production".into(),
            api_base: None,
            identity_url: None,
        },
        Arc::new(qflow_core::secrets::MemoryStore::new()),
    );
    let run = |name: &'static str, req: Value| {
        let st = &st;
        async move { dispatch(st, name, req).await }
    };
    run(
        "sign_in",
        sign_in("Production", qflow_sandbox::DEMO_USERNAME, &sb),
    )
    .await
    .unwrap();

    // Load what the screens cache: the list, one attendee's resend preview, a studio preview.
    let events = run(
        "events_list",
        json!({ "from": "2000-01-01", "to": "2100-12-31" }),
    )
    .await
    .unwrap();
    let event = &events[0];
    let event_id = event["id"].as_str().unwrap().to_owned();
    let old_title = event["title"].as_str().unwrap().to_owned();
    let page = run("guests_page", json!({ "eventId": event_id, "limit": 5 }))
        .await
        .unwrap();
    let guest_id = page["rows"][0]["id"].as_str().unwrap().to_owned();
    let templates = run("templates_list", json!({ "eventId": event_id }))
        .await
        .unwrap();
    let template_id = templates[0]["id"].as_str().unwrap().to_owned();
    let resend_preview = || {
        run(
            "resend_preview",
            json!({ "guestId": guest_id, "templateId": template_id }),
        )
    };
    let studio_preview = || {
        run(
            "template_preview",
            json!({ "eventId": event_id, "fields": fields("{{event}} tomorrow"),
                    "guestId": guest_id, "allowRemoteImages": false, "dark": "off" }),
        )
    };
    let before = resend_preview().await.unwrap();
    let studio_before = studio_preview().await.unwrap();
    assert!(
        studio_before["subject"]
            .as_str()
            .unwrap()
            .contains(&old_title),
        "{studio_before}"
    );

    // Rename the event in the app: both previews show the new name, no restart.
    run(
        "event_update",
        json!({ "id": event_id, "title": "Renamed Conference",
                "startTime": event["startTime"], "endTime": event["endTime"],
                "timeZoneId": event["timeZoneId"] }),
    )
    .await
    .unwrap();
    let after = resend_preview().await.unwrap();
    let studio_after = studio_preview().await.unwrap();
    assert_eq!(
        studio_after["subject"], "Renamed Conference tomorrow",
        "the studio preview"
    );
    assert!(
        !studio_after["document"]
            .as_str()
            .unwrap_or("")
            .contains(&old_title),
        "the studio body still names the old event"
    );
    let shows = |v: &Value, title: &str| {
        v["subject"].as_str().unwrap().contains(title)
            || v["document"].as_str().unwrap().contains(title)
    };
    assert!(shows(&before, &old_title), "{before}");
    assert!(shows(&after, "Renamed Conference"), "{after}");
    assert!(
        !shows(&after, &old_title),
        "the resend preview kept the old name"
    );

    // Another profile (another account): nothing of the first remains.
    let first = st.current().await.unwrap();
    assert!(first
        .cached_count(event_id.parse().unwrap())
        .await
        .is_some());
    run(
        "sign_in",
        sign_in("Staging", qflow_sandbox::OTHER_USERNAME, &sb),
    )
    .await
    .unwrap();
    assert!(!first.is_open(), "the first session was closed");
    assert!(
        first
            .cached_count(event_id.parse().unwrap())
            .await
            .is_none(),
        "the first session's attendee list is gone"
    );
    assert!(first
        .cached_template(template_id.parse().unwrap())
        .await
        .is_none());
    let second = st.current().await.unwrap();
    assert_eq!(second.info.profile, "Staging");
    // The second account asks Qflow, which does not know the first account's ids: nothing is
    // answered from what the first session had loaded.
    for (name, req) in [
        ("guests_page", json!({ "eventId": event_id, "limit": 5 })),
        (
            "resend_preview",
            json!({ "guestId": guest_id, "templateId": template_id }),
        ),
        ("guest_detail", json!({ "guestId": guest_id })),
    ] {
        let e = run(name, req).await.unwrap_err();
        assert_eq!(e.status, Some(404), "{name}: {e:?}");
    }
    let events = run(
        "events_list",
        json!({ "from": "2000-01-01", "to": "2100-12-31" }),
    )
    .await
    .unwrap();
    assert_eq!(events, json!([]), "the other account has no events");
    sb.shutdown().await;
}
