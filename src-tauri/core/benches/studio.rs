//! The studio's per-keystroke Rust path, without a window: `template_preview` as the editor
//! calls it (a session, one `htmlPatch` per key) on the ~100 KB template of
//! `make bench-studio`, for prose typed into a paragraph and for markup (tags, attributes)
//! typed at the same place. Prints p50/p95 of the command's own time (`serverMicros`, what the
//! window bench reports as Rust's part) and what the reply carries.
//!
//! `cargo bench -p qflow-core --bench studio` (BENCH_ROUNDS=n repeats each phase, default 3).

use std::time::Instant;

use qflow_core::ops::studio::{template_preview, PreviewRequest, TemplateEdit, TextPatch};
use qflow_core::test_support::demo_ctx;
use qflow_sandbox::{Sandbox, SandboxConfig};

/// The template of tests/bench/studio-bench.mjs (keep the two in step).
fn big_template() -> String {
    let block = |i: usize| {
        format!(
            "<table role=\"presentation\" width=\"100%\"><tr><td style=\"padding:12px;font-family:Arial,sans-serif;color:#222\">\
             <h2>Session {i} for {{{{firstname}}}}</h2><p>Dear {{{{fullname}}}}, your seat for {{{{event}}}} is confirmed. \
             Bring the QR code below; doors open at 09:00. Questions: reply to this email.</p>\
             <img src=\"{{{{barcode_qr}}}}\" alt=\"Ticket QR\" width=\"120\" height=\"120\"></td></tr></table>\n"
        )
    };
    let mut html = "<!DOCTYPE html><html><body>\n".to_owned();
    let mut i = 0;
    while html.len() < 100 * 1024 - 200 {
        html.push_str(&block(i));
        i += 1;
    }
    html.push_str("<p>Typed: ");
    html
}

const TEXT: &str = "The quick brown fox jumps over the lazy dog ";
const MARKUP: &str = "<b>bold</b> <a href=\"https://example.com/x\">link</a> <span style=\"color:#c00\">red</span> <i>it</i> ";

fn utf16_len(s: &str) -> u32 {
    s.encode_utf16().count() as u32
}

fn pct(sorted: &[f64], p: f64) -> f64 {
    let i = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[i.clamp(1, sorted.len()) - 1]
}

struct Keyed {
    server: Vec<f64>,
    wall: Vec<f64>,
    in_place: usize,
    reply_bytes: usize,
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let sb = Sandbox::start(SandboxConfig {
        attendees: 200,
        ..SandboxConfig::default()
    })
    .await
    .expect("sandbox");
    let cx = demo_ctx(&sb);
    let now = chrono::Utc::now().naive_utc();
    let mut events = cx
        .client
        .events_list(
            now - chrono::Duration::days(30),
            now + chrono::Duration::days(183),
        )
        .await
        .expect("events");
    events.sort_by_key(|e| e.start_time);
    let event = events[0].id.expect("id");
    let guest = cx
        .guests(event, false, false)
        .await
        .expect("guests")
        .get(0)
        .expect("a guest")
        .to_guest();
    let rounds: usize = std::env::var("BENCH_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3);

    for (kind, typed) in [("text", TEXT.repeat(5)), ("markup", MARKUP.repeat(2))] {
        let mut k = Keyed {
            server: vec![],
            wall: vec![],
            in_place: 0,
            reply_bytes: 0,
        };
        for round in 0..rounds {
            let mut html = big_template();
            let session = format!("bench-{kind}-{round}");
            let req = |html_patch: Option<TextPatch>, html: &str| PreviewRequest {
                event_id: event.to_string(),
                fields: TemplateEdit {
                    name: "Bench".into(),
                    subject: "Your ticket, {{firstname}}".into(),
                    html: if html_patch.is_some() {
                        String::new()
                    } else {
                        html.to_owned()
                    },
                    ..Default::default()
                },
                guest_id: Some(guest.id.to_string()),
                edge_case: None,
                allow_remote_images: false,
                dark: Default::default(),
                session: Some(session.clone()),
                html_patch,
                lint: Some(false),
            };
            template_preview(&cx, req(None, &html))
                .await
                .expect("first preview");
            for c in typed.chars() {
                let at = utf16_len(&html);
                html.push(c);
                let patch = TextPatch {
                    from: at,
                    to: at,
                    insert: c.to_string(),
                };
                let t = Instant::now();
                let r = template_preview(&cx, req(Some(patch), &html))
                    .await
                    .expect("preview");
                k.wall.push(t.elapsed().as_secs_f64() * 1000.0);
                k.server.push(f64::from(r.server_micros) / 1000.0);
                k.in_place += usize::from(r.text_edit.is_some() || r.element_edit.is_some());
                k.reply_bytes += serde_json::to_vec(&r).expect("json").len();
            }
        }
        let n = k.server.len();
        for v in [&mut k.server, &mut k.wall] {
            v.sort_by(f64::total_cmp);
        }
        println!(
            "studio preview, {kind} edits: {n} keystrokes on a {:.1} KB template: serverMicros p50 {:.3} ms  p95 {:.3} ms  max {:.3} ms | call p50 {:.3} ms  p95 {:.3} ms | in place {} | reply {:.0} bytes/key",
            big_template().len() as f64 / 1024.0,
            pct(&k.server, 50.0),
            pct(&k.server, 95.0),
            k.server[n - 1],
            pct(&k.wall, 50.0),
            pct(&k.wall, 95.0),
            k.in_place,
            k.reply_bytes as f64 / n as f64,
        );
    }
}
