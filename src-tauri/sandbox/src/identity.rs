//! `POST /core/connect/token`: the OAuth password and refresh_token grants (IdentityServer style).

use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::json;

use crate::resp::{json_status, ok};
use crate::state::{random_hex, SharedRef, TokenInfo, USERS};

/// The scope string the guide's token response shows.
const GRANTED_SCOPE: &str = "qflowapi openid profile email offline_access";
const KNOWN_SCOPES: &[&str] = &["qflowapi", "openid", "profile", "email", "offline_access"];

fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    json_status(
        status,
        &json!({"error": error, "error_description": description}),
    )
}

pub(crate) async fn token(State(s): State<SharedRef>, headers: HeaderMap, body: Bytes) -> Response {
    s.token_requests.fetch_add(1, Ordering::SeqCst);
    let is_form = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "Content-Type must be application/x-www-form-urlencoded.",
        );
    }
    let form: HashMap<String, String> = url::form_urlencoded::parse(&body).into_owned().collect();
    let field = |k: &str| form.get(k).map(String::as_str).unwrap_or("");

    if field("client_id") != crate::DEMO_CLIENT_ID
        || field("client_secret") != crate::DEMO_CLIENT_SECRET
    {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_client",
            "Unknown client or wrong client secret.",
        );
    }

    let user = match field("grant_type") {
        "password" => {
            if let Some(bad) = field("scope")
                .split([' ', '+'])
                .find(|sc| !sc.is_empty() && !KNOWN_SCOPES.contains(sc))
            {
                return oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_scope",
                    &format!("Unknown scope: {bad}."),
                );
            }
            let username = field("username").to_ascii_lowercase();
            if !USERS.contains(&username.as_str()) || field("password") != crate::DEMO_PASSWORD {
                return oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    "invalid_username_or_password",
                );
            }
            username
        }
        "refresh_token" => {
            // One-time refresh tokens: each use returns a new one and retires the old.
            let mut st = s.lock();
            match st.refresh_tokens.remove(field("refresh_token")) {
                Some(u) => u,
                None => {
                    return oauth_error(
                        StatusCode::BAD_REQUEST,
                        "invalid_grant",
                        "The refresh token is invalid, expired or already used.",
                    )
                }
            }
        }
        "" => {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "grant_type is required.",
            )
        }
        _ => {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "unsupported_grant_type",
                "Supported grant types: password, refresh_token.",
            )
        }
    };

    let access = random_hex(16);
    let refresh = random_hex(32);
    let lifetime = s.cfg.token_lifetime_secs;
    {
        let mut st = s.lock();
        let now = Instant::now();
        st.tokens.retain(|_, t| t.expires > now);
        st.tokens.insert(
            access.clone(),
            TokenInfo {
                user: user.clone(),
                expires: now + Duration::from_secs(lifetime),
            },
        );
        st.refresh_tokens.insert(refresh.clone(), user);
    }
    ok(&json!({
        "access_token": access,
        "expires_in": lifetime,
        "token_type": "Bearer",
        "refresh_token": refresh,
        "scope": GRANTED_SCOPE,
    }))
}
