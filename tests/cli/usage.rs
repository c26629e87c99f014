//! CLI usage errors and bad input: exit 2, the field and the reason, and no request made.

use crate::cli_common;
use cli_common::{run_command, Env};

const GUID: &str = "00890adf-1a80-4b1f-87ce-620feb9bec12";

fn no_api_requests(env: &Env) {
    assert_eq!(
        env.sandbox.requests("GET", "/api"),
        0,
        "a GET reached the API"
    );
    assert_eq!(
        env.sandbox.requests("POST", "/api"),
        0,
        "a POST reached the API"
    );
    assert_eq!(env.sandbox.token_requests(), 0, "a token was requested");
}

#[test]
fn help_and_version_exit_0() {
    let env = Env::start();
    let out = env.run(&["--help"]).ok();
    for cmd in [
        "login",
        "logout",
        "sandbox",
        "events",
        "guests",
        "guest",
        "templates",
        "template",
        "domain",
        "webhook",
    ] {
        assert!(
            out.stdout.contains(cmd),
            "--help lacks {cmd}: {}",
            out.stdout
        );
    }
    assert!(
        out.stdout.contains("--profile") && out.stdout.contains("QFLOW_PROFILE"),
        "{}",
        out.stdout
    );
    let out = env.run(&["guest", "add", "--help"]).ok();
    assert!(
        out.stdout.contains("--first-name") && out.stdout.contains("--correlation-id"),
        "{}",
        out.stdout
    );
    env.run(&["--version"]).ok();
}

#[test]
fn usage_errors_exit_2() {
    let env = Env::start();
    for args in [
        vec!["guests", "frobnicate"],
        vec!["events", "list", "--from", "2026-01-01"],
        vec!["guest", "resend", GUID],
        vec!["guest", "add", GUID, "--first-name", "A"],
        vec![
            "webhook",
            "verify",
            "--body",
            "x",
            "--signature",
            "ab",
            "--timestamp",
            "soon",
        ],
        vec!["sandbox", "--port", "99999"],
        vec!["--no-such-flag", "events", "list"],
    ] {
        let out = env.run(&args);
        assert_eq!(out.code, 2, "{args:?}: {out:?}");
        assert!(
            out.stdout.is_empty(),
            "{args:?}: usage errors go to stderr: {out:?}"
        );
        assert!(!out.stderr.is_empty());
    }
    no_api_requests(&env);
}

#[test]
fn bad_guids_are_rejected_before_any_request() {
    let env = Env::start();
    for args in [
        vec!["event", "show", "nope"],
        vec!["guest", "show", "1234"],
        vec!["guests", "list", "not-a-guid", "--search", "x"],
        vec!["guest", "checkin", "{bad}"],
        vec!["guest", "resend", GUID, "--template", "zzz"],
        vec![
            "guest",
            "add",
            "xyz",
            "--first-name",
            "A",
            "--last-name",
            "B",
            "--email",
            "a@example.com",
        ],
        vec!["templates", "list", "00890adf-1a80-4b1f-87ce"],
    ] {
        let out = env.run(&args);
        assert_eq!(out.code, 2, "{args:?}: {out:?}");
        assert!(
            out.stderr.starts_with("invalid_input: "),
            "{args:?}: {}",
            out.stderr
        );
        assert!(
            out.stderr.contains("is not a GUID"),
            "{args:?}: {}",
            out.stderr
        );
        assert!(out.stdout.is_empty());
    }
    // The field is named.
    let out = env.run(&["guest", "resend", GUID, "--template", "zzz"]);
    assert!(out.stderr.contains("template: 'zzz'"), "{}", out.stderr);
    no_api_requests(&env);
}

#[test]
fn bad_input_with_json_prints_the_error_document() {
    let env = Env::start();
    let out = env.run(&["guest", "show", "nope", "--json"]);
    assert_eq!(out.code, 2);
    let v = out.json();
    assert_eq!(v["error"]["code"], "invalid_input");
    assert_eq!(v["error"]["field"], "ID");
    assert!(v["error"]["message"]
        .as_str()
        .unwrap()
        .contains("is not a GUID"));
    assert!(v["error"]["nextStep"]
        .as_str()
        .unwrap()
        .contains("Nothing was sent"));
    assert!(v["error"].get("status").is_none());
    no_api_requests(&env);
}

#[test]
fn empty_required_fields_and_bad_dates() {
    let env = Env::start();
    let out = env.run(&[
        "guest",
        "add",
        GUID,
        "--first-name",
        " ",
        "--last-name",
        "B",
        "--email",
        "a@example.com",
    ]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr.to_lowercase().contains("first"),
        "{}",
        out.stderr
    );
    let out = env.run(&[
        "guest",
        "add",
        GUID,
        "--first-name",
        "A",
        "--last-name",
        "B",
        "--email",
        "not-an-email",
    ]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("email"), "{}", out.stderr);
    let out = env.run(&[
        "events",
        "list",
        "--from",
        "2026-13-01",
        "--to",
        "2026-12-31",
    ]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("from"), "{}", out.stderr);
    let out = env.run(&[
        "events",
        "list",
        "--from",
        "2026-12-31",
        "--to",
        "2026-01-01",
    ]);
    assert_eq!(out.code, 2);
    let out = env.run(&[
        "guest",
        "resend",
        GUID,
        "--template",
        GUID,
        "--correlation-id",
        "",
    ]);
    assert_eq!(out.code, 2);
    no_api_requests(&env);
}

#[test]
fn malformed_files_name_line_and_column() {
    let env = Env::start();
    let path = env.write(
        "broken.json",
        "{\n  \"eventId\": \"00890adf-1a80-4b1f-87ce-620feb9bec12\",\n  \"name\" \"x\"\n}\n",
    );
    let out = env.run(&["template", "push", &path]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("line 3, column 10"), "{}", out.stderr);
    let out = env.run(&["template", "lint", &path]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("line 3"), "{}", out.stderr);
    let missing = env.data.path().join("missing.json");
    let out = env.run(&["template", "push", missing.to_str().unwrap()]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("cannot read"), "{}", out.stderr);
    // Valid JSON but an invalid field.
    let path = env.write(
        "bad-field.json",
        r#"{"eventId": "nope", "name": "n", "subject": "", "html": "<p>x</p>"}"#,
    );
    let out = env.run(&["template", "push", &path]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("eventId"), "{}", out.stderr);
    no_api_requests(&env);
}

#[test]
fn credentials_and_endpoints_are_checked_first() {
    let env = Env::start();
    // Some but not all of the five variables: bad input naming the missing ones.
    let mut c = env.bare_command(&[
        "events",
        "list",
        "--from",
        "2026-01-01",
        "--to",
        "2026-12-31",
    ]);
    c.env("QFLOW_CLIENT_ID", "x").env("QFLOW_PASSWORD", "y");
    let out = run_command(c, None);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("QFLOW_CLIENT_SECRET"), "{}", out.stderr);
    assert!(
        !out.stderr.contains(" y"),
        "a secret value leaked: {}",
        out.stderr
    );

    // None, and no saved profile: not signed in, exit 1.
    let out = run_command(
        env.bare_command(&[
            "events",
            "list",
            "--from",
            "2026-01-01",
            "--to",
            "2026-12-31",
        ]),
        None,
    );
    assert_eq!(out.code, 1, "{out:?}");
    assert!(out.stderr.starts_with("not_signed_in: "), "{}", out.stderr);
    assert!(out.stderr.contains("login"), "{}", out.stderr);

    let out = env.run(&[
        "--api-base",
        "ftp://example.com",
        "events",
        "list",
        "--from",
        "2026-01-01",
        "--to",
        "2026-12-31",
    ]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("api-base"), "{}", out.stderr);
    let out = env.run(&[
        "--profile",
        "a/b",
        "events",
        "list",
        "--from",
        "2026-01-01",
        "--to",
        "2026-12-31",
    ]);
    assert_eq!(out.code, 2, "{out:?}");
    no_api_requests(&env);
}
