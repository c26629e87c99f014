//! Accept loop (so a fault can drop a connection) and the request pipeline in front of the
//! handlers: 411 → request log → faults → edge limit → client key → bearer → in-app limit →
//! account gates (403) → handler.

use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Instant;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::{watch, Notify};
use tower::ServiceExt;

use crate::resp::{coded, json_status};
use crate::state::SharedRef;
use crate::{FaultKind, CLIENT_KEY};

/// Per-connection context handed to the pipeline.
#[derive(Clone)]
pub(crate) struct Conn {
    pub peer: SocketAddr,
    pub kill: Arc<Notify>,
}

/// The authenticated caller, for handlers.
#[derive(Clone)]
pub(crate) struct Caller {
    pub user: String,
}

pub(crate) async fn accept_loop(
    listener: TcpListener,
    app: axum::Router,
    mut stop: watch::Receiver<bool>,
) {
    loop {
        let (stream, peer) = tokio::select! {
            r = listener.accept() => match r {
                Ok(x) => x,
                Err(_) => {
                    // e.g. out of file descriptors: don't spin.
                    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                    continue;
                }
            },
            _ = stop.changed() => return,
        };
        let app = app.clone();
        let mut stop = stop.clone();
        tokio::spawn(async move {
            let kill = Arc::new(Notify::new());
            let conn_ctx = Conn {
                peer,
                kill: kill.clone(),
            };
            let svc = tower::service_fn(move |mut req: Request<hyper::body::Incoming>| {
                req.extensions_mut().insert(conn_ctx.clone());
                app.clone().oneshot(req.map(Body::new))
            });
            let conn = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), TowerToHyperService::new(svc));
            // Dropping the connection future closes the socket without an answer.
            tokio::select! {
                _ = conn => {}
                _ = kill.notified() => {}
                _ = stop.changed() => {}
            }
        });
    }
}

/// The guide's 411 list: empty-body POSTs that IIS rejects without `Content-Length`.
const LENGTH_REQUIRED: &[&str] = &[
    "/api/comms/webhook/rotate",
    "/api/comms/webhook/test",
    "/api/comms/webhook/delete",
    "/api/comms/domain/verify",
    "/api/comms/domain/activate",
    "/api/comms/domain/deactivate",
    "/api/comms/domain/delete",
];

const EDGE_429_BODY: &str = "<!DOCTYPE html>\n<html><head><title>Access denied | api-uksouth-01.qflowhub.io used Cloudflare to restrict access</title></head>\n<body><h1>Error 1015</h1><h2>You are being rate limited</h2>\n<p>The owner of this website (api-uksouth-01.qflowhub.io) has banned you temporarily from accessing this website.</p></body></html>\n";

fn with_retry_after(mut r: Response, secs: u64) -> Response {
    if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
        r.headers_mut().insert(header::RETRY_AFTER, v);
    }
    r
}

fn denied() -> Response {
    json_status(
        StatusCode::UNAUTHORIZED,
        &serde_json::json!({"message": "Authorization has been denied for this request."}),
    )
}

pub(crate) async fn pipeline(State(s): State<SharedRef>, mut req: Request, next: Next) -> Response {
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let conn = req.extensions().get::<Conn>().cloned();
    let ip: IpAddr = conn
        .as_ref()
        .map(|c| c.peer.ip())
        .unwrap_or(IpAddr::from([127, 0, 0, 1]));
    let is_api = path == "/api" || path.starts_with("/api/");
    if s.offline.load(Ordering::SeqCst) {
        return drop_connection(conn).await;
    }

    // Edge first: Cloudflare sits in front of IIS, so even a 411 counts against the IP.
    if is_api && s.edge_limit.load(Ordering::SeqCst) {
        let verdict = s
            .limits
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .edge_check(ip, Instant::now());
        if let Err(secs) = verdict {
            log_request(&s, &method, &path);
            let mut r = (StatusCode::TOO_MANY_REQUESTS, EDGE_429_BODY).into_response();
            r.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=UTF-8"),
            );
            return with_retry_after(r, secs);
        }
    }

    if method == Method::POST
        && LENGTH_REQUIRED.contains(&path.as_str())
        && !req.headers().contains_key(header::CONTENT_LENGTH)
    {
        return StatusCode::LENGTH_REQUIRED.into_response();
    }
    log_request(&s, &method, &path);

    let fault = take_fault(&s, &method, &path);
    let mut after = None;
    if let Some(kind) = fault {
        match kind {
            FaultKind::Status {
                status,
                body,
                retry_after,
            } => {
                let code =
                    StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
                let ct = if serde_json::from_str::<serde_json::Value>(&body).is_ok() {
                    "application/json; charset=utf-8"
                } else {
                    "text/plain; charset=utf-8"
                };
                let mut r = (code, body).into_response();
                r.headers_mut()
                    .insert(header::CONTENT_TYPE, HeaderValue::from_static(ct));
                return match retry_after {
                    Some(secs) => with_retry_after(r, secs),
                    None => r,
                };
            }
            FaultKind::DropBeforeRead => return drop_connection(conn).await,
            other => after = Some(other),
        }
    }

    if is_api {
        // Client key before bearer: a message handler runs before the [Authorize] filter.
        let key_ok = req
            .headers()
            .get("x-qflow-client-key")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v == CLIENT_KEY);
        if !key_ok {
            return coded(
                StatusCode::UNAUTHORIZED,
                "client_key_invalid",
                "Missing or invalid X-Qflow-Client-Key header.",
            );
        }
        let token = req
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                let (scheme, rest) = v.split_once(' ')?;
                scheme
                    .eq_ignore_ascii_case("bearer")
                    .then(|| rest.trim().to_string())
            });
        let user = token.and_then(|t| {
            let st = s.lock();
            st.tokens
                .get(&t)
                .filter(|info| info.expires > Instant::now())
                .map(|info| info.user.clone())
        });
        let Some(user) = user else {
            return denied();
        };

        if s.app_limit.load(Ordering::SeqCst) {
            let verdict = s
                .limits
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .app_check(&user, ip, Instant::now());
            if let Err(secs) = verdict {
                let r = coded(
                    StatusCode::TOO_MANY_REQUESTS,
                    "rate_limit",
                    &format!(
                        "Rate limit exceeded: {} requests per minute per user. Retry after {secs} seconds.",
                        crate::limits::LIMIT_PER_MINUTE
                    ),
                );
                return with_retry_after(r, secs);
            }
        }

        if path.starts_with("/api/comms/") && user == crate::NO_COMMS_API_USERNAME {
            return comms_not_enabled();
        }
        req.extensions_mut().insert(Caller { user });
    }

    let resp = next.run(req).await;
    match after {
        Some(FaultKind::DropAfterRead) => drop_connection(conn).await,
        Some(FaultKind::Delay { ms }) => {
            tokio::time::sleep(std::time::Duration::from_millis(ms)).await;
            resp
        }
        Some(FaultKind::MalformedJson) => {
            let bytes = axum::body::to_bytes(resp.into_body(), usize::MAX)
                .await
                .unwrap_or_default();
            let mut cut = bytes.len() / 2;
            if bytes.len() < 4 {
                cut = 0;
            }
            let mut body = bytes[..cut].to_vec();
            if body.is_empty() {
                body = b"{\"id\":".to_vec();
            }
            let mut r = (StatusCode::OK, body).into_response();
            r.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json; charset=utf-8"),
            );
            r
        }
        _ => resp,
    }
}

pub(crate) fn comms_not_enabled() -> Response {
    coded(
        StatusCode::FORBIDDEN,
        "comms_api_not_enabled",
        "This account is not enabled for the Comms API. Contact support@qflow.io to enable it.",
    )
}

pub(crate) fn trust_required() -> Response {
    coded(
        StatusCode::FORBIDDEN,
        "trust_required",
        "Sender verification (KYC) has not been completed for this account. Complete it before sending email.",
    )
}

async fn drop_connection(conn: Option<Conn>) -> Response {
    if let Some(c) = conn {
        c.kill.notify_one();
        std::future::pending::<()>().await;
    }
    // No connection context (not served by our accept loop): the closest we can do.
    StatusCode::INTERNAL_SERVER_ERROR.into_response()
}

fn log_request(s: &SharedRef, method: &Method, path: &str) {
    s.request_log
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push((method.as_str().to_string(), path.to_string()));
}

fn take_fault(s: &SharedRef, method: &Method, path: &str) -> Option<FaultKind> {
    let mut faults = s.faults.lock().unwrap_or_else(|e| e.into_inner());
    let i = faults.iter().position(|f| {
        f.method.eq_ignore_ascii_case(method.as_str()) && path.starts_with(&f.path_prefix)
    })?;
    Some(faults.remove(i).kind)
}
