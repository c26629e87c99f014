//! Merge-engine throughput on a ~100 KB template with ~2,000 tokens (some unknown, some values
//! needing HTML escapes), side by side with `handlebars` and `mustache` rendering the same
//! `{{var}}` template (both HTML-escape by default too; unknown names render empty there).
//!
//! `cargo bench -p qflow-core --bench merge -- --warm-up-time 1 --measurement-time 3`

use std::collections::HashMap;
use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use qflow_core::merge::{render_template, MergeContext, TemplateFields};
use serde_json::json;

/// One ~460-byte row with 9 tokens; every 5th row carries a typo token instead of `{{email}}`.
fn template() -> String {
    let mut s = String::with_capacity(110 * 1024);
    s.push_str("<html><body><table>\n");
    let mut i = 0;
    while s.len() < 100 * 1024 {
        let email = if i % 5 == 0 { "{{emial}}" } else { "{{email}}" };
        s.push_str(&format!(
            "<tr class=\"row-{i}\"><td style=\"padding:4px;font-family:Arial,sans-serif\">{{{{firstname}}}} {{{{lastname}}}}</td>\
             <td>{email}</td><td>{{{{event}}}} &mdash; {{{{date}}}} at {{{{starttime}}}}</td>\
             <td>Notes: {{{{guestnotes}}}}</td><td>Seat {{{{V_1}}}}. Doors open 30 minutes before the start.</td>\
             <td><a href=\"https://example.com/t/{{{{barcode}}}}\">View your ticket online</a></td></tr>\n"
        ));
        i += 1;
    }
    s.push_str("</table></body></html>\n");
    s
}

fn context() -> MergeContext {
    MergeContext::from_json(
        &json!({
            "firstName": "Zoë", "lastName": "O'Brien", "email": "zoe@example.com",
            "barcode": "4GA6965Q1G5EZ0FB", "additionalInfo": "Needs \"quiet\" seat <near exit> & ramp",
            "customFields": ["A12"]
        }),
        &json!({"title": "Summit & Expo <2026>", "startTime": "2026-06-01T10:00:00",
                "endTime": "2026-06-01T22:00:00", "timeZoneId": "Europe/London"}),
    )
    .expect("valid context")
}

/// The same values as flat strings, for the other engines.
fn flat_data() -> HashMap<String, String> {
    [
        ("firstname", "Zoë"),
        ("lastname", "O'Brien"),
        ("email", "zoe@example.com"),
        ("barcode", "4GA6965Q1G5EZ0FB"),
        ("guestnotes", "Needs \"quiet\" seat <near exit> & ramp"),
        ("V_1", "A12"),
        ("event", "Summit & Expo <2026>"),
        ("date", "01 June 2026"),
        ("starttime", "10:00"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect()
}

fn bench(c: &mut Criterion) {
    let src = template();
    let tokens = src.matches("{{").count();
    eprintln!("template: {} bytes, {tokens} tokens", src.len());
    let ctx = context();
    let fields = TemplateFields {
        subject: "Your ticket for {{event}}, {{firstname}}",
        html: &src,
        ..Default::default()
    };
    let ours = render_template(&fields, &ctx);
    assert_eq!(ours.unknown_tokens.len(), src.matches("{{emial}}").count());

    let mut hb = handlebars::Handlebars::new();
    hb.register_template_string("t", &src)
        .expect("handlebars compiles");
    let hb_ctx = handlebars::Context::wraps(flat_data()).expect("context");
    let hb_out = hb
        .render_with_context("t", &hb_ctx)
        .expect("handlebars renders");

    let mu = mustache::compile_str(&src).expect("mustache compiles");
    let mu_data = mustache::to_data(flat_data()).expect("data");
    let mu_out = mu
        .render_data_to_string(&mu_data)
        .expect("mustache renders");
    // Same work: similar output sizes (the others blank the typo tokens we keep literal, and
    // escape ' differently).
    eprintln!(
        "output: ours {} B, handlebars {} B, mustache {} B",
        ours.html.len(),
        hb_out.len(),
        mu_out.len()
    );

    let mut g = c.benchmark_group("merge_100kb_2000_tokens");
    g.throughput(Throughput::Bytes(src.len() as u64));
    g.bench_function("qflow", |b| {
        b.iter(|| render_template(black_box(&fields), black_box(&ctx)))
    });
    g.bench_function("handlebars", |b| {
        b.iter(|| {
            hb.render_with_context("t", black_box(&hb_ctx))
                .expect("renders")
        })
    });
    g.bench_function("mustache", |b| {
        b.iter(|| {
            mu.render_data_to_string(black_box(&mu_data))
                .expect("renders")
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
