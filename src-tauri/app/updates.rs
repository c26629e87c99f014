//! "Check for updates": `tauri-plugin-updater` fetches the manifest, downloads the package and
//! verifies its signature (minisign, against the public key compiled in from tauri.conf.json
//! `plugins.updater`, `requireSignedVersion` on); only then is the user asked, and only on "Install"
//! is the verified package installed (dpkg/rpm through pkexec or sudo) and the app restarted.
//! Never automatic: nothing here runs unless the user asks. Messages: `qflow_core::ops::updates`.

use std::sync::Mutex;

use qflow_core::ops::updates::{self as ops, UpdateCheck, UpdateFault};
use qflow_core::Result;
use tauri::{AppHandle, Manager, Runtime};
use tauri_plugin_updater::{Error as UpError, Update, UpdaterExt};

/// The verified package waiting for the user's answer.
#[derive(Default)]
pub struct PendingUpdate(Mutex<Option<(Update, Vec<u8>)>>);

/// Test-only: in debug builds `QFLOW_E2E_UPDATE_PUBKEY` / `QFLOW_E2E_UPDATE_ENDPOINT` stand in for
/// the key and address a release build gets from `make package`. Release builds never read them.
fn e2e_override(var: &str) -> Option<String> {
    if !cfg!(debug_assertions) {
        return None;
    }
    std::env::var(var).ok().filter(|v| !v.is_empty())
}

fn fault(e: UpError) -> UpdateFault {
    let m = e.to_string();
    match e {
        UpError::EmptyEndpoints => UpdateFault::NotConfigured,
        UpError::Reqwest(_) | UpError::Network(_) => UpdateFault::Unreachable(m),
        UpError::Minisign(_) | UpError::Base64(_) | UpError::SignatureUtf8(_) => {
            UpdateFault::BadSignature(m)
        }
        UpError::ReleaseNotFound
        | UpError::Serialization(_)
        | UpError::Semver(_)
        | UpError::UrlParse(_)
        | UpError::TargetNotFound(_)
        | UpError::TargetsNotFound(_)
        | UpError::SignedVersionMismatch { .. }
        | UpError::MissingSignedVersion
        | UpError::InsecureTransportProtocol => UpdateFault::BadManifest(m),
        UpError::InvalidUpdaterFormat => UpdateFault::BadPackage(m),
        _ => UpdateFault::InstallFailed(m),
    }
}

/// Look for a newer version; download and verify it before anything is asked.
pub async fn update_check<R: Runtime>(app: &AppHandle<R>) -> Result<UpdateCheck> {
    let current = app.package_info().version.to_string();
    let mut builder = app.updater_builder();
    if let Some(key) = e2e_override("QFLOW_E2E_UPDATE_PUBKEY") {
        builder = builder.pubkey(key);
    }
    if let Some(url) = e2e_override("QFLOW_E2E_UPDATE_ENDPOINT") {
        let url = url.parse().map_err(|e| fault(UpError::UrlParse(e)))?;
        builder = builder.endpoints(vec![url]).map_err(fault)?;
    }
    let cfg = app.config().plugins.0.get("updater");
    let key_in_build = cfg
        .and_then(|c| c.get("pubkey"))
        .and_then(|k| k.as_str())
        .unwrap_or("");
    let endpoints_in_build = cfg
        .and_then(|c| c.get("endpoints"))
        .and_then(|e| e.as_array())
        .map_or(0, Vec::len);
    ops::ensure_configured(
        &e2e_override("QFLOW_E2E_UPDATE_PUBKEY").unwrap_or_else(|| key_in_build.into()),
        e2e_override("QFLOW_E2E_UPDATE_ENDPOINT").map_or(endpoints_in_build, |_| 1),
    )?;
    let updater = builder.build().map_err(fault)?;
    let pending = app.state::<PendingUpdate>();
    *pending.0.lock().unwrap_or_else(|p| p.into_inner()) = None;
    let Some(update) = updater.check().await.map_err(fault)? else {
        return Ok(ops::check_result(&current, None));
    };
    // The download is checked against the signature here, before the user is asked.
    let bytes = update.download(|_, _| {}, || {}).await.map_err(fault)?;
    tracing::info!(version = %update.version, bytes = bytes.len(), "update verified");
    let found = (update.version.clone(), update.body.clone());
    *pending.0.lock().unwrap_or_else(|p| p.into_inner()) = Some((update, bytes));
    Ok(ops::check_result(&current, Some(found)))
}

/// The user said "Install": install the verified package (verified again) and restart into it.
pub async fn update_install<R: Runtime>(app: &AppHandle<R>) -> Result<()> {
    let taken = app
        .state::<PendingUpdate>()
        .0
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .take();
    let (update, bytes) = taken.ok_or(UpdateFault::NothingToInstall)?;
    let version = update.version.clone();
    tauri::async_runtime::spawn_blocking(move || update.install(bytes))
        .await
        .map_err(|e| qflow_core::Error::internal(format!("update install task: {e}")))?
        .map_err(fault)?;
    tracing::info!(%version, "update installed; restarting");
    app.restart()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The updater's errors land in the right refusal: a version the signature was not made for
    /// is a refused manifest, a bad package is refused, no endpoint is "not configured".
    #[test]
    fn updater_errors_become_refusals_or_unavailability() {
        let mismatch = UpError::SignedVersionMismatch {
            signed: "0.1.1".into(),
            announced: "0.2.0".into(),
        };
        let e: qflow_core::Error = fault(mismatch).into();
        assert_eq!(e.code(), "update_refused");
        assert!(e.body().message.contains("signed for version 0.1.1"), "{e}");
        for err in [UpError::MissingSignedVersion, UpError::InvalidUpdaterFormat] {
            let e: qflow_core::Error = fault(err).into();
            assert_eq!(e.code(), "update_refused");
        }
        assert!(matches!(
            fault(UpError::SignatureUtf8("not a signature".into())),
            UpdateFault::BadSignature(_)
        ));
        assert_eq!(fault(UpError::EmptyEndpoints), UpdateFault::NotConfigured);
        assert!(matches!(
            fault(UpError::Network("refused".into())),
            UpdateFault::Unreachable(_)
        ));
        assert!(matches!(
            fault(UpError::PackageInstallFailed),
            UpdateFault::InstallFailed(_)
        ));
    }
}
