//! Shared by the contract tests: a sandbox per test, a client with its own budget, a webhook
//! receiver that records what arrives.
#![allow(dead_code)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::http::HeaderMap;
use axum::routing::post;
use axum::Router;
use chrono::NaiveDate;
use qflow_core::api::{Budget, Client, ClientConfig};
use qflow_core::models::{Event, Guest, GuestCreate, TemplateUpsert};
use qflow_core::secrets::Credentials;
use qflow_core::Secret;
use qflow_sandbox::{Sandbox, SandboxConfig};
use serde_json::Value;
use uuid::Uuid;

/// An empty sandbox (no seed data) without rate limits, fast webhook deliveries.
pub async fn sandbox() -> Sandbox {
    sandbox_with(|_| {}).await
}

pub async fn sandbox_with(tweak: impl FnOnce(&mut SandboxConfig)) -> Sandbox {
    let mut cfg = SandboxConfig {
        port: 0,
        seed_data: false,
        attendees: 0,
        rate_limits: false,
        delivery_scale: 0.01,
        ..SandboxConfig::default()
    };
    tweak(&mut cfg);
    Sandbox::start(cfg).await.expect("sandbox starts")
}

pub fn credentials(username: &str) -> Credentials {
    Credentials {
        client_id: qflow_sandbox::DEMO_CLIENT_ID.into(),
        username: username.into(),
        client_secret: Secret::new(qflow_sandbox::DEMO_CLIENT_SECRET),
        password: Secret::new(qflow_sandbox::DEMO_PASSWORD),
        client_key: Secret::new(qflow_sandbox::CLIENT_KEY),
    }
}

pub fn config(sb: &Sandbox, credentials: Credentials) -> ClientConfig {
    ClientConfig {
        api_base: sb.api_base(),
        identity_url: sb.identity_url(),
        credentials,
        // Each test its own budget, so tests never share limits.
        budget: Some(Budget::new(1000)),
        connect_timeout: Duration::from_secs(5),
        total_timeout: Duration::from_secs(10),
    }
}

/// The demo account's client.
pub fn client(sb: &Sandbox) -> Client {
    Client::new(config(sb, credentials(qflow_sandbox::DEMO_USERNAME))).unwrap()
}

pub fn client_as(sb: &Sandbox, username: &str) -> Client {
    Client::new(config(sb, credentials(username))).unwrap()
}

pub fn at(y: i32, m: u32, d: u32, h: u32) -> chrono::NaiveDateTime {
    NaiveDate::from_ymd_opt(y, m, d)
        .unwrap()
        .and_hms_opt(h, 0, 0)
        .unwrap()
}

pub fn new_event(title: &str) -> Event {
    Event {
        id: None,
        title: title.into(),
        start_time: at(2026, 6, 1, 10),
        end_time: at(2026, 6, 1, 22),
        time_zone_id: "Europe/London".into(),
        extra: Default::default(),
    }
}

pub async fn make_event(c: &Client) -> Uuid {
    c.event_create(&new_event("Contract test event"))
        .await
        .unwrap()
        .id
        .expect("server assigns an id")
}

pub fn new_guest(event_id: Uuid, email: &str) -> Guest {
    Guest {
        id: Uuid::new_v4(),
        event_id,
        first_name: "Joe".into(),
        last_name: "Bloggs".into(),
        email: email.into(),
        tags: Some("VIP".into()),
        ..Default::default()
    }
}

pub fn create(g: Guest) -> GuestCreate {
    GuestCreate {
        guest: g,
        comms_template_id: None,
        correlation_id: None,
    }
}

pub fn new_template(event_id: Uuid) -> TemplateUpsert {
    TemplateUpsert {
        id: Uuid::new_v4(),
        event_id,
        name: "Welcome ticket".into(),
        subject: "Your ticket for {{event}}, {{firstname}}".into(),
        html: "<h1>Hi {{firstname}}!</h1><p>Your ticket: {{barcode}}</p>".into(),
        from_address: None,
        from_name: None,
        reply_to: None,
        attach_pdf: None,
        email_body: None,
    }
}

/// A webhook receiver on 127.0.0.1:0 that answers 200 and keeps (event, body).
pub struct Receiver {
    pub url: String,
    got: Arc<Mutex<Vec<(String, Value)>>>,
}

impl Receiver {
    pub async fn start() -> Receiver {
        let got: Arc<Mutex<Vec<(String, Value)>>> = Arc::default();
        let g2 = got.clone();
        let app = Router::new().route(
            "/hook",
            post(move |headers: HeaderMap, body: Bytes| {
                let got = g2.clone();
                async move {
                    let event = headers
                        .get("x-qflow-event")
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("")
                        .to_owned();
                    let v = serde_json::from_slice(&body).unwrap_or(Value::Null);
                    got.lock().unwrap().push((event, v));
                    "ok"
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Receiver { url, got }
    }

    pub fn events(&self, event: &str) -> Vec<Value> {
        self.got
            .lock()
            .unwrap()
            .iter()
            .filter(|(e, _)| e == event)
            .map(|(_, v)| v.clone())
            .collect()
    }

    /// Wait until `pred` holds (up to 5 s).
    pub async fn wait_for(&self, pred: impl Fn(&Receiver) -> bool) -> bool {
        for _ in 0..100 {
            if pred(self) {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        pred(self)
    }
}
