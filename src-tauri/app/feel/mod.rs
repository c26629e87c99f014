//! Offline support's commands: thin wrappers over `qflow_core::ops::connection` (the
//! connectivity probe the offline banner runs, and the demo's "pretend to be offline").

use qflow_core::ops::connection::{self as ops, DemoOfflineRequest};
use tauri::State;

use super::commands::{reply, Reply};
use super::handlers::AppState;

#[cfg(test)]
mod tests;

/// The IPC surface (thin wrappers).
pub mod cmd {
    use super::*;

    #[tauri::command]
    pub async fn connection_probe(state: State<'_, AppState>) -> Reply<()> {
        let r = async { ops::connection_probe(&*state.current().await?).await };
        reply("connection_probe", r.await)
    }

    #[tauri::command]
    pub async fn demo_set_offline(
        state: State<'_, AppState>,
        req: DemoOfflineRequest,
    ) -> Reply<()> {
        let r = async { ops::demo_set_offline(&*state.current().await?, req).await };
        reply("demo_set_offline", r.await)
    }
}
