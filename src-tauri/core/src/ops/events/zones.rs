//! Time zones: reading an IANA name, offsets and the labels that show an event's times in its
//! own zone, and the zone picker's search.

use chrono::{DateTime, FixedOffset, NaiveDateTime, Offset, TimeZone, Utc};
use chrono_tz::{Tz, TZ_VARIANTS};

use super::types::{ZoneInfo, ZoneSearchRequest, ZoneSearchResult};
use crate::{Error, Result};

/// The picker shows at most this many zones per answer (the full list is ~600).
pub const MAX_ZONES: u32 = 100;

/// `zones_search`: zones for the picker, with their offsets now. Needs no session.
pub fn zones_search(req: ZoneSearchRequest) -> Result<ZoneSearchResult> {
    let limit = req.limit.unwrap_or(MAX_ZONES).clamp(1, MAX_ZONES) as usize;
    let mut zones = search_zones(&req.query, Utc::now());
    let matched = u32::try_from(zones.len()).unwrap_or(u32::MAX);
    zones.truncate(limit);
    Ok(ZoneSearchResult { zones, matched })
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
pub(super) const COMMON_ZONES: [&str; 24] = [
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
