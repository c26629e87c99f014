//! `template render` (offline) and `template lint`.

use qflow_core::merge::lint::{lint as lint_template, LintIssue, Severity};
use qflow_core::merge::{render_template, MergeContext, RenderJson, UnknownReason, UnknownToken};
use qflow_core::ops::files;
use qflow_core::{Error, Result};
use serde_json::json;

use super::output;
use super::Ctx;

use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct RenderArgs {
    pub file: PathBuf,
    /// An attendee in the API's shape (e.g. from `guest show ID --json`).
    #[arg(long, value_name = "GUEST.json")]
    pub guest: PathBuf,
    /// An event in the API's shape (e.g. from `event show ID --json`).
    #[arg(long, value_name = "EVENT.json")]
    pub event: PathBuf,
    /// Value for {{companyname}}.
    #[arg(long, value_name = "NAME")]
    pub company: Option<String>,
}

#[derive(clap::Args, Debug)]
pub struct LintArgs {
    pub file: PathBuf,
    /// Your verified sending domain, to check fromAddress against (offline).
    #[arg(long, value_name = "DOMAIN")]
    pub domain: Option<String>,
    /// Pre-flight instead: merge the template against every attendee of this event and check
    /// the result (tokens, names, links, size, accessibility, email clients).
    #[arg(long, value_name = "EVENT_ID")]
    pub event: Option<String>,
    /// With --event: longest first/last/full name before a finding (default 40).
    #[arg(long, value_name = "N", requires = "event")]
    pub name_limit: Option<u32>,
}

pub fn render(args: &RenderArgs, ctx: &Ctx) -> Result<i32> {
    let source = files::template_source("FILE", &args.file)?;
    let guest = files::read_json("guest", &args.guest)?;
    let event = files::read_json("event", &args.event)?;
    let mut merge = MergeContext::from_json(&guest, &event)
        .map_err(|e| in_file(e, &args.guest, &args.event))?;
    if let Some(company) = &args.company {
        merge = merge.with_company_name(company.clone());
    }
    let rendered = render_template(&source.fields(), &merge);
    if ctx.json {
        let doc = RenderJson::from(rendered);
        output::print_json(&serde_json::to_value(&doc).unwrap_or_default());
        return Ok(0);
    }
    for t in &rendered.unknown_tokens {
        output::note(format!("warning: {}", describe_token(t)));
    }
    let mut text = format!("Subject: {}\n\n{}\n", rendered.subject, rendered.html);
    if let Some(body) = &rendered.email_body {
        text.push_str(&format!(
            "\n--- email body (attachPdf: the PDF carries the HTML above) ---\n{body}\n"
        ));
    }
    output::print_stdout(&text);
    Ok(0)
}

/// Merge errors name `guest`/`event.*`; say which file.
fn in_file(e: Error, guest: &std::path::Path, event: &std::path::Path) -> Error {
    match e {
        Error::Invalid { field, reason } => {
            let file = if field.starts_with("event") {
                event
            } else {
                guest
            };
            Error::Invalid {
                reason: format!("{}: {reason}", file.display()),
                field,
            }
        }
        other => other,
    }
}

fn describe_token(t: &UnknownToken) -> String {
    let why = match t.reason {
        UnknownReason::Unknown => "not a merge token",
        UnknownReason::NoData => "no data for this attendee",
    };
    let field = serde_json::to_value(t.field)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    let hint = t
        .suggestion
        .as_deref()
        .map(|s| format!("; did you mean {s}?"))
        .unwrap_or_default();
    format!(
        "{} left as is at {field}:{}:{} ({why}{hint})",
        t.token, t.line, t.col
    )
}

pub async fn lint(args: &LintArgs, ctx: &Ctx) -> Result<i32> {
    let source = files::template_source("FILE", &args.file)?;
    if let Some(event) = &args.event {
        return super::preflight::run(source, event, args.name_limit, ctx).await;
    }
    let from_domain = source
        .from_address
        .as_deref()
        .and_then(|a| a.rsplit_once('@'))
        .map(|(_, d)| d.to_owned());
    let verified: Option<String> = match (&args.domain, &from_domain) {
        (Some(d), _) => Some(d.trim().to_owned()),
        (None, None) => None,
        // fromAddress set: ask the account which domain is verified, if we can sign in.
        (None, Some(own)) => match account_domain(ctx).await {
            Ok(d) => d,
            Err(e) => {
                output::note(format!(
                    "note: fromAddress not checked against your verified domain ({}); pass --domain DOMAIN to check offline.",
                    e.code()
                ));
                Some(own.clone())
            }
        },
    };
    let issues = lint_template(&source.fields(), verified.as_deref());
    let errors = issues
        .iter()
        .filter(|i| i.severity == Severity::Error)
        .count();
    let warnings = issues
        .iter()
        .filter(|i| i.severity == Severity::Warning)
        .count();
    if ctx.json {
        output::print_json(&json!({ "issues": issues, "errors": errors, "warnings": warnings }));
    } else {
        let mut text = String::new();
        for i in &issues {
            text.push_str(&describe_issue(i));
            text.push('\n');
        }
        output::print_stdout(&text);
        output::note(format!(
            "{errors} error(s), {warnings} warning(s), {} note(s)",
            issues.len() - errors - warnings
        ));
    }
    // Errors and warnings both say no (a template that ships `{{firstnam}}` is not fine).
    Ok(if errors + warnings > 0 { 1 } else { 0 })
}

/// The account's verified sending domain (`None` when it has none or it is not verified): the
/// session's, read as the studio reads it.
async fn account_domain(ctx: &Ctx) -> Result<Option<String>> {
    ctx.session().await?.verified_domain(true).await
}

fn describe_issue(i: &LintIssue) -> String {
    let field = serde_json::to_value(i.field)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    let at = match (i.line, i.col) {
        (Some(l), Some(c)) => format!("{field}:{l}:{c}"),
        _ => field,
    };
    let severity = serde_json::to_value(i.severity)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    let hint = i
        .suggestion
        .as_deref()
        .map(|s| format!(" (suggestion: {s})"))
        .unwrap_or_default();
    format!("{at}  {severity}  {}  {}{hint}", i.rule, i.message)
}
