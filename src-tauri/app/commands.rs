//! The IPC surface: each command parses its request, calls the handler and maps the error to
//! the one `ErrorBody` shape. No logic here.

use qflow_core::ErrorBody;
use tauri::State;

use super::handlers::{self, AppState};
use super::ipc::*;

/// What every command returns: the value, or the one error shape.
pub(crate) type Reply<T> = Result<T, ErrorBody>;

/// Log the code (never the message: it may quote user input) and hand the body to the UI.
pub(crate) fn reply<T>(command: &str, r: qflow_core::Result<T>) -> Reply<T> {
    r.map_err(|e| {
        tracing::warn!(command, code = e.code(), "command failed");
        e.body()
    })
}

#[tauri::command]
pub async fn app_info(state: State<'_, AppState>) -> Reply<AppInfo> {
    reply("app_info", handlers::app_info(&state).await)
}

#[tauri::command]
pub async fn resume_session(state: State<'_, AppState>) -> Reply<Option<SignedIn>> {
    reply("resume_session", handlers::resume(&state).await)
}

#[tauri::command]
pub async fn demo_sign_in(
    state: State<'_, AppState>,
    wh: State<'_, super::webhooks::WebhookState>,
) -> Reply<SignedIn> {
    // `--demo`: the sign-in started with the process; wait for it rather than redo it.
    if let Some(who) = state.take_demo_boot().await {
        return Ok(who);
    }
    reply("demo_sign_in", demo_start(&state, &wh).await)
}

/// A fresh demo session, wired to the built-in webhook receiver.
pub(crate) async fn demo_start(
    state: &AppState,
    wh: &super::webhooks::WebhookState,
) -> qflow_core::Result<SignedIn> {
    // A new session gets its own store: the previous session's receiver must not outlive it.
    wh.end_session().await;
    let signed_in = handlers::demo_sign_in(state).await?;
    // Wire the sandbox to the built-in receiver now, so the first send's events are kept.
    if let Err(e) = super::webhooks::ensure_demo_wiring(state, wh).await {
        tracing::warn!(code = e.code(), "demo webhook wiring failed");
    }
    Ok(signed_in)
}

#[tauri::command]
pub async fn sign_in(
    state: State<'_, AppState>,
    wh: State<'_, super::webhooks::WebhookState>,
    req: SignInRequest,
) -> Reply<SignedIn> {
    wh.end_session().await;
    reply("sign_in", handlers::sign_in(&state, req).await)
}

#[tauri::command]
pub async fn sign_out(
    state: State<'_, AppState>,
    wh: State<'_, super::webhooks::WebhookState>,
) -> Reply<()> {
    wh.end_session().await;
    reply("sign_out", handlers::sign_out(&state).await)
}

#[tauri::command]
pub async fn events_list(
    state: State<'_, AppState>,
    req: EventsListRequest,
) -> Reply<Vec<EventRow>> {
    reply("events_list", handlers::events_list(&state, req).await)
}

#[tauri::command]
pub async fn attendee_counts(
    state: State<'_, AppState>,
    req: AttendeeCountsRequest,
) -> Reply<Vec<AttendeeCount>> {
    reply(
        "attendee_counts",
        handlers::attendee_counts(&state, req).await,
    )
}

#[tauri::command]
pub async fn guests_page(state: State<'_, AppState>, req: GuestsPageRequest) -> Reply<GuestsPage> {
    reply("guests_page", handlers::guests_page(&state, req).await)
}
