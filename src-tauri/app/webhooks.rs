//! The webhooks screen: the configured URL, set / rotate / test / delete, the signing secret
//! (straight to the keychain; shown only when the user asks to reveal it, once per secret),
//! the optional built-in receiver and its live feed, the signature checker, and each
//! attendee's delivery timeline (`attendee_timeline`, also used by the attendee panel).
//!
//! Demo mode keeps the webhook secret in process memory only (no keychain entry for a sandbox
//! account) and wires the sandbox to a local receiver automatically, so sends made in the demo
//! show their comms.sent → delivered → opened events.

use std::collections::VecDeque;
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use qflow_core::secrets::{self, SecretKind};
use qflow_core::store::{Store, TimelineEntry, WebhookEventRecord};
use qflow_core::webhook::{
    self, Diagnosis, ReceiverEvent, ReceiverHandle, ReceiverOptions, SecretCell,
    WebhookSecretSource,
};
use qflow_core::{Error, Result, Secret};
use serde::{Deserialize, Serialize};
use tauri::State;
use tokio::sync::Mutex;
use ts_rs::TS;
use uuid::Uuid;

use super::handlers::AppState;

/// How many rejected deliveries the feed remembers (they are not stored).
const REJECTED_KEPT: usize = 100;
/// Path the demo registers on the local receiver (any path is accepted).
const DEMO_PATH: &str = "/qflow";

/// Webhook state next to `AppState` (managed separately so this file owns it).
#[derive(Default)]
pub struct WebhookState {
    secret: SecretCell,
    /// The cell holds the keychain's secret (loaded once per session).
    secret_loaded: AtomicBool,
    /// One reveal per issued secret.
    revealed: AtomicBool,
    receiver: Mutex<Option<Running>>,
    rejected: Arc<std::sync::Mutex<VecDeque<RejectedDelivery>>>,
    demo_wired: Mutex<bool>,
    /// Told about every delivery the receiver handles (the window's live feed).
    listener: std::sync::Mutex<Option<FeedListener>>,
}

/// Called with each delivery the receiver handled.
pub type FeedListener = Arc<dyn Fn(&ReceiverEvent) + Send + Sync>;

/// The Tauri event telling the feed to reload (its filters live on the Rust side).
pub const FEED_EVENT: &str = "webhook-feed";

/// `webhook-feed` payload: what just arrived. No body, no headers, no secret.
#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../ui/src/bindings/")]
pub struct FeedPing {
    /// `accepted`, `duplicate` or `rejected`.
    pub kind: String,
    pub event_type: Option<String>,
}

impl FeedPing {
    pub fn of(e: &ReceiverEvent) -> FeedPing {
        match e {
            ReceiverEvent::Accepted { event } => FeedPing {
                kind: "accepted".into(),
                event_type: Some(event.event_type.clone()),
            },
            ReceiverEvent::Duplicate { event_type, .. } => FeedPing {
                kind: "duplicate".into(),
                event_type: Some(event_type.clone()),
            },
            ReceiverEvent::Rejected { event_type, .. } => FeedPing {
                kind: "rejected".into(),
                event_type: event_type.clone(),
            },
        }
    }
}

/// Push each delivery to the window as `webhook-feed` (instead of the feed polling for it).
pub fn wire_feed_events(app: &tauri::AppHandle) {
    use tauri::{Emitter, Manager};
    let handle = app.clone();
    app.state::<WebhookState>()
        .set_listener(Arc::new(move |e: &ReceiverEvent| {
            if let Err(err) = handle.emit(FEED_EVENT, FeedPing::of(e)) {
                tracing::warn!(error = %err, "could not push a webhook event to the window");
            }
        }));
}

struct Running {
    handle: ReceiverHandle,
    feed: tokio::task::JoinHandle<()>,
}

impl WebhookState {
    /// Receivers started from now on report to `f`.
    pub fn set_listener(&self, f: FeedListener) {
        *self.listener.lock().unwrap_or_else(|p| p.into_inner()) = Some(f);
    }

    /// The local store the receiver writes and the timeline reads: the signed-in session's.
    pub async fn store(&self, app: &AppState) -> Result<Arc<Store>> {
        app.current().await?.local_store().await
    }

    pub async fn shutdown(&self) {
        if let Some(r) = self.receiver.lock().await.take() {
            r.feed.abort();
            r.handle.shutdown().await;
        }
    }

    /// The session ended: stop the receiver (it writes to that session's store) and forget its
    /// secret, so the next session (e.g. the demo again) wires a fresh receiver to its own store.
    pub async fn end_session(&self) {
        self.shutdown().await;
        *self.demo_wired.lock().await = false;
        self.secret.set(None);
        self.secret_loaded.store(false, Ordering::SeqCst);
        self.revealed.store(false, Ordering::SeqCst);
    }
}

/// A delivery the receiver answered 401.
#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../ui/src/bindings/")]
pub struct RejectedDelivery {
    pub at: DateTime<Utc>,
    pub reason: String,
    pub detail: String,
    pub webhook_id: Option<String>,
    pub event_type: Option<String>,
}

#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../ui/src/bindings/")]
pub struct ReceiverStatus {
    pub running: bool,
    /// `http://127.0.0.1:PORT/` while running.
    pub local_url: Option<String>,
}

/// `webhook_overview`: everything the screen shows. Never carries the secret.
#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../ui/src/bindings/")]
pub struct WebhookOverview {
    pub url: Option<String>,
    /// A signing secret is held (keychain, or memory in the demo).
    pub secret_stored: bool,
    /// Demo: the secret lives in process memory only and is gone when the app closes.
    pub secret_in_memory_only: bool,
    /// The current secret has not been revealed yet.
    pub reveal_available: bool,
    pub receiver: ReceiverStatus,
    pub demo: bool,
    /// What just happened, in plain words.
    pub message: Option<String>,
}

#[derive(Deserialize, Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../ui/src/bindings/")]
pub struct WebhookSetRequest {
    pub url: String,
    /// The user confirmed a private or loopback host outside the demo.
    #[serde(default)]
    pub confirm_private: bool,
}

/// `webhook_url_check`: the problem (refused) or a warning (needs confirmation).
#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../ui/src/bindings/")]
pub struct UrlCheck {
    pub ok: bool,
    pub problem: Option<String>,
    pub warning: Option<String>,
}

#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../ui/src/bindings/")]
pub struct RevealedSecret {
    /// Shown once, on the user's request, to copy into their own receiver's configuration.
    pub secret: String,
}

#[derive(Deserialize, Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../ui/src/bindings/")]
pub struct ReceiverStartRequest {
    /// 0 = any free port.
    pub port: u16,
}

#[derive(Deserialize, Serialize, Clone, Debug, Default, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../ui/src/bindings/")]
pub struct WebhookFeedRequest {
    /// e.g. `comms.delivered`; None = all.
    #[serde(default)]
    pub event_type: Option<String>,
    #[serde(default)]
    pub limit: Option<u32>,
}

#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../ui/src/bindings/")]
pub struct WebhookFeed {
    /// Newest first.
    #[ts(inline)]
    pub events: Vec<WebhookEventRecord>,
    pub rejected: Vec<RejectedDelivery>,
    /// Event types seen (for the filter), known ones first.
    pub event_types: Vec<String>,
    #[ts(type = "number")]
    pub total: i64,
}

/// `webhook_diagnose`: a pasted delivery. The secret is either pasted (UI → Rust only) or the
/// stored one.
#[derive(Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../ui/src/bindings/")]
pub struct DiagnoseRequest {
    pub body: String,
    pub signature: String,
    pub timestamp: String,
    #[serde(default)]
    #[ts(type = "string | null")]
    pub secret: Option<Secret>,
    #[serde(default)]
    pub use_stored: bool,
}

#[derive(Deserialize, Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../ui/src/bindings/")]
pub struct AttendeeTimelineRequest {
    pub attendee_id: String,
}

/// Refuse what Qflow cannot deliver to; warn on hosts the internet cannot reach.
pub fn check_url(url: &str, demo: bool) -> UrlCheck {
    let refuse = |p: String| UrlCheck {
        ok: false,
        problem: Some(p),
        warning: None,
    };
    let url = url.trim();
    let parsed =
        match url::Url::parse(url) {
            Ok(u) => u,
            Err(_) => return refuse(
                "Enter the full address of your receiver, e.g. https://hooks.yourbrand.com/qflow"
                    .into(),
            ),
        };
    let host = parsed.host();
    let local = match &host {
        Some(url::Host::Domain(d)) => {
            let d = d.to_ascii_lowercase();
            d == "localhost"
                || d.ends_with(".localhost")
                || d.ends_with(".local")
                || d.ends_with(".internal")
                || !d.contains('.')
        }
        Some(url::Host::Ipv4(a)) => is_private(IpAddr::V4(*a)),
        Some(url::Host::Ipv6(a)) => is_private(IpAddr::V6(*a)),
        None => return refuse("The address has no host name.".into()),
    };
    match parsed.scheme() {
        "https" => {}
        "http" if demo && local => {}
        "http" => {
            return refuse(
                "Qflow delivers only to https:// addresses: put your receiver behind HTTPS (a reverse proxy or a tunnel)."
                    .into(),
            )
        }
        other => return refuse(format!("'{other}:' is not a web address; use https://")),
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return refuse(
            "Do not put a user name or password in the URL; the signature authenticates Qflow."
                .into(),
        );
    }
    let warning = (local && !demo).then(|| {
        "This host is private or loopback: Qflow's servers cannot reach it from the internet, so no events would arrive. Use your public HTTPS address (e.g. a reverse proxy or tunnel in front of the built-in receiver).".to_owned()
    });
    UrlCheck {
        ok: true,
        problem: None,
        warning,
    }
}

fn is_private(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(a) => {
            a.is_loopback()
                || a.is_private()
                || a.is_link_local()
                || a.is_unspecified()
                || (a.octets()[0] == 100 && (64..128).contains(&a.octets()[1]))
        }
        IpAddr::V6(a) => {
            a.is_loopback()
                || a.is_unspecified()
                || (a.segments()[0] & 0xfe00) == 0xfc00
                || (a.segments()[0] & 0xffc0) == 0xfe80
        }
    }
}

async fn session_demo(app: &AppState) -> Result<bool> {
    Ok(app.current().await?.info.demo)
}

/// The current secret into the cell: demo memory as is; otherwise the keychain, once.
async fn load_secret(app: &AppState, wh: &WebhookState) -> Result<()> {
    let s = app.current().await?;
    if s.info.demo || wh.secret_loaded.load(Ordering::SeqCst) {
        return Ok(());
    }
    let stored =
        secrets::get_secret(&app.store, &s.info.profile, SecretKind::WebhookSecret).await?;
    wh.secret.set(stored);
    wh.secret_loaded.store(true, Ordering::SeqCst);
    Ok(())
}

/// Keep a newly issued secret: demo memory, else the keychain first (it is shown only once).
async fn keep_secret(app: &AppState, wh: &WebhookState, secret: Secret) -> Result<()> {
    let s = app.current().await?;
    if !s.info.demo {
        secrets::set_secret(
            &app.store,
            &s.info.profile,
            SecretKind::WebhookSecret,
            secret.clone(),
        )
        .await
        .map_err(|e| {
            Error::Keychain(format!(
                "Qflow issued a new webhook secret but it could not be saved in the keychain ({}). Unlock the keychain, then rotate the secret to get a new one",
                e.body().message
            ))
        })?;
        wh.secret_loaded.store(true, Ordering::SeqCst);
    }
    wh.secret.set(Some(secret));
    wh.revealed.store(false, Ordering::SeqCst);
    Ok(())
}

/// Before set/rotate: fail while nothing was asked if the keychain cannot take the secret.
async fn keychain_ready(app: &AppState) -> Result<()> {
    let s = app.current().await?;
    if s.info.demo {
        return Ok(());
    }
    match secrets::get_secret(&app.store, &s.info.profile, SecretKind::WebhookSecret).await {
        Ok(_) => Ok(()),
        Err(Error::Keychain(why)) => Err(Error::Keychain(format!(
            "Qflow shows a webhook secret only once and the console keeps it only in the OS keychain, which is not available, so nothing was changed ({why})"
        ))),
        Err(e) => Err(e),
    }
}

async fn receiver_status(wh: &WebhookState) -> ReceiverStatus {
    match wh.receiver.lock().await.as_ref() {
        Some(r) => ReceiverStatus {
            running: true,
            local_url: Some(format!("http://{}/", r.handle.local_addr())),
        },
        None => ReceiverStatus {
            running: false,
            local_url: None,
        },
    }
}

async fn start_receiver(app: &AppState, wh: &WebhookState, addr: SocketAddr) -> Result<SocketAddr> {
    let mut guard = wh.receiver.lock().await;
    if let Some(r) = guard.as_ref() {
        return Ok(r.handle.local_addr());
    }
    let store = wh.store(app).await?;
    let source: Arc<dyn WebhookSecretSource> = Arc::new(wh.secret.clone());
    let handle = webhook::serve_receiver(addr, source, store, ReceiverOptions::default()).await?;
    let mut events = handle.subscribe();
    let rejected = Arc::clone(&wh.rejected);
    let listener = wh
        .listener
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .clone();
    let feed = tokio::spawn(async move {
        loop {
            let got = events.recv().await;
            if let (Some(f), Ok(e)) = (&listener, &got) {
                f(e);
            }
            match got {
                Ok(ReceiverEvent::Rejected {
                    reason,
                    detail,
                    webhook_id,
                    event_type,
                    at,
                }) => {
                    let mut q = rejected.lock().unwrap_or_else(|p| p.into_inner());
                    if q.len() == REJECTED_KEPT {
                        q.pop_back();
                    }
                    q.push_front(RejectedDelivery {
                        at,
                        reason: reason.as_str().into(),
                        detail,
                        webhook_id,
                        event_type,
                    });
                }
                Ok(_) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
                Err(tokio::sync::broadcast::error::RecvError::Closed) => break,
            }
        }
    });
    let local = handle.local_addr();
    *guard = Some(Running { handle, feed });
    Ok(local)
}

/// Demo: a local receiver on a free port, registered as the sandbox account's webhook URL.
/// Idempotent; other features (attendee timeline, sign-in) may call it.
pub async fn ensure_demo_wiring(app: &AppState, wh: &WebhookState) -> Result<()> {
    if !session_demo(app).await? {
        return Ok(());
    }
    let mut wired = wh.demo_wired.lock().await;
    if *wired {
        return Ok(());
    }
    let addr = start_receiver(app, wh, SocketAddr::from(([127, 0, 0, 1], 0))).await?;
    let client = app.current().await?.client.clone();
    let answer = client
        .webhook_set(&format!("http://{addr}{DEMO_PATH}"))
        .await?;
    keep_secret(app, wh, answer.secret).await?;
    *wired = true;
    Ok(())
}

pub async fn overview(
    app: &AppState,
    wh: &WebhookState,
    message: Option<String>,
) -> Result<WebhookOverview> {
    let s = app.current().await?;
    ensure_demo_wiring(app, wh).await?;
    load_secret(app, wh).await?;
    let url = match s.client.webhook_get().await {
        Ok(c) => c.url.filter(|u| !u.is_empty()),
        Err(Error::Api(a)) if a.status == 404 => None,
        Err(e) => return Err(e),
    };
    let secret_stored = wh.secret.current().is_some();
    Ok(WebhookOverview {
        url,
        secret_stored,
        secret_in_memory_only: s.info.demo,
        reveal_available: secret_stored && !wh.revealed.load(Ordering::SeqCst),
        receiver: receiver_status(wh).await,
        demo: s.info.demo,
        message,
    })
}

pub async fn set(
    app: &AppState,
    wh: &WebhookState,
    req: WebhookSetRequest,
) -> Result<WebhookOverview> {
    let demo = session_demo(app).await?;
    let check = check_url(&req.url, demo);
    if let Some(p) = check.problem {
        return Err(Error::invalid("url", p));
    }
    if let Some(w) = check.warning {
        if !req.confirm_private {
            return Err(Error::invalid(
                "url",
                format!("{w} Confirm to set it anyway."),
            ));
        }
    }
    keychain_ready(app).await?;
    let client = app.current().await?.client.clone();
    let answer = client.webhook_set(req.url.trim()).await?;
    keep_secret(app, wh, answer.secret).await?;
    let where_ = if demo {
        "in memory for this demo session"
    } else {
        "in the keychain"
    };
    overview(
        app,
        wh,
        Some(format!("Webhook URL set. The new signing secret was stored {where_}; any previous secret stopped working.")),
    )
    .await
}

pub async fn rotate(app: &AppState, wh: &WebhookState) -> Result<WebhookOverview> {
    keychain_ready(app).await?;
    let client = app.current().await?.client.clone();
    let answer = client.webhook_rotate().await?;
    keep_secret(app, wh, answer.secret).await?;
    let test = client.webhook_test().await;
    let msg = match test {
        Ok(()) => "Secret rotated: the old secret stopped working at once; the new one is stored and a comms.test event was sent to check the round trip.".to_owned(),
        Err(e) => format!(
            "Secret rotated and stored (the old one stopped working at once), but the test event could not be sent: {}",
            e.body().message
        ),
    };
    overview(app, wh, Some(msg)).await
}

pub async fn test(app: &AppState, wh: &WebhookState) -> Result<WebhookOverview> {
    app.current().await?.client.webhook_test().await?;
    overview(
        app,
        wh,
        Some("Qflow is sending a comms.test event; it should arrive within seconds (after a quiet period, up to a minute).".into()),
    )
    .await
}

pub async fn delete(app: &AppState, wh: &WebhookState) -> Result<WebhookOverview> {
    let s = app.current().await?;
    s.client.webhook_delete().await?;
    wh.secret.set(None);
    if !s.info.demo {
        // The secret is useless now; a failure to remove it only leaves a dead entry.
        if let Err(e) =
            secrets::delete_secret(&app.store, &s.info.profile, SecretKind::WebhookSecret).await
        {
            tracing::warn!(code = e.code(), "could not remove the old webhook secret");
        }
    }
    *wh.demo_wired.lock().await = true; // do not re-register behind the user's back
    overview(
        app,
        wh,
        Some("Webhook removed: Qflow sends no events any more.".into()),
    )
    .await
}

pub async fn reveal(app: &AppState, wh: &WebhookState) -> Result<RevealedSecret> {
    load_secret(app, wh).await?;
    let Some(secret) = wh.secret.current() else {
        return Err(Error::invalid(
            "secret",
            "no webhook secret is stored; set the URL or rotate to get one",
        ));
    };
    if wh.revealed.swap(true, Ordering::SeqCst) {
        return Err(Error::invalid(
            "secret",
            "the secret was already revealed once; rotate it to get a new one if you lost it",
        ));
    }
    Ok(RevealedSecret {
        secret: secret.expose().to_owned(),
    })
}

pub async fn receiver_start(
    app: &AppState,
    wh: &WebhookState,
    req: ReceiverStartRequest,
) -> Result<WebhookOverview> {
    load_secret(app, wh).await?;
    let addr = start_receiver(app, wh, SocketAddr::from(([127, 0, 0, 1], req.port))).await?;
    overview(
        app,
        wh,
        Some(format!("Receiver listening on http://{addr}/ (this computer only). Put your reverse proxy or tunnel's public HTTPS address in front of it and set that as the webhook URL.")),
    )
    .await
}

pub async fn receiver_stop(app: &AppState, wh: &WebhookState) -> Result<WebhookOverview> {
    wh.shutdown().await;
    *wh.demo_wired.lock().await = true;
    overview(app, wh, Some("Receiver stopped: events Qflow sends now are retried by Qflow for a while (up to ~10 attempts).".into())).await
}

pub async fn feed(
    app: &AppState,
    wh: &WebhookState,
    req: WebhookFeedRequest,
) -> Result<WebhookFeed> {
    app.current().await?;
    let store = wh.store(app).await?;
    let limit = req.limit.unwrap_or(100).clamp(1, 500) as usize;
    let want = req.event_type.filter(|t| !t.is_empty());
    let (events, total, types) = tokio::task::spawn_blocking(move || -> Result<_> {
        let recent = store.recent_webhook_events(2000)?;
        let mut types: Vec<String> = qflow_core::store::KNOWN_EVENT_TYPES
            .iter()
            .map(|s| s.to_string())
            .collect();
        for e in &recent {
            if !types.contains(&e.event_type) {
                types.push(e.event_type.clone());
            }
        }
        let events: Vec<WebhookEventRecord> = recent
            .into_iter()
            .filter(|e| want.as_ref().is_none_or(|t| &e.event_type == t))
            .take(limit)
            .collect();
        Ok((events, store.webhook_event_count()?, types))
    })
    .await
    .map_err(|e| Error::Storage(e.to_string()))??;
    let rejected = wh
        .rejected
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .iter()
        .cloned()
        .collect();
    Ok(WebhookFeed {
        events,
        rejected,
        event_types: types,
        total,
    })
}

pub async fn diagnose(
    app: &AppState,
    wh: &WebhookState,
    req: DiagnoseRequest,
) -> Result<Diagnosis> {
    let secret = match (req.use_stored, req.secret) {
        (true, _) => {
            load_secret(app, wh).await?;
            wh.secret
                .current()
                .ok_or_else(|| Error::invalid("secret", "no webhook secret is stored; paste one"))?
        }
        (false, Some(s)) if !s.is_empty() => s,
        _ => {
            return Err(Error::invalid(
                "secret",
                "paste the webhook secret or use the stored one",
            ))
        }
    };
    let opt = |s: &str| Some(s.to_owned()).filter(|s| !s.trim().is_empty());
    let (sig, ts) = (opt(&req.signature), opt(&req.timestamp));
    Ok(webhook::diagnose(
        &secret,
        req.body.as_bytes(),
        sig.as_deref(),
        ts.as_deref(),
        Utc::now().timestamp(),
    ))
}

/// One attendee's sends and delivery events, oldest first.
pub async fn attendee_timeline(
    app: &AppState,
    wh: &WebhookState,
    req: AttendeeTimelineRequest,
) -> Result<Vec<TimelineEntry>> {
    let id = Uuid::parse_str(req.attendee_id.trim()).map_err(|_| {
        Error::invalid(
            "attendeeId",
            format!("'{}' is not a valid GUID", req.attendee_id),
        )
    })?;
    ensure_demo_wiring(app, wh).await?;
    let store = wh.store(app).await?;
    tokio::task::spawn_blocking(move || store.timeline(id))
        .await
        .map_err(|e| Error::Storage(e.to_string()))?
}

/// The IPC surface (thin wrappers).
pub mod cmd {
    use super::*;

    use crate::app::commands::{reply, Reply};

    type App<'a> = State<'a, AppState>;
    type Wh<'a> = State<'a, WebhookState>;

    #[tauri::command]
    pub async fn webhook_overview(app: App<'_>, wh: Wh<'_>) -> Reply<WebhookOverview> {
        reply("webhook_overview", super::overview(&app, &wh, None).await)
    }

    #[tauri::command]
    pub async fn webhook_url_check(app: App<'_>, req: WebhookSetRequest) -> Reply<UrlCheck> {
        let demo = app.current().await.map(|s| s.info.demo).unwrap_or(app.demo);
        Ok(super::check_url(&req.url, demo))
    }

    #[tauri::command]
    pub async fn webhook_set(
        app: App<'_>,
        wh: Wh<'_>,
        req: WebhookSetRequest,
    ) -> Reply<WebhookOverview> {
        reply("webhook_set", super::set(&app, &wh, req).await)
    }

    #[tauri::command]
    pub async fn webhook_rotate(app: App<'_>, wh: Wh<'_>) -> Reply<WebhookOverview> {
        reply("webhook_rotate", super::rotate(&app, &wh).await)
    }

    #[tauri::command]
    pub async fn webhook_test(app: App<'_>, wh: Wh<'_>) -> Reply<WebhookOverview> {
        reply("webhook_test", super::test(&app, &wh).await)
    }

    #[tauri::command]
    pub async fn webhook_delete(app: App<'_>, wh: Wh<'_>) -> Reply<WebhookOverview> {
        reply("webhook_delete", super::delete(&app, &wh).await)
    }

    #[tauri::command]
    pub async fn webhook_reveal_secret(app: App<'_>, wh: Wh<'_>) -> Reply<RevealedSecret> {
        reply("webhook_reveal_secret", super::reveal(&app, &wh).await)
    }

    #[tauri::command]
    pub async fn receiver_start(
        app: App<'_>,
        wh: Wh<'_>,
        req: ReceiverStartRequest,
    ) -> Reply<WebhookOverview> {
        reply(
            "receiver_start",
            super::receiver_start(&app, &wh, req).await,
        )
    }

    #[tauri::command]
    pub async fn receiver_stop(app: App<'_>, wh: Wh<'_>) -> Reply<WebhookOverview> {
        reply("receiver_stop", super::receiver_stop(&app, &wh).await)
    }

    #[tauri::command]
    pub async fn webhook_feed(
        app: App<'_>,
        wh: Wh<'_>,
        req: WebhookFeedRequest,
    ) -> Reply<WebhookFeed> {
        reply("webhook_feed", super::feed(&app, &wh, req).await)
    }

    #[tauri::command]
    pub async fn webhook_diagnose(
        app: App<'_>,
        wh: Wh<'_>,
        req: DiagnoseRequest,
    ) -> Reply<Diagnosis> {
        reply("webhook_diagnose", super::diagnose(&app, &wh, req).await)
    }

    #[tauri::command]
    pub async fn attendee_timeline(
        app: App<'_>,
        wh: Wh<'_>,
        req: AttendeeTimelineRequest,
    ) -> Reply<Vec<TimelineEntry>> {
        reply(
            "attendee_timeline",
            super::attendee_timeline(&app, &wh, req).await,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::handlers::demo_sign_in;
    use qflow_core::secrets::MemoryStore;
    use qflow_sandbox::SandboxConfig;
    use std::time::Duration;

    fn state() -> (Arc<MemoryStore>, AppState) {
        crate::app::test_support::demo_state_with_keychain(SandboxConfig {
            attendees: 20,
            delivery_scale: 0.05,
            ..SandboxConfig::default()
        })
    }

    async fn wait_for<F: Fn(&WebhookFeed) -> bool>(
        app: &AppState,
        wh: &WebhookState,
        f: F,
    ) -> WebhookFeed {
        for _ in 0..100 {
            let got = feed(app, wh, WebhookFeedRequest::default()).await.unwrap();
            if f(&got) {
                return got;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!(
            "feed never matched: {:?}",
            feed(app, wh, WebhookFeedRequest::default()).await.unwrap()
        );
    }

    #[test]
    fn url_rules() {
        assert!(check_url("https://hooks.brand.com/qflow", false)
            .warning
            .is_none());
        assert!(check_url("http://hooks.brand.com/qflow", false)
            .problem
            .unwrap()
            .contains("https://"));
        assert!(check_url("http://127.0.0.1:9/x", false).problem.is_some());
        assert!(check_url("http://127.0.0.1:9/x", true).ok);
        for private in [
            "https://10.1.2.3/x",
            "https://localhost/x",
            "https://[::1]/x",
            "https://192.168.1.5/",
            "https://intranet/",
        ] {
            let c = check_url(private, false);
            assert!(c.ok && c.warning.is_some(), "{private}: {c:?}");
            assert!(
                check_url(private, true).warning.is_none(),
                "no warning in the demo"
            );
        }
        assert!(!check_url("hooks.brand.com", false).ok);
        assert!(!check_url("https://u:p@hooks.brand.com/", false).ok);
    }

    #[tokio::test]
    async fn demo_wires_receiver_rotates_tests_and_reveals_once() {
        let (mem, app) = state();
        let wh = WebhookState::default();
        demo_sign_in(&app).await.unwrap();

        let o = overview(&app, &wh, None).await.unwrap();
        assert!(o.receiver.running);
        let local = o.receiver.local_url.clone().unwrap();
        assert_eq!(o.url.as_deref(), Some(format!("{}qflow", local).as_str()));
        assert!(o.secret_stored && o.secret_in_memory_only && o.reveal_available);
        assert!(mem.is_empty(), "demo secrets never reach the keychain");

        let before = wh.secret.current().unwrap().expose().to_owned();
        let o = rotate(&app, &wh).await.unwrap();
        assert!(o.message.unwrap().contains("old secret stopped working"));
        assert_ne!(wh.secret.current().unwrap().expose(), before);
        let f = wait_for(&app, &wh, |f| {
            f.events.iter().any(|e| e.event_type == "comms.test")
        })
        .await;
        assert!(
            f.rejected.is_empty(),
            "signed with the new secret: {:?}",
            f.rejected
        );

        let only_tests = feed(
            &app,
            &wh,
            WebhookFeedRequest {
                event_type: Some("comms.delivered".into()),
                limit: None,
            },
        )
        .await
        .unwrap();
        assert!(only_tests.events.is_empty());

        let s = reveal(&app, &wh).await.unwrap();
        assert_eq!(s.secret.len(), 64);
        assert_eq!(
            reveal(&app, &wh).await.unwrap_err().body().field.as_deref(),
            Some("secret")
        );
        assert!(!overview(&app, &wh, None).await.unwrap().reveal_available);

        // The checker with the stored secret: a stored event verifies; a re-serialized body is named.
        let ev = &f.events[0];
        let sig = webhook::sign(&Secret::new(s.secret.clone()), ev.raw_body.as_bytes());
        let d = diagnose(
            &app,
            &wh,
            DiagnoseRequest {
                body: ev.raw_body.clone(),
                signature: sig.clone(),
                timestamp: Utc::now().timestamp().to_string(),
                secret: None,
                use_stored: true,
            },
        )
        .await
        .unwrap();
        assert!(d.verdict.valid, "{d:?}");
        let pretty = serde_json::to_string_pretty(
            &serde_json::from_str::<serde_json::Value>(&ev.raw_body).unwrap(),
        )
        .unwrap();
        let d = diagnose(
            &app,
            &wh,
            DiagnoseRequest {
                body: pretty,
                signature: sig.to_uppercase(),
                timestamp: Utc::now().timestamp().to_string(),
                secret: Some(Secret::new(s.secret)),
                use_stored: false,
            },
        )
        .await
        .unwrap();
        assert!(!d.verdict.valid);
        assert!(!d.findings.is_empty());

        // Setting another URL in the demo: http to loopback is fine; a public http is refused.
        let e = set(
            &app,
            &wh,
            WebhookSetRequest {
                url: "http://hooks.brand.com/x".into(),
                confirm_private: false,
            },
        )
        .await
        .unwrap_err()
        .body();
        assert_eq!(e.field.as_deref(), Some("url"));

        let o = delete(&app, &wh).await.unwrap();
        assert!(o.url.is_none() && !o.secret_stored);
        wh.shutdown().await;
        app.shutdown().await;
    }

    #[tokio::test]
    async fn timeline_needs_a_guid_and_lists_nothing_for_a_stranger() {
        let (_, app) = state();
        let wh = WebhookState::default();
        demo_sign_in(&app).await.unwrap();
        let e = attendee_timeline(
            &app,
            &wh,
            AttendeeTimelineRequest {
                attendee_id: "x".into(),
            },
        )
        .await
        .unwrap_err()
        .body();
        assert_eq!(e.field.as_deref(), Some("attendeeId"));
        let t = attendee_timeline(
            &app,
            &wh,
            AttendeeTimelineRequest {
                attendee_id: Uuid::new_v4().to_string(),
            },
        )
        .await
        .unwrap();
        assert!(t.is_empty());
        wh.shutdown().await;
        app.shutdown().await;
    }

    #[tokio::test]
    async fn each_delivery_is_pushed_to_the_listener_without_polling() {
        let (_mem, app) = state();
        let wh = WebhookState::default();
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        wh.set_listener(Arc::new(move |e: &ReceiverEvent| {
            let _ = tx.send(FeedPing::of(e));
        }));
        demo_sign_in(&app).await.unwrap();
        ensure_demo_wiring(&app, &wh).await.unwrap();
        let client = app.current().await.unwrap().client.clone();
        client.webhook_test().await.unwrap();
        let ping = tokio::time::timeout(Duration::from_secs(10), rx.recv())
            .await
            .expect("pushed within 10 s")
            .unwrap();
        assert_eq!(
            ping,
            FeedPing {
                kind: "accepted".into(),
                event_type: Some("comms.test".into()),
            }
        );
        // Pushed after the store write: the feed already has it.
        let f = feed(&app, &wh, WebhookFeedRequest::default())
            .await
            .unwrap();
        assert!(f.events.iter().any(|e| e.event_type == "comms.test"));
        wh.shutdown().await;
        app.shutdown().await;
    }

    #[tokio::test]
    async fn a_new_demo_session_wires_a_fresh_receiver_to_its_own_store() {
        let (_mem, app) = state();
        let wh = WebhookState::default();
        demo_sign_in(&app).await.unwrap();
        ensure_demo_wiring(&app, &wh).await.unwrap();
        let first = wh.store(&app).await.unwrap();

        // Sign out, then "Try the demo" again, as the commands do.
        wh.end_session().await;
        crate::app::handlers::sign_out(&app).await.unwrap();
        wh.end_session().await;
        demo_sign_in(&app).await.unwrap();
        ensure_demo_wiring(&app, &wh).await.unwrap();
        let second = wh.store(&app).await.unwrap();
        assert!(
            !Arc::ptr_eq(&first, &second),
            "each session has its own store"
        );

        app.current()
            .await
            .unwrap()
            .client
            .webhook_test()
            .await
            .unwrap();
        wait_for(&app, &wh, |f| {
            f.events.iter().any(|e| e.event_type == "comms.test")
        })
        .await;
        assert_eq!(
            first.webhook_event_count().unwrap(),
            0,
            "the old session's store gets nothing"
        );
        wh.shutdown().await;
        app.shutdown().await;
    }
}
