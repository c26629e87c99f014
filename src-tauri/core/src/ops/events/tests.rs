//! The pure rules: dates, the form, zones and labels, the default event.

use chrono::{FixedOffset, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use serde_json::json;

use super::zones::COMMON_ZONES;
use super::*;
use crate::models::Event;
use crate::Error;

#[test]
fn the_default_event_is_the_next_to_finish_else_the_first() {
    let at = |s: &str| NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M").unwrap();
    let evs = [
        at("2026-05-01T18:00"),
        at("2026-06-10T23:59"),
        at("2026-07-01T10:00"),
    ];
    let day = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    let pick = |today: &str| default_event(&evs, |e| *e, day(today)).copied();
    assert_eq!(pick("2026-04-01"), Some(evs[0]));
    // Still today: an event ending tonight is not over yet.
    assert_eq!(pick("2026-06-10"), Some(evs[1]));
    assert_eq!(pick("2026-06-11"), Some(evs[2]));
    assert_eq!(pick("2027-01-01"), Some(evs[0]));
    assert_eq!(
        default_event(&[] as &[NaiveDateTime], |e| *e, day("2026-01-01")),
        None
    );
}

fn t(s: &str) -> NaiveDateTime {
    parse_local("t", s).unwrap()
}

fn field(e: Error) -> String {
    e.body().field.unwrap_or_default()
}

#[test]
fn a_good_form_passes_and_times_keep_their_wall_clock() {
    let v = validate(
        "  Tokyo launch ",
        "2026-06-01 10:00",
        "2026-06-01T22:00:30",
        "Asia/Tokyo",
    )
    .unwrap();
    assert_eq!(v.title, "Tokyo launch");
    assert_eq!(v.start.to_string(), "2026-06-01 10:00:00");
    assert_eq!(v.end.to_string(), "2026-06-01 22:00:30");
    let e = new_event(&v);
    let wire = serde_json::to_value(&e).unwrap();
    assert_eq!(
        wire,
        json!({"title": "Tokyo launch", "startTime": "2026-06-01T10:00:00",
               "endTime": "2026-06-01T22:00:30", "timeZoneId": "Asia/Tokyo"})
    );
}

#[test]
fn bad_forms_name_the_field() {
    assert_eq!(
        field(validate(" ", "2026-06-01 10:00", "2026-06-01 11:00", "UTC").unwrap_err()),
        "title"
    );
    assert_eq!(
        field(validate("x", "tomorrow", "2026-06-01 11:00", "UTC").unwrap_err()),
        "startTime"
    );
    assert_eq!(
        field(validate("x", "2026-06-01 10:00", "", "UTC").unwrap_err()),
        "endTime"
    );
    // An offset is not a local time.
    assert_eq!(
        field(validate("x", "2026-06-01T10:00:00+09:00", "2026-06-01 11:00", "UTC").unwrap_err()),
        "startTime"
    );
    let same = validate("x", "2026-06-01 10:00", "2026-06-01 10:00", "UTC").unwrap_err();
    assert_eq!(field(same), "endTime");
    let before = validate("x", "2026-06-02 10:00", "2026-06-01 10:00", "UTC").unwrap_err();
    assert!(before.to_string().contains("after the start"), "{before}");
    let zone = validate("x", "2026-06-01 10:00", "2026-06-01 11:00", "Mars/Olympus");
    assert_eq!(field(zone.unwrap_err()), "timeZoneId");
    // 01:30 on 29 March 2026 does not exist in London.
    let gap = validate("x", "2026-03-29 01:30", "2026-03-29 09:00", "Europe/London").unwrap_err();
    let text = gap.to_string();
    assert_eq!(field(gap), "startTime");
    assert!(text.contains("daylight saving"), "{text}");
}

#[test]
fn zone_typos_get_a_suggestion() {
    let e = parse_zone("asia/tokyo").unwrap_err();
    assert!(e.to_string().contains("did you mean Asia/Tokyo?"), "{e}");
    let e = parse_zone("america/new york").unwrap_err();
    assert!(e.to_string().contains("America/New_York"), "{e}");
    assert!(parse_zone("Nowhere")
        .unwrap_err()
        .to_string()
        .contains("Europe/London"));
    assert_eq!(parse_zone(" Europe/London ").unwrap(), Tz::Europe__London);
}

#[test]
fn an_edit_keeps_id_and_unknown_fields() {
    let existing: Event = serde_json::from_value(json!({
        "id": "00890adf-1a80-4b1f-87ce-620feb9bec12", "title": "Old",
        "startTime": "2026-06-01T10:00:00", "endTime": "2026-06-01T12:00:00",
        "timeZoneId": "Europe/London", "venue": {"room": "A"}, "capacity": 300
    }))
    .unwrap();
    let v = validate("New", "2026-07-01 09:00", "2026-07-01 17:00", "Asia/Tokyo").unwrap();
    let wire = serde_json::to_value(apply_edit(existing, &v)).unwrap();
    assert_eq!(wire["id"], "00890adf-1a80-4b1f-87ce-620feb9bec12");
    assert_eq!(wire["title"], "New");
    assert_eq!(wire["startTime"], "2026-07-01T09:00:00");
    assert_eq!(wire["timeZoneId"], "Asia/Tokyo");
    assert_eq!(wire["venue"]["room"], "A");
    assert_eq!(wire["capacity"], 300);
}

#[test]
fn offsets_and_labels_are_in_the_events_zone() {
    assert_eq!(
        format_offset(FixedOffset::west_opt(3 * 3600 + 1800).unwrap()),
        "-03:30"
    );
    assert_eq!(
        offset_label(t("2026-06-01 10:00"), t("2026-06-01 22:00"), "Asia/Tokyo"),
        "UTC+09:00"
    );
    assert_eq!(
        offset_label(
            t("2026-06-01 10:00"),
            t("2026-06-01 22:00"),
            "Europe/London"
        ),
        "UTC+01:00"
    );
    // The clocks go back on 25 October 2026 in London.
    assert_eq!(
        offset_label(
            t("2026-10-24 10:00"),
            t("2026-10-26 10:00"),
            "Europe/London"
        ),
        "UTC+01:00 → UTC+00:00"
    );
    assert_eq!(
        when_label(t("2026-06-01 10:00"), t("2026-06-01 22:00"), "Asia/Tokyo"),
        "Mon 1 Jun 2026, 10:00–22:00 Asia/Tokyo (UTC+09:00)"
    );
    assert_eq!(
        when_label(
            t("2026-06-01 10:00"),
            t("2026-06-02 18:00"),
            "America/New_York"
        ),
        "Mon 1 Jun 2026, 10:00 – Tue 2 Jun 2026, 18:00 America/New_York (UTC-04:00)"
    );
    assert!(
        offset_label(t("2026-06-01 10:00"), t("2026-06-01 11:00"), "Mars/X").contains("unknown")
    );
}

#[test]
fn zone_search_ranks_cities_first_and_shows_offsets() {
    let winter = Utc.with_ymd_and_hms(2026, 1, 15, 12, 0, 0).unwrap();
    let summer = Utc.with_ymd_and_hms(2026, 7, 15, 12, 0, 0).unwrap();
    let lon = search_zones("lon", winter);
    assert_eq!(lon[0].label, "Europe/London (UTC+00:00)");
    assert_eq!(search_zones("lon", summer)[0].offset, "+01:00");
    assert!(lon.iter().all(|z| z.id.to_lowercase().contains("lon")));

    assert_eq!(search_zones("new york", winter)[0].id, "America/New_York");
    assert_eq!(
        search_zones("TOKYO", winter)[0].label,
        "Asia/Tokyo (UTC+09:00)"
    );
    // By offset: every hit is at +09:00.
    let nine = search_zones("+09:00", winter);
    assert!(nine.iter().any(|z| z.id == "Asia/Tokyo"));
    assert!(nine.iter().all(|z| z.offset == "+09:00"));
    // Area/City names before aliases: "Europe/London" before "GB"-style names.
    let utc = search_zones("utc", winter);
    assert_eq!(utc[0].id, "UTC");
    assert!(search_zones("zzzz-nothing", winter).is_empty());
    // Empty: everything; the common zones first, then canonical names by name.
    let all = search_zones("", winter);
    assert_eq!(all.len(), zone_count());
    assert!(all.len() > 400);
    let n = COMMON_ZONES.len();
    assert!(all[..n]
        .iter()
        .all(|z| COMMON_ZONES.contains(&z.id.as_str())));
    assert_eq!(all[n].id, "Africa/Abidjan");
}

#[test]
fn the_zone_picker_finds_tokyo_and_caps_the_list() {
    let search = |query: &str, limit| {
        zones_search(ZoneSearchRequest {
            query: query.into(),
            limit,
        })
        .unwrap()
    };
    let r = search("tok", None);
    assert_eq!(r.zones[0].id, "Asia/Tokyo");
    assert!(r.zones[0].label.ends_with("(UTC+09:00)"));
    let all = search("", Some(10_000));
    assert_eq!(all.zones.len(), MAX_ZONES as usize);
    assert!(all.matched as usize > MAX_ZONES as usize);
    let none = search("zzzz", Some(0));
    assert_eq!((none.zones.len(), none.matched), (0, 0));
}

// ---------------------------------------------------------------- dates (one parser)

fn message(e: Error) -> String {
    e.body().message
}

#[test]
fn dates_and_date_times_parse() {
    // A day alone: its start or its end.
    let d = parse_day_or_time("from", "2026-05-01", DayEdge::Start).unwrap();
    assert_eq!(d.to_string(), "2026-05-01 00:00:00");
    let d = parse_day_or_time("to", "2026-05-01", DayEdge::End).unwrap();
    assert_eq!(d.to_string(), "2026-05-01 23:59:59");
    // A date-time, with a `T` or a space, with or without seconds: the same everywhere.
    for v in [
        "2026-05-01T10:30",
        "2026-05-01 10:30",
        " 2026-05-01T10:30:00 ",
        "2026-05-01 10:30:00",
    ] {
        assert_eq!(
            parse_day_or_time("to", v, DayEdge::End)
                .unwrap()
                .to_string(),
            "2026-05-01 10:30:00",
            "{v}"
        );
        assert_eq!(
            parse_local("startTime", v).unwrap().to_string(),
            "2026-05-01 10:30:00",
            "{v}"
        );
    }
    assert!(parse_day_or_time("to", "tomorrow", DayEdge::End).is_err());
    let e = parse_day_or_time("from", "01/06/2026", DayEdge::Start).unwrap_err();
    assert!(e.is_bad_input());
    assert_eq!(e.body().field.as_deref(), Some("from"));
    assert_eq!(
        message(e),
        "from: '01/06/2026' is not a date like 2026-06-01 or a local date and time like 2026-06-01T10:00 (YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS], no offset)"
    );
    // An event's start needs a time; an offset is never a local time.
    for bad in [
        "2026-06-01",
        "2026-06-01T10:00:00+09:00",
        "2026-06-01T10:00Z",
        "2026-13-01 10:00",
    ] {
        let e = parse_local("startTime", bad).unwrap_err();
        assert_eq!(
            message(e),
            format!("startTime: '{bad}' is not a local date and time like 2026-06-01T10:00 (YYYY-MM-DDTHH:MM[:SS], no offset: it is read in the event's time zone)")
        );
    }
    assert_eq!(
        message(parse_local("endTime", "  ").unwrap_err()),
        "endTime: is required"
    );
}

#[test]
fn the_list_range_has_defaults_and_refuses_to_before_from() {
    let now = t("2026-05-15 12:00");
    let (from, to) = list_range(None, Some(" "), now).unwrap();
    assert_eq!(from, t("2026-04-15 12:00"));
    assert_eq!(to, t("2026-11-14 12:00"));
    let (from, to) = list_range(Some("2026-05-01"), Some("2026-05-01"), now).unwrap();
    assert_eq!(
        (from, to),
        (t("2026-05-01 00:00"), t("2026-05-01 23:59:59"))
    );
    let e = list_range(Some("2026-13-01"), None, now).unwrap_err();
    assert_eq!(field(e), "from");
    let e = list_range(Some("2026-05-02"), Some("2026-05-01"), now).unwrap_err();
    assert_eq!(e.body().field.as_deref(), Some("to"));
    assert_eq!(message(e), "to: must not be before 'from'");
}

#[test]
fn changes_are_checked_alone_then_over_the_event() {
    let existing: Event = serde_json::from_value(json!({
        "id": "00890adf-1a80-4b1f-87ce-620feb9bec12", "title": "Old",
        "startTime": "2026-06-01T10:00:00", "endTime": "2026-06-01T12:00:00",
        "timeZoneId": "Europe/London", "venue": {"room": "A"}
    }))
    .unwrap();
    let only = |c: EventChanges| c.check().and_then(|()| c.over(&existing));
    // Nothing given: the event as it is.
    let v = only(EventChanges::default()).unwrap();
    assert_eq!(
        (v.title.as_str(), v.start, v.end),
        ("Old", t("2026-06-01 10:00"), t("2026-06-01 12:00"))
    );
    assert_eq!(v.zone, Tz::Europe__London);
    // A new zone keeps the wall-clock times.
    let v = only(EventChanges {
        time_zone_id: Some("Asia/Tokyo".into()),
        ..Default::default()
    })
    .unwrap();
    assert_eq!((v.start, v.zone), (t("2026-06-01 10:00"), Tz::Asia__Tokyo));
    // A bad field alone is refused before the event is even read, as the form refuses it.
    let bad = EventChanges {
        start_time: Some("June 1st".into()),
        ..Default::default()
    };
    assert_eq!(
        message(bad.check().unwrap_err()),
        message(validate("x", "June 1st", "2026-06-01 11:00", "UTC").unwrap_err())
    );
    assert_eq!(
        field(
            EventChanges {
                title: Some(" ".into()),
                ..Default::default()
            }
            .check()
            .unwrap_err()
        ),
        "title"
    );
    // A new end before the start the event already has: refused over the event.
    let e = only(EventChanges {
        end_time: Some("2026-06-01 09:00".into()),
        ..Default::default()
    })
    .unwrap_err();
    assert_eq!(field(e), "endTime");
    // Every field given: the form's full check before any request.
    let all = EventChanges {
        title: Some("x".into()),
        start_time: Some("2026-06-01 10:00".into()),
        end_time: Some("2026-06-01 09:00".into()),
        time_zone_id: Some("UTC".into()),
    };
    assert_eq!(field(all.check().unwrap_err()), "endTime");
}
