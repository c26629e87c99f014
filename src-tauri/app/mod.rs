//! The desktop shell: a Tauri window over the same core as the CLI. Every command is one line
//! in `commands.rs` (the operations are `qflow_core::ops::*`); `handlers.rs` holds the window's
//! state (which session is current, the demo start); `demo_child.rs` runs the demo's sandbox in a
//! child process; `notifier.rs` turns pushed events into
//! Tauri events; `studio_files.rs` is the studio's native dialogs, `arrivals_files.rs` the
//! Arrivals CSV's save dialog, `import_files.rs` the attendee import's; `updates.rs` checks for,
//! verifies and (once asked) installs a signed update.

// qflow_core::Error/ErrorBody carry the full explanation (message, next step, details) by
// design; they are returned once per command, not in hot loops.
#![allow(clippy::result_large_err)]

pub mod arrivals_files;
pub mod commands;
pub mod declare;
pub mod demo_child;
pub mod handlers;
pub mod import_files;
#[cfg(test)]
mod lifecycle_tests;
pub mod marks;
pub mod notifier;
pub mod studio_files;
pub mod updates;

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
    marks::mark("main");
    crate::init_logging();
    qflow_core::heap::tune();
    let sandbox_config = demo_sandbox_config();
    // First, before the toolkit or any thread of ours: the demo's sandbox in its own process.
    let demo_child = opts
        .demo
        .then(|| demo_child::DemoChild::fork(sandbox_config.clone()))
        .flatten();
    let store: SharedSecretStore = Arc::new(KeyringStore::new());
    let state = AppState::new(&opts, store)
        .with_sandbox_config(sandbox_config)
        .with_demo_child(demo_child);
    let demo = opts.demo;
    let app = tauri::Builder::default()
        .plugin(tauri_plugin_clipboard_manager::init())
        .plugin(tauri_plugin_notification::init())
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_updater::Builder::new().build())
        .manage(state)
        .manage(updates::PendingUpdate::default())
        .on_page_load(|_, payload| {
            marks::mark(match payload.event() {
                tauri::webview::PageLoadEvent::Started => "page-started",
                tauri::webview::PageLoadEvent::Finished => "page-finished",
            })
        })
        .setup(move |app| {
            marks::mark("setup");
            lean_webview(app.handle());
            app.state::<AppState>()
                .set_notifier(Arc::new(notifier::WindowNotifier(app.handle().clone())));
            if demo {
                start_demo(app.handle());
            }
            marks::mark("setup-done");
            Ok(())
        })
        .invoke_handler(commands::handler())
        .build(tauri::generate_context!());
    let app = match app {
        Ok(app) => {
            marks::mark("built");
            app
        }
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

/// `--demo`: start the sandbox, sign in and load the first event's attendees now, while the
/// webview loads; the UI's first calls then find the work done or under way.
fn start_demo(handle: &tauri::AppHandle) {
    let (tx, rx) = tokio::sync::oneshot::channel();
    let gate = handle.state::<AppState>().hold_boot_gate();
    handle.state::<AppState>().set_demo_boot(rx);
    let handle = handle.clone();
    let started = std::time::Instant::now();
    tauri::async_runtime::spawn(async move {
        let state = handle.state::<AppState>();
        let who = handlers::demo_start(&state).await;
        marks::mark("demo-signed-in");
        drop(gate);
        let signed_in = who.is_ok();
        tracing::debug!(
            ms = started.elapsed().as_millis(),
            "demo start-up: signed in"
        );
        // The UI may not be waiting (it saw the session in `app_info`).
        let _ = tx.send(who);
        if signed_in {
            if let Err(e) = handlers::prefetch_default_guests(&state).await {
                tracing::warn!(
                    code = e.code(),
                    "demo start-up: loading the first list failed"
                );
            }
            marks::mark("demo-list-loaded");
            tracing::debug!(
                ms = started.elapsed().as_millis(),
                "demo start-up: list loaded"
            );
        }
    });
}

/// A desk app, not a browser: WebKit's memory and disk caches (sized for browsing by default)
/// only hold copies of our own few files, which load once. The "document viewer" model turns
/// them off (bench-ui: the web and network processes' memory).
fn lean_webview(handle: &tauri::AppHandle) {
    #[cfg(target_os = "linux")]
    for w in handle.webview_windows().into_values() {
        let set = w.with_webview(|wv| {
            use webkit2gtk::{CacheModel, WebContextExt, WebViewExt};
            if let Some(ctx) = wv.inner().context() {
                ctx.set_cache_model(CacheModel::DocumentViewer);
            }
        });
        if let Err(e) = set {
            tracing::debug!("webview cache model not set: {e}");
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = handle;
}

/// The embedded demo sandbox; `QFLOW_DEMO_ATTENDEES` seeds more attendees (tests/bench/run.sh).
fn demo_sandbox_config() -> qflow_sandbox::SandboxConfig {
    let mut cfg = qflow_sandbox::SandboxConfig::default();
    if let Some(n) = std::env::var("QFLOW_DEMO_ATTENDEES")
        .ok()
        .and_then(|v| v.trim().parse().ok())
    {
        cfg.attendees = n;
    }
    cfg
}

/// Shared by the handler tests: a `--demo` app state over an in-memory keychain.
#[cfg(test)]
pub(crate) mod test_support {
    use std::sync::Arc;

    use qflow_core::secrets::MemoryStore;
    use qflow_sandbox::SandboxConfig;

    use super::handlers::AppState;
    use super::AppOptions;

    /// The state and its keychain (to assert nothing reached it).
    pub(crate) fn demo_state_with_keychain(cfg: SandboxConfig) -> (Arc<MemoryStore>, AppState) {
        let mem = Arc::new(MemoryStore::new());
        let opts = AppOptions {
            demo: true,
            profile: "default".into(),
            api_base: None,
            identity_url: None,
        };
        let state = AppState::new(&opts, mem.clone()).with_sandbox_config(cfg);
        (mem, state)
    }

    pub(crate) fn demo_state(cfg: SandboxConfig) -> AppState {
        demo_state_with_keychain(cfg).1
    }
}
