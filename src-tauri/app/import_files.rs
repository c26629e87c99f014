//! The attendee import's native dialogs (pick the CSV, save the report): the only part of the
//! import that needs the window. Core reads the file, keeps it in the session and writes the
//! report (`qflow_core::ops::importer`); the webview never sees a path it could choose.

use qflow_core::ops::importer::{self as ops, ImportFile, ImportOpenRequest, ImportReportWritten};
use qflow_core::Result;
use tauri::{AppHandle, Manager, Runtime};
use tauri_plugin_dialog::DialogExt;

use super::handlers::AppState;
use super::studio_files::e2e_dialog_path;

/// Pick a CSV file with the native open dialog; core reads and previews it.
pub async fn import_pick_file<R: Runtime>(
    app: &AppHandle<R>,
    req: ImportOpenRequest,
) -> Result<Option<ImportFile>> {
    let cx = app.state::<AppState>().current().await?;
    let path = match e2e_dialog_path("QFLOW_E2E_OPEN_PATH") {
        Some(p) => Some(p),
        None => {
            let (tx, rx) = tokio::sync::oneshot::channel();
            app.dialog()
                .file()
                .set_title("Import attendees")
                .add_filter("Attendees (.csv)", &["csv", "txt"])
                .pick_file(move |p| {
                    let _ = tx.send(p.and_then(|p| p.into_path().ok()));
                });
            rx.await.ok().flatten()
        }
    };
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
    let path = match e2e_dialog_path("QFLOW_E2E_SAVE_PATH") {
        Some(p) => Some(p),
        None => {
            let (tx, rx) = tokio::sync::oneshot::channel();
            app.dialog()
                .file()
                .set_title("Save the rows not imported")
                .set_file_name(name)
                .add_filter("CSV", &["csv"])
                .save_file(move |p| {
                    let _ = tx.send(p.and_then(|p| p.into_path().ok()));
                });
            rx.await.ok().flatten()
        }
    };
    match path {
        Some(p) => ops::import_report_write(&cx, &p).await.map(Some),
        None => Ok(None),
    }
}
