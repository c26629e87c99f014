//! The report from an event, its attendee list and their email states (no I/O).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use uuid::Uuid;

use super::buckets::slots;
use super::health::{count, Delivery};
use super::types::{ArrivalsReport, EmailHealth, ResendTarget, TargetCount};
use crate::guest_list::GuestList;
use crate::models::Event;
use crate::ops::guests::count as to_u32;

/// The event's zone, else UTC with a note saying so.
pub fn zone_of(event: &Event) -> (Tz, Option<String>) {
    match event.time_zone_id.parse::<Tz>() {
        Ok(tz) => (tz, None),
        Err(_) => (
            Tz::UTC,
            Some(format!(
                "the event's time zone '{}' is unknown: times are UTC",
                event.time_zone_id
            )),
        ),
    }
}

/// An attendee's email state; absent from `states` = never sent.
pub fn delivery(states: &HashMap<Uuid, Delivery>, id: Uuid) -> Delivery {
    states.get(&id).copied().unwrap_or(Delivery::NeverSent)
}

/// The numbers of `list` (the attendees of `event`) with their email `states`.
pub fn build(
    event: &Event,
    list: &GuestList,
    states: &HashMap<Uuid, Delivery>,
    now: DateTime<Utc>,
) -> ArrivalsReport {
    let (tz, zone_note) = zone_of(event);
    let mut checked_in = 0usize;
    let mut untimed = 0usize;
    let mut times = Vec::new();
    let mut health = EmailHealth::default();
    let mut targets: HashMap<ResendTarget, usize> = HashMap::new();
    for g in list.iter() {
        let inside = g.checked_in().unwrap_or(false);
        if inside {
            checked_in += 1;
            match g.check_in_time() {
                Some(t) => times.push(t),
                None => untimed += 1,
            }
        }
        let d = delivery(states, g.id());
        count(&mut health, d);
        for t in ResendTarget::ALL {
            if t.selects(inside, d) {
                *targets.entry(t).or_default() += 1;
            }
        }
    }
    let s = slots(times, tz);
    ArrivalsReport {
        event_id: list.event_id().to_string(),
        title: event.title.clone(),
        time_zone_id: tz.name().to_owned(),
        zone_note,
        expected: to_u32(list.len()),
        checked_in: to_u32(checked_in),
        no_shows: to_u32(list.len() - checked_in),
        untimed: to_u32(untimed),
        buckets: s.buckets,
        earlier: s.earlier,
        peak: s.peak,
        health,
        targets: ResendTarget::ALL
            .iter()
            .map(|&t| TargetCount {
                target: t,
                label: t.label().to_owned(),
                count: to_u32(targets.get(&t).copied().unwrap_or(0)),
            })
            .collect(),
        reloaded: false,
        reload_note: None,
        as_of: now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    }
}

/// The ids `target` selects, in the attendee table's order.
pub fn select(
    list: &GuestList,
    states: &HashMap<Uuid, Delivery>,
    target: ResendTarget,
) -> Vec<Uuid> {
    list.iter()
        .filter(|g| target.selects(g.checked_in().unwrap_or(false), delivery(states, g.id())))
        .map(|g| g.id())
        .collect()
}
