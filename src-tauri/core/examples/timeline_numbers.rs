//! How long the desk's local timeline reads take on a busy store (not a test: prints numbers).
//! `cargo run --release -p qflow-core --example timeline_numbers`
//!
//! The attendee table re-reads up to 500 states every 2 s while sends are in flight, and an
//! open panel re-reads one attendee's timeline every 1.5 s: both must stay cheap.

use std::time::Instant;

use chrono::{Duration, Utc};
use qflow_core::store::{NewSend, NewWebhookEvent, SendOutcome, Store};
use uuid::Uuid;

const ATTENDEES: usize = 5_000;
const SENDS_EACH: usize = 2;

fn main() {
    let dir = std::env::temp_dir().join(format!("qflow-timeline-{}", Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let store = Store::open(&dir.join("t.db")).unwrap();
    let attendees: Vec<Uuid> = (0..ATTENDEES).map(|_| Uuid::new_v4()).collect();
    let t0 = Utc::now() - Duration::hours(1);
    let fill = Instant::now();
    let mut events = 0usize;
    for (n, a) in attendees.iter().enumerate() {
        for k in 0..SENDS_EACH {
            let at = t0 + Duration::seconds((n * SENDS_EACH + k) as i64 % 3000);
            let corr = format!("desk-resend-{n}-{k}");
            let id = store
                .begin_send_at(
                    &NewSend {
                        profile: "p".into(),
                        attendee_id: *a,
                        template_id: Uuid::new_v4(),
                        correlation_id: Some(corr.clone()),
                    },
                    at,
                )
                .unwrap();
            let inv = Uuid::new_v4();
            store
                .finish_send(
                    id,
                    &SendOutcome::Queued {
                        attendee_invitation_id: inv,
                    },
                )
                .unwrap();
            for (i, kind) in ["comms.sent", "comms.delivered", "comms.opened"]
                .iter()
                .enumerate()
            {
                let body = serde_json::json!({"attendeeId": a, "attendeeInvitationId": inv,
                    "correlationId": corr, "status": kind.trim_start_matches("comms."), "error": null});
                store
                    .record_webhook_event(&NewWebhookEvent::new(
                        &Uuid::new_v4().to_string(),
                        kind,
                        Some(at.timestamp() + i as i64 * 2),
                        body.to_string().as_bytes(),
                    ))
                    .unwrap();
                events += 1;
            }
        }
    }
    println!(
        "store: {ATTENDEES} attendees, {} sends, {events} events (filled in {:.1} s)",
        ATTENDEES * SENDS_EACH,
        fill.elapsed().as_secs_f64()
    );

    let page: Vec<Uuid> = attendees.iter().step_by(10).take(500).copied().collect();
    let runs = 20;
    let start = Instant::now();
    for _ in 0..runs {
        let s = store.delivery_states(&page).unwrap();
        assert_eq!(s.len(), page.len());
    }
    println!(
        "delivery_states(500 ids): {:.2} ms per call",
        start.elapsed().as_secs_f64() * 1000.0 / runs as f64
    );
    let start = Instant::now();
    for a in attendees.iter().take(200) {
        let tl = store.timeline(*a).unwrap();
        assert_eq!(tl.len(), SENDS_EACH * 4);
    }
    println!(
        "timeline(1 attendee): {:.3} ms per call",
        start.elapsed().as_secs_f64() * 1000.0 / 200.0
    );
    std::fs::remove_dir_all(&dir).ok();
}
