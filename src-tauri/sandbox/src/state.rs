//! In-memory state of the fake Qflow: identity (tokens), per-account data, knobs and counters.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

use chrono::{DateTime, NaiveDateTime, Utc};
use rand::rngs::StdRng;
use rand::{Rng, RngCore, SeedableRng};
use serde_json::{Map, Value};
use uuid::Uuid;

use crate::clock::SandboxClock;
use crate::limits::Limits;
use crate::store::Guests;
use crate::{Fault, SandboxConfig};

/// Accounts the identity endpoint knows (all with [`crate::DEMO_PASSWORD`]).
pub(crate) const USERS: &[&str] = &[
    crate::DEMO_USERNAME,
    crate::NO_COMMS_API_USERNAME,
    crate::NO_KYC_USERNAME,
    crate::OTHER_USERNAME,
];

pub(crate) struct Shared {
    pub cfg: SandboxConfig,
    pub state: Mutex<State>,
    pub token_requests: AtomicUsize,
    pub edge_limit: AtomicBool,
    pub app_limit: AtomicBool,
    /// Shared with the demo session that simulates DNS from it ([`crate::Sandbox::dns_switch`]).
    pub dns_published: &'static AtomicBool,
    pub closed: AtomicBool,
    /// The network is gone ([`crate::Sandbox::set_offline`]): every connection is closed
    /// before its request is read, so nothing is applied.
    pub offline: Arc<AtomicBool>,
    pub faults: Mutex<Vec<Fault>>,
    pub request_log: Mutex<Vec<(String, String)>>,
    pub limits: Mutex<Limits>,
    pub http: reqwest::Client,
    pub deliveries: Mutex<Vec<DeliveryRecord>>,
    pub sends: Mutex<Vec<SendRecord>>,
    /// Webhook timestamps ([`crate::SandboxClock`]).
    pub clock: SandboxClock,
}

impl Shared {
    pub fn lock(&self) -> MutexGuard<'_, State> {
        // A panic in one handler must not wedge the whole sandbox.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

pub(crate) type SharedRef = Arc<Shared>;

/// One webhook POST attempt, kept for tests and the CLI (`Sandbox::deliveries`).
#[derive(Clone, Debug)]
pub struct DeliveryRecord {
    pub webhook_id: Uuid,
    pub event: String,
    pub url: String,
    pub attempt: u32,
    /// HTTP status the receiver answered, or None when it could not be reached.
    pub status: Option<u16>,
    /// `X-Qflow-Timestamp` sent (the event's creation time, the same on every attempt).
    pub timestamp: i64,
}

/// One queued email as the client asked for it (`Sandbox::sends`).
#[derive(Clone, Debug, PartialEq)]
pub struct SendRecord {
    pub attendee_id: Uuid,
    pub template_id: Uuid,
    pub correlation_id: Option<String>,
    /// Queued by `POST /api/guest` with a `commsTemplateId` (create and send).
    pub atomic: bool,
}

pub(crate) struct TokenInfo {
    pub user: String,
    pub expires: Instant,
}

pub(crate) struct State {
    pub tokens: HashMap<String, TokenInfo>,
    pub refresh_tokens: HashMap<String, String>,
    pub accounts: HashMap<String, Account>,
    pub rng: StdRng,
}

impl State {
    pub fn new(seed: u64) -> State {
        let mut accounts = HashMap::new();
        for u in USERS {
            accounts.insert((*u).to_string(), Account::default());
        }
        State {
            tokens: HashMap::new(),
            refresh_tokens: HashMap::new(),
            accounts,
            rng: StdRng::seed_from_u64(seed ^ 0x5eed_0fca),
        }
    }

    pub fn account(&mut self, user: &str) -> &mut Account {
        self.accounts.entry(user.to_string()).or_default()
    }

    /// Which account (if any) owns this guest / event / template id.
    pub fn owner_of_guest(&self, id: &Uuid) -> Option<&str> {
        self.accounts
            .iter()
            .find(|(_, a)| a.guests.contains(id))
            .map(|(u, _)| u.as_str())
    }
    pub fn owner_of_event(&self, id: &Uuid) -> Option<&str> {
        self.accounts
            .iter()
            .find(|(_, a)| a.events.contains_key(id))
            .map(|(u, _)| u.as_str())
    }
    pub fn owner_of_template(&self, id: &Uuid) -> Option<&str> {
        self.accounts
            .iter()
            .find(|(_, a)| a.templates.contains_key(id))
            .map(|(u, _)| u.as_str())
    }

    pub fn new_uuid(&mut self) -> Uuid {
        new_uuid(&mut self.rng)
    }
}

pub(crate) fn new_uuid(rng: &mut StdRng) -> Uuid {
    let mut b = [0u8; 16];
    rng.fill_bytes(&mut b);
    uuid::Builder::from_random_bytes(b).into_uuid()
}

const BARCODE_ALPHABET: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

/// 16 uppercase alphanumerics, like the guide's `4GA6965Q1G5EZ0FB`.
pub(crate) fn new_barcode(rng: &mut StdRng) -> String {
    (0..16)
        .map(|_| BARCODE_ALPHABET[rng.random_range(0..BARCODE_ALPHABET.len())] as char)
        .collect()
}

/// Unpredictable hex strings for tokens and secrets (not from the seeded rng).
pub(crate) fn random_hex(bytes: usize) -> String {
    let mut b = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut b);
    hex::encode(b)
}

#[derive(Default)]
pub(crate) struct Account {
    pub events: HashMap<Uuid, EventRec>,
    /// Compact: the demo holds 50,000 attendees in the app's own process.
    pub guests: Guests,
    pub templates: HashMap<Uuid, TemplateRec>,
    pub webhook: Option<WebhookCfg>,
    pub domain: Option<DomainRec>,
    /// Lower-cased email → permanent failure.
    pub suppressed: HashMap<String, Suppression>,
}

#[derive(Clone, Debug)]
pub(crate) struct EventRec {
    pub id: Uuid,
    pub title: String,
    pub start: NaiveDateTime,
    pub end: NaiveDateTime,
    pub tz: String,
    pub extra: Map<String, Value>,
}

#[derive(Clone, Debug)]
pub(crate) struct TemplateRec {
    pub id: Uuid,
    pub event_id: Uuid,
    pub name: String,
    pub subject: Option<String>,
    pub html: String,
    pub from_address: Option<String>,
    pub from_name: Option<String>,
    pub reply_to: Option<String>,
    pub attach_pdf: bool,
    pub email_body: Option<String>,
    pub created: DateTime<Utc>,
}

#[derive(Clone, Debug)]
pub(crate) struct WebhookCfg {
    pub url: String,
    pub secret: String,
}

#[derive(Clone, Debug)]
pub(crate) struct DomainRec {
    pub id: u64,
    pub domain: String,
    pub em: u32,
    pub wl: u32,
    pub verified: bool,
    pub ever_verified: bool,
    pub enabled: bool,
}

#[derive(Clone, Debug)]
pub(crate) struct Suppression {
    pub failure_type: String,
    pub at: DateTime<Utc>,
    pub reason: String,
}
