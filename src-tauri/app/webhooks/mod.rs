//! The webhooks screen's commands: thin wrappers over `qflow_core::ops::webhooks` (URL rule,
//! set / rotate / test / delete, reveal once, the built-in receiver and its feed, the
//! signature checker, the attendee timeline). The receiver and the secret belong to the
//! session and end with it; its deliveries reach the window as `webhook-feed` pushes.

use qflow_core::ops::webhooks::{
    self as ops, AttendeeTimelineRequest, DiagnoseRequest, ReceiverStartRequest, RevealedSecret,
    UrlCheck, WebhookFeed, WebhookFeedRequest, WebhookOverview, WebhookSetRequest,
};
use qflow_core::store::TimelineEntry;
use qflow_core::webhook::Diagnosis;
use tauri::State;

use super::commands::{reply, Reply};
use super::handlers::AppState;

#[cfg(test)]
mod tests;

/// The IPC surface (thin wrappers).
pub mod cmd {
    use super::*;

    type App<'a> = State<'a, AppState>;

    #[tauri::command]
    pub async fn webhook_overview(app: App<'_>) -> Reply<WebhookOverview> {
        let r = async { ops::webhook_overview(&*app.current().await?).await };
        reply("webhook_overview", r.await)
    }

    #[tauri::command]
    pub async fn webhook_url_check(app: App<'_>, req: WebhookSetRequest) -> Reply<UrlCheck> {
        let r = async { ops::webhook_url_check(&*app.current().await?, req).await };
        reply("webhook_url_check", r.await)
    }

    #[tauri::command]
    pub async fn webhook_set(app: App<'_>, req: WebhookSetRequest) -> Reply<WebhookOverview> {
        let r = async { ops::webhook_set(&*app.current().await?, req).await };
        reply("webhook_set", r.await)
    }

    #[tauri::command]
    pub async fn webhook_rotate(app: App<'_>) -> Reply<WebhookOverview> {
        let r = async { ops::webhook_rotate(&*app.current().await?).await };
        reply("webhook_rotate", r.await)
    }

    #[tauri::command]
    pub async fn webhook_test(app: App<'_>) -> Reply<WebhookOverview> {
        let r = async { ops::webhook_test(&*app.current().await?).await };
        reply("webhook_test", r.await)
    }

    #[tauri::command]
    pub async fn webhook_delete(app: App<'_>) -> Reply<WebhookOverview> {
        let r = async { ops::webhook_delete(&*app.current().await?).await };
        reply("webhook_delete", r.await)
    }

    #[tauri::command]
    pub async fn webhook_reveal_secret(app: App<'_>) -> Reply<RevealedSecret> {
        let r = async { ops::webhook_reveal_secret(&*app.current().await?).await };
        reply("webhook_reveal_secret", r.await)
    }

    #[tauri::command]
    pub async fn receiver_start(app: App<'_>, req: ReceiverStartRequest) -> Reply<WebhookOverview> {
        let r = async { ops::receiver_start(&*app.current().await?, req).await };
        reply("receiver_start", r.await)
    }

    #[tauri::command]
    pub async fn receiver_stop(app: App<'_>) -> Reply<WebhookOverview> {
        let r = async { ops::receiver_stop(&*app.current().await?).await };
        reply("receiver_stop", r.await)
    }

    #[tauri::command]
    pub async fn webhook_feed(app: App<'_>, req: WebhookFeedRequest) -> Reply<WebhookFeed> {
        let r = async { ops::webhook_feed(&*app.current().await?, req).await };
        reply("webhook_feed", r.await)
    }

    #[tauri::command]
    pub async fn webhook_diagnose(app: App<'_>, req: DiagnoseRequest) -> Reply<Diagnosis> {
        let r = async { ops::webhook_diagnose(&*app.current().await?, req).await };
        reply("webhook_diagnose", r.await)
    }

    #[tauri::command]
    pub async fn attendee_timeline(
        app: App<'_>,
        req: AttendeeTimelineRequest,
    ) -> Reply<Vec<TimelineEntry>> {
        let r = async { ops::attendee_timeline(&*app.current().await?, req).await };
        reply("attendee_timeline", r.await)
    }
}
