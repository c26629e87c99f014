//! The IPC shapes of the window's attendee import (exported to `ui/src/bindings/`).

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::import::{CsvPreview, RowError};
use crate::ops::ctx::PushEvent;
use crate::ops::import_run::{DryRun, ExistingMode, ImportProgress, ImportSummary, ReportRow};

/// How many rows of the file the mapping step shows.
pub const PREVIEW_ROWS: usize = 5;
/// How many problems (or present attendees) one answer lists; the counts cover them all.
pub const LIST_CAP: usize = 200;

#[derive(Deserialize, Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct ImportOpenRequest {
    pub event_id: String,
}

/// The file picked for the import, read and previewed.
#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct ImportFile {
    pub file_name: String,
    pub event_id: String,
    pub preview: CsvPreview,
}

/// The mapping and choices of the loaded file.
#[derive(Deserialize, Serialize, Clone, Debug, Default, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct ImportChoices {
    /// Header as written → field (any accepted spelling), or `""` to leave the column out.
    #[serde(default)]
    pub overrides: HashMap<String, String>,
    #[serde(default)]
    pub existing: ExistingMode,
    /// Send the valid rows and leave the invalid ones out (they go to the report).
    #[serde(default)]
    pub skip_invalid: bool,
}

/// An attendee of the file already in the event (same email, another id).
#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct PresentRow {
    #[ts(type = "number")]
    pub line: u64,
    pub name: String,
    pub email: String,
}

/// The whole file checked against the event.
#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct ImportValidation {
    pub dry_run: DryRun,
    /// The first [`LIST_CAP`] problems, by line; `row: null` ones block the file.
    pub errors: Vec<RowError>,
    pub errors_total: u32,
    pub warnings: Vec<RowError>,
    pub present: Vec<PresentRow>,
    pub present_total: u32,
    /// Whether the import may start with these choices, and if not why.
    pub can_start: bool,
    pub blocked_reason: Option<String>,
}

/// The import's progress, and when over its summary and the rows not imported.
#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct ImportStatus {
    pub key: String,
    pub event_id: String,
    pub file_name: String,
    pub progress: ImportProgress,
    pub summary: Option<ImportSummary>,
    /// The first [`LIST_CAP`] rows not imported (the export has them all).
    pub report: Vec<ReportRow>,
    pub report_total: u32,
}

/// Pushed after every call of the runner; `import_status` answers the same.
impl PushEvent for ImportStatus {
    const NAME: &'static str = "import-progress";
}

/// An import a crash, a kill or a sign-out interrupted, offered again.
#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct ImportUnfinished {
    pub key: String,
    pub event_id: String,
    pub file_name: String,
    /// Valid rows not created yet.
    pub remaining: u32,
    pub total: u32,
    /// UTC, RFC 3339.
    pub started_at: String,
}

#[derive(Deserialize, Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct ImportKeyRequest {
    pub key: String,
}

/// Where the report was written.
#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct ImportReportWritten {
    pub path: String,
    pub rows: u32,
}
