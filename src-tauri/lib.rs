//! The qflow-console app: thin Tauri commands (`app`) and the CLI (`cli`) over `qflow_core`.

pub mod app;
pub mod cli;

/// Warnings to stderr (`RUST_LOG` raises the level), for the window and the commands alike.
/// Core never logs secrets.
pub fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .try_init();
}
