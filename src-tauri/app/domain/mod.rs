//! The custom sending domain screen's IPC surface: thin wrappers over
//! `qflow_core::ops::domain` (the rules, the lifecycle, the pre-check, all shared with the CLI).

/// The IPC surface (thin wrappers).
pub mod cmd {
    use qflow_core::dns::PrecheckReport;
    use qflow_core::ops::domain::{
        self as ops, DomainActionResult, DomainExport, DomainInput, DomainRequest,
        DomainStatusInfo, DomainView,
    };
    use tauri::State;

    use crate::app::commands::{reply, Reply};
    use crate::app::handlers::AppState;

    #[tauri::command]
    pub async fn domain_get(state: State<'_, AppState>) -> Reply<DomainView> {
        let cx = reply("domain_get", state.current().await)?;
        reply("domain_get", ops::domain_get(&cx).await)
    }

    #[tauri::command]
    pub async fn domain_status(state: State<'_, AppState>) -> Reply<DomainStatusInfo> {
        let cx = reply("domain_status", state.current().await)?;
        reply("domain_status", ops::domain_status(&cx).await)
    }

    #[tauri::command]
    pub async fn domain_validate(req: DomainRequest) -> Reply<DomainInput> {
        reply("domain_validate", ops::domain_validate(req))
    }

    #[tauri::command]
    pub async fn domain_create(
        state: State<'_, AppState>,
        req: DomainRequest,
    ) -> Reply<DomainView> {
        let cx = reply("domain_create", state.current().await)?;
        reply("domain_create", ops::domain_create(&cx, req).await)
    }

    #[tauri::command]
    pub async fn domain_verify(state: State<'_, AppState>) -> Reply<DomainActionResult> {
        let cx = reply("domain_verify", state.current().await)?;
        reply("domain_verify", ops::domain_verify(&cx).await)
    }

    #[tauri::command]
    pub async fn domain_activate(state: State<'_, AppState>) -> Reply<DomainActionResult> {
        let cx = reply("domain_activate", state.current().await)?;
        reply("domain_activate", ops::domain_activate(&cx).await)
    }

    #[tauri::command]
    pub async fn domain_deactivate(state: State<'_, AppState>) -> Reply<DomainActionResult> {
        let cx = reply("domain_deactivate", state.current().await)?;
        reply("domain_deactivate", ops::domain_deactivate(&cx).await)
    }

    #[tauri::command]
    pub async fn domain_delete(state: State<'_, AppState>) -> Reply<DomainView> {
        let cx = reply("domain_delete", state.current().await)?;
        reply("domain_delete", ops::domain_delete(&cx).await)
    }

    #[tauri::command]
    pub async fn domain_export(state: State<'_, AppState>) -> Reply<DomainExport> {
        let cx = reply("domain_export", state.current().await)?;
        reply("domain_export", ops::domain_export(&cx).await)
    }

    #[tauri::command]
    pub async fn domain_precheck(state: State<'_, AppState>) -> Reply<PrecheckReport> {
        let cx = reply("domain_precheck", state.current().await)?;
        reply("domain_precheck", ops::domain_precheck(&cx).await)
    }

    #[tauri::command]
    pub async fn demo_publish_dns(state: State<'_, AppState>) -> Reply<DomainView> {
        let cx = reply("demo_publish_dns", state.current().await)?;
        reply("demo_publish_dns", ops::demo_publish_dns(&cx).await)
    }
}
