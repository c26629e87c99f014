//! `guests list|import`, `guest show|add|checkin|checkout|resend`.

use clap::Subcommand;
use qflow_core::api::ApiRequest;
use qflow_core::models::{Guest, GuestCreate, SendRequest, SendResponse};
use qflow_core::ops;
use qflow_core::{Error, Result};
use serde_json::Value;
use std::path::PathBuf;
use uuid::Uuid;

use super::output::{self, Table};
use super::{decode, parse_id, Ctx};

#[derive(Subcommand, Debug)]
pub enum GuestsCmd {
    /// Attendees of an event, optionally filtered (every word must match name, email, barcode, tags…).
    List {
        event_id: String,
        #[arg(long, value_name = "TEXT")]
        search: Option<String>,
    },
    /// Bulk-create attendees from a CSV file: chunks of at most 200, paced under the rate
    /// limit, progress on stderr, resumable (re-run the same command after a failure).
    Import {
        event_id: String,
        file: PathBuf,
        /// Send the valid rows and skip the invalid ones (default: send nothing while any row is invalid).
        #[arg(long)]
        skip_invalid: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum GuestCmd {
    /// One attendee by id.
    Show { id: String },
    /// Create an attendee (client-generated id); with --template, create and send atomically.
    Add(AddArgs),
    /// Check an attendee in.
    Checkin { id: String },
    /// Check an attendee out.
    Checkout { id: String },
    /// Send a template to an existing attendee (POST /api/comms/send; never retried).
    Resend {
        id: String,
        #[arg(long, value_name = "TEMPLATE_ID")]
        template: String,
        #[arg(long, value_name = "C")]
        correlation_id: Option<String>,
    },
}

#[derive(clap::Args, Debug)]
pub struct AddArgs {
    pub event_id: String,
    #[arg(long, value_name = "F")]
    pub first_name: String,
    #[arg(long, value_name = "L")]
    pub last_name: String,
    #[arg(long, value_name = "E")]
    pub email: String,
    /// Comma-separated tags, e.g. "VIP,Speaker".
    #[arg(long, value_name = "T")]
    pub tags: Option<String>,
    /// Template id: queue this template's email in the same call.
    #[arg(long, value_name = "ID")]
    pub template: Option<String>,
    #[arg(long, value_name = "C")]
    pub correlation_id: Option<String>,
}

pub async fn run_guests(cmd: &GuestsCmd, ctx: &Ctx) -> Result<i32> {
    match cmd {
        GuestsCmd::List { event_id, search } => {
            let event_id = parse_id("EVENT_ID", event_id)?;
            let raw = ctx.execute(ApiRequest::guests_list(event_id)).await?;
            let items = raw.as_array().cloned().ok_or_else(|| Error::Malformed {
                endpoint: "GET /api/guests/{eventId}".into(),
                message: "expected a JSON array".into(),
            })?;
            let total = items.len();
            let mut kept: Vec<(Value, Guest)> = Vec::with_capacity(total);
            for item in items {
                let g: Guest = decode("GET /api/guests/{eventId}", &item)?;
                if search
                    .as_deref()
                    .is_none_or(|q| ops::guests::matches(&g, q))
                {
                    kept.push((item, g));
                }
            }
            if ctx.json {
                output::print_json(&Value::Array(kept.into_iter().map(|(v, _)| v).collect()));
            } else {
                let mut t = Table::new(&["ID", "NAME", "EMAIL", "TAGS", "CHECKED IN"]);
                for (_, g) in &kept {
                    t.row(vec![
                        g.id.to_string(),
                        full_name(g),
                        g.email.clone(),
                        output::or_dash(g.tags.as_deref()),
                        checked_in(g),
                    ]);
                }
                t.print();
                match search {
                    Some(_) => output::note(format!("{} of {total} attendee(s) match", t.len())),
                    None => output::note(format!("{total} attendee(s)")),
                }
            }
            Ok(0)
        }
        GuestsCmd::Import {
            event_id,
            file,
            skip_invalid,
        } => super::import::run(event_id, file, *skip_invalid, ctx).await,
    }
}

pub async fn run_guest(cmd: &GuestCmd, ctx: &Ctx) -> Result<i32> {
    match cmd {
        GuestCmd::Show { id } => {
            let id = parse_id("ID", id)?;
            let raw = ctx.execute(ApiRequest::guest_get(id)).await?;
            print_guest(ctx, &raw, "GET /api/guest/{id}")
        }
        GuestCmd::Add(args) => add(args, ctx).await,
        GuestCmd::Checkin { id } => {
            let id = parse_id("ID", id)?;
            let raw = ctx.execute(ApiRequest::guest_checkin(id)).await?;
            print_guest(ctx, &raw, "POST /api/guest/checkin")
        }
        GuestCmd::Checkout { id } => {
            let id = parse_id("ID", id)?;
            let raw = ctx.execute(ApiRequest::guest_checkout(id)).await?;
            print_guest(ctx, &raw, "POST /api/guest/checkout")
        }
        GuestCmd::Resend {
            id,
            template,
            correlation_id,
        } => {
            let req = SendRequest {
                attendee_id: parse_id("ID", id)?,
                template_id: parse_id("template", template)?,
                correlation_id: correlation(correlation_id.as_deref())?,
            };
            let cx = ctx.session().await?;
            let store = cx.local_store().await?;
            let raw = ops::send::send_logged(&cx.client, &store, &cx.info.profile, &req).await?;
            if ctx.json {
                output::print_json(&raw);
            } else {
                let r: SendResponse = decode(ops::send::ENDPOINT, &raw)?;
                output::print_fields(&[
                    ("attendeeInvitationId", r.attendee_invitation_id.to_string()),
                    ("status", r.status.clone()),
                ]);
                output::note("Delivery is reported by webhook (comms.sent, comms.delivered, …).");
            }
            Ok(0)
        }
    }
}

async fn add(args: &AddArgs, ctx: &Ctx) -> Result<i32> {
    let event_id = parse_id("EVENT_ID", &args.event_id)?;
    let template = args
        .template
        .as_deref()
        .map(|t| parse_id("template", t))
        .transpose()?;
    let guest = Guest {
        id: Uuid::new_v4(),
        event_id,
        first_name: args.first_name.trim().to_owned(),
        last_name: args.last_name.trim().to_owned(),
        email: args.email.trim().to_owned(),
        tags: args
            .tags
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_owned),
        ..Default::default()
    };
    qflow_core::validate::guest(&guest)?;
    if args.correlation_id.is_some() && template.is_none() {
        return Err(Error::invalid(
            "correlation-id",
            "only applies with --template (it is echoed in that send's webhooks)",
        ));
    }
    let body = GuestCreate {
        guest,
        comms_template_id: template,
        correlation_id: correlation(args.correlation_id.as_deref())?,
    };
    let raw = ctx.execute(ApiRequest::guest_create(&body)).await?;
    if ctx.json {
        output::print_json(&raw);
        return Ok(0);
    }
    let g: Guest = decode("POST /api/guest", &raw)?;
    output::print_stdout(&format!("{}\n", g.id));
    output::note(match template {
        Some(_) => format!(
            "Created {} and queued the template's email; delivery is reported by webhook.",
            full_name(&g)
        ),
        None => format!("Created {}.", full_name(&g)),
    });
    Ok(0)
}

fn correlation(value: Option<&str>) -> Result<Option<String>> {
    value
        .map(|c| qflow_core::validate::correlation_id("correlation-id", c))
        .transpose()
}

fn print_guest(ctx: &Ctx, raw: &Value, endpoint: &str) -> Result<i32> {
    if ctx.json {
        output::print_json(raw);
        return Ok(0);
    }
    let g: Guest = decode(endpoint, raw)?;
    let mut pairs: Vec<(String, String)> = vec![
        ("id".into(), g.id.to_string()),
        ("eventId".into(), g.event_id.to_string()),
        ("name".into(), full_name(&g)),
        ("email".into(), g.email.clone()),
        ("tags".into(), output::or_dash(g.tags.as_deref())),
        ("checked in".into(), checked_in(&g)),
    ];
    let optional = [
        ("otherNames", g.other_names.clone()),
        ("barcode", g.barcode.clone()),
        ("plusOnes", g.plus_ones.map(|n| n.to_string())),
        ("additionalInfo", g.additional_info.clone()),
        ("tickets", g.tickets.clone()),
        ("sessions", g.sessions.clone()),
    ];
    pairs.extend(
        optional
            .into_iter()
            .filter_map(|(k, v)| v.map(|v| (k.to_owned(), v))),
    );
    for (i, v) in g.custom_fields.iter().flatten().enumerate() {
        pairs.push((format!("V_{}", i + 1), v.clone()));
    }
    pairs.extend(
        g.extra
            .iter()
            .map(|(k, v)| (k.clone(), super::events::plain(v))),
    );
    output::print_fields(&pairs);
    Ok(0)
}

fn full_name(g: &Guest) -> String {
    format!("{} {}", g.first_name, g.last_name)
        .trim()
        .to_owned()
}

fn checked_in(g: &Guest) -> String {
    match (g.checked_in, g.check_in_time) {
        (Some(true), Some(t)) => format!("yes ({} UTC)", t.format("%Y-%m-%d %H:%M")),
        (Some(true), None) => "yes".into(),
        _ => "no".into(),
    }
}
