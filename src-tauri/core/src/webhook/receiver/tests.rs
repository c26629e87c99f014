use super::super::sign;
use super::*;
use crate::store::Arrival;

pub(super) const BODY: &str = r#"{"attendeeId":"f9804be1-4d31-4dc2-917c-ff3e9b6a9a41","templateId":"00890adf-1a80-4b1f-87ce-620feb9bec12","attendeeInvitationId":"8d630377-970a-4687-aa66-2a18fb964c99","status":"delivered","error":null,"correlationId":"first-test"}"#;

pub(super) struct Rig {
    pub handle: ReceiverHandle,
    pub store: Arc<Store>,
    secret: SecretCell,
    http: reqwest::Client,
}

pub(super) async fn rig() -> Rig {
    rig_with(ReceiverOptions::default()).await
}

pub(super) async fn rig_with(opts: ReceiverOptions) -> Rig {
    let store = Arc::new(Store::open_in_memory().unwrap());
    let secret = SecretCell::new(Some(Secret::new("whsec-test-1")));
    let handle = serve_receiver(
        "127.0.0.1:0".parse().unwrap(),
        Arc::new(secret.clone()),
        store.clone(),
        opts,
    )
    .await
    .unwrap();
    Rig {
        handle,
        store,
        secret,
        http: reqwest::Client::new(),
    }
}

impl Rig {
    pub(super) async fn post(
        &self,
        id: &str,
        event: &str,
        ts: i64,
        body: &str,
        signature: Option<String>,
    ) -> (u16, String) {
        let mut req = self
            .http
            .post(format!("http://{}/qflow", self.handle.local_addr()))
            .header("Content-Type", "application/json")
            .header("User-Agent", "Qflow-Webhook/1.0")
            .header("X-Qflow-Webhook-Id", id)
            .header("X-Qflow-Event", event)
            .header("X-Qflow-Timestamp", ts.to_string())
            .body(body.to_owned());
        if let Some(sig) = signature {
            req = req.header("X-Qflow-Signature", sig);
        }
        let resp = req.send().await.unwrap();
        (resp.status().as_u16(), resp.text().await.unwrap())
    }
    pub(super) fn sig(&self, body: &str) -> Option<String> {
        Some(sign(&self.secret.current().unwrap(), body.as_bytes()))
    }
}

pub(super) fn now() -> i64 {
    Utc::now().timestamp()
}

async fn next(rx: &mut broadcast::Receiver<ReceiverEvent>) -> ReceiverEvent {
    tokio::time::timeout(Duration::from_secs(5), rx.recv())
        .await
        .expect("feed event")
        .unwrap()
}

#[tokio::test]
async fn valid_event_is_stored_before_200_and_published() {
    let r = rig().await;
    let mut feed = r.handle.subscribe();
    let (status, _) = r
        .post("wh-1", "comms.delivered", now(), BODY, r.sig(BODY))
        .await;
    assert_eq!(status, 200);
    // Stored by the time the 200 arrived.
    let rec = r
        .store
        .webhook_event("wh-1")
        .unwrap()
        .expect("stored before answering");
    assert_eq!(rec.raw_body, BODY);
    assert_eq!(rec.correlation_id.as_deref(), Some("first-test"));
    match next(&mut feed).await {
        ReceiverEvent::Accepted { event } => assert_eq!(event.webhook_id, "wh-1"),
        other => panic!("{other:?}"),
    }
    r.handle.shutdown().await;
}

#[tokio::test]
async fn tampered_body_and_wrong_secret_get_401_and_are_not_stored() {
    let r = rig().await;
    let mut feed = r.handle.subscribe();
    let tampered = BODY.replace("delivered", "opened");
    let (status, text) = r
        .post("wh-t", "comms.delivered", now(), &tampered, r.sig(BODY))
        .await;
    assert_eq!(status, 401);
    assert!(text.contains("bad_signature"), "{text}");

    let wrong = Some(sign(&Secret::new("old-secret"), BODY.as_bytes()));
    let (status, _) = r.post("wh-w", "comms.delivered", now(), BODY, wrong).await;
    assert_eq!(status, 401);

    let (status, text) = r.post("wh-m", "comms.delivered", now(), BODY, None).await;
    assert_eq!(status, 401);
    assert!(text.contains("missing_header"), "{text}");

    assert_eq!(r.store.webhook_event_count().unwrap(), 0);
    match next(&mut feed).await {
        ReceiverEvent::Rejected {
            reason, webhook_id, ..
        } => {
            assert_eq!(reason, RejectReason::BadSignature);
            assert_eq!(webhook_id.as_deref(), Some("wh-t"));
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn late_retries_are_kept_and_flagged_and_a_bad_signature_still_gets_401() {
    let r = rig().await;
    let mut feed = r.handle.subscribe();
    // A retry 12 minutes after Qflow created the event (the receiver was down).
    let (status, _) = r
        .post("wh-late", "comms.sent", now() - 720, BODY, r.sig(BODY))
        .await;
    assert_eq!(
        status, 200,
        "kept: answering 4xx would stop Qflow's retries"
    );
    let rec = r.store.webhook_event("wh-late").unwrap().unwrap();
    assert_eq!(rec.arrival, Arrival::Late);
    let lag = rec.lag_secs.unwrap();
    assert!((720..725).contains(&lag), "{lag}");
    assert!(
        rec.arrival_note
            .as_deref()
            .unwrap()
            .starts_with("arrived 12 min after it was created"),
        "{rec:?}"
    );
    match next(&mut feed).await {
        ReceiverEvent::Accepted { event } => {
            assert_eq!(
                (event.webhook_id.as_str(), event.arrival),
                ("wh-late", Arrival::Late)
            )
        }
        other => panic!("{other:?}"),
    }
    // Its next retry is still a duplicate.
    let (status, _) = r
        .post("wh-late", "comms.sent", now() - 720, BODY, r.sig(BODY))
        .await;
    assert_eq!(status, 200);
    assert!(matches!(
        next(&mut feed).await,
        ReceiverEvent::Duplicate { .. }
    ));

    // Far ahead of our clock: kept, flagged as clock skew.
    let (status, _) = r
        .post("wh-ahead", "comms.sent", now() + 600, BODY, r.sig(BODY))
        .await;
    assert_eq!(status, 200);
    let rec = r.store.webhook_event("wh-ahead").unwrap().unwrap();
    assert_eq!(rec.arrival, Arrival::Ahead);
    assert!(rec
        .arrival_note
        .unwrap()
        .contains("ahead of this computer's clock"));
    // Within the window: on time, no note.
    r.post("wh-now", "comms.sent", now() - 30, BODY, r.sig(BODY))
        .await;
    let rec = r.store.webhook_event("wh-now").unwrap().unwrap();
    assert_eq!((rec.arrival, rec.arrival_note), (Arrival::OnTime, None));

    // However old, a wrong signature is rejected and not stored.
    let tampered = BODY.replace("delivered", "opened");
    let (status, text) = r
        .post("wh-bad", "comms.sent", now() - 720, &tampered, r.sig(BODY))
        .await;
    assert_eq!(status, 401);
    assert!(text.contains("bad_signature"), "{text}");
    assert_eq!(r.store.webhook_event_count().unwrap(), 3);
}

/// A clock stopped at a known instant.
struct Fixed(DateTime<Utc>);

impl Clock for Fixed {
    fn now(&self) -> DateTime<Utc> {
        self.0
    }
}

#[tokio::test]
async fn the_lag_is_measured_on_the_receivers_clock() {
    let at = DateTime::from_timestamp(1_780_000_000, 0).unwrap();
    let r = rig_with(ReceiverOptions {
        clock: Arc::new(Fixed(at)),
        ..ReceiverOptions::default()
    })
    .await;
    let (status, _) = r
        .post(
            "wh-c",
            "comms.opened",
            at.timestamp() - 3_900,
            BODY,
            r.sig(BODY),
        )
        .await;
    assert_eq!(status, 200);
    let rec = r.store.webhook_event("wh-c").unwrap().unwrap();
    assert_eq!((rec.lag_secs, rec.received_at), (Some(3_900), at));
    assert!(rec
        .arrival_note
        .unwrap()
        .starts_with("arrived 1 h 05 min after"));
}

#[tokio::test]
async fn duplicate_id_is_acknowledged_but_stored_once() {
    let r = rig().await;
    let mut feed = r.handle.subscribe();
    for _ in 0..2 {
        let (status, _) = r
            .post("wh-dup", "comms.sent", now(), BODY, r.sig(BODY))
            .await;
        assert_eq!(status, 200);
    }
    assert_eq!(r.store.webhook_event_count().unwrap(), 1);
    assert!(matches!(
        next(&mut feed).await,
        ReceiverEvent::Accepted { .. }
    ));
    match next(&mut feed).await {
        ReceiverEvent::Duplicate { webhook_id, .. } => assert_eq!(webhook_id, "wh-dup"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn unknown_event_type_is_recorded() {
    let r = rig().await;
    let body = r#"{"attendeeId":null,"status":"clicked","newField":{"x":1}}"#;
    let (status, _) = r
        .post("wh-u", "comms.clicked", now(), body, r.sig(body))
        .await;
    assert_eq!(status, 200);
    let rec = r.store.webhook_event("wh-u").unwrap().unwrap();
    assert_eq!(rec.event_type, "comms.clicked");
    assert!(!rec.known_type);
    assert_eq!(rec.raw_body, body);
}

#[tokio::test]
async fn rotation_and_missing_secret() {
    let r = rig().await;
    let old_sig = r.sig(BODY);
    r.secret.set(Some(Secret::new("whsec-rotated")));
    let (status, _) = r.post("wh-r1", "comms.sent", now(), BODY, old_sig).await;
    assert_eq!(status, 401, "the old secret stops working immediately");
    let (status, _) = r
        .post("wh-r2", "comms.sent", now(), BODY, r.sig(BODY))
        .await;
    assert_eq!(status, 200);

    r.secret.set(None);
    let (status, text) = r
        .post("wh-r3", "comms.sent", now(), BODY, Some("0".repeat(64)))
        .await;
    assert_eq!(status, 503, "5xx so that Qflow retries later");
    assert!(text.contains("no_webhook_secret"));

    let get = r
        .http
        .get(format!("http://{}/", r.handle.local_addr()))
        .send()
        .await
        .unwrap();
    assert_eq!(get.status().as_u16(), 200);
}
