//! `event create|update|delete` against the in-process sandbox, through the real binary, and the
//! same bad input through the CLI and through the core operations the window calls.

use crate::cli_common;
use std::sync::Arc;

use cli_common::Env;
use qflow_core::ops::ctx::{Ctx, CtxParts, SignedIn, Silent, StoreLocation, SystemClock};
use qflow_core::ops::events::{self, EventForm, EventsListRequest};
use qflow_core::secrets::{Credentials, MemoryStore};
use qflow_core::Secret;
use serde_json::{json, Value};

/// The window's session over the same sandbox.
fn window_session(env: &Env) -> Arc<Ctx> {
    let credentials = Credentials {
        client_id: qflow_sandbox::DEMO_CLIENT_ID.into(),
        username: qflow_sandbox::DEMO_USERNAME.into(),
        client_secret: Secret::new(qflow_sandbox::DEMO_CLIENT_SECRET),
        password: Secret::new(qflow_sandbox::DEMO_PASSWORD),
        client_key: Secret::new(qflow_sandbox::CLIENT_KEY),
    };
    let client = qflow_core::session::client_for(
        &env.sandbox.api_base(),
        &env.sandbox.identity_url(),
        credentials,
    )
    .unwrap();
    Ctx::new(CtxParts {
        info: SignedIn {
            profile: "demo".into(),
            username: qflow_sandbox::DEMO_USERNAME.into(),
            api_base: env.sandbox.api_base(),
            demo: true,
        },
        client,
        secrets: Arc::new(MemoryStore::new()),
        store: StoreLocation::Memory,
        clock: Arc::new(SystemClock),
        notifier: Arc::new(Silent),
    })
}

fn event(env: &Env, id: &str) -> Value {
    env.run(&["event", "show", id, "--json"]).ok().json()
}

#[test]
fn create_update_and_delete_an_event() {
    let env = Env::start();
    let made = env
        .run(&[
            "event",
            "create",
            "--title",
            "Tokyo launch",
            "--start",
            "2030-06-01T10:00",
            "--end",
            "2030-06-01T22:00",
            "--zone",
            "Asia/Tokyo",
            "--json",
        ])
        .ok()
        .json();
    let id = made["id"].as_str().unwrap().to_owned();
    // A client-generated GUID; the times are the event's wall-clock time, as given.
    assert_eq!(uuid::Uuid::parse_str(&id).unwrap().get_version_num(), 4);
    assert_eq!(made["title"], "Tokyo launch");
    assert_eq!(made["startTime"], "2030-06-01T10:00:00");
    assert_eq!(made["endTime"], "2030-06-01T22:00:00");
    assert_eq!(made["timeZoneId"], "Asia/Tokyo");
    assert_eq!(event(&env, &id), made);
    assert_eq!(env.sandbox.requests("POST", "/api/event"), 1);

    // Human output names the zone and its offset.
    let out = env
        .run(&["event", "update", &id, "--title", "Tokyo launch party"])
        .ok();
    assert!(
        out.stdout
            .contains("2030-06-01 10:00 Asia/Tokyo (UTC+09:00)"),
        "{}",
        out.stdout
    );
    assert!(
        out.stderr.contains(&format!("Updated event {id}.")),
        "{}",
        out.stderr
    );
    // Only the title changed.
    let shown = event(&env, &id);
    assert_eq!(shown["title"], "Tokyo launch party");
    assert_eq!(shown["startTime"], made["startTime"]);
    assert_eq!(shown["timeZoneId"], "Asia/Tokyo");

    // Times and zone: wall-clock times in the new zone; the title is kept.
    let updated = env
        .run(&[
            "event",
            "update",
            &id,
            "--start",
            "2030-06-01 18:00",
            "--end",
            "2030-06-02T01:00",
            "--zone",
            "Europe/London",
            "--json",
        ])
        .ok()
        .json();
    assert_eq!(updated["title"], "Tokyo launch party");
    assert_eq!(updated["startTime"], "2030-06-01T18:00:00");
    assert_eq!(updated["endTime"], "2030-06-02T01:00:00");
    assert_eq!(updated["timeZoneId"], "Europe/London");
    // Each update is a PUT of the whole event, read fresh first.
    assert_eq!(env.sandbox.requests("PUT", "/api/event"), 2);

    // Nothing to change is a usage error.
    let out = env.run(&["event", "update", &id]);
    assert_eq!(out.code, 2, "{out:?}");

    let out = env.run(&["event", "delete", &id]).ok();
    assert!(
        out.stderr.contains(&format!("Deleted event {id}.")),
        "{}",
        out.stderr
    );
    let gone = env.run(&["event", "show", &id]);
    assert_eq!(gone.code, 1, "{gone:?}");
    assert!(gone.stderr.starts_with("not_found: "), "{}", gone.stderr);
    // Again: not found, exit 1.
    let again = env.run(&["event", "delete", &id, "--json"]);
    assert_eq!(again.code, 1, "{again:?}");
    assert_eq!(again.json()["error"]["status"], 404);
}

#[test]
fn create_with_an_id_is_safe_to_rerun_and_update_keeps_unknown_fields() {
    let env = Env::start();
    let id = uuid::Uuid::new_v4().to_string();
    let args = [
        "event",
        "create",
        "--id",
        &id,
        "--title",
        "Gala",
        "--start",
        "2030-06-01T18:00",
        "--end",
        "2030-06-01T23:00",
        "--zone",
        "UTC",
        "--json",
    ];
    let first = env.run(&args).ok().json();
    let second = env.run(&args).ok().json();
    assert_eq!(first, second);
    let listed = env
        .run(&[
            "events",
            "list",
            "--from",
            "2030-06-01",
            "--to",
            "2030-06-01",
            "--json",
        ])
        .ok()
        .json();
    assert_eq!(listed.as_array().unwrap().len(), 1, "{listed}");

    // A seeded event carries fields this version does not know: an update sends them back.
    let seeded = env.events()[0].clone();
    let known = ["id", "title", "startTime", "endTime", "timeZoneId"];
    let unknown: Vec<&String> = seeded
        .as_object()
        .unwrap()
        .keys()
        .filter(|k| !known.contains(&k.as_str()))
        .collect();
    let sid = seeded["id"].as_str().unwrap();
    let updated = env
        .run(&[
            "event",
            "update",
            sid,
            "--title",
            "Renamed Conference",
            "--json",
        ])
        .ok()
        .json();
    for k in &unknown {
        assert_eq!(updated[k.as_str()], seeded[k.as_str()], "{k}");
    }
    let mut expected = seeded.clone();
    expected["title"] = json!("Renamed Conference");
    assert_eq!(event(&env, sid), expected);
}

/// One reader of dates and one set of event rules: the CLI and the window's operations refuse
/// the same input with the same code and message.
#[test]
fn a_bad_date_gets_the_same_answer_from_the_cli_and_the_window() {
    let env = Env::start();
    let cx = window_session(&env);
    let cli = |args: &[&str]| {
        let mut args = args.to_vec();
        args.push("--json");
        let out = env.run(&args);
        assert_eq!(out.code, 2, "{out:?}");
        let e = out.json()["error"].clone();
        (
            e["code"].as_str().unwrap().to_owned(),
            e["message"].as_str().unwrap().to_owned(),
            e["field"].as_str().unwrap().to_owned(),
        )
    };
    let same = |w: qflow_core::ErrorBody, c: (String, String, String)| {
        assert_eq!(
            (w.code.as_str(), w.message.as_str(), w.field.as_deref()),
            (c.0.as_str(), c.1.as_str(), Some(c.2.as_str()))
        );
    };

    // The event form: 31 June does not exist.
    let form = EventForm {
        id: uuid::Uuid::new_v4().to_string(),
        title: "x".into(),
        start_time: "2030-06-31T10:00".into(),
        end_time: "2030-07-01T10:00".into(),
        time_zone_id: "UTC".into(),
    };
    let w = env
        .rt
        .block_on(events::event_create(&cx, form.clone()))
        .unwrap_err()
        .body();
    assert_eq!(w.field.as_deref(), Some("startTime"));
    assert!(w.message.contains("'2030-06-31T10:00'"), "{}", w.message);
    let c = cli(&[
        "event",
        "create",
        "--title",
        "x",
        "--start",
        "2030-06-31T10:00",
        "--end",
        "2030-07-01T10:00",
        "--zone",
        "UTC",
    ]);
    same(w.clone(), c);
    // The same on an edit (window form vs `event update --start`).
    let seeded = env.event_id(0);
    let mut edit = form.clone();
    edit.id = seeded.clone();
    let w2 = env
        .rt
        .block_on(events::event_update(&cx, edit))
        .unwrap_err()
        .body();
    assert_eq!(
        (w2.code.as_str(), w2.message.as_str()),
        (w.code.as_str(), w.message.as_str())
    );
    same(
        w2,
        cli(&["event", "update", &seeded, "--start", "2030-06-31T10:00"]),
    );
    // An offset is not a wall-clock time, anywhere.
    let mut offset = form.clone();
    offset.start_time = "2030-06-30T10:00".into();
    offset.end_time = "2030-07-01T10:00+09:00".into();
    let w = env
        .rt
        .block_on(events::event_create(&cx, offset))
        .unwrap_err()
        .body();
    same(
        w,
        cli(&[
            "event",
            "create",
            "--title",
            "x",
            "--start",
            "2030-06-30T10:00",
            "--end",
            "2030-07-01T10:00+09:00",
            "--zone",
            "UTC",
        ]),
    );

    // The events list's range.
    // The window's events list, answering with its error.
    let window = |from: &str, to: &str| {
        env.rt
            .block_on(events::events_list(
                &cx,
                EventsListRequest {
                    from: Some(from.into()),
                    to: Some(to.into()),
                },
            ))
            .unwrap_err()
            .body()
    };
    same(
        window("01/06/2026", "2026-12-31"),
        cli(&[
            "events",
            "list",
            "--from",
            "01/06/2026",
            "--to",
            "2026-12-31",
        ]),
    );
    same(
        window("2026-05-02", "2026-05-01"),
        cli(&[
            "events",
            "list",
            "--from",
            "2026-05-02",
            "--to",
            "2026-05-01",
        ]),
    );
    // Nothing was sent for any of them.
    assert_eq!(env.sandbox.requests("POST", "/api/event"), 0);
    assert_eq!(env.sandbox.requests("PUT", "/api/event"), 0);
    cx.close();
}

#[test]
fn bad_input_is_refused_before_credentials_are_looked_up() {
    let env = Env::start();
    // No credentials at all: the date is still the answer (exit 2), not "not signed in".
    let out = cli_common::run_command(
        env.bare_command(&[
            "event",
            "create",
            "--title",
            "x",
            "--start",
            "tomorrow",
            "--end",
            "2030-06-01T10:00",
            "--zone",
            "UTC",
        ]),
        None,
    );
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr
            .starts_with("invalid_input: startTime: 'tomorrow'"),
        "{}",
        out.stderr
    );
    let out = cli_common::run_command(env.bare_command(&["event", "delete", "nope"]), None);
    assert_eq!(out.code, 2, "{out:?}");
    let out = cli_common::run_command(
        env.bare_command(&["event", "update", "nope", "--title", "x"]),
        None,
    );
    assert_eq!(out.code, 2, "{out:?}");
    assert_eq!(env.sandbox.token_requests(), 0);
}
