//! Webhook signatures (the guide's "Verifying signatures"), a diagnosis of the usual mistakes
//! for the signature checker, and the local receiver (`receiver`).
//!
//! The signature is HMAC-SHA256 of the raw request body only, keyed with the secret text as
//! returned by `POST /api/comms/webhook` (UTF-8 bytes), hex-encoded (lowercase, as every example
//! in the guide produces). It is compared **as a hex string**, in constant time, as the guide
//! says. Neither `X-Qflow-Timestamp` nor `X-Qflow-Webhook-Id` is covered by the signature, so
//! the guide's 300 s window limits nothing that the id dedupe does not: the checker and
//! `webhook verify` still report a timestamp outside it (would a strict receiver accept this?),
//! while our receiver keeps a correctly signed event with an unseen id whatever its age and
//! flags it ([`crate::store::Arrival`]): Qflow's retries after an outage carry the creation
//! time.

// `Error` is large (ApiError inline); boxing it is errors.rs's call, so allow it here.
#![allow(clippy::result_large_err)]

mod receiver;
pub mod url_policy;

pub use receiver::{
    serve_receiver, ReceiverEvent, ReceiverHandle, ReceiverOptions, SecretCell,
    WebhookSecretSource, MAX_BODY_BYTES, MAX_IN_FLIGHT, REQUEST_TIMEOUT,
};
pub use url_policy::{check_url, require_url, UrlCheck};

use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use subtle::ConstantTimeEq;
use ts_rs::TS;

use crate::secrets::Secret;

/// The guide's replay window.
pub const REPLAY_WINDOW_SECS: i64 = 300;
pub const HEADER_WEBHOOK_ID: &str = "x-qflow-webhook-id";
pub const HEADER_EVENT: &str = "x-qflow-event";
pub const HEADER_TIMESTAMP: &str = "x-qflow-timestamp";
pub const HEADER_SIGNATURE: &str = "x-qflow-signature";

/// Why a webhook was rejected. The names are what the CLI prints.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub enum RejectReason {
    /// `X-Qflow-Signature` or `X-Qflow-Timestamp` is absent.
    MissingHeader,
    /// The signature is not 64 hex characters.
    MalformedSignature,
    /// The timestamp is not an integer number of seconds.
    MalformedTimestamp,
    /// Well-formed signature that does not match the body and secret.
    BadSignature,
    /// Outside the replay window (either direction; `detail` says which).
    StaleTimestamp,
}

impl RejectReason {
    pub fn as_str(self) -> &'static str {
        match self {
            RejectReason::MissingHeader => "missing_header",
            RejectReason::MalformedSignature => "malformed_signature",
            RejectReason::MalformedTimestamp => "malformed_timestamp",
            RejectReason::BadSignature => "bad_signature",
            RejectReason::StaleTimestamp => "stale_timestamp",
        }
    }
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct Verdict {
    pub valid: bool,
    pub reason: Option<RejectReason>,
    /// Plain-language explanation.
    pub detail: String,
}

impl Verdict {
    fn ok() -> Verdict {
        Verdict {
            valid: true,
            reason: None,
            detail: "Signature and timestamp are valid.".into(),
        }
    }
    fn reject(reason: RejectReason, detail: impl Into<String>) -> Verdict {
        Verdict {
            valid: false,
            reason: Some(reason),
            detail: detail.into(),
        }
    }
}

/// Lowercase hex HMAC-SHA256 of `body` keyed with the secret text.
pub fn sign(secret: &Secret, body: &[u8]) -> String {
    sign_with_key(secret.expose().as_bytes(), body)
}

fn sign_with_key(key: &[u8], body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC accepts any key length");
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}

/// Verify with the guide's 300 s window. Timestamps in unix seconds.
pub fn verify(
    secret: &Secret,
    raw_body: &[u8],
    signature_hex: &str,
    timestamp: i64,
    now: i64,
) -> Verdict {
    verify_with_window(
        secret,
        raw_body,
        signature_hex,
        timestamp,
        now,
        REPLAY_WINDOW_SECS,
    )
}

pub fn verify_with_window(
    secret: &Secret,
    raw_body: &[u8],
    signature_hex: &str,
    timestamp: i64,
    now: i64,
    window: i64,
) -> Verdict {
    if let Some(rejected) = signature_problem(secret, raw_body, signature_hex) {
        return rejected;
    }
    if let Some(detail) = timestamp_problem(timestamp, now, window) {
        return Verdict::reject(RejectReason::StaleTimestamp, detail);
    }
    Verdict::ok()
}

fn signature_problem(secret: &Secret, raw_body: &[u8], signature_hex: &str) -> Option<Verdict> {
    if signature_hex.is_empty() {
        return Some(Verdict::reject(
            RejectReason::MissingHeader,
            "X-Qflow-Signature is missing or empty.",
        ));
    }
    if let Some(problem) = signature_shape_problem(signature_hex) {
        return Some(Verdict::reject(RejectReason::MalformedSignature, problem));
    }
    let expected = sign(secret, raw_body);
    // Constant time over the hex strings (same length, checked above).
    if !bool::from(signature_hex.as_bytes().ct_eq(expected.as_bytes())) {
        return Some(Verdict::reject(
            RejectReason::BadSignature,
            "X-Qflow-Signature does not match the HMAC-SHA256 of the raw body with this secret.",
        ));
    }
    None
}

/// Verify from header values as received (`None` = header absent), with the replay window.
pub fn verify_headers(
    secret: &Secret,
    raw_body: &[u8],
    signature: Option<&str>,
    timestamp: Option<&str>,
    now: i64,
    window: i64,
) -> Verdict {
    match verify_signed_headers(secret, raw_body, signature, timestamp) {
        Err(rejected) => rejected,
        Ok(ts) => match timestamp_problem(ts, now, window) {
            Some(detail) => Verdict::reject(RejectReason::StaleTimestamp, detail),
            None => Verdict::ok(),
        },
    }
}

/// [`verify_headers`] without the window: both headers present and well-formed and the
/// signature matching. `Ok` carries `X-Qflow-Timestamp`, whose age is the caller's call.
pub fn verify_signed_headers(
    secret: &Secret,
    raw_body: &[u8],
    signature: Option<&str>,
    timestamp: Option<&str>,
) -> std::result::Result<i64, Verdict> {
    let Some(signature) = signature.filter(|s| !s.is_empty()) else {
        return Err(Verdict::reject(
            RejectReason::MissingHeader,
            "X-Qflow-Signature is missing.",
        ));
    };
    let Some(timestamp) = timestamp.map(str::trim).filter(|s| !s.is_empty()) else {
        return Err(Verdict::reject(
            RejectReason::MissingHeader,
            "X-Qflow-Timestamp is missing.",
        ));
    };
    let Ok(ts) = timestamp.parse::<i64>() else {
        return Err(Verdict::reject(
            RejectReason::MalformedTimestamp,
            format!(
                "X-Qflow-Timestamp '{}' is not a whole number of unix seconds.",
                truncate(timestamp, 40)
            ),
        ));
    };
    match signature_problem(secret, raw_body, signature) {
        Some(rejected) => Err(rejected),
        None => Ok(ts),
    }
}

fn signature_shape_problem(sig: &str) -> Option<String> {
    if !sig.bytes().all(|b| b.is_ascii_hexdigit()) {
        let hint = if sig.contains('=') {
            " (a prefix such as 'sha256=' or base64?)"
        } else {
            ""
        };
        return Some(format!("X-Qflow-Signature contains characters that are not hex{hint}; expected 64 hex characters."));
    }
    if sig.len() != 64 {
        return Some(format!(
            "X-Qflow-Signature has {} hex characters; an HMAC-SHA256 in hex has 64.",
            sig.len()
        ));
    }
    None
}

/// `None` when within the window; else which direction and by how much.
fn timestamp_problem(timestamp: i64, now: i64, window: i64) -> Option<String> {
    let age = now.saturating_sub(timestamp);
    if age > window {
        Some(format!(
            "X-Qflow-Timestamp is {age} s in the past, outside the {window} s replay window: a replayed or long-delayed event, or this computer's clock is ahead. Keep the clock NTP-synced."
        ))
    } else if age < -window {
        Some(format!(
            "X-Qflow-Timestamp is {} s in the future, outside the {window} s replay window: this computer's clock is behind. Keep the clock NTP-synced.",
            age.unsigned_abs()
        ))
    } else {
        None
    }
}

fn truncate(s: &str, n: usize) -> String {
    s.chars().take(n).collect()
}

/// One usual mistake found by `diagnose`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct Finding {
    /// `hex_case`, `body_reserialized`, `body_whitespace`, `secret_whitespace`,
    /// `secret_hex_decoded`, `signature_prefix`, `wrong_secret_or_body`, `stale_timestamp`,
    /// `timestamp_in_milliseconds`, `missing_header`, `malformed_signature`, `malformed_timestamp`.
    pub code: String,
    pub message: String,
}

/// The signature checker's answer: the guide's verdict plus what probably went wrong.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct Diagnosis {
    pub verdict: Verdict,
    /// The lowercase hex HMAC of the body as given, when the secret was the caller's own; never
    /// for the secret kept in the keychain (the window must not be able to sign with it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub expected_signature: Option<String>,
    pub findings: Vec<Finding>,
}

fn finding(code: &str, message: impl Into<String>) -> Finding {
    Finding {
        code: code.into(),
        message: message.into(),
    }
}

/// Check a webhook and name the usual mistakes. `now` in unix seconds.
pub fn diagnose(
    secret: &Secret,
    raw_body: &[u8],
    signature: Option<&str>,
    timestamp: Option<&str>,
    now: i64,
) -> Diagnosis {
    let verdict = verify_headers(
        secret,
        raw_body,
        signature,
        timestamp,
        now,
        REPLAY_WINDOW_SECS,
    );
    let expected = sign(secret, raw_body);
    let mut findings = Vec::new();

    match signature.map(str::trim).filter(|s| !s.is_empty()) {
        None => findings.push(finding(
            "missing_header",
            "X-Qflow-Signature is missing: copy it from the request headers.",
        )),
        Some(sig) => {
            // `signature_whitespace` (not in Finding's doc list, to keep the bindings as they are).
            if signature.is_some_and(|raw| raw != sig) {
                findings.push(finding(
                    "signature_whitespace",
                    "X-Qflow-Signature has leading or trailing whitespace (often a newline from copy-paste): trim it before comparing.",
                ));
            }
            signature_findings(secret, raw_body, sig, &expected, &mut findings)
        }
    }

    match timestamp.map(str::trim).filter(|s| !s.is_empty()) {
        None => findings.push(finding(
            "missing_header",
            "X-Qflow-Timestamp is missing: copy it from the request headers.",
        )),
        Some(t) => match t.parse::<i64>() {
            Err(_) => findings.push(finding(
                "malformed_timestamp",
                "X-Qflow-Timestamp must be whole unix seconds, e.g. 1767225600.",
            )),
            Ok(ts) => {
                if ts.unsigned_abs() >= 100_000_000_000
                    && timestamp_problem(ts / 1000, now, REPLAY_WINDOW_SECS).is_none()
                {
                    findings.push(finding(
                        "timestamp_in_milliseconds",
                        "The timestamp looks like milliseconds; X-Qflow-Timestamp is unix seconds. Divide by 1000 when comparing.",
                    ));
                } else if let Some(detail) = timestamp_problem(ts, now, REPLAY_WINDOW_SECS) {
                    findings.push(finding("stale_timestamp", detail));
                }
            }
        },
    }
    Diagnosis {
        verdict,
        expected_signature: Some(expected),
        findings,
    }
}

fn signature_findings(
    secret: &Secret,
    body: &[u8],
    sig: &str,
    expected: &str,
    out: &mut Vec<Finding>,
) {
    if sig == expected {
        return;
    }
    let lower = sig.to_ascii_lowercase();
    if lower == expected {
        out.push(finding(
            "hex_case",
            "The signature is upper-case hex. Qflow's is lower-case and the guide compares the hex strings, so it does not match: lower-case your computed value (e.g. .NET: Convert.ToHexString(...).ToLower()).",
        ));
        return;
    }
    for prefix in ["sha256=", "sha256:"] {
        if let Some(rest) = lower.strip_prefix(prefix) {
            if rest == expected {
                out.push(finding("signature_prefix", format!("The signature carries a '{prefix}' prefix; X-Qflow-Signature is the bare hex HMAC.")));
                return;
            }
        }
    }
    if let Some(problem) = signature_shape_problem(sig) {
        out.push(finding("malformed_signature", problem));
    }
    // Which variant of the body or secret would explain the signature?
    for (variant, what) in body_variants(body) {
        if sign(secret, &variant) == lower {
            let code = if what.starts_with("re-serialized") {
                "body_reserialized"
            } else {
                "body_whitespace"
            };
            out.push(finding(
                code,
                format!("The signature matches the body {what}: the bytes checked are not the raw bytes Qflow sent. Verify the raw request body (express.raw(), request.get_data()), never a parsed and re-serialized object."),
            ));
            return;
        }
    }
    let trimmed = secret.expose().trim();
    if trimmed != secret.expose() && sign_with_key(trimmed.as_bytes(), body) == lower {
        out.push(finding("secret_whitespace", "The secret has leading or trailing whitespace (often a newline from copy-paste or a file): trim it."));
        return;
    }
    if let Ok(decoded) = hex::decode(trimmed) {
        if sign_with_key(&decoded, body) == lower {
            out.push(finding(
                "secret_hex_decoded",
                "The signature was made with the hex-decoded secret bytes. Qflow keys the HMAC with the secret text exactly as returned (UTF-8), not decoded.",
            ));
            return;
        }
    }
    if signature_shape_problem(sig).is_none() {
        out.push(finding(
            "wrong_secret_or_body",
            "No usual mistake explains the mismatch: most likely the secret is wrong (each POST /api/comms/webhook and /rotate issues a new one and the old one stops working at once) or the body was changed on its way to the verifier.",
        ));
    }
}

/// Common accidental transformations of a body, each with a description.
fn body_variants(body: &[u8]) -> Vec<(Vec<u8>, &'static str)> {
    let mut v: Vec<(Vec<u8>, &'static str)> = Vec::new();
    let text = String::from_utf8_lossy(body);
    let trimmed = text.trim_end_matches(['\n', '\r']);
    if trimmed.len() != text.len() {
        v.push((
            trimmed.as_bytes().to_vec(),
            "without its trailing newline (a newline was added when saving or pasting)",
        ));
    } else {
        v.push((
            format!("{text}\n").into_bytes(),
            "with a trailing newline (one was lost when saving or pasting)",
        ));
    }
    if text.contains("\r\n") {
        v.push((
            text.replace("\r\n", "\n").into_bytes(),
            "with LF line endings (CRLF was introduced)",
        ));
    } else if text.contains('\n') {
        v.push((
            text.replace('\n', "\r\n").into_bytes(),
            "with CRLF line endings (line endings were changed)",
        ));
    }
    if let Ok(value) = serde_json::from_slice::<serde_json::Value>(body) {
        if let Ok(compact) = serde_json::to_vec(&value) {
            v.push((compact, "re-serialized compactly (whitespace differs)"));
        }
        if let Ok(pretty) = serde_json::to_vec_pretty(&value) {
            v.push((
                pretty,
                "re-serialized with indentation (whitespace differs)",
            ));
        }
        if let Ok(sorted) = serde_json::to_vec(&sort_keys(&value)) {
            v.push((sorted, "re-serialized with sorted keys (key order differs)"));
        }
    }
    v.retain(|(b, _)| b.as_slice() != body);
    v
}

fn sort_keys(v: &serde_json::Value) -> serde_json::Value {
    match v {
        serde_json::Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            serde_json::Value::Object(
                keys.into_iter()
                    .map(|k| (k.clone(), sort_keys(&m[k])))
                    .collect(),
            )
        }
        serde_json::Value::Array(a) => serde_json::Value::Array(a.iter().map(sort_keys).collect()),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BODY: &[u8] = br#"{"attendeeId":"f9804be1-4d31-4dc2-917c-ff3e9b6a9a41","templateId":"00890adf-1a80-4b1f-87ce-620feb9bec12","attendeeInvitationId":"8d630377-970a-4687-aa66-2a18fb964c99","status":"delivered","error":null,"correlationId":"first-test"}"#;
    const NOW: i64 = 1_780_000_000;

    fn secret() -> Secret {
        Secret::new("45638ff7bb801d9487c0d07389f6893df95007e71af145be26e6efcc7e9580c0")
    }

    #[test]
    fn known_vector() {
        // RFC 4231 test case 2: key "Jefe".
        assert_eq!(
            sign(&Secret::new("Jefe"), b"what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn valid_tampered_wrong_secret() {
        let sig = sign(&secret(), BODY);
        assert!(verify(&secret(), BODY, &sig, NOW, NOW).valid);
        let mut tampered = BODY.to_vec();
        tampered[20] ^= 1;
        assert_eq!(
            verify(&secret(), &tampered, &sig, NOW, NOW).reason,
            Some(RejectReason::BadSignature)
        );
        assert_eq!(
            verify(&Secret::new("other"), BODY, &sig, NOW, NOW).reason,
            Some(RejectReason::BadSignature)
        );
    }

    #[test]
    fn replay_window_both_directions() {
        let sig = sign(&secret(), BODY);
        assert!(verify(&secret(), BODY, &sig, NOW - 300, NOW).valid);
        assert!(verify(&secret(), BODY, &sig, NOW + 300, NOW).valid);
        let past = verify(&secret(), BODY, &sig, NOW - 301, NOW);
        assert_eq!(past.reason, Some(RejectReason::StaleTimestamp));
        assert!(past.detail.contains("301 s in the past"), "{}", past.detail);
        let future = verify(&secret(), BODY, &sig, NOW + 1000, NOW);
        assert_eq!(future.reason, Some(RejectReason::StaleTimestamp));
        assert!(
            future.detail.contains("1000 s in the future"),
            "{}",
            future.detail
        );
    }

    #[test]
    fn malformed_and_missing() {
        assert_eq!(
            verify(&secret(), BODY, "", NOW, NOW).reason,
            Some(RejectReason::MissingHeader)
        );
        assert_eq!(
            verify(&secret(), BODY, "abc", NOW, NOW).reason,
            Some(RejectReason::MalformedSignature)
        );
        let with_prefix = format!("sha256={}", sign(&secret(), BODY));
        let v = verify(&secret(), BODY, &with_prefix, NOW, NOW);
        assert_eq!(v.reason, Some(RejectReason::MalformedSignature));
        assert!(v.detail.contains("prefix"));
        let sig = sign(&secret(), BODY);
        assert_eq!(
            verify_headers(&secret(), BODY, Some(&sig), None, NOW, 300).reason,
            Some(RejectReason::MissingHeader)
        );
        assert_eq!(
            verify_headers(&secret(), BODY, None, Some("1"), NOW, 300).reason,
            Some(RejectReason::MissingHeader)
        );
        assert_eq!(
            verify_headers(&secret(), BODY, Some(&sig), Some("soon"), NOW, 300).reason,
            Some(RejectReason::MalformedTimestamp)
        );
        assert!(
            verify_headers(
                &secret(),
                BODY,
                Some(&sig),
                Some(&NOW.to_string()),
                NOW,
                300
            )
            .valid
        );
    }

    #[test]
    fn uppercase_hex_fails_per_guide_and_is_diagnosed() {
        let upper = sign(&secret(), BODY).to_ascii_uppercase();
        let d = diagnose(&secret(), BODY, Some(&upper), Some(&NOW.to_string()), NOW);
        assert_eq!(d.verdict.reason, Some(RejectReason::BadSignature));
        assert_eq!(codes(&d), ["hex_case"]);
    }

    fn codes(d: &Diagnosis) -> Vec<&str> {
        d.findings.iter().map(|f| f.code.as_str()).collect()
    }

    #[test]
    fn diagnoses_reserialized_and_whitespace_bodies() {
        let ts = NOW.to_string();
        // Qflow signed the compact body; the user checks a pretty-printed copy.
        let sig = sign(&secret(), BODY);
        let pretty =
            serde_json::to_vec_pretty(&serde_json::from_slice::<serde_json::Value>(BODY).unwrap())
                .unwrap();
        let d = diagnose(&secret(), &pretty, Some(&sig), Some(&ts), NOW);
        assert!(!d.verdict.valid);
        assert_eq!(codes(&d), ["body_reserialized"]);

        // Saved to a file with a trailing newline.
        let mut with_nl = BODY.to_vec();
        with_nl.push(b'\n');
        let d = diagnose(&secret(), &with_nl, Some(&sig), Some(&ts), NOW);
        assert_eq!(codes(&d), ["body_whitespace"]);
    }

    #[test]
    fn diagnoses_secret_mistakes_and_timestamps() {
        let ts = NOW.to_string();
        let sig = sign(&secret(), BODY);
        let d = diagnose(
            &Secret::new(format!("{}\n", secret().expose())),
            BODY,
            Some(&sig),
            Some(&ts),
            NOW,
        );
        assert_eq!(codes(&d), ["secret_whitespace"]);

        let decoded_sig = sign_with_key(&hex::decode(secret().expose()).unwrap(), BODY);
        let d = diagnose(&secret(), BODY, Some(&decoded_sig), Some(&ts), NOW);
        assert_eq!(codes(&d), ["secret_hex_decoded"]);

        let d = diagnose(&Secret::new("rotated"), BODY, Some(&sig), Some(&ts), NOW);
        assert_eq!(codes(&d), ["wrong_secret_or_body"]);

        let d = diagnose(
            &secret(),
            BODY,
            Some(&sig),
            Some(&(NOW * 1000).to_string()),
            NOW,
        );
        assert_eq!(codes(&d), ["timestamp_in_milliseconds"]);
        let d = diagnose(
            &secret(),
            BODY,
            Some(&sig),
            Some(&(NOW - 900).to_string()),
            NOW,
        );
        assert_eq!(codes(&d), ["stale_timestamp"]);
        assert_eq!(d.verdict.reason, Some(RejectReason::StaleTimestamp));

        let d = diagnose(&secret(), BODY, Some(&sig), Some(&ts), NOW);
        assert!(d.verdict.valid);
        assert!(d.findings.is_empty());
        assert_eq!(d.expected_signature.as_deref(), Some(sig.as_str()));
    }
}
