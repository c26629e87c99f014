//! What one client can cost the receiver: a body cap (413), a time limit for the headers and
//! for the body (a client that stalls is cut off: slowloris), and a cap on requests handled at
//! once (503 + Retry-After: Qflow retries a 5xx, so nothing is lost). Qflow's events are a few
//! hundred bytes sent at once; these leave it a wide margin.

use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use axum::Router;
use http_body_util::{BodyExt, LengthLimitError, Limited};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinSet;

use super::json;

/// Largest body accepted (the guide's events are ~300 bytes).
pub const MAX_BODY_BYTES: usize = 256 * 1024;
/// Time a client has to send its headers, then again its body.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// Requests handled at once.
pub const MAX_IN_FLIGHT: usize = 64;

/// Too many requests at once.
pub(super) fn busy() -> Response {
    closing(retry_after(json(
        StatusCode::SERVICE_UNAVAILABLE,
        "receiver_busy",
        "The receiver is handling too many requests at once; retry shortly.",
    )))
}

fn retry_after(mut r: Response) -> Response {
    r.headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    r
}

/// The connection is not reused (its body may be unread).
fn closing(mut r: Response) -> Response {
    r.headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    r
}

fn too_large(max: usize, got: Option<u64>) -> Response {
    let got = got.map(|n| format!("is {n} bytes; ")).unwrap_or_default();
    closing(json(
        StatusCode::PAYLOAD_TOO_LARGE,
        "body_too_large",
        &format!(
            "The request body {got}this receiver accepts at most {} KiB ({max} bytes). Qflow's events are well under 1 KiB.",
            max / 1024
        ),
    ))
}

/// The body, at most `max` bytes, all of it within `timeout`; else the answer to give.
pub(super) async fn read_body(
    headers: &HeaderMap,
    body: Body,
    max: usize,
    timeout: Duration,
) -> Result<Bytes, Response> {
    // Refuse at once what announces itself too large (nothing is read).
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > max as u64) {
        return Err(too_large(max, declared));
    }
    match tokio::time::timeout(timeout, Limited::new(body, max).collect()).await {
        Ok(Ok(collected)) => Ok(collected.to_bytes()),
        Ok(Err(e)) if e.downcast_ref::<LengthLimitError>().is_some() => Err(too_large(max, None)),
        Ok(Err(e)) => Err(closing(json(
            StatusCode::BAD_REQUEST,
            "body_unreadable",
            &format!("The request body could not be read: {e}"),
        ))),
        Err(_) => Err(closing(json(
            StatusCode::REQUEST_TIMEOUT,
            "request_timeout",
            &format!(
                "The request body did not arrive within {} s; the connection is closed.",
                timeout.as_secs_f64()
            ),
        ))),
    }
}

/// Serves `app` until `stop` turns true (or its sender is dropped), then lets open
/// connections finish. Each connection must send a request's headers within `header_timeout`
/// (idle keep-alive connections too), which axum's own `serve` does not enforce.
pub(super) async fn accept_loop(
    listener: TcpListener,
    app: Router,
    header_timeout: Duration,
    mut stop: watch::Receiver<bool>,
) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    connections.spawn(connection(stream, app.clone(), header_timeout, stop.clone()));
                }
                Err(e) => {
                    // e.g. out of file descriptors: don't spin.
                    tracing::warn!("webhook receiver could not accept a connection: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
            _ = stop.changed() => break,
        }
    }
    drop(listener);
    while connections.join_next().await.is_some() {}
}

async fn connection(
    stream: tokio::net::TcpStream,
    app: Router,
    header_timeout: Duration,
    mut stop: watch::Receiver<bool>,
) {
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(header_timeout);
    let conn = builder.serve_connection(TokioIo::new(stream), TowerToHyperService::new(app));
    tokio::pin!(conn);
    let finished = tokio::select! {
        r = conn.as_mut() => Some(r),
        _ = stop.changed() => None,
    };
    let result = match finished {
        Some(r) => r,
        None => {
            // Finish the request in progress (the event is stored before its 200), then close.
            conn.as_mut().graceful_shutdown();
            conn.await
        }
    };
    if let Err(e) = result {
        tracing::debug!("webhook receiver connection ended: {e}");
    }
}
