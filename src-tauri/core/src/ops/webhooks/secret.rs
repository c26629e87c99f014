//! The signing secret: issued once by Qflow (set, rotate), kept at once — in the profile's
//! keychain entry, or in memory for a demo session — and shown to the user only on request,
//! once per issued secret (remembered in the local store, so a new session does not show it
//! again). The session keeps its copy in [`SecretMemory`]; a new session reads the keychain.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use crate::ops::ctx::{Ctx, SessionState};
use crate::secrets::{self, SecretKind};
use crate::webhook::{SecretCell, WebhookSecretSource};
use crate::{Error, Result, Secret};

use super::types::{RevealedSecret, SecretKept};

/// The session's copy of the webhook secret.
#[derive(Default)]
pub struct SecretMemory {
    /// Shared with the built-in receiver, which verifies with whatever it holds now.
    pub(super) cell: SecretCell,
    /// The cell holds the keychain's secret (read once per session).
    loaded: AtomicBool,
}

impl SessionState for SecretMemory {
    fn close(&self) {
        self.cell.set(None);
    }
}

impl SecretMemory {
    pub fn current(&self) -> Option<Secret> {
        self.cell.current()
    }
}

/// A secret is held and was not shown yet (in this or any earlier session).
pub(super) async fn reveal_available(cx: &Ctx, mem: &SecretMemory) -> Result<bool> {
    let Some(secret) = mem.current() else {
        return Ok(false);
    };
    Ok(!cx
        .local_store()
        .await?
        .secret_revealed(&cx.info.profile, &secret)?)
}

/// The session's secret memory, with the keychain's secret read into it (once; the demo has
/// none there).
pub(super) async fn loaded(cx: &Ctx) -> Result<Arc<SecretMemory>> {
    let mem = cx.state::<SecretMemory>();
    if cx.info.demo || mem.loaded.load(Ordering::SeqCst) {
        return Ok(mem);
    }
    let stored =
        secrets::get_secret(&cx.secrets, &cx.info.profile, SecretKind::WebhookSecret).await?;
    mem.cell.set(stored);
    mem.loaded.store(true, Ordering::SeqCst);
    Ok(mem)
}

/// The stored secret (keychain, or the demo's memory), if any.
pub async fn stored(cx: &Ctx) -> Result<Option<Secret>> {
    Ok(loaded(cx).await?.current())
}

/// Before set/rotate: fail while nothing was asked if the keychain cannot take the secret
/// (Qflow shows it once: a secret that cannot be kept is lost).
pub async fn keychain_ready(cx: &Ctx) -> Result<()> {
    if cx.info.demo {
        return Ok(());
    }
    match secrets::get_secret(&cx.secrets, &cx.info.profile, SecretKind::WebhookSecret).await {
        Ok(_) => Ok(()),
        Err(Error::Keychain(why)) => Err(Error::Keychain(format!(
            "Qflow shows a webhook signing secret only once and qflow-console keeps it only in the OS keychain, which is not available, so nothing was sent ({why})"
        ))),
        Err(e) => Err(e),
    }
}

/// Keep a newly issued secret: the demo's memory, else the keychain first.
pub(super) async fn keep(cx: &Ctx, secret: Secret) -> Result<SecretKept> {
    let mem = cx.state::<SecretMemory>();
    let kept = if cx.info.demo {
        SecretKept::Memory
    } else {
        secrets::set_secret(
            &cx.secrets,
            &cx.info.profile,
            SecretKind::WebhookSecret,
            secret.clone(),
        )
        .await
        .map_err(|e| {
            Error::Keychain(format!(
                "Qflow issued a new webhook secret but it could not be saved in the keychain ({}). Unlock the keychain, then rotate the secret (`qflow-console webhook rotate`) to get a new one",
                e.body().message
            ))
        })?;
        mem.loaded.store(true, Ordering::SeqCst);
        SecretKept::Keychain
    };
    mem.cell.set(Some(secret));
    Ok(kept)
}

/// The webhook is gone: so is its secret. A keychain entry that could not be removed is only
/// a dead entry: said in the answer (the CLI prints it), never a failure.
pub(super) async fn forget(cx: &Ctx) -> Option<String> {
    cx.state::<SecretMemory>().cell.set(None);
    if cx.info.demo {
        return None;
    }
    match secrets::delete_secret(&cx.secrets, &cx.info.profile, SecretKind::WebhookSecret).await {
        Ok(()) => None,
        Err(e) => {
            tracing::warn!(code = e.code(), "could not remove the old webhook secret");
            Some(format!(
                "could not remove the old webhook secret from the keychain: {}",
                e.body().message
            ))
        }
    }
}

/// `webhook_reveal_secret`: the current secret, once.
pub async fn webhook_reveal_secret(cx: &Ctx) -> Result<RevealedSecret> {
    let mem = loaded(cx).await?;
    let Some(secret) = mem.current() else {
        return Err(Error::invalid(
            "secret",
            "no webhook secret is stored; set the URL or rotate to get one",
        ));
    };
    let first =
        cx.local_store()
            .await?
            .mark_secret_revealed(&cx.info.profile, &secret, cx.now())?;
    if !first {
        return Err(Error::invalid(
            "secret",
            "the secret was already revealed once; rotate it to get a new one if you lost it",
        ));
    }
    Ok(RevealedSecret {
        secret: secret.expose().to_owned(),
    })
}
