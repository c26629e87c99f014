//! The desktop shell: a Tauri window over the same core as the CLI. Commands are thin
//! (`commands.rs`), the work is in `handlers.rs` (testable without a window), and the IPC
//! types in `ipc.rs` are exported to `ui/src/bindings/`.

// qflow_core::Error/ErrorBody carry the full explanation (message, next step, details) by
// design; they are returned once per command, not in hot loops.
#![allow(clippy::result_large_err)]

pub mod commands;
pub mod handlers;
pub mod ipc;

use std::sync::Arc;

use qflow_core::secrets::{KeyringStore, SharedSecretStore};
use tauri::Manager;

use handlers::AppState;

pub struct AppOptions {
    pub demo: bool,
    pub profile: String,
    pub api_base: Option<String>,
    pub identity_url: Option<String>,
}

/// Open the window and run until it closes. Returns the process exit status.
pub fn run(opts: AppOptions) -> i32 {
    init_logging();
    let store: SharedSecretStore = Arc::new(KeyringStore::new());
    let state = AppState::new(&opts, store);
    let app = tauri::Builder::default()
        .plugin(tauri_plugin_clipboard_manager::init())
        .manage(state)
        .invoke_handler(tauri::generate_handler![
            commands::app_info,
            commands::resume_session,
            commands::demo_sign_in,
            commands::sign_in,
            commands::sign_out,
            commands::events_list,
            commands::attendee_counts,
            commands::guests_page,
        ])
        .build(tauri::generate_context!());
    let app = match app {
        Ok(app) => app,
        Err(e) => {
            // The driver chain discards stdout: say it on stderr.
            eprintln!("qflow-console: could not open the window: {e}");
            return 1;
        }
    };
    app.run(|handle, event| {
        if let tauri::RunEvent::Exit = event {
            let state = handle.state::<AppState>();
            tauri::async_runtime::block_on(state.shutdown());
        }
    });
    0
}

/// Warnings to stderr (`RUST_LOG` raises the level). Core never logs secrets.
fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .try_init();
}
