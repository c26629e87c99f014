//! One `ApiRequest` constructor per endpoint of the guide's Reference. Constructors never fail:
//! input they reject is recorded and `Client::execute` returns it as `Error::Invalid` before any
//! request is made.
//!
//! # Idempotency (what may be retried automatically)
//!
//! | Request | Idempotent | Why |
//! |---|---|---|
//! | every `GET` | yes | reads |
//! | `PUT /api/guest`, `PUT /api/event` | yes | same body, same result |
//! | `DELETE /api/guest`, `DELETE /api/event`, `POST /api/comms/template/delete`, `POST /api/comms/webhook/delete`, `POST /api/comms/domain/delete` | yes | a 404 after an attempt that may have reached Qflow counts as done |
//! | `POST /api/guest` with an id | yes | the guide: re-posting the same id creates no duplicate and sends no second email |
//! | `POST /api/guest` without an id | no | each call creates an attendee |
//! | `POST /api/guests/{eventId}` (bulk) when every item has an id | yes | existing ids come back unchanged |
//! | `POST /api/comms/template` (our upserts always carry an id) | yes | the guide: same id = update |
//! | `POST /api/guest/checkin`, `/checkout` | yes | they set a state |
//! | `POST /api/comms/domain/verify`, `/activate`, `/deactivate` | yes | they set a state (verify re-checks DNS) |
//! | `POST /api/event` | no | the guide does not promise that an id makes it idempotent |
//! | `POST /api/comms/send` | **no** | a second call is a second email |
//! | `POST /api/comms/webhook` (set), `/rotate` | no | each call issues a new secret shown once |
//! | `POST /api/comms/webhook/test` | no | each call fires an event |
//! | `POST /api/comms/domain` (create) | no | a retry would answer 409 `domain_already_configured` |
//!
//! Not idempotent means: retried only when the connection could not be made at all (nothing
//! left this machine) or after a 401 for the token (the request was not processed); once it
//! may have reached the server, a lost answer is `Error::OutcomeUnknown`.

use chrono::NaiveDateTime;
use reqwest::Method;
use serde::Serialize;
use serde_json::{json, Value};
use uuid::Uuid;

use crate::models::{Event, Guest, GuestCreate, SendRequest, TemplateUpsert};

/// The guide's bulk cap.
pub const BULK_MAX: usize = 200;

/// The wire format of `start`/`end` on `GET /api/events` and of event times.
pub const LOCAL_TIME_FORMAT: &str = "%Y-%m-%dT%H:%M:%S";

/// One API call, ready to execute.
#[derive(Clone, Debug)]
pub struct ApiRequest {
    pub method: Method,
    /// Starts with `/api/`; ids already in place.
    pub path: String,
    pub query: Vec<(String, String)>,
    /// JSON body; `None` = an empty body (POSTs then carry `Content-Length: 0`).
    pub body: Option<Value>,
    /// May be retried after it may have reached the server (see the table above).
    pub idempotent: bool,
    /// For deletes: a 404 after an attempt that may have reached the server means that attempt
    /// did the delete.
    pub gone_means_done: bool,
    rejected: Option<(String, String)>,
}

impl ApiRequest {
    /// Any request (for endpoints without a constructor, or deliberately odd ones in tests).
    pub fn new(method: Method, path: impl Into<String>) -> ApiRequest {
        let idempotent = matches!(
            method,
            Method::GET | Method::PUT | Method::DELETE | Method::HEAD
        );
        ApiRequest {
            method,
            path: path.into(),
            query: Vec::new(),
            body: None,
            idempotent,
            gone_means_done: false,
            rejected: None,
        }
    }

    pub fn with_body(mut self, body: Value) -> Self {
        self.body = Some(body);
        self
    }

    pub fn with_query(mut self, key: &str, value: impl Into<String>) -> Self {
        self.query.push((key.to_owned(), value.into()));
        self
    }

    pub fn idempotent(mut self, yes: bool) -> Self {
        self.idempotent = yes;
        self
    }

    /// `POST /api/comms/send`: how errors name this request.
    pub fn endpoint(&self) -> String {
        format!("{} {}", self.method, self.path)
    }

    /// `(field, reason)` when the input was rejected.
    pub fn rejected(&self) -> Option<(&str, &str)> {
        self.rejected
            .as_ref()
            .map(|(f, r)| (f.as_str(), r.as_str()))
    }

    fn reject_unless(mut self, ok: bool, field: &str, reason: impl Into<String>) -> Self {
        if !ok && self.rejected.is_none() {
            self.rejected = Some((field.to_owned(), reason.into()));
        }
        self
    }

    fn reject(self, problem: Option<(String, String)>) -> Self {
        match problem {
            Some((f, r)) => self.reject_unless(false, &f, r),
            None => self,
        }
    }

    fn json(mut self, body: &impl Serialize) -> Self {
        match serde_json::to_value(body) {
            Ok(v) => self.body = Some(v),
            Err(e) => self = self.reject_unless(false, "body", e.to_string()),
        }
        self
    }

    fn id_body(method: Method, path: &str, id: Uuid) -> ApiRequest {
        ApiRequest::new(method, path)
            .with_body(json!({ "id": id }))
            .reject_unless(!id.is_nil(), "id", NIL_ID)
    }

    fn get_by_id(prefix: &str, id: Uuid) -> ApiRequest {
        ApiRequest::new(Method::GET, format!("{prefix}/{id}")).reject_unless(
            !id.is_nil(),
            "id",
            NIL_ID,
        )
    }

    // ---- Attendees ----

    /// `POST /api/guest`. With a (non-nil) id it is idempotent; a nil id is left out so that
    /// Qflow assigns one, and then the call is not retried once it may have been processed.
    pub fn guest_create(g: &GuestCreate) -> ApiRequest {
        let mut r = ApiRequest::new(Method::POST, "/api/guest").json(g);
        let has_id = !g.guest.id.is_nil();
        if !has_id {
            if let Some(Value::Object(m)) = r.body.as_mut() {
                m.remove("id");
            }
        }
        r.idempotent = has_id;
        r.reject_unless(!g.guest.event_id.is_nil(), "eventId", "is required")
            .reject(guest_problem(&g.guest, ""))
            .reject_unless(
                g.comms_template_id.is_none_or(|t| !t.is_nil()),
                "commsTemplateId",
                NIL_ID,
            )
    }

    /// `GET /api/guest/{id}`
    pub fn guest_get(id: Uuid) -> ApiRequest {
        Self::get_by_id("/api/guest", id)
    }

    /// `PUT /api/guest` with the whole guest, unknown fields included.
    pub fn guest_update(g: &Guest) -> ApiRequest {
        ApiRequest::new(Method::PUT, "/api/guest")
            .json(g)
            .reject_unless(!g.id.is_nil(), "id", NIL_ID)
            .reject_unless(!g.event_id.is_nil(), "eventId", "is required")
            .reject(guest_problem(g, ""))
    }

    /// `DELETE /api/guest` with `{"id"}`.
    pub fn guest_delete(id: Uuid) -> ApiRequest {
        let mut r = Self::id_body(Method::DELETE, "/api/guest", id);
        r.gone_means_done = true;
        r
    }

    /// `POST /api/guest/checkin` with `{"id"}`.
    pub fn guest_checkin(id: Uuid) -> ApiRequest {
        Self::id_body(Method::POST, "/api/guest/checkin", id).idempotent(true)
    }

    /// `POST /api/guest/checkout` with `{"id"}`.
    pub fn guest_checkout(id: Uuid) -> ApiRequest {
        Self::id_body(Method::POST, "/api/guest/checkout", id).idempotent(true)
    }

    /// `GET /api/guests/{eventId}`
    pub fn guests_list(event_id: Uuid) -> ApiRequest {
        ApiRequest::new(Method::GET, format!("/api/guests/{event_id}")).reject_unless(
            !event_id.is_nil(),
            "eventId",
            NIL_ID,
        )
    }

    /// `POST /api/guests/{eventId}`: at most 200, each item's eventId set to `event_id`.
    /// Idempotent when every item has an id (nil ids are left out for Qflow to assign).
    pub fn guests_bulk_create(event_id: Uuid, guests: &[Guest]) -> ApiRequest {
        let mut r = ApiRequest::new(Method::POST, format!("/api/guests/{event_id}"))
            .reject_unless(!event_id.is_nil(), "eventId", NIL_ID)
            .reject_unless(!guests.is_empty(), "guests", "the list is empty")
            .reject_unless(
                guests.len() <= BULK_MAX,
                "guests",
                format!(
                    "at most {BULK_MAX} attendees per call, got {}; split the list into chunks of {BULK_MAX}",
                    guests.len()
                ),
            );
        let mut seen = std::collections::HashSet::new();
        let mut items = Vec::with_capacity(guests.len());
        for (i, g) in guests.iter().enumerate() {
            r = r
                .reject_unless(
                    g.event_id.is_nil() || g.event_id == event_id,
                    &format!("guests[{i}].eventId"),
                    "belongs to another event than the one in the call",
                )
                .reject_unless(
                    g.id.is_nil() || seen.insert(g.id),
                    &format!("guests[{i}].id"),
                    "appears twice in the list",
                )
                .reject(guest_problem(g, &format!("guests[{i}].")));
            let mut item = match serde_json::to_value(g) {
                Ok(Value::Object(m)) => m,
                _ => serde_json::Map::new(),
            };
            item.insert("eventId".into(), json!(event_id));
            if g.id.is_nil() {
                item.remove("id");
            }
            items.push(Value::Object(item));
        }
        r.idempotent = guests.iter().all(|g| !g.id.is_nil());
        r.with_body(Value::Array(items))
    }

    // ---- Events ----

    /// `POST /api/event`. Not idempotent (see the module table).
    pub fn event_create(e: &Event) -> ApiRequest {
        ApiRequest::new(Method::POST, "/api/event")
            .json(e)
            .reject(event_problem(e))
    }

    /// `GET /api/event/{id}`
    pub fn event_get(id: Uuid) -> ApiRequest {
        Self::get_by_id("/api/event", id)
    }

    /// `PUT /api/event` with the whole event, unknown fields included.
    pub fn event_update(e: &Event) -> ApiRequest {
        ApiRequest::new(Method::PUT, "/api/event")
            .json(e)
            .reject_unless(
                e.id.is_some_and(|i| !i.is_nil()),
                "id",
                "is required to update an event",
            )
            .reject(event_problem(e))
    }

    /// `DELETE /api/event` with `{"id"}`.
    pub fn event_delete(id: Uuid) -> ApiRequest {
        let mut r = Self::id_body(Method::DELETE, "/api/event", id);
        r.gone_means_done = true;
        r
    }

    /// `GET /api/events?start=<iso>&end=<iso>` (local wall times, no offset).
    pub fn events_list(start: NaiveDateTime, end: NaiveDateTime) -> ApiRequest {
        ApiRequest::new(Method::GET, "/api/events")
            .with_query("start", start.format(LOCAL_TIME_FORMAT).to_string())
            .with_query("end", end.format(LOCAL_TIME_FORMAT).to_string())
            .reject_unless(end >= start, "end", "must not be before start")
    }

    // ---- Templates ----

    /// `POST /api/comms/template` (create or upsert by id; idempotent).
    pub fn template_upsert(t: &TemplateUpsert) -> ApiRequest {
        ApiRequest::new(Method::POST, "/api/comms/template")
            .json(t)
            .idempotent(true)
            .reject_unless(!t.id.is_nil(), "id", NIL_ID)
            .reject_unless(!t.event_id.is_nil(), "eventId", "is required")
            .reject_unless(!t.name.trim().is_empty(), "name", "is required")
            .reject_unless(!t.html.trim().is_empty(), "html", "is required")
            .reject_unless(
                looks_like_html(&t.html),
                "html",
                "must be HTML (plain text is not supported); wrap it in tags such as <p>…</p>",
            )
            .reject(optional_address("fromAddress", t.from_address.as_deref()))
            .reject(optional_address("replyTo", t.reply_to.as_deref()))
    }

    /// `GET /api/comms/template/{id}`
    pub fn template_get(id: Uuid) -> ApiRequest {
        Self::get_by_id("/api/comms/template", id)
    }

    /// `GET /api/comms/templates?eventId=<guid>`
    pub fn templates_list(event_id: Uuid) -> ApiRequest {
        ApiRequest::new(Method::GET, "/api/comms/templates")
            .with_query("eventId", event_id.to_string())
            .reject_unless(!event_id.is_nil(), "eventId", NIL_ID)
    }

    /// `POST /api/comms/template/delete` with `{"id"}`.
    pub fn template_delete(id: Uuid) -> ApiRequest {
        let mut r = Self::id_body(Method::POST, "/api/comms/template/delete", id).idempotent(true);
        r.gone_means_done = true;
        r
    }

    // ---- Sending ----

    /// `POST /api/comms/send`. Never retried once it may have reached Qflow.
    pub fn send(s: &SendRequest) -> ApiRequest {
        ApiRequest::new(Method::POST, "/api/comms/send")
            .json(s)
            .idempotent(false)
            .reject_unless(!s.attendee_id.is_nil(), "attendeeId", NIL_ID)
            .reject_unless(!s.template_id.is_nil(), "templateId", NIL_ID)
    }

    // ---- Webhooks ----

    /// `GET /api/comms/webhook`
    pub fn webhook_get() -> ApiRequest {
        ApiRequest::new(Method::GET, "/api/comms/webhook")
    }

    /// `POST /api/comms/webhook` with `{"url"}`; answers the secret once. The URL must pass
    /// the one webhook URL rule ([`crate::webhook::check_url`]); `qflow_local`: Qflow runs on
    /// this machine (a loopback API base), so `http://` to this machine can be delivered.
    pub fn webhook_set(url: &str, qflow_local: bool) -> ApiRequest {
        let problem = crate::webhook::check_url(url, qflow_local)
            .problem
            .map(|p| (crate::webhook::url_policy::URL_FIELD.to_owned(), p));
        ApiRequest::new(Method::POST, "/api/comms/webhook")
            .with_body(json!({ "url": url }))
            .idempotent(false)
            .reject(problem)
    }

    /// `POST /api/comms/webhook/rotate` (empty body).
    pub fn webhook_rotate() -> ApiRequest {
        ApiRequest::new(Method::POST, "/api/comms/webhook/rotate")
    }

    /// `POST /api/comms/webhook/test` (empty body).
    pub fn webhook_test() -> ApiRequest {
        ApiRequest::new(Method::POST, "/api/comms/webhook/test")
    }

    /// `POST /api/comms/webhook/delete` (empty body).
    pub fn webhook_delete() -> ApiRequest {
        let mut r = ApiRequest::new(Method::POST, "/api/comms/webhook/delete").idempotent(true);
        r.gone_means_done = true;
        r
    }

    // ---- Custom domain ----

    /// `POST /api/comms/domain` with `{"domain"}`: a bare hostname such as `yourbrand.com`.
    pub fn domain_create(domain: &str) -> ApiRequest {
        ApiRequest::new(Method::POST, "/api/comms/domain")
            .with_body(json!({ "domain": domain }))
            .idempotent(false)
            .reject(domain_problem(domain))
    }

    /// `GET /api/comms/domain` (404 when none is configured).
    pub fn domain_get() -> ApiRequest {
        ApiRequest::new(Method::GET, "/api/comms/domain")
    }

    /// `POST /api/comms/domain/verify` (empty body).
    pub fn domain_verify() -> ApiRequest {
        ApiRequest::new(Method::POST, "/api/comms/domain/verify").idempotent(true)
    }

    /// `POST /api/comms/domain/activate` (empty body).
    pub fn domain_activate() -> ApiRequest {
        ApiRequest::new(Method::POST, "/api/comms/domain/activate").idempotent(true)
    }

    /// `POST /api/comms/domain/deactivate` (empty body).
    pub fn domain_deactivate() -> ApiRequest {
        ApiRequest::new(Method::POST, "/api/comms/domain/deactivate").idempotent(true)
    }

    /// `POST /api/comms/domain/delete` (empty body).
    pub fn domain_delete() -> ApiRequest {
        let mut r = ApiRequest::new(Method::POST, "/api/comms/domain/delete").idempotent(true);
        r.gone_means_done = true;
        r
    }
}

const NIL_ID: &str = "must be a real GUID, not the nil GUID";

fn problem(field: String, reason: impl Into<String>) -> Option<(String, String)> {
    Some((field, reason.into()))
}

fn guest_problem(g: &Guest, prefix: &str) -> Option<(String, String)> {
    if g.first_name.trim().is_empty() {
        return problem(format!("{prefix}firstName"), "is required");
    }
    if g.last_name.trim().is_empty() {
        return problem(format!("{prefix}lastName"), "is required");
    }
    if !g.email.is_empty() && !looks_like_email(&g.email) {
        return problem(
            format!("{prefix}email"),
            format!("{:?} is not an email address", g.email),
        );
    }
    None
}

fn event_problem(e: &Event) -> Option<(String, String)> {
    if e.title.trim().is_empty() {
        return problem("title".into(), "is required");
    }
    if e.time_zone_id.parse::<chrono_tz::Tz>().is_err() {
        return problem(
            "timeZoneId".into(),
            format!(
                "{:?} is not an IANA time zone such as Europe/London",
                e.time_zone_id
            ),
        );
    }
    if e.end_time < e.start_time {
        return problem("endTime".into(), "must not be before startTime");
    }
    None
}

fn optional_address(field: &str, value: Option<&str>) -> Option<(String, String)> {
    match value {
        // "" clears the override (the guide's partial-update rule).
        Some(v) if !v.is_empty() && !looks_like_email(v) => {
            problem(field.into(), format!("{v:?} is not an email address"))
        }
        _ => None,
    }
}

/// `local@domain.tld`, no spaces, one `@`.
pub fn looks_like_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && !s.chars().any(char::is_whitespace)
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
}

fn looks_like_html(s: &str) -> bool {
    s.char_indices().any(|(i, c)| {
        c == '<'
            && s[i + 1..]
                .chars()
                .next()
                .is_some_and(|n| n.is_ascii_alphabetic() || n == '/' || n == '!')
    })
}

/// Why `domain` is not a bare hostname such as `yourbrand.com` (None when it is one).
pub fn domain_problem(domain: &str) -> Option<(String, String)> {
    let field = || "domain".to_owned();
    if domain.is_empty() {
        return problem(field(), "is required (e.g. yourbrand.com)");
    }
    if domain.chars().any(char::is_whitespace) {
        return problem(field(), "must not contain spaces");
    }
    if domain.contains("://") {
        return problem(
            field(),
            "must be a bare domain such as yourbrand.com, without https://",
        );
    }
    if domain.contains(['/', '?', '#']) {
        return problem(
            field(),
            "must be a bare domain such as yourbrand.com, without a path",
        );
    }
    if domain.contains('@') {
        return problem(
            field(),
            "must be a domain, not an email address (use the part after @)",
        );
    }
    if domain.contains(':') {
        return problem(field(), "must not contain a port");
    }
    if domain.len() > 253 {
        return problem(field(), "is longer than 253 characters");
    }
    let labels: Vec<&str> = domain.split('.').collect();
    if labels.len() < 2 {
        return problem(
            field(),
            "must have at least two labels, such as yourbrand.com",
        );
    }
    for l in labels {
        let ok = !l.is_empty()
            && l.len() <= 63
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
        if !ok {
            return problem(
                field(),
                format!("{domain:?} is not a valid domain name (label {l:?})"),
            );
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn guest() -> Guest {
        Guest {
            id: Uuid::new_v4(),
            event_id: Uuid::new_v4(),
            first_name: "Joe".into(),
            last_name: "Bloggs".into(),
            email: "joe@example.com".into(),
            ..Default::default()
        }
    }

    #[test]
    fn endpoints_are_the_guides_paths() {
        let id = Uuid::new_v4();
        let cases: Vec<(ApiRequest, &str)> = vec![
            (ApiRequest::guest_get(id), "GET /api/guest/"),
            (ApiRequest::guest_delete(id), "DELETE /api/guest"),
            (ApiRequest::guest_checkin(id), "POST /api/guest/checkin"),
            (ApiRequest::guest_checkout(id), "POST /api/guest/checkout"),
            (ApiRequest::guests_list(id), "GET /api/guests/"),
            (ApiRequest::event_get(id), "GET /api/event/"),
            (ApiRequest::event_delete(id), "DELETE /api/event"),
            (ApiRequest::template_get(id), "GET /api/comms/template/"),
            (ApiRequest::templates_list(id), "GET /api/comms/templates"),
            (
                ApiRequest::template_delete(id),
                "POST /api/comms/template/delete",
            ),
            (ApiRequest::webhook_get(), "GET /api/comms/webhook"),
            (
                ApiRequest::webhook_rotate(),
                "POST /api/comms/webhook/rotate",
            ),
            (ApiRequest::webhook_test(), "POST /api/comms/webhook/test"),
            (
                ApiRequest::webhook_delete(),
                "POST /api/comms/webhook/delete",
            ),
            (ApiRequest::domain_get(), "GET /api/comms/domain"),
            (ApiRequest::domain_verify(), "POST /api/comms/domain/verify"),
            (
                ApiRequest::domain_activate(),
                "POST /api/comms/domain/activate",
            ),
            (
                ApiRequest::domain_deactivate(),
                "POST /api/comms/domain/deactivate",
            ),
            (ApiRequest::domain_delete(), "POST /api/comms/domain/delete"),
        ];
        for (r, want) in cases {
            assert!(r.endpoint().starts_with(want), "{} vs {want}", r.endpoint());
            assert!(r.rejected().is_none());
        }
        assert_eq!(ApiRequest::guest_delete(id).body, Some(json!({"id": id})));
        assert_eq!(
            ApiRequest::templates_list(id).query,
            vec![("eventId".to_owned(), id.to_string())]
        );
    }

    #[test]
    fn idempotency_follows_the_table() {
        let id = Uuid::new_v4();
        let send = SendRequest {
            attendee_id: id,
            template_id: id,
            correlation_id: None,
        };
        let mut create = GuestCreate {
            guest: guest(),
            comms_template_id: None,
            correlation_id: None,
        };
        assert!(ApiRequest::guest_create(&create).idempotent);
        create.guest.id = Uuid::nil();
        let r = ApiRequest::guest_create(&create);
        assert!(!r.idempotent);
        assert!(r.body.unwrap().get("id").is_none(), "nil id left out");
        assert!(!ApiRequest::send(&send).idempotent);
        assert!(!ApiRequest::webhook_set("https://x.example/h", false).idempotent);
        assert!(!ApiRequest::webhook_rotate().idempotent);
        assert!(!ApiRequest::webhook_test().idempotent);
        assert!(!ApiRequest::domain_create("a.com").idempotent);
        assert!(ApiRequest::domain_verify().idempotent);
        assert!(
            ApiRequest::domain_delete().idempotent && ApiRequest::domain_delete().gone_means_done
        );
        assert!(ApiRequest::guest_checkin(id).idempotent);
        assert!(ApiRequest::guest_update(&guest()).idempotent);
        assert!(ApiRequest::guests_bulk_create(id, &[guest()]).idempotent);
        let mut no_id = guest();
        no_id.id = Uuid::nil();
        assert!(!ApiRequest::guests_bulk_create(id, &[guest(), no_id]).idempotent);
    }

    #[test]
    fn bulk_rejects_more_than_200_and_fixes_event_ids() {
        let ev = Uuid::new_v4();
        let many: Vec<Guest> = (0..201)
            .map(|_| Guest {
                event_id: ev,
                ..guest()
            })
            .collect();
        let r = ApiRequest::guests_bulk_create(ev, &many);
        let (field, reason) = r.rejected().unwrap();
        assert_eq!(field, "guests");
        assert!(reason.contains("201"), "{reason}");
        let ok = ApiRequest::guests_bulk_create(ev, &many[..200]);
        assert!(ok.rejected().is_none());
        let mut nil_event = guest();
        nil_event.event_id = Uuid::nil();
        let r = ApiRequest::guests_bulk_create(ev, &[nil_event]);
        assert_eq!(r.body.unwrap()[0]["eventId"], json!(ev));
        let r = ApiRequest::guests_bulk_create(ev, &[guest()]);
        assert_eq!(r.rejected().unwrap().0, "guests[0].eventId");
        let g = Guest {
            event_id: ev,
            ..guest()
        };
        let r = ApiRequest::guests_bulk_create(ev, &[g.clone(), g]);
        assert_eq!(r.rejected().unwrap().0, "guests[1].id");
        assert_eq!(
            ApiRequest::guests_bulk_create(ev, &[])
                .rejected()
                .unwrap()
                .0,
            "guests"
        );
    }

    #[test]
    fn required_fields_are_checked() {
        let mut g = guest();
        g.first_name = " ".into();
        assert_eq!(
            ApiRequest::guest_update(&g).rejected().unwrap().0,
            "firstName"
        );
        let mut g = guest();
        g.email = "not an email".into();
        assert_eq!(ApiRequest::guest_update(&g).rejected().unwrap().0, "email");
        assert_eq!(
            ApiRequest::guest_get(Uuid::nil()).rejected().unwrap().0,
            "id"
        );

        let d = |s: &str| {
            NaiveDate::from_ymd_opt(2026, 6, 1)
                .unwrap()
                .and_hms_opt(0, 0, 0)
                .unwrap()
                + chrono::Duration::hours(s.len() as i64)
        };
        let e = Event {
            id: None,
            title: "T".into(),
            start_time: d("aa"),
            end_time: d("a"),
            time_zone_id: "Europe/London".into(),
            extra: Default::default(),
        };
        assert_eq!(
            ApiRequest::event_create(&e).rejected().unwrap().0,
            "endTime"
        );
        let e2 = Event {
            end_time: d("aaa"),
            time_zone_id: "Mars/Base".into(),
            ..e.clone()
        };
        assert_eq!(
            ApiRequest::event_create(&e2).rejected().unwrap().0,
            "timeZoneId"
        );
        let e3 = Event {
            end_time: d("aaa"),
            ..e
        };
        assert!(ApiRequest::event_create(&e3).rejected().is_none());
        assert_eq!(ApiRequest::event_update(&e3).rejected().unwrap().0, "id");
        assert_eq!(
            ApiRequest::events_list(d("aa"), d("a"))
                .rejected()
                .unwrap()
                .0,
            "end"
        );

        let t = TemplateUpsert {
            id: Uuid::new_v4(),
            event_id: Uuid::new_v4(),
            name: "n".into(),
            subject: "s".into(),
            html: "just text".into(),
            from_address: None,
            from_name: None,
            reply_to: None,
            attach_pdf: None,
            email_body: None,
        };
        assert_eq!(
            ApiRequest::template_upsert(&t).rejected().unwrap().0,
            "html"
        );
        let t2 = TemplateUpsert {
            html: "<p>hi</p>".into(),
            from_address: Some("nope".into()),
            ..t.clone()
        };
        assert_eq!(
            ApiRequest::template_upsert(&t2).rejected().unwrap().0,
            "fromAddress"
        );
        let t3 = TemplateUpsert {
            html: "<p>hi</p>".into(),
            from_address: Some(String::new()),
            ..t
        };
        assert!(
            ApiRequest::template_upsert(&t3).rejected().is_none(),
            "empty string clears"
        );
    }

    #[test]
    fn domains_must_be_bare_hostnames() {
        for bad in [
            "",
            "https://yourbrand.com",
            "yourbrand.com/path",
            "your brand.com",
            "yourbrand",
            "a@yourbrand.com",
            "yourbrand.com:443",
            "-x.com",
            "a..com",
        ] {
            assert!(domain_problem(bad).is_some(), "{bad:?} accepted");
            assert!(ApiRequest::domain_create(bad).rejected().is_some());
        }
        for good in ["yourbrand.com", "mail.yourbrand.co.uk", "x-y.io"] {
            assert!(domain_problem(good).is_none(), "{good:?} rejected");
        }
    }

    #[test]
    fn webhook_urls_must_be_https_or_local() {
        let problem =
            |url: &str, local: bool| ApiRequest::webhook_set(url, local).rejected().is_some();
        assert!(!problem("https://hooks.example.com/q", false));
        // http:// only to this machine, and only when Qflow runs here (a loopback sandbox).
        assert!(!problem("http://127.0.0.1:8080/q", true));
        assert!(!problem("http://localhost/q", true));
        assert!(problem("http://127.0.0.1:8080/q", false));
        assert!(problem("http://hooks.example.com/q", true));
        assert!(problem("https://u:p@hooks.example.com/q", false));
        assert!(problem("hooks.example.com", false));
        assert_eq!(
            ApiRequest::webhook_set("ftp://x", false)
                .rejected()
                .unwrap()
                .0,
            "url"
        );
    }
}
