//! The Arrivals CSV's native save dialog: the only part of the screen that needs the window.
//! Core computes the numbers and writes the file (`qflow_core::ops::arrivals`).

use qflow_core::ops::arrivals::{self as ops, ArrivalsCsvWritten, ArrivalsRequest};
use qflow_core::Result;
use tauri::{AppHandle, Manager, Runtime};
use tauri_plugin_dialog::DialogExt;

use super::handlers::AppState;
use super::studio_files::e2e_dialog_path;

/// Export through a native save dialog; `None` when the user cancels.
pub async fn arrivals_export_file<R: Runtime>(
    app: &AppHandle<R>,
    req: ArrivalsRequest,
) -> Result<Option<ArrivalsCsvWritten>> {
    let cx = app.state::<AppState>().current().await?;
    let path = match e2e_dialog_path("QFLOW_E2E_SAVE_PATH") {
        Some(p) => Some(p),
        None => {
            let name = ops::arrivals_file_name(&cx, &req).await?;
            let (tx, rx) = tokio::sync::oneshot::channel();
            app.dialog()
                .file()
                .set_title("Export arrivals")
                .set_file_name(name)
                .add_filter("CSV", &["csv"])
                .save_file(move |p| {
                    let _ = tx.send(p.and_then(|p| p.into_path().ok()));
                });
            rx.await.ok().flatten()
        }
    };
    match path {
        Some(p) => ops::arrivals_csv_write(&cx, req, &p).await.map(Some),
        None => Ok(None),
    }
}
