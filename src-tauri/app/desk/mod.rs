//! The registration desk's commands: thin `#[tauri::command]` wrappers over
//! `qflow_core::ops::desk` (the operations, their types and tests live there).

pub mod commands {
    use qflow_core::ops::desk::{self, *};
    use tauri::State;

    use crate::app::commands::{reply, Reply};
    use crate::app::handlers::AppState;

    #[tauri::command]
    pub async fn guest_detail(
        state: State<'_, AppState>,
        req: GuestIdRequest,
    ) -> Reply<GuestDetail> {
        let r = async { desk::guest_detail(&*state.current().await?, req).await };
        reply("guest_detail", r.await)
    }

    #[tauri::command]
    pub async fn guest_save(state: State<'_, AppState>, req: GuestEdit) -> Reply<GuestDetail> {
        let r = async { desk::guest_save(&*state.current().await?, req).await };
        reply("guest_save", r.await)
    }

    #[tauri::command]
    pub async fn guest_check_in(
        state: State<'_, AppState>,
        req: CheckInRequest,
    ) -> Reply<GuestDetail> {
        let r = async { desk::guest_check_in(&*state.current().await?, req).await };
        reply("guest_check_in", r.await)
    }

    #[tauri::command]
    pub async fn guest_delete(state: State<'_, AppState>, req: GuestIdRequest) -> Reply<()> {
        let r = async { desk::guest_delete(&*state.current().await?, req).await };
        reply("guest_delete", r.await)
    }

    #[tauri::command]
    pub async fn guest_history(
        state: State<'_, AppState>,
        req: GuestIdRequest,
    ) -> Reply<Vec<HistoryItem>> {
        let r = async { desk::guest_history(&*state.current().await?, req).await };
        reply("guest_history", r.await)
    }

    #[tauri::command]
    pub async fn resend_options(
        state: State<'_, AppState>,
        req: GuestIdRequest,
    ) -> Reply<ResendOptions> {
        let r = async { desk::resend_options(&*state.current().await?, req).await };
        reply("resend_options", r.await)
    }

    #[tauri::command]
    pub async fn resend_preview(
        state: State<'_, AppState>,
        req: ResendPreviewRequest,
    ) -> Reply<ResendPreview> {
        let r = async { desk::resend_preview(&*state.current().await?, req).await };
        reply("resend_preview", r.await)
    }

    #[tauri::command]
    pub async fn resend(state: State<'_, AppState>, req: ResendRequest) -> Reply<ResendResult> {
        let r = async { desk::resend(&*state.current().await?, req).await };
        reply("resend", r.await)
    }

    #[tauri::command]
    pub async fn email_check(req: EmailCheckRequest) -> Reply<EmailCheck> {
        reply("email_check", desk::email_check(req))
    }

    #[tauri::command]
    pub async fn guest_add(state: State<'_, AppState>, req: GuestAddRequest) -> Reply<GuestAdded> {
        let r = async { desk::guest_add(&*state.current().await?, req).await };
        reply("guest_add", r.await)
    }

    #[tauri::command]
    pub async fn event_templates(
        state: State<'_, AppState>,
        req: EventIdRequest,
    ) -> Reply<Vec<TemplateOption>> {
        let r = async { desk::event_templates(&*state.current().await?, req).await };
        reply("event_templates", r.await)
    }

    #[tauri::command]
    pub async fn send_statuses(
        state: State<'_, AppState>,
        req: SendStatusesRequest,
    ) -> Reply<Vec<GuestSendStatus>> {
        let r = async { desk::send_statuses(&*state.current().await?, req).await };
        reply("send_statuses", r.await)
    }
}
