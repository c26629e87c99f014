//! One rule, one place: the same bad input through the CLI (the real binary) and through the
//! window's command layer (`app::commands::dispatch`: the command by name with a JSON request,
//! as the UI sends it) gives the same error code and the same message, for every rule the
//! window and the CLI share. Both sides sign in to one sandbox and share one data directory, so
//! the duplicate guard reads the same local send log.
//!
//! Where a message names the input, it names it as each side calls it (the CLI's `ID` argument,
//! the window's `guestId` field): those are compared after the field name, which is asserted
//! separately.

#![allow(clippy::result_large_err)] // the one error shape, returned once per call

mod cli_common;

use cli_common::{window, Env};
use qflow_console::app::commands::dispatch;
use qflow_console::app::handlers::AppState;
use qflow_core::ErrorBody;
use serde_json::{json, Value};

fn call(env: &Env, st: &AppState, name: &str, req: Value) -> Result<Value, ErrorBody> {
    env.rt.block_on(dispatch(st, name, req))
}

/// The CLI's `--json` error body.
fn cli_error(env: &Env, args: &[&str]) -> (i32, Value) {
    let mut all = args.to_vec();
    all.push("--json");
    let out = env.run(&all);
    assert_ne!(out.code, 0, "{args:?} should fail: {out:?}");
    let v: Value = serde_json::from_str(&out.stdout)
        .or_else(|_| serde_json::from_str(&out.stderr))
        .unwrap_or_else(|e| panic!("{args:?}: no JSON error ({e}): {out:?}"));
    (out.code, v.get("error").cloned().unwrap_or(v))
}

/// The message after `field: ` (or all of it).
fn reason(message: &str, field: &str) -> String {
    message
        .strip_prefix(&format!("{field}: "))
        .unwrap_or(message)
        .to_owned()
}

fn same(rule: &str, cli: &Value, window: &ErrorBody) {
    assert_eq!(cli["code"], window.code.as_str(), "{rule}: code");
    assert_eq!(cli["message"], window.message.as_str(), "{rule}: message");
}

#[test]
fn each_rule_answers_the_cli_and_the_window_alike() {
    let env = Env::start();
    let st = window(&env);
    let event = env.event_id(1);
    let template = env.templates(&event)[0]["id"].as_str().unwrap().to_owned();
    let guest = env.ordinary_guest(&event)["id"]
        .as_str()
        .unwrap()
        .to_owned();

    // Validation: a GUID.
    let (code, cli) = cli_error(&env, &["guest", "show", "not-a-guid"]);
    assert_eq!(code, 2);
    let win = call(
        &env,
        &st,
        "guest_detail",
        json!({ "guestId": "not-a-guid" }),
    )
    .unwrap_err();
    assert_eq!(cli["code"], win.code.as_str(), "guid: code");
    assert_eq!(
        reason(
            cli["message"].as_str().unwrap(),
            cli["field"].as_str().unwrap()
        ),
        reason(&win.message, win.field.as_deref().unwrap()),
        "guid: the reason"
    );

    // The correlation id scheme's check.
    let long = "x".repeat(300);
    let (_, cli) = cli_error(
        &env,
        &[
            "guest",
            "resend",
            &guest,
            "--template",
            &template,
            "--correlation-id",
            &long,
        ],
    );
    let win = call(
        &env,
        &st,
        "resend",
        json!({ "guestId": guest, "templateId": template, "confirmDuplicate": false,
                "correlationId": long }),
    )
    .unwrap_err();
    assert_eq!(cli["code"], win.code.as_str(), "correlation id: code");
    assert_eq!(
        reason(
            cli["message"].as_str().unwrap(),
            cli["field"].as_str().unwrap()
        ),
        reason(&win.message, win.field.as_deref().unwrap()),
        "correlation id: the reason"
    );

    // The duplicate guard, over the one send log: the window sends, the CLI is refused, and
    // the other way round.
    let sent = call(
        &env,
        &st,
        "resend",
        json!({ "guestId": guest, "templateId": template, "confirmDuplicate": false }),
    )
    .expect("first send");
    assert!(sent["correlationId"]
        .as_str()
        .is_some_and(|c| !c.is_empty()));
    let (code, cli) = cli_error(&env, &["guest", "resend", &guest, "--template", &template]);
    assert_eq!(code, 1, "the guard is a check saying no");
    let win = call(
        &env,
        &st,
        "resend",
        json!({ "guestId": guest, "templateId": template, "confirmDuplicate": false }),
    )
    .unwrap_err();
    same("duplicate guard", &cli, &win);
    assert_eq!(
        env.sandbox.requests("POST", "/api/comms/send"),
        1,
        "one email"
    );

    // fromAddress: a domain that is not the verified sending domain.
    let bad_from = json!({
        "id": uuid::Uuid::new_v4().to_string(), "eventId": event, "name": "Parity",
        "subject": "Hi {{firstname}}", "html": "<p>Hi {{firstname}}</p>",
        "fromAddress": "events@not-verified.example",
    });
    let file = env.write("parity.json", &bad_from.to_string());
    let (code, cli) = cli_error(&env, &["template", "push", &file]);
    assert_eq!(code, 1);
    let win = call(
        &env,
        &st,
        "template_save",
        json!({
            "eventId": event, "templateId": bad_from["id"], "confirmWarnings": true,
            "fields": { "name": "Parity", "subject": "Hi {{firstname}}",
                        "html": "<p>Hi {{firstname}}</p>",
                        "fromAddress": "events@not-verified.example", "fromName": "",
                        "replyTo": "", "attachPdf": false, "emailBody": "" },
        }),
    )
    .unwrap_err();
    same("fromAddress", &cli, &win);
    assert_eq!(env.sandbox.requests("POST", "/api/comms/template"), 0);

    // Time parsing: a date that does not exist.
    let id = uuid::Uuid::new_v4().to_string();
    let (code, cli) = cli_error(
        &env,
        &[
            "event",
            "create",
            "--title",
            "Parity",
            "--start",
            "2030-02-30T10:00",
            "--end",
            "2030-03-01T10:00",
            "--zone",
            "Europe/London",
        ],
    );
    assert_eq!(code, 2);
    let win = call(
        &env,
        &st,
        "event_create",
        json!({ "id": id, "title": "Parity", "startTime": "2030-02-30T10:00",
                "endTime": "2030-03-01T10:00", "timeZoneId": "Europe/London" }),
    )
    .unwrap_err();
    assert_eq!(cli["code"], win.code.as_str(), "dates: code");
    assert_eq!(
        reason(
            cli["message"].as_str().unwrap(),
            cli["field"].as_str().unwrap()
        ),
        reason(&win.message, win.field.as_deref().unwrap()),
        "dates: the reason"
    );
    assert_eq!(env.sandbox.requests("POST", "/api/event"), 0);

    // Writing a file: the studio's export (its dialog picks the path, then core writes) and
    // `template export --out` write through one function; a path that cannot be written
    // answers alike, and a written file is the user's alone.
    let blocker = env.data.path().join("not-a-folder");
    std::fs::write(&blocker, "x").unwrap();
    let bad = blocker.join("ticket.json");
    let (code, cli) = cli_error(
        &env,
        &[
            "template",
            "export",
            &template,
            "--out",
            bad.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 1);
    let win = qflow_core::ops::studio::write_template_file(&bad, "{}")
        .unwrap_err()
        .body();
    same("file writing", &cli, &win);
    let good = env.data.path().join("ticket.json");
    env.run(&[
        "template",
        "export",
        &template,
        "--out",
        good.to_str().unwrap(),
    ])
    .ok();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&good).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "an export is private to the user");
    }
    let exported: Value = serde_json::from_str(&std::fs::read_to_string(&good).unwrap()).unwrap();
    assert_eq!(exported["id"], template.as_str());

    // The webhook URL policy.
    for url in [
        "ftp://hooks.example.com/x",
        "http://hooks.example.com/qflow",
    ] {
        let (code, cli) = cli_error(&env, &["webhook", "set", url]);
        assert_eq!(code, 2, "{url}");
        let win = call(&env, &st, "webhook_set", json!({ "url": url })).unwrap_err();
        same(url, &cli, &win);
    }
    assert_eq!(env.sandbox.requests("POST", "/api/comms/webhook"), 0);
}
