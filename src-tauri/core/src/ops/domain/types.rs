//! What the domain screen sends and receives (exported to `ui/src/bindings/`).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::dns_export::ChecklistRecord;

/// Where the domain stands, for the home screen.
#[derive(Serialize, Clone, Copy, Debug, PartialEq, Eq, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub enum DomainGlance {
    NotSetUp,
    WaitingForDns,
    Verified,
    Disabled,
}

impl DomainGlance {
    pub fn of(verified: bool, enabled: bool, ever_verified: bool) -> DomainGlance {
        match (verified, enabled) {
            (true, true) => DomainGlance::Verified,
            (true, false) => DomainGlance::Disabled,
            // Deactivated after a successful verify reads verified=false in some answers.
            (false, false) if ever_verified => DomainGlance::Disabled,
            _ => DomainGlance::WaitingForDns,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            DomainGlance::NotSetUp => "Not set up: emails come from the default sender",
            DomainGlance::WaitingForDns => "Waiting for DNS",
            DomainGlance::Verified => "Verified: emails can come from your domain",
            DomainGlance::Disabled => "Disabled: sends use the default sender",
        }
    }
}

/// `domain_status`: one line for the home screen.
#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct DomainStatusInfo {
    pub status: DomainGlance,
    pub label: String,
    /// Unicode form for display.
    pub domain: Option<String>,
}

/// The screen's state.
#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct DomainView {
    pub status: DomainGlance,
    pub label: String,
    /// ASCII (what DNS and the API use). None when not set up.
    pub domain: Option<String>,
    /// Unicode form (equal to `domain` unless it is an IDN).
    pub domain_unicode: Option<String>,
    pub verified: bool,
    pub enabled: bool,
    #[ts(inline)]
    pub records: Vec<ChecklistRecord>,
    /// Demo: the sandbox can "publish" the records for you.
    pub demo: bool,
    /// Set when create found a domain already configured.
    pub notice: Option<String>,
}

/// `domain_validate`: the wizard's live preview of both forms.
#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct DomainInput {
    pub ascii: String,
    pub unicode: String,
    pub is_idn: bool,
}

#[derive(Deserialize, Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct DomainRequest {
    pub domain: String,
}

/// One `/verify` reason, attached to its checklist record when it names one.
#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct RecordReason {
    /// `full_host` of the record, None when the reason names no record of ours.
    pub host: Option<String>,
    pub name: String,
    pub valid: bool,
    pub reason: Option<String>,
}

#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct DomainActionResult {
    pub view: DomainView,
    pub reasons: Vec<RecordReason>,
    /// What happened, in plain words.
    pub message: String,
}

#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct DomainExport {
    pub plain_text: String,
    pub bind: String,
    pub csv: String,
}
