//! `events list`, `event show|create|update|delete`: the window's event operations
//! (`qflow_core::ops::events`), with the same checks, the same date reader and the same
//! messages.

use clap::Subcommand;
use qflow_core::api::ApiRequest;
use qflow_core::models::Event;
use qflow_core::ops::display::event_time;
use qflow_core::ops::events::{self, EventChanges, EventDeleteRequest, EventForm};
use qflow_core::{Error, Result};
use uuid::Uuid;

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
    /// Create an event. Times are the event's local wall-clock time in --zone (no offset).
    Create(CreateArgs),
    /// Change an event's title, times or zone; the rest (and fields this version does not know)
    /// is kept. Times are local wall-clock time in the event's zone.
    Update(UpdateArgs),
    /// Delete an event (Qflow also deletes its attendees and templates).
    Delete { id: String },
    /// Checked in / expected, arrivals per 5 minutes (the event's local time), the peak, and
    /// the email health from this computer's delivery timeline (as the window's Arrivals).
    Arrivals(super::arrivals::ArrivalsArgs),
}

#[derive(clap::Args, Debug)]
pub struct CreateArgs {
    #[arg(long, value_name = "T")]
    pub title: String,
    /// Local start, YYYY-MM-DDTHH:MM[:SS].
    #[arg(long, value_name = "YYYY-MM-DDTHH:MM")]
    pub start: String,
    /// Local end, YYYY-MM-DDTHH:MM[:SS].
    #[arg(long, value_name = "YYYY-MM-DDTHH:MM")]
    pub end: String,
    /// IANA time zone, e.g. Europe/London.
    #[arg(long, value_name = "IANA")]
    pub zone: String,
    /// The new event's id [default: a new GUID]. Re-running with the same id never makes a
    /// second event.
    #[arg(long, value_name = "GUID")]
    pub id: Option<String>,
}

#[derive(clap::Args, Debug)]
#[command(group(clap::ArgGroup::new("changes").required(true).multiple(true)))]
pub struct UpdateArgs {
    pub id: String,
    #[arg(long, value_name = "T", group = "changes")]
    pub title: Option<String>,
    #[arg(long, value_name = "YYYY-MM-DDTHH:MM", group = "changes")]
    pub start: Option<String>,
    #[arg(long, value_name = "YYYY-MM-DDTHH:MM", group = "changes")]
    pub end: Option<String>,
    #[arg(long, value_name = "IANA", group = "changes")]
    pub zone: Option<String>,
}

pub async fn run_events(cmd: &EventsCmd, ctx: &Ctx) -> Result<i32> {
    match cmd {
        EventsCmd::List { from, to } => {
            let now = chrono::Utc::now().naive_utc();
            let (start, end) = events::list_range(Some(from), Some(to), now)?;
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
            print_event(&e);
            Ok(0)
        }
        EventCmd::Create(a) => {
            let form = EventForm {
                id: a.id.clone().unwrap_or_else(|| Uuid::new_v4().to_string()),
                title: a.title.clone(),
                start_time: a.start.clone(),
                end_time: a.end.clone(),
                time_zone_id: a.zone.clone(),
            };
            // Bad input is refused before credentials are even looked up (and again by the op).
            events::check_form(&form)?;
            let e = events::create(&*ctx.session().await?, &form).await?;
            show_written(ctx, &e, "Created")
        }
        EventCmd::Update(a) => {
            let changes = EventChanges {
                title: a.title.clone(),
                start_time: a.start.clone(),
                end_time: a.end.clone(),
                time_zone_id: a.zone.clone(),
            };
            events::check_changes(&a.id, &changes)?;
            let e = events::update(&*ctx.session().await?, &a.id, &changes).await?;
            show_written(ctx, &e, "Updated")
        }
        EventCmd::Arrivals(a) => super::arrivals::run(a, ctx).await,
        EventCmd::Delete { id } => {
            parse_id("id", id)?;
            let req = EventDeleteRequest { id: id.clone() };
            events::event_delete(&*ctx.session().await?, req).await?;
            if ctx.json {
                output::print_json(&serde_json::json!({ "id": id.trim(), "deleted": true }));
            } else {
                output::note(format!("Deleted event {}.", id.trim()));
            }
            Ok(0)
        }
    }
}

/// A created or updated event: with `--json` as Qflow answered (unknown fields kept).
fn show_written(ctx: &Ctx, e: &Event, what: &str) -> Result<i32> {
    if ctx.json {
        let v = serde_json::to_value(e)
            .map_err(|err| Error::internal(format!("encoding the event: {err}")))?;
        output::print_json(&v);
    } else {
        print_event(e);
        output::note(format!("{what} event {}.", output::or_dash(e.id)));
    }
    Ok(0)
}

fn print_event(e: &Event) {
    let mut pairs: Vec<(String, String)> = vec![
        ("id".into(), output::or_dash(e.id)),
        ("title".into(), e.title.clone()),
        ("start".into(), event_time(e.start_time, &e.time_zone_id)),
        ("end".into(), event_time(e.end_time, &e.time_zone_id)),
        ("time zone".into(), e.time_zone_id.clone()),
    ];
    pairs.extend(e.extra.iter().map(|(k, v)| (k.clone(), plain(v))));
    output::print_fields(&pairs);
}

/// A JSON value as a human reads it: strings without quotes.
pub(crate) fn plain(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => "-".into(),
        other => other.to_string(),
    }
}
