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
    create_dirs(dir).map_err(fail)?;
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

/// Folders this app creates are the user's alone (0700 on unix).
fn create_dirs(dir: &Path) -> std::io::Result<()> {
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        b.mode(0o700);
    }
    b.create(dir)
}

/// The app's own data folder: created private, and made private if an older version left it
/// readable by others (it holds attendee names and emails, webhook bodies, the send log).
pub fn private_dir(dir: &Path) -> Result<()> {
    let fail = |e: std::io::Error| {
        Error::Storage(format!(
            "Could not create the folder {}: {e}",
            dir.display()
        ))
    };
    create_dirs(dir).map_err(fail)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700)).map_err(fail)?;
    }
    Ok(())
}

/// A file that only the user may read, created empty if missing (0600 on unix; an existing one
/// is made private too). SQLite gives its -wal and -shm files the same mode.
pub fn private_file(path: &Path) -> Result<()> {
    let fail =
        |e: std::io::Error| Error::Storage(format!("Could not create {}: {e}", path.display()));
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    opts.open(path).map_err(fail)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).map_err(fail)?;
    }
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(p: &Path) -> u32 {
        std::fs::metadata(p).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn what_the_app_creates_is_private() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("data");
        std::fs::create_dir(&dir).unwrap();
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
        private_dir(&dir).unwrap();
        assert_eq!(mode(&dir), 0o700, "an existing data folder is tightened");
        let file = dir.join("qflow-console.db");
        private_file(&file).unwrap();
        assert_eq!(mode(&file), 0o600);
        write_private_atomic(&tmp.path().join("new/sub/out.json"), b"{}").unwrap();
        assert_eq!(mode(&tmp.path().join("new/sub")), 0o700);
        assert_eq!(mode(&tmp.path().join("new/sub/out.json")), 0o600);
    }
}
