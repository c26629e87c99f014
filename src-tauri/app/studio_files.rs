//! The studio's native file dialogs (export, import): the only part of the studio that needs
//! the window. Core builds, writes and reads the file (`qflow_core::ops::studio`).

use std::path::PathBuf;

use qflow_core::ops::studio::{
    self as ops, ExportFormat, TemplateExportFileRequest, TemplateFileRead, TemplateFileWritten,
    TemplatesListRequest,
};
use qflow_core::Result;
use tauri::{AppHandle, Runtime};
use tauri_plugin_dialog::DialogExt;

/// Test-only override of the native dialogs, which WebKitWebDriver cannot drive: in debug
/// builds, `QFLOW_E2E_SAVE_PATH` / `QFLOW_E2E_OPEN_PATH` name the file instead of asking.
/// Release builds never read them.
pub(super) fn e2e_dialog_path(var: &str) -> Option<PathBuf> {
    if !cfg!(debug_assertions) {
        return None;
    }
    std::env::var_os(var)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}

/// Export through a native save dialog; core writes the file (the webview has no fs access).
pub async fn template_export_file<R: Runtime>(
    app: &AppHandle<R>,
    req: TemplateExportFileRequest,
) -> Result<Option<TemplateFileWritten>> {
    let content = ops::export_content(&req)?;
    let path = match e2e_dialog_path("QFLOW_E2E_SAVE_PATH") {
        Some(p) => Some(p),
        None => {
            let (tx, rx) = tokio::sync::oneshot::channel();
            let (label, ext) = match req.format {
                ExportFormat::Html => ("HTML", "html"),
                ExportFormat::Json => ("Template JSON", "json"),
            };
            app.dialog()
                .file()
                .set_title("Export template")
                .set_file_name(ops::export_file_name(&req.fields.name, req.format))
                .add_filter(label, &[ext])
                .save_file(move |p| {
                    let _ = tx.send(p.and_then(|p| p.into_path().ok()));
                });
            rx.await.ok().flatten()
        }
    };
    path.map(|p| ops::write_template_file(&p, &content))
        .transpose()
}

/// Import through a native open dialog; core reads and parses the file.
pub async fn template_import_file<R: Runtime>(
    app: &AppHandle<R>,
    req: TemplatesListRequest,
) -> Result<Option<TemplateFileRead>> {
    let path = match e2e_dialog_path("QFLOW_E2E_OPEN_PATH") {
        Some(p) => Some(p),
        None => {
            let (tx, rx) = tokio::sync::oneshot::channel();
            app.dialog()
                .file()
                .set_title("Import a template")
                .add_filter("Template (.html, .json)", &["html", "htm", "json"])
                .pick_file(move |p| {
                    let _ = tx.send(p.and_then(|p| p.into_path().ok()));
                });
            rx.await.ok().flatten()
        }
    };
    path.map(|p| ops::read_template_file(&p, &req.event_id))
        .transpose()
}
