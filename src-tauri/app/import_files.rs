//! The attendee import's native dialogs (pick the CSV, save the report): the only part of the
//! import that needs the window. Core reads the file, keeps it in the session and writes the
//! report (`qflow_core::ops::importer`); the webview never sees a path it could choose.

use qflow_core::ops::importer::{self as ops, ImportFile, ImportOpenRequest, ImportReportWritten};
use qflow_core::Result;
use tauri::{AppHandle, Manager, Runtime};

use super::handlers::AppState;
use super::studio_files::{ask_open_path, ask_save_path};

/// Pick a CSV file with the native open dialog; core reads and previews it.
pub async fn import_pick_file<R: Runtime>(
    app: &AppHandle<R>,
    req: ImportOpenRequest,
) -> Result<Option<ImportFile>> {
    let cx = app.state::<AppState>().current().await?;
    let path = ask_open_path(
        app,
        "Import attendees",
        ("Attendees (.csv)", &["csv", "txt"]),
    )
    .await;
    match path {
        Some(p) => ops::import_open(&cx, &p, req).await.map(Some),
        None => Ok(None),
    }
}

/// Save the rows not imported through the native save dialog; core writes the CSV (0600).
pub async fn import_report_save<R: Runtime>(
    app: &AppHandle<R>,
) -> Result<Option<ImportReportWritten>> {
    let cx = app.state::<AppState>().current().await?;
    let name = ops::import_status(&cx)
        .await?
        .map(|s| ops::report_file_name(&s.file_name))
        .unwrap_or_else(|| "not-imported.csv".into());
    let path = ask_save_path(app, "Save the rows not imported", name, ("CSV", &["csv"])).await;
    match path {
        Some(p) => ops::import_report_write(&cx, &p).await.map(Some),
        None => Ok(None),
    }
}
