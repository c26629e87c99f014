//! The account's webhook configuration: the URL (under the one URL rule of
//! [`crate::webhook::url_policy`]), set / rotate / test / delete, and the screen's overview.
//! `set_url`, `rotate_secret` and `delete_config` are what the CLI runs; the `webhook_*` and
//! `receiver_*` commands answer the overview the window shows.

use std::net::SocketAddr;

use crate::ops::ctx::Ctx;
use crate::webhook::{check_url, require_url, UrlCheck};
use crate::{Error, Result};

use super::receiver::{self, Receiver};
use super::secret;
use super::types::{ReceiverStartRequest, SecretIssued, WebhookOverview, WebhookSetRequest};

/// Qflow runs on this machine (the demo, a sandbox on loopback): it can deliver to `http://`
/// receivers here and reach private hosts.
pub fn qflow_local(cx: &Ctx) -> bool {
    cx.info.demo || cx.client.qflow_is_local()
}

/// `webhook_url_check`: the problem (refused) or the warning (needs confirmation), as typed.
pub async fn webhook_url_check(cx: &Ctx, req: WebhookSetRequest) -> Result<UrlCheck> {
    Ok(check_url(&req.url, qflow_local(cx)))
}

/// Register `url` (the URL rule first, then the keychain, then Qflow) and keep the new secret.
/// A private host needs `confirm_private` (the window's confirmation, the CLI's
/// `--allow-private`); the warning comes back with the answer.
pub async fn set_url(cx: &Ctx, url: &str, confirm_private: bool) -> Result<SecretIssued> {
    let url = url.trim();
    let warning = require_url(url, qflow_local(cx), confirm_private)?;
    secret::keychain_ready(cx).await?;
    let answer = cx.client.webhook_set(url).await?;
    let kept = secret::keep(cx, answer.secret).await?;
    // The user chose this URL: the demo's wiring must not replace it.
    cx.state::<Receiver>().leave_demo_url_alone().await;
    Ok(SecretIssued {
        url: answer.url.or_else(|| Some(url.to_owned())),
        kept,
        warning,
    })
}

/// A new secret for the registered URL (the old one stops working at once), kept at once.
pub async fn rotate_secret(cx: &Ctx) -> Result<SecretIssued> {
    secret::keychain_ready(cx).await?;
    let answer = cx.client.webhook_rotate().await?;
    let kept = secret::keep(cx, answer.secret).await?;
    Ok(SecretIssued {
        url: answer.url,
        kept,
        warning: None,
    })
}

/// Remove the configuration and its secret. `Some(warning)` when the old secret's keychain
/// entry could not be removed (a dead entry, not a failure).
pub async fn delete_config(cx: &Ctx) -> Result<Option<String>> {
    cx.client.webhook_delete().await?;
    // Do not re-register the demo's receiver behind the user's back.
    cx.state::<Receiver>().leave_demo_url_alone().await;
    Ok(secret::forget(cx).await)
}

/// Everything the screen shows, with `message` saying what just happened.
pub async fn overview(cx: &Ctx, message: Option<String>) -> Result<WebhookOverview> {
    receiver::ensure_demo_wiring(cx).await?;
    let mem = secret::loaded(cx).await?;
    let url = match cx.client.webhook_get().await {
        Ok(c) => c.url.filter(|u| !u.is_empty()),
        Err(Error::Api(a)) if a.status == 404 => None,
        Err(e) => return Err(e),
    };
    Ok(WebhookOverview {
        url,
        secret_stored: mem.current().is_some(),
        secret_in_memory_only: cx.info.demo,
        reveal_available: secret::reveal_available(cx, &mem).await?,
        receiver: cx.state::<Receiver>().status(),
        demo: cx.info.demo,
        message,
    })
}

/// `webhook_overview`.
pub async fn webhook_overview(cx: &Ctx) -> Result<WebhookOverview> {
    overview(cx, None).await
}

/// `webhook_set`.
pub async fn webhook_set(cx: &Ctx, req: WebhookSetRequest) -> Result<WebhookOverview> {
    let issued = set_url(cx, &req.url, req.confirm_private).await?;
    overview(
        cx,
        Some(format!(
            "Webhook URL set. The new signing secret was stored {}; any previous secret stopped working.",
            issued.kept.where_()
        )),
    )
    .await
}

/// `webhook_rotate`: a new secret, then a comms.test event to check the round trip.
pub async fn webhook_rotate(cx: &Ctx) -> Result<WebhookOverview> {
    rotate_secret(cx).await?;
    let msg = match cx.client.webhook_test().await {
        Ok(()) => "Secret rotated: the old secret stopped working at once; the new one is stored and a comms.test event was sent to check the round trip.".to_owned(),
        Err(e) => format!(
            "Secret rotated and stored (the old one stopped working at once), but the test event could not be sent: {}",
            e.body().message
        ),
    };
    overview(cx, Some(msg)).await
}

/// `webhook_test`: Qflow fires a comms.test event at the registered URL.
pub async fn webhook_test(cx: &Ctx) -> Result<WebhookOverview> {
    cx.client.webhook_test().await?;
    overview(
        cx,
        Some("Qflow is sending a comms.test event; it should arrive within seconds (after a quiet period, up to a minute).".into()),
    )
    .await
}

/// `webhook_delete`.
pub async fn webhook_delete(cx: &Ctx) -> Result<WebhookOverview> {
    delete_config(cx).await?;
    overview(
        cx,
        Some("Webhook removed: Qflow sends no events any more.".into()),
    )
    .await
}

/// `receiver_start`: listen on 127.0.0.1:`port` (0 = any free port).
pub async fn receiver_start(cx: &Ctx, req: ReceiverStartRequest) -> Result<WebhookOverview> {
    secret::loaded(cx).await?;
    let addr = receiver::start(cx, SocketAddr::from(([127, 0, 0, 1], req.port))).await?;
    overview(
        cx,
        Some(format!("Receiver listening on http://{addr}/ (this computer only). Put your reverse proxy or tunnel's public HTTPS address in front of it and set that as the webhook URL.")),
    )
    .await
}

/// `receiver_stop`: stop listening (in-flight deliveries finish first).
pub async fn receiver_stop(cx: &Ctx) -> Result<WebhookOverview> {
    receiver::stop(cx).await;
    overview(cx, Some("Receiver stopped: Qflow retries the events it sends meanwhile (up to ~10 attempts); start the receiver again and they are kept, marked late if they arrive after 5 minutes.".into())).await
}
