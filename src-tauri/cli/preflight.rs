//! `template lint FILE --event EVENT_ID`: the studio's pre-flight (core's
//! `ops::studio::preflight`) for a template file, against the event's attendees.

use qflow_core::merge::lint::Severity;
use qflow_core::ops::files::TemplateSource;
use qflow_core::ops::studio::{self, PreflightRequest, TemplateEdit};
use qflow_core::preflight::{PreflightFinding, PreflightReport};
use qflow_core::Result;

use super::output;
use super::Ctx;

/// Exit 0 when nothing is wrong (info only), 1 when an error or warning is found.
pub async fn run(
    source: TemplateSource,
    event: &str,
    name_limit: Option<u32>,
    ctx: &Ctx,
) -> Result<i32> {
    let fields = TemplateEdit {
        subject: source.subject,
        html: source.html,
        attach_pdf: source.attach_pdf,
        email_body: source.email_body.unwrap_or_default(),
        from_address: source.from_address.unwrap_or_default(),
        ..Default::default()
    };
    let cx = ctx.session().await?;
    let report = studio::preflight(
        &cx,
        PreflightRequest {
            event_id: event.to_owned(),
            template_id: None,
            fields: Some(fields),
            name_limit,
            attendee_cap: None,
        },
    )
    .await?;
    if ctx.json {
        output::print_json(&serde_json::to_value(&report).unwrap_or_default());
    } else {
        output::print_stdout(&text(&report));
        let c = report.counts;
        output::note(format!(
            "{} error(s), {} warning(s), {} note(s) over {} attendees",
            c.error, c.warning, c.info, report.attendees
        ));
    }
    Ok(if report.has_problems() { 1 } else { 0 })
}

fn text(r: &PreflightReport) -> String {
    let mut out = String::new();
    for f in &r.findings {
        out.push_str(&finding(f, r.attendees));
    }
    let who = r
        .size
        .attendee
        .as_ref()
        .map(|a| format!(" for {} ({})", a.name, a.id))
        .unwrap_or_default();
    out.push_str(&format!(
        "Largest email: {:.1} KB of Gmail's {} KB{who}; {} image(s).\n",
        r.size.bytes as f64 / 1024.0,
        r.size.limit / 1024,
        r.image_count
    ));
    out
}

fn finding(f: &PreflightFinding, everyone: u32) -> String {
    let field = serde_json::to_value(f.field)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    let at = match (f.line, f.col) {
        (Some(l), Some(c)) => format!("{field}:{l}:{c}"),
        _ => field,
    };
    let severity = match f.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "info",
    };
    let mut s = format!("{at}  {severity}  {}  {}\n", f.rule, f.message);
    if let Some(hint) = &f.suggestion {
        s.push_str(&format!("    suggestion: {hint}\n"));
    }
    if everyone > 1 && f.attendee_total == everyone {
        s.push_str(&format!("    all {everyone} attendees\n"));
        return s;
    }
    for a in &f.attendees {
        s.push_str(&format!("    {}  {}\n", a.id, a.name));
    }
    let more = f.attendee_total as usize - f.attendees.len();
    if more > 0 {
        s.push_str(&format!("    … and {more} more attendee(s)\n"));
    }
    s
}
