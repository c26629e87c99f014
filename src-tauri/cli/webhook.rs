//! `webhook show|set|rotate|test|delete|verify|listen`.
//!
//! `set`, `rotate` and `delete` run core's `ops::webhooks` (the window's operations): the one
//! URL rule (with `--allow-private` as the window's confirmation), the keychain checked
//! *before* the request so that a shown-once secret is never lost, the secret kept at once
//! (the keychain; in memory with `--demo`) and never printed.

use clap::Subcommand;
use qflow_core::api::ApiRequest;
use qflow_core::models::WebhookConfig;
use qflow_core::ops::ctx::Ctx as Session;
use qflow_core::ops::webhooks::{self as ops, SecretIssued, SecretKept};
use qflow_core::secrets::{self, Secret, SecretKind};
use qflow_core::store::Store;
use qflow_core::webhook::{self, ReceiverEvent, ReceiverOptions, WebhookSecretSource};
use qflow_core::{Error, Result};
use serde_json::{json, Value};
use std::path::PathBuf;
use std::sync::Arc;

use super::output;
use super::{decode, Ctx};

pub const SECRET_ENV: &str = "QFLOW_WEBHOOK_SECRET";

#[derive(Subcommand, Debug)]
pub enum WebhookCmd {
    /// The registered receiver URL (the secret is never shown).
    Show,
    /// Register URL; the new signing secret goes straight to the keychain.
    ///
    /// https:// only (http:// only to this computer while Qflow itself runs here: --demo, or a
    /// sandbox on loopback). A private, loopback or single-label host is refused unless
    /// --allow-private is given.
    Set {
        url: String,
        /// Register a private, loopback or single-label host (10.x, 192.168.x, localhost,
        /// intranet…) even though Qflow's servers cannot reach it from the internet (the
        /// window asks for the same confirmation).
        #[arg(long)]
        allow_private: bool,
    },
    /// Generate a new signing secret (the old one stops working); it goes to the keychain.
    Rotate,
    /// Fire a synthetic comms.test event at the receiver.
    Test,
    /// Clear the webhook configuration.
    Delete,
    /// Check a received webhook as a strict receiver would: HMAC of the raw body and the guide's
    /// 300 s replay window (exit 1 if invalid). The secret comes from QFLOW_WEBHOOK_SECRET or the
    /// keychain. (`listen` keeps a late retry, marked late.)
    Verify(VerifyArgs),
    /// Run the webhook receiver in the foreground until interrupted; events are stored locally,
    /// and a signed retry that arrives after the 300 s window is kept and marked late.
    Listen {
        /// Port on 127.0.0.1 (0 = any free port).
        #[arg(long, default_value_t = 8787)]
        port: u16,
    },
}

#[derive(clap::Args, Debug)]
pub struct VerifyArgs {
    /// The raw request body, byte for byte.
    #[arg(long, value_name = "FILE")]
    pub body: PathBuf,
    /// X-Qflow-Signature (hex).
    #[arg(long, value_name = "HEX")]
    pub signature: String,
    /// X-Qflow-Timestamp (unix seconds).
    #[arg(long, value_name = "UNIX", allow_negative_numbers = true)]
    pub timestamp: i64,
    /// The time to check against instead of the clock (unix seconds).
    #[arg(long, value_name = "UNIX", allow_negative_numbers = true)]
    pub now: Option<i64>,
}

pub async fn run(cmd: &WebhookCmd, ctx: &Ctx) -> Result<i32> {
    match cmd {
        WebhookCmd::Show => {
            let raw = ctx.execute(ApiRequest::webhook_get()).await?;
            if ctx.json {
                output::print_json(&raw);
            } else {
                let w: WebhookConfig = decode("GET /api/comms/webhook", &raw)?;
                output::print_fields(&[("url", output::or_dash(w.url.as_deref()))]);
            }
            Ok(0)
        }
        WebhookCmd::Set { url, allow_private } => {
            let cx = ctx.session().await?;
            set(ctx, &cx, url, *allow_private).await
        }
        WebhookCmd::Rotate => {
            let cx = ctx.session().await?;
            let issued = ops::rotate_secret(&cx).await?;
            print_issued(ctx, &cx, &issued);
            Ok(0)
        }
        WebhookCmd::Test => {
            let raw = ctx.execute(ApiRequest::webhook_test()).await?;
            if ctx.json {
                output::print_json(&raw);
            } else {
                output::note("Qflow is sending a comms.test event to the registered URL.");
            }
            Ok(0)
        }
        WebhookCmd::Delete => {
            let cx = ctx.session().await?;
            let leftover = ops::delete_config(&cx).await?;
            if ctx.json {
                // The API answers an empty body.
                output::print_json(&Value::Null);
            } else {
                output::note("Webhook configuration cleared: no events are sent any more.");
            }
            if let Some(w) = leftover {
                output::note(format!("warning: {w}"));
            }
            Ok(0)
        }
        WebhookCmd::Verify(args) => verify(args, ctx).await,
        WebhookCmd::Listen { port } => listen(*port, ctx).await,
    }
}

/// `webhook set URL [--allow-private]`: the window's `webhook_set`, same rule, same answers.
async fn set(ctx: &Ctx, cx: &Session, url: &str, allow_private: bool) -> Result<i32> {
    let unconfirmed = !allow_private && ops::check_url(url, ops::qflow_local(cx)).warning.is_some();
    match ops::set_url(cx, url, allow_private).await {
        Ok(issued) => {
            if let Some(w) = &issued.warning {
                output::note(format!("warning: {w}"));
            }
            print_issued(ctx, cx, &issued);
            Ok(0)
        }
        Err(e) if unconfirmed => {
            let code = output::report_error(&e, ctx.json);
            output::note("To register it anyway, run again with --allow-private.");
            Ok(code)
        }
        Err(e) => Err(e),
    }
}

fn print_issued(ctx: &Ctx, cx: &Session, issued: &SecretIssued) {
    let profile = &cx.info.profile;
    if ctx.json {
        output::print_json(&json!({ "url": issued.url, "secretSaved": true, "profile": profile }));
        return;
    }
    output::print_fields(&[("url", output::or_dash(issued.url.as_deref()))]);
    output::note(match issued.kept {
        SecretKept::Keychain => format!(
            "The signing secret was saved in the keychain (profile '{profile}'); it is never printed."
        ),
        SecretKept::Memory => format!(
            "The signing secret is kept {} and never printed.",
            issued.kept.where_()
        ),
    });
}

/// `QFLOW_WEBHOOK_SECRET`, else the profile's keychain entry.
async fn webhook_secret(ctx: &Ctx) -> Result<Secret> {
    if let Some(s) = std::env::var(SECRET_ENV).ok().filter(|s| !s.is_empty()) {
        return Ok(Secret::new(s));
    }
    secrets::get_secret(ctx.secrets(), &ctx.target.profile, SecretKind::WebhookSecret).await?.ok_or_else(|| {
        Error::NotSignedIn(format!(
            "No webhook secret for profile '{}': set {SECRET_ENV}, or run `qflow-console webhook set URL` (or `webhook rotate`) to get one",
            ctx.target.profile
        ))
    })
}

async fn verify(args: &VerifyArgs, ctx: &Ctx) -> Result<i32> {
    let body = std::fs::read(&args.body)
        .map_err(|e| Error::invalid("body", format!("cannot read {}: {e}", args.body.display())))?;
    let secret = webhook_secret(ctx).await?;
    let now = args.now.unwrap_or_else(|| chrono::Utc::now().timestamp());
    let d = webhook::diagnose(
        &secret,
        &body,
        Some(args.signature.trim()),
        Some(&args.timestamp.to_string()),
        now,
    );
    let v = &d.verdict;
    if ctx.json {
        output::print_json(&json!({
            "valid": v.valid,
            "reason": v.reason.map(|r| r.as_str()),
            "detail": v.detail,
            "findings": serde_json::to_value(&d.findings).unwrap_or(Value::Null),
        }));
    } else {
        match v.reason {
            None => output::print_stdout("valid\n"),
            Some(r) => output::print_stdout(&format!("invalid: {}: {}\n", r.as_str(), v.detail)),
        }
        for f in &d.findings {
            output::note(format!("hint ({}): {}", f.code, f.message));
        }
    }
    Ok(if v.valid { 0 } else { 1 })
}

async fn listen(port: u16, ctx: &Ctx) -> Result<i32> {
    let secret: Arc<dyn WebhookSecretSource> = Arc::new(webhook_secret(ctx).await?);
    let store = Arc::new(Store::open_default()?);
    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], port));
    let handle = webhook::serve_receiver(addr, secret, store, ReceiverOptions::default()).await?;
    let mut events = handle.subscribe();
    let shutdown = super::sandbox::shutdown_signal();
    let url = format!("http://{}/", handle.local_addr());
    if ctx.json {
        output::print_stdout(&format!("{}\n", json!({ "listening": url })));
    } else {
        output::print_stdout(&format!("listening: {url}\n"));
        output::note("Events are verified, deduplicated and stored locally. Press Ctrl-C to stop.");
    }
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            _ = &mut shutdown => break,
            ev = events.recv() => match ev {
                Ok(ev) => print_event(ctx, &ev),
                Err(tokio::sync::broadcast::error::RecvError::Lagged(n)) => output::note(format!("warning: {n} event(s) not shown (they are stored)")),
                Err(tokio::sync::broadcast::error::RecvError::Closed) => break,
            },
        }
    }
    handle.shutdown().await;
    Ok(0)
}

fn print_event(ctx: &Ctx, ev: &ReceiverEvent) {
    if ctx.json {
        output::print_stdout(&format!(
            "{}\n",
            serde_json::to_string(ev).unwrap_or_default()
        ));
        return;
    }
    let line = match ev {
        ReceiverEvent::Accepted { event } => format!(
            "{}  {}  status={} attendee={} correlation={}{}",
            event.occurred_at().format("%Y-%m-%d %H:%M:%S UTC"),
            event.event_type,
            output::or_dash(event.status.as_deref()),
            output::or_dash(event.attendee_id.as_deref()),
            output::or_dash(event.correlation_id.as_deref()),
            event
                .arrival_note
                .as_ref()
                .map(|n| format!("  [{}: {n}]", event.arrival.as_str().to_ascii_uppercase()))
                .unwrap_or_default(),
        ),
        ReceiverEvent::Duplicate {
            webhook_id,
            event_type,
        } => format!("duplicate {event_type} {webhook_id} (already stored)"),
        ReceiverEvent::Rejected {
            reason,
            detail,
            event_type,
            ..
        } => {
            format!(
                "REJECTED {} {}: {detail}",
                output::or_dash(event_type.as_deref()),
                reason.as_str()
            )
        }
    };
    output::print_stdout(&format!("{line}\n"));
}
