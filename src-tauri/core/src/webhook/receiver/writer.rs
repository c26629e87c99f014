//! Group commit: the receiver's events go to one writer task, which stores whatever has queued
//! up in one transaction, then answers each request. With `synchronous=FULL` every commit
//! waits for the disk; concurrent deliveries share that wait instead of queueing behind one
//! another, and each is still on disk before its 200.

use std::sync::Arc;

use tokio::sync::{mpsc, oneshot};

use crate::store::{NewWebhookEvent, Store, WebhookEventRecord};

/// Largest batch per transaction.
const MAX_BATCH: usize = 256;

/// `Some(record)` new, `None` a duplicate id, `Err` not stored (the request answers 500).
pub(super) type Stored = Result<Option<WebhookEventRecord>, String>;
type Job = (NewWebhookEvent, oneshot::Sender<Stored>);

#[derive(Clone)]
pub(super) struct Writer(mpsc::Sender<Job>);

impl Writer {
    /// Starts the writer task; it ends when the last `Writer` is dropped.
    pub(super) fn start(store: Arc<Store>, queue: usize) -> Writer {
        let (tx, rx) = mpsc::channel(queue.max(1));
        tokio::spawn(run(store, rx));
        Writer(tx)
    }

    pub(super) async fn store(&self, ev: NewWebhookEvent) -> Stored {
        let (reply, answer) = oneshot::channel();
        self.0
            .send((ev, reply))
            .await
            .map_err(|_| "the webhook writer has stopped".to_owned())?;
        answer
            .await
            .map_err(|_| "the webhook writer dropped the event".to_owned())?
    }
}

async fn run(store: Arc<Store>, mut jobs: mpsc::Receiver<Job>) {
    while let Some(first) = jobs.recv().await {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match jobs.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let (events, replies): (Vec<_>, Vec<_>) = batch.into_iter().unzip();
        let store = Arc::clone(&store);
        let results = tokio::task::spawn_blocking(move || write(&store, &events))
            .await
            .unwrap_or_else(|e| {
                let e = format!("webhook store task failed: {e}");
                vec![Err(e); replies.len()]
            });
        for (reply, result) in replies.into_iter().zip(results) {
            let _ = reply.send(result);
        }
    }
}

/// The batch in one transaction; if that fails, each on its own, so that one bad event cannot
/// keep the others from being stored.
fn write(store: &Store, events: &[NewWebhookEvent]) -> Vec<Stored> {
    match store.record_webhook_events(events) {
        Ok(records) => records.into_iter().map(Ok).collect(),
        Err(_) if events.len() > 1 => events
            .iter()
            .map(|ev| store.record_webhook_event(ev).map_err(|e| e.to_string()))
            .collect(),
        Err(e) => vec![Err(e.to_string())],
    }
}
