//! One event's attendees as the app keeps them in memory for the whole session, compactly.
//!
//! A `Guest` is ~370 bytes inline plus a heap string per field (~520 bytes per attendee); the
//! desk app holds lists of 50,000. Here each attendee is one 32-byte record (id, two offsets,
//! flags and text lengths): its text (names, email, barcode, tags, notes) lives in one string
//! shared by the whole list, and a few bytes of header (which fields are present, their lengths
//! as varints, check-in, plus-ones) in one byte buffer; the fields few attendees have (tickets,
//! sessions, custom fields, unknown fields, …) go to a side store. About 110 bytes per
//! attendee; every `Guest` reads back exactly.

use std::fmt;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::models::{Extra, Guest};

// The text fields of a record, in arena order. The table's search fields come first and are
// contiguous (FIRST..=TAGS).
const FIRST: usize = 0;
const LAST: usize = 1;
const OTHER: usize = 2;
const EMAIL: usize = 3;
const BARCODE: usize = 4;
const TAGS: usize = 5;
const INFO: usize = 6;
const FIELDS: usize = 7;

// A header's flags byte: which optional text fields are present (`None` vs `Some("")`),
// `checked_in`, and which optional numbers follow the lengths.
const HAS_OTHER: u8 = 1;
const HAS_BARCODE: u8 = 1 << 1;
const HAS_TAGS: u8 = 1 << 2;
const HAS_INFO: u8 = 1 << 3;
const CHECKED_SOME: u8 = 1 << 4;
const CHECKED_TRUE: u8 = 1 << 5;
/// The check-in time follows, as nanoseconds since the epoch (8 bytes, little-endian).
const HAS_TIME: u8 = 1 << 6;
/// `plus_ones` follows (a varint).
const HAS_PLUS: u8 = 1 << 7;

/// One attendee: its id, where its text starts in `GuestList::arena` and where its header
/// starts in `GuestList::heads`. Header: the flags byte, the seven text lengths (varints), the
/// check-in time (`HAS_TIME`), plus-ones (`HAS_PLUS`), then the side record's index + 1 (a
/// varint, 0 = none).
///
/// The flags byte and the text lengths are also kept in the record (`lens` all `LONG` when a
/// field is longer than 254 bytes: then read from the header): the table's search reads them
/// for every attendee on each keystroke.
#[derive(Clone, Copy, Debug)]
struct Rec {
    id: Uuid,
    text: u32,
    head: u32,
    lens: [u8; FIELDS],
    flags: u8,
}

/// `Rec::lens` when some field does not fit a byte.
const LONG: u8 = u8::MAX;

/// A record's header, decoded.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
struct Head {
    flags: u8,
    /// End of each text field, relative to the record's text start.
    ends: [u32; FIELDS],
    check_in: Option<i64>,
    plus_ones: Option<u32>,
    rest: Option<u32>,
}

impl Head {
    fn text_len(&self) -> usize {
        self.ends[FIELDS - 1] as usize
    }

    /// Appends this header to `out`.
    fn encode(&self, out: &mut Vec<u8>) {
        out.push(self.flags);
        let mut prev = 0;
        for end in self.ends {
            put_varint(out, end - prev);
            prev = end;
        }
        if let Some(t) = self.check_in {
            out.extend_from_slice(&t.to_le_bytes());
        }
        if let Some(p) = self.plus_ones {
            put_varint(out, p);
        }
        put_varint(out, self.rest.map_or(0, |r| r + 1));
    }

    /// The text fields' ends of the header at the start of `bytes` (all the table's reads
    /// need), and where the header's numbers start.
    fn decode_ends(bytes: &[u8]) -> ([u32; FIELDS], usize) {
        let mut at = 1;
        let mut ends = [0; FIELDS];
        let mut end = 0;
        for e in &mut ends {
            end += get_varint(bytes, &mut at);
            *e = end;
        }
        (ends, at)
    }

    /// The header at the start of `bytes`, and its length in bytes.
    fn decode(bytes: &[u8]) -> (Head, usize) {
        let flags = bytes[0];
        let (ends, mut at) = Head::decode_ends(bytes);
        let check_in = (flags & HAS_TIME != 0).then(|| {
            let mut b = [0; 8];
            b.copy_from_slice(&bytes[at..at + 8]);
            at += 8;
            i64::from_le_bytes(b)
        });
        let plus_ones = (flags & HAS_PLUS != 0).then(|| get_varint(bytes, &mut at));
        let rest = get_varint(bytes, &mut at).checked_sub(1);
        let head = Head {
            flags,
            ends,
            check_in,
            plus_ones,
            rest,
        };
        (head, at)
    }
}

/// LEB128: 7 bits a byte, low bits first; lengths under 128 take one byte.
fn put_varint(out: &mut Vec<u8>, mut v: u32) {
    while v >= 0x80 {
        out.push((v as u8 & 0x7f) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn get_varint(bytes: &[u8], at: &mut usize) -> u32 {
    let mut v = 0u32;
    let mut shift = 0;
    loop {
        let b = bytes[*at];
        *at += 1;
        v |= u32::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            return v;
        }
        shift += 7;
    }
}

/// What few attendees have; `Default` = nothing (no side record is kept).
#[derive(Clone, Debug, Default, PartialEq)]
struct Rest {
    /// Only when it is not the list's event.
    event_id: Option<Uuid>,
    tickets: Option<String>,
    sessions: Option<String>,
    custom_fields: Option<Vec<String>>,
    /// Only when nanoseconds since the epoch cannot hold it exactly.
    check_in_time: Option<DateTime<Utc>>,
    extra: Extra,
}

impl Rest {
    fn is_empty(&self) -> bool {
        self.event_id.is_none()
            && self.tickets.is_none()
            && self.sessions.is_none()
            && self.custom_fields.is_none()
            && self.check_in_time.is_none()
            && self.extra.is_empty()
    }

    /// Heap owned by this record, roughly for `extra` (its map internals are not exposed).
    fn heap_bytes(&self) -> usize {
        let s = |v: &Option<String>| v.as_ref().map_or(0, String::capacity);
        let custom = self.custom_fields.as_ref().map_or(0, |c| {
            c.capacity() * size_of::<String>() + c.iter().map(String::capacity).sum::<usize>()
        });
        let extra: usize = self
            .extra
            .iter()
            .map(|(k, v)| {
                // Entry + hash index slot + key text + the value's text as an estimate.
                size_of::<(String, serde_json::Value)>()
                    + 2 * size_of::<usize>()
                    + k.capacity()
                    + v.to_string().len()
            })
            .sum();
        s(&self.tickets) + s(&self.sessions) + custom + extra
    }
}

/// An event's attendees in the attendee table's order ([`sort_key`]). Cheap to clone relative
/// to a `Vec<Guest>`; the app keeps it in an `Arc` and edits it with `Arc::make_mut`.
#[derive(Clone, Default)]
pub struct GuestList {
    event_id: Uuid,
    recs: Vec<Rec>,
    /// The text of every record, back to back.
    arena: String,
    /// The header of every record, back to back.
    heads: Vec<u8>,
    rest: Vec<Rest>,
    /// Arena bytes no record points to any more (removed or replaced attendees).
    garbage: usize,
    /// Header bytes no record points to any more.
    head_garbage: usize,
}

impl fmt::Debug for GuestList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GuestList")
            .field("event_id", &self.event_id)
            .field("len", &self.len())
            .field("heap_bytes", &self.heap_bytes())
            .finish()
    }
}

/// The attendee table's order: last name, first name, email, ignoring case.
pub fn sort_key(g: &Guest) -> (String, String, String) {
    key_of(&g.first_name, &g.last_name, &g.email)
}

fn key_of(first: &str, last: &str, email: &str) -> (String, String, String) {
    (
        last.to_lowercase(),
        first.to_lowercase(),
        email.to_lowercase(),
    )
}

/// Arena bytes a guest's record takes.
fn text_len(g: &Guest) -> usize {
    let o = |v: &Option<String>| v.as_ref().map_or(0, String::len);
    g.first_name.len()
        + g.last_name.len()
        + o(&g.other_names)
        + g.email.len()
        + o(&g.barcode)
        + o(&g.tags)
        + o(&g.additional_info)
}

/// Header bytes when every length is under 128 and neither time nor plus-ones is inline.
const SHORT_HEAD: usize = 1 + FIELDS + 1;

impl GuestList {
    /// An empty list for `event_id`.
    pub fn new(event_id: Uuid) -> GuestList {
        GuestList {
            event_id,
            ..GuestList::default()
        }
    }

    /// The list of `event_id` holding `guests`, sorted by [`sort_key`] (equal keys keep their
    /// order). Each guest is dropped as soon as it is copied in.
    pub fn from_guests(event_id: Uuid, mut guests: Vec<Guest>) -> GuestList {
        guests.sort_by_cached_key(sort_key);
        let mut list = GuestList {
            event_id,
            recs: Vec::with_capacity(guests.len()),
            arena: String::with_capacity(guests.iter().map(text_len).sum()),
            heads: Vec::with_capacity(guests.len() * SHORT_HEAD),
            ..GuestList::default()
        };
        for g in guests {
            let rec = list.encode(g);
            list.recs.push(rec);
        }
        list.heads.shrink_to_fit();
        list.rest.shrink_to_fit();
        list
    }

    pub fn event_id(&self) -> Uuid {
        self.event_id
    }

    pub fn len(&self) -> usize {
        self.recs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.recs.is_empty()
    }

    /// The attendee at `index` (table order).
    pub fn get(&self, index: usize) -> Option<GuestView<'_>> {
        self.recs.get(index).map(|rec| self.view(rec))
    }

    pub fn iter(&self) -> impl DoubleEndedIterator<Item = GuestView<'_>> + ExactSizeIterator {
        self.recs.iter().map(|rec| self.view(rec))
    }

    fn view<'a>(&'a self, rec: &'a Rec) -> GuestView<'a> {
        GuestView { list: self, rec }
    }

    /// Where attendee `id` is in the list.
    pub fn position(&self, id: Uuid) -> Option<usize> {
        self.recs.iter().position(|r| r.id == id)
    }

    /// Attendee `id`, if in the list.
    pub fn find(&self, id: Uuid) -> Option<GuestView<'_>> {
        self.position(id).and_then(|i| self.get(i))
    }

    /// Every attendee as a `Guest`, in list order.
    pub fn to_guests(&self) -> Vec<Guest> {
        self.iter().map(|g| g.to_guest()).collect()
    }

    /// Adds `g`, or replaces the attendee with its id, at its place in the table's order
    /// (after equal keys).
    pub fn upsert(&mut self, g: Guest) {
        if let Some(i) = self.position(g.id) {
            self.remove_at(i);
        }
        let key = sort_key(&g);
        let at = self.recs.partition_point(|r| {
            let v = self.view(r);
            key_of(v.first_name(), v.last_name(), v.email()) <= key
        });
        // Grow by a little, not by doubling: this list lives all session.
        let need = text_len(&g);
        if self.arena.capacity() - self.arena.len() < need {
            self.arena.reserve_exact(need + self.arena.len() / 64);
        }
        let need = SHORT_HEAD + 8 + 2 * 5;
        if self.heads.capacity() - self.heads.len() < need {
            self.heads.reserve_exact(need + self.heads.len() / 64);
        }
        if self.recs.len() == self.recs.capacity() {
            self.recs.reserve_exact(self.recs.len() / 64 + 8);
        }
        let rec = self.encode(g);
        self.recs.insert(at, rec);
        self.compact_if_wasteful();
    }

    /// Removes attendee `id`; false when it is not in the list.
    pub fn remove(&mut self, id: Uuid) -> bool {
        let Some(i) = self.position(id) else {
            return false;
        };
        self.remove_at(i);
        self.compact_if_wasteful();
        true
    }

    /// Heap this list owns: arena, header and record capacity, side records (their `extra`
    /// estimated).
    pub fn heap_bytes(&self) -> usize {
        self.arena.capacity()
            + self.heads.capacity()
            + self.recs.capacity() * size_of::<Rec>()
            + self.rest.capacity() * size_of::<Rest>()
            + self.rest.iter().map(Rest::heap_bytes).sum::<usize>()
    }

    fn offset(len: usize) -> u32 {
        u32::try_from(len).expect("an attendee list's text stays under 4 GiB")
    }

    /// Appends `g`'s text to the arena, its header to `heads` and its rare fields to `rest`;
    /// the record to insert.
    fn encode(&mut self, g: Guest) -> Rec {
        let text = Self::offset(self.arena.len());
        let mut head = Head::default();
        let texts: [(Option<&str>, u8); FIELDS] = [
            (Some(&g.first_name), 0),
            (Some(&g.last_name), 0),
            (g.other_names.as_deref(), HAS_OTHER),
            (Some(&g.email), 0),
            (g.barcode.as_deref(), HAS_BARCODE),
            (g.tags.as_deref(), HAS_TAGS),
            (g.additional_info.as_deref(), HAS_INFO),
        ];
        for (k, (t, bit)) in texts.into_iter().enumerate() {
            if let Some(t) = t {
                self.arena.push_str(t);
                head.flags |= bit;
            }
            head.ends[k] = Self::offset(self.arena.len()) - text;
        }
        match g.checked_in {
            None => {}
            Some(false) => head.flags |= CHECKED_SOME,
            Some(true) => head.flags |= CHECKED_SOME | CHECKED_TRUE,
        }
        head.check_in = g.check_in_time.and_then(|t| {
            t.timestamp_nanos_opt()
                .filter(|&n| DateTime::from_timestamp_nanos(n) == t)
        });
        if head.check_in.is_some() {
            head.flags |= HAS_TIME;
        }
        head.plus_ones = g.plus_ones;
        if head.plus_ones.is_some() {
            head.flags |= HAS_PLUS;
        }
        let rest = Rest {
            event_id: (g.event_id != self.event_id).then_some(g.event_id),
            tickets: g.tickets,
            sessions: g.sessions,
            custom_fields: g.custom_fields,
            check_in_time: g.check_in_time.filter(|_| head.check_in.is_none()),
            extra: g.extra,
        };
        if !rest.is_empty() {
            self.rest.push(rest);
            head.rest =
                Some(u32::try_from(self.rest.len() - 1).expect("fewer than 4 billion attendees"));
        }
        let at = Self::offset(self.heads.len());
        head.encode(&mut self.heads);
        let mut lens = [LONG; FIELDS];
        let mut prev = 0;
        for (len, end) in lens.iter_mut().zip(head.ends) {
            match u8::try_from(end - prev) {
                Ok(l) if l != LONG => *len = l,
                _ => {
                    lens = [LONG; FIELDS];
                    break;
                }
            }
            prev = end;
        }
        Rec {
            id: g.id,
            text,
            head: at,
            lens,
            flags: head.flags,
        }
    }

    fn remove_at(&mut self, i: usize) {
        let rec = self.recs.remove(i);
        let (head, head_len) = Head::decode(&self.heads[rec.head as usize..]);
        self.garbage += head.text_len();
        self.head_garbage += head_len;
        if let Some(gone) = head.rest {
            // Keep `rest` dense: the last side record moves into the freed slot, and the header
            // that pointed to it is rewritten (at the end of `heads`) to point there.
            let last = u32::try_from(self.rest.len() - 1).expect("fewer than 4 billion");
            self.rest.swap_remove(gone as usize);
            if gone != last {
                let heads = &self.heads;
                let moved = self.recs.iter_mut().find_map(|r| {
                    let (h, len) = Head::decode(&heads[r.head as usize..]);
                    (h.rest == Some(last)).then_some((r, h, len))
                });
                if let Some((r, mut h, len)) = moved {
                    h.rest = Some(gone);
                    r.head = Self::offset(self.heads.len());
                    h.encode(&mut self.heads);
                    self.head_garbage += len;
                }
            }
        }
    }

    /// Rewrites the arena and the headers once more than half of either is unused.
    fn compact_if_wasteful(&mut self) {
        if self.garbage <= self.arena.len() / 2 && self.head_garbage <= self.heads.len() / 2 {
            return;
        }
        let mut arena = String::with_capacity(self.arena.len() - self.garbage);
        let mut heads = Vec::with_capacity(self.heads.len() - self.head_garbage);
        for rec in &mut self.recs {
            let (head, len) = Head::decode(&self.heads[rec.head as usize..]);
            let from = rec.text as usize;
            rec.text = Self::offset(arena.len());
            arena.push_str(&self.arena[from..from + head.text_len()]);
            let from = rec.head as usize;
            rec.head = Self::offset(heads.len());
            heads.extend_from_slice(&self.heads[from..from + len]);
        }
        self.arena = arena;
        self.heads = heads;
        self.garbage = 0;
        self.head_garbage = 0;
        self.rest.shrink_to_fit();
    }
}

/// One attendee of a [`GuestList`], read in place (its header decoded on each read: a few
/// bytes).
#[derive(Clone, Copy)]
pub struct GuestView<'a> {
    list: &'a GuestList,
    rec: &'a Rec,
}

impl fmt::Debug for GuestView<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.to_guest().fmt(f)
    }
}

impl<'a> GuestView<'a> {
    fn head(&self) -> Head {
        Head::decode(&self.list.heads[self.rec.head as usize..]).0
    }

    /// The flags byte alone (no decoding).
    fn flags(&self) -> u8 {
        self.rec.flags
    }

    fn ends(&self) -> [u32; FIELDS] {
        if self.rec.lens == [LONG; FIELDS] {
            return Head::decode_ends(&self.list.heads[self.rec.head as usize..]).0;
        }
        let mut ends = [0; FIELDS];
        let mut end = 0;
        for (e, len) in ends.iter_mut().zip(self.rec.lens) {
            end += u32::from(len);
            *e = end;
        }
        ends
    }

    fn text_in(&self, ends: &[u32; FIELDS], field: usize) -> &'a str {
        let at = self.rec.text as usize;
        let start = if field == 0 { 0 } else { ends[field - 1] };
        &self.list.arena[at + start as usize..at + ends[field] as usize]
    }

    fn text(&self, field: usize) -> &'a str {
        self.text_in(&self.ends(), field)
    }

    fn opt_text(&self, field: usize, bit: u8) -> Option<&'a str> {
        (self.flags() & bit != 0).then(|| self.text(field))
    }

    fn rest(&self) -> Option<&'a Rest> {
        self.head()
            .rest
            .and_then(|r| self.list.rest.get(r as usize))
    }

    pub fn id(&self) -> Uuid {
        self.rec.id
    }

    pub fn event_id(&self) -> Uuid {
        self.rest()
            .and_then(|r| r.event_id)
            .unwrap_or(self.list.event_id)
    }

    pub fn first_name(&self) -> &'a str {
        self.text(FIRST)
    }

    pub fn last_name(&self) -> &'a str {
        self.text(LAST)
    }

    pub fn other_names(&self) -> Option<&'a str> {
        self.opt_text(OTHER, HAS_OTHER)
    }

    pub fn email(&self) -> &'a str {
        self.text(EMAIL)
    }

    pub fn barcode(&self) -> Option<&'a str> {
        self.opt_text(BARCODE, HAS_BARCODE)
    }

    pub fn tags(&self) -> Option<&'a str> {
        self.opt_text(TAGS, HAS_TAGS)
    }

    pub fn additional_info(&self) -> Option<&'a str> {
        self.opt_text(INFO, HAS_INFO)
    }

    pub fn plus_ones(&self) -> Option<u32> {
        self.head().plus_ones
    }

    pub fn tickets(&self) -> Option<&'a str> {
        self.rest().and_then(|r| r.tickets.as_deref())
    }

    pub fn sessions(&self) -> Option<&'a str> {
        self.rest().and_then(|r| r.sessions.as_deref())
    }

    pub fn custom_fields(&self) -> Option<&'a [String]> {
        self.rest().and_then(|r| r.custom_fields.as_deref())
    }

    pub fn checked_in(&self) -> Option<bool> {
        let flags = self.flags();
        (flags & CHECKED_SOME != 0).then_some(flags & CHECKED_TRUE != 0)
    }

    pub fn check_in_time(&self) -> Option<DateTime<Utc>> {
        match self.head().check_in {
            Some(n) => Some(DateTime::from_timestamp_nanos(n)),
            None => self.rest().and_then(|r| r.check_in_time),
        }
    }

    /// Fields this version does not know (empty for most attendees).
    pub fn extra(&self) -> Option<&'a Extra> {
        self.rest().map(|r| &r.extra).filter(|e| !e.is_empty())
    }

    /// The fields the table searches: first name, last name, other names, email, barcode,
    /// tags (absent ones empty).
    pub fn table_fields(&self) -> [&'a str; 6] {
        let ends = self.ends();
        [FIRST, LAST, OTHER, EMAIL, BARCODE, TAGS].map(|k| self.text_in(&ends, k))
    }

    /// The attendee carries `tag` (whole tag, ignoring case).
    pub fn has_tag(&self, tag: &str) -> bool {
        crate::text::tags_include(self.tags(), tag)
    }

    /// The attendee exactly as it was put in.
    pub fn to_guest(&self) -> Guest {
        let own = |s: Option<&str>| s.map(str::to_owned);
        Guest {
            id: self.id(),
            event_id: self.event_id(),
            first_name: self.first_name().to_owned(),
            last_name: self.last_name().to_owned(),
            other_names: own(self.other_names()),
            email: self.email().to_owned(),
            barcode: own(self.barcode()),
            plus_ones: self.plus_ones(),
            additional_info: own(self.additional_info()),
            tags: own(self.tags()),
            tickets: own(self.tickets()),
            sessions: own(self.sessions()),
            custom_fields: self.custom_fields().map(<[String]>::to_vec),
            checked_in: self.checked_in(),
            check_in_time: self.check_in_time(),
            extra: self.extra().cloned().unwrap_or_default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const EVENT: Uuid = Uuid::from_u128(7);

    fn full(n: u128) -> Guest {
        let mut extra = Extra::new();
        extra.insert("vipLevel".into(), json!(3));
        extra.insert("nested".into(), json!({"a": [1, "b"]}));
        Guest {
            id: Uuid::from_u128(n),
            event_id: EVENT,
            first_name: "Zoë".into(),
            last_name: "Ó Súilleabháin".into(),
            other_names: Some("山田".into()),
            email: "zoe@example.com".into(),
            barcode: Some("4GA6965Q1G5EZ0FB".into()),
            plus_ones: Some(2),
            additional_info: Some("Wheelchair access".into()),
            tags: Some("VIP, Speaker".into()),
            tickets: Some("Day 1,Day 2".into()),
            sessions: Some("Keynote".into()),
            custom_fields: Some(vec!["a".into(), String::new()]),
            checked_in: Some(true),
            check_in_time: DateTime::from_timestamp(1_760_000_000, 123_456_789),
            extra,
        }
    }

    fn named(n: u128, first: &str, last: &str, email: &str) -> Guest {
        Guest {
            id: Uuid::from_u128(n),
            event_id: EVENT,
            first_name: first.into(),
            last_name: last.into(),
            email: email.into(),
            ..Default::default()
        }
    }

    /// Attendees exercising every way a field can be: absent, empty, set, out of inline range.
    fn varied() -> Vec<Guest> {
        let mut v = vec![full(1), named(2, "", "", ""), Guest::default()];
        v.push(Guest {
            other_names: Some(String::new()),
            barcode: Some(String::new()),
            tags: Some(String::new()),
            additional_info: Some(String::new()),
            tickets: Some(String::new()),
            sessions: Some(String::new()),
            custom_fields: Some(Vec::new()),
            plus_ones: Some(0),
            checked_in: Some(false),
            ..named(3, "Ana", "Dvořák", "ana@example.org")
        });
        v.push(Guest {
            plus_ones: Some(u32::MAX),
            check_in_time: DateTime::from_timestamp(-100_000_000_000, 5),
            ..named(4, "İlker", "ÆSIR", "x@y")
        });
        v.push(Guest {
            plus_ones: Some(u32::from(u16::MAX)),
            check_in_time: Some(DateTime::from_timestamp_nanos(i64::MIN)),
            event_id: Uuid::from_u128(99),
            ..named(5, "Kenji", "Kim", "k@example.net")
        });
        v.push(Guest {
            plus_ones: Some(u32::from(u16::MAX) - 1),
            check_in_time: DateTime::from_timestamp(0, 0),
            ..named(6, "Søren", "kim", "s@example.net")
        });
        v
    }

    fn sorted(mut v: Vec<Guest>) -> Vec<Guest> {
        v.sort_by_cached_key(sort_key);
        v
    }

    #[test]
    fn round_trips_every_field_exactly_in_table_order() {
        let v = varied();
        let list = GuestList::from_guests(EVENT, v.clone());
        let want = sorted(v);
        assert_eq!(list.len(), want.len());
        for (i, g) in want.iter().enumerate() {
            assert_eq!(&list.get(i).unwrap().to_guest(), g, "attendee {i}");
        }
        assert_eq!(list.to_guests(), want);
        // The unusual ones really took the side store; the plain ones did not.
        assert_eq!(
            list.rest.len(),
            5,
            "full, another event (default), empty options, two out of range"
        );
        let plain = list.find(Uuid::from_u128(2)).unwrap();
        assert_eq!(plain.head().rest, None);
        assert_eq!(plain.other_names(), None);
        let empty = list.find(Uuid::from_u128(3)).unwrap();
        assert_eq!(empty.other_names(), Some(""));
        assert_eq!(empty.checked_in(), Some(false));
        assert_eq!(
            list.find(Uuid::from_u128(6)).unwrap().plus_ones(),
            Some(65534)
        );
        assert!(list.find(Uuid::from_u128(42)).is_none());
    }

    #[test]
    fn sorts_by_last_first_email_ignoring_case_and_keeps_equal_keys_in_order() {
        let list = GuestList::from_guests(
            EVENT,
            vec![
                named(1, "b", "Smith", "2@x"),
                named(2, "A", "smith", "1@x"),
                named(3, "b", "SMITH", "2@X"),
                named(4, "z", "Adams", ""),
            ],
        );
        let ids: Vec<u128> = list.iter().map(|g| g.id().as_u128()).collect();
        assert_eq!(ids, [4, 2, 1, 3]);
    }

    #[test]
    fn upsert_and_remove_keep_order_and_round_trip() {
        let v = varied();
        let mut list = GuestList::from_guests(EVENT, v.clone());
        let mut want = sorted(v);

        // Replace: renamed to sort elsewhere and lose the side record.
        let renamed = named(1, "Aaron", "Aardvark", "a@a");
        list.upsert(renamed.clone());
        want.retain(|g| g.id != renamed.id);
        let at = want.partition_point(|g| sort_key(g) <= sort_key(&renamed));
        want.insert(at, renamed);
        assert_eq!(list.to_guests(), want);

        // Insert after equal keys, like the table did.
        let twin = Guest {
            id: Uuid::from_u128(50),
            ..named(0, "Ana", "DVOŘÁK", "ANA@example.org")
        };
        list.upsert(twin.clone());
        let at = want
            .iter()
            .position(|g| g.id == Uuid::from_u128(3))
            .unwrap();
        want.insert(at + 1, twin);
        assert_eq!(list.to_guests(), want);

        // Add one with a side record, then remove one whose side record is not last.
        list.upsert(full(60));
        let at = want.partition_point(|g| sort_key(g) <= sort_key(&full(60)));
        want.insert(at, full(60));
        assert_eq!(list.to_guests(), want);
        assert!(list.remove(Uuid::from_u128(4)));
        want.retain(|g| g.id != Uuid::from_u128(4));
        assert!(!list.remove(Uuid::from_u128(4)));
        assert_eq!(list.to_guests(), want);
        assert_eq!(list.rest.len(), 4);

        // Churn until the arena compacts: still exact, garbage gone.
        for round in 0..40 {
            let mut g = full(60);
            g.first_name = format!("Zoë {round}");
            g.tags = (round % 2 == 0).then(|| "Press".into());
            list.upsert(g.clone());
            want.retain(|o| o.id != g.id);
            let at = want.partition_point(|o| sort_key(o) <= sort_key(&g));
            want.insert(at, g);
        }
        let live: usize = want.iter().map(text_len).sum();
        assert!(
            list.arena.len() <= 2 * live,
            "{} of {live}",
            list.arena.len()
        );
        assert_eq!(list.to_guests(), want);
        let clone = list.clone();
        assert_eq!(clone.to_guests(), want);
        for g in &want {
            assert!(list.remove(g.id));
        }
        assert!(list.is_empty() && list.rest.is_empty());
        assert_eq!(list.event_id(), EVENT);
    }

    #[test]
    fn long_fields_and_every_varint_width_round_trip() {
        let long = |n: usize| "é".repeat(n / 2) + &"x".repeat(n % 2);
        let mut v = Vec::new();
        for (i, n) in [127, 128, 300, 16_383, 16_384, 70_000]
            .into_iter()
            .enumerate()
        {
            v.push(Guest {
                other_names: Some(long(n)),
                additional_info: Some(long(n + 1)),
                tags: Some(long(n / 3)),
                plus_ones: Some([127, 128, 16_384, u32::MAX, 0, 1][i]),
                check_in_time: DateTime::from_timestamp(1_760_000_000 + i as i64, i as u32),
                checked_in: Some(i % 2 == 0),
                ..named(100 + i as u128, &long(n), "L", &long(n / 7))
            });
        }
        let list = GuestList::from_guests(EVENT, v.clone());
        assert_eq!(list.to_guests(), sorted(v));
        assert!(list.rest.is_empty(), "all of it fits the header");
    }

    #[test]
    fn the_seeded_demo_like_list_reads_back_exactly() {
        let v = seeded_like(5_000);
        let list = GuestList::from_guests(EVENT, v.clone());
        assert_eq!(list.to_guests(), sorted(v));
    }

    /// Like the sandbox's seeded lists: mixed-script names, 16-char barcodes, some tags, 72 %
    /// checked in with a time, 10 % plus-ones, 5 % notes.
    fn seeded_like(n: usize) -> Vec<Guest> {
        const FIRST: &[(&str, &str)] = &[
            ("Zoë", "zoe"),
            ("Søren", "soren"),
            ("Łukasz", "lukasz"),
            ("Siobhán", "siobhan"),
            ("Ana", "ana"),
            ("Thảo", "thao"),
            ("Kenji", "kenji"),
        ];
        const LAST: &[(&str, &str)] = &[
            ("Müller", "muller"),
            ("Nguyễn", "nguyen"),
            ("Ó Súilleabháin", "osuilleabhain"),
            ("van der Berg", "vanderberg"),
            ("Kim", "kim"),
        ];
        let mut seed = 0x9E37_79B9_7F4A_7C15_u64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        (0..n)
            .map(|i| {
                let r = next();
                let (first, fa) = FIRST[r as usize % FIRST.len()];
                let (last, la) = LAST[(r >> 8) as usize % LAST.len()];
                let checked = r % 100 < 72;
                Guest {
                    id: Uuid::from_u128(u128::from(next()) << 64 | i as u128),
                    event_id: EVENT,
                    first_name: first.into(),
                    last_name: last.into(),
                    email: format!("{fa}.{la}{i}@example.com"),
                    barcode: Some(format!("{:016X}", next())),
                    tags: match r % 20 {
                        0 => Some("VIP".into()),
                        1 => Some("Speaker,Early Bird".into()),
                        2..=4 => Some("Early Bird".into()),
                        _ => None,
                    },
                    checked_in: Some(checked),
                    check_in_time: checked
                        .then(|| DateTime::from_timestamp(1_760_000_000 + i as i64, 0))
                        .flatten(),
                    plus_ones: (r % 10 == 0).then_some(1),
                    additional_info: (r % 20 == 7)
                        .then(|| "Reported our last email as spam".into()),
                    ..Default::default()
                }
            })
            .collect()
    }

    #[test]
    fn fifty_thousand_seeded_attendees_cost_under_200_bytes_each() {
        const N: usize = 50_000;
        let guests = seeded_like(N);
        let text: usize = guests.iter().map(text_len).sum();
        let mut list = GuestList::from_guests(EVENT, guests);
        assert_eq!(size_of::<Rec>(), 32);
        assert!(
            list.rest.is_empty(),
            "seeded attendees need no side records"
        );
        let per = list.heap_bytes() as f64 / N as f64;
        println!(
            "{per:.1} heap bytes per attendee ({:.1} of text)",
            text as f64 / N as f64
        );
        assert!(per < 200.0, "{per:.1} bytes per attendee");
        assert!(list.heap_bytes() <= N * (size_of::<Rec>() + SHORT_HEAD + 8) + text);
        // A day of check-ins (each one an upsert) does not double it.
        for i in (0..N).step_by(50) {
            let mut g = list.get(i).unwrap().to_guest();
            g.checked_in = Some(true);
            g.first_name.push('!');
            list.upsert(g);
        }
        let per = list.heap_bytes() as f64 / N as f64;
        println!("{per:.1} heap bytes per attendee after 1,000 check-ins");
        assert!(per < 200.0, "{per:.1} bytes per attendee after check-ins");
    }
}
