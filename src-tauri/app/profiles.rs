//! Saved profiles ("Production", "Staging"): list them with whether the keychain still holds
//! their secrets, sign in with one without typing (secrets from the keychain), and forget one
//! (its secrets leave the keychain, its settings the profile file).

use qflow_core::profiles::Profiles;
use qflow_core::secrets;
use qflow_core::session::{self, Target};
use qflow_core::{Error, Result};
use serde::{Deserialize, Serialize};
use tauri::State;
use ts_rs::TS;

use super::handlers::{self, AppState};
use super::ipc::SignedIn;

/// One saved profile. Never carries a secret, only whether the keychain has all three.
#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../ui/src/bindings/")]
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
#[ts(export, export_to = "../ui/src/bindings/")]
pub struct ProfileNameRequest {
    pub name: String,
}

/// Every saved profile by name.
pub async fn profiles_list(state: &AppState) -> Result<Vec<ProfileEntry>> {
    let file = Profiles::open_default()?;
    let last = file.last_used()?;
    let current = match state.current().await {
        Ok(s) if !s.info.demo => Some(s.info.profile.clone()),
        _ => None,
    };
    let mut out = Vec::new();
    for p in file.list()? {
        // The secrets are read only to see that they are there, and dropped at once.
        let has_secrets =
            match secrets::load_credentials(&state.store, &p.name, &p.client_id, &p.username).await
            {
                Ok(_) => true,
                Err(Error::NotSignedIn(_)) => false,
                Err(e) => return Err(e),
            };
        out.push(ProfileEntry {
            current: current.as_deref() == Some(p.name.as_str()),
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

/// Sign in with a saved profile's keychain secrets, proving them now (a changed password is
/// reported here, not on the first screen that loads). On failure the current session stays.
pub async fn profile_sign_in(state: &AppState, req: ProfileNameRequest) -> Result<SignedIn> {
    let name = req.name.trim().to_owned();
    let target = Target {
        profile: name.clone(),
        api_base: None,
        identity_url: None,
    };
    let (resolved, client) = session::connect(&target, &state.store).await?;
    client.sign_in().await?;
    if let Err(e) = Profiles::open_default().and_then(|p| p.set_last_used(&name)) {
        tracing::warn!(code = e.code(), "could not record the last used profile");
    }
    let info = SignedIn {
        profile: resolved.profile,
        username: resolved.credentials.username.clone(),
        api_base: resolved.api_base,
        demo: false,
    };
    Ok(state.set_session(state.new_session(info, client)).await)
}

/// Forget a profile: its secrets leave the keychain and its settings the profile file. The
/// profile signed in now is signed out first.
pub async fn profile_forget(state: &AppState, req: ProfileNameRequest) -> Result<()> {
    let name = req.name.trim().to_owned();
    qflow_core::profiles::validate_profile_name(&name)?;
    let is_current =
        matches!(state.current().await, Ok(s) if !s.info.demo && s.info.profile == name);
    if is_current {
        handlers::sign_out(state).await?;
    } else {
        secrets::delete_profile_secrets(&state.store, &name).await?;
    }
    Profiles::open_default()?.remove(&name)?;
    Ok(())
}

/// The IPC surface (thin wrappers). A new session ends the previous one's receiver.
pub mod cmd {
    use super::*;

    use crate::app::commands::{reply, Reply};

    #[tauri::command]
    pub async fn profiles_list(state: State<'_, AppState>) -> Reply<Vec<ProfileEntry>> {
        reply("profiles_list", super::profiles_list(&state).await)
    }

    #[tauri::command]
    pub async fn profile_sign_in(
        state: State<'_, AppState>,
        wh: State<'_, super::super::webhooks::WebhookState>,
        req: ProfileNameRequest,
    ) -> Reply<SignedIn> {
        let r = super::profile_sign_in(&state, req).await;
        if r.is_ok() {
            wh.end_session().await;
        }
        reply("profile_sign_in", r)
    }

    #[tauri::command]
    pub async fn profile_forget(
        state: State<'_, AppState>,
        wh: State<'_, super::super::webhooks::WebhookState>,
        req: ProfileNameRequest,
    ) -> Reply<()> {
        let signing_out = matches!(state.current().await, Ok(s) if !s.info.demo && s.info.profile == req.name.trim());
        if signing_out {
            wh.end_session().await;
        }
        reply("profile_forget", super::profile_forget(&state, req).await)
    }
}
