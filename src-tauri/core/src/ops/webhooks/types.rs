//! What the webhooks screen and the CLI send and get back. Never a secret, except
//! `RevealedSecret` (on the user's request, once) and a pasted `DiagnoseRequest::secret`.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::ops::ctx::PushEvent;
use crate::store::{Arrival, WebhookEventRecord};
use crate::webhook::ReceiverEvent;
use crate::Secret;

// Pushed for each delivery the built-in receiver handled, so the feed reloads (its filters live
// on the Rust side).
/// `webhook-feed` payload: what just arrived. No body, no headers, no secret.
#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct FeedPing {
    /// `accepted`, `duplicate` or `rejected`.
    pub kind: String,
    pub event_type: Option<String>,
    /// Accepted: on time, or kept although late (or ahead of our clock).
    pub arrival: Option<Arrival>,
}

impl PushEvent for FeedPing {
    const NAME: &'static str = "webhook-feed";
}

impl FeedPing {
    pub fn of(e: &ReceiverEvent) -> FeedPing {
        match e {
            ReceiverEvent::Accepted { event } => FeedPing {
                kind: "accepted".into(),
                event_type: Some(event.event_type.clone()),
                arrival: Some(event.arrival),
            },
            ReceiverEvent::Duplicate { event_type, .. } => FeedPing {
                kind: "duplicate".into(),
                event_type: Some(event_type.clone()),
                arrival: None,
            },
            ReceiverEvent::Rejected { event_type, .. } => FeedPing {
                kind: "rejected".into(),
                event_type: event_type.clone(),
                arrival: None,
            },
        }
    }
}

/// A delivery the receiver answered 401.
#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct RejectedDelivery {
    pub at: DateTime<Utc>,
    pub reason: String,
    pub detail: String,
    pub webhook_id: Option<String>,
    pub event_type: Option<String>,
}

#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct ReceiverStatus {
    pub running: bool,
    /// `http://127.0.0.1:PORT/` while running.
    pub local_url: Option<String>,
}

/// `webhook_overview`: everything the screen shows. Never carries the secret.
#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
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
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct WebhookSetRequest {
    pub url: String,
    /// The user confirmed a private or loopback host outside the demo.
    #[serde(default)]
    pub confirm_private: bool,
}

#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct RevealedSecret {
    /// Shown once, on the user's request, to copy into their own receiver's configuration.
    pub secret: String,
}

#[derive(Deserialize, Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct ReceiverStartRequest {
    /// 0 = any free port.
    pub port: u16,
}

#[derive(Deserialize, Serialize, Clone, Debug, Default, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct WebhookFeedRequest {
    /// e.g. `comms.delivered`; None = all.
    #[serde(default)]
    pub event_type: Option<String>,
    #[serde(default)]
    pub limit: Option<u32>,
}

#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
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
#[ts(export, export_to = "../../../ui/src/bindings/")]
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
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct AttendeeTimelineRequest {
    pub attendee_id: String,
}

/// Where a newly issued secret was kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SecretKept {
    /// The profile's OS keychain entry.
    Keychain,
    /// The demo: process memory only, for this session.
    Memory,
}

impl SecretKept {
    /// "in the keychain" / "in memory for this demo session".
    pub fn where_(self) -> &'static str {
        match self {
            SecretKept::Keychain => "in the keychain",
            SecretKept::Memory => "in memory for this demo session",
        }
    }
}

/// A set or rotate that went through: the URL Qflow now delivers to and where its new secret is.
#[derive(Clone, Debug, PartialEq)]
pub struct SecretIssued {
    pub url: Option<String>,
    pub kept: SecretKept,
    /// The private-host warning the user confirmed (set only).
    pub warning: Option<String>,
}
