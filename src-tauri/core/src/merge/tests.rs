use super::*;
use serde_json::json;

fn ctx() -> MergeContext {
    MergeContext::from_json(
        &json!({
            "firstName": "Zoë", "lastName": "O'Brien", "otherNames": "Mary Ann",
            "email": "zoe@example.com", "barcode": "4GA6965Q1G5EZ0FB", "plusOnes": 2,
            "additionalInfo": "Needs <ramp> & \"quiet\" seat",
            "tags": "VIP, Speaker", "tickets": "Gold", "sessions": "Keynote,Workshop A,,",
            "customFields": ["Table 7", "", "<b>x</b>"]
        }),
        &json!({"title": "Summit & Expo", "startTime": "2026-06-01T10:00:00",
                "endTime": "2026-06-01T22:30:00", "timeZoneId": "Europe/London"}),
    )
    .unwrap()
    .with_company_name("Acme <Events>")
    .with_rsvp_links("https://rsvp.example/y?a=1&b=2", "https://rsvp.example/n")
}

fn html(src: &str, c: &MergeContext) -> (String, Vec<UnknownToken>) {
    let mut u = vec![];
    let out = render_str(src, TemplateField::Html, c, &mut u);
    (out, u)
}

fn subject(src: &str, c: &MergeContext) -> String {
    render_str(src, TemplateField::Subject, c, &mut vec![])
}

#[test]
fn every_token_in_html() {
    let c = ctx();
    let cases = [
        ("firstname", "Zoë"),
        ("lastname", "O&#39;Brien"),
        ("fullname", "Zoë O&#39;Brien"),
        ("othernames", "Mary Ann"),
        ("email", "zoe@example.com"),
        ("barcode", "4GA6965Q1G5EZ0FB"),
        (
            "barcode_qr",
            "https://api-uksouth-01.qflowhub.io/qr/4GA6965Q1G5EZ0FB",
        ),
        ("plusones", "2"),
        (
            "guestnotes",
            "Needs &lt;ramp&gt; &amp; &quot;quiet&quot; seat",
        ),
        ("tags", "VIP<br>Speaker"),
        ("tickets", "Gold"),
        ("sessions", "Keynote<br>Workshop A"),
        ("event", "Summit &amp; Expo"),
        ("date", "01 June 2026"),
        ("starttime", "10:00"),
        ("endtime", "22:30"),
        ("companyname", "Acme &lt;Events&gt;"),
        ("rsvplink_yes", "https://rsvp.example/y?a=1&amp;b=2"),
        ("rsvplink_no", "https://rsvp.example/n"),
        ("V_1", "Table 7"),
        ("V_3", "&lt;b&gt;x&lt;/b&gt;"),
    ];
    for (name, want) in cases {
        let (out, unknown) = html(&format!("[{{{{{name}}}}}]"), &c);
        assert_eq!(out, format!("[{want}]"), "{name}");
        assert!(unknown.is_empty(), "{name}: {unknown:?}");
    }
    // Every fixed token of the table is covered above.
    for t in tokens() {
        assert!(
            cases.iter().any(|(n, _)| *n == t.name),
            "{} untested",
            t.name
        );
    }
}

#[test]
fn subject_is_not_escaped_and_single_line() {
    let mut c = ctx();
    c.guest.additional_info = Some("line1\nline2".into());
    assert_eq!(
        subject("{{fullname}} @ {{event}}", &c),
        "Zoë O'Brien @ Summit & Expo"
    );
    assert_eq!(
        subject("{{tags}} / {{sessions}}", &c),
        "VIP, Speaker / Keynote, Workshop A"
    );
    assert_eq!(subject("{{guestnotes}}", &c), "line1 line2");
}

#[test]
fn unknown_and_no_data_tokens_are_left_literal_and_reported() {
    let mut c = ctx();
    c.guest.other_names = None;
    c.guest.custom_fields = Some(vec!["a".into(), "".into()]);
    let src = "Hi {{firstnam}},\n  {{ firstname }} {{FirstName}} {{othernames}}{{V_2}}{{V_9}} {{firstname}}";
    let (out, unknown) = html(src, &c);
    assert_eq!(
        out,
        "Hi {{firstnam}},\n  {{ firstname }} {{FirstName}} {{othernames}}{{V_2}}{{V_9}} Zoë"
    );
    let got: Vec<_> = unknown
        .iter()
        .map(|u| {
            (
                u.token.as_str(),
                u.reason,
                u.offset,
                u.line,
                u.col,
                u.suggestion.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (
                "{{firstnam}}",
                UnknownReason::Unknown,
                3,
                1,
                4,
                Some("{{firstname}}")
            ),
            (
                "{{ firstname }}",
                UnknownReason::Unknown,
                19,
                2,
                3,
                Some("{{firstname}}")
            ),
            (
                "{{FirstName}}",
                UnknownReason::Unknown,
                35,
                2,
                19,
                Some("{{firstname}}")
            ),
            ("{{othernames}}", UnknownReason::NoData, 49, 2, 33, None),
            ("{{V_2}}", UnknownReason::NoData, 63, 2, 47, None),
            ("{{V_9}}", UnknownReason::NoData, 70, 2, 54, None),
        ]
    );
    assert!(unknown.iter().all(|u| u.field == TemplateField::Html));
}

#[test]
fn empty_values_count_as_no_data_but_plusones_is_empty() {
    let mut c = ctx();
    c.guest.first_name.clear();
    c.guest.plus_ones = Some(0);
    c.guest.tags = Some(" , ".into());
    c.guest.barcode = None;
    c.company_name = None;
    let (out, unknown) = html(
        "{{firstname}}|{{fullname}}|{{plusones}}|{{tags}}|{{barcode_qr}}|{{companyname}}",
        &c,
    );
    assert_eq!(
        out,
        "{{firstname}}|O&#39;Brien||{{tags}}|{{barcode_qr}}|{{companyname}}"
    );
    assert_eq!(unknown.len(), 4);
    assert!(unknown.iter().all(|u| u.reason == UnknownReason::NoData));
    c.guest.plus_ones = None;
    assert_eq!(html("[{{plusones}}]", &c).0, "[]");
}

#[test]
fn barcode_qr_base_override_and_encoding() {
    let mut c = ctx().with_qr_base("http://127.0.0.1:9/qr?c=");
    c.guest.barcode = Some("A B/é".into());
    assert_eq!(
        html("{{barcode_qr}}", &c).0,
        "http://127.0.0.1:9/qr?c=A%20B%2F%C3%A9"
    );
    let c = c.with_barcode_qr_url("data:image/png;base64,AAA=");
    assert_eq!(html("{{barcode_qr}}", &c).0, "data:image/png;base64,AAA=");
}

#[test]
fn non_tokens_are_copied_verbatim() {
    let c = ctx();
    let src = "<style>a{color:red}</style>{{}} {{{firstname}}} {{a\nb}} {é} {{";
    assert_eq!(
        html(src, &c).0,
        "<style>a{color:red}</style>{{}} {Zoë} {{a\nb}} {é} {{"
    );
}

#[test]
fn courier_mode() {
    let c = ctx();
    let mut t = TemplateFields {
        subject: "Ticket — {{firstname}}",
        html: "<h1>{{lastname}}</h1>",
        attach_pdf: false,
        email_body: Some("<p>Hi {{firstname}} {{nope}}</p>"),
        from_address: None,
    };
    // attachPdf off: email = html, emailBody ignored (not rendered, not reported).
    let r = render_template(&t, &c);
    assert_eq!(r.subject, "Ticket — Zoë");
    assert_eq!(r.html, "<h1>O&#39;Brien</h1>");
    assert_eq!(
        (r.email_body.as_deref(), r.pdf_html.as_deref()),
        (None, None)
    );
    assert_eq!(r.sent_body(), "<h1>O&#39;Brien</h1>");
    assert!(r.unknown_tokens.is_empty());
    // attachPdf on + emailBody: email = emailBody, pdf = html.
    t.attach_pdf = true;
    let r = render_template(&t, &c);
    assert_eq!(r.sent_body(), "<p>Hi Zoë {{nope}}</p>");
    assert_eq!(r.pdf_html.as_deref(), Some("<h1>O&#39;Brien</h1>"));
    assert_eq!(r.unknown_tokens.len(), 1);
    assert_eq!(r.unknown_tokens[0].field, TemplateField::EmailBody);
    // attachPdf on, emailBody null or "": the guide's fallback text.
    for body in [None, Some("")] {
        t.email_body = body;
        let r = render_template(&t, &c);
        assert_eq!(r.email_body.as_deref(), Some(COURIER_FALLBACK_BODY));
        assert_eq!(r.pdf_html.as_deref(), Some("<h1>O&#39;Brien</h1>"));
    }
}

#[test]
fn render_json_has_exactly_the_cli_keys() {
    let t = TemplateFields {
        subject: "{{x}}",
        html: "<p>{{firstname}}</p>",
        ..Default::default()
    };
    let v = serde_json::to_value(RenderJson::from(render_template(&t, &ctx()))).unwrap();
    let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, ["subject", "html", "emailBody", "unknownTokens"]);
    assert_eq!(v["emailBody"], Value::Null);
    assert_eq!(v["unknownTokens"][0]["field"], "subject");
    assert_eq!(v["unknownTokens"][0]["reason"], "unknown");
    assert_eq!(v["unknownTokens"][0]["token"], "{{x}}");
}

#[test]
fn fields_from_template_and_upsert() {
    let tpl: Template = serde_json::from_value(json!({
        "id": Uuid::nil(), "eventId": Uuid::nil(), "name": "n", "subject": null,
        "html": "<p/>", "attachPdf": true, "emailBody": "b"
    }))
    .unwrap();
    let f = TemplateFields::from(&tpl);
    assert_eq!(
        (f.subject, f.attach_pdf, f.email_body),
        ("", true, Some("b"))
    );
    let up = TemplateUpsert {
        id: Uuid::nil(),
        event_id: Uuid::nil(),
        name: "n".into(),
        subject: "s".into(),
        html: "<p/>".into(),
        from_address: Some("a@b.com".into()),
        from_name: None,
        reply_to: None,
        attach_pdf: None,
        email_body: None,
    };
    let f = TemplateFields::from(&up);
    assert_eq!(
        (f.subject, f.attach_pdf, f.from_address),
        ("s", false, Some("a@b.com"))
    );
}

fn event_at(start: &str, end: &str, zone: &str) -> MergeContext {
    MergeContext::from_json(
        &json!({"firstName": "A", "lastName": "B", "email": "a@b.co"}),
        &json!({"title": "T", "startTime": start, "endTime": end, "timeZoneId": zone}),
    )
    .unwrap()
}

#[test]
fn naive_times_are_the_events_local_time() {
    // No offset: formatted as is, whatever the zone (no conversion from UTC or the host zone).
    let c = event_at("2026-12-31T23:45:00", "2027-01-01T01:05:00", "Asia/Tokyo");
    assert_eq!(
        subject("{{date}} {{starttime}}-{{endtime}}", &c),
        "31 December 2026 23:45-01:05"
    );
}

#[test]
fn times_with_offsets_are_converted_to_the_event_zone_across_dst() {
    // London: GMT in winter, BST (+1) from 2026-03-29 01:00 UTC.
    let c = event_at(
        "2026-03-29T00:30:00Z",
        "2026-03-29T01:30:00Z",
        "Europe/London",
    );
    assert_eq!(
        subject("{{date}} {{starttime}} {{endtime}}", &c),
        "29 March 2026 00:30 02:30"
    );
    // New York: EST (-5) before 2026-03-08 07:00 UTC, EDT (-4) after; date rolls back a day.
    let c = event_at(
        "2026-03-08T03:00:00Z",
        "2026-03-08T08:00:00+00:00",
        "America/New_York",
    );
    assert_eq!(
        subject("{{date}} {{starttime}} {{endtime}}", &c),
        "07 March 2026 22:00 04:00"
    );
    // Autumn fall-back in London: 00:30Z and 01:30Z are 01:30 BST and 01:30 GMT.
    let c = event_at(
        "2026-10-25T00:30:00Z",
        "2026-10-25T01:30:00Z",
        "Europe/London",
    );
    assert_eq!(subject("{{starttime}} {{endtime}}", &c), "01:30 01:30");
    // An explicit offset other than the zone's.
    let c = event_at(
        "2026-06-01T10:00:00+02:00",
        "2026-06-01T12:00:00+02:00",
        "Europe/London",
    );
    assert_eq!(subject("{{starttime}}", &c), "09:00");
}

#[test]
fn from_json_errors_name_the_field() {
    let g = json!({"firstName": "A"});
    let bad_zone = json!({"title": "T", "startTime": "2026-06-01T10:00:00", "endTime": "2026-06-01T10:00:00", "timeZoneId": "Mars/Base"});
    let e = MergeContext::from_json(&g, &bad_zone).unwrap_err();
    assert!(
        matches!(&e, Error::Invalid { field, .. } if field == "event.timeZoneId"),
        "{e}"
    );
    let bad_time = json!({"title": "T", "startTime": "June 1st", "endTime": "2026-06-01T10:00:00", "timeZoneId": "UTC"});
    let e = MergeContext::from_json(&g, &bad_time).unwrap_err();
    assert!(e.to_string().contains("June 1st"), "{e}");
    let e = MergeContext::from_json(&json!([]), &bad_time).unwrap_err();
    assert!(matches!(&e, Error::Invalid { field, .. } if field == "guest"));
}

#[test]
fn escape_html_all_five() {
    assert_eq!(
        escape_html(r#"a&b<c>d"e'f"#),
        "a&amp;b&lt;c&gt;d&quot;e&#39;f"
    );
    assert_eq!(escape_html("plain é"), "plain é");
}

#[test]
fn large_input_round_trip() {
    let c = ctx();
    let unit = "<p>Dear {{firstname}} {{lastname}}, {{typo}} & more text here.</p>\n";
    let src = unit.repeat(2000);
    let (out, unknown) = html(&src, &c);
    assert_eq!(
        out,
        "<p>Dear Zoë O&#39;Brien, {{typo}} & more text here.</p>\n".repeat(2000)
    );
    assert_eq!(unknown.len(), 2000);
    assert_eq!((unknown[1999].line, unknown[1999].col), (2000, 37));
}
