//! The event form's rules: what must hold before anything is sent, and the bodies that are
//! sent (an edit keeps the fields this version does not know).

use chrono::{NaiveDateTime, TimeZone};
use chrono_tz::Tz;

use uuid::Uuid;

use super::dates::parse_local;
use super::types::{EventChanges, EventForm};
use super::zones::parse_zone;
use crate::models::Event;
use crate::validate::guid;
use crate::{Error, Result};

/// The whole create form, checked before any request: its id (a GUID, not the nil one) and
/// [`validate`] of the rest.
pub fn check_form(f: &EventForm) -> Result<(Uuid, ValidEvent)> {
    let id = guid("id", &f.id)?;
    let v = validate(&f.title, &f.start_time, &f.end_time, &f.time_zone_id)?;
    Ok((id, v))
}

/// An edit, checked before any request: the event's id and the given fields
/// ([`EventChanges::check`]).
pub fn check_changes(id: &str, changes: &EventChanges) -> Result<Uuid> {
    let id = guid("id", id)?;
    changes.check()?;
    Ok(id)
}

/// A form that passed every check: what will be sent.
#[derive(Clone, Debug, PartialEq)]
pub struct ValidEvent {
    pub title: String,
    pub start: NaiveDateTime,
    pub end: NaiveDateTime,
    pub zone: Tz,
}

/// Check an event form: a title, two local times that exist in the zone, start before end,
/// and a real IANA zone. Errors name the API's field (`title`, `startTime`, `endTime`,
/// `timeZoneId`).
pub fn validate(title: &str, start: &str, end: &str, zone: &str) -> Result<ValidEvent> {
    let title = check_title(title)?;
    let zone = parse_zone(zone)?;
    let start = parse_local("startTime", start)?;
    let end = parse_local("endTime", end)?;
    for (field, t) in [("startTime", start), ("endTime", end)] {
        if zone.from_local_datetime(&t).earliest().is_none() {
            return Err(Error::invalid(
                field,
                format!(
                    "{} does not exist in {} (the clocks skip it for daylight saving); pick another time",
                    t.format("%Y-%m-%d %H:%M"),
                    zone.name()
                ),
            ));
        }
    }
    if end <= start {
        return Err(Error::invalid("endTime", "must be after the start time"));
    }
    Ok(ValidEvent {
        title: title.to_owned(),
        start,
        end,
        zone,
    })
}

fn check_title(title: &str) -> Result<&str> {
    let title = title.trim();
    if title.is_empty() {
        return Err(Error::invalid("title", "is required"));
    }
    Ok(title)
}

impl EventChanges {
    /// Check the given fields alone, before any request: each as [`validate`] would (when all
    /// four are given, `validate` itself, start before end included).
    pub fn check(&self) -> Result<()> {
        if let (Some(title), Some(start), Some(end), Some(zone)) = (
            &self.title,
            &self.start_time,
            &self.end_time,
            &self.time_zone_id,
        ) {
            return validate(title, start, end, zone).map(drop);
        }
        if let Some(title) = &self.title {
            check_title(title)?;
        }
        if let Some(zone) = &self.time_zone_id {
            parse_zone(zone)?;
        }
        if let Some(start) = &self.start_time {
            parse_local("startTime", start)?;
        }
        if let Some(end) = &self.end_time {
            parse_local("endTime", end)?;
        }
        Ok(())
    }

    /// The event as it will be: the given fields over `existing`'s, checked as a whole.
    pub fn over(&self, existing: &Event) -> Result<ValidEvent> {
        let time = |t: NaiveDateTime| t.format("%Y-%m-%dT%H:%M:%S").to_string();
        let start = self
            .start_time
            .clone()
            .unwrap_or_else(|| time(existing.start_time));
        let end = self
            .end_time
            .clone()
            .unwrap_or_else(|| time(existing.end_time));
        validate(
            self.title.as_deref().unwrap_or(&existing.title),
            &start,
            &end,
            self.time_zone_id
                .as_deref()
                .unwrap_or(&existing.time_zone_id),
        )
    }
}

/// The body of `POST /api/event`.
pub fn new_event(v: &ValidEvent) -> Event {
    Event {
        id: None,
        title: v.title.clone(),
        start_time: v.start,
        end_time: v.end,
        time_zone_id: v.zone.name().to_owned(),
        extra: Default::default(),
    }
}

/// The body of `PUT /api/event`: the event as Qflow has it, with the form's fields replaced.
/// Its id and every field this version does not know are sent back unchanged.
pub fn apply_edit(mut existing: Event, v: &ValidEvent) -> Event {
    existing.title = v.title.clone();
    existing.start_time = v.start;
    existing.end_time = v.end;
    existing.time_zone_id = v.zone.name().to_owned();
    existing
}
