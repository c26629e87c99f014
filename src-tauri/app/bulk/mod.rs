//! "Resend to selected": the IPC wrappers over `qflow_core::ops::bulk`. The job belongs to the
//! session (signing out stops it); its progress reaches the window through the session's
//! notifier as the `bulk-progress` event.

use qflow_core::ops::bulk::{
    self, BulkFilterRequest, BulkJobRequest, BulkPreview, BulkSelection, BulkStatus, BulkUnfinished,
};
use tauri::State;

use super::commands::{reply, Reply};
use super::handlers::AppState;

#[tauri::command]
pub async fn bulk_preview(state: State<'_, AppState>, req: BulkSelection) -> Reply<BulkPreview> {
    let r = async {
        let cx = state.current().await?;
        bulk::bulk_preview(&cx, req).await
    };
    reply("bulk_preview", r.await)
}

#[tauri::command]
pub async fn bulk_start(state: State<'_, AppState>, req: BulkSelection) -> Reply<BulkStatus> {
    let r = async {
        let cx = state.current().await?;
        bulk::bulk_start(&cx, req).await
    };
    reply("bulk_start", r.await)
}

#[tauri::command]
pub async fn bulk_continue(state: State<'_, AppState>, req: BulkJobRequest) -> Reply<BulkStatus> {
    let r = async {
        let cx = state.current().await?;
        bulk::bulk_continue(&cx, req).await
    };
    reply("bulk_continue", r.await)
}

#[tauri::command]
pub async fn bulk_pause(state: State<'_, AppState>) -> Reply<BulkStatus> {
    let r = async {
        let cx = state.current().await?;
        bulk::bulk_pause(&cx).await
    };
    reply("bulk_pause", r.await)
}

#[tauri::command]
pub async fn bulk_resume(state: State<'_, AppState>) -> Reply<BulkStatus> {
    let r = async {
        let cx = state.current().await?;
        bulk::bulk_resume(&cx).await
    };
    reply("bulk_resume", r.await)
}

#[tauri::command]
pub async fn bulk_cancel(state: State<'_, AppState>) -> Reply<BulkStatus> {
    let r = async {
        let cx = state.current().await?;
        bulk::bulk_cancel(&cx).await
    };
    reply("bulk_cancel", r.await)
}

#[tauri::command]
pub async fn bulk_status(state: State<'_, AppState>) -> Reply<Option<BulkStatus>> {
    let r = async {
        let cx = state.current().await?;
        bulk::bulk_status(&cx).await
    };
    reply("bulk_status", r.await)
}

#[tauri::command]
pub async fn bulk_unfinished(state: State<'_, AppState>) -> Reply<Vec<BulkUnfinished>> {
    let r = async {
        let cx = state.current().await?;
        bulk::bulk_unfinished(&cx).await
    };
    reply("bulk_unfinished", r.await)
}

#[tauri::command]
pub async fn bulk_discard(state: State<'_, AppState>, req: BulkJobRequest) -> Reply<()> {
    let r = async {
        let cx = state.current().await?;
        bulk::bulk_discard(&cx, req).await
    };
    reply("bulk_discard", r.await)
}

#[tauri::command]
pub async fn bulk_select_filtered(
    state: State<'_, AppState>,
    req: BulkFilterRequest,
) -> Reply<Vec<String>> {
    let r = async {
        let cx = state.current().await?;
        bulk::bulk_select_filtered(&cx, req).await
    };
    reply("bulk_select_filtered", r.await)
}
