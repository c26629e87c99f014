//! `events list`, `event show`.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use clap::Subcommand;
use qflow_core::api::ApiRequest;
use qflow_core::models::Event;
use qflow_core::ops::display::event_time;
use qflow_core::{Error, Result};

use super::output::{self, Table};
use super::{decode, parse_id, Ctx};

#[derive(Subcommand, Debug)]
pub enum EventsCmd {
    /// Events starting between two dates (YYYY-MM-DD, or YYYY-MM-DDTHH:MM[:SS]); both inclusive.
    List {
        #[arg(long, value_name = "DATE")]
        from: String,
        #[arg(long, value_name = "DATE")]
        to: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum EventCmd {
    /// One event by id.
    Show { id: String },
}

pub async fn run_events(cmd: &EventsCmd, ctx: &Ctx) -> Result<i32> {
    match cmd {
        EventsCmd::List { from, to } => {
            let start = parse_date("from", from, false)?;
            let end = parse_date("to", to, true)?;
            if start > end {
                return Err(Error::invalid(
                    "to",
                    format!("{to} is before --from {from}"),
                ));
            }
            let raw = ctx.execute(ApiRequest::events_list(start, end)).await?;
            if ctx.json {
                output::print_json(&raw);
                return Ok(0);
            }
            let events: Vec<Event> = decode("GET /api/events", &raw)?;
            let mut t = Table::new(&["ID", "TITLE", "START", "END"]);
            for e in &events {
                t.row(vec![
                    output::or_dash(e.id),
                    e.title.clone(),
                    event_time(e.start_time, &e.time_zone_id),
                    event_time(e.end_time, &e.time_zone_id),
                ]);
            }
            t.print();
            output::note(format!("{} event(s)", events.len()));
            Ok(0)
        }
    }
}

pub async fn run_event(cmd: &EventCmd, ctx: &Ctx) -> Result<i32> {
    match cmd {
        EventCmd::Show { id } => {
            let id = parse_id("ID", id)?;
            let raw = ctx.execute(ApiRequest::event_get(id)).await?;
            if ctx.json {
                output::print_json(&raw);
                return Ok(0);
            }
            let e: Event = decode("GET /api/event/{id}", &raw)?;
            let mut pairs: Vec<(String, String)> = vec![
                ("id".into(), output::or_dash(e.id)),
                ("title".into(), e.title.clone()),
                ("start".into(), event_time(e.start_time, &e.time_zone_id)),
                ("end".into(), event_time(e.end_time, &e.time_zone_id)),
                ("time zone".into(), e.time_zone_id.clone()),
            ];
            pairs.extend(e.extra.iter().map(|(k, v)| (k.clone(), plain(v))));
            output::print_fields(&pairs);
            Ok(0)
        }
    }
}

/// A JSON value as a human reads it: strings without quotes.
pub(crate) fn plain(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => "-".into(),
        other => other.to_string(),
    }
}

/// `YYYY-MM-DD` (start or end of that day) or a full local date-time.
pub(crate) fn parse_date(field: &str, value: &str, end_of_day: bool) -> Result<NaiveDateTime> {
    let v = value.trim();
    if let Ok(d) = NaiveDate::parse_from_str(v, "%Y-%m-%d") {
        let time = if end_of_day {
            NaiveTime::from_hms_opt(23, 59, 59)
        } else {
            NaiveTime::from_hms_opt(0, 0, 0)
        };
        return Ok(d.and_time(time.expect("valid constant time")));
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
        format!("'{value}' is not a date (use YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS)"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(
            parse_date("from", "2026-06-01", false).unwrap().to_string(),
            "2026-06-01 00:00:00"
        );
        assert_eq!(
            parse_date("to", "2026-06-01", true).unwrap().to_string(),
            "2026-06-01 23:59:59"
        );
        assert_eq!(
            parse_date("to", "2026-06-01T10:30", true)
                .unwrap()
                .to_string(),
            "2026-06-01 10:30:00"
        );
        let e = parse_date("from", "01/06/2026", false).unwrap_err();
        assert!(e.is_bad_input());
        assert!(e.to_string().contains("from"), "{e}");
    }
}
