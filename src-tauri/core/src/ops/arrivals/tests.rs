//! The pure parts: slots in the event's zone, the peak, email health, the targets, the CSV.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use uuid::Uuid;

use super::buckets::{slots, MAX_BUCKETS};
use super::health::Delivery;
use super::*;
use crate::guest_list::GuestList;
use crate::models::{Event, Guest};

fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn tz(name: &str) -> Tz {
    name.parse().unwrap()
}

#[test]
fn slots_are_five_minutes_of_the_events_local_time_with_gaps_and_the_peak() {
    // Tokyo is UTC+9: 01:02Z is 10:02 local.
    let times = [
        "2026-06-01T01:02:00Z",
        "2026-06-01T01:04:59Z",
        "2026-06-01T01:05:00Z",
        "2026-06-01T01:19:00Z",
        "2026-06-01T01:16:00Z",
        "2026-06-01T01:17:30Z",
    ]
    .map(utc);
    let s = slots(times, tz("Asia/Tokyo"));
    let got: Vec<(&str, &str, u32)> = s
        .buckets
        .iter()
        .map(|b| (b.date.as_str(), b.time.as_str(), b.count))
        .collect();
    assert_eq!(
        got,
        [
            ("2026-06-01", "10:00", 2),
            ("2026-06-01", "10:05", 1),
            ("2026-06-01", "10:10", 0),
            ("2026-06-01", "10:15", 3),
        ]
    );
    assert_eq!(s.buckets[0].start, "2026-06-01T10:00:00+09:00");
    let peak = s.peak.unwrap();
    assert_eq!((peak.time.as_str(), peak.count), ("10:15", 3));
    assert_eq!(s.earlier, 0);
    assert_eq!(slots([], tz("Asia/Tokyo")), buckets::Slots::default());
}

#[test]
fn the_peak_is_the_earliest_of_equal_slots() {
    let times = [
        "2026-06-01T09:00:00Z",
        "2026-06-01T09:01:00Z",
        "2026-06-01T09:30:00Z",
        "2026-06-01T09:31:00Z",
    ]
    .map(utc);
    let s = slots(times, Tz::UTC);
    assert_eq!(s.peak.unwrap().time, "09:00");
    assert_eq!(s.buckets.len(), 7);
}

#[test]
fn a_zone_off_the_hour_and_a_dst_change_keep_local_slots() {
    // Kathmandu is UTC+5:45: 04:14Z is 09:59 local, 04:15Z is 10:00.
    let s = slots(
        ["2026-06-01T04:14:00Z", "2026-06-01T04:15:00Z"].map(utc),
        tz("Asia/Kathmandu"),
    );
    let got: Vec<(&str, u32)> = s
        .buckets
        .iter()
        .map(|b| (b.time.as_str(), b.count))
        .collect();
    assert_eq!(got, [("09:55", 1), ("10:00", 1)]);
    // London falls back at 01:00Z on 2026-10-25: 01:02 local happens twice (BST, then GMT).
    let s = slots(
        ["2026-10-25T00:02:00Z", "2026-10-25T01:02:00Z"].map(utc),
        tz("Europe/London"),
    );
    assert_eq!(s.buckets.len(), 13, "an hour of slots, not one slot");
    let first = &s.buckets[0];
    let last = s.buckets.last().unwrap();
    assert_eq!((first.time.as_str(), first.count), ("01:00", 1));
    assert_eq!((last.time.as_str(), last.count), ("01:00", 1));
    assert_eq!(first.start, "2026-10-25T01:00:00+01:00");
    assert_eq!(last.start, "2026-10-25T01:00:00+00:00");
}

#[test]
fn at_most_a_day_of_slots_with_the_rest_counted_as_earlier() {
    let start = utc("2026-06-01T08:00:00Z");
    let times = [
        start - chrono::Duration::days(3),
        start - chrono::Duration::days(2),
        start,
        start + chrono::Duration::minutes(1),
    ];
    let s = slots(times, Tz::UTC);
    assert_eq!(s.buckets.len(), MAX_BUCKETS);
    assert_eq!(s.earlier, 2);
    assert_eq!(s.buckets.last().unwrap().count, 2);
    assert_eq!(s.peak.unwrap().count, 2);
}

#[test]
fn delivery_states_map_to_categories_and_health() {
    use Delivery::*;
    let cases = [
        (None, NeverSent),
        (Some("error"), NeverSent),
        (Some("pending"), Unknown),
        (Some("outcome_unknown"), Unknown),
        (Some("comms.future"), Unknown),
        (Some("queued"), Sent),
        (Some("sent"), Sent),
        (Some("delivered"), Delivered),
        (Some("opened"), Opened),
        (Some("spam_reported"), Opened),
        (Some("unsubscribed"), Opened),
        (Some("bounced"), Bounced),
        (Some("dropped"), Failed),
        (Some("failed"), Failed),
    ];
    let mut h = EmailHealth::default();
    for (s, want) in cases {
        assert_eq!(Delivery::of(s), want, "{s:?}");
        health::count(&mut h, want);
    }
    assert_eq!(
        h,
        EmailHealth {
            sent: 7,
            delivered: 4,
            opened: 3,
            bounced: 1,
            failed: 2,
            unknown: 3,
            never_sent: 2,
        }
    );
}

fn event(zone: &str) -> Event {
    Event {
        id: Some(Uuid::from_u128(1)),
        title: "=Launch, \"night\"".into(),
        start_time: NaiveDateTime::parse_from_str("2026-06-01T10:00:00", "%Y-%m-%dT%H:%M:%S")
            .unwrap(),
        end_time: NaiveDateTime::parse_from_str("2026-06-01T22:00:00", "%Y-%m-%dT%H:%M:%S")
            .unwrap(),
        time_zone_id: zone.into(),
        extra: Default::default(),
    }
}

/// Five attendees: A in at 10:01 Paris, B in at 10:03, C in without a time, D and E out.
fn seeded() -> (GuestList, HashMap<Uuid, Delivery>) {
    let paris = tz("Europe/Paris");
    let at = |h, m| {
        paris
            .with_ymd_and_hms(2026, 6, 1, h, m, 0)
            .unwrap()
            .with_timezone(&Utc)
    };
    let g = |n: u128, last: &str, time: Option<DateTime<Utc>>, inside: bool| Guest {
        id: Uuid::from_u128(n),
        event_id: Uuid::from_u128(1),
        first_name: "X".into(),
        last_name: last.into(),
        email: format!("{last}@example.com"),
        checked_in: Some(inside),
        check_in_time: time,
        ..Default::default()
    };
    let list = GuestList::from_guests(
        Uuid::from_u128(1),
        vec![
            g(1, "a", Some(at(10, 1)), true),
            g(2, "b", Some(at(10, 3)), true),
            g(3, "c", None, true),
            g(4, "d", None, false),
            g(5, "e", None, false),
        ],
    );
    let states = HashMap::from([
        (Uuid::from_u128(1), Delivery::Opened),
        (Uuid::from_u128(2), Delivery::Bounced),
        (Uuid::from_u128(4), Delivery::Delivered),
        (Uuid::from_u128(5), Delivery::Sent),
    ]);
    (list, states)
}

#[test]
fn the_report_counts_arrivals_no_shows_health_and_targets() {
    let (list, states) = seeded();
    let r = report::build(&event("Europe/Paris"), &list, &states, Utc::now());
    assert_eq!(
        (r.expected, r.checked_in, r.no_shows, r.untimed),
        (5, 3, 2, 1)
    );
    assert_eq!(r.buckets.len(), 1);
    assert_eq!(r.buckets[0].start, "2026-06-01T10:00:00+02:00");
    assert_eq!(r.peak.as_ref().map(|p| p.count), Some(2));
    assert_eq!(r.zone_note, None);
    assert_eq!(
        (
            r.health.sent,
            r.health.delivered,
            r.health.opened,
            r.health.bounced
        ),
        (4, 2, 1, 1)
    );
    assert_eq!(r.health.never_sent, 1);
    let counts: Vec<(&str, u32)> = r
        .targets
        .iter()
        .map(|t| (t.label.as_str(), t.count))
        .collect();
    assert_eq!(
        counts,
        [
            ("Bounced", 1),
            ("Not opened", 2),
            ("Never sent", 1),
            ("Not checked in", 2)
        ]
    );
    let ids = |t| report::select(&list, &states, t);
    assert_eq!(ids(ResendTarget::Bounced), [Uuid::from_u128(2)]);
    assert_eq!(
        ids(ResendTarget::NotOpened),
        [Uuid::from_u128(4), Uuid::from_u128(5)]
    );
    assert_eq!(ids(ResendTarget::NeverSent), [Uuid::from_u128(3)]);
    assert_eq!(
        ids(ResendTarget::NotCheckedIn),
        [Uuid::from_u128(4), Uuid::from_u128(5)]
    );
    // An unknown zone is said, and UTC used.
    let r = report::build(&event("Mars/Olympus"), &list, &states, Utc::now());
    assert_eq!(r.time_zone_id, "UTC");
    assert!(r.zone_note.unwrap().contains("Mars/Olympus"));
    assert_eq!(r.buckets[0].start, "2026-06-01T08:00:00+00:00");
}

#[test]
fn the_csv_is_one_table_safe_for_spreadsheets() {
    let (list, states) = seeded();
    let r = report::build(&event("Europe/Paris"), &list, &states, Utc::now());
    let text = export::csv_text(&r);
    let mut rd = csv::Reader::from_reader(text.as_bytes());
    assert_eq!(
        rd.headers().unwrap().iter().collect::<Vec<_>>(),
        export::HEADER
    );
    let rows: Vec<csv::StringRecord> = rd.records().map(|x| x.unwrap()).collect();
    let get = |s: &str, i: &str| {
        rows.iter()
            .find(|r| &r[0] == s && &r[1] == i)
            .map(|r| r[2].to_owned())
            .unwrap_or_else(|| panic!("no {s},{i} in {text}"))
    };
    assert_eq!(
        get("summary", "event"),
        "'=Launch, \"night\"",
        "a formula is text"
    );
    assert_eq!(get("summary", "expected"), "5");
    assert_eq!(get("summary", "checked_in"), "3");
    assert_eq!(get("summary", "no_shows"), "2");
    assert_eq!(get("summary", "peak_start"), "2026-06-01T10:00:00+02:00");
    assert_eq!(get("summary", "peak_arrivals"), "2");
    assert_eq!(get("email", "bounced"), "1");
    assert_eq!(get("arrivals", "2026-06-01T10:00:00+02:00"), "2");
    assert_eq!(rows.len(), export::rows(&r).len());
    assert_eq!(
        export::file_name("Tokyo launch / night"),
        "arrivals-Tokyo-launch---night.csv"
    );
    assert_eq!(export::file_name("  "), "arrivals-event.csv");
}

#[test]
fn a_refresh_reloads_at_most_every_30_seconds_per_event() {
    let r = ArrivalsReloads::default();
    let (a, b) = (Uuid::from_u128(1), Uuid::from_u128(2));
    let t0 = Utc::now();
    assert!(r.claim(a, t0));
    assert!(!r.claim(a, t0 + chrono::Duration::seconds(29)));
    assert!(r.claim(b, t0 + chrono::Duration::seconds(29)), "per event");
    assert!(r.claim(a, t0 + chrono::Duration::seconds(30)));
    assert!(!r.claim(a, t0 + chrono::Duration::seconds(31)));
}
