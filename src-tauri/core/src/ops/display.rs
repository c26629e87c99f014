//! Labels for times. The API's event times carry no offset: they are local to the event's
//! zone, so a label names the zone and its offset at that moment.

use chrono::{NaiveDateTime, Offset, TimeZone};
use chrono_tz::Tz;

/// `2026-06-01 10:00 Europe/London (UTC+01:00)`. An unknown zone or a local time that falls in
/// a DST gap is said so rather than guessed.
pub fn event_time(t: NaiveDateTime, zone: &str) -> String {
    let local = t.format("%Y-%m-%d %H:%M");
    let Ok(tz) = zone.parse::<Tz>() else {
        return format!("{local} (unknown time zone '{zone}')");
    };
    match tz.from_local_datetime(&t).earliest() {
        Some(dt) => format!("{local} {zone} (UTC{})", dt.offset().fix()),
        None => format!("{local} {zone} (skipped by a DST change)"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S").unwrap()
    }

    #[test]
    fn names_zone_and_offset() {
        assert_eq!(
            event_time(t("2026-06-01T10:00:00"), "Europe/London"),
            "2026-06-01 10:00 Europe/London (UTC+01:00)"
        );
        assert_eq!(
            event_time(t("2026-01-15T18:30:00"), "Europe/London"),
            "2026-01-15 18:30 Europe/London (UTC+00:00)"
        );
        assert_eq!(
            event_time(t("2026-06-01T10:00:00"), "America/New_York"),
            "2026-06-01 10:00 America/New_York (UTC-04:00)"
        );
        assert!(event_time(t("2026-06-01T10:00:00"), "Mars/Olympus").contains("unknown time zone"));
        assert!(event_time(t("2026-03-29T01:30:00"), "Europe/London").contains("DST"));
    }
}
