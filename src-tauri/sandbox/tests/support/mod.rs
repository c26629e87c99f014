//! Test helpers: a started sandbox, a signed-in HTTP client, and a webhook receiver.
#![allow(dead_code)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use qflow_sandbox::{Sandbox, SandboxConfig, CLIENT_KEY};
use reqwest::Method;
use serde_json::{json, Value};

pub fn quiet_config() -> SandboxConfig {
    SandboxConfig {
        seed_data: false,
        rate_limits: false,
        delivery_scale: 0.01,
        ..SandboxConfig::default()
    }
}

pub async fn sandbox() -> Sandbox {
    Sandbox::start(quiet_config())
        .await
        .expect("sandbox starts")
}

pub fn http() -> reqwest::Client {
    reqwest::Client::builder().no_proxy().build().unwrap()
}

pub async fn password_grant(sb: &Sandbox, user: &str) -> reqwest::Response {
    http()
        .post(sb.identity_url())
        .form(&[
            ("grant_type", "password"),
            ("client_id", qflow_sandbox::DEMO_CLIENT_ID),
            ("client_secret", qflow_sandbox::DEMO_CLIENT_SECRET),
            ("username", user),
            ("password", qflow_sandbox::DEMO_PASSWORD),
            ("scope", "qflowapi openid offline_access"),
        ])
        .send()
        .await
        .unwrap()
}

pub struct Api {
    pub base: String,
    pub token: String,
    pub client: reqwest::Client,
}

pub struct Reply {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub text: String,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", self.text))
    }
}

impl Api {
    pub async fn sign_in(sb: &Sandbox, user: &str) -> Api {
        let r = password_grant(sb, user).await;
        assert_eq!(r.status(), 200);
        let v: Value = r.json().await.unwrap();
        Api {
            base: sb.api_base(),
            token: v["access_token"].as_str().unwrap().to_string(),
            client: http(),
        }
    }

    pub async fn demo(sb: &Sandbox) -> Api {
        Api::sign_in(sb, qflow_sandbox::DEMO_USERNAME).await
    }

    pub async fn call(&self, method: Method, path: &str, body: Option<Value>) -> Reply {
        let mut rb = self
            .client
            .request(method, format!("{}{}", self.base, path))
            .bearer_auth(&self.token)
            .header("X-Qflow-Client-Key", CLIENT_KEY);
        rb = match body {
            Some(b) => rb.json(&b),
            None => rb.header("Content-Length", "0"),
        };
        let r = rb.send().await.unwrap();
        Reply {
            status: r.status().as_u16(),
            headers: r.headers().clone(),
            text: r.text().await.unwrap(),
        }
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.call(Method::GET, path, None).await
    }
    pub async fn post(&self, path: &str, body: Value) -> Reply {
        self.call(Method::POST, path, Some(body)).await
    }
    pub async fn post_empty(&self, path: &str) -> Reply {
        self.call(Method::POST, path, None).await
    }
    pub async fn put(&self, path: &str, body: Value) -> Reply {
        self.call(Method::PUT, path, Some(body)).await
    }
    pub async fn delete(&self, path: &str, body: Value) -> Reply {
        self.call(Method::DELETE, path, Some(body)).await
    }

    pub async fn new_event(&self) -> String {
        let r = self
            .post(
                "/api/event",
                json!({"title": "Test event", "startTime": "2026-06-01T10:00:00",
                       "endTime": "2026-06-01T22:00:00", "timeZoneId": "Europe/London"}),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.text);
        r.json()["id"].as_str().unwrap().to_string()
    }

    pub async fn new_template(&self, event_id: &str) -> String {
        let r = self
            .post(
                "/api/comms/template",
                json!({"eventId": event_id, "name": "T", "subject": "Hi {{firstname}}",
                       "html": "<p>Hi {{firstname}}</p>"}),
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.text);
        r.json()["id"].as_str().unwrap().to_string()
    }
}

/// One webhook POST as received.
#[derive(Clone, Debug)]
pub struct Received {
    pub headers: HeaderMap,
    pub body: Bytes,
    pub at: std::time::Instant,
}

/// A loopback receiver; answers `fail_first` requests with 503, then 200.
pub struct Receiver {
    pub url: String,
    pub got: Arc<Mutex<Vec<Received>>>,
}

impl Receiver {
    pub async fn start(fail_first: usize) -> Receiver {
        let got: Arc<Mutex<Vec<Received>>> = Arc::default();
        let seen = got.clone();
        let app = axum::Router::new().route(
            "/hook",
            axum::routing::post(move |headers: HeaderMap, body: Bytes| {
                let seen = seen.clone();
                async move {
                    let mut g = seen.lock().unwrap();
                    g.push(Received {
                        headers,
                        body,
                        at: std::time::Instant::now(),
                    });
                    if g.len() <= fail_first {
                        StatusCode::SERVICE_UNAVAILABLE
                    } else {
                        StatusCode::OK
                    }
                }
            }),
        );
        let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", l.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(l, app).await.unwrap() });
        Receiver { url, got }
    }

    pub fn events(&self) -> Vec<String> {
        self.got
            .lock()
            .unwrap()
            .iter()
            .map(|r| r.headers["x-qflow-event"].to_str().unwrap().to_string())
            .collect()
    }

    /// Waits until `n` requests arrived (or panics after 5 s).
    pub async fn wait_for(&self, n: usize) -> Vec<Received> {
        for _ in 0..500 {
            if self.got.lock().unwrap().len() >= n {
                return self.got.lock().unwrap().clone();
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("only {:?} webhook(s) arrived, wanted {n}", self.events());
    }
}

/// Sends raw bytes over TCP and returns the status code of the answer.
pub async fn raw_status(addr: std::net::SocketAddr, request: &str) -> u16 {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    s.write_all(request.as_bytes()).await.unwrap();
    let mut buf = vec![0u8; 1024];
    let n = s.read(&mut buf).await.unwrap();
    let head = String::from_utf8_lossy(&buf[..n]);
    head.split_whitespace().nth(1).unwrap().parse().unwrap()
}
