//! The guide's error catalogue as typed errors, and the one error shape that crosses IPC and
//! the CLI's `--json`: `{status?, code, message, nextStep, endpoint?, ...details}`.

use serde::Serialize;
use serde_json::{Map, Value};
use ts_rs::TS;

/// Everything that can go wrong in core. `code()` is stable and what the UI switches on.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The API answered with an error status.
    #[error("{}: {}", .0.code, .0.message)]
    Api(ApiError),
    /// A non-idempotent request may have reached the server and we lost the answer.
    /// Never retried: the caller must check before trying again.
    #[error("outcome_unknown: {endpoint}: {message}")]
    OutcomeUnknown { endpoint: String, message: String },
    /// The request never reached the server (DNS, refused, TLS, connect timeout).
    #[error("network_unreachable: {endpoint}: {message}")]
    Network { endpoint: String, message: String },
    /// The server answered 2xx with a body we could not parse.
    #[error("malformed_response: {endpoint}: {message}")]
    Malformed { endpoint: String, message: String },
    /// Input rejected before any request was made.
    #[error("invalid_input: {field}: {reason}")]
    Invalid { field: String, reason: String },
    /// The OS keychain is missing, locked or refused.
    #[error("keychain_unavailable: {0}")]
    Keychain(String),
    /// No credentials for this profile.
    #[error("not_signed_in: {0}")]
    NotSignedIn(String),
    /// The identity provider refused the credentials (wrong password, client id or secret).
    #[error("sign_in_failed: {0}")]
    SignIn(String),
    /// Local storage (SQLite, files) failed.
    #[error("storage_error: {0}")]
    Storage(String),
    /// A fault inside the app (a task that panicked, a value that would not encode): a bug,
    /// never the user's data directory.
    #[error("internal: {0}")]
    Internal(String),
    /// An update was downloaded but did not check out (signature, manifest, package): nothing
    /// was installed (`ops::updates`).
    #[error("update_refused: {0}")]
    UpdateRefused(String),
    /// No update could be looked for or fetched (no update key in this build, server
    /// unreachable), or the installer failed: nothing was installed.
    #[error("update_unavailable: {0}")]
    UpdateUnavailable(String),
    /// Work stopped because newer input made its answer useless (a pre-flight for text the user
    /// has typed over): nothing to show, nothing to retry.
    #[error("superseded: {0}")]
    Superseded(String),
}

/// The codes this app produces itself (the API's own codes are [`ApiCode`]). The UI switches on
/// these; they are exported to TypeScript so a misspelt code fails `tsc`.
#[derive(Serialize, Clone, Copy, Debug, PartialEq, Eq, Hash, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub enum LocalCode {
    /// A send that may have reached Qflow: never retried, never "failed".
    OutcomeUnknown,
    NetworkUnreachable,
    MalformedResponse,
    InvalidInput,
    KeychainUnavailable,
    NotSignedIn,
    SignInFailed,
    StorageError,
    Internal,
    /// Made by the UI when Tauri itself refuses a call (unknown command, bad arguments).
    IpcError,
    UpdateRefused,
    UpdateUnavailable,
    /// Stopped because newer input replaced what it was working on ([`Error::Superseded`]).
    Superseded,
}

impl LocalCode {
    pub fn as_str(self) -> &'static str {
        match self {
            LocalCode::OutcomeUnknown => "outcome_unknown",
            LocalCode::NetworkUnreachable => "network_unreachable",
            LocalCode::MalformedResponse => "malformed_response",
            LocalCode::InvalidInput => "invalid_input",
            LocalCode::KeychainUnavailable => "keychain_unavailable",
            LocalCode::NotSignedIn => "not_signed_in",
            LocalCode::SignInFailed => "sign_in_failed",
            LocalCode::StorageError => "storage_error",
            LocalCode::Internal => "internal",
            LocalCode::IpcError => "ipc_error",
            LocalCode::UpdateRefused => "update_refused",
            LocalCode::UpdateUnavailable => "update_unavailable",
            LocalCode::Superseded => "superseded",
        }
    }
}

/// The guide's error codes, and the ones derived from a status when the body has none.
#[derive(Serialize, Clone, Copy, Debug, PartialEq, Eq, Hash, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub enum ApiCode {
    ClientKeyInvalid,
    CommsApiNotEnabled,
    TrustRequired,
    DomainAlreadyConfigured,
    DomainNotVerified,
    FromaddressDomainNotVerified,
    PreviousSendPermanentlyFailed,
    SpamCheckFailed,
    SendgridCreateFailed,
    RateLimit,
    FromaddressValidationUnavailable,
    BadRequest,
    Unauthorized,
    Forbidden,
    NotFound,
    Conflict,
    LengthRequired,
    Unprocessable,
    RateLimitEdge,
    ServerError,
    HttpError,
}

/// What `ErrorBody.code` holds in TypeScript: one of ours, one of the guide's, or a code a newer
/// API sends that this version does not know (passed through).
#[derive(TS)]
#[ts(untagged, export, export_to = "../../../ui/src/bindings/")]
#[allow(dead_code)]
pub enum ErrorCode {
    Local(LocalCode),
    Api(ApiCode),
    Other(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// An error answer from the API, mapped from the guide's catalogue.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    pub status: u16,
    /// The body's `error` field, or a code we derive from the status when it has none.
    pub code: String,
    /// Plain-language: what happened.
    pub message: String,
    /// Plain-language: what to do next.
    pub next_step: String,
    /// e.g. `POST /api/comms/send`.
    pub endpoint: String,
    /// The body's other fields (failureType, lastFailureAt, flaggedUrls, ...), kept verbatim.
    pub details: Map<String, Value>,
    /// Seconds from a `Retry-After` header.
    pub retry_after: Option<u64>,
}

/// The single error shape across IPC and `--json`.
#[derive(Debug, Clone, Serialize, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct ErrorBody {
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub status: Option<u16>,
    #[ts(as = "ErrorCode")]
    pub code: String,
    pub message: String,
    pub next_step: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub endpoint: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub field: Option<String>,
    #[ts(type = "Record<string, unknown>")]
    pub details: Map<String, Value>,
}

impl Error {
    pub fn code(&self) -> &str {
        match self.local_code() {
            Some(c) => c.as_str(),
            None => match self {
                Error::Api(e) => &e.code,
                _ => unreachable!("every other variant has a local code"),
            },
        }
    }

    /// The app's own code; `None` for an API answer (its code is the API's).
    pub fn local_code(&self) -> Option<LocalCode> {
        Some(match self {
            Error::Api(_) => return None,
            Error::OutcomeUnknown { .. } => LocalCode::OutcomeUnknown,
            Error::Network { .. } => LocalCode::NetworkUnreachable,
            Error::Malformed { .. } => LocalCode::MalformedResponse,
            Error::Invalid { .. } => LocalCode::InvalidInput,
            Error::Keychain(_) => LocalCode::KeychainUnavailable,
            Error::NotSignedIn(_) => LocalCode::NotSignedIn,
            Error::SignIn(_) => LocalCode::SignInFailed,
            Error::Storage(_) => LocalCode::StorageError,
            Error::Internal(_) => LocalCode::Internal,
            Error::UpdateRefused(_) => LocalCode::UpdateRefused,
            Error::UpdateUnavailable(_) => LocalCode::UpdateUnavailable,
            Error::Superseded(_) => LocalCode::Superseded,
        })
    }

    /// A write that failed this way may still have been applied by Qflow: its answer was lost,
    /// a 2xx could not be read (Qflow took it), or a 5xx (which can come after the work).
    pub fn may_have_been_applied(&self) -> bool {
        match self {
            Error::OutcomeUnknown { .. } | Error::Malformed { .. } => true,
            Error::Api(a) => a.status >= 500,
            _ => false,
        }
    }

    /// For a request that must not be repeated blindly (a send): an error that
    /// [`Error::may_have_been_applied`] becomes `OutcomeUnknown` for `endpoint`; others stay.
    pub fn into_outcome_unknown(self, endpoint: &str) -> Error {
        let message = match &self {
            Error::OutcomeUnknown { .. } => return self,
            Error::Malformed { message, .. } => {
                format!("Qflow accepted the request but its answer was unreadable ({message})")
            }
            Error::Api(a) if a.status >= 500 => format!(
                "Qflow answered {} ({}) and may have processed it",
                a.status, a.code
            ),
            _ => return self,
        };
        Error::OutcomeUnknown {
            endpoint: endpoint.into(),
            message,
        }
    }

    /// A fault in the app itself (a task that panicked, a value that would not encode).
    pub fn internal(what: impl Into<String>) -> Self {
        Error::Internal(what.into())
    }

    pub fn invalid(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Error::Invalid {
            field: field.into(),
            reason: reason.into(),
        }
    }

    /// True when the CLI should exit 2 (usage or bad input) rather than 1.
    pub fn is_bad_input(&self) -> bool {
        matches!(self, Error::Invalid { .. })
    }

    pub fn body(&self) -> ErrorBody {
        match self {
            Error::Api(e) => ErrorBody {
                status: Some(e.status),
                code: e.code.clone(),
                message: e.message.clone(),
                next_step: e.next_step.clone(),
                endpoint: Some(e.endpoint.clone()),
                field: None,
                details: e.details.clone(),
            },
            Error::OutcomeUnknown { endpoint, message } => ErrorBody {
                status: None,
                code: self.code().into(),
                message: format!("The request to {endpoint} may have reached Qflow, but whether it did is not known ({message})."),
                next_step: outcome_unknown_next_step(endpoint).into(),
                endpoint: Some(endpoint.clone()),
                field: None,
                details: Map::new(),
            },
            Error::Network { endpoint, message } => ErrorBody {
                status: None,
                code: self.code().into(),
                message: format!("Could not reach Qflow for {endpoint}: {message}."),
                next_step: "Check the network connection and the API address, then try again. Nothing was sent.".into(),
                endpoint: Some(endpoint.clone()),
                field: None,
                details: Map::new(),
            },
            Error::Malformed { endpoint, message } => ErrorBody {
                status: None,
                code: self.code().into(),
                message: format!("Qflow's answer to {endpoint} could not be read: {message}."),
                next_step: "Try again; if it persists, contact support@qflow.io with the endpoint and time.".into(),
                endpoint: Some(endpoint.clone()),
                field: None,
                details: Map::new(),
            },
            Error::Invalid { field, reason } => ErrorBody {
                status: None,
                code: self.code().into(),
                message: format!("{field}: {reason}"),
                next_step: if field == DUPLICATE_FIELD {
                    DUPLICATE_NEXT_STEP.into()
                } else {
                    format!("Correct {field} and try again. Nothing was sent.")
                },
                endpoint: None,
                field: Some(field.clone()),
                details: Map::new(),
            },
            Error::Keychain(m) => simple(self.code(), m, "Install and unlock a Secret Service keyring (e.g. gnome-keyring) or use the QFLOW_* environment variables for headless use."),
            Error::NotSignedIn(m) => simple(self.code(), m, "Sign in first (`qflow-console login`, or the sign-in screen)."),
            Error::SignIn(m) => simple(self.code(), m, "Check the username, password, client id and client secret supplied by Qflow support."),
            Error::Storage(m) => simple(self.code(), m, "Check that the data directory is writable and has free space."),
            Error::Internal(m) => simple(self.code(), &format!("Something went wrong inside Qflow Console ({m})."), "Try again; if it keeps happening, restart Qflow Console and report the message."),
            Error::UpdateRefused(m) => simple(self.code(), m, "Nothing was installed and this version keeps working. Do not install that package by hand: tell whoever publishes your updates."),
            Error::UpdateUnavailable(m) => simple(self.code(), m, "Nothing was installed and this version keeps working. Try again later."),
            Error::Superseded(m) => simple(self.code(), m, "Nothing to do: the newer request answers instead."),
        }
    }
}

/// The field the duplicate guard's refusal names (the window's "send it again" confirmation,
/// the CLI's `--force`): not bad input to correct, a question to answer after checking.
pub const DUPLICATE_FIELD: &str = "confirmDuplicate";

const DUPLICATE_NEXT_STEP: &str = "Nothing was sent. Check the attendee's delivery timeline first; send again (confirm in the window, --force in the CLI) only if the earlier email did not arrive.";

/// What to check before repeating a request that may have been applied: it depends on what
/// a repeat would do (a second email, a second secret, nothing harmful).
fn outcome_unknown_next_step(endpoint: &str) -> &'static str {
    match endpoint {
        "POST /api/comms/send" => "Do not simply send again: check the attendee's delivery timeline or webhook events first; if nothing arrived within a few minutes, retry.",
        // The window's form re-posts the same id (safe); `guest add` makes a new one each run.
        "POST /api/guest" => "Do not add this attendee again yet: look them up in the list first; if they are there, check their delivery timeline before sending them anything.",
        "POST /api/comms/webhook" => "Reload the webhook settings: if the new URL shows, Qflow issued a signing secret this app did not receive; rotate the secret so that the receiver gets one it can check.",
        "POST /api/comms/webhook/rotate" => "The old secret may have stopped working already: rotate again so that this app keeps the current secret (rotating again is safe).",
        "POST /api/comms/webhook/test" => "Check the webhook feed for the comms.test event; sending another test is harmless.",
        "POST /api/comms/domain" => "Reload the domain settings: if the domain shows, it was created; create it only if it does not.",
        "POST /api/event" => "Reload the events list: if the event shows, it was created; create it only if it does not.",
        _ => "Reload and check whether the change was made before doing it again.",
    }
}

fn simple(code: &str, message: &str, next: &str) -> ErrorBody {
    ErrorBody {
        status: None,
        code: code.into(),
        message: message.into(),
        next_step: next.into(),
        endpoint: None,
        field: None,
        details: Map::new(),
    }
}

impl ApiError {
    /// Map a status and body from `endpoint` to a catalogue entry. `body` may be empty or not JSON.
    pub fn from_response(
        status: u16,
        body: &[u8],
        endpoint: &str,
        retry_after: Option<u64>,
    ) -> ApiError {
        let mut details: Map<String, Value> = match serde_json::from_slice::<Value>(body) {
            Ok(Value::Object(m)) => m,
            _ => Map::new(),
        };
        let server_code = details
            .remove("error")
            .and_then(|v| v.as_str().map(str::to_owned));
        let server_message = details
            .remove("message")
            .and_then(|v| v.as_str().map(str::to_owned));
        let code = server_code
            .unwrap_or_else(|| default_code(status, server_message.as_deref()).to_owned());
        let (message, next_step) = catalogue(
            status,
            &code,
            server_message.as_deref(),
            &details,
            retry_after,
        );
        ApiError {
            status,
            code,
            message,
            next_step,
            endpoint: endpoint.to_owned(),
            details,
            retry_after,
        }
    }
}

fn default_code(status: u16, message: Option<&str>) -> &'static str {
    match status {
        400 => "bad_request",
        401 if message.is_some_and(|m| m.contains("Authorization has been denied")) => {
            "unauthorized"
        }
        401 => "unauthorized",
        403 => "forbidden",
        404 => "not_found",
        409 => "conflict",
        411 => "length_required",
        422 => "unprocessable",
        429 => "rate_limit_edge",
        500..=599 => "server_error",
        _ => "http_error",
    }
}

/// (what happened, what to do next) for every row of the guide's error table.
fn catalogue(
    status: u16,
    code: &str,
    server: Option<&str>,
    d: &Map<String, Value>,
    retry_after: Option<u64>,
) -> (String, String) {
    let s = |k: &str| d.get(k).and_then(Value::as_str).unwrap_or("").to_owned();
    let or = |fallback: &str| {
        server
            .map(str::to_owned)
            .unwrap_or_else(|| fallback.to_owned())
    };
    let (m, n): (String, &str) = match (status, code) {
        (401, "client_key_invalid") => ("The X-Qflow-Client-Key is missing or wrong.".into(),
            "This is a configuration error, not a sign-in problem: re-enter the client key exactly as Qflow support supplied it."),
        (401, _) => ("Qflow refused the access token (missing, invalid or expired).".into(),
            "Sign in again; if it keeps happening, check the client id and secret."),
        (403, "comms_api_not_enabled") => ("This Qflow account is not enabled for the Comms API.".into(),
            "Ask support@qflow.io to enable the Comms API for your account."),
        (403, "trust_required") => ("Sender verification (KYC) has not been completed for this account.".into(),
            "Complete sender verification with Qflow support before sending."),
        (404, _) => (or("Not found, or not owned by this account."),
            "Check the id; the item may have been deleted or belong to another account."),
        (409, "domain_already_configured") => ("A custom sending domain is already configured.".into(),
            "Delete the existing domain first (its DNS records stop being used), then create the new one."),
        (409, "domain_not_verified") => ("The domain has never passed verification, so it cannot be activated.".into(),
            "Publish the DNS records and run Verify; a successful verify activates the domain."),
        (411, _) => ("Qflow rejected an empty POST without Content-Length (411).".into(),
            "This is a client bug; please report it."),
        (422, "fromaddress_domain_not_verified") => (or("The template's From address uses a domain that is not verified."),
            "Use an address under your verified sending domain, clear the From address, or verify the domain first (Domain checklist)."),
        (422, "previous_send_permanently_failed") => {
            let when = s("lastFailureAt");
            (format!("This recipient cannot be emailed: {} on {}.{}",
                match s("failureType").as_str() { "" => "a permanent failure".to_owned(), t => t.replace('_', " ") },
                if when.is_empty() { "an earlier date".to_owned() } else { when },
                match s("lastFailureReason").as_str() { "" => String::new(), r => format!(" Reason: {r}") }),
             "Sending again will not help: the address is on the suppression list. Correct the email address if it is wrong, or ask support@qflow.io to lift the suppression if the person asked for the email.")
        }
        (422, "spam_check_failed") => {
            let urls: Vec<String> = d.get("flaggedUrls").and_then(Value::as_array).map(|a| a.iter()
                .filter_map(|u| u.get("url").and_then(Value::as_str).map(str::to_owned)).collect()).unwrap_or_default();
            (format!("The template contains URLs flagged as unsafe{}.", if urls.is_empty() { String::new() } else { format!(": {}", urls.join(", ")) }),
             "Remove the flagged URLs and save again.")
        }
        (422, "sendgrid_create_failed") => (format!("SendGrid rejected the domain: {}", or("no reason given")),
            "Check the domain name (apex domain, no scheme or path) and try again."),
        // Whoever sees a 429 was refused (the client already retried what it may): nothing was
        // done, and it does not happen by itself later.
        (429, "rate_limit") => (format!("Too many requests; Qflow asks to wait {} s.", retry_after.unwrap_or(60)),
            "Nothing was done: do it again after the wait (this app holds its other requests until then)."),
        (429, _) => ("Qflow's edge blocked this IP for 60 seconds (too many requests).".into(),
            "Nothing was done: do it again after 60 s (this app holds its other requests until then)."),
        (502, "fromaddress_validation_unavailable") => ("Qflow could not reach SendGrid to check the From address.".into(),
            "Retry in a moment; nothing was saved."),
        (400, _) => (or("Qflow rejected the request as invalid."), "Check the highlighted fields and try again."),
        (500..=599, _) => (or("Qflow had an unexpected server error."), "Retry the request; contact support@qflow.io if it persists."),
        _ => (or("Qflow answered with an error."), "Try again; contact support@qflow.io if it persists."),
    };
    (m, n.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suppression_keeps_details_and_explains() {
        let body = br#"{"error":"previous_send_permanently_failed","message":"Recipient cannot be emailed: spam_reported on 2026-04-12.","failureType":"spam_reported","lastFailureAt":"2026-04-12T14:32:00Z","lastFailureReason":"user clicked spam"}"#;
        let e = ApiError::from_response(422, body, "POST /api/comms/send", None);
        assert_eq!(e.code, "previous_send_permanently_failed");
        assert_eq!(e.details["failureType"], "spam_reported");
        assert!(e.message.contains("spam reported on 2026-04-12T14:32:00Z"));
        assert!(e.next_step.contains("will not help"));
    }

    #[test]
    fn edge_429_without_body_differs_from_in_app() {
        let edge = ApiError::from_response(429, b"", "GET /api/events", None);
        assert_eq!(edge.code, "rate_limit_edge");
        let app = ApiError::from_response(
            429,
            br#"{"error":"rate_limit","message":"slow down"}"#,
            "GET /api/events",
            Some(7),
        );
        assert_eq!(app.code, "rate_limit");
        assert!(app.message.contains("7 s"));
    }

    #[test]
    fn every_code_is_in_the_exported_enums() {
        for c in [
            LocalCode::OutcomeUnknown,
            LocalCode::NetworkUnreachable,
            LocalCode::MalformedResponse,
            LocalCode::InvalidInput,
            LocalCode::KeychainUnavailable,
            LocalCode::NotSignedIn,
            LocalCode::SignInFailed,
            LocalCode::StorageError,
            LocalCode::Internal,
            LocalCode::IpcError,
            LocalCode::UpdateRefused,
            LocalCode::UpdateUnavailable,
            LocalCode::Superseded,
        ] {
            assert_eq!(serde_json::to_value(c).unwrap(), c.as_str());
        }
        let api = |code: &str| serde_json::from_value::<Value>(code.into()).unwrap();
        for status in [400, 401, 403, 404, 409, 411, 422, 429, 500, 503, 418] {
            let code = default_code(status, None);
            let known: Vec<Value> = [
                ApiCode::BadRequest,
                ApiCode::Unauthorized,
                ApiCode::Forbidden,
                ApiCode::NotFound,
                ApiCode::Conflict,
                ApiCode::LengthRequired,
                ApiCode::Unprocessable,
                ApiCode::RateLimitEdge,
                ApiCode::ServerError,
                ApiCode::HttpError,
            ]
            .iter()
            .map(|c| serde_json::to_value(c).unwrap())
            .collect();
            assert!(known.contains(&api(code)), "{code} is not an ApiCode");
        }
        assert_eq!(Error::internal("x").body().code, "internal");
    }

    #[test]
    fn a_refused_write_says_nothing_was_done_and_the_guard_says_check_first() {
        for (body, retry) in [
            (&br#"{"error":"rate_limit","message":"m"}"#[..], Some(3)),
            (&b"<html>"[..], None),
        ] {
            let e = Error::Api(ApiError::from_response(
                429,
                body,
                "POST /api/comms/webhook/rotate",
                retry,
            ));
            assert!(
                e.body()
                    .next_step
                    .starts_with("Nothing was done: do it again after"),
                "{:?}",
                e.body()
            );
        }
        let guard = Error::invalid(
            DUPLICATE_FIELD,
            "already sent 2 minute(s) ago (outcome_unknown)",
        );
        let next = guard.body().next_step;
        assert!(
            next.contains("Check the attendee's delivery timeline first"),
            "{next}"
        );
        assert!(!next.contains("Correct"), "{next}");
    }

    #[test]
    fn an_unknown_outcome_advises_what_a_repeat_of_that_request_would_do() {
        let next = |endpoint: &str| {
            Error::OutcomeUnknown {
                endpoint: endpoint.into(),
                message: "reset".into(),
            }
            .body()
            .next_step
        };
        assert!(next("POST /api/comms/send").starts_with("Do not simply send again"));
        assert!(next("POST /api/guest").starts_with("Do not add this attendee again"));
        // Not a send: no attendee timeline to check, and what a repeat would do.
        assert!(next("POST /api/comms/webhook").contains("rotate the secret"));
        assert!(next("POST /api/comms/webhook/rotate").contains("rotate again"));
        assert!(next("POST /api/comms/domain").contains("Reload the domain"));
        for other in [
            "POST /api/comms/webhook",
            "POST /api/comms/webhook/test",
            "POST /api/comms/domain",
            "POST /api/event",
            "POST /api/guests/x",
        ] {
            assert!(!next(other).contains("attendee"), "{other}");
        }
    }

    #[test]
    fn non_json_body_is_not_a_panic() {
        let e = ApiError::from_response(500, b"<html>oops</html>", "GET /api/guest/x", None);
        assert_eq!(e.code, "server_error");
    }
}
