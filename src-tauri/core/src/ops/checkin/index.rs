//! The barcode index of one event: barcode → what the scan mode needs to answer, built from
//! the session's cached attendee list and kept in step with this desk's scans. A lookup is one
//! hash probe (50,000 attendees answer in microseconds).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::guest_list::GuestList;
use crate::store::{CheckinAction, CheckinRow, CheckinState};

#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub id: Uuid,
    pub name: String,
    pub tags: Option<String>,
    pub checked_in: bool,
    /// Qflow's check-in time, or this desk's scan time for a check-in not yet confirmed.
    pub at: Option<DateTime<Utc>>,
    /// Checked in by a scan at this desk (its scan time).
    pub here: Option<DateTime<Utc>>,
}

#[derive(Clone, Debug, Default)]
pub struct BarcodeIndex {
    pub event_id: Uuid,
    by_barcode: HashMap<String, Entry>,
    /// When the list it was built from was read from Qflow.
    pub read_at: Option<DateTime<Utc>>,
}

/// Scanners and typists differ in case and stray spaces: `abc-12 ` is `ABC-12`.
pub fn normalize(barcode: &str) -> String {
    barcode.trim().to_uppercase()
}

pub fn full_name(first: &str, last: &str) -> String {
    format!("{first} {last}").trim().to_owned()
}

impl BarcodeIndex {
    /// From the event's list, with this desk's queue laid over it: rows not yet confirmed count
    /// as done, and confirmed check-ins that Qflow still shows are marked as this desk's.
    pub fn build(list: &GuestList, rows: &[CheckinRow], read_at: Option<DateTime<Utc>>) -> Self {
        let mut by_barcode = HashMap::with_capacity(list.len());
        for g in list.iter() {
            let Some(b) = g.barcode().map(normalize).filter(|b| !b.is_empty()) else {
                continue;
            };
            by_barcode.insert(
                b,
                Entry {
                    id: g.id(),
                    name: full_name(g.first_name(), g.last_name()),
                    tags: g.tags().map(str::to_owned),
                    checked_in: g.checked_in().unwrap_or(false),
                    at: g.check_in_time(),
                    here: None,
                },
            );
        }
        let mut ix = BarcodeIndex {
            event_id: list.event_id(),
            by_barcode,
            read_at,
        };
        for r in rows {
            ix.overlay(r);
        }
        ix
    }

    fn overlay(&mut self, r: &CheckinRow) {
        let Some(e) = self.by_barcode.get_mut(&normalize(&r.barcode)) else {
            return;
        };
        if e.id != r.attendee_id {
            return;
        }
        let pending = matches!(r.state, CheckinState::Queued | CheckinState::Sending);
        match (r.action, pending) {
            (CheckinAction::CheckIn, true) => {
                e.checked_in = true;
                e.at = Some(r.scanned_at);
                e.here = Some(r.scanned_at);
            }
            (CheckinAction::CheckOut, true) => {
                e.checked_in = false;
                e.at = None;
                e.here = None;
            }
            (CheckinAction::CheckIn, false) if r.state == CheckinState::Done && e.checked_in => {
                e.here = Some(r.scanned_at);
            }
            (CheckinAction::CheckOut, false) => e.here = None,
            _ => {}
        }
    }

    pub fn len(&self) -> usize {
        self.by_barcode.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_barcode.is_empty()
    }

    pub fn checked_in_count(&self) -> usize {
        self.by_barcode.values().filter(|e| e.checked_in).count()
    }

    /// `barcode` as scanned (normalized here).
    pub fn get(&self, barcode: &str) -> Option<&Entry> {
        self.by_barcode.get(&normalize(barcode))
    }

    pub fn get_mut(&mut self, barcode: &str) -> Option<&mut Entry> {
        self.by_barcode.get_mut(&normalize(barcode))
    }

    /// After Qflow answered for an attendee (confirmed check-in or check-out).
    pub fn confirm(&mut self, barcode: &str, checked_in: bool, at: Option<DateTime<Utc>>) {
        if let Some(e) = self.get_mut(barcode) {
            e.checked_in = checked_in;
            if checked_in {
                e.at = at.or(e.at);
            } else {
                e.at = None;
                e.here = None;
            }
        }
    }
}

/// The attendee with `barcode` in `list` (other events' lists: no index kept, a linear pass).
pub fn find_in(list: &GuestList, barcode: &str) -> Option<String> {
    let b = normalize(barcode);
    list.iter()
        .find(|g| {
            g.barcode()
                .is_some_and(|x| x.trim().eq_ignore_ascii_case(&b))
        })
        .map(|g| full_name(g.first_name(), g.last_name()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::Guest;

    fn list(n: usize) -> GuestList {
        let guests = (0..n)
            .map(|i| Guest {
                id: Uuid::from_u128(i as u128 + 1),
                event_id: Uuid::from_u128(99),
                first_name: format!("First{i}"),
                last_name: format!("Last{i}"),
                email: format!("p{i}@example.com"),
                barcode: Some(format!("BC{i:08}")),
                tags: (i % 10 == 0).then(|| "VIP".into()),
                checked_in: Some(i % 7 == 0),
                ..Default::default()
            })
            .collect();
        GuestList::from_guests(Uuid::from_u128(99), guests)
    }

    #[test]
    fn fifty_thousand_attendees_answer_well_under_a_millisecond() {
        let l = list(50_000);
        let ix = BarcodeIndex::build(&l, &[], None);
        assert_eq!(ix.len(), 50_000);
        let t0 = std::time::Instant::now();
        let mut found = 0;
        for i in 0..10_000 {
            if ix.get(&format!("bc{:08} ", i * 5)).is_some() {
                found += 1;
            }
        }
        let per = t0.elapsed() / 10_000;
        assert_eq!(found, 10_000, "lower case and a trailing space still match");
        assert!(
            per < std::time::Duration::from_micros(100),
            "{per:?} per lookup"
        );
        assert!(ix.get("NOPE").is_none());
        assert!(ix.get("BC00000007").unwrap().checked_in);
    }

    #[test]
    fn queued_rows_count_as_done_and_confirmed_ones_mark_this_desk() {
        let l = list(3);
        let t: DateTime<Utc> = "2026-12-05T10:00:00Z".parse().unwrap();
        let row = |id, barcode: &str, attendee, action, state| CheckinRow {
            id,
            profile: "p".into(),
            event_id: Uuid::from_u128(99),
            attendee_id: Uuid::from_u128(attendee),
            barcode: barcode.into(),
            attendee_name: String::new(),
            action,
            scanned_at: t,
            state,
            error: None,
            updated_at: t,
        };
        let ix = BarcodeIndex::build(
            &l,
            &[
                row(
                    1,
                    "BC00000001",
                    2,
                    CheckinAction::CheckIn,
                    CheckinState::Queued,
                ),
                row(
                    2,
                    "BC00000002",
                    3,
                    CheckinAction::CheckIn,
                    CheckinState::Done,
                ),
                // Another attendee's barcode: ignored.
                row(
                    3,
                    "BC00000000",
                    3,
                    CheckinAction::CheckIn,
                    CheckinState::Queued,
                ),
            ],
            None,
        );
        let e = ix.get("BC00000001").unwrap();
        assert!(e.checked_in);
        assert_eq!(e.here, Some(t));
        // Done at this desk but Qflow no longer shows it checked in: not ours any more.
        assert_eq!(ix.get("BC00000002").unwrap().here, None);
        assert!(
            ix.get("BC00000000").unwrap().checked_in,
            "i % 7 == 0 is seeded in"
        );
        assert_eq!(ix.get("BC00000000").unwrap().here, None);
    }
}
