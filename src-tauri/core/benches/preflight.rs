//! Pre-flight of one ~100 KB template (the merge bench's rows plus a styled header, images and
//! links) for 50,000 attendees with every check, beside the same for one attendee.
//!
//! `cargo bench -p qflow-core --bench preflight -- --warm-up-time 1 --measurement-time 5`

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use qflow_core::merge::{MergeContext, TemplateFields};
use qflow_core::models::{Event, Guest};
use qflow_core::preflight::{preflight, PreflightOptions};
use serde_json::json;

fn template() -> String {
    let mut s = String::with_capacity(110 * 1024);
    s.push_str("<html lang=\"en\"><head><style>a:hover{color:#0a58ca} .btn{border-radius:4px}</style></head>\
        <body style=\"background-color:#ffffff\"><table role=\"presentation\"><tr><td style=\"color:#222\">\
        <h1>Hello {{firstname}}</h1><table><tr><td bgcolor=\"#ffffff\"><img src=\"{{barcode_qr}}\" alt=\"Ticket QR code\"></td></tr></table>\
        <p><a href=\"mailto:events@example.com?subject=Unsubscribe\">Unsubscribe</a></p></td></tr>\n");
    let mut i = 0;
    while s.len() < 100 * 1024 {
        let email = if i % 5 == 0 { "{{emial}}" } else { "{{email}}" };
        s.push_str(&format!(
            "<tr class=\"row-{i}\"><td style=\"padding:4px;font-family:Arial,sans-serif;color:#333333\">{{{{firstname}}}} {{{{lastname}}}}</td>\
             <td>{email}</td><td>{{{{event}}}} &mdash; {{{{date}}}} at {{{{starttime}}}}</td>\
             <td>Notes: {{{{guestnotes}}}}</td><td>Seat {{{{V_1}}}}. Doors open 30 minutes before the start.</td>\
             <td><a href=\"https://example.com/t/{{{{barcode}}}}?r={i}\">View your ticket online</a>\
             <img src=\"https://example.com/i/{i}.png\" alt=\"\"></td></tr>\n"
        ));
        i += 1;
    }
    s.push_str("</table></body></html>\n");
    s
}

fn event() -> Event {
    serde_json::from_value(
        json!({"id": uuid::Uuid::nil(), "title": "Summit & Expo <2026>",
        "startTime": "2026-06-01T10:00:00", "endTime": "2026-06-01T22:00:00",
        "timeZoneId": "Europe/London"}),
    )
    .expect("event")
}

/// Varied attendees: some without notes, barcode or custom fields, some long names.
fn attendees(n: usize) -> Vec<Guest> {
    (0..n)
        .map(|i| {
            serde_json::from_value(json!({
                "id": uuid::Uuid::from_u128(i as u128 + 1), "eventId": uuid::Uuid::nil(),
                "firstName": if i % 97 == 0 { "Maximiliana Josefina Alexandra Wilhelmina" } else { "Zoë" },
                "lastName": format!("O'Brien-{i}"), "email": format!("guest{i}@example.com"),
                "barcode": (i % 1000 != 0).then(|| format!("4GA{i:013}")),
                "additionalInfo": (i % 3 == 0).then_some("Needs \"quiet\" seat <near exit> & ramp"),
                "customFields": if i % 7 == 0 { json!(null) } else { json!([format!("A{i}")]) }
            }))
            .expect("guest")
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let html = template();
    let t = TemplateFields {
        subject: "Your ticket for {{event}}, {{firstname}}",
        html: &html,
        ..Default::default()
    };
    let people = attendees(50_000);
    let base = MergeContext::new(people[1].clone(), event());
    let opts = PreflightOptions::default();
    let report = preflight(&t, &base, &people, &opts);
    eprintln!(
        "template {} KB, {} attendees, {} findings, largest {} bytes",
        html.len() / 1024,
        report.attendees,
        report.findings.len(),
        report.size.bytes
    );
    let mut g = c.benchmark_group("preflight");
    g.sample_size(10);
    g.bench_function("100KB template x 1 attendee", |b| {
        b.iter(|| preflight(black_box(&t), &base, &people[..1], &opts))
    });
    g.bench_function("100KB template x 50,000 attendees", |b| {
        b.iter(|| preflight(black_box(&t), &base, &people, &opts))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
