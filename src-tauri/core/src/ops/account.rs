//! Signing in and out, profiles: what the window and the CLI share about "which account".

use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub use super::ctx::SignedIn;
use crate::Secret;

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
