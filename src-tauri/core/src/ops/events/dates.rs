//! Reading the dates and times people type: the one parser behind the window's events list,
//! the event form and every CLI flag that takes a date or a time (`events list --from/--to`,
//! `event create/update --start/--end`), so each accepts the same text and refuses it with the
//! same message.
//!
//! Accepted: `YYYY-MM-DDTHH:MM` or `YYYY-MM-DDTHH:MM:SS`, with a space instead of the `T`
//! allowed; where a day will do (a list's range), also `YYYY-MM-DD`. Never an offset or `Z`:
//! the API's event times are wall-clock times in the event's zone.

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};

use crate::{Error, Result};

/// The local date-time formats accepted everywhere (the date-only form is tried first where a
/// day is allowed).
const DATE_TIME_FORMATS: [&str; 4] = [
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
];

/// The events list without `from`: this far back from now.
pub const LIST_DAYS_BACK: i64 = 30;
/// The events list without `to`: this far ahead of now.
pub const LIST_DAYS_AHEAD: i64 = 183;

/// What a date without a time means.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DayEdge {
    /// 00:00:00 (a range's start).
    Start,
    /// 23:59:59 (a range's end: the whole day is included).
    End,
}

impl DayEdge {
    fn time(self) -> NaiveTime {
        match self {
            DayEdge::Start => NaiveTime::MIN,
            DayEdge::End => NaiveTime::from_hms_opt(23, 59, 59).expect("a valid time"),
        }
    }
}

/// A local date and time (`YYYY-MM-DDTHH:MM[:SS]`, or a space for the `T`), read in the event's
/// zone: an event's start or end. Errors name `field`.
pub fn parse_local(field: &str, value: &str) -> Result<NaiveDateTime> {
    let v = value.trim();
    if v.is_empty() {
        return Err(Error::invalid(field, "is required"));
    }
    date_time(v).ok_or_else(|| {
        Error::invalid(
            field,
            format!("'{v}' is not a local date and time like 2026-06-01T10:00 (YYYY-MM-DDTHH:MM[:SS], no offset: it is read in the event's time zone)"),
        )
    })
}

/// A date (`YYYY-MM-DD`, at the start or end of that day) or a local date and time as
/// [`parse_local`] reads it: a bound of a range. Errors name `field`.
pub fn parse_day_or_time(field: &str, value: &str, edge: DayEdge) -> Result<NaiveDateTime> {
    let v = value.trim();
    if v.is_empty() {
        return Err(Error::invalid(field, "is required"));
    }
    if let Ok(d) = NaiveDate::parse_from_str(v, "%Y-%m-%d") {
        return Ok(d.and_time(edge.time()));
    }
    date_time(v).ok_or_else(|| {
        Error::invalid(
            field,
            format!("'{v}' is not a date like 2026-06-01 or a local date and time like 2026-06-01T10:00 (YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS], no offset)"),
        )
    })
}

/// The range of an events list (`from`, `to`; blank = absent): each bound a date or a local
/// date-time, `from` at the start of its day and `to` at the end of its; absent, from
/// [`LIST_DAYS_BACK`] days before `now` to [`LIST_DAYS_AHEAD`] days after. `to` before `from`
/// is refused.
pub fn list_range(
    from: Option<&str>,
    to: Option<&str>,
    now: NaiveDateTime,
) -> Result<(NaiveDateTime, NaiveDateTime)> {
    let start = match given(from) {
        Some(v) => parse_day_or_time("from", v, DayEdge::Start)?,
        None => now - Duration::days(LIST_DAYS_BACK),
    };
    let end = match given(to) {
        Some(v) => parse_day_or_time("to", v, DayEdge::End)?,
        None => now + Duration::days(LIST_DAYS_AHEAD),
    };
    if start > end {
        return Err(Error::invalid("to", "must not be before 'from'"));
    }
    Ok((start, end))
}

fn given(v: Option<&str>) -> Option<&str> {
    v.filter(|v| !v.trim().is_empty())
}

fn date_time(v: &str) -> Option<NaiveDateTime> {
    DATE_TIME_FORMATS
        .iter()
        .find_map(|fmt| NaiveDateTime::parse_from_str(v, fmt).ok())
}
