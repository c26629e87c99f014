//! Arrivals per 5 minutes of the event's local time, and the peak.
//!
//! A check-in time (UTC) falls in the slot of its local wall-clock time floored to 5 minutes,
//! with the offset in force at that instant: across a DST change the repeated hour gives two
//! sets of slots (each labelled with its own offset), never one slot holding both.

use std::collections::BTreeMap;

use chrono::{DateTime, Offset, TimeZone, Utc};
use chrono_tz::Tz;

use super::types::ArrivalBucket;

/// Slot length in seconds.
pub const SLOT_SECS: i64 = 300;
/// At most this many slots (24 hours); earlier arrivals are counted apart.
pub const MAX_BUCKETS: usize = 288;

/// The chart's slots, the arrivals before them and the peak.
#[derive(Debug, Default, PartialEq)]
pub struct Slots {
    pub buckets: Vec<ArrivalBucket>,
    pub earlier: u32,
    pub peak: Option<ArrivalBucket>,
}

/// The UTC start of the slot holding `t` in `tz`.
fn slot_start(t: DateTime<Utc>, tz: Tz) -> i64 {
    let off = i64::from(
        tz.offset_from_utc_datetime(&t.naive_utc())
            .fix()
            .local_minus_utc(),
    );
    (t.timestamp() + off).div_euclid(SLOT_SECS) * SLOT_SECS - off
}

fn bucket(start: i64, count: u32, tz: Tz) -> ArrivalBucket {
    let local = tz.from_utc_datetime(
        &DateTime::from_timestamp(start, 0)
            .unwrap_or_default()
            .naive_utc(),
    );
    ArrivalBucket {
        start: local.to_rfc3339(),
        time: local.format("%H:%M").to_string(),
        date: local.format("%Y-%m-%d").to_string(),
        count,
    }
}

/// Counts `times` per slot of `tz`: every slot from the first arrival to the last (empty ones
/// too, at most [`MAX_BUCKETS`], the latest), the arrivals before the first slot shown, and
/// the busiest slot over all of them.
pub fn slots(times: impl IntoIterator<Item = DateTime<Utc>>, tz: Tz) -> Slots {
    let mut per: BTreeMap<i64, u32> = BTreeMap::new();
    for t in times {
        *per.entry(slot_start(t, tz)).or_default() += 1;
    }
    let (Some((&first, _)), Some((&last, _))) = (per.first_key_value(), per.last_key_value())
    else {
        return Slots::default();
    };
    // Earliest of equals: `max_by_key` keeps the last maximum, so walk backwards.
    let peak = per
        .iter()
        .rev()
        .max_by_key(|&(_, n)| *n)
        .map(|(&s, &n)| bucket(s, n, tz));
    let span = usize::try_from((last - first) / SLOT_SECS).unwrap_or(usize::MAX);
    let from = if span >= MAX_BUCKETS {
        last - (MAX_BUCKETS as i64 - 1) * SLOT_SECS
    } else {
        first
    };
    let earlier = per.range(..from).map(|(_, &n)| n).sum();
    let mut buckets = Vec::new();
    let mut s = from;
    while s <= last {
        // A slot start off the 5-minute grid (an offset change that is not a multiple of
        // 5 minutes) is counted in the grid slot it falls in.
        let n = per.range(s..s + SLOT_SECS).map(|(_, &n)| n).sum();
        buckets.push(bucket(s, n, tz));
        s += SLOT_SECS;
    }
    Slots {
        buckets,
        earlier,
        peak,
    }
}
