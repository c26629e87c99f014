//! Search-as-you-type over 50,000 attendees with the function the app's `guests_page` command
//! filters with (`ops::guests::filter_guests`, plus `all_tags` that every page also returns),
//! over the `GuestList` the app caches.
//! Names are as varied as the sandbox's (about half non-ASCII, 6 % CJK).
//!
//! `cargo bench -p qflow-core --bench search -- --warm-up-time 1 --measurement-time 3`
//!
//! Criterion times each prefix of the typed query; then a plain loop types the query char by
//! char many times and prints per-keystroke p50/p95 (target: p95 < 5 ms).

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion};
use qflow_core::guest_list::GuestList;
use qflow_core::models::Guest;
use qflow_core::ops::guests::{all_tags, filter_guests, GuestFilter};
use uuid::Uuid;

const ATTENDEES: usize = 50_000;
/// What a desk worker types, one keystroke at a time.
const TYPED: &str = "zoë dvo";

const FIRST: &[&str] = &[
    "Zoë",
    "Søren",
    "Łukasz",
    "José",
    "Amélie",
    "Björn",
    "Siobhán",
    "François",
    "Jürgen",
    "Ana",
    "Thảo",
    "Priya",
    "Mateo",
    "Ingrid",
    "Kenji",
    "Aoife",
    "Émile",
    "Giulia",
    "Sarah",
    "James",
    "Emily",
    "Michael",
    "Chloé",
    "Freya",
    "Tomás",
    "Wei",
    "Yusuf",
    "Zofia",
];
const LAST: &[&str] = &[
    "Müller",
    "O'Brien",
    "Nguyễn",
    "García",
    "Kowalski",
    "Andersen",
    "Dubois",
    "Rossi",
    "Smith",
    "Okafor",
    "Fernández",
    "Wójcik",
    "Patel",
    "Ó Súilleabháin",
    "van der Berg",
    "Schröder",
    "Kim",
    "Dvořák",
    "Yılmaz",
    "Brown",
    "Novák",
    "Lefèvre",
    "Jensen",
    "Costa",
];
const CJK: &[(&str, &str)] = &[
    ("山田", "太郎"),
    ("佐藤", "花子"),
    ("王", "芳"),
    ("김", "민준"),
];
const DOMAINS: &[&str] = &["example.com", "example.org", "example.net", "mail.example"];

/// A small deterministic generator (xorshift), so every run searches the same list.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[(self.next() % items.len() as u64) as usize]
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

fn ascii_fold(s: &str) -> String {
    s.chars()
        .filter_map(|c| {
            let base = match c {
                'à'..='å' | 'ả' => 'a',
                'é' | 'è' | 'ë' | 'É' => 'e',
                'í' | 'ı' => 'i',
                'ó' | 'ö' | 'ø' | 'Ó' => 'o',
                'ú' | 'ü' => 'u',
                'ç' => 'c',
                'ł' | 'Ł' => 'l',
                'ř' => 'r',
                'ễ' => 'e',
                ' ' | '\'' => return None,
                c => c,
            };
            Some(base.to_ascii_lowercase())
        })
        .collect()
}

fn attendees(n: usize) -> Vec<Guest> {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let event_id = Uuid::from_u128(1);
    (0..n)
        .map(|i| {
            let (first, last, local) = if rng.chance(6) {
                let (l, f) = *rng.pick(CJK);
                (f.to_owned(), l.to_owned(), format!("guest{i}"))
            } else {
                let (f, l) = (*rng.pick(FIRST), *rng.pick(LAST));
                let local = format!("{}.{}{i}", ascii_fold(f), ascii_fold(l));
                (f.to_owned(), l.to_owned(), local)
            };
            let mut tags = Vec::new();
            match rng.next() % 100 {
                0..=5 => tags.push("VIP"),
                6..=8 => tags.push("Speaker"),
                9..=10 => tags.push("Press"),
                _ => {}
            }
            if rng.chance(15) {
                tags.push("Early Bird");
            }
            Guest {
                id: Uuid::from_u128(rng.next() as u128 | ((i as u128) << 64)),
                event_id,
                first_name: first,
                last_name: last,
                email: format!("{local}@{}", rng.pick(DOMAINS)),
                barcode: Some(format!("{:016X}", rng.next())),
                tags: (!tags.is_empty()).then(|| tags.join(",")),
                checked_in: Some(rng.chance(40)),
                ..Default::default()
            }
        })
        .collect()
}

/// What `guests_page` computes per keystroke before paging: the matches and the tag list.
fn keystroke(list: &GuestList, query: &str) -> (usize, usize) {
    let found = filter_guests(
        list,
        &GuestFilter {
            query,
            ..Default::default()
        },
    );
    (found.len(), all_tags(list).len())
}

/// Every prefix of `TYPED`, one per keystroke ("z", "zo", "zoë", ...).
fn prefixes() -> Vec<&'static str> {
    TYPED
        .char_indices()
        .map(|(i, c)| &TYPED[..i + c.len_utf8()])
        .collect()
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let rank = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[rank]
}

fn search(c: &mut Criterion) {
    let list = GuestList::from_guests(Uuid::from_u128(1), attendees(ATTENDEES));
    let mut group = c.benchmark_group("search_50k");
    for q in prefixes() {
        group.bench_function(format!("keystroke/{q}"), |b| {
            b.iter(|| keystroke(black_box(&list), black_box(q)))
        });
    }
    group.bench_function("all_tags", |b| b.iter(|| all_tags(black_box(&list)).len()));
    group.bench_function("filter_only/zoë dvo", |b| {
        b.iter(|| {
            filter_guests(
                black_box(&list),
                &GuestFilter {
                    query: black_box(TYPED),
                    ..Default::default()
                },
            )
            .len()
        })
    });
    group.finish();

    // Typing the query char by char, many times: the latency of each keystroke.
    let mut samples = Vec::new();
    let mut matched = 0;
    for _ in 0..60 {
        for q in prefixes() {
            let t = Instant::now();
            let (n, _) = black_box(keystroke(black_box(&list), black_box(q)));
            samples.push(t.elapsed());
            matched = n;
        }
    }
    samples.sort();
    let p95 = percentile(&samples, 0.95);
    println!(
        "\nper-keystroke over {ATTENDEES} attendees typing {TYPED:?} ({} keystrokes, {matched} final matches): \
         p50 {:.2} ms, p95 {:.2} ms, max {:.2} ms — target p95 < 5 ms: {}",
        samples.len(),
        percentile(&samples, 0.5).as_secs_f64() * 1e3,
        p95.as_secs_f64() * 1e3,
        samples.last().map_or(0.0, |d| d.as_secs_f64() * 1e3),
        if p95 < Duration::from_millis(5) { "met" } else { "MISSED" },
    );
}

criterion_group!(benches, search);
criterion_main!(benches);
