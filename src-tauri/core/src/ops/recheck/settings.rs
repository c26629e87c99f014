//! `<data dir>/settings.json`: the app's few stored preferences (no secrets). Today one:
//! "keep checking the domain in the background".

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::ops::files::write_private_atomic;
use crate::{Error, Result};

pub const SETTINGS_FILE: &str = "settings.json";

#[derive(Serialize, Deserialize, Default, Debug, Clone, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Settings {
    #[serde(default)]
    pub background_domain_recheck: bool,
}

/// The settings file in `dir`, or in the data dir when `None`.
pub fn settings_path(dir: Option<&Path>) -> Result<PathBuf> {
    let dir = match dir {
        Some(d) => d.to_path_buf(),
        None => crate::profiles::data_dir()?,
    };
    Ok(dir.join(SETTINGS_FILE))
}

/// The stored settings; the defaults when the file is missing or not valid (logged).
pub fn read_settings(path: &Path) -> Settings {
    match std::fs::read(path) {
        Ok(bytes) => serde_json::from_slice(&bytes).unwrap_or_else(|_| {
            tracing::warn!("settings.json is not valid: using the defaults");
            Settings::default()
        }),
        Err(_) => Settings::default(),
    }
}

/// One atomic write: a crash never leaves half a file.
pub fn write_settings(path: &Path, s: &Settings) -> Result<()> {
    let bytes = serde_json::to_vec_pretty(s)
        .map_err(|e| Error::internal(format!("encoding the settings: {e}")))?;
    write_private_atomic(path, &bytes)
}
