//! The webhook receiver over HTTP (its public API; the handler itself is private): whatever
//! arrives, it answers without a server error and accepts nothing that is not correctly
//! signed; a correctly signed new event is stored exactly once, and its retry too.

use std::sync::Arc;

use proptest::prelude::*;
use qflow_core::store::Store;
use qflow_core::webhook::{serve_receiver, sign, ReceiverHandle, ReceiverOptions};
use qflow_core::Secret;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::{Method, StatusCode};

use crate::support::run;

const SECRET: &str = "whsec_property_tests";

struct Rig {
    rt: tokio::runtime::Runtime,
    http: reqwest::Client,
    url: String,
    store: Arc<Store>,
    _receiver: ReceiverHandle,
}

impl Rig {
    fn new() -> Rig {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("runtime");
        let store = Arc::new(Store::open_in_memory().expect("store"));
        let receiver = rt
            .block_on(serve_receiver(
                "127.0.0.1:0".parse().expect("addr"),
                Arc::new(Secret::new(SECRET)),
                Arc::clone(&store),
                ReceiverOptions::default(),
            ))
            .expect("receiver");
        Rig {
            url: format!("http://{}/qflow", receiver.local_addr()),
            http: reqwest::Client::builder()
                .no_proxy()
                .build()
                .expect("client"),
            rt,
            store,
            _receiver: receiver,
        }
    }

    fn send(&self, method: Method, headers: HeaderMap, body: Vec<u8>) -> StatusCode {
        self.rt.block_on(async {
            let res = self
                .http
                .request(method, &self.url)
                .headers(headers)
                .body(body)
                .send()
                .await;
            res.expect("the receiver answers").status()
        })
    }
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

fn headers(pairs: &[(&'static str, &[u8])]) -> HeaderMap {
    let mut h = HeaderMap::new();
    for (k, v) in pairs {
        if let Ok(v) = HeaderValue::from_bytes(v) {
            h.insert(HeaderName::from_static(k), v);
        }
    }
    h
}

fn header_bytes() -> impl Strategy<Value = Option<Vec<u8>>> {
    prop::option::of(prop_oneof![
        "[ -~]{0,70}".prop_map(String::into_bytes),
        any::<Vec<u8>>(),
        "[0-9a-f]{64}".prop_map(String::into_bytes),
        Just(b"0".to_vec()),
    ])
}

#[test]
fn arbitrary_requests_get_no_server_error_and_unsigned_ones_are_not_accepted() {
    let rig = Rig::new();
    let strategy = (
        prop::sample::select(vec![
            Method::POST,
            Method::GET,
            Method::PUT,
            Method::DELETE,
            Method::PATCH,
            Method::OPTIONS,
        ]),
        (
            header_bytes(),
            header_bytes(),
            header_bytes(),
            header_bytes(),
        ),
        any::<Vec<u8>>(),
        any::<bool>(),
    );
    run(
        file!(),
        "receiver_never_fails",
        64,
        strategy,
        |(method, (id, event, ts, sig), body, fresh)| {
            let fresh_ts = now().to_string().into_bytes();
            let ts = if fresh { Some(fresh_ts) } else { ts };
            let mut pairs: Vec<(&'static str, &[u8])> = Vec::new();
            for (k, v) in [
                ("x-qflow-webhook-id", &id),
                ("x-qflow-event", &event),
                ("x-qflow-timestamp", &ts),
                ("x-qflow-signature", &sig),
            ] {
                if let Some(v) = v {
                    pairs.push((k, v));
                }
            }
            let before = rig.store.webhook_event_count().expect("count");
            let status = rig.send(method.clone(), headers(&pairs), body.clone());
            prop_assert!(!status.is_server_error(), "{}", status);
            let stored = rig.store.webhook_event_count().expect("count") - before;
            let signed = sig.as_deref() == Some(sign(&Secret::new(SECRET), &body).as_bytes());
            if method != Method::POST || !signed {
                prop_assert_eq!(stored, 0);
                prop_assert!(
                    method == Method::GET || !status.is_success(),
                    "{} {}",
                    method,
                    status
                );
            }
            Ok(())
        },
    );
}

#[test]
fn a_signed_event_is_stored_once_and_a_tampered_copy_is_refused() {
    let rig = Rig::new();
    let strategy = (
        any::<Vec<u8>>(),
        "[a-z._]{0,20}",
        any::<prop::sample::Index>(),
        1u8..=255,
    );
    run(
        file!(),
        "receiver_signed_stored_once",
        64,
        strategy,
        |(body, event, at, flip)| {
            let id = uuid::Uuid::new_v4().to_string();
            let sig = sign(&Secret::new(SECRET), &body);
            let ts = now().to_string();
            let h = || {
                headers(&[
                    ("x-qflow-webhook-id", id.as_bytes()),
                    ("x-qflow-event", event.as_bytes()),
                    ("x-qflow-timestamp", ts.as_bytes()),
                    ("x-qflow-signature", sig.as_bytes()),
                ])
            };
            let before = rig.store.webhook_event_count().expect("count");
            if !body.is_empty() {
                let mut tampered = body.clone();
                let i = at.index(tampered.len());
                tampered[i] ^= flip;
                prop_assert_eq!(
                    rig.send(Method::POST, h(), tampered),
                    StatusCode::UNAUTHORIZED
                );
            }
            prop_assert_eq!(rig.send(Method::POST, h(), body.clone()), StatusCode::OK);
            // Qflow's retry of the same event: acknowledged, not stored again.
            prop_assert_eq!(rig.send(Method::POST, h(), body.clone()), StatusCode::OK);
            prop_assert_eq!(rig.store.webhook_event_count().expect("count") - before, 1);
            let stored = rig.store.webhook_event(&id).expect("read").expect("stored");
            prop_assert_eq!(stored.raw_body, String::from_utf8_lossy(&body).into_owned());
            Ok(())
        },
    );
}
