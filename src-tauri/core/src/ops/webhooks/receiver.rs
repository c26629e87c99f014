//! The built-in receiver of a session: started on request (or by the demo's wiring), writing
//! to the session's local store, verifying with the session's secret, and stopped when the
//! session ends ([`Receiver`]'s `close`). Each delivery is pushed to the UI as a
//! [`FeedPing`]; rejected ones are remembered for the feed (they are not stored).

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use tokio::sync::broadcast;

use crate::ops::ctx::{push_to, Ctx, Notifier, SessionState};
use crate::store::{WebhookEventRecord, KNOWN_EVENT_TYPES};
use crate::webhook::{
    serve_receiver, ReceiverEvent, ReceiverHandle, ReceiverOptions, WebhookSecretSource,
};
use crate::{Error, Result};

use super::secret::{self, SecretMemory};
use super::types::{FeedPing, ReceiverStatus, RejectedDelivery, WebhookFeed, WebhookFeedRequest};

/// How many rejected deliveries the feed remembers (they are not stored).
const REJECTED_KEPT: usize = 100;
/// Path the demo registers on the local receiver (any path is accepted).
pub const DEMO_PATH: &str = "/qflow";

/// The session's receiver (at most one) and what its feed remembers.
#[derive(Default)]
pub struct Receiver {
    /// One start at a time (binding a port is async).
    starting: tokio::sync::Mutex<()>,
    running: Mutex<Option<Running>>,
    rejected: Arc<Mutex<VecDeque<RejectedDelivery>>>,
    /// The demo's receiver was registered, or the user chose otherwise (set, delete, stop):
    /// never re-registered behind their back.
    demo_wired: tokio::sync::Mutex<bool>,
    closed: AtomicBool,
}

struct Running {
    handle: ReceiverHandle,
    feed: tokio::task::JoinHandle<()>,
}

impl SessionState for Receiver {
    /// The session ended: the listener stops (it writes to that session's store).
    fn close(&self) {
        self.closed.store(true, Ordering::SeqCst);
        if let Some(r) = self
            .running
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take()
        {
            r.feed.abort();
            // Dropping the handle tells the listener to stop.
            drop(r.handle);
        }
    }
}

impl Receiver {
    fn local_addr(&self) -> Option<SocketAddr> {
        self.running
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .as_ref()
            .map(|r| r.handle.local_addr())
    }

    pub fn status(&self) -> ReceiverStatus {
        let addr = self.local_addr();
        ReceiverStatus {
            running: addr.is_some(),
            local_url: addr.map(|a| format!("http://{a}/")),
        }
    }

    /// The user chose the URL themselves (set, delete, stop): the demo must not re-register.
    pub(super) async fn leave_demo_url_alone(&self) {
        *self.demo_wired.lock().await = true;
    }
}

fn not_signed_in() -> Error {
    Error::NotSignedIn("You are not signed in".into())
}

/// Start the session's receiver on `addr` (or answer the running one's address).
pub(super) async fn start(cx: &Ctx, addr: SocketAddr) -> Result<SocketAddr> {
    if !cx.is_open() {
        return Err(not_signed_in());
    }
    let rx = cx.state::<Receiver>();
    let _one_at_a_time = rx.starting.lock().await;
    if let Some(a) = rx.local_addr() {
        return Ok(a);
    }
    let store = cx.local_store().await?;
    let source: Arc<dyn WebhookSecretSource> = Arc::new(cx.state::<SecretMemory>().cell.clone());
    let opts = ReceiverOptions {
        clock: Arc::clone(&cx.clock),
        ..ReceiverOptions::default()
    };
    let handle = serve_receiver(addr, source, store, opts).await?;
    let feed = tokio::spawn(feed(
        handle.subscribe(),
        Arc::clone(&rx.rejected),
        Arc::clone(&cx.notifier),
    ));
    let local = handle.local_addr();
    let mut slot = rx.running.lock().unwrap_or_else(|p| p.into_inner());
    if rx.closed.load(Ordering::SeqCst) || !cx.is_open() {
        // The session ended while the port was bound: this receiver must not outlive it.
        feed.abort();
        return Err(not_signed_in());
    }
    *slot = Some(Running { handle, feed });
    Ok(local)
}

/// Each delivery: pushed to the UI (after the store write, so a reload finds it); rejected
/// ones remembered for the feed.
async fn feed(
    mut events: broadcast::Receiver<ReceiverEvent>,
    rejected: Arc<Mutex<VecDeque<RejectedDelivery>>>,
    notifier: Arc<dyn Notifier>,
) {
    loop {
        let e = match events.recv().await {
            Ok(e) => e,
            Err(broadcast::error::RecvError::Lagged(_)) => continue,
            Err(broadcast::error::RecvError::Closed) => break,
        };
        push_to(&*notifier, &FeedPing::of(&e));
        if let ReceiverEvent::Rejected {
            reason,
            detail,
            webhook_id,
            event_type,
            at,
        } = e
        {
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
    }
}

/// Demo: a local receiver on a free port, registered as the sandbox account's webhook URL, so
/// sends made in the demo show their comms.sent → delivered → opened events. Called by the
/// demo's sign-in; idempotent (the overview and the timeline call it too, in case the wiring
/// at sign-in failed). Nothing for a real account.
pub async fn ensure_demo_wiring(cx: &Ctx) -> Result<()> {
    if !cx.info.demo {
        return Ok(());
    }
    let rx = cx.state::<Receiver>();
    let mut wired = rx.demo_wired.lock().await;
    if *wired {
        return Ok(());
    }
    let addr = start(cx, SocketAddr::from(([127, 0, 0, 1], 0))).await?;
    let answer = cx
        .client
        .webhook_set(&format!("http://{addr}{DEMO_PATH}"))
        .await?;
    secret::keep(cx, answer.secret).await?;
    *wired = true;
    Ok(())
}

/// Stop the session's receiver (in-flight deliveries finish first); the demo's URL is not
/// registered again behind the user's back.
pub(super) async fn stop(cx: &Ctx) {
    let rx = cx.state::<Receiver>();
    let running = rx.running.lock().unwrap_or_else(|p| p.into_inner()).take();
    if let Some(r) = running {
        r.feed.abort();
        r.handle.shutdown().await;
    }
    rx.leave_demo_url_alone().await;
}

/// `webhook_feed`: what the receiver stored (newest first, optionally one event type) and
/// what it rejected.
pub async fn webhook_feed(cx: &Ctx, req: WebhookFeedRequest) -> Result<WebhookFeed> {
    let store = cx.local_store().await?;
    let limit = req.limit.unwrap_or(100).clamp(1, 500) as usize;
    let want = req.event_type.filter(|t| !t.is_empty());
    let (events, total, types) = tokio::task::spawn_blocking(move || -> Result<_> {
        let recent = store.recent_webhook_events(2000)?;
        let mut types: Vec<String> = KNOWN_EVENT_TYPES.iter().map(|s| s.to_string()).collect();
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
    .map_err(|e| Error::internal(format!("reading the webhook feed: {e}")))??;
    let rejected = cx
        .state::<Receiver>()
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
