//! Response builders and request-body parsing shared by the route modules.

use axum::body::Body;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Map, Value};
use uuid::Uuid;

pub(crate) type Res = Result<Response, Response>;

pub(crate) fn json_status(status: StatusCode, v: &Value) -> Response {
    let body = serde_json::to_vec(v).unwrap_or_default();
    let mut r = Response::new(Body::from(body));
    *r.status_mut() = status;
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    r
}

pub(crate) fn ok(v: &Value) -> Response {
    json_status(StatusCode::OK, v)
}

/// 200 with an empty body (deletes): like ASP.NET's `Ok()`.
pub(crate) fn ok_empty() -> Response {
    StatusCode::OK.into_response()
}

/// The guide's 404: no body.
pub(crate) fn not_found() -> Response {
    StatusCode::NOT_FOUND.into_response()
}

pub(crate) fn coded(status: StatusCode, error: &str, message: &str) -> Response {
    json_status(status, &json!({"error": error, "message": message}))
}

pub(crate) fn coded_with(status: StatusCode, error: &str, message: &str, more: Value) -> Response {
    let mut v = json!({"error": error, "message": message});
    if let (Some(o), Value::Object(m)) = (v.as_object_mut(), more) {
        o.extend(m);
    }
    json_status(status, &v)
}

/// 400 naming the offending field.
pub(crate) fn bad_field(field: &str, message: &str) -> Response {
    json_status(
        StatusCode::BAD_REQUEST,
        &json!({"error": "validation_failed", "message": message, "field": field}),
    )
}

pub(crate) fn required(field: &str) -> Response {
    bad_field(field, &format!("The {field} field is required."))
}

/// Parse a JSON body that must be an object.
pub(crate) fn body_object(bytes: &[u8]) -> Result<Map<String, Value>, Response> {
    match body_value(bytes)? {
        Value::Object(m) => Ok(m),
        _ => Err(coded(
            StatusCode::BAD_REQUEST,
            "invalid_json",
            "The request body must be a JSON object.",
        )),
    }
}

pub(crate) fn body_value(bytes: &[u8]) -> Result<Value, Response> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(coded(
            StatusCode::BAD_REQUEST,
            "invalid_json",
            "A JSON request body is required.",
        ));
    }
    serde_json::from_slice(bytes).map_err(|e| {
        coded(
            StatusCode::BAD_REQUEST,
            "invalid_json",
            &format!("The request body is not valid JSON: {e}."),
        )
    })
}

pub(crate) fn parse_guid(field: &str, s: &str) -> Result<Uuid, Response> {
    Uuid::parse_str(s.trim()).map_err(|_| {
        bad_field(
            field,
            &format!("The {field} field is not a valid GUID: \"{s}\"."),
        )
    })
}

/// Optional GUID field: absent/null → None; wrong type or malformed → 400.
pub(crate) fn opt_guid(m: &Map<String, Value>, field: &str) -> Result<Option<Uuid>, Response> {
    match m.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => parse_guid(field, s).map(Some),
        Some(_) => Err(bad_field(
            field,
            &format!("The {field} field must be a GUID string."),
        )),
    }
}

pub(crate) fn req_guid(m: &Map<String, Value>, field: &str) -> Result<Uuid, Response> {
    opt_guid(m, field)?.ok_or_else(|| required(field))
}

/// Optional string: absent/null → None; non-string → 400.
pub(crate) fn opt_str(m: &Map<String, Value>, field: &str) -> Result<Option<String>, Response> {
    match m.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(bad_field(
            field,
            &format!("The {field} field must be a string."),
        )),
    }
}

/// Required non-blank string.
pub(crate) fn req_str(m: &Map<String, Value>, field: &str) -> Result<String, Response> {
    match opt_str(m, field)? {
        Some(s) if !s.trim().is_empty() => Ok(s),
        _ => Err(required(field)),
    }
}

/// Just enough email syntax: one `@`, non-empty local part, a dotted domain, no spaces.
pub(crate) fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && !s.chars().any(char::is_whitespace)
        && is_domain(domain)
}

/// Hostname syntax: dotted labels of letters, digits and hyphens (no scheme, path or spaces).
pub(crate) fn is_domain(d: &str) -> bool {
    let labels: Vec<&str> = d.split('.').collect();
    labels.len() >= 2
        && d.len() <= 253
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
        && labels
            .last()
            .is_some_and(|tld| tld.chars().any(|c| c.is_ascii_alphabetic()))
}
