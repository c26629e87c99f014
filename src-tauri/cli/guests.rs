//! `guests list|import`, `guest show|add|update|delete|checkin|checkout|resend`. Update, delete
//! and resend are the desk's operations (`qflow_core::ops::desk`): the same checks, the same
//! duplicate guard over the same local send log, the same messages as the window.

use clap::Subcommand;
use qflow_core::api::ApiRequest;
use qflow_core::models::{Guest, GuestCreate};
use qflow_core::ops;
use qflow_core::ops::desk::{self, GuestChanges, GuestIdRequest, ResendRequest};
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
        /// Attendees already in the event (same email): `skip` them (default) or `update` them
        /// with the file's values.
        #[arg(long, default_value = "skip", value_name = "skip|update")]
        existing: String,
        /// Map a column by hand: `--map "Given name=firstName"`; `--map "Phone="` leaves the
        /// column out. Repeat for several columns.
        #[arg(long = "map", value_name = "HEADER=FIELD")]
        map: Vec<String>,
        /// Write the rows that were not imported (invalid, refused, not sent) to this CSV file
        /// (private, 0600).
        #[arg(long, value_name = "FILE")]
        report: Option<PathBuf>,
    },
    /// Scan to check in from a terminal: the barcode answered as the window's scan mode answers
    /// it (checked in, already checked in, not on this event's list, unknown barcode), and the
    /// check-in sent now through the same queue. Exit 1 unless checked in (or already).
    Checkin {
        #[arg(long, value_name = "B")]
        barcode: String,
        #[arg(long, value_name = "EVENT_ID")]
        event: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum GuestCmd {
    /// One attendee by id.
    Show { id: String },
    /// Create an attendee (client-generated id); with --template, create and send atomically.
    Add(AddArgs),
    /// Change an attendee: fetches it fresh and PUTs it whole, so fields not given (and fields
    /// this version does not know) keep their value.
    Update(UpdateArgs),
    /// Delete an attendee (their send log stays on this machine).
    Delete { id: String },
    /// Check an attendee in.
    Checkin { id: String },
    /// Check an attendee out.
    Checkout { id: String },
    /// Send a template to an existing attendee (POST /api/comms/send; never retried). The same
    /// template to the same attendee within 10 minutes is refused (exit 1) unless --force.
    Resend(ResendArgs),
}

#[derive(clap::Args, Debug)]
pub struct UpdateArgs {
    pub id: String,
    #[arg(long, value_name = "F")]
    pub first_name: Option<String>,
    #[arg(long, value_name = "L")]
    pub last_name: Option<String>,
    #[arg(long, value_name = "E")]
    pub email: Option<String>,
    /// Comma-separated tags, e.g. "VIP,Speaker" (replaces the attendee's tags).
    #[arg(long, value_name = "T")]
    pub tags: Option<String>,
    #[arg(long, value_name = "TEXT")]
    pub other_names: Option<String>,
    #[arg(long, value_name = "TEXT")]
    pub additional_info: Option<String>,
    /// A whole number (0 or more).
    #[arg(long, value_name = "N")]
    pub plus_ones: Option<String>,
}

#[derive(clap::Args, Debug)]
pub struct ResendArgs {
    pub id: String,
    #[arg(long, value_name = "TEMPLATE_ID")]
    pub template: String,
    /// Send even if this template went to this attendee in the last 10 minutes.
    #[arg(long)]
    pub force: bool,
    /// Save this address on the attendee first (PUT), then send to it.
    #[arg(long, value_name = "E")]
    pub new_email: Option<String>,
    /// Echoed in the send's webhooks [default: a generated resend-<uuid>].
    #[arg(long, value_name = "C")]
    pub correlation_id: Option<String>,
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
    /// Echoed in the send's webhooks (with --template) [default: a generated add-<attendee id>].
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
            existing,
            map,
            report,
        } => {
            let args = super::import::ImportArgs {
                skip_invalid: *skip_invalid,
                existing,
                map,
                report: report.as_deref(),
            };
            super::import::run(event_id, file, args, ctx).await
        }
        GuestsCmd::Checkin { barcode, event } => scan_checkin(barcode, event, ctx).await,
    }
}

/// `guests checkin --barcode B --event E`: `ops::checkin::scan_and_send`.
async fn scan_checkin(barcode: &str, event: &str, ctx: &Ctx) -> Result<i32> {
    use qflow_core::ops::checkin::{scan_and_send, ScanKind, ScanRequest};
    use qflow_core::store::CheckinState;
    let cx = ctx.session().await?;
    let (answer, row) = scan_and_send(
        &cx,
        ScanRequest {
            event_id: event.to_owned(),
            barcode: barcode.to_owned(),
        },
    )
    .await?;
    let synced = row.as_ref().map(|r| (r.state, r.error.clone()));
    if ctx.json {
        let mut v = serde_json::to_value(&answer)
            .map_err(|e| Error::internal(format!("encoding the answer: {e}")))?;
        if let Some((state, error)) = &synced {
            v["sync"] = serde_json::json!({ "state": state.as_str(), "error": error });
        }
        output::print_json(&v);
    } else {
        output::print_stdout(&format!("{}\n{}\n", answer.headline, answer.detail));
        match &synced {
            Some((CheckinState::Done, _)) => output::note("Sent to Qflow."),
            Some((CheckinState::Queued, _)) => output::note(
                "Not sent: Qflow could not be reached. It waits in the queue (the window's scan mode sends it when the network is back).",
            ),
            Some((_, Some(e))) => output::note(e),
            _ => {}
        }
    }
    let ok = matches!(
        answer.kind,
        ScanKind::CheckedIn | ScanKind::AlreadyCheckedIn
    ) && synced
        .as_ref()
        .is_none_or(|(s, _)| *s == CheckinState::Done);
    Ok(if ok { 0 } else { 1 })
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
        GuestCmd::Update(args) => update(args, ctx).await,
        GuestCmd::Delete { id } => {
            let id = parse_id("ID", id)?;
            let cx = ctx.session().await?;
            desk::guest_delete(
                &cx,
                GuestIdRequest {
                    guest_id: id.to_string(),
                },
            )
            .await?;
            if ctx.json {
                output::print_json(&serde_json::json!({ "id": id, "deleted": true }));
            } else {
                output::note(format!("Deleted attendee {id}."));
            }
            Ok(0)
        }
        GuestCmd::Resend(args) => resend(args, ctx).await,
    }
}

async fn update(args: &UpdateArgs, ctx: &Ctx) -> Result<i32> {
    let id = parse_id("ID", &args.id)?;
    let changes = GuestChanges {
        id: id.to_string(),
        first_name: args.first_name.clone(),
        last_name: args.last_name.clone(),
        other_names: args.other_names.clone(),
        email: args.email.clone(),
        tags: args.tags.clone(),
        additional_info: args.additional_info.clone(),
        plus_ones: args.plus_ones.clone(),
    };
    if changes.is_empty() {
        return Err(Error::invalid(
            "update",
            "nothing to change: give at least one of --first-name, --last-name, --email, --tags, --other-names, --additional-info, --plus-ones",
        ));
    }
    let cx = ctx.session().await?;
    let saved = desk::update_guest(&cx, changes).await?;
    let raw = serde_json::to_value(&saved)
        .map_err(|e| Error::internal(format!("encoding the attendee: {e}")))?;
    print_guest(ctx, &raw, "PUT /api/guest")
}

/// The desk's resend: the duplicate guard, a correlation id on every send, the send log.
async fn resend(args: &ResendArgs, ctx: &Ctx) -> Result<i32> {
    let req = ResendRequest {
        guest_id: parse_id("ID", &args.id)?.to_string(),
        template_id: parse_id("template", &args.template)?.to_string(),
        new_email: args.new_email.clone(),
        confirm_duplicate: args.force,
        correlation_id: correlation(args.correlation_id.as_deref())?,
    };
    let cx = ctx.session().await?;
    let sent = match desk::resend_with_answer(&cx, req).await {
        // The guard said no: a check, not bad input (exit 1), with the window's message.
        Err(e) if desk::is_duplicate_refusal(&e) => {
            output::report_error(&e, ctx.json);
            output::note("Add --force to send it again anyway.");
            return Ok(1);
        }
        r => r?,
    };
    if ctx.json {
        output::print_json(&sent.answer);
    } else {
        let r = &sent.result;
        output::print_fields(&[
            ("attendeeInvitationId", r.attendee_invitation_id.clone()),
            ("status", r.status.clone()),
            ("correlationId", r.correlation_id.clone()),
            ("to", r.to.clone()),
        ]);
        output::note("Delivery is reported by webhook (comms.sent, comms.delivered, …).");
    }
    Ok(0)
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
    // Every send carries a correlation id: the given one, else the desk's scheme.
    let correlation_id = match template {
        Some(_) => Some(
            correlation(args.correlation_id.as_deref())?
                .unwrap_or_else(|| desk::atomic_correlation_id(guest.id)),
        ),
        None => None,
    };
    let body = GuestCreate {
        guest,
        comms_template_id: template,
        correlation_id,
    };
    let g: Guest = match template {
        // As the desk's add: in the send log (the duplicate guard sees it), and an answer lost
        // after the email may have been queued is an unknown outcome, never "failed".
        Some(_) => {
            let cx = ctx.session().await?;
            let store = cx.local_store().await?;
            desk::create_guest_logged(&cx.client, &store, &cx.info.profile, &body).await?
        }
        None => {
            let raw = ctx.execute(ApiRequest::guest_create(&body)).await?;
            if ctx.json {
                output::print_json(&raw);
                return Ok(0);
            }
            decode("POST /api/guest", &raw)?
        }
    };
    if ctx.json {
        output::print_json(&serde_json::to_value(&g).unwrap_or_default());
        return Ok(0);
    }
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
