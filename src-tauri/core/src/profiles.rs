//! Non-secret profile settings in `<data dir>/profiles.json`.
//!
//! A profile names one Qflow account: API base, identity URL, client id and username. The
//! three secrets live in the keychain (`secrets`), never here: `Profile` has no field for them
//! and unknown fields found in the file are dropped on the next write.

// `Error` is large (ApiError inline); boxing it is errors.rs's call, so allow it here.
#![allow(clippy::result_large_err)]

use serde::{Deserialize, Serialize};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use ts_rs::TS;

use crate::{Error, Result};

/// Directory name under the platform data dir.
pub const APP_DIR_NAME: &str = "qflow-console";
pub const PROFILES_FILE: &str = "profiles.json";

/// `QFLOW_DATA_DIR` if set, else the platform data dir + `qflow-console`
/// (Linux: `~/.local/share/qflow-console`). Not created here.
pub fn data_dir() -> Result<PathBuf> {
    if let Some(dir) = std::env::var_os("QFLOW_DATA_DIR").filter(|v| !v.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    dirs::data_dir()
        .map(|d| d.join(APP_DIR_NAME))
        .ok_or_else(|| {
            Error::Storage(
                "Could not determine the user data directory (is HOME set?); set QFLOW_DATA_DIR"
                    .into(),
            )
        })
}

/// [`data_dir`], created (or tightened) private to the user.
pub fn private_data_dir() -> Result<PathBuf> {
    let dir = data_dir()?;
    crate::fsio::private_dir(&dir)?;
    Ok(dir)
}

/// One Qflow account's non-secret settings.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, TS)]
#[serde(rename_all = "camelCase")]
pub struct Profile {
    pub name: String,
    pub api_base: String,
    pub identity_url: String,
    pub client_id: String,
    pub username: String,
}

impl Profile {
    /// Reject bad input before it is stored: field + reason.
    pub fn validate(&self) -> Result<()> {
        validate_profile_name(&self.name)?;
        validate_url("apiBase", &self.api_base)?;
        validate_url("identityUrl", &self.identity_url)?;
        if self.client_id.trim().is_empty() {
            return Err(Error::invalid(
                "clientId",
                "is required (supplied by Qflow support)",
            ));
        }
        if self.username.trim().is_empty() {
            return Err(Error::invalid("username", "is required"));
        }
        Ok(())
    }
}

/// Profile names become part of keychain entries (`<profile>/<kind>`) and CLI flags:
/// 1-64 characters of letters, digits, `-`, `_`, `.`.
pub fn validate_profile_name(name: &str) -> Result<()> {
    if name.is_empty() || name.len() > 64 {
        return Err(Error::invalid("profile", "must be 1 to 64 characters"));
    }
    if !name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    {
        return Err(Error::invalid(
            "profile",
            "may contain only letters, digits, '-', '_' and '.'",
        ));
    }
    Ok(())
}

fn validate_url(field: &str, value: &str) -> Result<()> {
    let url =
        url::Url::parse(value).map_err(|e| Error::invalid(field, format!("is not a URL ({e})")))?;
    if !matches!(url.scheme(), "https" | "http") || url.host_str().is_none() {
        return Err(Error::invalid(field, "must be an http(s) URL with a host"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Error::invalid(field, "must not contain credentials"));
    }
    Ok(())
}

#[derive(Serialize, Deserialize, Default, Debug)]
#[serde(rename_all = "camelCase")]
struct ProfilesFile {
    #[serde(default)]
    last_used: Option<String>,
    #[serde(default)]
    profiles: Vec<Profile>,
}

/// The profiles file. Every change is read-modify-write under a process-wide lock and
/// written atomically (temp file + rename), so a crash never leaves a half-written file.
#[derive(Clone, Debug)]
pub struct Profiles {
    path: PathBuf,
}

static WRITE_LOCK: Mutex<()> = Mutex::new(());

impl Profiles {
    /// `<data dir>/profiles.json`.
    pub fn open_default() -> Result<Profiles> {
        Ok(Self::in_dir(private_data_dir()?))
    }

    /// `<dir>/profiles.json`.
    pub fn in_dir(dir: impl AsRef<Path>) -> Profiles {
        Profiles {
            path: dir.as_ref().join(PROFILES_FILE),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn list(&self) -> Result<Vec<Profile>> {
        let mut v = self.read()?.profiles;
        v.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(v)
    }

    pub fn get(&self, name: &str) -> Result<Option<Profile>> {
        Ok(self.read()?.profiles.into_iter().find(|p| p.name == name))
    }

    /// Insert or replace by name. Validated first.
    pub fn upsert(&self, profile: Profile) -> Result<()> {
        profile.validate()?;
        self.modify(|f| {
            match f.profiles.iter_mut().find(|p| p.name == profile.name) {
                Some(existing) => *existing = profile,
                None => f.profiles.push(profile),
            }
            true
        })
    }

    /// Remove by name; `false` if there was none. Clears last-used if it pointed at it.
    /// The caller also deletes the keychain entries (`secrets::delete_profile_secrets`).
    pub fn remove(&self, name: &str) -> Result<bool> {
        let mut removed = false;
        self.modify(|f| {
            let before = f.profiles.len();
            f.profiles.retain(|p| p.name != name);
            removed = f.profiles.len() != before;
            if f.last_used.as_deref() == Some(name) {
                f.last_used = None;
            }
            removed
        })?;
        Ok(removed)
    }

    /// The last profile used, if it still exists.
    pub fn last_used(&self) -> Result<Option<String>> {
        let f = self.read()?;
        Ok(f.last_used
            .filter(|n| f.profiles.iter().any(|p| &p.name == n)))
    }

    pub fn set_last_used(&self, name: &str) -> Result<()> {
        let mut found = false;
        self.modify(|f| {
            found = f.profiles.iter().any(|p| p.name == name);
            if found && f.last_used.as_deref() != Some(name) {
                f.last_used = Some(name.to_owned());
                return true;
            }
            false
        })?;
        if !found {
            return Err(Error::invalid(
                "profile",
                format!("no profile named '{name}'"),
            ));
        }
        Ok(())
    }

    fn read(&self) -> Result<ProfilesFile> {
        match fs::read(&self.path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| {
                Error::Storage(format!(
                    "{} is not valid ({e}); fix or remove it (it holds no secrets)",
                    self.path.display()
                ))
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(ProfilesFile::default()),
            Err(e) => Err(Error::Storage(format!(
                "Could not read {}: {e}",
                self.path.display()
            ))),
        }
    }

    /// `change` returns whether anything changed (then the file is written).
    fn modify(&self, change: impl FnOnce(&mut ProfilesFile) -> bool) -> Result<()> {
        let _guard = WRITE_LOCK.lock().unwrap_or_else(|p| p.into_inner());
        let mut file = self.read()?;
        if change(&mut file) {
            let json =
                serde_json::to_vec_pretty(&file).map_err(|e| Error::Storage(e.to_string()))?;
            crate::fsio::write_private_atomic(&self.path, &json)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secrets::{save_credentials, Credentials, MemoryStore, Secret, SharedSecretStore};
    use std::sync::Arc;

    fn profile(name: &str) -> Profile {
        Profile {
            name: name.into(),
            api_base: "https://api-uksouth-01.qflowhub.io".into(),
            identity_url: "https://identity.qflowhub.io/core/connect/token".into(),
            client_id: "client-1".into(),
            username: "staff@example.com".into(),
        }
    }

    #[test]
    fn crud_and_last_used() {
        let dir = tempfile::tempdir().unwrap();
        let p = Profiles::in_dir(dir.path());
        assert!(p.list().unwrap().is_empty());
        assert_eq!(p.last_used().unwrap(), None);

        p.upsert(profile("prod")).unwrap();
        p.upsert(profile("demo")).unwrap();
        let mut changed = profile("prod");
        changed.username = "other@example.com".into();
        p.upsert(changed.clone()).unwrap();
        let names: Vec<String> = p.list().unwrap().into_iter().map(|x| x.name).collect();
        assert_eq!(names, ["demo", "prod"]);
        assert_eq!(p.get("prod").unwrap(), Some(changed));

        p.set_last_used("prod").unwrap();
        assert_eq!(p.last_used().unwrap().as_deref(), Some("prod"));
        assert!(p.set_last_used("nope").is_err());
        assert_eq!(p.last_used().unwrap().as_deref(), Some("prod"));

        // A second handle on the same file sees the same state.
        assert_eq!(
            Profiles::in_dir(dir.path()).last_used().unwrap().as_deref(),
            Some("prod")
        );

        assert!(p.remove("prod").unwrap());
        assert!(!p.remove("prod").unwrap());
        assert_eq!(p.last_used().unwrap(), None);
        assert_eq!(p.list().unwrap().len(), 1);
        // No temp files left behind.
        let leftovers: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(leftovers, [std::ffi::OsString::from(PROFILES_FILE)]);
    }

    #[test]
    fn bad_input_is_rejected_with_field() {
        let dir = tempfile::tempdir().unwrap();
        let p = Profiles::in_dir(dir.path());
        let mut bad = profile("has space");
        assert_eq!(field_of(p.upsert(bad.clone()).unwrap_err()), "profile");
        bad = profile("ok");
        bad.api_base = "ftp://x".into();
        assert_eq!(field_of(p.upsert(bad.clone()).unwrap_err()), "apiBase");
        bad = profile("ok");
        bad.identity_url = "https://user:pw@identity.example/token".into();
        assert_eq!(field_of(p.upsert(bad.clone()).unwrap_err()), "identityUrl");
        bad = profile("ok");
        bad.client_id = " ".into();
        assert_eq!(field_of(p.upsert(bad).unwrap_err()), "clientId");
        assert!(!p.path().exists(), "nothing written for rejected input");
    }

    fn field_of(e: Error) -> String {
        e.body().field.unwrap_or_default()
    }

    #[tokio::test]
    async fn the_file_never_contains_secrets() {
        let dir = tempfile::tempdir().unwrap();
        let p = Profiles::in_dir(dir.path());
        let store: SharedSecretStore = Arc::new(MemoryStore::new());
        let creds = Credentials {
            client_id: "client-1".into(),
            username: "staff@example.com".into(),
            client_secret: Secret::new("CLIENT-SECRET-xyz"),
            password: Secret::new("PASSWORD-xyz"),
            client_key: Secret::new("2c2dd698e83b1b2d8340ab76b2c41359"),
        };
        p.upsert(profile("prod")).unwrap();
        save_credentials(&store, "prod", &creds).await.unwrap();
        p.set_last_used("prod").unwrap();

        // A hand-edited secret field is dropped on the next write.
        let mut raw: serde_json::Value =
            serde_json::from_slice(&fs::read(p.path()).unwrap()).unwrap();
        raw["profiles"][0]["password"] = "PASSWORD-xyz".into();
        fs::write(p.path(), serde_json::to_vec(&raw).unwrap()).unwrap();
        p.upsert(profile("demo")).unwrap();

        let text = fs::read_to_string(p.path()).unwrap();
        for secret in [
            "CLIENT-SECRET-xyz",
            "PASSWORD-xyz",
            "2c2dd698e83b1b2d8340ab76b2c41359",
        ] {
            assert!(!text.contains(secret), "{text}");
        }
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        for prof in v["profiles"].as_array().unwrap() {
            let mut keys: Vec<&str> = prof
                .as_object()
                .unwrap()
                .keys()
                .map(String::as_str)
                .collect();
            keys.sort();
            assert_eq!(
                keys,
                ["apiBase", "clientId", "identityUrl", "name", "username"]
            );
        }
    }

    #[test]
    fn corrupt_file_is_a_storage_error_not_a_panic() {
        let dir = tempfile::tempdir().unwrap();
        let p = Profiles::in_dir(dir.path());
        fs::write(p.path(), b"{not json").unwrap();
        let e = p.list().unwrap_err();
        assert_eq!(e.code(), "storage_error");
        assert!(e.to_string().contains("holds no secrets"));
    }
}
