//! The numbers as one CSV table, `section,item,value`: the summary, the email health, then one
//! row per 5-minute slot (its local start with the offset). Cells a spreadsheet would run as a
//! formula are written as text ([`crate::text::csv_cell`]).

use std::path::Path;

use super::types::{ArrivalsCsvWritten, ArrivalsReport};
use crate::fsio::write_private_atomic;
use crate::text::{csv_cell, file_stem};
use crate::Result;

/// Header of the export.
pub const HEADER: [&str; 3] = ["section", "item", "value"];

/// The rows (header aside) of `r`.
pub fn rows(r: &ArrivalsReport) -> Vec<[String; 3]> {
    let row = |s: &str, i: &str, v: String| [s.to_owned(), i.to_owned(), v];
    let h = &r.health;
    let mut out = vec![
        row("summary", "event", r.title.clone()),
        row("summary", "event_id", r.event_id.clone()),
        row("summary", "time_zone", r.time_zone_id.clone()),
        row("summary", "as_of_utc", r.as_of.clone()),
        row("summary", "expected", r.expected.to_string()),
        row("summary", "checked_in", r.checked_in.to_string()),
        row("summary", "no_shows", r.no_shows.to_string()),
        row("summary", "checked_in_without_time", r.untimed.to_string()),
        row(
            "summary",
            "peak_start",
            r.peak.as_ref().map(|p| p.start.clone()).unwrap_or_default(),
        ),
        row(
            "summary",
            "peak_arrivals",
            r.peak.as_ref().map_or(0, |p| p.count).to_string(),
        ),
        row("email", "sent", h.sent.to_string()),
        row("email", "delivered", h.delivered.to_string()),
        row("email", "opened", h.opened.to_string()),
        row("email", "bounced", h.bounced.to_string()),
        row("email", "failed", h.failed.to_string()),
        row("email", "outcome_unknown", h.unknown.to_string()),
        row("email", "never_sent", h.never_sent.to_string()),
    ];
    if r.earlier > 0 {
        out.push(row("arrivals", "earlier", r.earlier.to_string()));
    }
    out.extend(
        r.buckets
            .iter()
            .map(|b| row("arrivals", &b.start, b.count.to_string())),
    );
    out
}

/// The CSV text of `r`.
pub fn csv_text(r: &ArrivalsReport) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record(HEADER);
    for row in rows(r) {
        let _ = w.write_record(row.iter().map(|c| csv_cell(c)));
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// `arrivals-<event title>.csv`: what the save dialog proposes.
pub fn file_name(title: &str) -> String {
    format!("arrivals-{}.csv", file_stem(title, "event"))
}

/// Writes `r` to `path` (whole or not at all, private to the user).
pub fn write(r: &ArrivalsReport, path: &Path) -> Result<ArrivalsCsvWritten> {
    write_private_atomic(path, csv_text(r).as_bytes())?;
    Ok(ArrivalsCsvWritten {
        path: path.display().to_string(),
        rows: u32::try_from(rows(r).len()).unwrap_or(u32::MAX),
    })
}
