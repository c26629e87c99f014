//! `event arrivals --event ID [--csv FILE] [--no-shows]`: the window's Arrivals screen
//! (`qflow_core::ops::arrivals`) as text, JSON or the same CSV.

use std::path::PathBuf;

use qflow_core::ops::arrivals::{self, ArrivalsReport, ArrivalsRequest};
use qflow_core::ops::guests::{self, GuestsPageRequest, MAX_PAGE};
use qflow_core::{Error, Result};

use super::output::{self, Table};
use super::{parse_id, Ctx};

#[derive(clap::Args, Debug)]
pub struct ArrivalsArgs {
    /// The event's id.
    #[arg(long, value_name = "ID")]
    pub event: String,
    /// Also write the numbers as CSV to FILE (private to you).
    #[arg(long, value_name = "FILE")]
    pub csv: Option<PathBuf>,
    /// Also list the attendees not checked in (name, email, barcode).
    #[arg(long)]
    pub no_shows: bool,
}

pub async fn run(a: &ArrivalsArgs, ctx: &Ctx) -> Result<i32> {
    parse_id("--event", &a.event)?;
    let cx = ctx.session().await?;
    let req = ArrivalsRequest {
        event_id: a.event.trim().to_owned(),
        refresh: false,
    };
    let r = arrivals::arrivals(&cx, req).await?;
    if let Some(path) = &a.csv {
        let w = arrivals::export::write(&r, path)?;
        output::note(format!("Wrote {} rows to {}", w.rows, w.path));
    }
    let no_shows = if a.no_shows {
        Some(no_show_rows(&cx, &r).await?)
    } else {
        None
    };
    if ctx.json {
        let mut v = serde_json::to_value(&r)
            .map_err(|e| Error::internal(format!("encoding the report: {e}")))?;
        if let Some(rows) = &no_shows {
            v["noShowList"] = serde_json::to_value(rows)
                .map_err(|e| Error::internal(format!("encoding the no-shows: {e}")))?;
        }
        output::print_json(&v);
        return Ok(0);
    }
    print_report(&r);
    if let Some(rows) = no_shows {
        let mut t = Table::new(&["NAME", "EMAIL", "BARCODE"]);
        for g in rows {
            t.row(vec![
                format!("{} {}", g.first_name, g.last_name)
                    .trim()
                    .to_owned(),
                g.email,
                output::or_dash(g.barcode),
            ]);
        }
        println!();
        t.print();
    }
    Ok(0)
}

/// Every attendee not checked in, page by page (the window's no-show list).
async fn no_show_rows(
    cx: &qflow_core::ops::ctx::Ctx,
    r: &ArrivalsReport,
) -> Result<Vec<guests::GuestRow>> {
    let mut rows = Vec::new();
    loop {
        let page = guests::guests_page(
            cx,
            GuestsPageRequest {
                event_id: r.event_id.clone(),
                query: String::new(),
                offset: u32::try_from(rows.len()).unwrap_or(u32::MAX),
                limit: MAX_PAGE,
                refresh: false,
                checked_in: Some(false),
                tag: None,
            },
        )
        .await?;
        let done = page.rows.is_empty() || rows.len() + page.rows.len() >= page.matched as usize;
        rows.extend(page.rows);
        if done {
            return Ok(rows);
        }
    }
}

fn print_report(r: &ArrivalsReport) {
    let h = &r.health;
    let peak = r.peak.as_ref().map_or_else(
        || "-".to_owned(),
        |p| format!("{} {} ({} arrivals)", p.date, p.time, p.count),
    );
    let mut pairs: Vec<(&str, String)> = vec![
        ("event", r.title.clone()),
        ("time zone", r.time_zone_id.clone()),
        ("checked in", format!("{} of {}", r.checked_in, r.expected)),
        ("no-shows", r.no_shows.to_string()),
        ("peak (5 min)", peak),
        (
            "email",
            format!(
                "{} sent, {} delivered, {} opened, {} bounced, {} failed, {} unknown, {} never sent",
                h.sent, h.delivered, h.opened, h.bounced, h.failed, h.unknown, h.never_sent
            ),
        ),
    ];
    if let Some(note) = &r.zone_note {
        pairs.push(("note", note.clone()));
    }
    if r.untimed > 0 {
        pairs.push(("checked in without a time", r.untimed.to_string()));
    }
    output::print_fields(&pairs);
    let mut t = Table::new(&["SLOT", "ARRIVALS"]);
    if r.earlier > 0 {
        t.row(vec!["earlier".into(), r.earlier.to_string()]);
    }
    for b in &r.buckets {
        // The offset in force (RFC 3339's last six characters): a DST change shows.
        let offset = b.start.get(b.start.len().saturating_sub(6)..).unwrap_or("");
        t.row(vec![
            format!("{} {} (UTC{offset})", b.date, b.time),
            b.count.to_string(),
        ]);
    }
    if r.earlier > 0 || !r.buckets.is_empty() {
        println!();
        t.print();
    }
}
