//! The local webhook receiver: an HTTP listener that verifies each event (constant time,
//! replay window), dedupes on `X-Qflow-Webhook-Id`, stores the event **before** answering 2xx
//! (so a crash never loses an acknowledged event), keeps unknown event types, and publishes
//! what it saw on a broadcast channel for the UI feed.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::net::SocketAddr;
use std::sync::{Arc, RwLock};
use tokio::sync::{broadcast, oneshot};
use ts_rs::TS;

use super::{
    verify_headers, RejectReason, HEADER_EVENT, HEADER_SIGNATURE, HEADER_TIMESTAMP,
    HEADER_WEBHOOK_ID, REPLAY_WINDOW_SECS,
};
use crate::secrets::Secret;
use crate::store::{NewWebhookEvent, Store, WebhookEventRecord};
use crate::{Error, Result};

/// Where the receiver gets the current webhook secret (it changes on rotate).
pub trait WebhookSecretSource: Send + Sync + 'static {
    fn current(&self) -> Option<Secret>;
}

impl WebhookSecretSource for Secret {
    fn current(&self) -> Option<Secret> {
        Some(self.clone())
    }
}

/// A replaceable secret, shared between the receiver and whoever rotates it.
#[derive(Clone, Default)]
pub struct SecretCell(Arc<RwLock<Option<Secret>>>);

impl SecretCell {
    pub fn new(secret: Option<Secret>) -> Self {
        SecretCell(Arc::new(RwLock::new(secret)))
    }
    pub fn set(&self, secret: Option<Secret>) {
        *self.0.write().unwrap_or_else(|p| p.into_inner()) = secret;
    }
}

impl WebhookSecretSource for SecretCell {
    fn current(&self) -> Option<Secret> {
        self.0.read().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

#[derive(Clone, Debug)]
pub struct ReceiverOptions {
    pub replay_window_secs: i64,
    /// Broadcast buffer; slow subscribers miss the oldest items (`RecvError::Lagged`).
    pub channel_capacity: usize,
}

impl Default for ReceiverOptions {
    fn default() -> Self {
        ReceiverOptions {
            replay_window_secs: REPLAY_WINDOW_SECS,
            channel_capacity: 256,
        }
    }
}

/// What the receiver saw, for the live feed.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, TS)]
#[serde(
    tag = "kind",
    rename_all = "snake_case",
    rename_all_fields = "camelCase"
)]
pub enum ReceiverEvent {
    /// Verified, new, stored.
    Accepted { event: WebhookEventRecord },
    /// Verified, but this webhook id was already stored (a retry); answered 200.
    Duplicate {
        webhook_id: String,
        event_type: String,
    },
    /// Answered 401.
    Rejected {
        reason: RejectReason,
        detail: String,
        webhook_id: Option<String>,
        event_type: Option<String>,
        at: DateTime<Utc>,
    },
}

struct Inner {
    secret: Arc<dyn WebhookSecretSource>,
    store: Arc<Store>,
    events: broadcast::Sender<ReceiverEvent>,
    window: i64,
}

/// A running receiver. Dropping it stops the listener.
pub struct ReceiverHandle {
    local_addr: SocketAddr,
    events: broadcast::Sender<ReceiverEvent>,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl ReceiverHandle {
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }
    pub fn subscribe(&self) -> broadcast::Receiver<ReceiverEvent> {
        self.events.subscribe()
    }
    /// Stop accepting and wait for in-flight requests to finish.
    pub async fn shutdown(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for ReceiverHandle {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// Bind `addr` (port 0 = any free port) and serve in a background task. Any path accepts
/// POSTs (the registered URL may end in `/qflow` or anything else); GET answers a short
/// "running" text so the URL can be checked from a browser.
pub async fn serve_receiver(
    addr: SocketAddr,
    secret_source: Arc<dyn WebhookSecretSource>,
    store: Arc<Store>,
    opts: ReceiverOptions,
) -> Result<ReceiverHandle> {
    let listener = tokio::net::TcpListener::bind(addr).await.map_err(|e| {
        Error::invalid(
            "listen",
            format!("could not listen on {addr}: {e}; choose another port"),
        )
    })?;
    let local_addr = listener
        .local_addr()
        .map_err(|e| Error::invalid("listen", e.to_string()))?;
    let (events, _) = broadcast::channel(opts.channel_capacity.max(1));
    let inner = Arc::new(Inner {
        secret: secret_source,
        store,
        events: events.clone(),
        window: opts.replay_window_secs,
    });
    let app = Router::new().fallback(handle).with_state(inner);
    let (tx, rx) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let served = axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = rx.await;
            })
            .await;
        if let Err(e) = served {
            tracing::error!("webhook receiver stopped: {e}");
        }
    });
    tracing::info!("webhook receiver listening on {local_addr}");
    Ok(ReceiverHandle {
        local_addr,
        events,
        shutdown: Some(tx),
        task: Some(task),
    })
}

fn header<'a>(h: &'a HeaderMap, name: &str) -> Option<&'a str> {
    h.get(name).and_then(|v| v.to_str().ok())
}

fn json(status: StatusCode, code: &str, message: &str) -> Response {
    (
        status,
        axum::Json(serde_json::json!({ "error": code, "message": message })),
    )
        .into_response()
}

async fn handle(
    State(st): State<Arc<Inner>>,
    method: Method,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if method == Method::GET || method == Method::HEAD {
        return (
            StatusCode::OK,
            "qflow-console webhook receiver is running; Qflow POSTs events here.\n",
        )
            .into_response();
    }
    if method != Method::POST {
        return json(
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            "Webhooks are POSTed.",
        );
    }
    let webhook_id = header(&headers, HEADER_WEBHOOK_ID).map(str::to_owned);
    let event_type = header(&headers, HEADER_EVENT).map(str::to_owned);

    let Some(secret) = st.secret.current() else {
        // 5xx: Qflow retries, so the event is not lost while no secret is configured.
        return json(
            StatusCode::SERVICE_UNAVAILABLE,
            "no_webhook_secret",
            "No webhook secret is configured in qflow-console; set or rotate the webhook first.",
        );
    };
    let now = Utc::now();
    let verdict = verify_headers(
        &secret,
        &body,
        header(&headers, HEADER_SIGNATURE),
        header(&headers, HEADER_TIMESTAMP),
        now.timestamp(),
        st.window,
    );
    drop(secret);
    if let Some(reason) = verdict.reason {
        tracing::warn!("webhook rejected: {} ({})", reason.as_str(), verdict.detail);
        let _ = st.events.send(ReceiverEvent::Rejected {
            reason,
            detail: verdict.detail.clone(),
            webhook_id,
            event_type,
            at: now,
        });
        return json(StatusCode::UNAUTHORIZED, reason.as_str(), &verdict.detail);
    }

    // Every event should carry an id; without one, dedupe on the body's hash.
    let webhook_id = webhook_id
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| format!("body-sha256:{}", hex::encode(Sha256::digest(&body))));
    let event_type = event_type
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "unknown".to_owned());
    let timestamp = header(&headers, HEADER_TIMESTAMP).and_then(|t| t.trim().parse().ok());
    let mut ev = NewWebhookEvent::new(&webhook_id, &event_type, timestamp, &body);
    ev.received_at = now;

    let store = Arc::clone(&st.store);
    let stored = tokio::task::spawn_blocking(move || store.record_webhook_event(&ev)).await;
    match stored {
        Ok(Ok(Some(record))) => {
            let _ = st.events.send(ReceiverEvent::Accepted { event: record });
            StatusCode::OK.into_response()
        }
        Ok(Ok(None)) => {
            let _ = st.events.send(ReceiverEvent::Duplicate {
                webhook_id,
                event_type,
            });
            StatusCode::OK.into_response()
        }
        Ok(Err(e)) => {
            tracing::error!("could not store webhook {webhook_id}: {e}");
            json(
                StatusCode::INTERNAL_SERVER_ERROR,
                "storage_error",
                "The event could not be stored; Qflow will retry.",
            )
        }
        Err(e) => {
            tracing::error!("webhook store task failed: {e}");
            json(
                StatusCode::INTERNAL_SERVER_ERROR,
                "storage_error",
                "The event could not be stored; Qflow will retry.",
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::sign;
    use super::*;
    use std::time::Duration;

    const BODY: &str = r#"{"attendeeId":"f9804be1-4d31-4dc2-917c-ff3e9b6a9a41","templateId":"00890adf-1a80-4b1f-87ce-620feb9bec12","attendeeInvitationId":"8d630377-970a-4687-aa66-2a18fb964c99","status":"delivered","error":null,"correlationId":"first-test"}"#;

    struct Rig {
        handle: ReceiverHandle,
        store: Arc<Store>,
        secret: SecretCell,
        http: reqwest::Client,
    }

    async fn rig() -> Rig {
        let store = Arc::new(Store::open_in_memory().unwrap());
        let secret = SecretCell::new(Some(Secret::new("whsec-test-1")));
        let handle = serve_receiver(
            "127.0.0.1:0".parse().unwrap(),
            Arc::new(secret.clone()),
            store.clone(),
            ReceiverOptions::default(),
        )
        .await
        .unwrap();
        Rig {
            handle,
            store,
            secret,
            http: reqwest::Client::new(),
        }
    }

    impl Rig {
        async fn post(
            &self,
            id: &str,
            event: &str,
            ts: i64,
            body: &str,
            signature: Option<String>,
        ) -> (u16, String) {
            let mut req = self
                .http
                .post(format!("http://{}/qflow", self.handle.local_addr()))
                .header("Content-Type", "application/json")
                .header("User-Agent", "Qflow-Webhook/1.0")
                .header("X-Qflow-Webhook-Id", id)
                .header("X-Qflow-Event", event)
                .header("X-Qflow-Timestamp", ts.to_string())
                .body(body.to_owned());
            if let Some(sig) = signature {
                req = req.header("X-Qflow-Signature", sig);
            }
            let resp = req.send().await.unwrap();
            (resp.status().as_u16(), resp.text().await.unwrap())
        }
        fn sig(&self, body: &str) -> Option<String> {
            Some(sign(&self.secret.current().unwrap(), body.as_bytes()))
        }
    }

    fn now() -> i64 {
        Utc::now().timestamp()
    }

    async fn next(rx: &mut broadcast::Receiver<ReceiverEvent>) -> ReceiverEvent {
        tokio::time::timeout(Duration::from_secs(5), rx.recv())
            .await
            .expect("feed event")
            .unwrap()
    }

    #[tokio::test]
    async fn valid_event_is_stored_before_200_and_published() {
        let r = rig().await;
        let mut feed = r.handle.subscribe();
        let (status, _) = r
            .post("wh-1", "comms.delivered", now(), BODY, r.sig(BODY))
            .await;
        assert_eq!(status, 200);
        // Stored by the time the 200 arrived.
        let rec = r
            .store
            .webhook_event("wh-1")
            .unwrap()
            .expect("stored before answering");
        assert_eq!(rec.raw_body, BODY);
        assert_eq!(rec.correlation_id.as_deref(), Some("first-test"));
        match next(&mut feed).await {
            ReceiverEvent::Accepted { event } => assert_eq!(event.webhook_id, "wh-1"),
            other => panic!("{other:?}"),
        }
        r.handle.shutdown().await;
    }

    #[tokio::test]
    async fn tampered_body_and_wrong_secret_get_401_and_are_not_stored() {
        let r = rig().await;
        let mut feed = r.handle.subscribe();
        let tampered = BODY.replace("delivered", "opened");
        let (status, text) = r
            .post("wh-t", "comms.delivered", now(), &tampered, r.sig(BODY))
            .await;
        assert_eq!(status, 401);
        assert!(text.contains("bad_signature"), "{text}");

        let wrong = Some(sign(&Secret::new("old-secret"), BODY.as_bytes()));
        let (status, _) = r.post("wh-w", "comms.delivered", now(), BODY, wrong).await;
        assert_eq!(status, 401);

        let (status, text) = r.post("wh-m", "comms.delivered", now(), BODY, None).await;
        assert_eq!(status, 401);
        assert!(text.contains("missing_header"), "{text}");

        assert_eq!(r.store.webhook_event_count().unwrap(), 0);
        match next(&mut feed).await {
            ReceiverEvent::Rejected {
                reason, webhook_id, ..
            } => {
                assert_eq!(reason, RejectReason::BadSignature);
                assert_eq!(webhook_id.as_deref(), Some("wh-t"));
            }
            other => panic!("{other:?}"),
        }
    }

    #[tokio::test]
    async fn stale_and_future_timestamps_get_401() {
        let r = rig().await;
        let (status, text) = r
            .post("wh-s", "comms.sent", now() - 301, BODY, r.sig(BODY))
            .await;
        assert_eq!(status, 401);
        assert!(
            text.contains("stale_timestamp") && text.contains("in the past"),
            "{text}"
        );
        let (status, text) = r
            .post("wh-f", "comms.sent", now() + 600, BODY, r.sig(BODY))
            .await;
        assert_eq!(status, 401);
        assert!(text.contains("in the future"), "{text}");
        assert_eq!(r.store.webhook_event_count().unwrap(), 0);
    }

    #[tokio::test]
    async fn duplicate_id_is_acknowledged_but_stored_once() {
        let r = rig().await;
        let mut feed = r.handle.subscribe();
        for _ in 0..2 {
            let (status, _) = r
                .post("wh-dup", "comms.sent", now(), BODY, r.sig(BODY))
                .await;
            assert_eq!(status, 200);
        }
        assert_eq!(r.store.webhook_event_count().unwrap(), 1);
        assert!(matches!(
            next(&mut feed).await,
            ReceiverEvent::Accepted { .. }
        ));
        match next(&mut feed).await {
            ReceiverEvent::Duplicate { webhook_id, .. } => assert_eq!(webhook_id, "wh-dup"),
            other => panic!("{other:?}"),
        }
    }

    #[tokio::test]
    async fn unknown_event_type_is_recorded() {
        let r = rig().await;
        let body = r#"{"attendeeId":null,"status":"clicked","newField":{"x":1}}"#;
        let (status, _) = r
            .post("wh-u", "comms.clicked", now(), body, r.sig(body))
            .await;
        assert_eq!(status, 200);
        let rec = r.store.webhook_event("wh-u").unwrap().unwrap();
        assert_eq!(rec.event_type, "comms.clicked");
        assert!(!rec.known_type);
        assert_eq!(rec.raw_body, body);
    }

    #[tokio::test]
    async fn rotation_and_missing_secret() {
        let r = rig().await;
        let old_sig = r.sig(BODY);
        r.secret.set(Some(Secret::new("whsec-rotated")));
        let (status, _) = r.post("wh-r1", "comms.sent", now(), BODY, old_sig).await;
        assert_eq!(status, 401, "the old secret stops working immediately");
        let (status, _) = r
            .post("wh-r2", "comms.sent", now(), BODY, r.sig(BODY))
            .await;
        assert_eq!(status, 200);

        r.secret.set(None);
        let (status, text) = r
            .post("wh-r3", "comms.sent", now(), BODY, Some("0".repeat(64)))
            .await;
        assert_eq!(status, 503, "5xx so that Qflow retries later");
        assert!(text.contains("no_webhook_secret"));

        let get = r
            .http
            .get(format!("http://{}/", r.handle.local_addr()))
            .send()
            .await
            .unwrap();
        assert_eq!(get.status().as_u16(), 200);
    }
}
