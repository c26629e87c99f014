//! Which issued webhook secrets were already shown, per profile. Qflow issues each secret once
//! and the console shows it once: remembered here so a new session (sign out, sign in, restart)
//! does not show it again. Only a fingerprint is kept: a SHA-256 of a random 256-bit secret
//! tells nothing about it.

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension};
use sha2::{Digest, Sha256};

use super::{db, ts, Store};
use crate::{Result, Secret};

/// Domain-separated so the fingerprint is useless as anything but this marker.
fn fingerprint(secret: &Secret) -> String {
    let mut h = Sha256::new();
    h.update(b"qflow-console reveal-once v1\0");
    h.update(secret.expose().as_bytes());
    hex::encode(h.finalize())
}

impl Store {
    /// Whether this secret was already shown for this profile.
    pub fn secret_revealed(&self, profile: &str, secret: &Secret) -> Result<bool> {
        Ok(self
            .conn()
            .query_row(
                "SELECT 1 FROM secret_reveals WHERE profile = ?1 AND fingerprint = ?2",
                params![profile, fingerprint(secret)],
                |_| Ok(()),
            )
            .optional()
            .map_err(db)?
            .is_some())
    }

    /// Marks the secret shown; `false` when it already was (one statement: two callers racing
    /// cannot both get `true`).
    pub fn mark_secret_revealed(
        &self,
        profile: &str,
        secret: &Secret,
        at: DateTime<Utc>,
    ) -> Result<bool> {
        let n = self
            .conn()
            .execute(
                "INSERT OR IGNORE INTO secret_reveals (profile, fingerprint, revealed_at) VALUES (?1, ?2, ?3)",
                params![profile, fingerprint(secret), ts(at)],
            )
            .map_err(db)?;
        Ok(n == 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn once_per_secret_and_profile_and_never_the_secret_itself() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(super::super::DB_FILE);
        let s = Store::open(&path).unwrap();
        let a = Secret::new("a".repeat(64));
        let b = Secret::new("b".repeat(64));
        assert!(!s.secret_revealed("work", &a).unwrap());
        assert!(s.mark_secret_revealed("work", &a, Utc::now()).unwrap());
        assert!(!s.mark_secret_revealed("work", &a, Utc::now()).unwrap());
        assert!(s.secret_revealed("work", &a).unwrap());
        // Another secret, or another profile, is a separate reveal.
        assert!(!s.secret_revealed("work", &b).unwrap());
        assert!(!s.secret_revealed("home", &a).unwrap());
        drop(s);
        // Survives a restart; the file never holds the secret.
        let s = Store::open(&path).unwrap();
        assert!(s.secret_revealed("work", &a).unwrap());
        let raw = std::fs::read(&path).unwrap();
        let wal = std::fs::read(path.with_file_name(format!("{}-wal", super::super::DB_FILE)))
            .unwrap_or_default();
        for bytes in [raw, wal] {
            assert!(!bytes.windows(64).any(|w| w == "a".repeat(64).as_bytes()));
        }
    }
}
