//! Attendee lists: the table's pages and the events list's counts ([`pages`]), and attendee
//! search. The CLI's `guests list --search` ([`matches`]) also looks in ids, tickets and
//! sessions, so a script can find someone by ticket; the app's filter box ([`filter_guests`]) looks
//! in the columns the table shows. Both require every word of the query, ignoring case.

pub mod pages;
pub mod types;

pub use pages::{attendee_counts, count, guests_page, MAX_COUNT_EVENTS, MAX_PAGE};
pub use types::*;

#[cfg(test)]
mod sandbox_tests;

use std::collections::BTreeSet;

use crate::guest_list::{GuestList, GuestView};
use crate::models::Guest;

/// Every whitespace-separated word of `query` must occur (ignoring case) in the name, email,
/// barcode, id, tags, tickets or sessions. An empty query matches everything.
pub fn matches(g: &Guest, query: &str) -> bool {
    let words: Vec<String> = query.split_whitespace().map(str::to_lowercase).collect();
    if words.is_empty() {
        return true;
    }
    let hay = haystack(g);
    words.iter().all(|w| hay.contains(w.as_str()))
}

fn haystack(g: &Guest) -> String {
    let id = g.id.to_string();
    let parts: [&str; 10] = [
        &g.first_name,
        &g.last_name,
        g.other_names.as_deref().unwrap_or(""),
        &g.email,
        g.barcode.as_deref().unwrap_or(""),
        &id,
        g.tags.as_deref().unwrap_or(""),
        g.tickets.as_deref().unwrap_or(""),
        g.sessions.as_deref().unwrap_or(""),
        g.additional_info.as_deref().unwrap_or(""),
    ];
    parts.join("\u{1}").to_lowercase()
}

/// What the app's attendee table filters on (`guests_page`).
#[derive(Clone, Debug, Default)]
pub struct GuestFilter<'a> {
    /// Every whitespace-separated word must occur, ignoring case, in the name, other names,
    /// email, barcode or tags.
    pub query: &'a str,
    /// Only checked-in (true) or not checked-in (false) attendees.
    pub checked_in: Option<bool>,
    /// Only attendees carrying this whole tag, ignoring case; blank = any.
    pub tag: Option<&'a str>,
}

/// The attendees of `list` that pass `filter`, in list order. Runs on every keystroke over up
/// to ~50,000 attendees, so it allocates nothing per attendee for ASCII fields.
pub fn filter_guests<'g>(list: &'g GuestList, filter: &GuestFilter<'_>) -> Vec<GuestView<'g>> {
    let words: Vec<String> = filter
        .query
        .split_whitespace()
        .map(str::to_lowercase)
        .collect();
    let tag = filter
        .tag
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_lowercase);
    list.iter()
        .filter(|g| {
            filter
                .checked_in
                .is_none_or(|c| g.checked_in().unwrap_or(false) == c)
        })
        .filter(|g| tag.as_deref().is_none_or(|t| g.has_tag(t)))
        .filter(|g| words.iter().all(|w| table_fields_contain(g, w)))
        .collect()
}

/// The guest carries `tag` (whole tag, ignoring case).
pub fn has_tag(g: &Guest, tag: &str) -> bool {
    tags_include(g.tags.as_deref(), tag)
}

pub use crate::text::tags_include;

/// Every tag used in `list`, sorted, for the tag filter.
pub fn all_tags(list: &GuestList) -> Vec<String> {
    let mut set = BTreeSet::new();
    for g in list.iter() {
        if let Some(tags) = g.tags() {
            set.extend(tags.split(',').map(str::trim).filter(|t| !t.is_empty()));
        }
    }
    set.into_iter().map(str::to_owned).collect()
}

/// `word` (already lower-case, no whitespace) occurs in one of the fields the table searches.
/// A word cannot span two fields, so checking them one by one equals searching their join.
fn table_fields_contain(g: &GuestView<'_>, word: &str) -> bool {
    g.table_fields().iter().any(|f| contains_lowercase(f, word))
}

/// `hay` contains `needle` (lower-case) ignoring case, with full Unicode case mapping ("ZOË"
/// contains "zoë"), without allocating: this runs for every field of every attendee on each
/// keystroke.
fn contains_lowercase(hay: &str, needle: &str) -> bool {
    let Some(&first) = needle.as_bytes().first() else {
        return true;
    };
    let hay_ascii = hay.is_ascii();
    if hay_ascii && !needle.is_ascii() {
        // A lower-cased ASCII field is ASCII: it cannot contain a non-ASCII needle.
        return false;
    }
    if first.is_ascii() && (hay_ascii || !has_chars_lowering_to_ascii(hay)) {
        // A match starts at an ASCII byte equal to `first` in either case: find those with
        // memchr instead of lower-casing every char.
        let bytes = hay.as_bytes();
        let starts = memchr::memchr2_iter(first, first.to_ascii_uppercase(), bytes);
        return if needle.is_ascii() {
            let n = needle.as_bytes();
            starts.into_iter().any(|i| {
                bytes.len() - i >= n.len() && bytes[i..i + n.len()].eq_ignore_ascii_case(n)
            })
        } else {
            starts
                .into_iter()
                .any(|i| starts_with_lowercase(&hay[i..], 0, needle))
        };
    }
    // A match may also start inside a char's multi-char mapping (İ → "i̇").
    let first = needle.chars().next().unwrap_or_default();
    hay.char_indices().any(|(i, c)| {
        c.to_lowercase()
            .enumerate()
            .any(|(k, l)| l == first && starts_with_lowercase(&hay[i..], k, needle))
    })
}

/// U+0130 (İ → "i̇") and U+212A (Kelvin sign → "k") are the only non-ASCII chars whose
/// lower-case mapping contains ASCII.
fn has_chars_lowering_to_ascii(hay: &str) -> bool {
    let b = hay.as_bytes();
    memchr::memchr2_iter(0xC4, 0xE2, b).any(|i| {
        b[i..].starts_with("\u{130}".as_bytes()) || b[i..].starts_with("\u{212A}".as_bytes())
    })
}

/// `hay` lower-cased, without its first `skip` chars, starts with `needle`.
fn starts_with_lowercase(hay: &str, skip: usize, needle: &str) -> bool {
    let mut lowered = hay.chars().flat_map(char::to_lowercase).skip(skip);
    needle.chars().all(|w| lowered.next() == Some(w))
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    #[test]
    fn words_match_anywhere_ignoring_case() {
        let g = Guest {
            first_name: "Zoë".into(),
            last_name: "Ødegård".into(),
            email: "zoe@example.com".into(),
            tags: Some("VIP,Speaker".into()),
            ..Default::default()
        };
        assert!(matches(&g, ""));
        assert!(matches(&g, "zoë"));
        assert!(matches(&g, "ØDEGÅRD vip"));
        assert!(matches(&g, "example.com"));
        assert!(!matches(&g, "zoë smith"));
        // Words do not match across field boundaries.
        assert!(!matches(&g, "ødegårdzoe"));
    }

    fn guest(first: &str, last: &str, email: &str, tags: &str, checked_in: bool) -> Guest {
        Guest {
            first_name: first.into(),
            last_name: last.into(),
            email: email.into(),
            barcode: Some(format!("BC-{}", last.to_uppercase())),
            tags: (!tags.is_empty()).then(|| tags.into()),
            checked_in: Some(checked_in),
            ..Default::default()
        }
    }

    fn names(found: &[GuestView<'_>]) -> Vec<String> {
        found.iter().map(|g| g.first_name().to_owned()).collect()
    }

    #[test]
    fn filter_guests_combines_words_check_in_and_tag() {
        // Table order: Dvorak, Dvořák, Smith.
        let list = GuestList::from_guests(
            Uuid::nil(),
            vec![
                guest("Zoë", "Dvořák", "zoe@example.com", "VIP, Speaker", true),
                guest("ZOE", "Smith", "z.smith@example.org", "Staff", false),
                guest("Anna", "Dvorak", "anna@example.com", "", false),
            ],
        );
        let by = |query, checked_in, tag| {
            names(&filter_guests(
                &list,
                &GuestFilter {
                    query,
                    checked_in,
                    tag,
                },
            ))
        };
        assert_eq!(by("", None, None), ["Anna", "Zoë", "ZOE"]);
        assert_eq!(by("zoë dvo", None, None), ["Zoë"]);
        assert_eq!(by("ZOË DVOŘ", None, None), ["Zoë"]);
        assert_eq!(
            by("zoe", None, None),
            ["Zoë", "ZOE"],
            "email of Zoë has 'zoe'"
        );
        assert_eq!(by("dvorak", None, None), ["Anna"], "ř is not r");
        assert_eq!(by("bc-smith", None, None), ["ZOE"], "barcode");
        assert_eq!(by("speaker", None, None), ["Zoë"], "tags");
        assert_eq!(by("", Some(true), None), ["Zoë"]);
        assert_eq!(by("", Some(false), None), ["Anna", "ZOE"]);
        assert_eq!(by("", None, Some(" vip ")), ["Zoë"]);
        assert_eq!(
            by("", None, Some("spea")),
            Vec::<String>::new(),
            "whole tag"
        );
        assert_eq!(
            by("", None, Some("  ")),
            ["Anna", "Zoë", "ZOE"],
            "blank tag"
        );
        assert_eq!(by("zoe nobody", None, None), Vec::<String>::new());
        assert_eq!(all_tags(&list), ["Speaker", "Staff", "VIP"]);
    }

    #[test]
    fn contains_lowercase_handles_ascii_and_unicode() {
        assert!(contains_lowercase("Smith", "mit"));
        assert!(!contains_lowercase("Smith", "smithy"));
        assert!(!contains_lowercase("Zoe", "zoë"));
        assert!(contains_lowercase("ZOË", "zoë"));
        assert!(contains_lowercase("anything", ""));
        assert!(contains_lowercase("Ó Súilleabháin", "súil"));
        assert!(contains_lowercase("DVOŘÁK", "řák"));
        assert!(!contains_lowercase("Dvořák", "řákx"));
        assert!(
            contains_lowercase("İstanbul", "i\u{307}st"),
            "İ lower-cases to two chars"
        );
        assert!(!contains_lowercase("Müller", "mul"));
        assert!(contains_lowercase("Müller", "mül"));
        assert!(
            contains_lowercase("5 \u{212A}M run", "5 km"),
            "Kelvin sign lower-cases to k"
        );
        assert!(contains_lowercase("ÆSIR-İZMİR", "i\u{307}zmi\u{307}r"));
        assert!(contains_lowercase("Ana Smith", "a smith"));
        assert!(!contains_lowercase("Ana", "anas"));
    }

    #[test]
    fn contains_lowercase_agrees_with_lowercasing_the_field() {
        let fields = [
            "Zoë",
            "ZOË DVOŘÁK",
            "Ó Súilleabháin",
            "İstanbul",
            "\u{212A}elvin",
            "van der Berg",
            "zoe.dvorak12@example.com",
            "4GA6965Q1G5EZ0FB",
            "VIP,Early Bird",
            "山田 太郎",
            "ßtraße",
        ];
        for hay in fields {
            let lower = hay.to_lowercase();
            let mut needles: Vec<String> = vec!["x".into(), "zz".into(), "é".into(), "k".into()];
            for (i, _) in lower.char_indices() {
                for (j, c) in lower[i..].char_indices() {
                    needles.push(lower[i..i + j + c.len_utf8()].to_owned());
                }
            }
            for n in &needles {
                assert_eq!(
                    contains_lowercase(hay, n),
                    lower.contains(n.as_str()),
                    "{hay:?} contains {n:?}"
                );
            }
        }
    }
}
