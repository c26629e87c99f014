//! Template pre-flight: the checks one preview cannot show, run over the merge of the template
//! for every attendee of the event (the send path's engine, scanned once: [`MergePlan`]) and over
//! the HTML itself (links, accessibility, what email clients drop, the QR in dark mode).
//!
//! Pure: the caller brings the attendees (the studio's operation reads them from the session's
//! guest list). Findings name the attendees concerned, capped, with the total.

mod attendees;
mod clients;
mod clients_data;
mod contrast;
mod html;
mod links;
pub mod rules;
mod send;
#[cfg(test)]
mod tests;

pub use send::{send_warning, SendWarning};

use std::sync::atomic::{AtomicBool, Ordering};

use serde::Serialize;
use ts_rs::TS;

use crate::merge::lint::Severity;
use crate::merge::scan::LineIndex;
use crate::merge::{MergeContext, MergePlan, TemplateField, TemplateFields};
use crate::models::Guest;

/// Gmail clips a message body above ~102 KB ("[Message clipped]").
pub const GMAIL_CLIP_BYTES: usize = 102 * 1024;
/// Default longest name (characters) before a finding: long names break buttons and headings.
pub const DEFAULT_NAME_LIMIT: u32 = 40;
/// Attendees listed per finding (the total is always given).
pub const DEFAULT_ATTENDEE_CAP: u32 = 50;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PreflightOptions {
    /// Longest first/last/full/other name, in characters.
    pub name_limit: u32,
    /// Attendees listed per finding.
    pub attendee_cap: u32,
}

impl Default for PreflightOptions {
    fn default() -> Self {
        PreflightOptions {
            name_limit: DEFAULT_NAME_LIMIT,
            attendee_cap: DEFAULT_ATTENDEE_CAP,
        }
    }
}

/// An attendee a finding is about.
#[derive(Serialize, Clone, Debug, PartialEq, Eq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct AttendeeRef {
    pub id: String,
    /// First and last name.
    pub name: String,
}

impl AttendeeRef {
    pub(crate) fn of(g: &Guest) -> Self {
        AttendeeRef {
            id: g.id.to_string(),
            name: format!("{} {}", g.first_name, g.last_name)
                .trim()
                .to_owned(),
        }
    }
}

/// One finding. `line`/`col` are 1-based (col in characters) in `field`'s source.
#[derive(Serialize, Clone, Debug, PartialEq, Eq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct PreflightFinding {
    /// Stable kebab-case id (see [`rules`]).
    pub rule: String,
    pub severity: Severity,
    pub message: String,
    pub field: TemplateField,
    pub line: Option<u32>,
    pub col: Option<u32>,
    #[ts(type = "number | null")]
    pub offset: Option<usize>,
    /// The attendees concerned (at most the cap); empty = about the template itself.
    pub attendees: Vec<AttendeeRef>,
    /// How many attendees are concerned in all.
    pub attendee_total: u32,
    /// Email clients concerned (client-support findings).
    pub clients: Vec<String>,
    pub suggestion: Option<String>,
}

/// The sent body's size for the attendee whose merge is largest, against Gmail's clip limit.
#[derive(Serialize, Clone, Debug, PartialEq, Eq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct SizeMeter {
    #[ts(type = "number")]
    pub bytes: usize,
    #[ts(type = "number")]
    pub limit: usize,
    /// None when the event has no attendees (the template's own size).
    pub attendee: Option<AttendeeRef>,
}

#[derive(Serialize, Clone, Copy, Debug, Default, PartialEq, Eq, TS)]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct SeverityCounts {
    pub error: u32,
    pub warning: u32,
    pub info: u32,
}

#[derive(Serialize, Clone, Debug, PartialEq, Eq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct PreflightReport {
    /// Attendees merged.
    pub attendees: u32,
    /// The name limit the check used (the default when none was given).
    pub name_limit: u32,
    pub counts: SeverityCounts,
    pub size: SizeMeter,
    /// `<img>` elements in the sent body.
    pub image_count: u32,
    /// Errors first, then warnings, then info; by field and position within each.
    pub findings: Vec<PreflightFinding>,
}

impl PreflightReport {
    /// Something to fix before sending: any error or warning.
    pub fn has_problems(&self) -> bool {
        self.counts.error + self.counts.warning > 0
    }
}

/// A finding under construction: offsets are placed as line/col at the end.
pub(crate) fn finding(
    rule: &str,
    severity: Severity,
    field: TemplateField,
    offset: Option<usize>,
    message: String,
) -> PreflightFinding {
    PreflightFinding {
        rule: rule.to_owned(),
        severity,
        message,
        field,
        line: None,
        col: None,
        offset,
        attendees: Vec::new(),
        attendee_total: 0,
        clients: Vec::new(),
        suggestion: None,
    }
}

/// Runs every check. `base` supplies the event and the account-level values (company name,
/// RSVP links, QR base); its guest is replaced by each attendee in turn.
pub fn preflight(
    t: &TemplateFields<'_>,
    base: &MergeContext,
    attendees: &[Guest],
    opts: &PreflightOptions,
) -> PreflightReport {
    let never = AtomicBool::new(false);
    // Only `stop` ends a run early, and nothing sets `never`.
    preflight_until(t, base, attendees, opts, &never).unwrap_or_else(|| unreachable!())
}

/// [`preflight`] that gives up (`None`) soon after `stop` is set: the studio stops a run for
/// text the user has typed over, so it does not compete with the keystroke's preview.
pub fn preflight_until(
    t: &TemplateFields<'_>,
    base: &MergeContext,
    attendees: &[Guest],
    opts: &PreflightOptions,
    stop: &AtomicBool,
) -> Option<PreflightReport> {
    let courier = t.email_body.filter(|b| t.attach_pdf && !b.is_empty());
    let mut plans = vec![
        MergePlan::new(t.subject, TemplateField::Subject),
        MergePlan::new(t.html, TemplateField::Html),
    ];
    if let Some(b) = courier {
        plans.push(MergePlan::new(b, TemplateField::EmailBody));
    }
    // The body actually emailed: html, or the courier body (None = Qflow's fixed text).
    let sent = if t.attach_pdf {
        courier.map(|_| 2)
    } else {
        Some(1)
    };
    let docs: Vec<html::Doc> = plans[1..].iter().map(html::Doc::parse).collect();

    let mut findings = Vec::new();
    attendees::unknown_tokens(&plans, attendees, opts, &mut findings);
    for (plan, doc) in plans[1..].iter().zip(&docs) {
        html::checks(plan, doc, &mut findings);
    }
    if stop.load(Ordering::Relaxed) {
        return None;
    }
    let size = attendees::merge_all(
        &plans,
        &docs,
        sent,
        base,
        attendees,
        opts,
        stop,
        &mut findings,
    )?;
    let image_count = sent.map_or(0, |i| docs[i - 1].image_count());
    if size.bytes > GMAIL_CLIP_BYTES {
        let f = sent.map_or(TemplateField::Html, |i| plans[i].field());
        let mut x = finding(
            rules::GMAIL_CLIPPED,
            Severity::Warning,
            f,
            None,
            format!(
                "The email is {} KB for its largest attendee: Gmail clips messages over ~102 KB and hides the rest (the QR code too, if it comes last).",
                size.bytes.div_ceil(1024)
            ),
        );
        x.attendees.extend(size.attendee.clone());
        x.attendee_total = u32::from(size.attendee.is_some());
        x.suggestion =
            Some("Host large images, trim inline styles, or move long text to a web page.".into());
        findings.push(x);
    }
    Some(finish(
        t,
        findings,
        attendees.len(),
        opts,
        size,
        image_count,
    ))
}

fn finish(
    t: &TemplateFields<'_>,
    mut findings: Vec<PreflightFinding>,
    attendees: usize,
    opts: &PreflightOptions,
    size: SizeMeter,
    image_count: u32,
) -> PreflightReport {
    for (field, src) in [
        (TemplateField::Subject, t.subject),
        (TemplateField::Html, t.html),
        (TemplateField::EmailBody, t.email_body.unwrap_or("")),
    ] {
        let mut at: Vec<(usize, usize)> = findings
            .iter()
            .enumerate()
            .filter(|(_, f)| f.field == field)
            .filter_map(|(n, f)| f.offset.map(|o| (o, n)))
            .collect();
        at.sort_unstable();
        let mut ix = LineIndex::new(src);
        for (o, n) in at {
            let (line, col) = ix.locate(o.min(src.len()));
            findings[n].line = Some(line);
            findings[n].col = Some(col);
        }
    }
    let field_order = |f: TemplateField| f as u8;
    findings.sort_by_key(|f| {
        (
            f.severity,
            field_order(f.field),
            f.offset.unwrap_or(usize::MAX),
        )
    });
    let mut counts = SeverityCounts::default();
    for f in &findings {
        match f.severity {
            Severity::Error => counts.error += 1,
            Severity::Warning => counts.warning += 1,
            Severity::Info => counts.info += 1,
        }
    }
    PreflightReport {
        attendees: attendees as u32,
        name_limit: opts.name_limit,
        counts,
        size,
        image_count,
        findings,
    }
}
