//! `guest update|delete|resend` through the real binary: the desk's operations from core, with
//! the window's checks and messages, the duplicate guard over the same local send log, and a
//! correlation id on every send.

use crate::cli_common;
use cli_common::Env;
use qflow_core::ops::desk;
use qflow_core::store::Store;
use serde_json::Value;

fn send_log(env: &Env) -> Vec<qflow_core::store::SendLogEntry> {
    let store = Store::open(&env.data.path().join(qflow_core::store::DB_FILE)).unwrap();
    store.recent_sends(None, 100).unwrap()
}

/// An attendee of event 1 with an ordinary address, and the event's first template.
fn target(env: &Env) -> (Value, String) {
    let event = env.event_id(1);
    let template = env.templates(&event)[0]["id"].as_str().unwrap().to_owned();
    let guest = env.ordinary_guest(&event);
    (guest, template)
}

#[test]
fn help_lists_update_delete_and_the_resend_guard() {
    let env = Env::start();
    let out = env.run(&["guest", "--help"]).ok();
    for word in ["update", "delete", "resend", "Change an attendee"] {
        assert!(out.stdout.contains(word), "{word}: {}", out.stdout);
    }
    let out = env.run(&["guest", "update", "--help"]).ok();
    for flag in ["--first-name", "--last-name", "--email", "--tags"] {
        assert!(out.stdout.contains(flag), "{flag}: {}", out.stdout);
    }
    let out = env.run(&["guest", "resend", "--help"]).ok();
    assert!(
        out.stdout.contains("--force") && out.stdout.contains("10 minutes"),
        "{}",
        out.stdout
    );
}

#[test]
fn update_puts_the_whole_attendee_and_keeps_what_is_not_given() {
    let env = Env::start();
    let (guest, _) = target(&env);
    let id = guest["id"].as_str().unwrap();
    let before = env.run(&["guest", "show", id, "--json"]).ok().json();

    let out = env
        .run(&[
            "guest",
            "update",
            id,
            "--first-name",
            " Zoë ",
            "--tags",
            "VIP,Speaker",
        ])
        .ok();
    assert!(out.stdout.contains("Zoë"), "{}", out.stdout);
    assert_eq!(env.sandbox.requests("PUT", "/api/guest"), 1);
    let after = env.run(&["guest", "show", id, "--json"]).ok().json();
    assert_eq!(after["firstName"], "Zoë");
    assert_eq!(after["tags"], "VIP,Speaker");
    // Everything else as it was (the seed's other fields included).
    let mut expected = before.as_object().unwrap().clone();
    expected.insert("firstName".into(), "Zoë".into());
    expected.insert("tags".into(), "VIP,Speaker".into());
    assert_eq!(after.as_object().unwrap(), &expected);

    let v = env
        .run(&[
            "guest",
            "update",
            id,
            "--email",
            "zoe.new@example.com",
            "--json",
        ])
        .ok()
        .json();
    assert_eq!(v["email"], "zoe.new@example.com");
    assert_eq!(v["firstName"], "Zoë");

    // The panel's checks and messages, before any request; exit 2.
    let puts = env.sandbox.requests("PUT", "/api/guest");
    let out = env.run(&["guest", "update", id, "--email", "zoe@", "--json"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert_eq!(out.json()["error"]["field"], "email");
    let out = env.run(&["guest", "update", id, "--last-name", " "]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr.starts_with("invalid_input: lastName: "),
        "{}",
        out.stderr
    );
    let out = env.run(&["guest", "update", id]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("nothing to change"), "{}", out.stderr);
    assert_eq!(env.sandbox.requests("PUT", "/api/guest"), puts);
}

#[test]
fn delete_removes_the_attendee() {
    let env = Env::start();
    let (guest, _) = target(&env);
    let id = guest["id"].as_str().unwrap();
    let out = env.run(&["guest", "delete", id]).ok();
    assert!(out.stderr.contains("Deleted attendee"), "{}", out.stderr);
    assert_eq!(env.sandbox.requests("DELETE", "/api/guest"), 1);
    let out = env.run(&["guest", "show", id]);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(out.stderr.starts_with("not_found: "), "{}", out.stderr);
    let out = env.run(&["guest", "delete", id]);
    assert_eq!(out.code, 1, "{out:?}");
    let out = env.run(&["guest", "delete", "nope"]);
    assert_eq!(out.code, 2, "{out:?}");
}

#[test]
fn a_second_resend_within_ten_minutes_needs_force() {
    let env = Env::start();
    let (guest, template) = target(&env);
    let gid = guest["id"].as_str().unwrap();
    env.run(&["guest", "resend", gid, "--template", &template])
        .ok();
    assert_eq!(env.sandbox.requests("POST", "/api/comms/send"), 1);

    // The same template again: the window's guard and message, exit 1, nothing sent.
    let out = env.run(&["guest", "resend", gid, "--template", &template]);
    assert_eq!(out.code, 1, "{out:?}");
    let window = desk::duplicate_refusal(0, "queued").body();
    assert_eq!(
        out.stderr.lines().next().unwrap(),
        format!("{}: {}", window.code, window.message),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("--force"), "{}", out.stderr);
    assert!(out.stdout.is_empty());
    let out = env.run(&["guest", "resend", gid, "--template", &template, "--json"]);
    assert_eq!(out.code, 1, "{out:?}");
    let e = &out.json()["error"];
    assert_eq!(e["code"], window.code.as_str());
    assert_eq!(e["field"], desk::DUPLICATE_FIELD);
    assert_eq!(e["message"], window.message.as_str());
    assert_eq!(env.sandbox.requests("POST", "/api/comms/send"), 1);

    // Another template is not a duplicate; --force sends the same one again.
    let event = guest["eventId"].as_str().unwrap();
    let other = env.templates(event)[1]["id"].as_str().unwrap().to_owned();
    env.run(&["guest", "resend", gid, "--template", &other])
        .ok();
    env.run(&["guest", "resend", gid, "--template", &template, "--force"])
        .ok();
    assert_eq!(env.sandbox.requests("POST", "/api/comms/send"), 3);
    assert_eq!(send_log(&env).len(), 3);
}

#[test]
fn every_resend_carries_a_correlation_id() {
    let env = Env::start();
    let (guest, template) = target(&env);
    let gid = guest["id"].as_str().unwrap();
    let out = env
        .run(&["guest", "resend", gid, "--template", &template])
        .ok();
    let generated = out
        .stdout
        .lines()
        .find_map(|l| l.strip_prefix("correlationId:"))
        .map(|v| v.trim().to_owned())
        .unwrap_or_else(|| panic!("no correlationId shown: {}", out.stdout));
    assert!(
        generated.starts_with(desk::RESEND_CORRELATION_PREFIX),
        "{generated}"
    );
    env.run(&[
        "guest",
        "resend",
        gid,
        "--template",
        &template,
        "--force",
        "--correlation-id",
        "cli-mine-1",
        "--json",
    ])
    .ok();

    // What reached Qflow: both sends carry one, the generated one and the given one.
    let sent: Vec<Option<String>> = env
        .sandbox
        .sends()
        .into_iter()
        .map(|s| s.correlation_id)
        .collect();
    assert_eq!(
        sent,
        [Some(generated.clone()), Some("cli-mine-1".to_owned())]
    );
    // And the local send log (the desk's timeline) has the same.
    let mut logged: Vec<String> = send_log(&env)
        .into_iter()
        .filter_map(|e| e.correlation_id)
        .collect();
    logged.sort();
    let mut want = vec![generated, "cli-mine-1".to_owned()];
    want.sort();
    assert_eq!(logged, want);
}
