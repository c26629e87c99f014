//! The one way this app writes a file of the user's (profiles, settings, exports): whole or
//! not at all, private to the user. Low in the crate so every module can use it.

use std::path::Path;

use crate::{Error, Result};

/// Writes `bytes` to `path` so that a crash or a full disk never leaves half a file: a temp
/// file next to it (created 0600 on unix: exports and settings are the user's own), written,
/// fsynced, then renamed over `path` (the folder is fsynced too, so the rename survives a power
/// loss). A failure removes the temp file and names `path`.
pub fn write_private_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    let fail =
        |e: std::io::Error| Error::Storage(format!("could not write {}: {e}", path.display()));
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir).map_err(fail)?;
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    let tmp = dir.join(format!(
        ".{name}.tmp-{}-{}",
        std::process::id(),
        uuid::Uuid::new_v4().simple()
    ));
    let written = (|| {
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        let mut f = opts.open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        drop(f);
        std::fs::rename(&tmp, path)
    })();
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(fail(e));
    }
    #[cfg(unix)]
    if let Ok(d) = std::fs::File::open(dir) {
        // Best effort: the data is already safe in the file; this makes the new name durable.
        let _ = d.sync_all();
    }
    Ok(())
}
