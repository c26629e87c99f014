//! The Qflow API client.
//!
//! Every request: both headers (`Authorization: Bearer`, `X-Qflow-Client-Key`), a descriptive
//! User-Agent, `Content-Length: 0` on empty-body POSTs, a slot from the shared rate `Budget`,
//! connect and total timeouts. Errors name the endpoint (`POST /api/comms/send`). Retries follow
//! the idempotency table in [`request`]: idempotent requests retry connection errors, timeouts,
//! 5xx and 429 with backoff (at most [`MAX_ATTEMPTS`]); the rest are never repeated once they
//! may have reached Qflow (`Error::OutcomeUnknown`).

pub mod request;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{HeaderValue, ACCEPT, CONTENT_LENGTH, CONTENT_TYPE};
use serde::de::DeserializeOwned;
use serde_json::Value;
use uuid::Uuid;

use chrono::NaiveDateTime;

pub use crate::budget::{Budget, Priority};
pub use request::{ApiRequest, BULK_MAX};
pub use reqwest::Method;

use crate::auth::Auth;
use crate::budget::EDGE_BLOCK;
pub use crate::http::{describe_transport_error, retry_after};
use crate::models::{
    Domain, DomainStatus, Event, Guest, GuestCreate, SendRequest, SendResponse, Template,
    TemplateUpsert, WebhookConfig, WebhookSecretResponse,
};
use crate::secrets::Credentials;
use crate::{ApiError, Error, Result};

/// `qflow-console/<version> (+https://github.com/qflow-console)`
pub const USER_AGENT: &str = concat!(
    "qflow-console/",
    env!("CARGO_PKG_VERSION"),
    " (+https://github.com/qflow-console)"
);
/// The client-key header the guide requires on every request.
pub const CLIENT_KEY_HEADER: &str = "X-Qflow-Client-Key";
/// Attempts for an idempotent request (the first one included).
pub const MAX_ATTEMPTS: u32 = 4;
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
pub const DEFAULT_TOTAL_TIMEOUT: Duration = Duration::from_secs(30);

/// Where and as whom to talk to Qflow.
#[derive(Clone, Debug)]
pub struct ClientConfig {
    /// e.g. `https://api-uksouth-01.qflowhub.io` (a trailing `/` is ignored).
    pub api_base: String,
    /// e.g. `https://identity.qflowhub.io/core/connect/token`.
    pub identity_url: String,
    pub credentials: Credentials,
    /// `None` = the budget this process shares for the host (`Budget::for_host`).
    pub budget: Option<Arc<Budget>>,
    pub connect_timeout: Duration,
    pub total_timeout: Duration,
}

impl ClientConfig {
    /// The production endpoints and default timeouts.
    pub fn new(credentials: Credentials) -> ClientConfig {
        ClientConfig {
            api_base: crate::DEFAULT_API_BASE.into(),
            identity_url: crate::DEFAULT_IDENTITY_URL.into(),
            credentials,
            budget: None,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            total_timeout: DEFAULT_TOTAL_TIMEOUT,
        }
    }
}

/// A Qflow API client. Cheap to clone; clones share the token cache and the budget.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
    priority: Priority,
}

struct Inner {
    http: reqwest::Client,
    api_base: String,
    client_key: HeaderValue,
    auth: Auth,
    budget: Arc<Budget>,
    /// [`Client::simulate_offline`]: every attempt fails as if the network were down.
    offline: AtomicBool,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("api_base", &self.inner.api_base)
            .field("auth", &self.inner.auth)
            .field("priority", &self.priority)
            .finish_non_exhaustive()
    }
}

/// What one attempt came to.
enum Attempt {
    Answer {
        status: u16,
        retry_after: Option<u64>,
        body: Vec<u8>,
    },
    /// The connection was never made: nothing left this machine.
    NotSent(String),
    /// The request may have reached the server (written, then the connection failed or the
    /// answer timed out).
    Lost(String),
}

impl Client {
    pub fn new(cfg: ClientConfig) -> Result<Client> {
        let api_base = cfg.api_base.trim_end_matches('/').to_owned();
        let api_url = check_http_url("api_base", &api_base)?;
        let identity = check_http_url("identity_url", &cfg.identity_url)?;
        if cfg.credentials.client_key.is_empty() {
            return Err(Error::invalid(
                "client key",
                "is required (supplied by Qflow support)",
            ));
        }
        let mut client_key =
            HeaderValue::from_str(cfg.credentials.client_key.expose()).map_err(|_| {
                Error::invalid(
                    "client key",
                    "contains characters that cannot be sent in a header",
                )
            })?;
        client_key.set_sensitive(true);

        let mut builder = reqwest::Client::builder()
            .user_agent(USER_AGENT)
            .connect_timeout(cfg.connect_timeout)
            .timeout(cfg.total_timeout)
            // The client key would follow a redirect to another host; the API never redirects.
            .redirect(reqwest::redirect::Policy::none())
            .use_rustls_tls();
        if is_loopback(&api_url) && is_loopback(&identity) {
            builder = builder.no_proxy();
        }
        let http = builder
            .build()
            .map_err(|e| Error::invalid("api_base", format!("cannot build an HTTP client: {e}")))?;
        let auth = Auth::new(http.clone(), cfg.identity_url.clone(), cfg.credentials);
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                api_base,
                client_key,
                auth,
                budget: cfg
                    .budget
                    .unwrap_or_else(|| Budget::for_host(&cfg.api_base)),
                offline: AtomicBool::new(false),
            }),
            priority: Priority::Interactive,
        })
    }

    /// The same client (same token, same budget) whose requests yield to interactive ones.
    pub fn background(&self) -> Client {
        self.with_priority(Priority::Background)
    }

    pub fn with_priority(&self, priority: Priority) -> Client {
        Client {
            inner: self.inner.clone(),
            priority,
        }
    }

    pub fn priority(&self) -> Priority {
        self.priority
    }

    pub fn budget(&self) -> &Arc<Budget> {
        &self.inner.budget
    }

    pub fn api_base(&self) -> &str {
        &self.inner.api_base
    }

    /// Qflow runs on this machine (the demo, a sandbox on loopback): it can deliver webhooks
    /// to `http://` receivers here (see `webhook::url_policy`).
    pub fn qflow_is_local(&self) -> bool {
        reqwest::Url::parse(&self.inner.api_base).is_ok_and(|u| is_loopback(&u))
    }

    /// The demo and tests: every attempt (this client and its clones) fails like a connection
    /// that cannot be made, so nothing leaves the machine and errors are `network_unreachable`.
    pub fn simulate_offline(&self, on: bool) {
        self.inner.offline.store(on, Ordering::Relaxed);
    }

    pub fn is_simulating_offline(&self) -> bool {
        self.inner.offline.load(Ordering::Relaxed)
    }

    /// A password grant now: proves the credentials (and caches the token).
    pub async fn sign_in(&self) -> Result<()> {
        self.inner.auth.sign_in().await
    }

    /// Drop the cached tokens.
    pub async fn sign_out(&self) {
        self.inner.auth.forget().await
    }

    /// Run `req` and answer its JSON unchanged (`Value::Null` for an empty 2xx body).
    pub async fn execute(&self, req: ApiRequest) -> Result<Value> {
        let endpoint = req.endpoint();
        match self.execute_raw(req).await? {
            Success::Body(body) => parse_json(&body, &endpoint),
            Success::Gone => Ok(Value::Null),
        }
    }

    /// Run `req` with the retry policy and answer the 2xx body's bytes, unparsed, so typed
    /// callers can deserialize straight into their type (no intermediate `Value` tree, which for
    /// a 50,000-attendee list is tens of MB of short-lived allocations the allocator keeps).
    async fn execute_raw(&self, req: ApiRequest) -> Result<Success> {
        let endpoint = req.endpoint();
        if let Some((field, reason)) = req.rejected() {
            return Err(Error::invalid(field, reason));
        }
        let mut url = reqwest::Url::parse(&format!("{}{}", self.inner.api_base, req.path))
            .map_err(|e| Error::invalid("path", format!("{}: {e}", req.path)))?;
        if !req.query.is_empty() {
            url.query_pairs_mut().extend_pairs(&req.query);
        }
        let body = match &req.body {
            Some(v) => {
                Some(serde_json::to_vec(v).map_err(|e| Error::invalid("body", e.to_string()))?)
            }
            None => None,
        };

        let mut attempt = 0u32;
        let mut reauthorized = false;
        let mut maybe_applied = false;
        loop {
            attempt += 1;
            // Simulated offline fails before the budget and the token: a network that is down
            // lets no token request out either, and nothing that never left counts against it.
            // Otherwise the same as a connection that cannot be made (retries, back-off).
            if self.is_simulating_offline() {
                if attempt >= MAX_ATTEMPTS {
                    return Err(Error::Network {
                        endpoint,
                        message:
                            "could not connect: the network is unreachable (simulated offline)"
                                .into(),
                    });
                }
                backoff(attempt, None).await;
                continue;
            }
            self.inner.budget.acquire(self.priority).await;
            let token = self.inner.auth.token().await?;
            let outcome = self.attempt(&req, &url, body.as_deref(), &token).await?;
            let last = attempt >= MAX_ATTEMPTS;
            match outcome {
                Attempt::Answer { status, body, .. } if (200..300).contains(&status) => {
                    return Ok(Success::Body(body));
                }
                Attempt::Answer {
                    status,
                    retry_after,
                    body,
                } => {
                    let err = ApiError::from_response(status, &body, &endpoint, retry_after);
                    tracing::debug!(%endpoint, status, code = %err.code, attempt, "API error");
                    match status {
                        401 if err.code == "client_key_invalid" => return Err(Error::Api(err)),
                        // The token was refused, so the request was not processed: get a new
                        // token and try once more, even for a send.
                        401 if !reauthorized => {
                            reauthorized = true;
                            attempt -= 1;
                            self.inner.auth.reject(token.generation()).await;
                        }
                        404 if req.gone_means_done && maybe_applied => return Ok(Success::Gone),
                        429 => {
                            let wait = if err.code == "rate_limit" {
                                Duration::from_secs(retry_after.unwrap_or(60))
                            } else {
                                EDGE_BLOCK.max(Duration::from_secs(retry_after.unwrap_or(0)))
                            };
                            self.inner.budget.pause_for(wait);
                            // The budget does the waiting before the next attempt.
                            if !req.idempotent || last {
                                return Err(Error::Api(err));
                            }
                        }
                        500..=599 if req.idempotent && !last => {
                            maybe_applied = true;
                            backoff(attempt, retry_after).await;
                        }
                        _ => return Err(Error::Api(err)),
                    }
                }
                Attempt::NotSent(message) => {
                    if last {
                        return Err(Error::Network { endpoint, message });
                    }
                    backoff(attempt, None).await;
                }
                Attempt::Lost(message) => {
                    if !req.idempotent {
                        return Err(Error::OutcomeUnknown { endpoint, message });
                    }
                    maybe_applied = true;
                    if last {
                        return Err(Error::Network {
                            endpoint,
                            message: format!("{message} (after {attempt} attempts)"),
                        });
                    }
                    backoff(attempt, None).await;
                }
            }
        }
    }

    async fn attempt(
        &self,
        req: &ApiRequest,
        url: &reqwest::Url,
        body: Option<&[u8]>,
        token: &crate::auth::AccessToken,
    ) -> Result<Attempt> {
        let mut rb = self
            .inner
            .http
            .request(req.method.clone(), url.clone())
            .header(reqwest::header::AUTHORIZATION, token.header_value()?)
            .header(CLIENT_KEY_HEADER, self.inner.client_key.clone())
            .header(ACCEPT, "application/json");
        rb = match body {
            Some(b) => rb.header(CONTENT_TYPE, "application/json").body(b.to_vec()),
            // IIS answers 411 to a body-less POST without an explicit length.
            None if req.method != Method::GET && req.method != Method::HEAD => {
                rb.header(CONTENT_LENGTH, "0").body(Vec::<u8>::new())
            }
            None => rb,
        };
        let resp = match rb.send().await {
            Ok(r) => r,
            Err(e) if e.is_connect() => return Ok(Attempt::NotSent(describe_transport_error(&e))),
            Err(e) => return Ok(Attempt::Lost(describe_transport_error(&e))),
        };
        let status = resp.status().as_u16();
        let retry_after = retry_after(resp.headers());
        let success = (200..300).contains(&status);
        match read_capped(resp, MAX_RESPONSE_BYTES).await {
            Ok(body) => Ok(Attempt::Answer {
                status,
                retry_after,
                body,
            }),
            // Processed, but the answer cannot be used: not retried (it would be as large).
            Err(BodyError::TooLarge(size)) if success => Err(Error::Malformed {
                endpoint: req.endpoint(),
                message: format!(
                    "the answer is {size}, larger than the {} this app reads; nothing of it was used",
                    human_size(MAX_RESPONSE_BYTES as u64)
                ),
            }),
            // The server answered, so it got the request; the body was lost on the way back.
            Err(BodyError::Transport(e)) if success => {
                Ok(Attempt::Lost(describe_transport_error(&e)))
            }
            // An error status says enough without its body.
            Err(_) => Ok(Attempt::Answer {
                status,
                retry_after,
                body: Vec::new(),
            }),
        }
    }

    /// Deserialize the answer straight from its bytes into `T`.
    async fn call<T: DeserializeOwned>(&self, req: ApiRequest) -> Result<T> {
        let endpoint = req.endpoint();
        let body = match self.execute_raw(req).await? {
            Success::Body(body) if !body.iter().all(u8::is_ascii_whitespace) => body,
            // An empty answer reads as `null`, as `execute` answers it.
            _ => Vec::from(*b"null"),
        };
        parse_typed(&body, &endpoint)
    }

    async fn call_unit(&self, req: ApiRequest) -> Result<()> {
        self.execute(req).await.map(|_| ())
    }

    // ---- Attendees ----
    pub async fn guest_create(&self, g: &GuestCreate) -> Result<Guest> {
        self.call(ApiRequest::guest_create(g)).await
    }
    pub async fn guest_get(&self, id: Uuid) -> Result<Guest> {
        self.call(ApiRequest::guest_get(id)).await
    }
    pub async fn guest_update(&self, g: &Guest) -> Result<Guest> {
        self.call(ApiRequest::guest_update(g)).await
    }
    pub async fn guest_delete(&self, id: Uuid) -> Result<()> {
        self.call_unit(ApiRequest::guest_delete(id)).await
    }
    pub async fn guest_checkin(&self, id: Uuid) -> Result<Guest> {
        self.call(ApiRequest::guest_checkin(id)).await
    }
    pub async fn guest_checkout(&self, id: Uuid) -> Result<Guest> {
        self.call(ApiRequest::guest_checkout(id)).await
    }
    pub async fn guests_list(&self, event_id: Uuid) -> Result<Vec<Guest>> {
        self.call(ApiRequest::guests_list(event_id)).await
    }
    /// At most 200 (`Error::Invalid` before sending otherwise).
    pub async fn guests_bulk_create(&self, event_id: Uuid, guests: &[Guest]) -> Result<Vec<Guest>> {
        self.call(ApiRequest::guests_bulk_create(event_id, guests))
            .await
    }

    // ---- Events ----
    pub async fn event_create(&self, e: &Event) -> Result<Event> {
        self.call(ApiRequest::event_create(e)).await
    }
    pub async fn event_get(&self, id: Uuid) -> Result<Event> {
        self.call(ApiRequest::event_get(id)).await
    }
    pub async fn event_update(&self, e: &Event) -> Result<Event> {
        self.call(ApiRequest::event_update(e)).await
    }
    pub async fn event_delete(&self, id: Uuid) -> Result<()> {
        self.call_unit(ApiRequest::event_delete(id)).await
    }
    pub async fn events_list(
        &self,
        start: NaiveDateTime,
        end: NaiveDateTime,
    ) -> Result<Vec<Event>> {
        self.call(ApiRequest::events_list(start, end)).await
    }

    // ---- Templates ----
    pub async fn template_upsert(&self, t: &TemplateUpsert) -> Result<Template> {
        self.call(ApiRequest::template_upsert(t)).await
    }
    pub async fn template_get(&self, id: Uuid) -> Result<Template> {
        self.call(ApiRequest::template_get(id)).await
    }
    pub async fn templates_list(&self, event_id: Uuid) -> Result<Vec<Template>> {
        self.call(ApiRequest::templates_list(event_id)).await
    }
    pub async fn template_delete(&self, id: Uuid) -> Result<()> {
        self.call_unit(ApiRequest::template_delete(id)).await
    }

    // ---- Sending ----
    /// Never retried once it may have reached Qflow: a lost answer is `Error::OutcomeUnknown`.
    pub async fn send(&self, r: &SendRequest) -> Result<SendResponse> {
        self.call(ApiRequest::send(r)).await
    }

    // ---- Webhooks ----
    pub async fn webhook_get(&self) -> Result<WebhookConfig> {
        self.call(ApiRequest::webhook_get()).await
    }
    /// The answer's secret is shown once: store it at once.
    pub async fn webhook_set(&self, url: &str) -> Result<WebhookSecretResponse> {
        self.call_secret(ApiRequest::webhook_set(url, self.qflow_is_local()))
            .await
    }
    pub async fn webhook_rotate(&self) -> Result<WebhookSecretResponse> {
        self.call_secret(ApiRequest::webhook_rotate()).await
    }
    pub async fn webhook_test(&self) -> Result<()> {
        self.call_unit(ApiRequest::webhook_test()).await
    }
    pub async fn webhook_delete(&self) -> Result<()> {
        self.call_unit(ApiRequest::webhook_delete()).await
    }

    async fn call_secret(&self, req: ApiRequest) -> Result<WebhookSecretResponse> {
        let endpoint = req.endpoint();
        let v = self.execute(req).await?;
        // Not serde's message: it can quote the value, i.e. the secret.
        let out: WebhookSecretResponse =
            serde_json::from_value(v).map_err(|_| Error::Malformed {
                endpoint: endpoint.clone(),
                message: "the answer has no usable `secret` string".into(),
            })?;
        if out.secret.is_empty() {
            return Err(Error::Malformed {
                endpoint,
                message: "the answer's `secret` is empty".into(),
            });
        }
        Ok(out)
    }

    // ---- Custom domain ----
    pub async fn domain_create(&self, domain: &str) -> Result<Domain> {
        self.call(ApiRequest::domain_create(domain)).await
    }
    /// 404 (`Error::Api` with status 404) when no domain is configured.
    pub async fn domain_get(&self) -> Result<Domain> {
        self.call(ApiRequest::domain_get()).await
    }
    pub async fn domain_verify(&self) -> Result<DomainStatus> {
        self.call(ApiRequest::domain_verify()).await
    }
    pub async fn domain_activate(&self) -> Result<DomainStatus> {
        self.call(ApiRequest::domain_activate()).await
    }
    pub async fn domain_deactivate(&self) -> Result<DomainStatus> {
        self.call(ApiRequest::domain_deactivate()).await
    }
    pub async fn domain_delete(&self) -> Result<()> {
        self.call_unit(ApiRequest::domain_delete()).await
    }
}

/// The largest response body read (the largest real answer, a 50,000-attendee list, is ~25 MB):
/// a broken or hostile server cannot make the app hold an unbounded answer in memory.
pub const MAX_RESPONSE_BYTES: usize = 32 << 20;

enum BodyError {
    /// How large it said it was, or "more than N" when it streamed past the cap.
    TooLarge(String),
    Transport(reqwest::Error),
}

/// The body, refused as soon as its announced length or what has arrived passes `cap`.
async fn read_capped(mut resp: reqwest::Response, cap: usize) -> Result<Vec<u8>, BodyError> {
    if let Some(len) = resp.content_length().filter(|n| *n > cap as u64) {
        return Err(BodyError::TooLarge(human_size(len)));
    }
    let mut body = Vec::with_capacity(resp.content_length().unwrap_or(0) as usize);
    while let Some(chunk) = resp.chunk().await.map_err(BodyError::Transport)? {
        if body.len() + chunk.len() > cap {
            return Err(BodyError::TooLarge(format!(
                "more than {}",
                human_size(cap as u64)
            )));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

fn human_size(bytes: u64) -> String {
    if bytes >= 1 << 20 {
        format!("{:.1} MiB", bytes as f64 / f64::from(1u32 << 20))
    } else {
        format!("{bytes} bytes")
    }
}

/// A 2xx answer: its body, or nothing because a retried delete found the object already gone.
enum Success {
    Body(Vec<u8>),
    Gone,
}

/// Typed parse of a non-empty body; the error names the endpoint and what did not fit.
fn parse_typed<T: DeserializeOwned>(body: &[u8], endpoint: &str) -> Result<T> {
    serde_json::from_slice(body).map_err(|e| {
        let message = if e.is_data() {
            e.to_string()
        } else {
            format!(
                "not valid JSON ({:?} error at line {}, column {})",
                e.classify(),
                e.line(),
                e.column()
            )
        };
        Error::Malformed {
            endpoint: endpoint.to_owned(),
            message,
        }
    })
}

/// An empty body is `Null`; anything else must be JSON.
fn parse_json(body: &[u8], endpoint: &str) -> Result<Value> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Value::Null);
    }
    serde_json::from_slice(body).map_err(|e| Error::Malformed {
        endpoint: endpoint.to_owned(),
        message: format!(
            "not valid JSON ({:?} error at line {}, column {})",
            e.classify(),
            e.line(),
            e.column()
        ),
    })
}

/// Exponential backoff with jitter: ~250 ms, 500 ms, 1 s…, or the server's Retry-After (≤ 60 s).
async fn backoff(attempt: u32, retry_after: Option<u64>) {
    let delay = backoff_delay(attempt, retry_after);
    tracing::debug!(attempt, ?delay, "retrying");
    tokio::time::sleep(delay).await;
}

fn backoff_delay(attempt: u32, retry_after: Option<u64>) -> Duration {
    use rand::Rng;
    let base_ms = 250u64 << attempt.saturating_sub(1).min(6);
    let jittered = base_ms / 2 + rand::rng().random_range(0..=base_ms / 2);
    let server = retry_after.map(|s| s.min(60) * 1000).unwrap_or(0);
    Duration::from_millis(jittered.max(server))
}

fn check_http_url(field: &str, value: &str) -> Result<reqwest::Url> {
    let u = reqwest::Url::parse(value)
        .map_err(|e| Error::invalid(field, format!("{value:?} is not a URL: {e}")))?;
    if !matches!(u.scheme(), "http" | "https") || u.host().is_none() {
        return Err(Error::invalid(
            field,
            format!("{value:?} must be an http(s) URL with a host"),
        ));
    }
    if !u.username().is_empty() || u.password().is_some() {
        return Err(Error::invalid(
            field,
            "must not contain a user name or password",
        ));
    }
    Ok(u)
}

fn is_loopback(u: &reqwest::Url) -> bool {
    match u.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(a)) => a.is_loopback(),
        Some(url::Host::Ipv6(a)) => a.is_loopback(),
        None => false,
    }
}

#[cfg(test)]
mod tests;
