//! CSV import: any bytes give a consistent plan without panicking; a file written by a CSV
//! writer from valid attendees reads back as exactly those attendees, on the right lines.

use std::collections::HashSet;

use proptest::prelude::*;
use qflow_core::import::{plan_import, stable_guest_id, CHUNK_SIZE};
use qflow_core::models::Guest;
use uuid::Uuid;

use crate::support::run;

const EVENT: Uuid = Uuid::from_u128(0x00890adf_1a80_4b1f_87ce_620feb9bec12);

/// Bytes that look like an attendee file often enough to get past the header.
fn csv_bytes() -> impl Strategy<Value = Vec<u8>> {
    let header = prop::sample::select(vec![
        "firstName,lastName,email\n",
        "First Name,last_name,EMAIL,tags,plusOnes,V_1,V_3,id,eventId\r\n",
        "\u{feff}firstname,lastname,email,plusones,v_1000,V_1001\n",
        "firstName,firstName,email,,x\n",
        "",
    ]);
    let fragment = prop_oneof![
        any::<Vec<u8>>(),
        "[a-z@., \"\r\n-]{0,16}".prop_map(String::into_bytes),
        prop::sample::select(vec![
            "Ann,Lee,ann@example.com\n",
            "\"a,b\",\"c\"\"d\",e@x.io\r\n",
            ",,\n",
            "\"unterminated",
            "x,y,z,w\n",
            "Bo,Li,bo@gmial.com\n",
            "A,B,not-an-email\n",
            "\n\n",
            "\r",
            "\u{0}",
            "00890adf-1a80-4b1f-87ce-620feb9bec12",
            "-1",
            "4294967296",
        ])
        .prop_map(|s| s.as_bytes().to_vec()),
    ];
    (header, prop::collection::vec(fragment, 0..16)).prop_map(|(h, parts)| {
        let mut out = h.as_bytes().to_vec();
        parts.iter().for_each(|p| out.extend_from_slice(p));
        out
    })
}

#[test]
fn import_never_panics_and_the_plan_is_consistent() {
    run(
        file!(),
        "csv_import_never_panics",
        256,
        csv_bytes(),
        |bytes| {
            let plan = plan_import(&bytes, EVENT);
            prop_assert_eq!(plan.rows.len(), plan.row_lines.len());
            prop_assert!(plan.rows.len() <= plan.total_rows);
            prop_assert!(plan.row_lines.windows(2).all(|w| w[0] < w[1]));
            prop_assert!(plan.rows.iter().all(|g| g.event_id == EVENT));
            // Ids are unique in what can be sent (without an email column every derived id is
            // the same, but that is a file error: nothing is sent).
            if plan.file_errors().next().is_none() {
                let ids: HashSet<Uuid> = plan.rows.iter().map(|g| g.id).collect();
                prop_assert_eq!(ids.len(), plan.rows.len());
            }
            prop_assert!(plan
                .errors
                .iter()
                .all(|e| e.row.is_none_or(|r| r < plan.total_rows)));
            // Chunks: contiguous, in order, ≤ CHUNK_SIZE, covering every row once.
            let mut next = 0;
            for c in &plan.chunks {
                prop_assert!(c.start == next && c.end > c.start && c.end - c.start <= CHUNK_SIZE);
                next = c.end;
            }
            prop_assert_eq!(next, plan.rows.len());
            if plan.can_send(false) {
                prop_assert!(plan.errors.is_empty() && !plan.rows.is_empty());
            }
            Ok(())
        },
    );
}

/// A cell value as the importer keeps it: trimmed (Unicode whitespace).
fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[a-zA-Z ,\"'\r\n;=é-]{0,12}",
        Just(String::new()),
    ]
    .prop_map(|s| s.trim().to_owned())
}

fn name() -> impl Strategy<Value = String> {
    cell().prop_map(|s| if s.is_empty() { "N".to_owned() } else { s })
}

fn attendee() -> impl Strategy<Value = Guest> {
    (
        (
            name(),
            name(),
            cell(),
            "[a-zA-Z][a-zA-Z0-9_+-]{0,8}",
            "[a-z]{1,8}\\.(com|org|co\\.uk)",
        ),
        (
            cell(),
            prop::option::of(any::<u32>()),
            cell(),
            cell(),
            cell(),
            cell(),
        ),
        prop::collection::vec(cell(), 2),
    )
        .prop_map(
            |(
                (first, last, other, local, domain),
                (barcode, plus, info, tags, tickets, sessions),
                custom,
            )| {
                let opt = |s: String| (!s.is_empty()).then_some(s);
                Guest {
                    first_name: first,
                    last_name: last,
                    other_names: opt(other),
                    email: format!("{local}@{domain}"),
                    barcode: opt(barcode),
                    plus_ones: plus,
                    additional_info: opt(info),
                    tags: opt(tags),
                    tickets: opt(tickets),
                    sessions: opt(sessions),
                    custom_fields: custom.iter().any(|c| !c.is_empty()).then_some(custom),
                    event_id: EVENT,
                    ..Guest::default()
                }
            },
        )
}

/// Column headers as people write them; each maps to the same field.
const COLUMNS: [[&str; 3]; 13] = [
    ["firstName", "First Name", "first_name"],
    ["lastName", "Last Name", "LAST-NAME"],
    ["otherNames", "other names", "OtherNames"],
    ["email", "Email", "E-mail"],
    ["barcode", "Barcode", "BARCODE"],
    ["plusOnes", "Plus Ones", "plus_ones"],
    ["additionalInfo", "Additional Info", "additional_info"],
    ["tags", "Tags", "TAGS"],
    ["tickets", "Tickets", "tickets"],
    ["sessions", "Sessions", "SESSIONS"],
    ["V_1", "v1", "V-1"],
    ["V_2", "v_2", "V 2"],
    ["eventId", "Event Id", "event_id"],
];

fn cells(g: &Guest) -> [String; 13] {
    let o = |s: &Option<String>| s.clone().unwrap_or_default();
    let custom = g
        .custom_fields
        .clone()
        .unwrap_or_else(|| vec![String::new(); 2]);
    [
        g.first_name.clone(),
        g.last_name.clone(),
        o(&g.other_names),
        g.email.clone(),
        o(&g.barcode),
        g.plus_ones.map(|n| n.to_string()).unwrap_or_default(),
        o(&g.additional_info),
        o(&g.tags),
        o(&g.tickets),
        o(&g.sessions),
        custom[0].clone(),
        custom[1].clone(),
        EVENT.to_string(),
    ]
}

/// LF, CRLF and a lone CR each end a line (as in the csv reader).
fn line_breaks(bytes: &[u8]) -> u64 {
    let text = String::from_utf8_lossy(bytes)
        .replace("\r\n", "\n")
        .replace('\r', "\n");
    text.matches('\n').count() as u64
}

#[test]
fn export_then_import_gives_back_the_attendees() {
    let strategy = (
        prop::collection::vec(attendee(), 1..12),
        Just((0..13).collect::<Vec<usize>>()).prop_shuffle(),
        prop::collection::vec(0..3usize, 13),
        any::<bool>(),
        any::<bool>(),
    );
    run(
        file!(),
        "csv_round_trip",
        256,
        strategy,
        |(mut guests, order, spelling, crlf, bom)| {
            // Emails unique (case-insensitively), as a real list's are.
            for (i, g) in guests.iter_mut().enumerate() {
                g.email = g.email.replacen('@', &format!("{i}@"), 1);
                g.id = stable_guest_id(EVENT, &g.email);
            }
            let terminator = if crlf {
                csv::Terminator::CRLF
            } else {
                csv::Terminator::Any(b'\n')
            };
            let mut w = csv::WriterBuilder::new()
                .terminator(terminator)
                .from_writer(Vec::new());
            w.write_record(order.iter().map(|&c| COLUMNS[c][spelling[c]]))
                .expect("in memory");
            let mut expected_lines = Vec::new();
            for g in &guests {
                w.flush().expect("in memory");
                expected_lines.push(1 + line_breaks(w.get_ref()));
                let row = cells(g);
                w.write_record(order.iter().map(|&c| row[c].as_str()))
                    .expect("in memory");
            }
            let mut bytes = if bom {
                b"\xEF\xBB\xBF".to_vec()
            } else {
                Vec::new()
            };
            bytes.extend(w.into_inner().expect("in memory"));

            let plan = plan_import(&bytes, EVENT);
            prop_assert!(plan.errors.is_empty(), "errors: {:?}", plan.errors);
            prop_assert_eq!(&plan.rows, &guests);
            prop_assert_eq!(&plan.row_lines, &expected_lines);
            prop_assert_eq!(plan.total_rows, guests.len());
            Ok(())
        },
    );
}
