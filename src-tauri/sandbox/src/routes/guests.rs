//! Attendees: `/api/guest`, `/api/guest/{id}`, `/api/guest/checkin|checkout`, `/api/guests/{eventId}`.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Extension;
use chrono::{DateTime, Utc};
use serde_json::{Map, Value};
use uuid::Uuid;

use crate::resp::*;
use crate::server::{comms_not_enabled, trust_required, Caller};
use crate::state::{new_barcode, SharedRef};
use crate::store::{GuestRec, GuestView, Guests};
use crate::webhooks::{self, SendJob};

/// The guide's bulk cap.
pub(crate) const BULK_MAX: usize = 200;

/// Server-managed or request-only keys that never land in `extra`.
const KNOWN: &[&str] = &[
    "id",
    "eventId",
    "firstName",
    "lastName",
    "otherNames",
    "email",
    "barcode",
    "plusOnes",
    "additionalInfo",
    "tags",
    "tickets",
    "sessions",
    "customFields",
    "checkedIn",
    "checkInTime",
    "commsTemplateId",
    "correlationId",
];

pub(crate) fn guest_json(g: GuestView<'_>) -> Value {
    serde_json::to_value(GuestOut(g)).unwrap_or(Value::Null)
}

/// A guest as the API sends it, written field by field: a 50,000-attendee list goes straight
/// into the response body instead of through a `Value` per attendee.
pub(crate) struct GuestOut<'a>(pub GuestView<'a>);

/// `GET /api/guests/{eventId}`: the event's attendees in creation order.
struct EventGuestsOut<'a>(&'a Guests, Uuid);

impl serde::Serialize for EventGuestsOut<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.of_event(&self.1).map(GuestOut))
    }
}

impl serde::Serialize for GuestOut<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let g = self.0;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("id", &g.id)?;
        m.serialize_entry("eventId", &g.event_id)?;
        m.serialize_entry("firstName", g.first_name)?;
        m.serialize_entry("lastName", g.last_name)?;
        if let Some(v) = g.other_names {
            m.serialize_entry("otherNames", v)?;
        }
        if let Some(v) = g.email {
            m.serialize_entry("email", v)?;
        }
        m.serialize_entry("barcode", g.barcode)?;
        if let Some(v) = g.plus_ones {
            m.serialize_entry("plusOnes", &v)?;
        }
        for (k, v) in [
            ("additionalInfo", g.additional_info),
            ("tags", g.tags),
            ("tickets", g.tickets),
            ("sessions", g.sessions),
        ] {
            if let Some(v) = v {
                m.serialize_entry(k, v)?;
            }
        }
        if let Some(c) = g.custom_fields {
            m.serialize_entry("customFields", c)?;
        }
        m.serialize_entry("checkedIn", &g.checked_in)?;
        m.serialize_entry(
            "checkInTime",
            &g.check_in_time
                .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
        )?;
        // `extra` never holds a key above (`KNOWN`).
        for (k, v) in g.extra.into_iter().flatten() {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

/// Tag groups: a string, or an array joined with commas.
fn tag_field(
    m: &Map<String, Value>,
    field: &str,
) -> Result<Option<String>, axum::response::Response> {
    match m.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(Value::Array(items)) => {
            let mut out = Vec::new();
            for it in items {
                match it {
                    Value::String(s) => out.push(s.clone()),
                    _ => {
                        return Err(bad_field(
                            field,
                            &format!("The {field} field must be a string or an array of strings."),
                        ))
                    }
                }
            }
            Ok(Some(out.join(",")))
        }
        Some(_) => Err(bad_field(
            field,
            &format!("The {field} field must be a string or an array of strings."),
        )),
    }
}

/// Validate a guest object (after merging, for PUT) into a record. `prefix` names the array
/// index in bulk messages. The id and eventId are validated by the caller.
fn parse_guest(
    m: &Map<String, Value>,
    id: Uuid,
    event_id: Uuid,
    prefix: &str,
) -> Result<GuestRec, axum::response::Response> {
    let pf = |f: &str| format!("{prefix}{f}");
    let first_name = req_str(m, "firstName").map_err(|_| required(&pf("firstName")))?;
    let last_name = req_str(m, "lastName").map_err(|_| required(&pf("lastName")))?;
    let str_field = |f: &str| {
        opt_str(m, f)
            .map_err(|_| bad_field(&pf(f), &format!("The {} field must be a string.", pf(f))))
    };
    let email = str_field("email")?.filter(|e| !e.trim().is_empty());
    if let Some(e) = &email {
        if !is_email(e.trim()) {
            return Err(bad_field(
                &pf("email"),
                &format!(
                    "The {} field is not a valid email address: \"{e}\".",
                    pf("email")
                ),
            ));
        }
    }
    let plus_ones = match m.get("plusOnes") {
        None | Some(Value::Null) => None,
        Some(v) => Some(v.as_u64().ok_or_else(|| {
            bad_field(
                &pf("plusOnes"),
                &format!(
                    "The {} field must be a non-negative integer.",
                    pf("plusOnes")
                ),
            )
        })?),
    };
    let custom_fields = match m.get("customFields") {
        None | Some(Value::Null) => None,
        Some(Value::Array(a)) => Some(a.clone()),
        Some(_) => {
            return Err(bad_field(
                &pf("customFields"),
                &format!("The {} field must be an array.", pf("customFields")),
            ))
        }
    };
    let tag = |f: &str| {
        tag_field(m, f).map_err(|_| {
            bad_field(
                &pf(f),
                &format!(
                    "The {} field must be a string or an array of strings.",
                    pf(f)
                ),
            )
        })
    };
    let extra: Map<String, Value> = m
        .iter()
        .filter(|(k, _)| !KNOWN.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    // In the order the fields were always checked (the first bad one is reported).
    let other_names = str_field("otherNames")?;
    let barcode = str_field("barcode")?.unwrap_or_default();
    let additional_info = str_field("additionalInfo")?;
    let tags = tag("tags")?;
    let tickets = tag("tickets")?;
    let sessions = tag("sessions")?;
    Ok(GuestRec {
        id,
        event_id,
        first_name,
        last_name,
        other_names,
        email: email.map(|e| e.trim().to_owned()),
        barcode,
        plus_ones,
        additional_info,
        tags,
        tickets,
        sessions,
        custom_fields,
        checked_in: false,
        check_in_time: None,
        extra,
    })
}

pub(crate) async fn create(
    State(s): State<SharedRef>,
    Extension(c): Extension<Caller>,
    body: Bytes,
) -> Res {
    let m = body_object(&body)?;
    let id = opt_guid(&m, "id")?;
    let event_id = req_guid(&m, "eventId")?;
    let template_id = opt_guid(&m, "commsTemplateId")?;
    let correlation_id = opt_str(&m, "correlationId")?;
    let mut g = parse_guest(&m, id.unwrap_or_default(), event_id, "")?;

    if template_id.is_some() {
        if c.user == crate::NO_COMMS_API_USERNAME {
            return Err(comms_not_enabled());
        }
        if c.user == crate::NO_KYC_USERNAME {
            return Err(trust_required());
        }
    }

    let job = {
        let mut st = s.lock();
        if let Some(id) = id {
            match st.owner_of_guest(&id) {
                // Idempotent re-post: the existing record, no second send.
                Some(owner) if owner == c.user => {
                    let acc = st.account(&c.user);
                    let g = acc.guests.get(&id).ok_or_else(not_found)?;
                    return Ok(ok(&guest_json(g)));
                }
                Some(_) => return Err(not_found()),
                None => {}
            }
        }
        if !st.account(&c.user).events.contains_key(&event_id) {
            return Err(not_found());
        }
        if let Some(t) = template_id {
            if !st.account(&c.user).templates.contains_key(&t) {
                return Err(not_found());
            }
        }
        g.id = match id {
            Some(id) => id,
            None => st.new_uuid(),
        };
        if g.barcode.is_empty() {
            g.barcode = new_barcode(&mut st.rng);
        }
        let invitation = st.new_uuid();
        let acc = st.account(&c.user);
        let job = template_id.map(|template_id| SendJob {
            user: c.user.clone(),
            attendee_id: g.id,
            template_id,
            invitation_id: invitation,
            email: g.email.clone().unwrap_or_default(),
            correlation_id: correlation_id.clone(),
        });
        acc.guests.insert(g.clone());
        job
    };
    if let Some(job) = job {
        s.sends
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(crate::state::SendRecord {
                attendee_id: job.attendee_id,
                template_id: job.template_id,
                correlation_id: job.correlation_id.clone(),
                atomic: true,
            });
        webhooks::spawn_send(s.clone(), job);
    }
    Ok(ok(&guest_json(g.view())))
}

pub(crate) async fn get_one(
    State(s): State<SharedRef>,
    Extension(c): Extension<Caller>,
    Path(id): Path<String>,
) -> Res {
    let id = parse_guid("id", &id)?;
    let mut st = s.lock();
    let acc = st.account(&c.user);
    acc.guests
        .get(&id)
        .map(|g| ok(&guest_json(g)))
        .ok_or_else(not_found)
}

/// PUT: a shallow merge — keys present overwrite, omitted keys (incl. unknown ones) are kept.
/// `checkedIn`/`checkInTime` are server-managed (use checkin/checkout).
pub(crate) async fn update(
    State(s): State<SharedRef>,
    Extension(c): Extension<Caller>,
    body: Bytes,
) -> Res {
    let m = body_object(&body)?;
    let id = req_guid(&m, "id")?;
    let new_event = opt_guid(&m, "eventId")?;
    let mut st = s.lock();
    let acc = st.account(&c.user);
    let Some(existing) = acc.guests.get(&id).map(|g| g.to_rec()) else {
        return Err(not_found());
    };
    let event_id = new_event.unwrap_or(existing.event_id);
    if !acc.events.contains_key(&event_id) {
        return Err(not_found());
    }
    let Value::Object(mut merged) = guest_json(existing.view()) else {
        unreachable!("guest_json returns an object")
    };
    for (k, v) in m {
        merged.insert(k, v);
    }
    let mut g = parse_guest(&merged, id, event_id, "")?;
    if g.barcode.is_empty() {
        g.barcode = existing.barcode.clone();
    }
    g.checked_in = existing.checked_in;
    g.check_in_time = existing.check_in_time;
    // Same event: in place; another event: to the end of its list.
    acc.guests.update(g.clone());
    Ok(ok(&guest_json(g.view())))
}

fn id_from_body(body: &[u8]) -> Result<Uuid, axum::response::Response> {
    let m = body_object(body)?;
    req_guid(&m, "id")
}

pub(crate) async fn delete(
    State(s): State<SharedRef>,
    Extension(c): Extension<Caller>,
    body: Bytes,
) -> Res {
    let id = id_from_body(&body)?;
    let mut st = s.lock();
    if st.account(&c.user).guests.remove(&id) {
        Ok(ok_empty())
    } else {
        Err(not_found())
    }
}

fn set_checked_in(s: &SharedRef, user: &str, body: &[u8], on: bool) -> Res {
    let id = id_from_body(body)?;
    let mut st = s.lock();
    let g = st
        .account(user)
        .guests
        .set_checked_in(&id, on, now_secs())
        .ok_or_else(not_found)?;
    Ok(ok(&guest_json(g)))
}

fn now_secs() -> DateTime<Utc> {
    DateTime::from_timestamp(Utc::now().timestamp(), 0).unwrap_or_else(Utc::now)
}

pub(crate) async fn checkin(
    State(s): State<SharedRef>,
    Extension(c): Extension<Caller>,
    body: Bytes,
) -> Res {
    set_checked_in(&s, &c.user, &body, true)
}

pub(crate) async fn checkout(
    State(s): State<SharedRef>,
    Extension(c): Extension<Caller>,
    body: Bytes,
) -> Res {
    set_checked_in(&s, &c.user, &body, false)
}

pub(crate) async fn list(
    State(s): State<SharedRef>,
    Extension(c): Extension<Caller>,
    Path(event_id): Path<String>,
) -> Res {
    let event_id = parse_guid("eventId", &event_id)?;
    let body = {
        let mut st = s.lock();
        let acc = st.account(&c.user);
        if !acc.events.contains_key(&event_id) {
            return Err(not_found());
        }
        let n = acc.guests.count_of_event(&event_id);
        let mut body = Vec::with_capacity(n * 300);
        serde_json::to_writer(&mut body, &EventGuestsOut(&acc.guests, event_id))
            .unwrap_or_default();
        body
    };
    let mut r = axum::response::Response::new(axum::body::Body::from(body));
    r.headers_mut().insert(
        axum::http::header::CONTENT_TYPE,
        axum::http::HeaderValue::from_static("application/json; charset=utf-8"),
    );
    Ok(r)
}

/// Bulk create: all-or-nothing validation; existing ids come back unchanged (idempotent);
/// no emails are sent (a `commsTemplateId` in an item is ignored).
pub(crate) async fn bulk_create(
    State(s): State<SharedRef>,
    Extension(c): Extension<Caller>,
    Path(event_id): Path<String>,
    body: Bytes,
) -> Res {
    let event_id = parse_guid("eventId", &event_id)?;
    let items = match body_value(&body)? {
        Value::Array(a) => a,
        _ => {
            return Err(coded(
                StatusCode::BAD_REQUEST,
                "invalid_json",
                "The request body must be a JSON array of attendees.",
            ))
        }
    };
    if items.len() > BULK_MAX {
        return Err(coded(
            StatusCode::BAD_REQUEST,
            "too_many_records",
            &format!(
                "Bulk create accepts at most {BULK_MAX} attendees per call; got {}. Split into chunks of {BULK_MAX}.",
                items.len()
            ),
        ));
    }
    let mut parsed = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let prefix = format!("[{i}].");
        let Value::Object(m) = item else {
            return Err(bad_field(
                &format!("[{i}]"),
                &format!("Item [{i}] must be a JSON object."),
            ));
        };
        let id = opt_guid(m, "id").map_err(|_| {
            bad_field(
                &format!("{prefix}id"),
                &format!("The {prefix}id field is not a valid GUID."),
            )
        })?;
        let ev = opt_guid(m, "eventId").map_err(|_| {
            bad_field(
                &format!("{prefix}eventId"),
                &format!("The {prefix}eventId field is not a valid GUID."),
            )
        })?;
        if ev.is_some_and(|e| e != event_id) {
            return Err(bad_field(
                &format!("{prefix}eventId"),
                &format!("The {prefix}eventId field does not match the eventId in the URL."),
            ));
        }
        parsed.push((
            id,
            parse_guest(m, id.unwrap_or_default(), event_id, &prefix)?,
        ));
    }
    let mut st = s.lock();
    if !st.account(&c.user).events.contains_key(&event_id) {
        return Err(not_found());
    }
    for (id, _) in &parsed {
        if let Some(id) = id {
            if st.owner_of_guest(id).is_some_and(|o| o != c.user) {
                return Err(not_found());
            }
        }
    }
    let mut out = Vec::with_capacity(parsed.len());
    for (id, mut g) in parsed {
        if let Some(id) = id {
            if let Some(existing) = st.account(&c.user).guests.get(&id) {
                out.push(guest_json(existing));
                continue;
            }
        }
        g.id = match id {
            Some(id) => id,
            None => st.new_uuid(),
        };
        if g.barcode.is_empty() {
            g.barcode = new_barcode(&mut st.rng);
        }
        out.push(guest_json(g.view()));
        st.account(&c.user).guests.insert(g);
    }
    Ok(ok(&Value::Array(out)))
}
