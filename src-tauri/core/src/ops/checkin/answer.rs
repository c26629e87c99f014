//! The scan answers' words and the pure rules: the undo window, what counts as a conflict, how a
//! check-in time is shown.

use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;

use super::types::{ScanAnswer, ScanKind};

/// How long after a scan its undo is offered.
pub const UNDO_WINDOW: Duration = Duration::seconds(10);

/// Qflow stamps a check-in with its own clock in whole seconds: a time this much before our
/// request started means someone else checked the attendee in first.
const CLOCK_SLACK: Duration = Duration::seconds(2);

pub const CHECKED_IN: &str = "Checked in";
pub const ALREADY: &str = "Already checked in";
pub const NOT_ON_LIST: &str = "Not on this event's list";
pub const UNKNOWN: &str = "Unknown barcode";

/// Qflow answered our check-in with a check-in time from before our request: the attendee was
/// checked in elsewhere first (before or after our scan), so ours changed nothing.
pub fn is_conflict(qflow_time: Option<DateTime<Utc>>, request_started: DateTime<Utc>) -> bool {
    qflow_time.is_some_and(|t| t + CLOCK_SLACK < request_started)
}

/// `14:02:11` in the event's zone (a day ago or more: with the date).
pub fn time_label(t: DateTime<Utc>, zone: Option<&str>, now: DateTime<Utc>) -> String {
    let fmt = if now - t >= Duration::hours(12) {
        "%Y-%m-%d %H:%M:%S"
    } else {
        "%H:%M:%S"
    };
    match zone.and_then(|z| z.parse::<Tz>().ok()) {
        Some(tz) => t.with_timezone(&tz).format(fmt).to_string(),
        None => format!("{} UTC", t.format(fmt)),
    }
}

fn base(kind: ScanKind, headline: &str, barcode: &str, detail: String) -> ScanAnswer {
    ScanAnswer {
        kind,
        headline: headline.into(),
        detail,
        yes: kind == ScanKind::CheckedIn,
        barcode: barcode.into(),
        name: None,
        tags: None,
        checked_in_at: None,
        by_this_desk: None,
        other_event: None,
        undo_id: None,
        undo_until: None,
    }
}

fn with_tags(name: &str, tags: Option<&str>) -> String {
    match tags.map(str::trim).filter(|t| !t.is_empty()) {
        Some(t) => format!("{name} · {t}"),
        None => name.to_owned(),
    }
}

pub fn checked_in(
    barcode: &str,
    name: &str,
    tags: Option<&str>,
    undo_id: i64,
    scanned_at: DateTime<Utc>,
) -> ScanAnswer {
    ScanAnswer {
        name: Some(name.into()),
        tags: tags.map(str::to_owned),
        undo_id: Some(undo_id),
        undo_until: Some((scanned_at + UNDO_WINDOW).to_rfc3339()),
        ..base(
            ScanKind::CheckedIn,
            CHECKED_IN,
            barcode,
            with_tags(name, tags),
        )
    }
}

pub fn already(
    barcode: &str,
    name: &str,
    tags: Option<&str>,
    at: Option<(DateTime<Utc>, bool)>,
    zone: Option<&str>,
    now: DateTime<Utc>,
) -> ScanAnswer {
    let when = match at {
        Some((t, true)) => format!(" · at {} at this desk", time_label(t, zone, now)),
        Some((t, false)) => format!(" · at {} at another desk", time_label(t, zone, now)),
        None => " · at another desk".into(),
    };
    ScanAnswer {
        name: Some(name.into()),
        tags: tags.map(str::to_owned),
        checked_in_at: at.map(|(t, _)| t.to_rfc3339()),
        by_this_desk: Some(at.is_some_and(|(_, here)| here)),
        ..base(
            ScanKind::AlreadyCheckedIn,
            ALREADY,
            barcode,
            format!("{name}{when}"),
        )
    }
}

pub fn not_on_list(barcode: &str, name: &str, other_event: &str) -> ScanAnswer {
    ScanAnswer {
        name: Some(name.into()),
        other_event: Some(other_event.into()),
        ..base(
            ScanKind::NotOnList,
            NOT_ON_LIST,
            barcode,
            format!("{name} is on the list of {other_event}"),
        )
    }
}

pub fn unknown(barcode: &str) -> ScanAnswer {
    base(
        ScanKind::Unknown,
        UNKNOWN,
        barcode,
        format!("{barcode} is on no attendee list this app has loaded"),
    )
}

/// `14 waiting to sync` (empty when nothing waits).
pub fn waiting_label(n: u32) -> String {
    match n {
        0 => String::new(),
        n => format!("{n} waiting to sync"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn headlines_are_the_stable_words() {
        let now = t("2026-12-05T10:00:00Z");
        assert!(checked_in("B", "Ann Lee", Some("VIP"), 1, now)
            .headline
            .starts_with("Checked in"));
        let a = already(
            "B",
            "Ann Lee",
            None,
            Some((now, true)),
            Some("Europe/London"),
            now,
        );
        assert_eq!(a.headline, "Already checked in");
        assert_eq!(a.detail, "Ann Lee · at 10:00:00 at this desk");
        let a = already(
            "B",
            "Ann",
            None,
            Some((now, false)),
            Some("Asia/Tokyo"),
            now,
        );
        assert_eq!(a.detail, "Ann · at 19:00:00 at another desk");
        assert_eq!(
            not_on_list("B", "Ann", "Gala").headline,
            "Not on this event's list"
        );
        assert_eq!(unknown("B").headline, "Unknown barcode");
        assert!(!unknown("B").yes);
        assert_eq!(waiting_label(14), "14 waiting to sync");
        assert_eq!(waiting_label(0), "");
        let c = checked_in("B", "Ann Lee", Some("VIP, Speaker"), 7, now);
        assert_eq!(c.detail, "Ann Lee · VIP, Speaker");
        assert_eq!(c.undo_until.as_deref(), Some("2026-12-05T10:00:10+00:00"));
    }

    #[test]
    fn a_check_in_time_before_our_request_is_a_conflict() {
        let started = t("2026-12-05T10:00:05.500Z");
        assert!(!is_conflict(None, started));
        // Qflow's whole-second stamp of our own request.
        assert!(!is_conflict(Some(t("2026-12-05T10:00:05Z")), started));
        assert!(!is_conflict(Some(t("2026-12-05T10:00:04Z")), started));
        assert!(is_conflict(Some(t("2026-12-05T10:00:03Z")), started));
    }
}
