//! Compact attendee storage: the demo keeps 50,000 attendees inside the app's own process.
//!
//! Per attendee: a 40-byte [`Stored`] record in its event's list (list order = creation
//! order = `GET /api/guests/{eventId}` order), one index entry (id → list, position) and ONE
//! heap string holding all its text behind a short ASCII header. The rare `customFields` and
//! unknown fields live in a side map keyed by id.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};
use uuid::Uuid;

/// An attendee as handlers build, validate and answer it (owned, decoded).
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct GuestRec {
    pub id: Uuid,
    pub event_id: Uuid,
    pub first_name: String,
    pub last_name: String,
    pub other_names: Option<String>,
    pub email: Option<String>,
    pub barcode: String,
    pub plus_ones: Option<u64>,
    pub additional_info: Option<String>,
    pub tags: Option<String>,
    pub tickets: Option<String>,
    pub sessions: Option<String>,
    pub custom_fields: Option<Vec<Value>>,
    pub checked_in: bool,
    /// Whole seconds (the API answers seconds only).
    pub check_in_time: Option<DateTime<Utc>>,
    /// Unknown fields, kept for the round trip.
    pub extra: Map<String, Value>,
}

impl GuestRec {
    pub fn view(&self) -> GuestView<'_> {
        GuestView {
            id: self.id,
            event_id: self.event_id,
            first_name: &self.first_name,
            last_name: &self.last_name,
            other_names: self.other_names.as_deref(),
            email: self.email.as_deref(),
            barcode: &self.barcode,
            plus_ones: self.plus_ones,
            additional_info: self.additional_info.as_deref(),
            tags: self.tags.as_deref(),
            tickets: self.tickets.as_deref(),
            sessions: self.sessions.as_deref(),
            custom_fields: self.custom_fields.as_deref(),
            checked_in: self.checked_in,
            check_in_time: self.check_in_time,
            extra: (!self.extra.is_empty()).then_some(&self.extra),
        }
    }
}

/// A borrowed attendee, from the store or from a [`GuestRec`].
#[derive(Clone, Copy, Debug)]
pub(crate) struct GuestView<'a> {
    pub id: Uuid,
    pub event_id: Uuid,
    pub first_name: &'a str,
    pub last_name: &'a str,
    pub other_names: Option<&'a str>,
    pub email: Option<&'a str>,
    pub barcode: &'a str,
    pub plus_ones: Option<u64>,
    pub additional_info: Option<&'a str>,
    pub tags: Option<&'a str>,
    pub tickets: Option<&'a str>,
    pub sessions: Option<&'a str>,
    pub custom_fields: Option<&'a [Value]>,
    pub checked_in: bool,
    pub check_in_time: Option<DateTime<Utc>>,
    pub extra: Option<&'a Map<String, Value>>,
}

impl GuestView<'_> {
    pub fn to_rec(self) -> GuestRec {
        let own = |s: Option<&str>| s.map(str::to_owned);
        GuestRec {
            id: self.id,
            event_id: self.event_id,
            first_name: self.first_name.to_owned(),
            last_name: self.last_name.to_owned(),
            other_names: own(self.other_names),
            email: own(self.email),
            barcode: self.barcode.to_owned(),
            plus_ones: self.plus_ones,
            additional_info: own(self.additional_info),
            tags: own(self.tags),
            tickets: own(self.tickets),
            sessions: own(self.sessions),
            custom_fields: self.custom_fields.map(<[Value]>::to_vec),
            checked_in: self.checked_in,
            check_in_time: self.check_in_time,
            extra: self.extra.cloned().unwrap_or_default(),
        }
    }
}

/// `check_in` when not checked in.
const NOT_IN: i64 = i64::MIN;
/// `check_in` when checked in without a time (no endpoint makes this; kept for fidelity).
const IN_NO_TIME: i64 = i64::MIN + 1;

/// One attendee at rest. 40 bytes; its event is the list it sits in.
struct Stored {
    id: Uuid,
    /// Unix seconds, or [`NOT_IN`] / [`IN_NO_TIME`].
    check_in: i64,
    /// All text, see [`pack`].
    text: Box<str>,
}

struct EventList {
    event_id: Uuid,
    guests: Vec<Stored>,
}

#[derive(Clone, Copy)]
struct Pos {
    list: u32,
    at: u32,
}

/// Fields few attendees have.
struct Rare {
    custom_fields: Option<Box<[Value]>>,
    extra: Map<String, Value>,
}

/// All attendees of one account.
#[derive(Default)]
pub(crate) struct Guests {
    lists: Vec<EventList>,
    index: HashMap<Uuid, Pos>,
    rare: HashMap<Uuid, Box<Rare>>,
}

impl Guests {
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.index.len()
    }

    pub fn contains(&self, id: &Uuid) -> bool {
        self.index.contains_key(id)
    }

    pub fn get(&self, id: &Uuid) -> Option<GuestView<'_>> {
        let p = *self.index.get(id)?;
        let list = &self.lists[p.list as usize];
        Some(self.view(list.event_id, &list.guests[p.at as usize]))
    }

    /// The event's attendees in creation order (empty for an unknown event).
    pub fn of_event(&self, event_id: &Uuid) -> impl Iterator<Item = GuestView<'_>> + '_ {
        let event_id = *event_id;
        self.lists
            .iter()
            .filter(move |l| l.event_id == event_id)
            .flat_map(move |l| l.guests.iter().map(move |g| self.view(l.event_id, g)))
    }

    pub fn count_of_event(&self, event_id: &Uuid) -> usize {
        self.lists
            .iter()
            .filter(|l| l.event_id == *event_id)
            .map(|l| l.guests.len())
            .sum()
    }

    fn view<'a>(&'a self, event_id: Uuid, g: &'a Stored) -> GuestView<'a> {
        let t = unpack(&g.text);
        let rare = if self.rare.is_empty() {
            None
        } else {
            self.rare.get(&g.id).map(|r| &**r)
        };
        GuestView {
            id: g.id,
            event_id,
            first_name: t.first_name,
            last_name: t.last_name,
            other_names: t.other_names,
            email: t.email,
            barcode: t.barcode,
            plus_ones: t.plus_ones,
            additional_info: t.additional_info,
            tags: t.tags,
            tickets: t.tickets,
            sessions: t.sessions,
            custom_fields: rare.and_then(|r| r.custom_fields.as_deref()),
            checked_in: g.check_in != NOT_IN,
            check_in_time: match g.check_in {
                NOT_IN | IN_NO_TIME => None,
                s => DateTime::from_timestamp(s, 0),
            },
            extra: rare.map(|r| &r.extra).filter(|m| !m.is_empty()),
        }
    }

    /// Appends to the end of its event's list (replacing any record with the same id).
    pub fn insert(&mut self, g: GuestRec) {
        self.remove(&g.id);
        let list = self.list_of(g.event_id);
        let guests = &mut self.lists[list].guests;
        let pos = Pos {
            list: list as u32,
            at: guests.len() as u32,
        };
        guests.push(stored(&g));
        self.index.insert(g.id, pos);
        self.set_rare(g);
    }

    /// Replaces a record: in place when the event is unchanged (list order kept), otherwise
    /// it moves to the end of the new event's list.
    pub fn update(&mut self, g: GuestRec) {
        match self.index.get(&g.id) {
            Some(p) if self.lists[p.list as usize].event_id == g.event_id => {
                self.lists[p.list as usize].guests[p.at as usize] = stored(&g);
                self.set_rare(g);
            }
            _ => self.insert(g),
        }
    }

    fn set_rare(&mut self, g: GuestRec) {
        if g.custom_fields.is_none() && g.extra.is_empty() {
            self.rare.remove(&g.id);
        } else {
            let r = Rare {
                custom_fields: g.custom_fields.map(Vec::into_boxed_slice),
                extra: g.extra,
            };
            self.rare.insert(g.id, Box::new(r));
        }
    }

    /// Check-in keeps an earlier time; check-out clears it.
    pub fn set_checked_in(
        &mut self,
        id: &Uuid,
        on: bool,
        now: DateTime<Utc>,
    ) -> Option<GuestView<'_>> {
        let p = *self.index.get(id)?;
        let list = &mut self.lists[p.list as usize];
        let g = &mut list.guests[p.at as usize];
        if !on {
            g.check_in = NOT_IN;
        } else if g.check_in == NOT_IN {
            g.check_in = now.timestamp();
        }
        let event_id = list.event_id;
        let list = &self.lists[p.list as usize];
        Some(self.view(event_id, &list.guests[p.at as usize]))
    }

    /// Removes one attendee; later ones in its list keep their order.
    pub fn remove(&mut self, id: &Uuid) -> bool {
        let Some(p) = self.index.remove(id) else {
            return false;
        };
        let guests = &mut self.lists[p.list as usize].guests;
        guests.remove(p.at as usize);
        for (at, g) in guests.iter().enumerate().skip(p.at as usize) {
            if let Some(x) = self.index.get_mut(&g.id) {
                x.at = at as u32;
            }
        }
        if !self.rare.is_empty() {
            self.rare.remove(id);
        }
        true
    }

    /// Removes every attendee of the event.
    pub fn remove_event(&mut self, event_id: &Uuid) {
        let Some(i) = self.lists.iter().position(|l| l.event_id == *event_id) else {
            return;
        };
        let gone = self.lists.swap_remove(i);
        for g in &gone.guests {
            self.index.remove(&g.id);
            self.rare.remove(&g.id);
        }
        // The list that took slot `i`.
        if let Some(moved) = self.lists.get(i) {
            for g in &moved.guests {
                if let Some(x) = self.index.get_mut(&g.id) {
                    x.list = i as u32;
                }
            }
        }
    }

    /// Drops spare capacity (after seeding).
    pub fn shrink_to_fit(&mut self) {
        for l in &mut self.lists {
            l.guests.shrink_to_fit();
        }
        self.lists.shrink_to_fit();
        self.index.shrink_to_fit();
        self.rare.shrink_to_fit();
    }

    pub fn reserve(&mut self, n: usize) {
        self.index.reserve(n);
    }

    /// Room for `n` more attendees of the event.
    pub fn reserve_event(&mut self, event_id: Uuid, n: usize) {
        let list = self.list_of(event_id);
        self.lists[list].guests.reserve_exact(n);
    }

    /// The event's list, created empty when missing.
    fn list_of(&mut self, event_id: Uuid) -> usize {
        match self.lists.iter().position(|l| l.event_id == event_id) {
            Some(i) => i,
            None => {
                self.lists.push(EventList {
                    event_id,
                    guests: Vec::new(),
                });
                self.lists.len() - 1
            }
        }
    }

    /// Heap bytes held for attendees, by glibc's chunk sizes (for the memory test).
    #[cfg(test)]
    pub fn heap_bytes(&self) -> usize {
        let mut n = chunk(self.lists.capacity() * size_of::<EventList>());
        for l in &self.lists {
            n += chunk(l.guests.capacity() * size_of::<Stored>());
            n += l.guests.iter().map(|g| chunk(g.text.len())).sum::<usize>();
        }
        n += chunk(buckets(self.index.capacity()) * (size_of::<(Uuid, Pos)>() + 1));
        n += chunk(buckets(self.rare.capacity()) * (size_of::<(Uuid, Box<Rare>)>() + 1));
        for r in self.rare.values() {
            n += chunk(size_of::<Rare>());
            n += r
                .custom_fields
                .as_ref()
                .map_or(0, |c| chunk(size_of_val(&**c)));
            // The extra map's own entries are not counted (the seed has none).
        }
        n
    }
}

/// glibc malloc chunk for an `n`-byte request (8-byte header, 16-byte steps, 32 minimum).
#[cfg(test)]
fn chunk(n: usize) -> usize {
    if n == 0 {
        0
    } else {
        (n + 8).div_ceil(16).max(2) * 16
    }
}

/// hashbrown's bucket count for a map of this `capacity()`.
#[cfg(test)]
fn buckets(cap: usize) -> usize {
    match cap {
        0 => 0,
        1..=7 => (cap + 1).next_power_of_two(),
        _ => (cap * 8 / 7).next_power_of_two(),
    }
}

fn stored(g: &GuestRec) -> Stored {
    Stored {
        id: g.id,
        check_in: match (g.checked_in, g.check_in_time) {
            (false, _) => NOT_IN,
            (true, None) => IN_NO_TIME,
            (true, Some(t)) => t.timestamp(),
        },
        text: pack(g),
    }
}

// Presence bits of the optional fields, in header and text order.
const EMAIL: u64 = 1;
const TAGS: u64 = 1 << 1;
const PLUS_ONES: u64 = 1 << 2;
const ADDITIONAL_INFO: u64 = 1 << 3;
const OTHER_NAMES: u64 = 1 << 4;
const TICKETS: u64 = 1 << 5;
const SESSIONS: u64 = 1 << 6;

/// The attendee's text: a header of ASCII varints (presence bits, each string's byte length,
/// then plusOnes), followed by the strings: first, last, barcode, then the present optional
/// ones in bit order. ASCII header = the whole thing stays a `str`.
fn pack(g: &GuestRec) -> Box<str> {
    let optional = [
        (EMAIL, g.email.as_deref()),
        (TAGS, g.tags.as_deref()),
        (ADDITIONAL_INFO, g.additional_info.as_deref()),
        (OTHER_NAMES, g.other_names.as_deref()),
        (TICKETS, g.tickets.as_deref()),
        (SESSIONS, g.sessions.as_deref()),
    ];
    let mut flags = if g.plus_ones.is_some() { PLUS_ONES } else { 0 };
    let mut strings = vec![&*g.first_name, &*g.last_name, &*g.barcode];
    for (bit, s) in optional {
        if let Some(s) = s {
            flags |= bit;
            strings.push(s);
        }
    }
    let mut head = String::new();
    put_varint(&mut head, flags);
    for s in &strings {
        put_varint(&mut head, s.len() as u64);
    }
    if let Some(n) = g.plus_ones {
        put_varint(&mut head, n);
    }
    let total = head.len() + strings.iter().map(|s| s.len()).sum::<usize>();
    let mut out = String::with_capacity(total);
    out.push_str(&head);
    strings.iter().for_each(|s| out.push_str(s));
    out.into_boxed_str()
}

struct Unpacked<'a> {
    first_name: &'a str,
    last_name: &'a str,
    other_names: Option<&'a str>,
    email: Option<&'a str>,
    barcode: &'a str,
    plus_ones: Option<u64>,
    additional_info: Option<&'a str>,
    tags: Option<&'a str>,
    tickets: Option<&'a str>,
    sessions: Option<&'a str>,
}

fn unpack(text: &str) -> Unpacked<'_> {
    let b = text.as_bytes();
    let mut pos = 0;
    let flags = get_varint(b, &mut pos);
    let has = |bit| flags & bit != 0;
    let mut lens = [0usize; 9];
    let n = 3 + [EMAIL, TAGS, ADDITIONAL_INFO, OTHER_NAMES, TICKETS, SESSIONS]
        .iter()
        .filter(|&&bit| has(bit))
        .count();
    for l in &mut lens[..n] {
        *l = get_varint(b, &mut pos) as usize;
    }
    let plus_ones = has(PLUS_ONES).then(|| get_varint(b, &mut pos));
    let mut lens = lens.into_iter();
    let mut next = || {
        let l = lens.next().unwrap_or(0);
        let s = &text[pos..pos + l];
        pos += l;
        s
    };
    let first_name = next();
    let last_name = next();
    let barcode = next();
    let mut opt = |bit| has(bit).then(&mut next);
    Unpacked {
        first_name,
        last_name,
        barcode,
        email: opt(EMAIL),
        tags: opt(TAGS),
        additional_info: opt(ADDITIONAL_INFO),
        other_names: opt(OTHER_NAMES),
        tickets: opt(TICKETS),
        sessions: opt(SESSIONS),
        plus_ones,
    }
}

/// 6 value bits per byte, 0x40 = more bytes follow: always ASCII.
fn put_varint(out: &mut String, mut v: u64) {
    loop {
        let low = (v & 0x3f) as u8;
        v >>= 6;
        if v == 0 {
            out.push(low as char);
            return;
        }
        out.push((low | 0x40) as char);
    }
}

fn get_varint(b: &[u8], pos: &mut usize) -> u64 {
    let mut v = 0u64;
    let mut shift = 0;
    loop {
        let x = b[*pos];
        *pos += 1;
        v |= u64::from(x & 0x3f) << shift;
        if x & 0x40 == 0 {
            return v;
        }
        shift += 6;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn id(n: u8) -> Uuid {
        Uuid::from_bytes([n; 16])
    }

    fn rec(n: u8, event: u8) -> GuestRec {
        GuestRec {
            id: id(n),
            event_id: id(event),
            first_name: format!("F{n}"),
            last_name: format!("L{n}"),
            email: Some(format!("g{n}@example.com")),
            barcode: format!("B{n}"),
            ..GuestRec::default()
        }
    }

    fn ids(g: &Guests, event: u8) -> Vec<Uuid> {
        g.of_event(&id(event)).map(|v| v.id).collect()
    }

    #[test]
    fn stored_record_is_40_bytes() {
        assert_eq!(std::mem::size_of::<Stored>(), 40);
    }

    #[test]
    fn every_field_round_trips() {
        let long = "é".repeat(5000);
        let full = GuestRec {
            id: id(1),
            event_id: id(9),
            first_name: "Zoë".into(),
            last_name: long.clone(),
            other_names: Some(String::new()),
            email: Some("zoe@example.com".into()),
            barcode: String::new(),
            plus_ones: Some(u64::MAX),
            additional_info: Some("山田 太郎".into()),
            tags: Some("VIP,Early Bird".into()),
            tickets: Some("x".repeat(70)),
            sessions: Some("A,B".into()),
            custom_fields: Some(vec![json!({"k": 1}), json!(null)]),
            checked_in: true,
            check_in_time: DateTime::from_timestamp(1_700_000_000, 0),
            extra: [("zz".to_string(), json!([1, {"a": "b"}]))]
                .into_iter()
                .collect(),
        };
        let bare = GuestRec {
            id: id(2),
            event_id: id(9),
            ..GuestRec::default()
        };
        let odd = GuestRec {
            id: id(3),
            event_id: id(9),
            checked_in: true,
            plus_ones: Some(0),
            sessions: Some("only sessions".into()),
            ..GuestRec::default()
        };
        let mut g = Guests::default();
        for r in [&full, &bare, &odd] {
            g.insert(r.clone());
        }
        for r in [&full, &bare, &odd] {
            assert_eq!(&g.get(&r.id).expect("stored").to_rec(), r);
        }
        assert_eq!(g.len(), 3);
    }

    #[test]
    fn varints_cover_the_range() {
        for v in [0, 1, 63, 64, 4095, 4096, 1 << 40, u64::MAX] {
            let mut s = String::new();
            put_varint(&mut s, v);
            assert!(s.is_ascii());
            let mut pos = 0;
            assert_eq!(get_varint(s.as_bytes(), &mut pos), v);
            assert_eq!(pos, s.len());
        }
    }

    #[test]
    fn order_survives_update_remove_and_moves() {
        let mut g = Guests::default();
        for n in 1..=5 {
            g.insert(rec(n, 100));
        }
        g.insert(rec(6, 101));
        // In-place update keeps the position.
        let mut r3 = rec(3, 100);
        r3.first_name = "Changed".into();
        g.update(r3);
        assert_eq!(ids(&g, 100), [1, 2, 3, 4, 5].map(id));
        assert_eq!(g.get(&id(3)).expect("3").first_name, "Changed");
        // Removal keeps the others' order and lookups.
        assert!(g.remove(&id(2)));
        assert!(!g.remove(&id(2)));
        assert_eq!(ids(&g, 100), [1, 3, 4, 5].map(id));
        for n in [1, 3, 4, 5] {
            assert_eq!(g.get(&id(n)).expect("present").id, id(n));
        }
        // Changing event moves it to the end of the new list.
        g.update(rec(4, 101));
        assert_eq!(ids(&g, 100), [1, 3, 5].map(id));
        assert_eq!(ids(&g, 101), [6, 4].map(id));
        assert_eq!(g.get(&id(4)).expect("4").event_id, id(101));
        // Deleting an event drops its attendees; the other event still resolves.
        g.insert(rec(7, 102));
        g.remove_event(&id(100));
        assert!(ids(&g, 100).is_empty());
        assert!(g.get(&id(1)).is_none());
        assert_eq!(ids(&g, 101), [6, 4].map(id));
        assert_eq!(ids(&g, 102), [id(7)]);
        for n in [4, 6, 7] {
            assert_eq!(g.get(&id(n)).expect("present").id, id(n));
        }
        assert_eq!(g.len(), 3);
    }

    #[test]
    fn check_in_keeps_the_first_time_and_out_clears_it() {
        let mut g = Guests::default();
        g.insert(rec(1, 100));
        let t1 = DateTime::from_timestamp(1_000, 0).expect("t");
        let t2 = DateTime::from_timestamp(2_000, 0).expect("t");
        let v = g.set_checked_in(&id(1), true, t1).expect("in");
        assert!(v.checked_in);
        assert_eq!(v.check_in_time, Some(t1));
        let v = g.set_checked_in(&id(1), true, t2).expect("again");
        assert_eq!(v.check_in_time, Some(t1));
        let v = g.set_checked_in(&id(1), false, t2).expect("out");
        assert!(!v.checked_in);
        assert_eq!(v.check_in_time, None);
        assert!(g.set_checked_in(&id(2), true, t1).is_none());
    }

    #[test]
    fn rare_fields_follow_updates() {
        let mut g = Guests::default();
        let mut r = rec(1, 100);
        r.extra.insert("x".into(), json!(1));
        g.insert(r);
        assert!(g.get(&id(1)).expect("1").extra.is_some());
        g.update(rec(1, 100));
        assert!(g.get(&id(1)).expect("1").extra.is_none());
        assert!(g.rare.is_empty());
    }
}
