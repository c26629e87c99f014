//! Client behaviour against a raw HTTP/1.1 server on 127.0.0.1:0 that records the exact bytes
//! of each request head (so headers are checked as they are on the wire).

use super::*;
use reqwest::header::{HeaderMap, RETRY_AFTER};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use crate::models::SendRequest;
use crate::secrets::Secret;

#[derive(Clone, Debug)]
struct Seen {
    method: String,
    path: String,
    head: String,
    body: Vec<u8>,
}

impl Seen {
    fn header(&self, name: &str) -> Vec<String> {
        self.head
            .lines()
            .skip(1)
            .filter_map(|l| l.split_once(':'))
            .filter(|(n, _)| n.trim().eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim().to_owned())
            .collect()
    }
}

enum Reply {
    Json(u16, Value),
    Raw(u16, Vec<(&'static str, String)>, String),
    /// Read the request, then close without answering.
    Close,
    /// Read the request, then wait (longer than the client's timeout).
    Hang,
}

type Handler = dyn Fn(&Seen, usize) -> Reply + Send + Sync;

struct Server {
    url: String,
    seen: Arc<Mutex<Vec<Seen>>>,
    tokens: Arc<AtomicUsize>,
}

impl Server {
    /// `api` answers `/api/...`; the token endpoint always issues `tok-<n>`.
    async fn start(api: impl Fn(&Seen, usize) -> Reply + Send + Sync + 'static) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let seen = Arc::new(Mutex::new(Vec::new()));
        let tokens = Arc::new(AtomicUsize::new(0));
        let api: Arc<Handler> = Arc::new(api);
        let (s2, t2) = (seen.clone(), tokens.clone());
        tokio::spawn(async move {
            loop {
                let (mut sock, _) = listener.accept().await.unwrap();
                let (seen, tokens, api) = (s2.clone(), t2.clone(), api.clone());
                tokio::spawn(async move {
                    let Some(req) = read_request(&mut sock).await else {
                        return;
                    };
                    let reply = if req.path.starts_with("/core/connect/token") {
                        let n = tokens.fetch_add(1, Ordering::SeqCst) + 1;
                        Reply::Json(
                            200,
                            json!({"access_token": format!("tok-{n}"), "expires_in": 3600, "refresh_token": format!("r-{n}")}),
                        )
                    } else {
                        let n = {
                            let mut s = seen.lock().unwrap();
                            s.push(req.clone());
                            s.len()
                        };
                        api(&req, n)
                    };
                    let (status, headers, body) = match reply {
                        Reply::Json(st, v) => (
                            st,
                            vec![("Content-Type", "application/json".to_owned())],
                            v.to_string(),
                        ),
                        Reply::Raw(st, h, b) => (st, h, b),
                        Reply::Close => return,
                        Reply::Hang => {
                            tokio::time::sleep(Duration::from_secs(30)).await;
                            return;
                        }
                    };
                    let mut out = format!(
                        "HTTP/1.1 {status} X\r\nContent-Length: {}\r\nConnection: close\r\n",
                        body.len()
                    );
                    for (k, v) in headers {
                        out.push_str(&format!("{k}: {v}\r\n"));
                    }
                    out.push_str("\r\n");
                    out.push_str(&body);
                    let _ = sock.write_all(out.as_bytes()).await;
                    let _ = sock.shutdown().await;
                });
            }
        });
        Server { url, seen, tokens }
    }

    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    fn client(&self) -> Client {
        self.client_with(Duration::from_secs(5))
    }

    fn client_with(&self, total: Duration) -> Client {
        Client::new(ClientConfig {
            api_base: format!("{}/", self.url),
            identity_url: format!("{}/core/connect/token", self.url),
            credentials: creds(),
            budget: Some(Budget::new(1000)),
            connect_timeout: Duration::from_secs(2),
            total_timeout: total,
        })
        .unwrap()
    }
}

async fn read_request(sock: &mut tokio::net::TcpStream) -> Option<Seen> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        let n = sock.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut first = head.lines().next()?.split(' ');
    let (method, path) = (first.next()?.to_owned(), first.next()?.to_owned());
    let mut seen = Seen {
        method,
        path,
        head,
        body: Vec::new(),
    };
    let len: usize = seen
        .header("content-length")
        .first()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let mut body = buf[head_end..].to_vec();
    while body.len() < len {
        let n = sock.read(&mut chunk).await.ok()?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    seen.body = body;
    Some(seen)
}

fn creds() -> Credentials {
    Credentials {
        client_id: "cid".into(),
        username: "u@example.com".into(),
        client_secret: Secret::new("client-secret-x"),
        password: Secret::new("password-x"),
        client_key: Secret::new("2c2dd698e83b1b2d8340ab76b2c41359"),
    }
}

fn send_req() -> SendRequest {
    SendRequest {
        attendee_id: Uuid::new_v4(),
        template_id: Uuid::new_v4(),
        correlation_id: Some("c-1".into()),
    }
}

fn send_ok() -> Reply {
    Reply::Json(
        200,
        json!({"attendeeInvitationId": Uuid::new_v4(), "status": "queued", "newField": 1}),
    )
}

#[tokio::test]
async fn every_request_carries_both_headers_and_the_user_agent() {
    let srv = Server::start(|r, _| match r.path.as_str() {
        "/api/comms/webhook/test" => Reply::Json(200, json!({"event": "comms.test"})),
        "/api/comms/send" => send_ok(),
        _ => Reply::Json(200, json!({"url": null})),
    })
    .await;
    let c = srv.client();
    c.webhook_get().await.unwrap();
    c.webhook_test().await.unwrap();
    let sent = c.send(&send_req()).await.unwrap();
    assert_eq!(sent.status, "queued");
    assert_eq!(sent.extra["newField"], 1);
    let seen = srv.seen();
    assert_eq!(seen.len(), 3);
    for r in &seen {
        assert_eq!(
            r.header("authorization"),
            vec!["Bearer tok-1"],
            "{}",
            r.head
        );
        assert_eq!(
            r.header("x-qflow-client-key"),
            vec!["2c2dd698e83b1b2d8340ab76b2c41359"]
        );
        assert_eq!(
            r.header("user-agent"),
            vec![format!(
                "qflow-console/{} (+https://github.com/qflow-console)",
                env!("CARGO_PKG_VERSION")
            )]
        );
        assert!(r.header("transfer-encoding").is_empty(), "{}", r.head);
    }
    // The empty-body POST says so explicitly, exactly once.
    assert_eq!(seen[1].method, "POST");
    assert_eq!(
        seen[1].header("content-length"),
        vec!["0"],
        "{}",
        seen[1].head
    );
    assert!(seen[1].body.is_empty());
    // The JSON POST has its real length and type.
    assert_eq!(seen[2].header("content-type"), vec!["application/json"]);
    assert_eq!(
        seen[2].header("content-length"),
        vec![seen[2].body.len().to_string()]
    );
    let body: Value = serde_json::from_slice(&seen[2].body).unwrap();
    assert_eq!(body["correlationId"], "c-1");
    assert_eq!(srv.tokens.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn every_empty_post_sends_content_length_zero() {
    let srv = Server::start(|_, _| {
        Reply::Json(
            200,
            json!({"verified": false, "enabled": false, "reasons": [], "url": "x", "secret": "s"}),
        )
    })
    .await;
    let c = srv.client();
    for req in [
        ApiRequest::webhook_rotate(),
        ApiRequest::webhook_test(),
        ApiRequest::webhook_delete(),
        ApiRequest::domain_verify(),
        ApiRequest::domain_activate(),
        ApiRequest::domain_deactivate(),
        ApiRequest::domain_delete(),
    ] {
        c.execute(req).await.unwrap();
    }
    let seen = srv.seen();
    assert_eq!(seen.len(), 7);
    for r in seen {
        assert_eq!(r.header("content-length"), vec!["0"], "{}", r.head);
    }
}

#[tokio::test]
async fn idempotent_requests_retry_5xx_with_backoff() {
    let srv = Server::start(|_, n| {
        if n < 3 {
            Reply::Raw(503, vec![], "busy".into())
        } else {
            Reply::Json(200, json!({"url": "https://h.example/x"}))
        }
    })
    .await;
    let cfg = srv.client().webhook_get().await.unwrap();
    assert_eq!(cfg.url.as_deref(), Some("https://h.example/x"));
    assert_eq!(srv.seen().len(), 3);
}

#[tokio::test]
async fn idempotent_retries_stop_after_four_attempts() {
    let srv = Server::start(|_, _| Reply::Json(500, json!({"message": "down"}))).await;
    let e = srv.client().webhook_get().await.unwrap_err();
    assert!(
        matches!(&e, Error::Api(a) if a.status == 500 && a.endpoint == "GET /api/comms/webhook"),
        "{e:?}"
    );
    assert_eq!(srv.seen().len(), MAX_ATTEMPTS as usize);
}

#[tokio::test]
async fn a_send_is_never_retried_after_a_5xx() {
    let srv = Server::start(|_, _| Reply::Json(500, json!({"message": "oops"}))).await;
    let e = srv.client().send(&send_req()).await.unwrap_err();
    assert!(matches!(&e, Error::Api(a) if a.status == 500 && a.endpoint == "POST /api/comms/send"));
    assert_eq!(srv.seen().len(), 1);
}

#[tokio::test]
async fn a_send_whose_connection_drops_is_outcome_unknown() {
    let srv = Server::start(|_, _| Reply::Close).await;
    let e = srv.client().send(&send_req()).await.unwrap_err();
    assert!(
        matches!(&e, Error::OutcomeUnknown { endpoint, .. } if endpoint == "POST /api/comms/send"),
        "{e:?}"
    );
    assert_eq!(srv.seen().len(), 1);
    assert!(e.body().next_step.contains("Do not simply send again"));
}

#[tokio::test]
async fn a_send_that_times_out_is_outcome_unknown() {
    let srv = Server::start(|_, _| Reply::Hang).await;
    let e = srv
        .client_with(Duration::from_millis(300))
        .send(&send_req())
        .await
        .unwrap_err();
    assert_eq!(e.code(), "outcome_unknown", "{e:?}");
    assert!(e.to_string().contains("timed out"), "{e}");
    assert_eq!(srv.seen().len(), 1);
}

#[tokio::test]
async fn a_dropped_get_is_retried() {
    let srv = Server::start(|_, n| {
        if n == 1 {
            Reply::Close
        } else {
            Reply::Json(200, json!({"url": null}))
        }
    })
    .await;
    srv.client().webhook_get().await.unwrap();
    assert_eq!(srv.seen().len(), 2);
}

#[tokio::test]
async fn a_delete_whose_first_answer_was_lost_then_404s_is_done() {
    let srv = Server::start(|_, n| {
        if n == 1 {
            Reply::Close
        } else {
            Reply::Raw(404, vec![], String::new())
        }
    })
    .await;
    let c = srv.client();
    c.guest_delete(Uuid::new_v4()).await.unwrap();
    assert_eq!(srv.seen().len(), 2);
    // Without a lost first attempt a 404 is a 404.
    let srv = Server::start(|_, _| Reply::Raw(404, vec![], String::new())).await;
    let e = srv.client().guest_delete(Uuid::new_v4()).await.unwrap_err();
    assert!(matches!(e, Error::Api(a) if a.status == 404));
}

#[tokio::test]
async fn refused_connections_are_network_errors_even_for_a_send() {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    drop(l);
    // Identity answers; the API host does not.
    let idp = Server::start(|_, _| Reply::Json(200, json!({}))).await;
    let c = Client::new(ClientConfig {
        api_base: format!("http://127.0.0.1:{port}"),
        identity_url: format!("{}/core/connect/token", idp.url),
        credentials: creds(),
        budget: Some(Budget::new(1000)),
        connect_timeout: Duration::from_secs(2),
        total_timeout: Duration::from_secs(5),
    })
    .unwrap();
    let e = c.send(&send_req()).await.unwrap_err();
    assert!(
        matches!(&e, Error::Network { endpoint, .. } if endpoint == "POST /api/comms/send"),
        "{e:?}"
    );
    assert!(e.body().next_step.contains("Nothing was sent"));
}

#[tokio::test]
async fn a_401_for_the_token_reauthorizes_once_even_for_a_send() {
    let srv = Server::start(|r, n| {
        if n == 1 {
            assert_eq!(r.header("authorization"), vec!["Bearer tok-1"]);
            Reply::Json(
                401,
                json!({"message": "Authorization has been denied for this request."}),
            )
        } else {
            assert_eq!(r.header("authorization"), vec!["Bearer tok-2"]);
            send_ok()
        }
    })
    .await;
    srv.client().send(&send_req()).await.unwrap();
    assert_eq!(srv.seen().len(), 2);
    assert_eq!(srv.tokens.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn a_second_401_is_surfaced() {
    let srv = Server::start(|_, _| {
        Reply::Json(
            401,
            json!({"message": "Authorization has been denied for this request."}),
        )
    })
    .await;
    let e = srv.client().webhook_get().await.unwrap_err();
    assert!(
        matches!(&e, Error::Api(a) if a.status == 401 && a.code == "unauthorized"),
        "{e:?}"
    );
    assert_eq!(srv.seen().len(), 2);
}

#[tokio::test]
async fn client_key_invalid_is_surfaced_at_once() {
    let srv = Server::start(|_, _| Reply::Json(401, json!({"error": "client_key_invalid", "message": "Missing or invalid X-Qflow-Client-Key header."}))).await;
    let e = srv.client().webhook_get().await.unwrap_err();
    assert_eq!(e.code(), "client_key_invalid");
    assert!(e.body().next_step.contains("configuration error"));
    assert_eq!(srv.seen().len(), 1);
    assert_eq!(srv.tokens.load(Ordering::SeqCst), 1, "no token re-acquired");
}

#[tokio::test]
async fn a_429_pauses_the_budget_and_a_send_is_not_repeated() {
    let srv = Server::start(|_, _| {
        Reply::Raw(
            429,
            vec![
                ("Retry-After", "17".into()),
                ("Content-Type", "application/json".into()),
            ],
            r#"{"error":"rate_limit","message":"Too many requests"}"#.into(),
        )
    })
    .await;
    let c = srv.client();
    let e = c.send(&send_req()).await.unwrap_err();
    assert!(
        matches!(&e, Error::Api(a) if a.code == "rate_limit" && a.retry_after == Some(17)),
        "{e:?}"
    );
    let paused = c.budget().paused_for().unwrap();
    assert!(
        paused > Duration::from_secs(15) && paused <= Duration::from_secs(17),
        "{paused:?}"
    );
    assert_eq!(srv.seen().len(), 1);

    // Edge block: no JSON body → 60 s.
    let srv = Server::start(|_, _| Reply::Raw(429, vec![], "<html>blocked</html>".into())).await;
    let c = srv.client();
    let e = c.send(&send_req()).await.unwrap_err();
    assert_eq!(e.code(), "rate_limit_edge");
    assert!(c.budget().paused_for().unwrap() > Duration::from_secs(58));
}

#[tokio::test]
async fn bodies_that_are_not_json_are_malformed_and_empty_is_null() {
    let srv = Server::start(|r, _| match r.path.as_str() {
        "/api/comms/webhook" => Reply::Raw(200, vec![], "{\"url\": \"htt".into()),
        _ => Reply::Raw(200, vec![], String::new()),
    })
    .await;
    let c = srv.client();
    let e = c.webhook_get().await.unwrap_err();
    assert!(
        matches!(&e, Error::Malformed { endpoint, .. } if endpoint == "GET /api/comms/webhook"),
        "{e:?}"
    );
    assert_eq!(
        c.execute(ApiRequest::domain_delete()).await.unwrap(),
        Value::Null
    );
    // Valid JSON of the wrong shape is malformed too, not a panic.
    let srv = Server::start(|_, _| Reply::Json(200, json!([1, 2]))).await;
    assert_eq!(
        srv.client()
            .guest_get(Uuid::new_v4())
            .await
            .unwrap_err()
            .code(),
        "malformed_response"
    );
}

#[tokio::test]
async fn an_answer_larger_than_the_cap_is_refused_naming_its_size() {
    // Announced: refused before reading it.
    let big = "x".repeat(MAX_RESPONSE_BYTES + 1);
    let srv = Server::start(move |r, _| match r.path.as_str() {
        "/api/comms/webhook" => Reply::Raw(200, vec![], big.clone()),
        _ => Reply::Raw(500, vec![], big.clone()),
    })
    .await;
    let c = srv.client();
    let e = c.webhook_get().await.unwrap_err();
    let Error::Malformed { endpoint, message } = &e else {
        panic!("{e:?}")
    };
    assert_eq!(endpoint, "GET /api/comms/webhook");
    assert!(message.contains("32.0 MiB"), "{message}");
    assert_eq!(
        srv.seen().len(),
        1,
        "not retried: the next answer would be as large"
    );
    // An error status is mapped from the status alone.
    let e = c.domain_create("a.example").await.unwrap_err();
    assert!(matches!(&e, Error::Api(a) if a.status == 500), "{e:?}");

    // Streamed without a length: cut off once past the cap.
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            tokio::spawn(async move {
                let Some(req) = read_request(&mut sock).await else {
                    return;
                };
                if req.path.starts_with("/core/connect/token") {
                    let body = json!({"access_token": "t", "expires_in": 3600}).to_string();
                    let head = format!(
                        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                        body.len()
                    );
                    let _ = sock.write_all(format!("{head}{body}").as_bytes()).await;
                    return;
                }
                let head =
                    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n";
                if sock.write_all(head.as_bytes()).await.is_err() {
                    return;
                }
                let chunk = vec![b'x'; 1 << 20];
                for _ in 0..40 {
                    let mut c = format!("{:x}\r\n", chunk.len()).into_bytes();
                    c.extend_from_slice(&chunk);
                    c.extend_from_slice(b"\r\n");
                    if sock.write_all(&c).await.is_err() {
                        return; // the client hung up: what we want
                    }
                }
                let _ = sock.write_all(b"0\r\n\r\n").await;
            });
        }
    });
    let c = Client::new(ClientConfig {
        api_base: url.clone(),
        identity_url: format!("{url}/core/connect/token"),
        credentials: creds(),
        budget: Some(Budget::new(1000)),
        connect_timeout: Duration::from_secs(2),
        total_timeout: Duration::from_secs(10),
    })
    .unwrap();
    let e = c.webhook_get().await.unwrap_err();
    assert!(
        matches!(&e, Error::Malformed { message, .. } if message.contains("more than 32.0 MiB")),
        "{e:?}"
    );
}

#[tokio::test]
async fn a_webhook_secret_never_appears_in_a_malformed_error() {
    let srv = Server::start(|_, _| {
        Reply::Json(
            200,
            json!({"url": "https://x.example", "secret": 424242424242u64}),
        )
    })
    .await;
    let e = srv.client().webhook_rotate().await.unwrap_err();
    assert_eq!(e.code(), "malformed_response");
    assert!(!format!("{e} {e:?}").contains("424242424242"));
}

#[tokio::test]
async fn invalid_input_never_reaches_the_server() {
    let srv = Server::start(|_, _| Reply::Json(200, json!({}))).await;
    let c = srv.client();
    let ev = Uuid::new_v4();
    let many: Vec<Guest> = (0..201)
        .map(|i| Guest {
            id: Uuid::new_v4(),
            event_id: ev,
            first_name: format!("F{i}"),
            last_name: "L".into(),
            ..Default::default()
        })
        .collect();
    let e = c.guests_bulk_create(ev, &many).await.unwrap_err();
    assert!(
        matches!(&e, Error::Invalid { field, .. } if field == "guests"),
        "{e:?}"
    );
    assert!(e.is_bad_input());
    for bad in ["https://yourbrand.com", "your brand.com", "yourbrand.com/x"] {
        assert_eq!(
            c.domain_create(bad).await.unwrap_err().code(),
            "invalid_input"
        );
    }
    assert_eq!(
        c.webhook_set("ftp://x.example").await.unwrap_err().code(),
        "invalid_input"
    );
    assert!(srv.seen().is_empty());
    assert_eq!(
        srv.tokens.load(Ordering::SeqCst),
        0,
        "not even a token request"
    );
}

#[tokio::test]
async fn query_strings_are_encoded() {
    let srv = Server::start(|_, _| Reply::Json(200, json!([]))).await;
    let d = chrono::NaiveDate::from_ymd_opt(2026, 6, 1).unwrap();
    srv.client()
        .events_list(
            d.and_hms_opt(0, 0, 0).unwrap(),
            d.and_hms_opt(23, 59, 59).unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(
        srv.seen()[0].path,
        "/api/events?start=2026-06-01T00%3A00%3A00&end=2026-06-01T23%3A59%3A59"
    );
}

#[test]
fn config_problems_are_invalid_input() {
    let mut cfg = ClientConfig::new(creds());
    assert!(Client::new(cfg.clone()).is_ok());
    cfg.api_base = "api-uksouth-01.qflowhub.io".into();
    assert_eq!(
        Client::new(cfg.clone()).unwrap_err().code(),
        "invalid_input"
    );
    cfg.api_base = crate::DEFAULT_API_BASE.into();
    cfg.credentials.client_key = Secret::new("bad\nkey");
    assert_eq!(Client::new(cfg).unwrap_err().code(), "invalid_input");
}

#[test]
fn debug_shows_no_secret() {
    let c = Client::new(ClientConfig::new(creds())).unwrap();
    let text = format!("{c:?}");
    for s in [
        "client-secret-x",
        "password-x",
        "2c2dd698e83b1b2d8340ab76b2c41359",
    ] {
        assert!(!text.contains(s), "{text}");
    }
}

#[test]
fn retry_after_reads_seconds_and_dates() {
    let mut h = HeaderMap::new();
    h.insert(RETRY_AFTER, HeaderValue::from_static("42"));
    assert_eq!(retry_after(&h), Some(42));
    let soon = chrono::Utc::now() + chrono::Duration::seconds(30);
    h.insert(
        RETRY_AFTER,
        HeaderValue::from_str(&soon.to_rfc2822()).unwrap(),
    );
    assert!((28..=30).contains(&retry_after(&h).unwrap()));
    h.insert(RETRY_AFTER, HeaderValue::from_static("soon"));
    assert_eq!(retry_after(&h), None);
}

#[test]
fn backoff_grows_with_jitter_and_honours_retry_after() {
    for _ in 0..20 {
        let d1 = backoff_delay(1, None);
        assert!(
            d1 >= Duration::from_millis(125) && d1 <= Duration::from_millis(250),
            "{d1:?}"
        );
        let d3 = backoff_delay(3, None);
        assert!(
            d3 >= Duration::from_millis(500) && d3 <= Duration::from_millis(1000),
            "{d3:?}"
        );
    }
    assert_eq!(backoff_delay(1, Some(5)), Duration::from_secs(5));
    assert_eq!(backoff_delay(1, Some(500)), Duration::from_secs(60));
}

#[tokio::test]
async fn guest_lists_parse_straight_from_the_body_and_name_the_endpoint_when_they_do_not_fit() {
    let event = Uuid::new_v4();
    let guest = |i: usize| {
        json!({
            "id": Uuid::new_v4(), "eventId": event, "firstName": format!("Zoë{i}"),
            "lastName": "Ng", "email": format!("z{i}@example.com"), "futureField": {"kept": i}
        })
    };
    let list: Vec<Value> = (0..3).map(guest).collect();
    let srv = Server::start(move |_, _| Reply::Json(200, Value::Array(list.clone()))).await;
    let got = srv.client().guests_list(event).await.unwrap();
    assert_eq!(got.len(), 3);
    assert_eq!(got[1].first_name, "Zoë1");
    assert_eq!(got[2].extra.get("futureField"), Some(&json!({"kept": 2})));

    let endpoint = format!("GET /api/guests/{event}");
    // Cut off mid-list: not JSON.
    let srv = Server::start(|_, _| Reply::Raw(200, vec![], "[{\"id\": \"".into())).await;
    match srv.client().guests_list(event).await.unwrap_err() {
        Error::Malformed {
            endpoint: e,
            message,
        } => {
            assert_eq!(e, endpoint);
            assert!(message.starts_with("not valid JSON"), "{message}");
        }
        e => panic!("{e:?}"),
    }
    // JSON of the wrong shape: serde's reason, still naming the endpoint.
    let srv = Server::start(|_, _| Reply::Json(200, json!({"items": []}))).await;
    match srv.client().guests_list(event).await.unwrap_err() {
        Error::Malformed {
            endpoint: e,
            message,
        } => {
            assert_eq!(e, endpoint);
            assert!(message.contains("expected a sequence"), "{message}");
        }
        e => panic!("{e:?}"),
    }
    // An empty 2xx body reads as null, which a list is not.
    let srv = Server::start(|_, _| Reply::Raw(200, vec![], "  ".into())).await;
    let e = srv.client().guests_list(event).await.unwrap_err();
    assert_eq!(e.code(), "malformed_response");
}

#[tokio::test]
async fn simulated_offline_sends_nothing_spends_no_budget_and_recovers() {
    let srv = Server::start(|_, _| send_ok()).await;
    let c = srv.client();
    c.simulate_offline(true);
    // A clone (another priority) shares the switch.
    assert!(c.background().is_simulating_offline());
    let e = c.send(&send_req()).await.unwrap_err();
    // Nothing left the machine: a send is network_unreachable, never outcome_unknown.
    assert_eq!(e.code(), "network_unreachable", "{e:?}");
    assert!(e.body().next_step.contains("Nothing was sent"));
    assert!(srv.seen().is_empty());
    assert_eq!(srv.tokens.load(Ordering::SeqCst), 0, "no token request");
    assert_eq!(c.budget().in_window(), 0, "no budget spent");

    c.simulate_offline(false);
    c.send(&send_req()).await.unwrap();
    assert_eq!(srv.seen().len(), 1);
}
