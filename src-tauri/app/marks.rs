//! Start-up marks for `make bench-ui`: when `QFLOW_STARTUP_MARKS` names a file, each mark appends
//! `name epoch_ms` to it (0600), so the bench can place the Rust side of a cold start (the
//! demo's sandbox, sign-in and first list; the page load) next to the webview's own marks.
//! Unset (always, outside the bench), a mark is one cached lookup.

use std::io::Write;
use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::{SystemTime, UNIX_EPOCH};

/// The marks file, made private (0600) once by the one place that creates the user's files.
fn file() -> Option<&'static PathBuf> {
    static FILE: OnceLock<Option<PathBuf>> = OnceLock::new();
    FILE.get_or_init(|| {
        let path = PathBuf::from(std::env::var_os("QFLOW_STARTUP_MARKS")?);
        qflow_core::fsio::private_file(&path).ok()?;
        Some(path)
    })
    .as_ref()
}

/// Note that `name` happened now (wall clock, ms since the epoch).
pub fn mark(name: &str) {
    let Some(path) = file() else { return };
    let ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs_f64() * 1000.0)
        .unwrap_or(0.0);
    if let Ok(mut f) = std::fs::OpenOptions::new().append(true).open(path) {
        let _ = writeln!(f, "{name} {ms:.1}");
    }
}
