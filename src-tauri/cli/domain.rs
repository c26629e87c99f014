//! `domain show|create|verify|activate|deactivate|delete|check`.

use clap::Subcommand;
use qflow_core::api::ApiRequest;
use qflow_core::dns;
use qflow_core::models::{Domain, DomainStatus};
use qflow_core::ops::domain::{self as ops, DomainRequest};
use qflow_core::Result;
use serde_json::Value;

use super::output::{self, Table};
use super::{decode, Ctx};

#[derive(Subcommand, Debug)]
pub enum DomainCmd {
    /// Current domain, its state and the DNS records to publish.
    Show,
    /// Start authenticating DOMAIN (apex, e.g. yourbrand.com); prints the three CNAMEs to publish.
    Create { domain: String },
    /// Ask Qflow to check the DNS records; activates the domain on success (exit 1 if not verified).
    Verify,
    /// Re-enable after a deactivate (no DNS recheck).
    Activate,
    /// Disable without losing the setup (sends fall back to the default sender).
    Deactivate,
    /// Remove the domain entirely.
    Delete,
    /// Local DNS pre-check of the three CNAMEs before asking Qflow to verify (exit 1 if any is wrong).
    Check {
        /// Ask this DNS server (IP:PORT) instead of QFLOW_DNS_SERVER or the system resolver, e.g. your zone's authoritative server.
        #[arg(long, value_name = "IP:PORT")]
        dns_server: Option<std::net::SocketAddr>,
    },
}

pub async fn run(cmd: &DomainCmd, ctx: &Ctx) -> Result<i32> {
    match cmd {
        DomainCmd::Show => {
            let raw = ctx.execute(ApiRequest::domain_get()).await?;
            print_domain(ctx, &raw, "GET /api/comms/domain")
        }
        DomainCmd::Create { domain } => {
            // The wizard's rule and answers (apex domain, IDN in both forms), before any request.
            let input = ops::domain_validate(DomainRequest {
                domain: domain.clone(),
            })?;
            let raw = ctx.execute(ApiRequest::domain_create(&input.ascii)).await?;
            let code = print_domain(ctx, &raw, "POST /api/comms/domain")?;
            if !ctx.json {
                output::note("Publish these CNAMEs at your DNS provider, then run `qflow-console domain check` and `qflow-console domain verify`.");
            }
            Ok(code)
        }
        DomainCmd::Verify => {
            let raw = ctx.execute(ApiRequest::domain_verify()).await?;
            let status: DomainStatus = decode("POST /api/comms/domain/verify", &raw)?;
            print_status(ctx, &raw, &status);
            if status.verified {
                Ok(0)
            } else {
                if !ctx.json {
                    output::note("Not verified yet: wait for DNS to settle (check with `qflow-console domain check`) and verify again.");
                }
                Ok(1)
            }
        }
        DomainCmd::Activate => {
            let raw = ctx.execute(ApiRequest::domain_activate()).await?;
            let status: DomainStatus = decode("POST /api/comms/domain/activate", &raw)?;
            print_status(ctx, &raw, &status);
            Ok(0)
        }
        DomainCmd::Deactivate => {
            let raw = ctx.execute(ApiRequest::domain_deactivate()).await?;
            let status: DomainStatus = decode("POST /api/comms/domain/deactivate", &raw)?;
            print_status(ctx, &raw, &status);
            Ok(0)
        }
        DomainCmd::Delete => {
            let raw = ctx.execute(ApiRequest::domain_delete()).await?;
            if ctx.json {
                output::print_json(&raw);
            } else {
                output::note(
                    "Deleted the sending domain; templates fall back to the default sender.",
                );
            }
            Ok(0)
        }
        DomainCmd::Check { dns_server } => check(*dns_server, ctx).await,
    }
}

fn print_domain(ctx: &Ctx, raw: &Value, endpoint: &str) -> Result<i32> {
    if ctx.json {
        output::print_json(raw);
        return Ok(0);
    }
    let d: Domain = decode(endpoint, raw)?;
    output::print_fields(&[
        ("domain", d.domain.clone()),
        ("id", d.id.to_string()),
        ("verified", yes_no(d.verified)),
        ("enabled", yes_no(d.enabled)),
    ]);
    output::print_stdout("\n");
    let mut t = Table::new(&["TYPE", "HOST", "DATA", "VALID"]);
    for r in &d.dns_records {
        t.row(vec![
            r.record_type.to_uppercase(),
            r.host.clone(),
            r.data.clone(),
            yes_no(r.valid),
        ]);
    }
    t.print();
    Ok(0)
}

fn print_status(ctx: &Ctx, raw: &Value, s: &DomainStatus) {
    if ctx.json {
        output::print_json(raw);
        return;
    }
    output::print_fields(&[
        ("verified", yes_no(s.verified)),
        ("enabled", yes_no(s.enabled)),
    ]);
    if !s.reasons.is_empty() {
        output::print_stdout("\n");
        let mut t = Table::new(&["RECORD", "VALID", "REASON"]);
        for r in &s.reasons {
            t.row(vec![
                r.name.clone(),
                yes_no(r.valid),
                output::or_dash(r.reason.as_deref()),
            ]);
        }
        t.print();
    }
}

/// The window's pre-check (`--demo`: the sandbox's simulated DNS), printed.
async fn check(dns_server: Option<std::net::SocketAddr>, ctx: &Ctx) -> Result<i32> {
    let report = ops::precheck(&*ctx.session().await?, dns_server).await?;
    if ctx.json {
        output::print_json(&serde_json::to_value(&report).unwrap_or(Value::Null));
    } else {
        let mut t = Table::new(&["HOST", "EXPECTED", "FOUND", "STATUS"]);
        for c in &report.checks {
            t.row(vec![
                c.host.clone(),
                c.expected.clone(),
                output::or_dash(c.found.as_deref()),
                status_name(c.status),
            ]);
        }
        t.print();
        for c in report
            .checks
            .iter()
            .filter(|c| c.status != dns::CheckStatus::Ok)
        {
            output::note(format!("{}: {}", c.host, c.advice));
        }
        if let Some(p) = &report.provider {
            output::note(format!("DNS provider: {}. Tip: {}", p.name, p.tip));
        }
        output::note(if report.all_ok {
            "All records are published: run `qflow-console domain verify`."
        } else {
            "Not all records are published correctly yet; Qflow's verify would fail."
        });
    }
    Ok(if report.all_ok { 0 } else { 1 })
}

fn status_name(s: dns::CheckStatus) -> String {
    serde_json::to_value(s)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_else(|| format!("{s:?}"))
}

pub(crate) fn yes_no(b: bool) -> String {
    if b { "yes" } else { "no" }.into()
}
