//! `templates list`, `template show|push|delete|render|lint` through the real binary.

use crate::cli_common;
use cli_common::{run_command, Env};
use serde_json::{json, Value};

/// Guest and event JSON files as `guest show --json` / `event show --json` write them.
fn fixtures(env: &Env) -> (String, String, String) {
    let event = env.event_id(1);
    let guest_id = env.guests(&event)[2]["id"].as_str().unwrap().to_owned();
    let guest = env.run(&["guest", "show", &guest_id, "--json"]).ok().stdout;
    let ev = env.run(&["event", "show", &event, "--json"]).ok().stdout;
    (
        event,
        env.write("guest.json", &guest),
        env.write("event.json", &ev),
    )
}

#[test]
fn render_is_offline_and_json_has_the_four_keys() {
    let env = Env::start();
    let (_, guest, event) = fixtures(&env);
    let g: Value = serde_json::from_str(&std::fs::read_to_string(&guest).unwrap()).unwrap();
    let first = g["firstName"].as_str().unwrap().to_owned();
    let tokens_before = env.sandbox.token_requests();
    let tpl = env.write(
        "t.json",
        &json!({"name": "n", "subject": "Hi {{firstname}} & co", "html": "<p>{{firstname}} {{firstnam}}</p><p>{{companyname}}</p>",
                "attachPdf": true, "emailBody": null}).to_string(),
    );
    // No credentials at all: render needs no sign-in.
    let out = run_command(
        env.bare_command(&[
            "template",
            "render",
            &tpl,
            "--guest",
            &guest,
            "--event",
            &event,
            "--company",
            "A<B>",
            "--json",
        ]),
        None,
    );
    assert_eq!(out.code, 0, "{out:?}");
    let v = out.json();
    let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, ["subject", "html", "emailBody", "unknownTokens"]);
    assert_eq!(v["subject"], format!("Hi {first} & co"));
    assert_eq!(
        v["html"],
        format!("<p>{first} {{{{firstnam}}}}</p><p>A&lt;B&gt;</p>")
    );
    assert_eq!(v["emailBody"], "Please find your invitation attached.");
    let unknown = v["unknownTokens"].as_array().unwrap();
    assert_eq!(unknown.len(), 1, "{unknown:?}");
    assert_eq!(unknown[0]["token"], "{{firstnam}}");
    assert_eq!(unknown[0]["suggestion"], "{{firstname}}");
    assert_eq!(
        env.sandbox.token_requests(),
        tokens_before,
        "render made a request"
    );

    // An .html file; human output with the unknown token reported on stderr.
    let html = env.write(
        "t.html",
        "<h1>{{event}}</h1><p>{{date}} {{starttime}} {{nope}}</p>\n",
    );
    let out = env
        .run(&[
            "template", "render", &html, "--guest", &guest, "--event", &event,
        ])
        .ok();
    assert!(
        out.stdout
            .contains("<h1>Qflow Customer Conference New York</h1>"),
        "{}",
        out.stdout
    );
    assert!(
        out.stderr.contains("{{nope}}") && out.stderr.contains("html:1:"),
        "{}",
        out.stderr
    );

    // A bad event file names the file.
    let bad = env.write("bad-event.json", r#"{"title": "x", "startTime": "2026-06-01T10:00:00", "endTime": "2026-06-01T11:00:00", "timeZoneId": "Mars/Base"}"#);
    let out = env.run(&[
        "template", "render", &html, "--guest", &guest, "--event", &bad,
    ]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr.contains("bad-event.json") && out.stderr.contains("Mars/Base"),
        "{}",
        out.stderr
    );
}

#[test]
fn lint_exit_codes() {
    let env = Env::start();
    let clean = env.write(
        "clean.html",
        r#"<p>Hi {{firstname}}</p><img src="{{barcode_qr}}" alt="ticket"><p><a href="https://example.com/unsubscribe">Unsubscribe</a></p>"#,
    );
    let out = run_command(env.bare_command(&["template", "lint", &clean]), None);
    assert_eq!(out.code, 0, "{out:?}");
    let dirty = env.write("dirty.html", "<p>Hi {{firstnam}}</p><img src=\"x.png\">");
    let out = run_command(env.bare_command(&["template", "lint", &dirty]), None);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stdout.contains("unknown-token") && out.stdout.contains("img-missing-alt"),
        "{}",
        out.stdout
    );
    let v = run_command(
        env.bare_command(&["template", "lint", &dirty, "--json"]),
        None,
    )
    .json();
    assert_eq!(v["warnings"], 2);
    assert!(v["issues"]
        .as_array()
        .unwrap()
        .iter()
        .any(|i| i["rule"] == "unknown-token" && i["line"] == 1));

    // fromAddress against the account's domain: the seeded one is not verified.
    let from = env.write("from.json", &json!({"subject": "s", "html": "<p>x</p><a href=\"https://e.com/unsubscribe\">u</a>", "fromAddress": "events@events.example.com"}).to_string());
    let out = env.run(&["template", "lint", &from, "--json"]);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(out.json()["issues"]
        .as_array()
        .unwrap()
        .iter()
        .any(|i| i["rule"] == "from-address-domain"));
    // Offline with --domain.
    let out = run_command(
        env.bare_command(&["template", "lint", &from, "--domain", "events.example.com"]),
        None,
    );
    assert_eq!(out.code, 0, "{out:?}");
}

#[test]
fn push_creates_then_updates_with_partial_rules() {
    let env = Env::start();
    let event = env.event_id(0);
    let before = env.templates(&event).len();
    let file = env.write(
        "tpl.json",
        &json!({"eventId": event, "name": "CLI template", "subject": "Hello {{firstname}}", "html": "<p>Hi {{firstname}}</p>",
                "fromName": "Acme Events", "replyTo": "help@example.com"}).to_string(),
    );
    let out = env.run(&["template", "push", &file]).ok();
    let id = out.stdout.trim().to_owned();
    uuid::Uuid::parse_str(&id).expect("stdout is the template id");
    assert!(out.stderr.contains("Add \"id\""), "{}", out.stderr);
    assert_eq!(env.templates(&event).len(), before + 1);

    // Update by id without fromName: it is kept. replyTo "" clears it.
    let file = env.write(
        "tpl.json",
        &json!({"id": id, "eventId": event, "name": "CLI template v2", "subject": "Hello again", "html": "<p>v2</p>",
                "replyTo": "", "created": "2020-01-01T00:00:00Z"}).to_string(),
    );
    let v = env.run(&["template", "push", &file, "--json"]).ok().json();
    assert_eq!(v["id"], id.as_str());
    let shown = env.run(&["template", "show", &id, "--json"]).ok().json();
    assert_eq!(shown["name"], "CLI template v2");
    assert_eq!(shown["fromName"], "Acme Events");
    assert!(
        shown["replyTo"].is_null() || shown["replyTo"] == "",
        "{shown}"
    );
    assert_eq!(env.templates(&event).len(), before + 1);
    let human = env.run(&["template", "show", &id]).ok();
    assert!(
        human.stdout.contains("name:") && human.stdout.contains("<p>v2</p>"),
        "{}",
        human.stdout
    );

    // An unverified fromAddress: the API's 422, exit 1.
    let file = env.write(
        "tpl.json",
        &json!({"id": id, "eventId": event, "name": "n", "subject": "s", "html": "<p>x</p>", "fromAddress": "a@nowhere.example.org"}).to_string(),
    );
    let out = env.run(&["template", "push", &file, "--json"]);
    assert_eq!(out.code, 1, "{out:?}");
    assert_eq!(
        out.json()["error"]["code"],
        "fromaddress_domain_not_verified"
    );
    assert_eq!(out.json()["error"]["status"], 422);
}

#[test]
fn push_refuses_a_from_address_outside_the_verified_domain_before_any_post() {
    let env = Env::start();
    let event = env.event_id(0);
    let before = env.templates(&event).len();
    let posts = env.sandbox.requests("POST", "/api/comms/template");
    let addr = "tickets@unverified-brand.example";
    let file = env.write(
        "from.json",
        &json!({"eventId": event, "name": "From check", "subject": "s", "html": "<p>x</p>",
                "fromAddress": addr})
        .to_string(),
    );
    let out = env.run(&["template", "push", &file, "--json"]);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stderr.contains("unverified-brand.example"),
        "names the domain: {}",
        out.stderr
    );
    let err = &out.json()["error"];
    // The studio's answer, from the same core rule (the sandbox's seeded domain is unverified).
    let studio = qflow_core::ops::studio::from_address_problem(addr, None)
        .expect("refused")
        .body();
    assert_eq!(err["code"], studio.code.as_str());
    assert_eq!(err["code"], "fromaddress_domain_not_verified");
    assert_eq!(err["message"], studio.message.as_str());
    assert_eq!(err["checkedLocally"], true);
    assert_eq!(
        env.sandbox.requests("POST", "/api/comms/template"),
        posts,
        "no POST reached the sandbox"
    );
    assert_eq!(env.templates(&event).len(), before);

    // Human output: the same message on stderr, exit 1.
    let out = env.run(&["template", "push", &file]);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stderr.contains(&format!(
            "fromaddress_domain_not_verified: {}",
            studio.message
        )),
        "{}",
        out.stderr
    );
    assert_eq!(env.sandbox.requests("POST", "/api/comms/template"), posts);
}

#[test]
fn delete_removes_the_template_and_a_second_delete_says_not_found() {
    let env = Env::start();
    let event = env.event_id(0);
    let file = env.write(
        "gone.json",
        &json!({"eventId": event, "name": "To delete", "subject": "s", "html": "<p>x</p>"})
            .to_string(),
    );
    let id = env
        .run(&["template", "push", &file])
        .ok()
        .stdout
        .trim()
        .to_owned();
    assert!(env.templates(&event).iter().any(|t| t["id"] == id.as_str()));

    // A bad id is refused before any request (exit 2).
    let out = env.run(&["template", "delete", "nope"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert_eq!(
        env.sandbox.requests("POST", "/api/comms/template/delete"),
        0
    );

    let out = env.run(&["template", "delete", &id]).ok();
    assert!(
        out.stderr.contains(&format!("Deleted template {id}.")),
        "{}",
        out.stderr
    );
    assert_eq!(
        env.sandbox.requests("POST", "/api/comms/template/delete"),
        1
    );
    assert!(env.templates(&event).iter().all(|t| t["id"] != id.as_str()));

    let out = env.run(&["template", "delete", &id, "--json"]);
    assert_eq!(out.code, 1, "{out:?}");
    assert_eq!(out.json()["error"]["code"], "not_found");

    // --json on success: the id and what happened.
    let id2 = env
        .run(&["template", "push", &file])
        .ok()
        .stdout
        .trim()
        .to_owned();
    let v = env.run(&["template", "delete", &id2, "--json"]).ok().json();
    assert_eq!(v, json!({"id": id2, "deleted": true}));
    let help = env.run(&["template", "--help"]).ok();
    assert!(help.stdout.contains("delete"), "{}", help.stdout);
}

/// `template lint FILE --event ID`: the pre-flight against the event's attendees, naming them.
#[test]
fn lint_against_every_attendee_of_an_event() {
    let env = Env::start();
    let event = env.event_id(1);
    let guests = env.guests(&event);
    let dirty = env.write(
        "dirty.html",
        "<html lang=\"en\"><p>Hi {{firstname}} {{firstnam}}, {{tags}}</p>\
         <a href=\"https://phish.example.com/login\">Your ticket</a></html>",
    );
    let out = env.run(&["template", "lint", &dirty, "--event", &event, "--json"]);
    assert_eq!(out.code, 1, "{out:?}");
    let v = out.json();
    assert_eq!(v["attendees"].as_u64().unwrap() as usize, guests.len());
    let findings = v["findings"].as_array().unwrap();
    let rule = |id: &str| findings.iter().find(|f| f["rule"] == id).cloned();
    assert_eq!(rule("unknown-token").unwrap()["line"], 1);
    assert!(rule("url-flagged-unsafe").is_some());
    // {{tags}} is empty for the attendees without tags, by id and name.
    let untagged: Vec<&Value> = guests
        .iter()
        .filter(|g| g["tags"].as_str().is_none_or(|t| t.trim().is_empty()))
        .collect();
    let empty = rule("empty-token").expect("some seeded attendees have no tags");
    assert_eq!(
        empty["attendeeTotal"].as_u64().unwrap() as usize,
        untagged.len()
    );
    let first = &empty["attendees"][0];
    assert!(untagged.iter().any(|g| g["id"] == first["id"]));
    assert!(first["name"].as_str().is_some_and(|n| !n.is_empty()));

    // The text form names them too; the name limit is the user's.
    let out = env.run(&[
        "template",
        "lint",
        &dirty,
        "--event",
        &event,
        "--name-limit",
        "2",
    ]);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stdout.contains("long-value") && out.stdout.contains("empty-token"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains(first["id"].as_str().unwrap()),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("Largest email:"), "{}", out.stdout);

    // Nothing wrong (notes only): exit 0.
    let clean = env.write(
        "clean.html",
        "<html lang=\"en\"><p>See you at {{event}}.</p><p><a href=\"https://example.com/programme\">The programme</a></p></html>",
    );
    let out = env.run(&["template", "lint", &clean, "--event", &event]);
    assert_eq!(out.code, 0, "{out:?}");
}
