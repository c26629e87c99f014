//! The warning resend and resend-to-selected show before sending: the pre-flight's token
//! findings (unknown tokens, tokens empty for some of the people selected), nothing else.

use serde::Serialize;
use ts_rs::TS;

use super::{preflight, rules, PreflightFinding, PreflightOptions};
use crate::merge::{MergeContext, TemplateField, TemplateFields};
use crate::models::Guest;

/// Tokens that will reach the selected people literally.
#[derive(Serialize, Clone, Debug, PartialEq, Eq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct SendWarning {
    /// One plain sentence for the confirmation dialog.
    pub message: String,
    /// The `unknown-token` / `empty-token` findings, with the attendees concerned.
    pub findings: Vec<PreflightFinding>,
}

/// `None` when every token has a value for every selected attendee.
pub fn send_warning(
    t: &TemplateFields<'_>,
    base: &MergeContext,
    selected: &[Guest],
) -> Option<SendWarning> {
    let report = preflight(t, base, selected, &PreflightOptions::default());
    let findings: Vec<PreflightFinding> = report
        .findings
        .into_iter()
        .filter(|f| f.rule == rules::UNKNOWN_TOKEN || f.rule == rules::EMPTY_TOKEN)
        .collect();
    if findings.is_empty() {
        return None;
    }
    let n = selected.len();
    let parts: Vec<String> = findings
        .iter()
        .map(|f| {
            let token = token_at(t, f).unwrap_or("{{…}}");
            if f.rule == rules::UNKNOWN_TOKEN {
                format!("{token} (not a merge token: everyone)")
            } else {
                format!("{token} (empty for {} of {n})", f.attendee_total)
            }
        })
        .collect();
    Some(SendWarning {
        message: format!(
            "These will be sent literally, as written: {}.",
            parts.join(", ")
        ),
        findings,
    })
}

/// The `{{…}}` a token finding points at, from the template source.
fn token_at<'a>(t: &TemplateFields<'a>, f: &PreflightFinding) -> Option<&'a str> {
    let src = match f.field {
        TemplateField::Subject => t.subject,
        TemplateField::Html => t.html,
        TemplateField::EmailBody => t.email_body?,
        TemplateField::FromAddress => return None,
    };
    let at = f.offset?;
    let end = at + src.get(at..)?.find("}}")? + 2;
    src.get(at..end)
}
