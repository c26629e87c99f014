//! Deterministic demo data (from `rng_seed`), dated relative to today.

use chrono::{DateTime, Duration, NaiveDateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::Map;

use crate::routes::domain::new_domain;
use crate::state::{new_barcode, new_uuid, Account, EventRec, Suppression, TemplateRec};
use crate::store::GuestRec;

/// The seeded suppressed recipient (spam report) in the first upcoming event.
pub const SUPPRESSED_EMAIL: &str = "suppressed@example.com";
/// The seeded, unverified custom domain.
pub const SEED_DOMAIN: &str = "events.example.com";

/// (display, ascii for the email address)
const FIRST: &[(&str, &str)] = &[
    ("Zoë", "zoe"),
    ("Søren", "soren"),
    ("Łukasz", "lukasz"),
    ("José", "jose"),
    ("Amélie", "amelie"),
    ("Björn", "bjorn"),
    ("Siobhán", "siobhan"),
    ("François", "francois"),
    ("Jürgen", "jurgen"),
    ("Ana", "ana"),
    ("Thảo", "thao"),
    ("Olúwaseun", "oluwaseun"),
    ("Priya", "priya"),
    ("Mateo", "mateo"),
    ("Ingrid", "ingrid"),
    ("Kenji", "kenji"),
    ("Aoife", "aoife"),
    ("Dorota", "dorota"),
    ("Émile", "emile"),
    ("Giulia", "giulia"),
    ("Hana", "hana"),
    ("Leilani", "leilani"),
    ("Nikolai", "nikolai"),
    ("Rania", "rania"),
    ("Umar", "umar"),
    ("Valentina", "valentina"),
    ("Wei", "wei"),
    ("Yusuf", "yusuf"),
    ("Zofia", "zofia"),
    ("Ciarán", "ciaran"),
    ("Dagný", "dagny"),
    ("Emeka", "emeka"),
    ("Sarah", "sarah"),
    ("James", "james"),
    ("Emily", "emily"),
    ("Michael", "michael"),
    ("Chloé", "chloe"),
    ("Mohammed", "mohammed"),
    ("Freya", "freya"),
    ("Tomás", "tomas"),
];
const LAST: &[(&str, &str)] = &[
    ("Müller", "muller"),
    ("O'Brien", "obrien"),
    ("Nguyễn", "nguyen"),
    ("García", "garcia"),
    ("Kowalski", "kowalski"),
    ("Andersen", "andersen"),
    ("Dubois", "dubois"),
    ("Rossi", "rossi"),
    ("Smith", "smith"),
    ("Okafor", "okafor"),
    ("Johansson", "johansson"),
    ("Fernández", "fernandez"),
    ("Wójcik", "wojcik"),
    ("Patel", "patel"),
    ("Hernández", "hernandez"),
    ("Ó Súilleabháin", "osuilleabhain"),
    ("van der Berg", "vanderberg"),
    ("Schröder", "schroder"),
    ("Kim", "kim"),
    ("MacDonald", "macdonald"),
    ("Dvořák", "dvorak"),
    ("Yılmaz", "yilmaz"),
    ("Brown", "brown"),
    ("Novák", "novak"),
    ("Lefèvre", "lefevre"),
    ("Jensen", "jensen"),
    ("Costa", "costa"),
    ("Ahmed", "ahmed"),
];
/// Whole CJK names: (last, first, ascii).
const CJK: &[(&str, &str, &str)] = &[
    ("山田", "太郎", "taro.yamada"),
    ("佐藤", "花子", "hanako.sato"),
    ("鈴木", "一郎", "ichiro.suzuki"),
    ("王", "芳", "fang.wang"),
    ("李", "娜", "na.li"),
    ("김", "민준", "minjun.kim"),
    ("高橋", "美咲", "misaki.takahashi"),
    ("陈", "伟", "wei.chen"),
];
const MAIL_DOMAINS: &[&str] = &["example.com", "example.org", "example.net", "mail.example"];
const NOTES: &[&str] = &[
    "Vegetarian",
    "Wheelchair access required",
    "Gluten-free meal",
    "Arriving late",
    "Needs invoice for company",
    "Nut allergy",
];

struct Plan {
    title: &'static str,
    tz: Tz,
    day_offset: i64,
    start: (u32, u32),
    days: i64,
    end: (u32, u32),
}

fn local(day: chrono::NaiveDate, hm: (u32, u32)) -> NaiveDateTime {
    day.and_time(NaiveTime::from_hms_opt(hm.0, hm.1, 0).expect("valid time"))
}

fn to_utc(tz: Tz, t: NaiveDateTime) -> DateTime<Utc> {
    tz.from_local_datetime(&t)
        .earliest()
        .map(|x| x.with_timezone(&Utc))
        .unwrap_or_else(|| Utc.from_utc_datetime(&t))
}

/// Fills the demo account: 3 events, `attendees` attendees, 4 templates, a suppression and an
/// unverified domain.
pub(crate) fn seed(acc: &mut Account, attendees: usize, rng_seed: u64) {
    let mut rng = StdRng::seed_from_u64(rng_seed);
    let today = Utc::now().date_naive();
    let plans = [
        Plan {
            title: "Spring Partner Summit London",
            tz: chrono_tz::Europe::London,
            day_offset: -14,
            start: (9, 0),
            days: 0,
            end: (18, 0),
        },
        Plan {
            title: "Qflow Customer Conference New York",
            tz: chrono_tz::America::New_York,
            day_offset: 63,
            start: (9, 30),
            days: 1,
            end: (17, 0),
        },
        Plan {
            title: "Tokyo Developer Day",
            tz: chrono_tz::Asia::Tokyo,
            day_offset: 105,
            start: (10, 0),
            days: 0,
            end: (19, 0),
        },
    ];
    let mut events = Vec::new();
    for p in &plans {
        let day = today + Duration::days(p.day_offset);
        let e = EventRec {
            id: new_uuid(&mut rng),
            title: p.title.to_string(),
            start: local(day, p.start),
            end: local(day + Duration::days(p.days), p.end),
            tz: p.tz.name().to_string(),
            extra: Map::new(),
        };
        acc.events.insert(e.id, e.clone());
        events.push((e, p.tz));
    }

    // 25% past event, 45% first upcoming, the rest the last one.
    let past_n = attendees / 4;
    let first_n = attendees * 45 / 100;
    // Exact sizes up front: no growth, no freed buffers left behind in the heap.
    acc.guests.reserve(attendees);
    for (slot, n) in [past_n, first_n, attendees - past_n - first_n]
        .into_iter()
        .enumerate()
    {
        acc.guests.reserve_event(events[slot].0.id, n);
    }
    for i in 0..attendees {
        let slot = if i < past_n {
            0
        } else if i < past_n + first_n {
            1
        } else {
            2
        };
        let (event, tz) = &events[slot];
        let g = if slot == 1 && i == past_n {
            GuestRec {
                id: new_uuid(&mut rng),
                event_id: event.id,
                first_name: "Sam".into(),
                last_name: "Suppressed".into(),
                email: Some(SUPPRESSED_EMAIL.into()),
                barcode: new_barcode(&mut rng),
                additional_info: Some("Reported our last email as spam".into()),
                ..GuestRec::default()
            }
        } else {
            make_guest(&mut rng, i, event, *tz, slot == 0)
        };
        acc.guests.insert(g);
    }
    acc.guests.shrink_to_fit();
    acc.suppressed.insert(
        SUPPRESSED_EMAIL.into(),
        Suppression {
            failure_type: "spam_reported".into(),
            at: to_utc(
                chrono_tz::UTC,
                (today - Duration::days(27))
                    .and_time(NaiveTime::from_hms_opt(14, 32, 0).expect("time")),
            ),
            reason: "Recipient marked a previous email from this account as spam.".into(),
        },
    );

    let created = Utc::now() - Duration::days(30);
    let created = DateTime::from_timestamp(created.timestamp(), 0).unwrap_or(created);
    let templates = [
        (
            1,
            "Welcome ticket",
            "Your ticket for {{event}}, {{firstname}}",
            "<h1>Hi {{firstname}}!</h1>\n<p>Your ticket for {{event}} on {{date}} at {{starttime}} is below.</p>\n<p><img src=\"{{barcode_qr}}\" alt=\"ticket\" /></p>\n<p>Ticket code: {{barcode}}</p>\n<p>See you there.</p>",
            false,
            None,
        ),
        (
            1,
            "Session reminder",
            "Tomorrow: {{event}}",
            "<p>Hi {{firstname}},</p>\n<p>A reminder that {{event}} starts at {{starttime}} on {{date}}.</p>\n<p>Your sessions:<br>{{sessions}}</p>",
            false,
            None,
        ),
        (
            2,
            "Ticket PDF (courier body)",
            "Your ticket — {{firstname}}",
            "<h1>{{event}}</h1>\n<p>{{fullname}}</p>\n<p><img src=\"{{barcode_qr}}\" alt=\"ticket\" /></p>",
            true,
            Some("<p>Hi {{firstname}},</p><p>Your ticket for {{event}} is attached.</p>"),
        ),
        (
            0,
            "Thank you for attending",
            "Thanks for coming to {{event}}",
            "<p>Hi {{firstname}},</p>\n<p>Thank you for joining us at {{event}}. We'd love your feedback.</p>\n<p><a href=\"https://example.com/survey\">Take the two-minute survey</a></p>",
            false,
            None,
        ),
    ];
    for (n, (slot, name, subject, html, pdf, body)) in templates.into_iter().enumerate() {
        let t = TemplateRec {
            id: new_uuid(&mut rng),
            event_id: events[slot].0.id,
            name: name.into(),
            subject: Some(subject.into()),
            html: html.into(),
            from_address: None,
            from_name: Some("Qflow Events".into()),
            reply_to: None,
            attach_pdf: pdf,
            email_body: body.map(str::to_string),
            created: created + Duration::minutes(n as i64),
        };
        acc.templates.insert(t.id, t);
    }
    acc.domain = Some(new_domain(&mut rng, SEED_DOMAIN));
}

fn make_guest(rng: &mut StdRng, i: usize, event: &EventRec, tz: Tz, past: bool) -> GuestRec {
    let (first, last, ascii) = if rng.random_bool(0.06) {
        let (l, f, a) = CJK[rng.random_range(0..CJK.len())];
        (f.to_string(), l.to_string(), a.to_string())
    } else {
        let (f, fa) = FIRST[rng.random_range(0..FIRST.len())];
        let (l, la) = LAST[rng.random_range(0..LAST.len())];
        (f.to_string(), l.to_string(), format!("{fa}.{la}"))
    };
    let domain = MAIL_DOMAINS[rng.random_range(0..MAIL_DOMAINS.len())];
    let mut tags = Vec::new();
    let roll: f64 = rng.random();
    if roll < 0.06 {
        tags.push("VIP");
    } else if roll < 0.09 {
        tags.push("Speaker");
    } else if roll < 0.11 {
        tags.push("Press");
    }
    if rng.random_bool(0.15) {
        tags.push("Early Bird");
    }
    let checked_in = past && rng.random_bool(0.72);
    let check_in_time =
        checked_in.then(|| to_utc(tz, event.start) + Duration::minutes(rng.random_range(-45..180)));
    // Same rng order as ever: the seeded data stays the same.
    let id = new_uuid(rng);
    let barcode = new_barcode(rng);
    let plus_ones = rng.random_bool(0.1).then(|| rng.random_range(1..=2));
    let additional_info = rng
        .random_bool(0.05)
        .then(|| NOTES[rng.random_range(0..NOTES.len())].into());
    GuestRec {
        id,
        event_id: event.id,
        first_name: first,
        last_name: last,
        email: Some(format!("{ascii}{i}@{domain}")),
        barcode,
        tags: (!tags.is_empty()).then(|| tags.join(",")),
        checked_in,
        check_in_time: check_in_time
            .map(|t| DateTime::from_timestamp(t.timestamp(), 0).unwrap_or(t)),
        plus_ones,
        additional_info,
        ..GuestRec::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The demo's 50,000 attendees must stay compact (was ~385 bytes each).
    #[test]
    fn fifty_thousand_seeded_attendees_fit_in_200_bytes_each() {
        const N: usize = 50_000;
        let mut acc = Account::default();
        seed(&mut acc, N, 7);
        assert_eq!(acc.guests.len(), N);
        let per = acc.guests.heap_bytes() as f64 / N as f64;
        eprintln!("attendee heap cost: {per:.1} bytes each");
        assert!(per <= 200.0, "{per:.1} bytes per attendee");
    }
}
