//! The window's side of core's `Notifier`: pushed events become Tauri events, desktop
//! notifications go through the notification plugin (Rust only; the webview has no permission).

use tauri::{AppHandle, Emitter};

pub struct WindowNotifier(pub AppHandle);

impl qflow_core::ops::ctx::Notifier for WindowNotifier {
    fn push(&self, name: &'static str, payload: serde_json::Value) {
        if let Err(e) = self.0.emit(name, payload) {
            tracing::warn!(event = name, error = %e, "could not push an event to the window");
        }
    }

    fn desktop(&self, title: &str, body: &str) {
        use tauri_plugin_notification::NotificationExt;
        if let Err(e) = self
            .0
            .notification()
            .builder()
            .title(title)
            .body(body)
            .show()
        {
            // No notification service (e.g. a bare X server): the in-app banner still shows.
            tracing::warn!(error = %e, "desktop notification failed");
        }
    }
}
