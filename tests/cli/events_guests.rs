//! `events`, `event`, `guests`, `guest` against the in-process sandbox, through the real binary.

use crate::cli_common;
use cli_common::Env;
use qflow_core::store::{SendResult, Store};
use qflow_sandbox::{Fault, FaultKind};
use serde_json::Value;

fn send_log(env: &Env) -> Vec<qflow_core::store::SendLogEntry> {
    let store = Store::open(&env.data.path().join(qflow_core::store::DB_FILE)).unwrap();
    store.recent_sends(None, 100).unwrap()
}

#[test]
fn events_list_and_show() {
    let env = Env::start();
    let out = env
        .run(&[
            "events",
            "list",
            "--from",
            "2000-01-01",
            "--to",
            "2100-12-31",
        ])
        .ok();
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 4, "header + 3 events: {}", out.stdout);
    assert!(lines[0].starts_with("ID") && lines[0].contains("TITLE") && lines[0].contains("START"));
    // Times name the zone and its offset.
    assert!(
        out.stdout.contains("Europe/London (UTC+0"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("America/New_York (UTC-0"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("Asia/Tokyo (UTC+09:00)"),
        "{}",
        out.stdout
    );
    assert!(out.stderr.contains("3 event(s)"));

    let events = env.events();
    assert_eq!(events.len(), 3);
    assert!(events
        .iter()
        .all(|e| e["timeZoneId"].is_string() && e["startTime"].is_string()));
    let id = events[1]["id"].as_str().unwrap();
    let shown = env.run(&["event", "show", id, "--json"]).ok().json();
    assert_eq!(shown["id"], events[1]["id"]);
    assert_eq!(shown["title"], events[1]["title"]);
    let human = env.run(&["event", "show", id]).ok();
    assert!(
        human.stdout.contains("America/New_York"),
        "{}",
        human.stdout
    );

    // A narrow window finds fewer events.
    let out = env
        .run(&[
            "events",
            "list",
            "--from",
            "2000-01-01",
            "--to",
            "2000-01-02",
            "--json",
        ])
        .ok();
    assert_eq!(out.json(), Value::Array(vec![]));
}

#[test]
fn unknown_ids_are_api_errors_exit_1() {
    let env = Env::start();
    let missing = "0b5a1c59-1111-4222-8333-944445555666";
    let out = env.run(&["event", "show", missing]);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(out.stderr.starts_with("not_found: "), "{}", out.stderr);
    assert!(out.stderr.contains("Next: "), "{}", out.stderr);
    assert!(out.stdout.is_empty());
    let out = env.run(&["guest", "show", missing, "--json"]);
    assert_eq!(out.code, 1);
    let v = out.json();
    assert_eq!(v["error"]["status"], 404);
    assert_eq!(v["error"]["code"], "not_found");
}

#[test]
fn guests_list_and_search() {
    let env = Env::start();
    let event = env.event_id(1);
    let all = env.guests(&event);
    assert!(all.len() > 50, "{}", all.len());
    let out = env.run(&["guests", "list", &event]).ok();
    assert_eq!(out.stdout.lines().count(), all.len() + 1);
    assert!(out.stdout.lines().next().unwrap().contains("EMAIL"));

    // Search by a last name: every hit carries it, and it is a strict subset.
    let last = all[3]["lastName"].as_str().unwrap().to_owned();
    let hits = env
        .run(&[
            "guests",
            "list",
            &event,
            "--search",
            &last.to_uppercase(),
            "--json",
        ])
        .ok()
        .json();
    let hits = hits.as_array().unwrap();
    assert!(
        !hits.is_empty() && hits.len() < all.len(),
        "{} of {}",
        hits.len(),
        all.len()
    );
    for h in hits {
        let text = h.to_string().to_lowercase();
        assert!(text.contains(&last.to_lowercase()), "{h}");
    }
    // The JSON keeps fields as the API returned them.
    assert!(
        hits[0].get("checkedIn").is_some() && hits[0].get("barcode").is_some(),
        "{}",
        hits[0]
    );
    let human = env.run(&["guests", "list", &event, "--search", &last]).ok();
    assert_eq!(human.stdout.lines().count(), hits.len() + 1);
    assert!(
        human.stderr.contains(&format!(
            "{} of {} attendee(s) match",
            hits.len(),
            all.len()
        )),
        "{}",
        human.stderr
    );
}

#[test]
fn guest_add_show_checkin_checkout() {
    let env = Env::start();
    let event = env.event_id(1);
    let out = env
        .run(&[
            "guest",
            "add",
            &event,
            "--first-name",
            "Zoë",
            "--last-name",
            "Ødegård",
            "--email",
            "zoe.test@example.com",
            "--tags",
            "VIP,Speaker",
        ])
        .ok();
    let id = out.stdout.trim().to_owned();
    uuid::Uuid::parse_str(&id).expect("stdout is the new id");
    assert_eq!(env.sandbox.requests("POST", "/api/guest"), 1);
    let g = env.run(&["guest", "show", &id, "--json"]).ok().json();
    assert_eq!(g["firstName"], "Zoë");
    assert_eq!(g["eventId"], event.as_str());
    assert_eq!(g["tags"], "VIP,Speaker");

    let g = env.run(&["guest", "checkin", &id, "--json"]).ok().json();
    assert_eq!(g["checkedIn"], true);
    let human = env.run(&["guest", "show", &id]).ok();
    assert!(
        human.stdout.contains("checked in:") && human.stdout.contains("yes ("),
        "{}",
        human.stdout
    );
    let g = env.run(&["guest", "checkout", &id, "--json"]).ok().json();
    assert_eq!(g["checkedIn"], false);
}

#[test]
fn guest_add_with_template_sends_once() {
    let env = Env::start();
    let event = env.event_id(1);
    let template = env.templates(&event)[0]["id"].as_str().unwrap().to_owned();
    // A bouncing address: the atomic send makes it suppressed, which proves the send happened.
    let email = format!("new.guest@{}", qflow_sandbox::BOUNCE_DOMAIN);
    let g = env
        .run(&[
            "guest",
            "add",
            &event,
            "--first-name",
            "New",
            "--last-name",
            "Guest",
            "--email",
            &email,
            "--template",
            &template,
            "--correlation-id",
            "cli-test-1",
            "--json",
        ])
        .ok()
        .json();
    let id = g["id"].as_str().unwrap().to_owned();
    assert_eq!(env.sandbox.requests("POST", "/api/guest"), 1);
    // In the local send log, as the desk's add: the duplicate guard sees it.
    let log = qflow_core::store::Store::open(&env.data.path().join(qflow_core::store::DB_FILE))
        .unwrap()
        .recent_sends(None, 100)
        .unwrap();
    assert!(
        log.iter().any(|s| s.attendee_id.to_string() == id
            && s.correlation_id.as_deref() == Some("cli-test-1")),
        "{log:?}"
    );
    assert_eq!(env.sandbox.requests("POST", "/api/comms/send"), 0);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        // --force: a resend that went out before the bounce arrived is not what this waits for.
        let out = env.run(&["guest", "resend", &id, "--template", &template, "--force"]);
        if out.code == 1 && out.stderr.starts_with("previous_send_permanently_failed: ") {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the atomic send never bounced: {out:?}"
        );
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
}

#[test]
fn guest_resend_is_queued_and_logged() {
    let env = Env::start();
    let event = env.event_id(1);
    let template = env.templates(&event)[1]["id"].as_str().unwrap().to_owned();
    let guest = env.ordinary_guest(&event);
    let gid = guest["id"].as_str().unwrap();
    let out = env
        .run(&[
            "guest",
            "resend",
            gid,
            "--template",
            &template,
            "--correlation-id",
            "resend-1",
        ])
        .ok();
    assert!(
        out.stdout.contains("attendeeInvitationId:"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("status:") && out.stdout.contains("queued"),
        "{}",
        out.stdout
    );
    // The same template again within 10 minutes: confirmed with --force (the guard is tested
    // in tests/cli/desk.rs).
    let v = env
        .run(&[
            "guest",
            "resend",
            gid,
            "--template",
            &template,
            "--json",
            "--force",
        ])
        .ok()
        .json();
    assert_eq!(v["status"], "queued");
    uuid::Uuid::parse_str(v["attendeeInvitationId"].as_str().unwrap()).unwrap();
    assert_eq!(env.sandbox.requests("POST", "/api/comms/send"), 2);

    let log = send_log(&env);
    assert_eq!(log.len(), 2, "{log:?}");
    assert!(log
        .iter()
        .all(|e| e.result == SendResult::Queued && e.attendee_id.to_string() == gid));
    assert!(log
        .iter()
        .any(|e| e.correlation_id.as_deref() == Some("resend-1")));
}

#[test]
fn resend_to_a_suppressed_recipient_exits_1_with_the_code() {
    let env = Env::start();
    let event = env.event_id(1);
    let template = env.templates(&event)[0]["id"].as_str().unwrap().to_owned();
    let suppressed = env
        .guests(&event)
        .into_iter()
        .find(|g| g["email"] == qflow_sandbox::SUPPRESSED_EMAIL)
        .expect("the seeded suppressed attendee");
    let gid = suppressed["id"].as_str().unwrap();

    let out = env.run(&["guest", "resend", gid, "--template", &template]);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stderr.starts_with("previous_send_permanently_failed: "),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("spam reported"), "{}", out.stderr);
    assert!(out.stdout.is_empty());

    let out = env.run(&["guest", "resend", gid, "--template", &template, "--json"]);
    assert_eq!(out.code, 1);
    let e = &out.json()["error"];
    assert_eq!(e["status"], 422);
    assert_eq!(e["code"], "previous_send_permanently_failed");
    assert_eq!(e["failureType"], "spam_reported");
    assert!(
        e["lastFailureAt"].is_string() && e["lastFailureReason"].is_string(),
        "{e}"
    );
    assert!(e["message"].is_string() && e["nextStep"].is_string());

    let log = send_log(&env);
    assert_eq!(log.len(), 2);
    assert!(log.iter().all(|l| l.result == SendResult::Error
        && l.error_code.as_deref() == Some("previous_send_permanently_failed")));
}

#[test]
fn lost_answer_to_a_send_is_outcome_unknown_and_not_retried() {
    let env = Env::start();
    let event = env.event_id(1);
    let template = env.templates(&event)[0]["id"].as_str().unwrap().to_owned();
    let gid = env.guests(&event)[5]["id"].as_str().unwrap().to_owned();
    env.sandbox.inject(Fault {
        method: "POST".into(),
        path_prefix: "/api/comms/send".into(),
        kind: FaultKind::DropAfterRead,
    });
    let out = env.run(&["guest", "resend", &gid, "--template", &template, "--json"]);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stderr.starts_with("outcome_unknown: "),
        "{}",
        out.stderr
    );
    assert_eq!(out.json()["error"]["code"], "outcome_unknown");
    assert_eq!(
        env.sandbox.requests("POST", "/api/comms/send"),
        1,
        "a send must never be retried"
    );
    let log = send_log(&env);
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].result, SendResult::OutcomeUnknown);
}
