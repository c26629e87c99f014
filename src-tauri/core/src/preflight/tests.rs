//! Seeded templates that trip each check, and a clean one that trips none.

use std::sync::atomic::AtomicBool;

use super::*;
use crate::models::Event;

fn event() -> Event {
    serde_json::from_value(serde_json::json!({
        "id": uuid::Uuid::nil(), "title": "Gala", "startTime": "2026-06-01T18:00:00",
        "endTime": "2026-06-01T23:00:00", "timeZoneId": "Europe/London"
    }))
    .unwrap()
}

fn guest(n: u32, first: &str, email: &str, barcode: Option<&str>, tags: Option<&str>) -> Guest {
    serde_json::from_value(serde_json::json!({
        "id": format!("00000000-0000-0000-0000-{n:012}"), "eventId": uuid::Uuid::nil(),
        "firstName": first, "lastName": "Lee", "email": email, "barcode": barcode, "tags": tags
    }))
    .unwrap()
}

fn people() -> Vec<Guest> {
    vec![
        guest(1, "Ann", "ann@example.com", Some("B1"), Some("VIP")),
        guest(2, "Bob", "bob@example.com", Some("B2"), None),
        guest(
            3,
            "Maximiliana Josefina",
            "max@example.com",
            Some("B3"),
            Some("Press"),
        ),
    ]
}

fn base() -> MergeContext {
    MergeContext::new(people().remove(0), event())
}

fn run(html: &str) -> PreflightReport {
    let t = TemplateFields {
        subject: "Your ticket, {{firstname}}",
        html,
        ..Default::default()
    };
    preflight(&t, &base(), &people(), &PreflightOptions::default())
}

fn rule<'a>(r: &'a PreflightReport, id: &str) -> Vec<&'a PreflightFinding> {
    r.findings.iter().filter(|f| f.rule == id).collect()
}

const CLEAN: &str = r##"<html lang="en"><body style="background-color:#ffffff">
<table role="presentation" width="600"><tr><td style="color:#222222;font-family:Arial">
<h1>Hello {{firstname}}</h1>
<p>Your ticket for {{event}} on {{date}} at {{starttime}}.</p>
<table><tr><td bgcolor="#ffffff" style="padding:12px"><img src="{{barcode_qr}}" alt="Ticket QR code" width="160"></td></tr></table>
<p><a href="https://example.com/events/{{barcode}}">View your ticket online</a></p>
<p><a href="mailto:events@example.com?subject=Unsubscribe">Unsubscribe</a></p>
</td></tr></table></body></html>"##;

#[test]
fn a_clean_template_trips_nothing() {
    let r = run(CLEAN);
    assert_eq!(r.findings, vec![], "{:#?}", r.findings);
    assert_eq!(r.attendees, 3);
    assert_eq!(r.image_count, 1);
    assert!(!r.has_problems());
    // The largest attendee is the one with the long name, measured after merge.
    assert_eq!(
        r.size.attendee.as_ref().unwrap().id,
        "00000000-0000-0000-0000-000000000003"
    );
    assert!(r.size.bytes > CLEAN.len());
}

#[test]
fn unknown_and_empty_tokens_name_the_attendees() {
    let r = run(r##"<html lang="en"><p>Hi {{firstnam}}, tags: {{tags}} {{tags}}</p></html>"##);
    let u = rule(&r, rules::UNKNOWN_TOKEN);
    assert_eq!(u.len(), 1);
    assert_eq!(u[0].severity, Severity::Warning);
    assert_eq!(u[0].suggestion.as_deref(), Some("{{firstname}}"));
    assert_eq!((u[0].line, u[0].col), (Some(1), Some(23)));
    assert_eq!(u[0].attendee_total, 3);
    let e = rule(&r, rules::EMPTY_TOKEN);
    assert_eq!(e.len(), 1, "one finding per token, not per occurrence");
    assert_eq!(e[0].attendee_total, 1);
    assert_eq!(
        e[0].attendees,
        vec![AttendeeRef {
            id: "00000000-0000-0000-0000-000000000002".into(),
            name: "Bob Lee".into()
        }]
    );
    assert!(r.has_problems());
}

#[test]
fn long_names_use_the_limit() {
    let html = r##"<html lang="en"><p>{{firstname}}</p></html>"##;
    let t = TemplateFields {
        subject: "x",
        html,
        ..Default::default()
    };
    let mut list = people();
    list.push(guest(
        5,
        &"Maximiliana".repeat(4),
        "m@example.com",
        Some("B5"),
        None,
    ));
    let r = preflight(&t, &base(), &list, &PreflightOptions::default());
    let l = rule(&r, rules::LONG_VALUE);
    assert_eq!(l.len(), 1);
    assert_eq!(l[0].attendee_total, 1);
    assert!(l[0].message.contains("longest 44"), "{}", l[0].message);
    let opts = PreflightOptions {
        name_limit: 50,
        ..Default::default()
    };
    assert!(rule(&preflight(&t, &base(), &list, &opts), rules::LONG_VALUE).is_empty());
}

#[test]
fn attendee_data_gaps() {
    let mut list = people();
    list.push(guest(4, "Dee", "", None, Some("VIP")));
    let t = TemplateFields {
        subject: "x",
        html: CLEAN,
        ..Default::default()
    };
    let r = preflight(&t, &base(), &list, &PreflightOptions::default());
    assert_eq!(rule(&r, rules::NO_EMAIL)[0].attendees[0].name, "Dee Lee");
    assert_eq!(rule(&r, rules::NO_BARCODE)[0].attendee_total, 1);
    // The merged link with a missing barcode still holds the token: broken for Dee only.
    let broken = rule(&r, rules::LINK_INVALID);
    assert_eq!(broken.len(), 2, "{broken:#?}"); // href and img src
    assert!(broken.iter().all(|f| f.attendee_total == 1));
}

#[test]
fn per_attendee_urls_are_checked_after_merge() {
    let list = vec![
        guest(1, "Ann", "a@example.com", Some("ok"), None),
        guest(2, "Bob", "b@example.com", Some("http://evil.test/x"), None),
    ];
    let html = r##"<html lang="en"><a href="{{barcode}}">View your ticket</a></html>"##;
    let t = TemplateFields {
        subject: "x",
        html,
        ..Default::default()
    };
    let r = preflight(&t, &base(), &list, &PreflightOptions::default());
    let inv = rule(&r, rules::LINK_INVALID);
    assert_eq!(inv.len(), 1, "{:#?}", r.findings);
    assert_eq!(inv[0].attendees[0].name, "Ann Lee"); // "ok" is relative
    let http = rule(&r, rules::LINK_NOT_HTTPS);
    assert_eq!(http[0].attendees[0].name, "Bob Lee");
    assert_eq!((http[0].line, http[0].col), (Some(1), Some(26)));
}

#[test]
fn static_links_syntax_https_mailto_and_safety() {
    let r = run(r##"<html lang="en">
<a href="http://example.com/a">Tickets</a>
<a href="mailto:not-an-address">Write to us</a>
<a href="https://malware.example.net/">Prize</a>
<a href="https://testsafebrowsing.appspot.com/s/phishing.html">Login</a>
<a href="https://192.168.1.4/x">Box office</a>
<a href="/relative/path">Programme</a>
<a href="https://exa mple.com">Venue</a>
</html>"##);
    assert_eq!(
        rule(&r, rules::LINK_NOT_HTTPS)[0].suggestion.as_deref(),
        Some("https://example.com/a")
    );
    assert_eq!(rule(&r, rules::MAILTO_INVALID).len(), 1);
    let flagged = rule(&r, rules::URL_FLAGGED);
    assert_eq!(flagged.len(), 2);
    assert!(flagged[1].message.contains("SOCIAL_ENGINEERING"));
    assert!(flagged
        .iter()
        .all(|f| f.severity == Severity::Error && f.line.is_some()));
    assert_eq!(rule(&r, rules::URL_SUSPICIOUS).len(), 1);
    assert_eq!(rule(&r, rules::LINK_INVALID).len(), 2);
    // A literal scheme and host are checked once, whatever the tokens after them.
    let r = run(
        r##"<html lang="en"><a href="http://malware.test/t/{{barcode}}">Ticket</a>
<a href="http://example.com/t/{{barcode}}?n={{firstname}}">Ticket again</a></html>"##,
    );
    let flagged = rule(&r, rules::URL_FLAGGED);
    assert_eq!((flagged.len(), flagged[0].attendee_total), (1, 0));
    let http = rule(&r, rules::LINK_NOT_HTTPS);
    assert_eq!((http.len(), http[0].line), (1, Some(2)));
}

#[test]
fn accessibility() {
    let r = run(r##"<html><body>
<img src="https://example.com/logo.png">
<p><a href="https://example.com">Click here</a> or <a href="https://example.com/b"> read more… </a></p>
<p style="color:#999999">Small print</p>
<div style="background-color:#000000"><span style="color:#333">dark on dark</span></div>
<h1 style="color:#888888">Big grey heading</h1>
<p style="color:#767676">just passes</p>
</body></html>"##);
    assert_eq!(rule(&r, rules::IMG_MISSING_ALT).len(), 1);
    assert_eq!(rule(&r, rules::MISSING_LANG)[0].severity, Severity::Warning);
    assert_eq!(rule(&r, rules::VAGUE_LINK_TEXT).len(), 2);
    let c = rule(&r, rules::LOW_CONTRAST);
    // #999 on white, #333 on black; #888 heading passes as large text (3.5:1 ≥ 3), #767676 passes.
    assert_eq!(c.len(), 2, "{c:#?}");
    assert_eq!(c[0].line, Some(4));
    assert!(c[1].message.contains("its background"));
    // A fragment without <html> gets a note, not a warning.
    let frag = run("<p>Hello</p>");
    assert_eq!(rule(&frag, rules::MISSING_LANG)[0].severity, Severity::Info);
}

#[test]
fn email_clients_and_scripts() {
    let r = run(
        r##"<html lang="en"><head><style>@font-face{font-family:X} a:hover{color:red} .g{display:grid}</style></head>
<body><div style="display:flex;position:absolute">x</div>
<video src="https://example.com/v.mp4"></video>
<form action="https://example.com"><input type="text"></form>
<script>alert(1)</script><a href="https://example.com" onclick="x()">Open the programme</a>
<img src="https://example.com/a.webp" alt="">
</body></html>"##,
    );
    let c: Vec<&str> = rule(&r, rules::CLIENT_UNSUPPORTED)
        .iter()
        .map(|f| f.message.split(" is dropped").next().unwrap())
        .collect();
    for want in [
        "display:flex",
        "display:grid",
        "position",
        "@font-face",
        ":hover",
        "<video> element",
        "<form> element",
        "webP image format",
    ] {
        assert!(c.iter().any(|m| m.contains(want)), "{want} not in {c:?}");
    }
    let grid = rule(&r, rules::CLIENT_UNSUPPORTED)
        .into_iter()
        .find(|f| f.message.starts_with("display:grid"))
        .unwrap();
    assert!(grid.clients.contains(&"Gmail (web)".to_owned()));
    assert_eq!(grid.severity, Severity::Warning);
    let s = rule(&r, rules::SCRIPT_STRIPPED);
    assert_eq!(s.len(), 2);
    assert!(s.iter().any(|f| f.message.contains("onclick")));
}

#[test]
fn qr_on_a_transparent_background() {
    let r = run(r##"<html lang="en"><p><img src="{{barcode_qr}}" alt="ticket"></p></html>"##);
    assert_eq!(rule(&r, rules::QR_DARK_MODE).len(), 1);
    let ok = run(
        r##"<html lang="en"><div style="background:#fff"><img src="{{barcode_qr}}" alt="ticket"></div></html>"##,
    );
    assert!(rule(&ok, rules::QR_DARK_MODE).is_empty());
}

#[test]
fn size_against_gmail_clipping() {
    let big = format!(
        r##"<html lang="en"><p>{{{{firstname}}}}</p>{}</html>"##,
        "<p>x</p>".repeat(13_100)
    );
    let r = run(&big);
    let g = rule(&r, rules::GMAIL_CLIPPED);
    assert_eq!(g.len(), 1);
    assert_eq!(g[0].attendees[0].id, "00000000-0000-0000-0000-000000000003");
    assert_eq!(
        r.size.bytes,
        big.len() - "{{firstname}}".len() + "Maximiliana Josefina".len()
    );
}

#[test]
fn every_rule_is_exercised_by_these_tests() {
    let src = include_str!("tests.rs");
    for r in rules::ALL {
        let konst = rules_const_name(r);
        assert!(src.contains(&format!("rules::{konst}")), "{r} has no test");
    }
}

fn rules_const_name(id: &str) -> String {
    match id {
        "attendee-no-email" => "NO_EMAIL".into(),
        "insecure-link" => "LINK_NOT_HTTPS".into(),
        "attendee-no-barcode" => "NO_BARCODE".into(),
        "url-flagged-unsafe" => "URL_FLAGGED".into(),
        "gmail-clipped" => "GMAIL_CLIPPED".into(),
        "script-stripped" => "SCRIPT_STRIPPED".into(),
        "qr-dark-mode" => "QR_DARK_MODE".into(),
        "client-unsupported" => "CLIENT_UNSUPPORTED".into(),
        "mailto-invalid" => "MAILTO_INVALID".into(),
        other => other.replace('-', "_").to_uppercase(),
    }
}

#[test]
fn a_stopped_run_gives_up_on_one_thread_and_on_several() {
    let t = TemplateFields {
        subject: "Your ticket, {{firstname}}",
        html: CLEAN,
        ..Default::default()
    };
    let opts = PreflightOptions::default();
    // 3 attendees run on this thread; 4,000 on worker threads (the split starts at 2,000).
    let many: Vec<Guest> = (0..4_000)
        .map(|n| guest(n, "Ann", "ann@example.com", Some("B1"), None))
        .collect();
    for list in [people(), many] {
        let stop = AtomicBool::new(true);
        assert_eq!(preflight_until(&t, &base(), &list, &opts, &stop), None);
        let go = AtomicBool::new(false);
        let full = preflight_until(&t, &base(), &list, &opts, &go).unwrap();
        assert_eq!(full, preflight(&t, &base(), &list, &opts));
        assert_eq!(full.attendees as usize, list.len());
    }
}
