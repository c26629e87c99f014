//! The domain recheck's IPC surface: thin wrappers over `qflow_core::ops::recheck`, whose
//! runner is a session state (it stops with the session) and pushes `domain-recheck` updates
//! and the desktop notification through the window's notifier (`notifier.rs`).

/// The IPC surface (thin wrappers).
pub mod cmd {
    use qflow_core::ops::recheck::{
        self as ops, RecheckBackgroundRequest, RecheckStartRequest, RecheckUpdate,
    };
    use tauri::State;

    use crate::app::commands::{reply, Reply};
    use crate::app::handlers::AppState;

    #[tauri::command]
    pub async fn domain_recheck_start(
        state: State<'_, AppState>,
        req: RecheckStartRequest,
    ) -> Reply<RecheckUpdate> {
        let cx = reply("domain_recheck_start", state.current().await)?;
        reply(
            "domain_recheck_start",
            ops::domain_recheck_start(&cx, req).await,
        )
    }

    #[tauri::command]
    pub async fn domain_recheck_leave(state: State<'_, AppState>) -> Reply<()> {
        let cx = reply("domain_recheck_leave", state.current().await)?;
        reply("domain_recheck_leave", ops::domain_recheck_leave(&cx).await)
    }

    #[tauri::command]
    pub async fn domain_recheck_now(state: State<'_, AppState>) -> Reply<RecheckUpdate> {
        let cx = reply("domain_recheck_now", state.current().await)?;
        reply("domain_recheck_now", ops::domain_recheck_now(&cx).await)
    }

    #[tauri::command]
    pub async fn domain_recheck_set_background(
        state: State<'_, AppState>,
        req: RecheckBackgroundRequest,
    ) -> Reply<RecheckUpdate> {
        let cx = reply("domain_recheck_set_background", state.current().await)?;
        reply(
            "domain_recheck_set_background",
            ops::domain_recheck_set_background(&cx, req).await,
        )
    }
}
