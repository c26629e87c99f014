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
pub(crate) fn e2e_dialog_path(var: &str) -> Option<PathBuf> {
    if !cfg!(debug_assertions) {
        return None;
    }
    std::env::var_os(var)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}

/// A file to write, from the native save dialog (None: the person cancelled).
pub(super) async fn ask_save_path<R: Runtime>(
    app: &AppHandle<R>,
    title: &str,
    file_name: String,
    (label, exts): (&str, &[&str]),
) -> Option<PathBuf> {
    if let Some(p) = e2e_dialog_path("QFLOW_E2E_SAVE_PATH") {
        return Some(p);
    }
    let (tx, rx) = tokio::sync::oneshot::channel();
    app.dialog()
        .file()
        .set_title(title)
        .set_file_name(file_name)
        .add_filter(label, exts)
        .save_file(move |p| {
            let _ = tx.send(p.and_then(|p| p.into_path().ok()));
        });
    rx.await.ok().flatten()
}

/// A file to read, from the native open dialog (None: the person cancelled).
pub(super) async fn ask_open_path<R: Runtime>(
    app: &AppHandle<R>,
    title: &str,
    (label, exts): (&str, &[&str]),
) -> Option<PathBuf> {
    if let Some(p) = e2e_dialog_path("QFLOW_E2E_OPEN_PATH") {
        return Some(p);
    }
    let (tx, rx) = tokio::sync::oneshot::channel();
    app.dialog()
        .file()
        .set_title(title)
        .add_filter(label, exts)
        .pick_file(move |p| {
            let _ = tx.send(p.and_then(|p| p.into_path().ok()));
        });
    rx.await.ok().flatten()
}

/// Export through a native save dialog; core writes the file (the webview has no fs access).
pub async fn template_export_file<R: Runtime>(
    app: &AppHandle<R>,
    req: TemplateExportFileRequest,
) -> Result<Option<TemplateFileWritten>> {
    let content = ops::export_content(&req)?;
    let (label, ext) = match req.format {
        ExportFormat::Html => ("HTML", "html"),
        ExportFormat::Json => ("Template JSON", "json"),
    };
    let path = ask_save_path(
        app,
        "Export template",
        ops::export_file_name(&req.fields.name, req.format),
        (label, &[ext]),
    )
    .await;
    path.map(|p| ops::write_template_file(&p, &content))
        .transpose()
}

/// Import through a native open dialog; core reads and parses the file.
pub async fn template_import_file<R: Runtime>(
    app: &AppHandle<R>,
    req: TemplatesListRequest,
) -> Result<Option<TemplateFileRead>> {
    let path = ask_open_path(
        app,
        "Import a template",
        ("Template (.html, .json)", &["html", "htm", "json"]),
    )
    .await;
    path.map(|p| ops::read_template_file(&p, &req.event_id))
        .transpose()
}
