//! The local webhook receiver: an HTTP listener that verifies each event's signature (constant
//! time), dedupes on `X-Qflow-Webhook-Id`, stores the event **before** answering 2xx (so a
//! crash never loses an acknowledged event), keeps unknown event types, and publishes what it
//! saw on a broadcast channel for the UI feed.
//!
//! A correctly signed event with an unseen id is kept whatever its age: Qflow's retries after
//! an outage carry the creation time, and answering them 401 would stop the retries and lose
//! the event for good. One older (or further ahead) than the replay window is stored flagged
//! [`Arrival::Late`] / [`Arrival::Ahead`] with the clock difference.
//!
//! Limits (`limits.rs`): body size, time to send headers and body, requests at once. Events are
//! stored by one writer with group commit (`writer.rs`).

mod limits;
mod writer;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::net::SocketAddr;
use std::sync::{Arc, RwLock};
use std::time::Duration;
use tokio::sync::{broadcast, watch, Semaphore};
use ts_rs::TS;

pub use limits::{MAX_BODY_BYTES, MAX_IN_FLIGHT, REQUEST_TIMEOUT};

use super::{
    verify_signed_headers, RejectReason, HEADER_EVENT, HEADER_SIGNATURE, HEADER_TIMESTAMP,
    HEADER_WEBHOOK_ID, REPLAY_WINDOW_SECS,
};
use crate::clock::{Clock, SystemClock};
use crate::secrets::Secret;
use crate::store::{Arrival, NewWebhookEvent, Store, WebhookEventRecord};
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

#[derive(Clone)]
pub struct ReceiverOptions {
    /// An event whose timestamp is further than this from the clock is kept and flagged
    /// late (or ahead), never rejected.
    pub replay_window_secs: i64,
    /// Broadcast buffer; slow subscribers miss the oldest items (`RecvError::Lagged`).
    pub channel_capacity: usize,
    /// "Now" for the lag (the session's clock; tests run it at a compressed rate).
    pub clock: Arc<dyn Clock>,
    /// A larger body answers 413.
    pub max_body_bytes: usize,
    /// Headers, then the body, must each arrive within this; a stalled client is cut off.
    pub request_timeout: Duration,
    /// Requests handled at once; more answer 503 (Qflow retries a 5xx).
    pub max_in_flight: usize,
}

impl Default for ReceiverOptions {
    fn default() -> Self {
        ReceiverOptions {
            replay_window_secs: REPLAY_WINDOW_SECS,
            channel_capacity: 256,
            clock: Arc::new(SystemClock),
            max_body_bytes: MAX_BODY_BYTES,
            request_timeout: REQUEST_TIMEOUT,
            max_in_flight: MAX_IN_FLIGHT,
        }
    }
}

impl std::fmt::Debug for ReceiverOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReceiverOptions")
            .field("replay_window_secs", &self.replay_window_secs)
            .field("channel_capacity", &self.channel_capacity)
            .field("max_body_bytes", &self.max_body_bytes)
            .field("request_timeout", &self.request_timeout)
            .field("max_in_flight", &self.max_in_flight)
            .finish_non_exhaustive()
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
    /// Verified, new, stored; `event.arrival` says whether it came late (or ahead).
    Accepted { event: Box<WebhookEventRecord> },
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
    writer: writer::Writer,
    events: broadcast::Sender<ReceiverEvent>,
    window: i64,
    clock: Arc<dyn Clock>,
    max_body: usize,
    body_timeout: Duration,
    in_flight: Arc<Semaphore>,
}

/// A running receiver. Dropping it stops the listener.
pub struct ReceiverHandle {
    local_addr: SocketAddr,
    events: broadcast::Sender<ReceiverEvent>,
    stop: watch::Sender<bool>,
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
        let _ = self.stop.send(true);
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for ReceiverHandle {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
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
        writer: writer::Writer::start(store, opts.max_in_flight),
        events: events.clone(),
        window: opts.replay_window_secs,
        clock: opts.clock,
        max_body: opts.max_body_bytes,
        body_timeout: opts.request_timeout,
        in_flight: Arc::new(Semaphore::new(opts.max_in_flight.max(1))),
    });
    let app = Router::new().fallback(handle).with_state(inner);
    let (stop, stopped) = watch::channel(false);
    let task = tokio::spawn(limits::accept_loop(
        listener,
        app,
        opts.request_timeout,
        stopped,
    ));
    tracing::info!("webhook receiver listening on {local_addr}");
    Ok(ReceiverHandle {
        local_addr,
        events,
        stop,
        task: Some(task),
    })
}

fn header<'a>(h: &'a HeaderMap, name: &str) -> Option<&'a str> {
    h.get(name).and_then(|v| v.to_str().ok())
}

pub(super) fn json(status: StatusCode, code: &str, message: &str) -> Response {
    (
        status,
        axum::Json(serde_json::json!({ "error": code, "message": message })),
    )
        .into_response()
}

async fn handle(State(st): State<Arc<Inner>>, req: Request) -> Response {
    // Held until the answer is built: the cap counts requests being read or stored.
    let Ok(_permit) = Arc::clone(&st.in_flight).try_acquire_owned() else {
        return limits::busy();
    };
    let (parts, body) = req.into_parts();
    if parts.method == Method::GET || parts.method == Method::HEAD {
        return (
            StatusCode::OK,
            "qflow-console webhook receiver is running; Qflow POSTs events here.\n",
        )
            .into_response();
    }
    if parts.method != Method::POST {
        return json(
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            "Webhooks are POSTed.",
        );
    }
    let body = match limits::read_body(&parts.headers, body, st.max_body, st.body_timeout).await {
        Ok(b) => b,
        Err(answer) => return answer,
    };
    receive(&st, &parts.headers, body).await
}

async fn receive(st: &Inner, headers: &HeaderMap, body: axum::body::Bytes) -> Response {
    let webhook_id = header(headers, HEADER_WEBHOOK_ID).map(str::to_owned);
    let event_type = header(headers, HEADER_EVENT).map(str::to_owned);

    let Some(secret) = st.secret.current() else {
        // 5xx: Qflow retries, so the event is not lost while no secret is configured.
        return json(
            StatusCode::SERVICE_UNAVAILABLE,
            "no_webhook_secret",
            "No webhook secret is configured in qflow-console; set or rotate the webhook first.",
        );
    };
    let now = st.clock.now();
    let signed = verify_signed_headers(
        &secret,
        &body,
        header(headers, HEADER_SIGNATURE),
        header(headers, HEADER_TIMESTAMP),
    );
    drop(secret);
    let timestamp = match signed {
        Ok(ts) => ts,
        Err(verdict) => {
            let reason = verdict.reason.unwrap_or(RejectReason::BadSignature);
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
    };

    // Every event should carry an id; without one, dedupe on the body's hash.
    let webhook_id = webhook_id
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| format!("body-sha256:{}", hex::encode(Sha256::digest(&body))));
    let event_type = event_type
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "unknown".to_owned());
    let ev = NewWebhookEvent::new(&webhook_id, &event_type, Some(timestamp), &body)
        .arrived(now, st.window);

    match st.writer.store(ev).await {
        Ok(Some(record)) => {
            if record.arrival != Arrival::OnTime {
                tracing::info!(
                    "webhook {webhook_id} kept, flagged {}: {}",
                    record.arrival.as_str(),
                    record.arrival_note.as_deref().unwrap_or_default()
                );
            }
            let _ = st.events.send(ReceiverEvent::Accepted {
                event: Box::new(record),
            });
            StatusCode::OK.into_response()
        }
        Ok(None) => {
            let _ = st.events.send(ReceiverEvent::Duplicate {
                webhook_id,
                event_type,
            });
            StatusCode::OK.into_response()
        }
        Err(e) => {
            tracing::error!("could not store webhook {webhook_id}: {e}");
            storage_error()
        }
    }
}

fn storage_error() -> Response {
    json(
        StatusCode::INTERNAL_SERVER_ERROR,
        "storage_error",
        "The event could not be stored; Qflow will retry.",
    )
}

#[cfg(test)]
mod limit_tests;
#[cfg(test)]
mod tests;
