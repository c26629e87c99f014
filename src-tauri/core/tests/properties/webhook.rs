//! Webhook signatures: what `sign` makes, `verify` accepts; any one-byte change to the body,
//! the signature or the secret is refused; arbitrary header values never panic and are only
//! accepted with the right signature.

use proptest::prelude::*;
use qflow_core::webhook::{
    diagnose, sign, verify, verify_headers, verify_with_window, RejectReason,
};
use qflow_core::Secret;

use crate::support::run;

fn body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        any::<Vec<u8>>(),
        any::<String>().prop_map(String::into_bytes),
        Just(br#"{"status":"delivered","error":null}"#.to_vec()),
        Just(b"{\n  \"a\": 1\n}\r\n".to_vec()),
    ]
}

fn secret() -> impl Strategy<Value = String> {
    prop_oneof![any::<String>(), "[0-9a-f]{64}", "[A-Za-z0-9+/=]{1,44}\n?"]
}

#[test]
fn signed_is_accepted_and_any_one_byte_change_is_refused() {
    let strategy = (
        secret(),
        body(),
        any::<i64>(),
        -300i64..=300,
        any::<prop::sample::Index>(),
        1u8..=255,
    );
    run(
        file!(),
        "webhook_sign_verify",
        256,
        strategy,
        |(key, body, now, skew, at, flip)| {
            let secret = Secret::new(key.clone());
            let ts = now.saturating_sub(skew);
            let sig = sign(&secret, &body);
            prop_assert_eq!(sig.len(), 64);
            prop_assert!(sig.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')));
            let ok = verify(&secret, &body, &sig, ts, now);
            prop_assert!(ok.valid, "{:?}", ok);
            let headers = verify_headers(
                &secret,
                &body,
                Some(&sig),
                Some(&format!(" {ts} ")),
                now,
                300,
            );
            prop_assert!(headers.valid, "{:?}", headers);

            // One byte of the body changed.
            if !body.is_empty() {
                let mut b = body.clone();
                let i = at.index(b.len());
                b[i] ^= flip;
                let v = verify(&secret, &b, &sig, ts, now);
                prop_assert_eq!(v.reason, Some(RejectReason::BadSignature));
            }
            // One character of the signature changed (to another hex digit, to upper case, or
            // to something else entirely).
            let mut s = sig.clone().into_bytes();
            let i = at.index(s.len());
            s[i] = match flip % 3 {
                0 => {
                    if s[i] == b'0' {
                        b'1'
                    } else {
                        b'0'
                    }
                }
                1 if s[i].is_ascii_alphabetic() => s[i].to_ascii_uppercase(),
                _ => {
                    if s[i] == b'g' {
                        b'z'
                    } else {
                        b'g'
                    }
                }
            };
            let s = String::from_utf8(s).expect("ascii");
            prop_assert!(!verify(&secret, &body, &s, ts, now).valid);
            // One byte of the secret changed (kept valid UTF-8: the secret is text).
            if let Some((i, c)) = key.char_indices().nth(at.index(key.chars().count().max(1))) {
                let other = if c == 'a' { 'b' } else { 'a' };
                let changed = format!("{}{other}{}", &key[..i], &key[i + c.len_utf8()..]);
                let v = verify(&Secret::new(changed), &body, &sig, ts, now);
                prop_assert_eq!(v.reason, Some(RejectReason::BadSignature));
            }
            Ok(())
        },
    );
}

fn header_value() -> impl Strategy<Value = Option<String>> {
    prop::option::of(prop_oneof![
        any::<String>(),
        "[0-9a-fA-F]{63,65}",
        "sha256=[0-9a-f]{64}",
        "-?[0-9]{1,20}",
        Just(" 1767225600\n".to_owned()),
        Just("1767225600000".to_owned()),
    ])
}

#[test]
fn arbitrary_headers_never_panic_and_only_the_right_signature_passes() {
    let strategy = (
        secret(),
        body(),
        header_value(),
        header_value(),
        any::<i64>(),
        any::<i64>(),
    );
    run(
        file!(),
        "webhook_headers_never_panic",
        256,
        strategy,
        |(key, body, sig, ts, now, window)| {
            let secret = Secret::new(key);
            for window in [window, 300, 0] {
                let v = verify_headers(&secret, &body, sig.as_deref(), ts.as_deref(), now, window);
                if v.valid {
                    let expected = sign(&secret, &body);
                    prop_assert_eq!(sig.as_deref(), Some(expected.as_str()));
                } else {
                    prop_assert!(v.reason.is_some() && !v.detail.is_empty());
                }
                if let Some(t) = ts.as_deref().and_then(|t| t.trim().parse::<i64>().ok()) {
                    let direct = verify_with_window(
                        &secret,
                        &body,
                        sig.as_deref().unwrap_or(""),
                        t,
                        now,
                        window,
                    );
                    if sig.as_deref().is_some_and(|s| !s.is_empty()) {
                        prop_assert_eq!(direct, v);
                    }
                }
            }
            let d = diagnose(&secret, &body, sig.as_deref(), ts.as_deref(), now);
            // A valid event has nothing to diagnose.
            prop_assert!(!d.verdict.valid || d.findings.is_empty(), "{:?}", d);
            Ok(())
        },
    );
}
