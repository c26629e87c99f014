//! Events: `/api/event`, `/api/event/{id}`, `/api/events?start=&end=`.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::Extension;
use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use serde_json::{Map, Value};
use uuid::Uuid;

use crate::resp::*;
use crate::server::Caller;
use crate::state::{EventRec, SharedRef};

const KNOWN: &[&str] = &["id", "title", "startTime", "endTime", "timeZoneId"];
const FMT: &str = "%Y-%m-%dT%H:%M:%S";

pub(crate) fn event_json(e: &EventRec) -> Value {
    let mut m = Map::new();
    m.insert("id".into(), Value::String(e.id.to_string()));
    m.insert("title".into(), Value::String(e.title.clone()));
    m.insert(
        "startTime".into(),
        Value::String(e.start.format(FMT).to_string()),
    );
    m.insert(
        "endTime".into(),
        Value::String(e.end.format(FMT).to_string()),
    );
    m.insert("timeZoneId".into(), Value::String(e.tz.clone()));
    for (k, v) in &e.extra {
        m.insert(k.clone(), v.clone());
    }
    Value::Object(m)
}

/// Local wall time; an offset-bearing time is converted into the event's zone.
fn parse_local(field: &str, s: &str, tz: Tz) -> Result<NaiveDateTime, axum::response::Response> {
    if let Ok(t) = s.parse::<NaiveDateTime>() {
        return Ok(t);
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t.with_timezone(&tz).naive_local());
    }
    Err(bad_field(
        field,
        &format!("The {field} field is not a valid date-time (expected e.g. 2026-06-01T10:00:00): \"{s}\"."),
    ))
}

fn parse_event(m: &Map<String, Value>, id: Uuid) -> Result<EventRec, axum::response::Response> {
    let title = req_str(m, "title")?;
    let tz_name = req_str(m, "timeZoneId")?;
    let tz: Tz = tz_name.parse().map_err(|_| {
        bad_field(
            "timeZoneId",
            &format!("The timeZoneId field is not a known IANA time zone: \"{tz_name}\"."),
        )
    })?;
    let start = parse_local("startTime", &req_str(m, "startTime")?, tz)?;
    let end = parse_local("endTime", &req_str(m, "endTime")?, tz)?;
    if end < start {
        return Err(bad_field(
            "endTime",
            "The endTime field must not be before startTime.",
        ));
    }
    Ok(EventRec {
        id,
        title,
        start,
        end,
        tz: tz_name,
        extra: m
            .iter()
            .filter(|(k, _)| !KNOWN.contains(&k.as_str()))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
    })
}

pub(crate) async fn create(
    State(s): State<SharedRef>,
    Extension(c): Extension<Caller>,
    body: Bytes,
) -> Res {
    let m = body_object(&body)?;
    let id = opt_guid(&m, "id")?;
    let mut e = parse_event(&m, id.unwrap_or_default())?;
    let mut st = s.lock();
    if let Some(id) = id {
        match st.owner_of_event(&id) {
            Some(owner) if owner == c.user => {
                return Ok(ok(&event_json(&st.account(&c.user).events[&id])))
            }
            Some(_) => return Err(not_found()),
            None => {}
        }
    }
    e.id = match id {
        Some(id) => id,
        None => st.new_uuid(),
    };
    st.account(&c.user).events.insert(e.id, e.clone());
    Ok(ok(&event_json(&e)))
}

pub(crate) async fn get_one(
    State(s): State<SharedRef>,
    Extension(c): Extension<Caller>,
    Path(id): Path<String>,
) -> Res {
    let id = parse_guid("id", &id)?;
    let mut st = s.lock();
    st.account(&c.user)
        .events
        .get(&id)
        .map(|e| ok(&event_json(e)))
        .ok_or_else(not_found)
}

/// PUT: shallow merge like guests.
pub(crate) async fn update(
    State(s): State<SharedRef>,
    Extension(c): Extension<Caller>,
    body: Bytes,
) -> Res {
    let m = body_object(&body)?;
    let id = req_guid(&m, "id")?;
    let mut st = s.lock();
    let acc = st.account(&c.user);
    let existing = acc.events.get(&id).ok_or_else(not_found)?;
    let Value::Object(mut merged) = event_json(existing) else {
        unreachable!("event_json returns an object")
    };
    merged.extend(m);
    let e = parse_event(&merged, id)?;
    acc.events.insert(id, e.clone());
    Ok(ok(&event_json(&e)))
}

/// DELETE cascades to the event's attendees and templates.
pub(crate) async fn delete(
    State(s): State<SharedRef>,
    Extension(c): Extension<Caller>,
    body: Bytes,
) -> Res {
    let m = body_object(&body)?;
    let id = req_guid(&m, "id")?;
    let mut st = s.lock();
    let acc = st.account(&c.user);
    if acc.events.remove(&id).is_none() {
        return Err(not_found());
    }
    acc.guests.remove_event(&id);
    acc.templates.retain(|_, t| t.event_id != id);
    Ok(ok_empty())
}

enum Bound {
    Local(NaiveDateTime),
    Utc(DateTime<Utc>),
}

fn parse_bound(
    field: &str,
    q: &HashMap<String, String>,
) -> Result<Bound, axum::response::Response> {
    let Some(s) = q.get(field).filter(|s| !s.trim().is_empty()) else {
        return Err(bad_field(
            field,
            &format!("The {field} query parameter is required (ISO 8601 date-time)."),
        ));
    };
    let s = s.trim();
    if let Ok(t) = s.parse::<NaiveDateTime>() {
        return Ok(Bound::Local(t));
    }
    if let Ok(d) = s.parse::<NaiveDate>() {
        return Ok(Bound::Local(d.and_hms_opt(0, 0, 0).expect("midnight")));
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(Bound::Utc(t.with_timezone(&Utc)));
    }
    Err(bad_field(
        field,
        &format!("The {field} query parameter is not a valid ISO 8601 date-time: \"{s}\"."),
    ))
}

fn to_utc(e: &EventRec, t: NaiveDateTime) -> DateTime<Utc> {
    let tz: Tz = e.tz.parse().unwrap_or(Tz::UTC);
    tz.from_local_datetime(&t)
        .earliest()
        .map(|x| x.with_timezone(&Utc))
        .unwrap_or_else(|| Utc.from_utc_datetime(&t))
}

/// Events overlapping [start, end] (inclusive). Naive bounds compare with the events' local
/// wall times; bounds with an offset compare in UTC.
pub(crate) async fn list(
    State(s): State<SharedRef>,
    Extension(c): Extension<Caller>,
    Query(q): Query<HashMap<String, String>>,
) -> Res {
    let start = parse_bound("start", &q)?;
    let end = parse_bound("end", &q)?;
    let mut st = s.lock();
    let acc = st.account(&c.user);
    let mut hits: Vec<&EventRec> = acc
        .events
        .values()
        .filter(|e| {
            let starts_before_end = match &end {
                Bound::Local(t) => e.start <= *t,
                Bound::Utc(t) => to_utc(e, e.start) <= *t,
            };
            let ends_after_start = match &start {
                Bound::Local(t) => e.end >= *t,
                Bound::Utc(t) => to_utc(e, e.end) >= *t,
            };
            starts_before_end && ends_after_start
        })
        .collect();
    hits.sort_by_key(|e| (e.start, e.id));
    Ok(ok(&Value::Array(
        hits.into_iter().map(event_json).collect(),
    )))
}
