//! A fake Qflow (identity + API) on 127.0.0.1 that follows the integration guide, for the
//! console's `--demo` mode, the CLI's sandbox command and contract tests. It shares no code
//! with `qflow-core` on purpose: it is the oracle the client is tested against.
//!
//! Both the identity endpoint (`/core/connect/token`) and the API (`/api/...`) are served on one
//! port. Accounts (all with password [`DEMO_PASSWORD`], client [`DEMO_CLIENT_ID`] /
//! [`DEMO_CLIENT_SECRET`]): [`DEMO_USERNAME`] (seeded), [`NO_COMMS_API_USERNAME`],
//! [`NO_KYC_USERNAME`], [`OTHER_USERNAME`] (empty accounts). Data is per account: another
//! account's ids answer 404.
//!
//! # Choices where the guide is silent (or where a sandbox must make something reachable)
//!
//! 1. **Request pipeline order**: edge rate limit → 411 → (request counted for
//!    [`Sandbox::requests`]) → injected fault → `X-Qflow-Client-Key` → bearer token → in-app
//!    rate limit → account gates (403) → handler (400 validation → 404 → 409/422/502).
//!    The client key is checked **before** the bearer token (a message handler runs before
//!    the `[Authorize]` filter), so a request missing both gets `client_key_invalid`.
//! 2. **411**: only the guide's seven empty-body POSTs (`/webhook/{rotate,test,delete}`,
//!    `/domain/{verify,activate,deactivate,delete}`) require a `Content-Length` header; a
//!    chunked or length-less request gets 411 with no body, before auth (like IIS).
//! 3. **Rate limits** (see `limits.rs`): the edge is per source IP, 60 per *fixed* 60 s window,
//!    counting every `/api` request (even 401/404/411); the 61st blocks the IP for 60 s with a
//!    429 whose body is an HTML page (no JSON code) and `Retry-After` = seconds left. The in-app
//!    layer is per (user, IP), 60 in a *sliding* 60 s window, counting only authenticated
//!    requests that passed the edge; it answers 429 `{"error":"rate_limit","message"}` with
//!    `Retry-After`. A burst inside one edge window trips the edge; a burst straddling an edge
//!    window boundary trips the in-app layer. [`Sandbox::set_rate_layers`] switches each layer
//!    (tests). The token endpoint is another host in reality: never rate limited.
//! 4. **Identity**: OAuth errors are 400 `{"error","error_description"}`: `invalid_client`
//!    (wrong client id/secret, checked first), `invalid_grant` (wrong user/password, or an
//!    unknown/used refresh token), `unsupported_grant_type`, `invalid_request` (not form
//!    encoded), `invalid_scope`. Refresh tokens are one-time: each refresh returns a new one.
//!    The response scope is always the guide's `"qflowapi openid profile email offline_access"`.
//! 5. **403 gates**: [`NO_COMMS_API_USERNAME`] gets `comms_api_not_enabled` on every
//!    `/api/comms/*` request and on `POST /api/guest` with a `commsTemplateId` (nothing is
//!    created). [`NO_KYC_USERNAME`] gets `trust_required` on `POST /api/comms/send` and on
//!    `POST /api/guest` with a `commsTemplateId` (nothing is created).
//! 6. **Errors**: 400 bodies are `{"error":"validation_failed","message","field"}` (message and
//!    field name the field; bulk items as `[3].email`) or `{"error":"invalid_json","message"}`.
//!    Malformed GUIDs in paths or bodies are 400. 404 has no body (unknown route, id, or
//!    another account's id, including ids in a body such as `eventId`/`commsTemplateId`).
//!    Request bodies are parsed as JSON whatever the Content-Type.
//! 7. **Guests**: required `eventId`, `firstName`, `lastName`; `id` optional (server generates;
//!    re-posting an existing id returns the stored record unchanged, 200, no second send).
//!    `email` optional but must look like an address. `barcode` is generated (16 uppercase
//!    alphanumerics) when missing. `tags`/`tickets`/`sessions` are strings; an array is stored
//!    comma-joined. `customFields` is an array ({{V_n}} = element n-1). Unknown fields are
//!    stored and returned. Every guest has `checkedIn` (bool) and `checkInTime` (UTC or null).
//!    `commsTemplateId`/`correlationId` are request-only (not stored). Create answers 200.
//! 8. **PUT** (guest, event) is a shallow merge: keys present overwrite, omitted keys (known or
//!    unknown) are kept; `id` is required and must exist. `checkedIn`/`checkInTime` are
//!    server-managed (ignored in PUT).
//! 9. **Deletes** (guest, event, template, webhook, domain) answer 200 with an empty body.
//!    Deleting an event also deletes its attendees and templates.
//! 10. **Check-in/out**: `POST /api/guest/checkin|checkout` with `{"id"}` → the guest. Check-in
//!     sets `checkedIn: true` and `checkInTime` (kept if already checked in); checkout sets
//!     `checkedIn: false`, `checkInTime: null`.
//! 11. **Bulk** `POST /api/guests/{eventId}`: a JSON array; > 200 items → 400
//!     `too_many_records`; all items are validated first (nothing stored on any error); an item
//!     `eventId` must equal the path's; existing ids come back unchanged; no emails are sent.
//!     Answer: 200 with the resulting guests in input order.
//! 12. **Events**: required `title`, `startTime`, `endTime` (local wall time without offset,
//!     `YYYY-MM-DDTHH:MM:SS`; a time with an offset is converted into the event's zone),
//!     `timeZoneId` (IANA); `endTime >= startTime`. `id` optional with the same idempotent
//!     re-post rule as guests. `GET /api/events` requires `start` and `end`; it returns events
//!     overlapping `[start, end]` inclusive, sorted by start. Naive bounds compare with the
//!     events' local wall times; bounds with an offset (`Z`, `+01:00`) compare in UTC.
//! 13. **Templates**: required `eventId`, `name`, `html` (must contain an HTML tag: plain text
//!     → 400). `subject` optional but, like `name` and `html`, always overwritten (omitted →
//!     null). `fromAddress`/`fromName`/`replyTo`/`emailBody`: omitted or null = keep, `""` =
//!     clear (null in responses); `attachPdf` omitted/null = keep. Unknown fields are ignored.
//!     201 on create, 200 on update; `created` is set once. Lists are sorted by `created`.
//!     Checks in order: 400 → 404 (event, or id owned by another account) → fromAddress →
//!     URL scan. fromAddress (only when set to a value) must be under the account's domain
//!     when that domain is *verified* (enabled or not), else 422
//!     `fromaddress_domain_not_verified`; a domain under [`VALIDATION_UNAVAILABLE_DOMAIN`]
//!     answers 502 `fromaddress_validation_unavailable`. The URL scan (`html` and a set
//!     `emailBody`, every upsert) flags http(s) URLs whose host contains `malware`
//!     (MALWARE), `phish` (SOCIAL_ENGINEERING) or `unwanted` (UNWANTED_SOFTWARE), and any URL
//!     on `testsafebrowsing.appspot.com` → 422 `spam_check_failed` with `flaggedUrls`.
//! 14. **Send**: `attendeeId`, `templateId` required; both must be owned (404). An attendee
//!     without an email → 400. A suppressed recipient → 422 `previous_send_permanently_failed`
//!     (`failureType`, `lastFailureAt`, `lastFailureReason`). The template's event need not be
//!     the attendee's. An atomic send (`POST /api/guest`) to a suppressed recipient still
//!     creates the guest; its send produces `comms.dropped`.
//! 15. **Simulated delivery** (times × `delivery_scale`): normal → `comms.sent` 0.5 s,
//!     `comms.delivered` 2 s, `comms.opened` 4 s. Recipient domains (and subdomains):
//!     [`BOUNCE_DOMAIN`] → sent, `comms.bounced` (2 s) and the address is suppressed
//!     (`bounced`) from then on; [`SPAM_DOMAIN`] → sent, delivered, opened,
//!     `comms.spam_reported` (5 s, suppressed); [`UNSUBSCRIBE_DOMAIN`] → … `comms.unsubscribed`
//!     (suppressed); [`FAIL_DOMAIN`] → `comms.failed`; [`UNOPENED_DOMAIN`] → sent, delivered,
//!     never opened (most real recipients never open). Events are generated whether or not a
//!     webhook is configured; they are delivered only when one is.
//! 16. **Webhooks**: the URL must be https, or http to a loopback host (127.0.0.1, ::1,
//!     localhost) — 400 otherwise. Setting a URL (again) always issues a new 64-hex secret,
//!     returned once as `{url, secret}`; GET returns `{url}`; GET/rotate/test/delete answer 404
//!     when none is configured. `/test` answers 200 `{"event":"comms.test","webhookId"}` and
//!     delivers asynchronously. Bodies follow the guide's shape (`status` = the event name
//!     without `comms.`, `"test"` for the test event). Deliveries use the URL and secret
//!     current at each attempt; 5xx or a transport error is retried after each wait of
//!     `SandboxConfig::retry_schedule` × `delivery_scale`, by default [`RETRY_SCHEDULE`]:
//!     30 s, 1, 2, 5, 10, 15, 20, 30, 45 min ([`MAX_ATTEMPTS`] = 10 attempts over ~2 h 8 min,
//!     so a receiver down for tens of minutes loses nothing), with the same
//!     `X-Qflow-Webhook-Id` and the same `X-Qflow-Timestamp` (the creation time: a late retry
//!     carries an old one); a 2xx-4xx answer ends it. Events of one send are delivered in
//!     order. `compress_clock` makes the timestamps run at the compressed rate too
//!     ([`Sandbox::clock`]), for tests of long outages that run in seconds.
//! 17. **Domain**: `POST` with `{"domain"}`: missing → 400; one already configured → 409
//!     `domain_already_configured` (checked before syntax); anything that is not a bare
//!     hostname (`https://x.com/`, `a b`, no dot) → 422 `sendgrid_create_failed`. The domain is
//!     lower-cased. `id` is an 8-digit number; records are `em<4 digits>.<domain>`,
//!     `s1._domainkey.<domain>`, `s2._domainkey.<domain>` → `u<id>.wl<3 digits>.sendgrid.net`
//!     (`s1.domainkey.` / `s2.domainkey.` prefixed for DKIM). `/verify` succeeds iff
//!     [`Sandbox::publish_dns`] is on (default off): verified + enabled, `reasons: []`; else
//!     verified = enabled = false and three reasons (`mail_cname`, `dkim1`, `dkim2`).
//!     `/activate` → 409 `domain_not_verified` unless a verify ever succeeded (then verified and
//!     enabled again, no DNS recheck); `/deactivate` clears `enabled`. verify/activate/
//!     deactivate answer `{verified, enabled, reasons}`. `dnsRecords[].valid` = `verified`.
//! 18. **Faults** ([`Sandbox::inject`]): one-shot, first match of method (case-insensitive) and
//!     path prefix, consumed after the 411 check and before auth. `Status` answers as given
//!     (JSON content type when the body parses as JSON). `DropAfterRead` and `MalformedJson`
//!     run the whole request (auth included, so the effect is applied) and then close the
//!     connection / answer 200 with the first half of the real body. `DropBeforeRead` closes
//!     the connection after the request head, without applying anything.
//! 19. **Seed** (when `seed_data`): three events (London, ~2 weeks ago; New York, in ~9 weeks,
//!     two days; Tokyo, in ~15 weeks), attendees split 25/45/30 %, the first attendee of the
//!     New York event is [`SUPPRESSED_EMAIL`] (spam_reported 27 days ago), ~72 % of the past
//!     event checked in, four templates (one with `{{barcode_qr}}`, one PDF with `emailBody`),
//!     and the unverified domain [`SEED_DOMAIN`]. Ids, names and barcodes come from `rng_seed`;
//!     dates are relative to today.

// Handlers return `Result<Response, Response>`: the error *is* the answer, size is irrelevant.
#![allow(clippy::result_large_err)]

mod clock;
mod identity;
mod limits;
mod resp;
mod routes;
mod seed;
mod server;
mod state;
mod store;
mod webhooks;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use axum::routing::{get, post};
use axum::Router;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

pub use clock::SandboxClock;
pub use routes::templates::VALIDATION_UNAVAILABLE_DOMAIN;
pub use seed::{SEED_DOMAIN, SUPPRESSED_EMAIL};
pub use state::{DeliveryRecord, SendRecord};
pub use webhooks::{
    BOUNCE_DOMAIN, FAIL_DOMAIN, MAX_ATTEMPTS, RETRY_SCHEDULE, SPAM_DOMAIN, UNOPENED_DOMAIN,
    UNSUBSCRIBE_DOMAIN,
};

use routes::{domain, events, guests, send, templates, webhook};
use state::{Shared, State};

/// The guide's client key.
pub const CLIENT_KEY: &str = "2c2dd698e83b1b2d8340ab76b2c41359";
pub const DEMO_CLIENT_ID: &str = "qflow-console-demo";
pub const DEMO_CLIENT_SECRET: &str = "demo-client-secret";
pub const DEMO_USERNAME: &str = "demo@qflow.example";
pub const DEMO_PASSWORD: &str = "demo-password";
/// An account without the Comms API: 403 `comms_api_not_enabled`.
pub const NO_COMMS_API_USERNAME: &str = "noapi@qflow.example";
/// An account without sender verification: 403 `trust_required` on sends.
pub const NO_KYC_USERNAME: &str = "nokyc@qflow.example";
/// A second ordinary (empty) account, to see another account's ids answer 404.
pub const OTHER_USERNAME: &str = "other@qflow.example";

#[derive(Clone, Debug)]
pub struct SandboxConfig {
    /// 0 = any free port.
    pub port: u16,
    /// Seeded attendees across the 3 demo events.
    pub attendees: usize,
    /// false = empty accounts (contract tests create their own data).
    pub seed_data: bool,
    pub token_lifetime_secs: u64,
    /// Both rate-limit layers.
    pub rate_limits: bool,
    /// Multiplies webhook delivery delays (sent ~0.5 s, delivered ~2 s, opened ~4 s) and the
    /// waits of `retry_schedule`.
    pub delivery_scale: f64,
    /// Waits between attempts to deliver one webhook event (after a 5xx or a transport error);
    /// attempts = waits + 1. Default [`RETRY_SCHEDULE`].
    pub retry_schedule: Vec<std::time::Duration>,
    /// Webhook timestamps from a clock running `1 / delivery_scale` times as fast
    /// ([`Sandbox::clock`]): tests that compress a long outage. Off: the wall clock.
    pub compress_clock: bool,
    pub rng_seed: u64,
    /// The "records published" switch ([`Sandbox::publish_dns`]) in memory shared with another
    /// process: the window's demo runs this sandbox in a child process, and its domain
    /// pre-check reads the switch from the window's side. `None`: the sandbox's own.
    pub dns_switch: Option<&'static AtomicBool>,
}

impl Default for SandboxConfig {
    fn default() -> Self {
        SandboxConfig {
            port: 0,
            attendees: 2000,
            seed_data: true,
            token_lifetime_secs: 3600,
            rate_limits: true,
            delivery_scale: 1.0,
            retry_schedule: RETRY_SCHEDULE.to_vec(),
            compress_clock: false,
            rng_seed: 42,
            dns_switch: None,
        }
    }
}

/// A one-shot fault for the next request matching `method` and `path_prefix`.
#[derive(Clone, Debug)]
pub struct Fault {
    pub method: String,
    pub path_prefix: String,
    pub kind: FaultKind,
}

#[derive(Clone, Debug)]
pub enum FaultKind {
    /// Answer this instead (nothing is applied).
    Status {
        status: u16,
        body: String,
        retry_after: Option<u64>,
    },
    /// Read and apply the whole request, then close the connection without answering.
    DropAfterRead,
    /// Close the connection without applying the request.
    DropBeforeRead,
    /// Apply the request, then answer 200 with a truncated JSON body.
    MalformedJson,
    /// Apply the request, then hold the real answer this long (a slow answer: past a client's
    /// timeout the request was processed but the answer never arrives).
    Delay { ms: u64 },
}

/// A running sandbox. Dropping it stops the server too (without waiting).
pub struct Sandbox {
    addr: SocketAddr,
    shared: Arc<Shared>,
    stop: watch::Sender<bool>,
    task: Option<JoinHandle<()>>,
}

impl Sandbox {
    /// Binds 127.0.0.1:`port` and serves in a tokio task.
    pub async fn start(cfg: SandboxConfig) -> std::io::Result<Sandbox> {
        let listener = TcpListener::bind(("127.0.0.1", cfg.port)).await?;
        let addr = listener.local_addr()?;
        let mut st = State::new(cfg.rng_seed);
        if cfg.seed_data {
            seed::seed(st.account(DEMO_USERNAME), cfg.attendees, cfg.rng_seed);
        }
        let http = reqwest::Client::builder()
            .no_proxy()
            .timeout(std::time::Duration::from_secs(10))
            .build()
            .map_err(std::io::Error::other)?;
        let clock = SandboxClock::new(cfg.compress_clock, cfg.delivery_scale);
        // One byte per sandbox that lives as long as the process: a session may keep reading
        // it after the sandbox stopped.
        let dns_published = cfg
            .dns_switch
            .unwrap_or_else(|| Box::leak(Box::new(AtomicBool::new(false))));
        let shared = Arc::new(Shared {
            edge_limit: AtomicBool::new(cfg.rate_limits),
            app_limit: AtomicBool::new(cfg.rate_limits),
            cfg,
            state: Mutex::new(st),
            token_requests: AtomicUsize::new(0),
            dns_published,
            closed: AtomicBool::new(false),
            offline: Arc::new(AtomicBool::new(false)),
            faults: Mutex::new(Vec::new()),
            request_log: Mutex::new(Vec::new()),
            limits: Mutex::new(limits::Limits::default()),
            http,
            deliveries: Mutex::new(Vec::new()),
            sends: Mutex::new(Vec::new()),
            clock,
        });
        let app = router(shared.clone());
        let (stop, stop_rx) = watch::channel(false);
        let task = tokio::spawn(server::accept_loop(listener, app, stop_rx));
        Ok(Sandbox {
            addr,
            shared,
            stop,
            task: Some(task),
        })
    }

    /// `http://127.0.0.1:PORT`
    pub fn api_base(&self) -> String {
        api_base(self.addr)
    }

    /// `http://127.0.0.1:PORT/core/connect/token`
    pub fn identity_url(&self) -> String {
        identity_url(self.addr)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Calls the token endpoint got (any grant, any outcome).
    pub fn token_requests(&self) -> usize {
        self.shared.token_requests.load(Ordering::SeqCst)
    }

    /// Existing access tokens become invalid (refresh tokens stay valid).
    pub fn expire_all_tokens(&self) {
        self.shared.lock().tokens.clear();
    }

    /// Access and refresh tokens both become invalid (revoked at the identity provider): the
    /// next request needs a password grant.
    pub fn revoke_all_tokens(&self) {
        let mut st = self.shared.lock();
        st.tokens.clear();
        st.refresh_tokens.clear();
    }

    pub fn inject(&self, fault: Fault) {
        self.shared
            .faults
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(fault);
    }

    /// Requests that arrived for `method` (case-insensitive) under `path_prefix`, counted after
    /// the 411 check (edge-rejected requests count too).
    pub fn requests(&self, method: &str, path_prefix: &str) -> usize {
        self.shared
            .request_log
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .filter(|(m, p)| m.eq_ignore_ascii_case(method) && p.starts_with(path_prefix))
            .count()
    }

    /// Simulate the network going away (tests of offline queues): while on, every request
    /// (API and identity) has its connection closed before it is read; nothing is applied.
    pub fn set_offline(&self, on: bool) {
        self.shared.offline.store(on, Ordering::SeqCst);
    }

    /// The switch [`Sandbox::set_offline`] flips, for a thread that outlives a borrow (the CLI
    /// sandbox's `offline`/`online` lines on stdin).
    pub fn offline_switch(&self) -> Arc<AtomicBool> {
        self.shared.offline.clone()
    }

    /// Both layers on/off; switching also forgets the counters.
    pub fn set_rate_limits(&self, on: bool) {
        self.set_rate_layers(on, on);
    }

    /// Each layer separately (edge per IP, in-app per user+IP); forgets the counters.
    pub fn set_rate_layers(&self, edge: bool, in_app: bool) {
        self.shared.edge_limit.store(edge, Ordering::SeqCst);
        self.shared.app_limit.store(in_app, Ordering::SeqCst);
        self.shared
            .limits
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .reset();
    }

    /// Whether `/domain/verify` finds the CNAMEs (default false).
    pub fn publish_dns(&self, published: bool) {
        self.shared.dns_published.store(published, Ordering::SeqCst);
    }

    /// Whether [`Sandbox::publish_dns`] is on (the demo's simulated DNS follows it).
    pub fn dns_published(&self) -> bool {
        self.shared.dns_published.load(Ordering::SeqCst)
    }

    /// The [`Sandbox::publish_dns`] switch itself, for a demo session that simulates DNS from
    /// it (`qflow_core::ops::domain::DemoDns`) and outlives the sandbox.
    pub fn dns_switch(&self) -> &'static AtomicBool {
        self.shared.dns_published
    }

    /// Every webhook POST attempt so far (for tests and diagnostics).
    pub fn deliveries(&self) -> Vec<DeliveryRecord> {
        self.shared
            .deliveries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// The clock webhook timestamps come from (compressed with `compress_clock`), for a
    /// receiver under test to measure their age on.
    pub fn clock(&self) -> SandboxClock {
        self.shared.clock.clone()
    }

    /// Every email queued so far, in order (what the client sent): each accepted
    /// `POST /api/comms/send` and each `POST /api/guest` that created a guest with a
    /// `commsTemplateId` (`atomic`).
    pub fn sends(&self) -> Vec<SendRecord> {
        self.shared
            .sends
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Stops accepting, closes open connections and stops pending webhook deliveries.
    pub async fn shutdown(mut self) {
        self.shared.closed.store(true, Ordering::SeqCst);
        let _ = self.stop.send(true);
        if let Some(t) = self.task.take() {
            let _ = t.await;
        }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        self.shared.closed.store(true, Ordering::SeqCst);
        let _ = self.stop.send(true);
    }
}

/// The API base of a sandbox listening on `addr` (in this process or another).
pub fn api_base(addr: SocketAddr) -> String {
    format!("http://{addr}")
}

/// The identity (token) URL of a sandbox listening on `addr`.
pub fn identity_url(addr: SocketAddr) -> String {
    format!("http://{addr}/core/connect/token")
}

fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/core/connect/token", post(identity::token))
        .route(
            "/api/guest",
            post(guests::create)
                .put(guests::update)
                .delete(guests::delete),
        )
        .route("/api/guest/checkin", post(guests::checkin))
        .route("/api/guest/checkout", post(guests::checkout))
        .route("/api/guest/{id}", get(guests::get_one))
        .route(
            "/api/guests/{event_id}",
            get(guests::list).post(guests::bulk_create),
        )
        .route(
            "/api/event",
            post(events::create)
                .put(events::update)
                .delete(events::delete),
        )
        .route("/api/event/{id}", get(events::get_one))
        .route("/api/events", get(events::list))
        .route("/api/comms/template", post(templates::upsert))
        .route("/api/comms/template/delete", post(templates::delete))
        .route("/api/comms/template/{id}", get(templates::get_one))
        .route("/api/comms/templates", get(templates::list))
        .route("/api/comms/send", post(send::send))
        .route("/api/comms/webhook", get(webhook::get).post(webhook::set))
        .route("/api/comms/webhook/rotate", post(webhook::rotate))
        .route("/api/comms/webhook/test", post(webhook::test))
        .route("/api/comms/webhook/delete", post(webhook::delete))
        .route("/api/comms/domain", get(domain::get).post(domain::create))
        .route("/api/comms/domain/verify", post(domain::verify))
        .route("/api/comms/domain/activate", post(domain::activate))
        .route("/api/comms/domain/deactivate", post(domain::deactivate))
        .route("/api/comms/domain/delete", post(domain::delete))
        .fallback(|| async { axum::http::StatusCode::NOT_FOUND })
        .layer(axum::middleware::from_fn_with_state(
            shared.clone(),
            server::pipeline,
        ))
        .with_state(shared)
}
