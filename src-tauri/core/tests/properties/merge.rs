//! The merge engine: no panic on any template and values; an oracle for templates made of
//! literal text and tokens; escaping reversible and complete.

use chrono::NaiveDate;
use proptest::prelude::*;
use qflow_core::merge::lint::lint;
use qflow_core::merge::{
    escape_html, render_str, render_template, MergeContext, TemplateField, TemplateFields,
    UnknownReason,
};
use qflow_core::models::{Event, Guest};

use crate::support::run;

/// Text that often contains token-like runs, braces, markup and line breaks.
fn template_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        any::<String>(),
        "[{}<> \n\r\ta-z_0-9]{0,12}",
        Just("{{".to_owned()),
        Just("}}".to_owned()),
        prop::sample::select(vec![
            "{{firstname}}",
            "{{ firstname }}",
            "{{FirstName}}",
            "{{fullname}}",
            "{{tags}}",
            "{{barcode_qr}}",
            "{{date}}",
            "{{V_1}}",
            "{{V_0}}",
            "{{V_99999999999}}",
            "{{plusones}}",
            "{{rsvplink_yes}}",
            "{{{x}}}",
            "{{}}",
            "{{é}}",
            "<a href=\"{{email}}\">",
        ])
        .prop_map(str::to_owned),
    ];
    prop::collection::vec(piece, 0..12).prop_map(|v| v.concat())
}

fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        any::<String>(),
        "[<>&\"' ,{}a-z\n]{0,10}",
        Just("{{firstname}}".to_owned()),
    ]
}

fn context() -> impl Strategy<Value = MergeContext> {
    (
        prop::collection::vec(value(), 8),
        prop::option::of(0u32..5),
        prop::option::of(prop::collection::vec(value(), 0..4)),
        (any::<i64>(), any::<i64>()),
        prop::option::of(value()),
    )
        .prop_map(|(v, plus_ones, custom, (start, end), company)| {
            let time = |s: i64| {
                let day = NaiveDate::from_ymd_opt(2026, 1, 1).expect("valid date");
                day.and_hms_opt(0, 0, 0).expect("valid time")
                    + chrono::Duration::seconds(s.rem_euclid(400 * 86_400 * 100))
            };
            let guest = Guest {
                first_name: v[0].clone(),
                last_name: v[1].clone(),
                other_names: Some(v[2].clone()),
                email: v[3].clone(),
                barcode: Some(v[4].clone()),
                additional_info: Some(v[5].clone()),
                tags: Some(v[6].clone()),
                sessions: Some(v[7].clone()),
                plus_ones,
                custom_fields: custom,
                ..Guest::default()
            };
            let event = Event {
                id: None,
                title: v[5].clone(),
                start_time: time(start),
                end_time: time(end),
                time_zone_id: "Europe/London".into(),
                extra: Default::default(),
            };
            let mut c = MergeContext::new(guest, event);
            c.company_name = company;
            c
        })
}

#[test]
fn merge_never_panics_and_reports_tokens_where_they_are() {
    let strategy = (
        template_text(),
        template_text(),
        prop::option::of(template_text()),
        any::<bool>(),
        context(),
    );
    run(
        file!(),
        "merge_never_panics",
        256,
        strategy,
        |(subject, html, body, attach_pdf, ctx)| {
            let fields = TemplateFields {
                subject: &subject,
                html: &html,
                attach_pdf,
                email_body: body.as_deref(),
                from_address: None,
            };
            let out = render_template(&fields, &ctx);
            lint(&fields, Some("example.com"));
            prop_assert!(!out.subject.contains(['\n', '\r']) || subject.contains(['\n', '\r']));
            for u in &out.unknown_tokens {
                let src = match u.field {
                    TemplateField::Subject => subject.as_str(),
                    TemplateField::Html => html.as_str(),
                    TemplateField::EmailBody => body.as_deref().unwrap_or_default(),
                    TemplateField::FromAddress => "",
                };
                prop_assert_eq!(
                    src.get(u.offset..u.offset + u.token.len()),
                    Some(u.token.as_str())
                );
                prop_assert!(u.line >= 1 && u.col >= 1);
            }
            Ok(())
        },
    );
}

/// One piece of an oracle template: literal text (no braces) or a token with a known value.
#[derive(Clone, Debug)]
enum Piece {
    Text(String),
    Token(&'static str),
}

#[test]
fn merge_matches_the_oracle() {
    let piece = prop_oneof![
        any::<String>().prop_map(|s| Piece::Text(s.replace(['{', '}'], ""))),
        prop::sample::select(vec![
            "firstname",
            "lastname",
            "email",
            "event",
            "companyname",
            "V_1",
            "V_2"
        ])
        .prop_map(Piece::Token),
    ];
    let strategy = (
        prop::collection::vec(piece, 0..10),
        prop::collection::vec(value(), 7),
    );
    run(
        file!(),
        "merge_oracle",
        256,
        strategy,
        |(pieces, values)| {
            let guest = Guest {
                first_name: values[0].clone(),
                last_name: values[1].clone(),
                email: values[2].clone(),
                custom_fields: Some(vec![values[5].clone(), values[6].clone()]),
                ..Guest::default()
            };
            let day = NaiveDate::from_ymd_opt(2026, 6, 1).expect("valid date");
            let at = day.and_hms_opt(10, 0, 0).expect("valid time");
            let event = Event {
                id: None,
                title: values[3].clone(),
                start_time: at,
                end_time: at,
                time_zone_id: "Europe/London".into(),
                extra: Default::default(),
            };
            let mut ctx = MergeContext::new(guest, event);
            ctx.company_name = Some(values[4].clone());
            let value_of = |name: &str| -> &str {
                let i = [
                    "firstname",
                    "lastname",
                    "email",
                    "event",
                    "companyname",
                    "V_1",
                    "V_2",
                ]
                .iter()
                .position(|n| *n == name)
                .expect("listed");
                &values[i]
            };
            let (mut src, mut html, mut subject, mut no_data) =
                (String::new(), String::new(), String::new(), 0);
            for p in &pieces {
                match p {
                    Piece::Text(t) => {
                        src.push_str(t);
                        html.push_str(t);
                        subject.push_str(t);
                    }
                    Piece::Token(name) => {
                        let token = format!("{{{{{name}}}}}");
                        src.push_str(&token);
                        let v = value_of(name);
                        if v.is_empty() {
                            // No data: the token stays as written.
                            html.push_str(&token);
                            subject.push_str(&token);
                            no_data += 1;
                        } else {
                            html.push_str(&escape_html(v));
                            subject.extend(v.chars().map(|c| if c.is_control() { ' ' } else { c }));
                        }
                    }
                }
            }
            let mut unknown = Vec::new();
            prop_assert_eq!(
                render_str(&src, TemplateField::Html, &ctx, &mut unknown),
                html
            );
            prop_assert_eq!(unknown.len(), no_data);
            prop_assert!(unknown.iter().all(|u| u.reason == UnknownReason::NoData));
            prop_assert_eq!(
                render_str(&src, TemplateField::Subject, &ctx, &mut Vec::new()),
                subject
            );
            Ok(())
        },
    );
}

/// Undoes `escape_html` (the five entities it writes).
fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

#[test]
fn escape_is_complete_and_reversible_and_text_without_tokens_is_unchanged() {
    let strategy = (any::<String>(), "[<>&\"'a-z;#]{0,24}");
    run(file!(), "merge_escape", 256, strategy, |(a, b)| {
        for s in [&a, &b] {
            let e = escape_html(s);
            prop_assert!(!e.contains(['<', '>', '"', '\'']));
            let amp_ok = e.match_indices('&').all(|(i, _)| {
                ["&amp;", "&lt;", "&gt;", "&quot;", "&#39;"]
                    .iter()
                    .any(|ent| e[i..].starts_with(ent))
            });
            prop_assert!(amp_ok, "a bare & in {:?}", e);
            prop_assert_eq!(&unescape(&e), s);
            // A template with no `{{` merges to itself (values are escaped, the template is not).
            let plain = s.replace('{', "");
            let ctx = MergeContext::new(Guest::default(), oracle_event());
            for field in [TemplateField::Html, TemplateField::Subject] {
                let mut unknown = Vec::new();
                prop_assert_eq!(render_str(&plain, field, &ctx, &mut unknown), plain.clone());
                prop_assert!(unknown.is_empty());
            }
        }
        Ok(())
    });
}

fn oracle_event() -> Event {
    let at = NaiveDate::from_ymd_opt(2026, 6, 1)
        .and_then(|d| d.and_hms_opt(10, 0, 0))
        .expect("valid time");
    Event {
        id: None,
        title: "Summit".into(),
        start_time: at,
        end_time: at,
        time_zone_id: "Europe/London".into(),
        extra: Default::default(),
    }
}
