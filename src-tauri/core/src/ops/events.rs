//! Event forms and time zones: validating what the user typed before any request, building the
//! create/update body (an edit keeps the fields this version does not know), the IANA zone list
//! with offsets and its search, and labels that show an event's times in its own zone.
//!
//! The API's `startTime`/`endTime` carry no offset: they are wall-clock times in `timeZoneId`
//! (the guide's example: `"2026-06-01T10:00:00"` with `"Europe/London"`).

use chrono::{DateTime, FixedOffset, NaiveDateTime, Offset, TimeZone, Utc};
use chrono_tz::{Tz, TZ_VARIANTS};
use serde::Serialize;
use ts_rs::TS;

use uuid::Uuid;

use crate::api::Client;
use crate::models::Event;
use crate::{Error, Result};

/// A form that passed every check: what will be sent.
#[derive(Clone, Debug, PartialEq)]
pub struct ValidEvent {
    pub title: String,
    pub start: NaiveDateTime,
    pub end: NaiveDateTime,
    pub zone: Tz,
}

/// The event the events screen opens first: the first (in start order) whose local end date is
/// today or later, else the first. `today` is the machine's local date. The events list marks it
/// (`isDefault`) for the UI, and `--demo` start-up loads its attendees while the window loads.
pub fn default_event<T>(
    events: &[T],
    end: impl Fn(&T) -> NaiveDateTime,
    today: chrono::NaiveDate,
) -> Option<&T> {
    events
        .iter()
        .find(|e| end(e).date() >= today)
        .or_else(|| events.first())
}

/// Check an event form: a title, two local times that exist in the zone, start before end,
/// and a real IANA zone. Errors name the API's field (`title`, `startTime`, `endTime`,
/// `timeZoneId`).
pub fn validate(title: &str, start: &str, end: &str, zone: &str) -> Result<ValidEvent> {
    let title = title.trim();
    if title.is_empty() {
        return Err(Error::invalid("title", "is required"));
    }
    let zone = parse_zone(zone)?;
    let start = parse_local("startTime", start)?;
    let end = parse_local("endTime", end)?;
    for (field, t) in [("startTime", start), ("endTime", end)] {
        if zone.from_local_datetime(&t).earliest().is_none() {
            return Err(Error::invalid(
                field,
                format!(
                    "{} does not exist in {} (the clocks skip it for daylight saving); pick another time",
                    t.format("%Y-%m-%d %H:%M"),
                    zone.name()
                ),
            ));
        }
    }
    if end <= start {
        return Err(Error::invalid("endTime", "must be after the start time"));
    }
    Ok(ValidEvent {
        title: title.to_owned(),
        start,
        end,
        zone,
    })
}

/// `YYYY-MM-DDTHH:MM[:SS]` or with a space instead of `T`. An offset or `Z` is refused: the
/// time is read in the event's zone.
pub fn parse_local(field: &str, value: &str) -> Result<NaiveDateTime> {
    let v = value.trim();
    if v.is_empty() {
        return Err(Error::invalid(field, "is required"));
    }
    for fmt in [
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
    ] {
        if let Ok(t) = NaiveDateTime::parse_from_str(v, fmt) {
            return Ok(t);
        }
    }
    Err(Error::invalid(
        field,
        format!("'{v}' is not a local date and time like 2026-06-01 10:00 (no offset: it is read in the event's time zone)"),
    ))
}

/// An IANA zone by its exact name; a wrong case or spaces for underscores gets a suggestion.
pub fn parse_zone(value: &str) -> Result<Tz> {
    let v = value.trim();
    if v.is_empty() {
        return Err(Error::invalid("timeZoneId", "is required"));
    }
    if let Ok(tz) = v.parse::<Tz>() {
        return Ok(tz);
    }
    let key = v.replace(' ', "_").to_ascii_lowercase();
    let hint = TZ_VARIANTS
        .iter()
        .find(|z| z.name().to_ascii_lowercase() == key)
        .map(|z| format!("; did you mean {}?", z.name()))
        .unwrap_or_else(|| "; pick one from the list, such as Europe/London".to_owned());
    Err(Error::invalid(
        "timeZoneId",
        format!("'{v}' is not an IANA time zone{hint}"),
    ))
}

/// The body of `POST /api/event`.
pub fn new_event(v: &ValidEvent) -> Event {
    Event {
        id: None,
        title: v.title.clone(),
        start_time: v.start,
        end_time: v.end,
        time_zone_id: v.zone.name().to_owned(),
        extra: Default::default(),
    }
}

/// The body of `PUT /api/event`: the event as Qflow has it, with the form's fields replaced.
/// Its id and every field this version does not know are sent back unchanged.
pub fn apply_edit(mut existing: Event, v: &ValidEvent) -> Event {
    existing.title = v.title.clone();
    existing.start_time = v.start;
    existing.end_time = v.end;
    existing.time_zone_id = v.zone.name().to_owned();
    existing
}

/// Create the event under a client-generated `id`. `POST /api/event` is never retried once it
/// may have reached Qflow (the guide does not promise that an id makes it idempotent); when its
/// answer is lost, a read by that id tells whether it was created. Still unknown: the same
/// form (same id) can be saved again.
pub async fn create(client: &Client, id: Uuid, v: &ValidEvent) -> Result<Event> {
    if id.is_nil() {
        return Err(Error::invalid("id", "must not be the nil GUID"));
    }
    let body = Event {
        id: Some(id),
        ..new_event(v)
    };
    match client.event_create(&body).await {
        Err(Error::OutcomeUnknown { endpoint, message }) => match client.event_get(id).await {
            Ok(created) => Ok(created),
            Err(_) => Err(Error::OutcomeUnknown { endpoint, message }),
        },
        other => other,
    }
}

/// Edit an event: read it as Qflow has it, replace the form's fields, `PUT` it whole (fields
/// this version does not know go back unchanged).
pub async fn update(client: &Client, id: Uuid, v: &ValidEvent) -> Result<Event> {
    let existing = client.event_get(id).await?;
    client.event_update(&apply_edit(existing, v)).await
}

/// `+09:00`, `-03:30`, `+00:00`.
pub fn format_offset(off: FixedOffset) -> String {
    let secs = off.local_minus_utc();
    let sign = if secs < 0 { '-' } else { '+' };
    let m = secs.unsigned_abs() / 60;
    format!("{sign}{:02}:{:02}", m / 60, m % 60)
}

/// The zone's offset at a wall-clock time in it; `None` in a DST gap.
pub fn offset_at(zone: Tz, local: NaiveDateTime) -> Option<FixedOffset> {
    zone.from_local_datetime(&local)
        .earliest()
        .map(|t| t.offset().fix())
}

/// How the event's zone relates to UTC during the event: `UTC+09:00`, or
/// `UTC+01:00 → UTC+00:00` when a DST change falls between start and end.
pub fn offset_label(start: NaiveDateTime, end: NaiveDateTime, zone: &str) -> String {
    let Ok(tz) = zone.parse::<Tz>() else {
        return format!("unknown time zone '{zone}'");
    };
    let show = |o: Option<FixedOffset>| match o {
        Some(o) => format!("UTC{}", format_offset(o)),
        None => "skipped by a DST change".to_owned(),
    };
    let (a, b) = (offset_at(tz, start), offset_at(tz, end));
    if a == b {
        show(a)
    } else {
        format!("{} → {}", show(a), show(b))
    }
}

/// `Mon 1 Jun 2026, 10:00–22:00 Asia/Tokyo (UTC+09:00)`; across days both dates are given.
pub fn when_label(start: NaiveDateTime, end: NaiveDateTime, zone: &str) -> String {
    let day = "%a %-d %b %Y";
    let range = if start.date() == end.date() {
        format!(
            "{}, {}–{}",
            start.format(day),
            start.format("%H:%M"),
            end.format("%H:%M")
        )
    } else {
        format!(
            "{}, {} – {}, {}",
            start.format(day),
            start.format("%H:%M"),
            end.format(day),
            end.format("%H:%M")
        )
    };
    format!("{range} {zone} ({})", offset_label(start, end, zone))
}

/// The picker's list: best matches first, and how many matched in all.
#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct ZoneSearchResult {
    pub zones: Vec<ZoneInfo>,
    pub matched: u32,
}

/// One IANA zone for the picker.
#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct ZoneInfo {
    /// The IANA name, e.g. `Asia/Tokyo`.
    pub id: String,
    /// The offset now, e.g. `+09:00`.
    pub offset: String,
    /// `Asia/Tokyo (UTC+09:00)`.
    pub label: String,
}

fn zone_info(tz: Tz, now: DateTime<Utc>) -> ZoneInfo {
    let offset = format_offset(now.with_timezone(&tz).offset().fix());
    ZoneInfo {
        id: tz.name().to_owned(),
        label: format!("{} (UTC{offset})", tz.name()),
        offset,
    }
}

/// Every zone in the tz database (chrono-tz's build), aliases included.
pub fn zone_count() -> usize {
    TZ_VARIANTS.len()
}

/// Zones matching `query`, best first, with their offsets at `now`.
///
/// Words are matched ignoring case, with `_` and `/` read as spaces, against the name and the
/// `UTC±hh:mm` label, so "lon" finds Europe/London, "new york" America/New_York and "+09"
/// the zones at UTC+09:00. Ranking: the city (last part) starts with the query, then any part
/// starts with it, then it appears anywhere; `Area/City` names before legacy aliases (`GB`,
/// `US/Eastern`); then by name. An empty query lists every zone by name.
pub fn search_zones(query: &str, now: DateTime<Utc>) -> Vec<ZoneInfo> {
    let q = normalise(query);
    let words: Vec<&str> = q.split_whitespace().collect();
    let mut hits: Vec<(u8, bool, bool, ZoneInfo)> = TZ_VARIANTS
        .iter()
        .filter_map(|&tz| {
            let info = zone_info(tz, now);
            let name = normalise(tz.name());
            let hay = format!("{name} {}", info.label.to_ascii_lowercase());
            if !words.iter().all(|w| hay.contains(w)) {
                return None;
            }
            let city = normalise(tz.name().rsplit('/').next().unwrap_or(""));
            let phrase = q.trim();
            let rank = if phrase.is_empty() || city.starts_with(phrase) {
                0
            } else if name.split(' ').any(|part| part.starts_with(words[0])) {
                1
            } else {
                2
            };
            let common = COMMON_ZONES.contains(&tz.name());
            Some((rank, is_legacy(tz.name()), !common, info))
        })
        .collect();
    hits.sort_by(|a, b| (a.0, a.1, a.2, &a.3.id).cmp(&(b.0, b.1, b.2, &b.3.id)));
    hits.into_iter().map(|(_, _, _, z)| z).collect()
}

/// Zones most events are held in: among equally good matches they come first, so "lon"
/// offers London before Longyearbyen.
const COMMON_ZONES: [&str; 24] = [
    "Europe/London",
    "Europe/Dublin",
    "Europe/Paris",
    "Europe/Berlin",
    "Europe/Madrid",
    "Europe/Rome",
    "Europe/Amsterdam",
    "Europe/Warsaw",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "America/Toronto",
    "America/Sao_Paulo",
    "America/Mexico_City",
    "Asia/Tokyo",
    "Asia/Singapore",
    "Asia/Dubai",
    "Asia/Kolkata",
    "Asia/Hong_Kong",
    "Asia/Shanghai",
    "Australia/Sydney",
    "Australia/Melbourne",
    "Pacific/Auckland",
];

fn normalise(s: &str) -> String {
    s.to_lowercase().replace(['_', '/'], " ")
}

/// Aliases kept for compatibility (`GB`, `US/Eastern`, `Etc/GMT+9`, `EST5EDT`): listed after
/// the `Area/City` names.
fn is_legacy(name: &str) -> bool {
    const AREAS: [&str; 10] = [
        "Africa/",
        "America/",
        "Antarctica/",
        "Arctic/",
        "Asia/",
        "Atlantic/",
        "Australia/",
        "Europe/",
        "Indian/",
        "Pacific/",
    ];
    !(AREAS.iter().any(|a| name.starts_with(a)) || name == "UTC")
}

#[cfg(test)]
mod tests {
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

    use super::*;
    use serde_json::json;

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
            field(
                validate("x", "2026-06-01T10:00:00+09:00", "2026-06-01 11:00", "UTC").unwrap_err()
            ),
            "startTime"
        );
        let same = validate("x", "2026-06-01 10:00", "2026-06-01 10:00", "UTC").unwrap_err();
        assert_eq!(field(same), "endTime");
        let before = validate("x", "2026-06-02 10:00", "2026-06-01 10:00", "UTC").unwrap_err();
        assert!(before.to_string().contains("after the start"), "{before}");
        let zone = validate("x", "2026-06-01 10:00", "2026-06-01 11:00", "Mars/Olympus");
        assert_eq!(field(zone.unwrap_err()), "timeZoneId");
        // 01:30 on 29 March 2026 does not exist in London.
        let gap =
            validate("x", "2026-03-29 01:30", "2026-03-29 09:00", "Europe/London").unwrap_err();
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
            offset_label(t("2026-06-01 10:00"), t("2026-06-01 11:00"), "Mars/X")
                .contains("unknown")
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

    mod against_the_sandbox {
        use super::*;
        use qflow_sandbox::{Fault, FaultKind, Sandbox, SandboxConfig};

        async fn setup() -> (Sandbox, Client) {
            let sb = Sandbox::start(SandboxConfig {
                seed_data: false,
                ..SandboxConfig::default()
            })
            .await
            .unwrap();
            let c = crate::test_support::demo_client(&sb, None);
            (sb, c)
        }

        fn form(title: &str) -> ValidEvent {
            validate(title, "2026-06-01 10:00", "2026-06-01 22:00", "Asia/Tokyo").unwrap()
        }

        fn drop(kind: FaultKind) -> Fault {
            Fault {
                method: "POST".into(),
                path_prefix: "/api/event".into(),
                kind,
            }
        }

        #[tokio::test]
        async fn create_uses_the_client_id_and_a_repost_makes_no_duplicate() {
            let (sb, c) = setup().await;
            let id = Uuid::new_v4();
            let e = create(&c, id, &form("Tokyo launch")).await.unwrap();
            assert_eq!(e.id, Some(id));
            assert_eq!(e.time_zone_id, "Asia/Tokyo");
            create(&c, id, &form("Tokyo launch")).await.unwrap();
            let all = c
                .events_list(t("2026-01-01 00:00"), t("2026-12-31 00:00"))
                .await
                .unwrap();
            assert_eq!(all.len(), 1);
            assert!(create(&c, Uuid::nil(), &form("x")).await.is_err());
            assert_eq!(sb.requests("POST", "/api/event"), 2);
            sb.shutdown().await;
        }

        #[tokio::test]
        async fn a_lost_answer_is_resolved_by_reading_the_id_and_never_reposted() {
            let (sb, c) = setup().await;
            // Created, answer lost: the read finds it.
            sb.inject(drop(FaultKind::DropAfterRead));
            let id = Uuid::new_v4();
            let e = create(&c, id, &form("Lost answer")).await.unwrap();
            assert_eq!((e.id, e.title.as_str()), (Some(id), "Lost answer"));
            assert_eq!(sb.requests("POST", "/api/event"), 1);
            // Not created: still unknown (not a silent retry), and saying so.
            sb.inject(drop(FaultKind::DropBeforeRead));
            let err = create(&c, Uuid::new_v4(), &form("Never arrived"))
                .await
                .unwrap_err();
            assert_eq!(err.code(), "outcome_unknown");
            assert_eq!(sb.requests("POST", "/api/event"), 2);
            sb.shutdown().await;
        }

        #[tokio::test]
        async fn update_replaces_the_form_fields_and_a_missing_event_is_not_found() {
            let (sb, c) = setup().await;
            let id = Uuid::new_v4();
            create(&c, id, &form("Old title")).await.unwrap();
            let v = validate(
                "New title",
                "2026-07-01 09:00",
                "2026-07-02 17:00",
                "Europe/London",
            )
            .unwrap();
            let e = update(&c, id, &v).await.unwrap();
            assert_eq!(e.title, "New title");
            assert_eq!(e.time_zone_id, "Europe/London");
            assert_eq!(
                c.event_get(id).await.unwrap().end_time,
                t("2026-07-02 17:00")
            );
            let err = update(&c, Uuid::new_v4(), &v).await.unwrap_err();
            assert_eq!(err.body().status, Some(404));
            sb.shutdown().await;
        }
    }
}
