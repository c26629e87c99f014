//! Signed updates: what the window shows and says around `tauri-plugin-updater` (which fetches
//! the manifest, downloads the package and checks its minisign signature against the public key
//! compiled into the build). The app classifies the plugin's errors into [`UpdateFault`]; every
//! message and the question asked before installing live here.
//!
//! Nothing here runs on its own: an update is looked for only when the user asks ("Check for
//! updates"), never at start-up and so never in the demo unless asked.

use serde::Serialize;
use ts_rs::TS;

use crate::{Error, Result};

/// What `update_check` found. The package of an offer has been downloaded and its signature
/// verified already: only installing is left, and that is asked first.
#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct UpdateCheck {
    /// The running version.
    pub current: String,
    pub offer: Option<UpdateOffer>,
    /// One sentence for the window: "Qflow Console 0.1.0 is up to date." or the question.
    pub summary: String,
}

#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct UpdateOffer {
    pub version: String,
    /// The release notes from the manifest, if any (plain text).
    pub notes: Option<String>,
    /// What the confirmation asks.
    pub question: String,
}

/// Why an update was not installed, as the app classified the updater's error.
#[derive(Debug, Clone, PartialEq)]
pub enum UpdateFault {
    /// This build carries no update public key or no update address (`make package` without
    /// `QFLOW_UPDATER_PUBKEY`).
    NotConfigured,
    /// The update server could not be reached or answered an error status.
    Unreachable(String),
    /// The manifest could not be read, names no package for this system, or announces a
    /// version its signature was not made for.
    BadManifest(String),
    /// The package's signature does not verify against this build's key (tampered package or
    /// manifest, or a package signed with another key).
    BadSignature(String),
    /// The package is not the kind this installation uses.
    BadPackage(String),
    /// Installing the verified package failed (no privileges, dpkg/rpm refused).
    InstallFailed(String),
    /// No offer is waiting: install was asked without a successful check first.
    NothingToInstall,
}

// The next steps ("Nothing was installed…") are the error kinds' own (`Error::body`).
impl From<UpdateFault> for Error {
    fn from(f: UpdateFault) -> Error {
        match f {
            UpdateFault::NotConfigured => Error::UpdateUnavailable(
                "This build of Qflow Console has no update key, so it cannot check for updates (install a released package, or update it with your package manager).".into(),
            ),
            UpdateFault::Unreachable(m) => {
                Error::UpdateUnavailable(format!("Could not reach the update server: {m}."))
            }
            UpdateFault::BadManifest(m) => Error::UpdateRefused(format!(
                "The update server's description of the update was refused: {m}."
            )),
            UpdateFault::BadSignature(m) => Error::UpdateRefused(format!(
                "The update was refused: its signature does not match this app's update key ({m})."
            )),
            UpdateFault::BadPackage(m) => {
                Error::UpdateRefused(format!("The update was refused: {m}."))
            }
            UpdateFault::InstallFailed(m) => Error::UpdateUnavailable(format!(
                "The verified update could not be installed: {m}."
            )),
            UpdateFault::NothingToInstall => Error::UpdateUnavailable(
                "No verified update is waiting: check for updates first.".into(),
            ),
        }
    }
}

/// An update can be looked for only with a public key and at least one address.
pub fn ensure_configured(pubkey: &str, endpoints: usize) -> Result<()> {
    if pubkey.trim().is_empty() || endpoints == 0 {
        return Err(UpdateFault::NotConfigured.into());
    }
    Ok(())
}

/// The answer to a check: up to date, or a verified offer and its question.
pub fn check_result(current: &str, found: Option<(String, Option<String>)>) -> UpdateCheck {
    match found {
        None => UpdateCheck {
            current: current.into(),
            offer: None,
            summary: format!("Qflow Console {current} is up to date."),
        },
        Some((version, notes)) => {
            let question = format!(
                "Install Qflow Console {version} now? You have {current}. Its signature was checked; the app restarts when it is installed."
            );
            UpdateCheck {
                current: current.into(),
                summary: format!("Qflow Console {version} is available."),
                offer: Some(UpdateOffer {
                    version,
                    notes: notes.filter(|n| !n.trim().is_empty()),
                    question,
                }),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_key_or_no_address_means_no_check() {
        for (key, n) in [("", 1), ("  ", 1), ("RWQ...", 0)] {
            let e = ensure_configured(key, n).unwrap_err();
            assert_eq!(e.code(), "update_unavailable");
            assert!(e.body().message.contains("no update key"), "{e}");
        }
        assert!(ensure_configured("RWQkey", 1).is_ok());
    }

    #[test]
    fn refusals_say_nothing_was_installed() {
        let e: Error = UpdateFault::BadSignature("invalid signature".into()).into();
        let b = e.body();
        assert_eq!(b.code, "update_refused");
        assert!(
            b.message.contains("signature does not match"),
            "{}",
            b.message
        );
        assert!(b.next_step.starts_with("Nothing was installed"));
        let e: Error = UpdateFault::Unreachable("connection refused".into()).into();
        assert_eq!(e.code(), "update_unavailable");
        assert!(e.body().next_step.starts_with("Nothing was installed"));
    }

    #[test]
    fn an_offer_asks_before_installing() {
        let up = check_result("0.1.0", None);
        assert!(up.offer.is_none());
        assert_eq!(up.summary, "Qflow Console 0.1.0 is up to date.");
        let c = check_result("0.1.0", Some(("0.1.1".into(), Some(" ".into()))));
        let o = c.offer.unwrap();
        assert_eq!(o.version, "0.1.1");
        assert_eq!(o.notes, None);
        assert!(o
            .question
            .starts_with("Install Qflow Console 0.1.1 now? You have 0.1.0."));
    }
}
