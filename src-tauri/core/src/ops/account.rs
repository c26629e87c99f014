//! Signing in and out, profiles: what the window and the CLI share about "which account".

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::ctx::Ctx;
pub use super::ctx::SignedIn;
use crate::api::Client;
use crate::profiles::{validate_profile_name, Profiles};
use crate::secrets::{self, Credentials, SharedSecretStore};
use crate::session::{self, Target};
use crate::{Error, Result, Secret};

/// `app_info`: what the window needs before its first screen.
#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct AppInfo {
    pub version: String,
    /// Started with `--demo`: the UI signs in to the embedded sandbox at once.
    pub demo: bool,
    /// The profile named on the command line (or `default`).
    pub profile: String,
    pub signed_in: Option<SignedIn>,
    /// The profile's saved, non-secret settings, to prefill the sign-in form.
    pub saved: Option<SavedProfile>,
}

/// A profile's non-secret settings.
#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct SavedProfile {
    pub name: String,
    pub api_base: String,
    pub identity_url: String,
    pub client_id: String,
    pub username: String,
}

/// `sign_in`: the form. The three secrets are deserialized straight into `Secret` (no Debug
/// output, zeroed on drop), go to the keychain and are never sent back.
#[derive(Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct SignInRequest {
    pub profile: String,
    /// Empty or absent: the profile's saved value, else production.
    #[serde(default)]
    pub api_base: Option<String>,
    #[serde(default)]
    pub identity_url: Option<String>,
    pub client_id: String,
    pub username: String,
    #[ts(type = "string")]
    pub password: Secret,
    #[ts(type = "string")]
    pub client_secret: Secret,
    #[ts(type = "string")]
    pub client_key: Secret,
}

/// One saved profile. Never carries a secret, only whether the keychain has all three.
#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct ProfileEntry {
    pub name: String,
    pub username: String,
    pub client_id: String,
    pub api_base: String,
    pub identity_url: String,
    /// Sign-in without typing is possible (password, client secret and client key are saved).
    pub has_secrets: bool,
    /// The profile signed in now.
    pub current: bool,
    pub last_used: bool,
}

/// `profile_sign_in` / `profile_forget`.
#[derive(Deserialize, Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct ProfileNameRequest {
    pub name: String,
}

/// A signed-in account not yet wrapped in a session: who, and its client.
pub struct Account {
    pub info: SignedIn,
    pub client: Client,
}

/// The saved settings of `profile`; an unreadable file only costs the prefill.
pub fn saved_profile(profile: &str) -> Option<SavedProfile> {
    match Profiles::open_default().and_then(|p| p.get(profile)) {
        Ok(p) => p.map(|p| SavedProfile {
            name: p.name,
            api_base: p.api_base,
            identity_url: p.identity_url,
            client_id: p.client_id,
            username: p.username,
        }),
        Err(e) => {
            tracing::warn!(code = e.code(), "could not read the saved profile");
            None
        }
    }
}

/// Every saved profile by name; `current` is the profile signed in now (not the demo).
pub async fn profiles_list(
    secrets: &SharedSecretStore,
    current: Option<&str>,
) -> Result<Vec<ProfileEntry>> {
    let file = Profiles::open_default()?;
    let last = file.last_used()?;
    let mut out = Vec::new();
    for p in file.list()? {
        // The secrets are read only to see that they are there, and dropped at once.
        let has_secrets =
            match secrets::load_credentials(secrets, &p.name, &p.client_id, &p.username).await {
                Ok(_) => true,
                Err(Error::NotSignedIn(_)) => false,
                Err(e) => return Err(e),
            };
        out.push(ProfileEntry {
            current: current == Some(p.name.as_str()),
            last_used: last.as_deref() == Some(p.name.as_str()),
            name: p.name,
            username: p.username,
            client_id: p.client_id,
            api_base: p.api_base,
            identity_url: p.identity_url,
            has_secrets,
        });
    }
    Ok(out)
}

/// Pick up the saved sign-in of `target` (keychain or `QFLOW_*` variables) without a request.
/// `None` when there is none to resume.
pub async fn resume(target: &Target, secrets: &SharedSecretStore) -> Result<Option<Account>> {
    match session::connect(target, secrets).await {
        Ok((resolved, client)) => Ok(Some(Account {
            info: SignedIn {
                profile: resolved.profile.clone(),
                username: resolved.credentials.username.clone(),
                api_base: resolved.api_base.clone(),
                demo: false,
            },
            client,
        })),
        Err(Error::NotSignedIn(_)) => Ok(None),
        Err(e) => Err(e),
    }
}

/// The sign-in form: prove the credentials, store the secrets in the keychain and the rest in
/// the profile file. `defaults` fills endpoints the form leaves empty (flags or variables).
pub async fn sign_in(
    req: SignInRequest,
    defaults: &Target,
    secrets: &SharedSecretStore,
) -> Result<Account> {
    let non_empty = |v: Option<String>| v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
    let target = Target {
        profile: req.profile.trim().to_owned(),
        api_base: non_empty(req.api_base).or_else(|| defaults.api_base.clone()),
        identity_url: non_empty(req.identity_url).or_else(|| defaults.identity_url.clone()),
    };
    let credentials = Credentials {
        client_id: req.client_id.trim().to_owned(),
        username: req.username.trim().to_owned(),
        client_secret: req.client_secret,
        password: req.password,
        client_key: req.client_key,
    };
    let profile = session::login(&target, credentials.clone(), secrets).await?;
    let client = session::client_for(&profile.api_base, &profile.identity_url, credentials)?;
    Ok(Account {
        info: SignedIn {
            profile: profile.name,
            username: profile.username,
            api_base: profile.api_base,
            demo: false,
        },
        client,
    })
}

/// Sign in with a saved profile's keychain secrets, proving them now (a changed password is
/// reported here, not on the first screen that loads).
pub async fn profile_sign_in(
    req: ProfileNameRequest,
    secrets: &SharedSecretStore,
) -> Result<Account> {
    let name = req.name.trim().to_owned();
    let target = Target {
        profile: name.clone(),
        api_base: None,
        identity_url: None,
    };
    let (resolved, client) = session::connect(&target, secrets).await?;
    client.sign_in().await?;
    if let Err(e) = Profiles::open_default().and_then(|p| p.set_last_used(&name)) {
        tracing::warn!(code = e.code(), "could not record the last used profile");
    }
    Ok(Account {
        info: SignedIn {
            profile: resolved.profile,
            username: resolved.credentials.username.clone(),
            api_base: resolved.api_base,
            demo: false,
        },
        client,
    })
}

/// End `cx`: its jobs and receiver stop, and for a real profile its three sign-in secrets leave
/// the keychain (the settings stay, so the next sign-in is prefilled; the webhook secret stays:
/// Qflow shows it only once, and only "forget" removes it).
pub async fn sign_out(cx: &Ctx) -> Result<()> {
    cx.close();
    if !cx.info.demo {
        session::logout(&cx.info.profile, &cx.secrets).await?;
    }
    Ok(())
}

/// Forget a profile that is not signed in now: all its secrets (the webhook secret too) leave
/// the keychain and its settings the profile file. (Signing out a current profile is the caller's first step.)
pub async fn forget(req: ProfileNameRequest, secrets: &SharedSecretStore) -> Result<()> {
    let name = req.name.trim().to_owned();
    validate_profile_name(&name)?;
    secrets::delete_profile_secrets(secrets, &name).await?;
    Profiles::open_default()?.remove(&name)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secrets::{save_credentials, MemoryStore, SecretKind, SecretStore};
    use std::sync::Arc;

    #[tokio::test]
    async fn signing_out_keeps_the_webhook_secret_and_forgetting_removes_it() {
        let mem = Arc::new(MemoryStore::new());
        let store: SharedSecretStore = mem.clone();
        let creds = Credentials {
            client_id: "c".into(),
            username: "u".into(),
            client_secret: Secret::new("cs"),
            password: Secret::new("pw"),
            client_key: Secret::new("ck"),
        };
        save_credentials(&store, "work", &creds).await.unwrap();
        mem.set("work", SecretKind::WebhookSecret, &Secret::new("whsec"))
            .unwrap();

        session::logout("work", &store).await.unwrap();
        for kind in [
            SecretKind::Password,
            SecretKind::ClientSecret,
            SecretKind::ClientKey,
        ] {
            assert!(mem.get("work", kind).unwrap().is_none(), "{kind:?} stayed");
        }
        assert!(
            mem.get("work", SecretKind::WebhookSecret)
                .unwrap()
                .is_some(),
            "signing out removed the webhook secret, which Qflow shows only once"
        );

        // What `forget` removes from the keychain (the profile file is a process-wide setting,
        // tested in tests/app_profiles.rs).
        secrets::delete_profile_secrets(&store, "work")
            .await
            .unwrap();
        assert!(mem.is_empty(), "forget leaves nothing");
    }
}
