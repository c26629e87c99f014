//! The template studio's commands: thin wrappers over `qflow_core::ops::studio` (the same
//! operations the CLI's `template` commands run). Only the native file dialogs are here; core
//! reads and writes the chosen file.

use std::path::PathBuf;

use qflow_core::models::Template;
use qflow_core::ops::studio::{
    self as ops, DraftSaveRequest, ExportFormat, PreviewRequest, PreviewResult, StudioSetup,
    TemplateExportFileRequest, TemplateExportRequest, TemplateFileRead, TemplateFileWritten,
    TemplateIdRequest, TemplateImport, TemplateImportRequest, TemplateSaveRequest, TemplateSaved,
    TemplatesListRequest, TestAttendee, TestAttendeesRemoveRequest, TestAttendeesRemoved,
    TestSendRequest, TestSendResult,
};
use qflow_core::store::{Draft, TemplateVersion};
use tauri::State;

use crate::app::commands::{reply, Reply};
use crate::app::handlers::AppState;

/// Test-only override of the native dialogs, which WebKitWebDriver cannot drive: in debug
/// builds, `QFLOW_E2E_SAVE_PATH` / `QFLOW_E2E_OPEN_PATH` name the file instead of asking.
/// Release builds never read them.
fn e2e_dialog_path(var: &str) -> Option<PathBuf> {
    if !cfg!(debug_assertions) {
        return None;
    }
    std::env::var_os(var)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}

/// The IPC commands (command name = function name).
pub mod cmd {
    use super::*;

    #[tauri::command]
    pub async fn templates_list(
        state: State<'_, AppState>,
        req: TemplatesListRequest,
    ) -> Reply<Vec<Template>> {
        let r = async { ops::templates_list(&*state.current().await?, req).await }.await;
        reply("templates_list", r)
    }

    #[tauri::command]
    pub async fn template_get(
        state: State<'_, AppState>,
        req: TemplateIdRequest,
    ) -> Reply<Template> {
        let r = async { ops::template_get(&*state.current().await?, req).await }.await;
        reply("template_get", r)
    }

    #[tauri::command]
    pub async fn studio_setup(state: State<'_, AppState>) -> Reply<StudioSetup> {
        let r = async { ops::studio_setup(&*state.current().await?).await }.await;
        reply("studio_setup", r)
    }

    #[tauri::command]
    pub async fn template_preview(
        state: State<'_, AppState>,
        req: PreviewRequest,
    ) -> Reply<PreviewResult> {
        let r = async { ops::template_preview(&*state.current().await?, req).await }.await;
        reply("template_preview", r)
    }

    #[tauri::command]
    pub async fn template_save(
        state: State<'_, AppState>,
        req: TemplateSaveRequest,
    ) -> Reply<TemplateSaved> {
        let r = async { ops::template_save(&*state.current().await?, req).await }.await;
        reply("template_save", r)
    }

    #[tauri::command]
    pub async fn template_delete(state: State<'_, AppState>, req: TemplateIdRequest) -> Reply<()> {
        let r = async { ops::template_delete(&*state.current().await?, req).await }.await;
        reply("template_delete", r)
    }

    #[tauri::command]
    pub async fn draft_save(state: State<'_, AppState>, req: DraftSaveRequest) -> Reply<Draft> {
        let r = async { ops::draft_save(&*state.current().await?, req).await }.await;
        reply("draft_save", r)
    }

    #[tauri::command]
    pub async fn drafts_list(
        state: State<'_, AppState>,
        req: TemplatesListRequest,
    ) -> Reply<Vec<Draft>> {
        let r = async { ops::drafts_list(&*state.current().await?, req).await }.await;
        reply("drafts_list", r)
    }

    #[tauri::command]
    pub async fn draft_delete(state: State<'_, AppState>, req: TemplateIdRequest) -> Reply<bool> {
        let r = async { ops::draft_delete(&*state.current().await?, req).await }.await;
        reply("draft_delete", r)
    }

    #[tauri::command]
    pub async fn template_versions(
        state: State<'_, AppState>,
        req: TemplateIdRequest,
    ) -> Reply<Vec<TemplateVersion>> {
        let r = async { ops::template_versions(&*state.current().await?, req).await }.await;
        reply("template_versions", r)
    }

    #[tauri::command]
    pub async fn template_test_send(
        state: State<'_, AppState>,
        req: TestSendRequest,
    ) -> Reply<TestSendResult> {
        let r = async { ops::template_test_send(&*state.current().await?, req).await }.await;
        reply("template_test_send", r)
    }

    #[tauri::command]
    pub fn template_import(req: TemplateImportRequest) -> Reply<TemplateImport> {
        reply("template_import", ops::template_import(req))
    }

    #[tauri::command]
    pub fn template_export(req: TemplateExportRequest) -> Reply<String> {
        reply("template_export", ops::template_export(req))
    }

    /// Export through a native save dialog; core writes the file (the webview has no fs access).
    #[tauri::command]
    pub async fn template_export_file(
        app: tauri::AppHandle,
        req: TemplateExportFileRequest,
    ) -> Reply<Option<TemplateFileWritten>> {
        use tauri_plugin_dialog::DialogExt;
        let r = async {
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
        .await;
        reply("template_export_file", r)
    }

    /// Import through a native open dialog; core reads and parses the file.
    #[tauri::command]
    pub async fn template_import_file(
        app: tauri::AppHandle,
        req: TemplatesListRequest,
    ) -> Reply<Option<TemplateFileRead>> {
        use tauri_plugin_dialog::DialogExt;
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
        let r = path
            .map(|p| ops::read_template_file(&p, &req.event_id))
            .transpose();
        reply("template_import_file", r)
    }

    #[tauri::command]
    pub async fn test_attendees_find(
        state: State<'_, AppState>,
        req: TemplatesListRequest,
    ) -> Reply<Vec<TestAttendee>> {
        let r = async { ops::test_attendees_find(&*state.current().await?, req).await }.await;
        reply("test_attendees_find", r)
    }

    #[tauri::command]
    pub async fn test_attendees_remove(
        state: State<'_, AppState>,
        req: TestAttendeesRemoveRequest,
    ) -> Reply<TestAttendeesRemoved> {
        let r = async { ops::test_attendees_remove(&*state.current().await?, req).await }.await;
        reply("test_attendees_remove", r)
    }
}
