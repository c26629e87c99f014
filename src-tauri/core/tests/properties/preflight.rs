//! Template pre-flight: any template (HTML-ish fragments, tokens, URLs, styles) and any
//! attendees are checked without a panic, and the size meter is the renderer's own length.

use proptest::prelude::*;
use qflow_core::merge::{render_template, MergeContext, TemplateFields};
use qflow_core::models::{Event, Guest};
use qflow_core::preflight::{preflight, PreflightOptions};
use serde_json::json;

use crate::support::run;

fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        prop::sample::select(vec![
            "<a href=\"",
            "<img src=\"",
            "\">",
            "</a>",
            "<html",
            " lang=\"en\"",
            "<style>",
            "</style>",
            "<script>",
            "{{firstname}}",
            "{{barcode}}",
            "{{barcode_qr}}",
            "{{tags}}",
            "{{firstnam}}",
            "{{V_2}}",
            "http://",
            "https://",
            "mailto:",
            "%",
            "%4",
            "&amp;",
            " style=\"color:#777;background:#000\"",
            "display:flex",
            "<td bgcolor=\"#fff\">",
            "</td>",
            "<",
            ">",
            "\"",
            "'",
            "=",
            "é",
            "</",
            "<!--",
            "-->",
            "{",
            "}",
            " ",
            "\n",
            "http:x",
            "//",
            "@",
        ])
        .prop_map(str::to_owned),
    ]
}

fn guest() -> impl Strategy<Value = Guest> {
    (
        "[a-zA-Zé <>&\"]{0,50}",
        prop::option::of("[a-zA-Z0-9:/%. {}]{0,20}"),
        "[a-z@.]{0,12}",
        prop::option::of("[a-zA-Z ,]{0,12}"),
    )
        .prop_map(|(first, barcode, email, tags)| {
            serde_json::from_value(json!({
                "id": uuid::Uuid::new_v4(), "eventId": uuid::Uuid::nil(), "firstName": first,
                "lastName": "L", "email": email, "barcode": barcode, "tags": tags,
                "customFields": ["a", ""]
            }))
            .unwrap()
        })
}

#[test]
fn preflight_never_panics_and_measures_like_the_renderer() {
    let strategy = (
        prop::collection::vec(piece(), 0..24).prop_map(|v| v.concat()),
        prop::collection::vec(guest(), 0..4),
    );
    run(
        file!(),
        "preflight_never_panics",
        256,
        strategy,
        |(html, people)| {
            let event: Event =
                serde_json::from_value(json!({"id": uuid::Uuid::nil(), "title": "E",
            "startTime": "2026-06-01T10:00:00", "endTime": "2026-06-01T12:00:00",
            "timeZoneId": "Europe/London"}))
                .unwrap();
            let base = MergeContext::new(Guest::default(), event);
            let t = TemplateFields {
                subject: "{{firstname}}",
                html: &html,
                ..Default::default()
            };
            let r = preflight(&t, &base, &people, &PreflightOptions::default());
            let largest = people
                .iter()
                .map(|g| {
                    let mut c = base.clone();
                    c.guest = g.clone();
                    render_template(&t, &c).html.len()
                })
                .max();
            if let Some(l) = largest {
                prop_assert_eq!(r.size.bytes, l);
            }
            Ok(())
        },
    );
}
