//! OAuth tokens for the API: the guide's password grant, refresh before expiry, and one token
//! request in flight however many requests are waiting for it.
//!
//! Tokens live only in memory, as `Secret`s. The whole cache sits behind one async mutex that is
//! held across the token request, so twenty requests that find the token expired queue behind a
//! single refresh and then all use its result.

use std::time::Duration;

use reqwest::header::{HeaderValue, ACCEPT, CONTENT_TYPE};
use serde_json::Value;
use tokio::sync::Mutex;
use tokio::time::Instant;

use crate::http::describe_transport_error;
use crate::models::TokenResponse;
use crate::secrets::{Credentials, Secret};
use crate::{ApiError, Error, Result, OAUTH_SCOPE};

/// How token-endpoint failures name the endpoint.
pub const TOKEN_ENDPOINT: &str = "POST /core/connect/token";
/// Refresh this long before expiry (the guide's "~5 minutes")...
pub const REFRESH_MARGIN: Duration = Duration::from_secs(5 * 60);
/// ...unless the token lives at most this long; then refresh at half its life.
pub const SHORT_LIFETIME: Duration = Duration::from_secs(10 * 60);

/// When to refresh a token that lives `lifetime`, counted from when it was issued.
pub fn refresh_after(lifetime: Duration) -> Duration {
    if lifetime <= SHORT_LIFETIME {
        lifetime / 2
    } else {
        lifetime - REFRESH_MARGIN
    }
}

/// A bearer token handed to one request. `generation` identifies which token it was, so that a
/// 401 only invalidates the token it was answered for.
#[derive(Clone)]
pub struct AccessToken {
    value: Secret,
    generation: u64,
}

impl AccessToken {
    /// The raw token, for the Authorization header only.
    pub fn expose(&self) -> &str {
        self.value.expose()
    }
    pub fn generation(&self) -> u64 {
        self.generation
    }
    /// `Bearer <token>`, marked sensitive so that no HTTP debug output shows it.
    pub fn header_value(&self) -> Result<HeaderValue> {
        let mut v =
            HeaderValue::from_str(&format!("Bearer {}", self.value.expose())).map_err(|_| {
                Error::Malformed {
                    endpoint: TOKEN_ENDPOINT.into(),
                    message: "the access token contains characters not allowed in a header".into(),
                }
            })?;
        v.set_sensitive(true);
        Ok(v)
    }
}

impl std::fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "AccessToken(<redacted>, generation {})", self.generation)
    }
}

struct Token {
    access: Secret,
    refresh: Option<Secret>,
    generation: u64,
    refresh_at: Instant,
    expires_at: Instant,
    /// The API refused it (401): never hand it out again.
    rejected: bool,
}

impl Token {
    fn handout(&self) -> AccessToken {
        AccessToken {
            value: self.access.clone(),
            generation: self.generation,
        }
    }
}

#[derive(Default)]
struct Cache {
    token: Option<Token>,
    generation: u64,
}

/// Token cache and token requests for one set of credentials.
pub struct Auth {
    http: reqwest::Client,
    identity_url: String,
    credentials: Credentials,
    cache: Mutex<Cache>,
}

impl std::fmt::Debug for Auth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Auth")
            .field("identity_url", &self.identity_url)
            .field("client_id", &self.credentials.client_id)
            .field("username", &self.credentials.username)
            .finish_non_exhaustive()
    }
}

enum Grant<'a> {
    Password,
    Refresh(&'a Secret),
}

impl Auth {
    pub fn new(http: reqwest::Client, identity_url: String, credentials: Credentials) -> Auth {
        Auth {
            http,
            identity_url,
            credentials,
            cache: Mutex::new(Cache::default()),
        }
    }

    /// A password grant now, replacing any cached token: proves the credentials.
    pub async fn sign_in(&self) -> Result<()> {
        let mut cache = self.cache.lock().await;
        let answer = self.grant(Grant::Password).await?;
        store(&mut cache, answer);
        Ok(())
    }

    /// Forget the tokens (sign out). The next request signs in again.
    pub async fn forget(&self) {
        self.cache.lock().await.token = None;
    }

    /// A token fit to use now: the cached one, or (single-flight) a refreshed one, or one from a
    /// password grant when there is none or the refresh token is refused.
    pub async fn token(&self) -> Result<AccessToken> {
        let mut cache = self.cache.lock().await;
        let now = Instant::now();
        if let Some(t) = cache.token.as_ref() {
            if !t.rejected && now < t.refresh_at {
                return Ok(t.handout());
            }
        }
        let refresh = cache.token.as_ref().and_then(|t| t.refresh.clone());
        let answer = match refresh {
            Some(r) => match self.grant(Grant::Refresh(&r)).await {
                Ok(a) => Ok(a),
                // The password grant would hit the same unreachable host.
                Err(e @ Error::Network { .. }) => Err(e),
                Err(e) => {
                    tracing::info!(code = e.code(), "token refresh refused; signing in again");
                    self.grant(Grant::Password).await
                }
            },
            None => self.grant(Grant::Password).await,
        };
        match answer {
            Ok(a) => Ok(store(&mut cache, a)),
            Err(e) => match cache.token.as_ref() {
                // Refreshing early failed but the token still works: use it until it expires.
                Some(t) if !t.rejected && now < t.expires_at => Ok(t.handout()),
                _ => Err(e),
            },
        }
    }

    /// The API answered 401 for `generation`: the next `token()` gets a new one. A 401 for an
    /// older generation (another request already replaced it) changes nothing.
    pub async fn reject(&self, generation: u64) {
        let mut cache = self.cache.lock().await;
        if let Some(t) = cache.token.as_mut() {
            if t.generation == generation {
                t.rejected = true;
            }
        }
    }

    async fn grant(&self, grant: Grant<'_>) -> Result<TokenResponse> {
        let c = &self.credentials;
        // Built in one expression: the serializer is not Send and must not live across an await.
        let body = Secret::new({
            let mut form = url::form_urlencoded::Serializer::new(String::new());
            match grant {
                Grant::Password => form
                    .append_pair("grant_type", "password")
                    .append_pair("client_id", &c.client_id)
                    .append_pair("client_secret", c.client_secret.expose())
                    .append_pair("username", &c.username)
                    .append_pair("password", c.password.expose())
                    .append_pair("scope", OAUTH_SCOPE),
                Grant::Refresh(token) => form
                    .append_pair("grant_type", "refresh_token")
                    .append_pair("client_id", &c.client_id)
                    .append_pair("client_secret", c.client_secret.expose())
                    .append_pair("refresh_token", token.expose()),
            };
            form.finish()
        });
        let resp = self
            .http
            .post(&self.identity_url)
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(ACCEPT, "application/json")
            .body(body.expose().to_owned())
            .send()
            .await
            .map_err(|e| Error::Network {
                endpoint: TOKEN_ENDPOINT.into(),
                message: describe_transport_error(&e),
            })?;
        let status = resp.status().as_u16();
        let retry_after = crate::http::retry_after(resp.headers());
        let bytes = resp.bytes().await.map_err(|e| Error::Network {
            endpoint: TOKEN_ENDPOINT.into(),
            message: describe_transport_error(&e),
        })?;
        if (200..300).contains(&status) {
            let t: TokenResponse =
                serde_json::from_slice(&bytes).map_err(|e| Error::Malformed {
                    endpoint: TOKEN_ENDPOINT.into(),
                    // Not `e`: its text could quote a token.
                    message: format!(
                        "the token answer is not the expected JSON ({:?} error)",
                        e.classify()
                    ),
                })?;
            if t.access_token.is_empty() {
                return Err(Error::Malformed {
                    endpoint: TOKEN_ENDPOINT.into(),
                    message: "the token answer has an empty access_token".into(),
                });
            }
            return Ok(t);
        }
        Err(self.refusal(
            status,
            &bytes,
            retry_after,
            matches!(grant, Grant::Password),
        ))
    }

    fn refusal(&self, status: u16, body: &[u8], retry_after: Option<u64>, password: bool) -> Error {
        let json: Option<Value> = serde_json::from_slice(body).ok();
        let field = |k: &str| {
            json.as_ref()
                .and_then(|j| j.get(k))
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned()
        };
        let (error, description) = (field("error"), field("error_description"));
        match (status, error.as_str()) {
            (400 | 401, "invalid_client") => Error::SignIn(
                "The client id or client secret was not accepted by the Qflow identity provider."
                    .into(),
            ),
            (400 | 401, "invalid_grant") if password => Error::SignIn(
                "The username or password was not accepted by the Qflow identity provider.".into(),
            ),
            (400 | 401, "invalid_grant") => Error::SignIn(
                "The refresh token was not accepted (expired or already used).".into(),
            ),
            (400..=499, "") => Error::SignIn(format!(
                "The identity provider at {} answered HTTP {status}; check the identity URL.",
                self.identity_url
            )),
            (400..=499, code) => Error::SignIn(format!(
                "The identity provider refused the sign-in ({code}{}).",
                if description.is_empty() {
                    String::new()
                } else {
                    format!(": {description}")
                }
            )),
            _ => Error::Api(ApiError::from_response(
                status,
                body,
                TOKEN_ENDPOINT,
                retry_after,
            )),
        }
    }
}

fn store(cache: &mut Cache, answer: TokenResponse) -> AccessToken {
    let now = Instant::now();
    let lifetime = Duration::from_secs(answer.expires_in);
    let kept_refresh = cache.token.take().and_then(|t| t.refresh.clone());
    cache.generation += 1;
    let token = Token {
        access: answer.access_token,
        // A refresh answer without a new refresh token leaves the old one usable.
        refresh: answer.refresh_token.or(kept_refresh),
        generation: cache.generation,
        refresh_at: now + refresh_after(lifetime),
        expires_at: now + lifetime,
        rejected: false,
    };
    let out = token.handout();
    cache.token = Some(token);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    use axum::extract::State;
    use axum::routing::post;
    use axum::{Json, Router};

    #[test]
    fn refresh_five_minutes_early_or_at_half_life() {
        assert_eq!(
            refresh_after(Duration::from_secs(3600)),
            Duration::from_secs(3300)
        );
        assert_eq!(
            refresh_after(Duration::from_secs(601)),
            Duration::from_secs(301)
        );
        assert_eq!(
            refresh_after(Duration::from_secs(600)),
            Duration::from_secs(300)
        );
        assert_eq!(
            refresh_after(Duration::from_secs(60)),
            Duration::from_secs(30)
        );
        assert_eq!(refresh_after(Duration::ZERO), Duration::ZERO);
    }

    #[derive(Default)]
    struct Idp {
        calls: AtomicUsize,
        forms: std::sync::Mutex<Vec<String>>,
        /// What to answer: "ok", "bad_password", "bad_client", "bad_refresh", "500", "garbage".
        mode: std::sync::Mutex<&'static str>,
        refresh_mode: std::sync::Mutex<&'static str>,
        lifetime: AtomicUsize,
    }

    async fn idp_token(State(idp): State<Arc<Idp>>, body: String) -> axum::response::Response {
        use axum::response::IntoResponse;
        let n = idp.calls.fetch_add(1, Ordering::SeqCst) + 1;
        // Slow enough that concurrent callers really overlap.
        tokio::time::sleep(Duration::from_millis(50)).await;
        idp.forms.lock().unwrap().push(body.clone());
        let is_refresh = body.contains("grant_type=refresh_token");
        let mode = if is_refresh {
            *idp.refresh_mode.lock().unwrap()
        } else {
            *idp.mode.lock().unwrap()
        };
        let err = |code: &str| {
            (
                axum::http::StatusCode::BAD_REQUEST,
                Json(serde_json::json!({"error": code, "error_description": "nope"})),
            )
                .into_response()
        };
        match mode {
            "bad_password" | "bad_refresh" => err("invalid_grant"),
            "bad_client" => err("invalid_client"),
            "500" => (axum::http::StatusCode::INTERNAL_SERVER_ERROR, "boom").into_response(),
            "garbage" => "{\"access_token\": ".into_response(),
            _ => Json(serde_json::json!({
                "access_token": format!("tok-{n}"),
                "expires_in": idp.lifetime.load(Ordering::SeqCst),
                "token_type": "Bearer",
                "refresh_token": format!("ref-{n}"),
                "scope": "qflowapi openid profile email offline_access",
            }))
            .into_response(),
        }
    }

    async fn idp() -> (Arc<Idp>, String) {
        let state = Arc::new(Idp::default());
        *state.mode.lock().unwrap() = "ok";
        *state.refresh_mode.lock().unwrap() = "ok";
        state.lifetime.store(3600, Ordering::SeqCst);
        let app = Router::new()
            .route("/core/connect/token", post(idp_token))
            .with_state(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!(
            "http://{}/core/connect/token",
            listener.local_addr().unwrap()
        );
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        (state, url)
    }

    fn creds() -> Credentials {
        Credentials {
            client_id: "cid".into(),
            username: "user@example.com".into(),
            client_secret: Secret::new("s3cret&x=1"),
            password: Secret::new("pa ss+word"),
            client_key: Secret::new("key"),
        }
    }

    fn auth(url: &str) -> Arc<Auth> {
        Arc::new(Auth::new(reqwest::Client::new(), url.to_owned(), creds()))
    }

    #[tokio::test]
    async fn password_grant_sends_the_guides_form_fields() {
        let (idp, url) = idp().await;
        let a = auth(&url);
        a.sign_in().await.unwrap();
        let form = idp.forms.lock().unwrap()[0].clone();
        let fields: Vec<(String, String)> = url::form_urlencoded::parse(form.as_bytes())
            .into_owned()
            .collect();
        let get = |k: &str| fields.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
        assert_eq!(get("grant_type"), Some("password"));
        assert_eq!(get("client_id"), Some("cid"));
        assert_eq!(get("client_secret"), Some("s3cret&x=1"));
        assert_eq!(get("username"), Some("user@example.com"));
        assert_eq!(get("password"), Some("pa ss+word"));
        assert_eq!(get("scope"), Some("qflowapi openid offline_access"));
        assert_eq!(a.token().await.unwrap().expose(), "tok-1");
        assert_eq!(idp.calls.load(Ordering::SeqCst), 1, "cached token reused");
    }

    #[tokio::test]
    async fn concurrent_callers_share_one_token_request() {
        let (idp, url) = idp().await;
        let a = auth(&url);
        let tasks: Vec<_> = (0..20)
            .map(|_| {
                let a = a.clone();
                tokio::spawn(async move { a.token().await.unwrap().expose().to_owned() })
            })
            .collect();
        for t in tasks {
            assert_eq!(t.await.unwrap(), "tok-1");
        }
        assert_eq!(idp.calls.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn a_rejected_token_is_refreshed_once_for_all_waiters() {
        let (idp, url) = idp().await;
        let a = auth(&url);
        let first = a.token().await.unwrap();
        // Twenty requests all got a 401 for the same token.
        let tasks: Vec<_> = (0..20)
            .map(|_| {
                let a = a.clone();
                let g = first.generation();
                tokio::spawn(async move {
                    a.reject(g).await;
                    a.token().await.unwrap().expose().to_owned()
                })
            })
            .collect();
        for t in tasks {
            assert_eq!(t.await.unwrap(), "tok-2");
        }
        assert_eq!(idp.calls.load(Ordering::SeqCst), 2);
        let forms = idp.forms.lock().unwrap();
        assert!(
            forms[1].contains("grant_type=refresh_token"),
            "{}",
            forms[1]
        );
        assert!(forms[1].contains("refresh_token=ref-1"));
        assert!(
            !forms[1].contains("password="),
            "refresh must not resend the password"
        );
    }

    #[tokio::test]
    async fn a_refused_refresh_falls_back_to_the_password_grant() {
        let (idp, url) = idp().await;
        let a = auth(&url);
        let t = a.token().await.unwrap();
        *idp.refresh_mode.lock().unwrap() = "bad_refresh";
        a.reject(t.generation()).await;
        assert_eq!(a.token().await.unwrap().expose(), "tok-3");
        let forms = idp.forms.lock().unwrap();
        assert!(forms[1].contains("grant_type=refresh_token"));
        assert!(forms[2].contains("grant_type=password"));
    }

    #[tokio::test(start_paused = true)]
    async fn short_tokens_refresh_at_half_life_long_ones_five_minutes_early() {
        let (idp, url) = idp().await;
        idp.lifetime.store(120, Ordering::SeqCst);
        let a = auth(&url);
        assert_eq!(a.token().await.unwrap().expose(), "tok-1");
        tokio::time::sleep(Duration::from_secs(59)).await;
        assert_eq!(a.token().await.unwrap().expose(), "tok-1");
        tokio::time::sleep(Duration::from_secs(2)).await;
        idp.lifetime.store(3600, Ordering::SeqCst);
        assert_eq!(a.token().await.unwrap().expose(), "tok-2"); // t=61 > 60
        tokio::time::sleep(Duration::from_secs(3299)).await;
        assert_eq!(a.token().await.unwrap().expose(), "tok-2");
        tokio::time::sleep(Duration::from_secs(2)).await;
        assert_eq!(a.token().await.unwrap().expose(), "tok-3");
    }

    #[tokio::test(start_paused = true)]
    async fn an_early_refresh_that_fails_keeps_the_still_valid_token() {
        let (idp, url) = idp().await;
        idp.lifetime.store(2, Ordering::SeqCst); // refresh due after 1 s, valid for 2 s
        let a = auth(&url);
        a.token().await.unwrap();
        tokio::time::sleep(Duration::from_millis(1100)).await;
        *idp.refresh_mode.lock().unwrap() = "500";
        *idp.mode.lock().unwrap() = "500";
        assert_eq!(a.token().await.unwrap().expose(), "tok-1");
    }

    #[tokio::test]
    async fn identity_refusals_are_plain_sign_in_errors() {
        let (idp, url) = idp().await;
        let a = auth(&url);
        *idp.mode.lock().unwrap() = "bad_password";
        let e = a.sign_in().await.unwrap_err();
        assert_eq!(e.code(), "sign_in_failed");
        assert!(
            e.to_string()
                .contains("username or password was not accepted"),
            "{e}"
        );
        *idp.mode.lock().unwrap() = "bad_client";
        let e = a.sign_in().await.unwrap_err();
        assert!(e.to_string().contains("client id or client secret"), "{e}");
        *idp.mode.lock().unwrap() = "garbage";
        let e = a.sign_in().await.unwrap_err();
        assert_eq!(e.code(), "malformed_response");
        *idp.mode.lock().unwrap() = "500";
        let e = a.sign_in().await.unwrap_err();
        assert!(
            matches!(&e, Error::Api(api) if api.status == 500 && api.endpoint == TOKEN_ENDPOINT)
        );
        let text = format!("{e:?} {e}");
        assert!(
            !text.contains("s3cret") && !text.contains("pa ss"),
            "{text}"
        );
    }

    #[tokio::test]
    async fn unreachable_identity_is_a_network_error() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!(
            "http://{}/core/connect/token",
            listener.local_addr().unwrap()
        );
        drop(listener); // nothing listens there now
        let e = auth(&url).sign_in().await.unwrap_err();
        assert_eq!(e.code(), "network_unreachable");
        assert!(matches!(&e, Error::Network { endpoint, .. } if endpoint == TOKEN_ENDPOINT));
    }

    #[test]
    fn debug_output_has_no_secrets() {
        let a = Auth::new(reqwest::Client::new(), "http://x/".into(), creds());
        let text = format!("{a:?}");
        assert!(
            !text.contains("s3cret") && !text.contains("pa ss"),
            "{text}"
        );
        let t = AccessToken {
            value: Secret::new("tok-xyz"),
            generation: 3,
        };
        assert!(!format!("{t:?}").contains("tok-xyz"));
        assert!(t.header_value().unwrap().is_sensitive());
    }
}
