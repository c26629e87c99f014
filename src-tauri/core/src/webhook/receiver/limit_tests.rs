//! The receiver's limits over real connections: body cap, stalled clients, concurrency cap.

use std::net::SocketAddr;
use std::time::Duration;

use super::tests::{now, rig, rig_with, BODY};
use super::{ReceiverOptions, MAX_BODY_BYTES};

/// Writes `head` (and `body`) on a raw connection, then waits (at most `wait`) for the server
/// to answer and close: (what it answered, how long until it closed, whether it closed).
async fn raw(addr: SocketAddr, bytes: &[u8], wait: Duration) -> (String, Duration, bool) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    s.write_all(bytes).await.unwrap();
    let started = std::time::Instant::now();
    let mut got = Vec::new();
    let closed = tokio::time::timeout(wait, s.read_to_end(&mut got))
        .await
        .is_ok();
    (
        String::from_utf8_lossy(&got).into_owned(),
        started.elapsed(),
        closed,
    )
}

fn head(id: &str, extra: &str) -> String {
    format!(
        "POST /qflow HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nX-Qflow-Webhook-Id: {id}\r\nX-Qflow-Event: comms.sent\r\nX-Qflow-Timestamp: {}\r\nX-Qflow-Signature: {}\r\n{extra}\r\n",
        now(),
        "0".repeat(64)
    )
}

#[tokio::test]
async fn an_over_cap_body_gets_413_and_nothing_is_stored() {
    let r = rig().await;
    // Announced by Content-Length: refused before reading, with the default cap.
    let big = format!(
        r#"{{"status":"sent","pad":"{}"}}"#,
        "x".repeat(MAX_BODY_BYTES)
    );
    let (status, text) = r
        .post("wh-big", "comms.sent", now(), &big, r.sig(&big))
        .await;
    assert_eq!(status, 413);
    assert!(
        text.contains("body_too_large") && text.contains("at most 256 KiB"),
        "{text}"
    );
    // Chunked (no length announced): cut off once the cap is passed.
    let chunk = "y".repeat(64 * 1024);
    let mut req = head("wh-chunked", "Transfer-Encoding: chunked\r\n");
    for _ in 0..5 {
        req.push_str(&format!("{:x}\r\n{chunk}\r\n", chunk.len()));
    }
    req.push_str("0\r\n\r\n");
    let (answer, _, _) = raw(
        r.handle.local_addr(),
        req.as_bytes(),
        Duration::from_secs(5),
    )
    .await;
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains("body_too_large"), "{answer}");
    assert_eq!(r.store.webhook_event_count().unwrap(), 0);
    // A normal event still goes through.
    let (status, _) = r
        .post("wh-ok", "comms.sent", now(), BODY, r.sig(BODY))
        .await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn a_stalled_client_is_cut_off_within_the_timeout() {
    let timeout = Duration::from_millis(300);
    let r = rig_with(ReceiverOptions {
        request_timeout: timeout,
        ..ReceiverOptions::default()
    })
    .await;
    let addr = r.handle.local_addr();
    // Headers, then 10 of the 100 bytes announced, then nothing.
    let mut req = head("wh-slow", "Content-Length: 100\r\n");
    req.push_str(&BODY[..10]);
    let (answer, took, closed) = raw(addr, req.as_bytes(), Duration::from_secs(5)).await;
    assert!(closed, "the connection was closed");
    assert!(took < timeout + Duration::from_secs(1), "{took:?}");
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("request_timeout"), "{answer}");
    // Half a request head, then nothing: hyper's header timeout closes it without an answer.
    let (answer, took, closed) = raw(
        addr,
        b"POST /qflow HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Qflow-Ev",
        Duration::from_secs(5),
    )
    .await;
    assert!(closed, "the connection was closed");
    assert!(took < timeout + Duration::from_secs(1), "{took:?}");
    assert!(!answer.contains("200 OK"), "{answer}");
    // A connection opened and left idle goes the same way.
    let (_, took, closed) = raw(addr, b"", Duration::from_secs(5)).await;
    assert!(
        closed && took < timeout + Duration::from_secs(1),
        "{took:?}"
    );
    assert_eq!(r.store.webhook_event_count().unwrap(), 0);
}

#[tokio::test]
async fn the_concurrency_cap_answers_503_beyond_it_and_frees_up_after() {
    let timeout = Duration::from_millis(1500);
    let r = rig_with(ReceiverOptions {
        max_in_flight: 3,
        request_timeout: timeout,
        ..ReceiverOptions::default()
    })
    .await;
    let addr = r.handle.local_addr();
    // Ten clients each send headers and part of the body, then stall.
    let mut clients = Vec::new();
    for i in 0..10 {
        let mut req = head(&format!("wh-c{i}"), "Content-Length: 100\r\n");
        req.push_str(&BODY[..10]);
        clients.push(tokio::spawn(async move {
            raw(addr, req.as_bytes(), Duration::from_secs(10)).await
        }));
    }
    let mut busy = 0;
    let mut timed_out = 0;
    for c in clients {
        let (answer, took, closed) = c.await.unwrap();
        assert!(closed, "{answer}");
        if answer.starts_with("HTTP/1.1 503") {
            assert!(answer.contains("receiver_busy"), "{answer}");
            assert!(
                answer.to_ascii_lowercase().contains("retry-after: 1"),
                "{answer}"
            );
            assert!(took < timeout, "refused at once: {took:?}");
            busy += 1;
        } else {
            assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
            timed_out += 1;
        }
    }
    assert_eq!((timed_out, busy), (3, 7), "exactly the cap was held");
    // The slots are free again.
    let (status, _) = r
        .post("wh-after", "comms.sent", now(), BODY, r.sig(BODY))
        .await;
    assert_eq!(status, 200);
}
