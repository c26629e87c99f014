//! Saved profiles ("Production", "Staging"): list them with whether the keychain still holds
//! their secrets, sign in with one without typing (secrets from the keychain), and forget one
//! (its secrets leave the keychain, its settings the profile file).

use qflow_core::ops::account;
use qflow_core::Result;
use tauri::State;

use super::handlers::{self, AppState};
use super::ipc::SignedIn;

pub use qflow_core::ops::account::{ProfileEntry, ProfileNameRequest};

/// Every saved profile by name.
pub async fn profiles_list(state: &AppState) -> Result<Vec<ProfileEntry>> {
    let current = match state.current().await {
        Ok(s) if !s.info.demo => Some(s.info.profile.clone()),
        _ => None,
    };
    account::profiles_list(&state.store, current.as_deref()).await
}

/// Sign in with a saved profile's keychain secrets. On failure the current session stays.
pub async fn profile_sign_in(state: &AppState, req: ProfileNameRequest) -> Result<SignedIn> {
    let a = account::profile_sign_in(req, &state.store).await?;
    Ok(state.set_account(a).await)
}

/// Forget a profile; the profile signed in now is signed out first.
pub async fn profile_forget(state: &AppState, req: ProfileNameRequest) -> Result<()> {
    let name = req.name.trim();
    let is_current =
        matches!(state.current().await, Ok(s) if !s.info.demo && s.info.profile == name);
    if is_current {
        handlers::sign_out(state).await?;
    }
    account::forget(req, &state.store).await
}

/// The IPC surface (thin wrappers). A new session ends the previous one's receiver and rechecks.
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
        rc: State<'_, super::super::recheck::RecheckState>,
        req: ProfileNameRequest,
    ) -> Reply<SignedIn> {
        let r = super::profile_sign_in(&state, req).await;
        if r.is_ok() {
            rc.end_session();
        }
        reply("profile_sign_in", r)
    }

    #[tauri::command]
    pub async fn profile_forget(
        state: State<'_, AppState>,
        rc: State<'_, super::super::recheck::RecheckState>,
        req: ProfileNameRequest,
    ) -> Reply<()> {
        let signing_out = matches!(state.current().await, Ok(s) if !s.info.demo && s.info.profile == req.name.trim());
        if signing_out {
            rc.end_session();
        }
        reply("profile_forget", super::profile_forget(&state, req).await)
    }
}
