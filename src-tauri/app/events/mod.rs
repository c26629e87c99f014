//! Event create / edit / delete and the time-zone picker: thin wrappers over
//! `qflow_core::ops::events` (the rules, the writes and the session's event cache are there).

use qflow_core::ops::events::{self, EventDeleteRequest, EventForm, EventRow};
pub use qflow_core::ops::events::{ZoneSearchRequest, ZoneSearchResult};
use qflow_core::Result;

use super::handlers::AppState;

pub async fn event_create(state: &AppState, req: EventForm) -> Result<EventRow> {
    events::event_create(&*state.current().await?, req).await
}

pub async fn event_update(state: &AppState, req: EventForm) -> Result<EventRow> {
    events::event_update(&*state.current().await?, req).await
}

pub async fn event_delete(state: &AppState, req: EventDeleteRequest) -> Result<()> {
    events::event_delete(&*state.current().await?, req).await
}

/// The IPC surface (thin wrappers).
pub mod cmd {
    use tauri::State;

    use super::*;
    use crate::app::commands::{reply, Reply};

    #[tauri::command]
    pub async fn event_create(state: State<'_, AppState>, req: EventForm) -> Reply<EventRow> {
        reply("event_create", super::event_create(&state, req).await)
    }

    #[tauri::command]
    pub async fn event_update(state: State<'_, AppState>, req: EventForm) -> Reply<EventRow> {
        reply("event_update", super::event_update(&state, req).await)
    }

    #[tauri::command]
    pub async fn event_delete(state: State<'_, AppState>, req: EventDeleteRequest) -> Reply<()> {
        reply("event_delete", super::event_delete(&state, req).await)
    }

    #[tauri::command]
    pub async fn zones_search(req: ZoneSearchRequest) -> Reply<ZoneSearchResult> {
        reply("zones_search", events::zones_search(req))
    }
}

#[cfg(test)]
mod tests;
