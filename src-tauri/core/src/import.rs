//! CSV import of attendees (conventions.md): parse and validate the whole file first, with
//! line numbers, and produce the guests to create in ≤ 200-row chunks. Pure: no I/O besides
//! reading the given bytes.
//!
//! Rules:
//! - UTF-8 (a byte-order mark is tolerated), comma-separated, RFC 4180 quoting (commas, quotes
//!   and line breaks inside quoted fields), a header row. Rows whose cells are all empty are
//!   skipped.
//! - Header cells match the API's guest fields ignoring case, spaces, underscores and hyphens
//!   (`firstName` = `First Name` = `first_name`); `V_1`, `V_2`, … fill `customFields`. An
//!   unknown, unnamed or repeated column is a *file* error: nothing can be sent.
//! - Required: `firstName`, `lastName` (the API requires them) and `email` (an import exists to
//!   send tickets; `{{firstname}}` without data would ship literally). Email syntax, `plusOnes`
//!   (a whole number), `id` (a GUID), `eventId` (if present, the target event) are checked; ids
//!   and emails (case-insensitive) must be unique in the file. Likely email typos
//!   (`gmial.com`) are warnings.
//! - **Stable ids**: an `id` column's value is kept. Otherwise the id is a UUID v5 of
//!   (event id, lower-cased email) in [`IMPORT_NAMESPACE`] — not of (file hash, row number):
//!   a file fixed and re-run after "skip invalid rows", re-ordered or re-exported still gives
//!   every person the same id, so `POST /api/guest`'s idempotency on `id` means a re-run never
//!   creates anyone twice. The same file into another event gives other ids.

use std::collections::HashMap;

use serde::Serialize;
use sha2::{Digest, Sha256};
use ts_rs::TS;
use uuid::Uuid;

use crate::models::Guest;
use crate::text::edit_distance;
use crate::validate;

/// The API's bulk cap (`POST /api/guests/{eventId}`): 200 records per call.
pub const CHUNK_SIZE: usize = 200;

/// The largest CSV file imported (~100,000 ordinary rows): a larger one is refused before it
/// is read, with a hint to split it.
pub const MAX_FILE_BYTES: u64 = 20_000_000;
/// The most data rows one import takes (500 bulk calls, ~9 minutes at the rate limit).
pub const MAX_ROWS: usize = 100_000;

/// Namespace of the derived guest ids (a fixed random UUID; never change it).
pub const IMPORT_NAMESPACE: Uuid = Uuid::from_u128(0x6f1c_0a4e_5b7d_4c1e_9a3f_2d8e_7b61_c045);

/// A problem at a line of the file. `row` is the 0-based data row (None = header or file
/// problem, which blocks the whole import); `column` is the API field name when known,
/// else the header as written.
#[derive(Serialize, Clone, Debug, PartialEq, Eq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct RowError {
    #[ts(type = "number")]
    pub line: u64,
    #[ts(type = "number | null")]
    pub row: Option<usize>,
    pub column: Option<String>,
    pub message: String,
}

/// Index range `[start, end)` into [`ImportPlan::rows`].
#[derive(Serialize, Clone, Copy, Debug, PartialEq, Eq, TS)]
pub struct Chunk {
    #[ts(type = "number")]
    pub start: usize,
    #[ts(type = "number")]
    pub end: usize,
}

/// The validated file.
#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
pub struct ImportPlan {
    /// SHA-256 (hex) of the file's bytes, for the local import log.
    pub file_hash: String,
    /// The API field of each column, in file order (unknown columns as written).
    pub columns: Vec<String>,
    /// The valid rows, in file order, each with its stable id and the target `eventId`.
    pub rows: Vec<Guest>,
    /// The line each of `rows` starts on (1-based; the header is line 1).
    #[ts(type = "number[]")]
    pub row_lines: Vec<u64>,
    /// Data rows read (valid or not; blank rows not counted).
    #[ts(type = "number")]
    pub total_rows: usize,
    /// Blocking problems; those with `row: null` cannot be skipped.
    pub errors: Vec<RowError>,
    /// Non-blocking (likely email typos).
    pub warnings: Vec<RowError>,
    /// ≤ [`CHUNK_SIZE`]-row slices of `rows` for the bulk endpoint.
    pub chunks: Vec<Chunk>,
}

impl ImportPlan {
    /// Header/file errors: nothing can be sent until the file is fixed.
    pub fn file_errors(&self) -> impl Iterator<Item = &RowError> {
        self.errors.iter().filter(|e| e.row.is_none())
    }

    /// Whether sending may start: no file errors, rows to send, and no row errors unless the
    /// user asked to skip invalid rows.
    pub fn can_send(&self, skip_invalid: bool) -> bool {
        self.file_errors().next().is_none()
            && !self.rows.is_empty()
            && (skip_invalid || self.errors.is_empty())
    }

    pub fn chunk_rows(&self) -> impl Iterator<Item = &[Guest]> {
        self.chunks.iter().map(|c| &self.rows[c.start..c.end])
    }
}

/// Why a file of `size` bytes is not imported, and what to do.
pub fn too_large(size: u64) -> String {
    format!(
        "the file is {:.1} MB, more than the {} MB an import reads: split it into smaller files (each with the header row) and import them one after another",
        size as f64 / 1e6,
        MAX_FILE_BYTES / 1_000_000
    )
}

/// The id a row without an `id` gets: UUID v5 of `"<event id>\n<lower-cased email>"`.
pub fn stable_guest_id(event_id: Uuid, email: &str) -> Uuid {
    let name = format!("{}\n{}", event_id, email.trim().to_lowercase());
    Uuid::new_v5(&IMPORT_NAMESPACE, name.as_bytes())
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Col {
    Id,
    EventId,
    FirstName,
    LastName,
    OtherNames,
    Email,
    Barcode,
    PlusOnes,
    AdditionalInfo,
    Tags,
    Tickets,
    Sessions,
    Custom(usize),
}

const FIELDS: &[(&str, Col)] = &[
    ("id", Col::Id),
    ("eventId", Col::EventId),
    ("firstName", Col::FirstName),
    ("lastName", Col::LastName),
    ("otherNames", Col::OtherNames),
    ("email", Col::Email),
    ("barcode", Col::Barcode),
    ("plusOnes", Col::PlusOnes),
    ("additionalInfo", Col::AdditionalInfo),
    ("tags", Col::Tags),
    ("tickets", Col::Tickets),
    ("sessions", Col::Sessions),
];

const REQUIRED: &[Col] = &[Col::FirstName, Col::LastName, Col::Email];

fn normalize(header: &str) -> String {
    header
        .chars()
        .filter(|c| !matches!(c, ' ' | '_' | '-'))
        .flat_map(char::to_lowercase)
        .collect()
}

fn column_for(header: &str) -> Option<Col> {
    let n = normalize(header);
    if let Some((_, c)) = FIELDS.iter().find(|(f, _)| f.to_lowercase() == n) {
        return Some(*c);
    }
    let digits = n.strip_prefix('v')?;
    if digits.is_empty() || digits.starts_with('0') || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits
        .parse::<usize>()
        .ok()
        .filter(|&k| (1..=1000).contains(&k))
        .map(Col::Custom)
}

fn field_name(c: Col) -> String {
    match c {
        Col::Custom(n) => format!("V_{n}"),
        other => FIELDS
            .iter()
            .find(|(_, x)| *x == other)
            .map(|(f, _)| (*f).to_owned())
            .unwrap_or_default(),
    }
}

/// Parses and validates a whole CSV file of attendees for `event_id`.
pub fn plan_import(bytes: &[u8], event_id: Uuid) -> ImportPlan {
    plan_import_mapped(bytes, event_id, &HashMap::new())
}

/// A column the user mapped by hand: the header as written → an API field name (any spelling
/// the header matching accepts), or `""` to leave the column out on purpose.
pub type ColumnOverrides = HashMap<String, String>;

/// One column of the file as the import reads it.
#[derive(Serialize, Clone, Debug, PartialEq, Eq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct ColumnPreview {
    /// As written in the header row.
    pub header: String,
    /// The API field it fills, or None (unknown, or left out).
    pub field: Option<String>,
    /// Mapped (or left out) by hand rather than by its name.
    pub by_hand: bool,
    /// Left out on purpose.
    pub ignored: bool,
}

/// The header and the first rows, with the mapping applied.
#[derive(Serialize, Clone, Debug, PartialEq, Eq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct CsvPreview {
    pub columns: Vec<ColumnPreview>,
    /// The first data rows, cells as written (trimmed).
    pub rows: Vec<Vec<String>>,
    /// Every field a column can be mapped to (`V_1`… also accepted).
    pub known_fields: Vec<String>,
}

/// The column a header maps to: the user's choice first, else its name. `Err` = mapped by
/// hand to something that is not a field; `Ok(None)` = unknown, or left out (`""`).
fn mapped_column(
    name: &str,
    overrides: &ColumnOverrides,
) -> (std::result::Result<Option<Col>, String>, bool) {
    match overrides.get(name) {
        Some(f) if f.trim().is_empty() => (Ok(None), true),
        Some(f) => (
            column_for(f).map(Some).ok_or_else(|| {
                format!("column '{name}' is mapped to '{f}', which is not an attendee field")
            }),
            true,
        ),
        None => (Ok(column_for(name)), false),
    }
}

/// The header row and the first `n` rows, each column with the field it fills.
pub fn preview_csv(bytes: &[u8], overrides: &ColumnOverrides, n: usize) -> CsvPreview {
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(body);
    let mut records = reader.byte_records().filter_map(|r| r.ok());
    let cells = |r: &csv::ByteRecord| -> Vec<String> {
        r.iter()
            .map(|c| String::from_utf8_lossy(c).trim().to_owned())
            .collect()
    };
    let header = records.next().map(|h| cells(&h)).unwrap_or_default();
    let columns = header
        .into_iter()
        .map(|h| {
            let (col, by_hand) = mapped_column(&h, overrides);
            let col = col.ok().flatten();
            ColumnPreview {
                field: col.map(field_name),
                ignored: by_hand && col.is_none(),
                by_hand,
                header: h,
            }
        })
        .collect();
    let rows = records
        .map(|r| cells(&r))
        .filter(|r| r.iter().any(|c| !c.is_empty()))
        .take(n)
        .collect();
    CsvPreview {
        columns,
        rows,
        known_fields: FIELDS.iter().map(|(f, _)| (*f).to_owned()).collect(),
    }
}

/// [`plan_import`] with columns mapped by hand ([`ColumnOverrides`]): a column left out on
/// purpose is no error; every other unknown column still is.
pub fn plan_import_mapped(bytes: &[u8], event_id: Uuid, overrides: &ColumnOverrides) -> ImportPlan {
    let mut plan = ImportPlan {
        file_hash: hex::encode(Sha256::digest(bytes)),
        columns: Vec::new(),
        rows: Vec::new(),
        row_lines: Vec::new(),
        total_rows: 0,
        errors: Vec::new(),
        warnings: Vec::new(),
        chunks: Vec::new(),
    };
    if bytes.len() as u64 > MAX_FILE_BYTES {
        plan.errors.push(RowError {
            line: 1,
            row: None,
            column: None,
            message: too_large(bytes.len() as u64),
        });
        return plan;
    }
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(body);
    let file_error = |message: String, column: Option<String>| RowError {
        line: 1,
        row: None,
        column,
        message,
    };

    let mut records = reader.byte_records();
    let header = match records.next() {
        Some(Ok(h)) => h,
        Some(Err(e)) => {
            plan.errors.push(file_error(
                format!("the header row could not be read: {e}"),
                None,
            ));
            return plan;
        }
        None => {
            plan.errors.push(file_error(
                "the file is empty: expected a header row such as firstName,lastName,email,tags"
                    .into(),
                None,
            ));
            return plan;
        }
    };

    // Header → columns.
    let mut cols: Vec<Option<Col>> = Vec::new();
    let mut seen: HashMap<Col, String> = HashMap::new();
    for (i, cell) in header.iter().enumerate() {
        let Ok(name) = std::str::from_utf8(cell) else {
            plan.errors.push(file_error(
                format!(
                    "column {} of the header is not valid UTF-8: save the file as UTF-8",
                    i + 1
                ),
                None,
            ));
            cols.push(None);
            plan.columns.push(String::new());
            continue;
        };
        let name = name.trim();
        plan.columns.push(name.to_owned());
        if name.is_empty() {
            plan.errors.push(file_error(
                format!("column {} has no name in the header", i + 1),
                None,
            ));
            cols.push(None);
            continue;
        }
        let (mapped, by_hand) = mapped_column(name, overrides);
        let mapped = match mapped {
            Ok(None) if by_hand => {
                // Left out on purpose: not sent, not an error.
                cols.push(None);
                continue;
            }
            Ok(c) => c,
            Err(message) => {
                plan.errors.push(file_error(message, Some(name.to_owned())));
                cols.push(None);
                continue;
            }
        };
        match mapped {
            Some(c) => {
                if let Some(prev) = seen.get(&c) {
                    plan.errors.push(file_error(
                        format!(
                            "columns '{prev}' and '{name}' are the same field ({})",
                            field_name(c)
                        ),
                        Some(field_name(c)),
                    ));
                } else {
                    seen.insert(c, name.to_owned());
                }
                *plan.columns.last_mut().expect("pushed above") = field_name(c);
                cols.push(Some(c));
            }
            None => {
                let n = normalize(name);
                let hint = FIELDS
                    .iter()
                    .map(|(f, _)| (edit_distance(&n, &f.to_lowercase()), *f))
                    .min()
                    .filter(|(d, _)| *d <= 2)
                    .map(|(_, f)| format!(" Did you mean {f}?"))
                    .unwrap_or_default();
                let known: Vec<&str> = FIELDS.iter().map(|(f, _)| *f).collect();
                plan.errors.push(file_error(
                    format!(
                        "unknown column '{name}'.{hint} Known columns: {}, V_1, V_2, …; map it to one of them or leave it out",
                        known.join(", ")
                    ),
                    Some(name.to_owned()),
                ));
                cols.push(None);
            }
        }
    }
    for req in REQUIRED {
        if !seen.contains_key(req) {
            plan.errors.push(file_error(
                format!("the header has no {} column", field_name(*req)),
                Some(field_name(*req)),
            ));
        }
    }

    // Rows.
    // csv's own line counter skips blank lines; count newlines up to each record's byte offset.
    let mut lines = LineCounter {
        body,
        pos: 0,
        line: 1,
    };
    let mut ids: HashMap<Uuid, u64> = HashMap::new();
    let mut emails: HashMap<String, u64> = HashMap::new();
    for record in records {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| lines.at(p.byte()));
                plan.errors.push(RowError {
                    line,
                    row: Some(plan.total_rows),
                    column: None,
                    message: format!("could not be read: {e}"),
                });
                plan.total_rows += 1;
                continue;
            }
        };
        let line = record.position().map_or(0, |p| lines.at(p.byte()));
        if record.iter().all(|c| c.iter().all(u8::is_ascii_whitespace)) {
            continue;
        }
        let row = plan.total_rows;
        if row == MAX_ROWS {
            plan.errors.push(RowError {
                line,
                row: None,
                column: None,
                message: format!(
                    "the file has more than {MAX_ROWS} rows (this is row {}): split it into files of at most {MAX_ROWS} rows, each with the header row, and import them one after another",
                    row + 1
                ),
            });
            break;
        }
        plan.total_rows += 1;
        let errors_before = plan.errors.len();
        let mut err = |column: Option<String>, message: String| {
            plan.errors.push(RowError {
                line,
                row: Some(row),
                column,
                message,
            })
        };
        if record.len() != cols.len() {
            err(None, format!("has {} values but the header has {} columns (a comma inside a value needs \"quotes\")", record.len(), cols.len()));
            continue;
        }
        let mut g = Guest {
            event_id,
            ..Default::default()
        };
        let mut id: Option<Uuid> = None;
        let mut custom: Vec<String> = Vec::new();
        for (cell, col) in record.iter().zip(&cols) {
            let Some(col) = *col else { continue };
            let field = field_name(col);
            let lossy;
            let value = match std::str::from_utf8(cell) {
                Ok(v) => v.trim(),
                Err(_) => {
                    // Reported once here; the lossy text keeps "is required" from firing too.
                    err(
                        Some(field.clone()),
                        "is not valid UTF-8: save the file as UTF-8".into(),
                    );
                    lossy = String::from_utf8_lossy(cell).into_owned();
                    lossy.trim()
                }
            };
            let opt = || (!value.is_empty()).then(|| value.to_owned());
            match col {
                Col::Id if !value.is_empty() => match validate::guid(&field, value) {
                    Ok(u) => id = Some(u),
                    Err(e) => err(Some(field), reason(e)),
                },
                Col::Id => {}
                Col::EventId if !value.is_empty() => match validate::guid(&field, value) {
                    Ok(u) if u == event_id => {}
                    Ok(u) => err(
                        Some(field),
                        format!("is {u}, not the event being imported into ({event_id})"),
                    ),
                    Err(e) => err(Some(field), reason(e)),
                },
                Col::EventId => {}
                Col::FirstName => g.first_name = value.to_owned(),
                Col::LastName => g.last_name = value.to_owned(),
                Col::OtherNames => g.other_names = opt(),
                Col::Email => g.email = value.to_owned(),
                Col::Barcode => g.barcode = opt(),
                Col::PlusOnes if value.is_empty() => {}
                Col::PlusOnes => match value.parse::<u32>() {
                    Ok(n) => g.plus_ones = Some(n),
                    Err(_) => err(
                        Some(field),
                        format!("'{value}' is not a whole number (0 or more)"),
                    ),
                },
                Col::AdditionalInfo => g.additional_info = opt(),
                Col::Tags => g.tags = opt(),
                Col::Tickets => g.tickets = opt(),
                Col::Sessions => g.sessions = opt(),
                Col::Custom(n) => {
                    if custom.len() < n {
                        custom.resize(n, String::new());
                    }
                    custom[n - 1] = value.to_owned();
                }
            }
        }
        if custom.iter().any(|c| !c.is_empty()) {
            g.custom_fields = Some(custom);
        }
        for (field, value) in [
            ("firstName", &g.first_name),
            ("lastName", &g.last_name),
            ("email", &g.email),
        ] {
            if seen.keys().any(|c| field_name(*c) == field) && value.is_empty() {
                err(Some(field.into()), "is required".into());
            }
        }
        if !g.email.is_empty() {
            match validate::email("email", &g.email) {
                Err(e) => err(Some("email".into()), reason(e)),
                Ok(()) => {
                    let key = g.email.to_lowercase();
                    match emails.get(&key) {
                        Some(first) => err(
                            Some("email".into()),
                            format!("duplicate email {} (also on line {first})", g.email),
                        ),
                        None => {
                            emails.insert(key, line);
                        }
                    }
                    if let Some(s) = validate::email_typo(&g.email) {
                        plan.warnings.push(RowError {
                            line,
                            row: Some(row),
                            column: Some("email".into()),
                            message: format!("'{}' may be mistyped: did you mean {s}?", g.email),
                        });
                    }
                }
            }
        }
        match id {
            Some(u) => {
                g.id = u;
                match ids.get(&u) {
                    Some(first) => plan.errors.push(RowError {
                        line,
                        row: Some(row),
                        column: Some("id".into()),
                        message: format!("duplicate id {u} (also on line {first})"),
                    }),
                    None => {
                        ids.insert(u, line);
                    }
                }
            }
            // Unique per email, which is checked for duplicates above.
            None => g.id = stable_guest_id(event_id, &g.email),
        }
        if plan.errors.len() == errors_before {
            plan.rows.push(g);
            plan.row_lines.push(line);
        }
    }
    if plan.total_rows == 0 && plan.file_errors().next().is_none() {
        plan.errors.push(file_error(
            "the file has a header but no attendees".into(),
            None,
        ));
    }
    plan.chunks = (0..plan.rows.len())
        .step_by(CHUNK_SIZE)
        .map(|start| Chunk {
            start,
            end: (start + CHUNK_SIZE).min(plan.rows.len()),
        })
        .collect();
    plan
}

struct LineCounter<'a> {
    body: &'a [u8],
    pos: usize,
    line: u64,
}

impl LineCounter<'_> {
    /// 1-based line of the record starting at byte offset `byte` (csv reports the start of
    /// skipped blank lines before it); offsets must not decrease.
    fn at(&mut self, byte: u64) -> u64 {
        let mut byte = (byte as usize).clamp(self.pos, self.body.len());
        while byte < self.body.len() && matches!(self.body[byte], b'\r' | b'\n') {
            byte += 1;
        }
        // A line ends at LF, CRLF or a lone CR (classic Mac "CSV (Macintosh)" files): the csv
        // reader splits records at all three.
        let span = &self.body[self.pos..byte];
        let lf = memchr::memchr_iter(b'\n', span).count();
        let lone_cr = memchr::memchr_iter(b'\r', span)
            .filter(|&i| self.body.get(self.pos + i + 1) != Some(&b'\n'))
            .count();
        self.line += (lf + lone_cr) as u64;
        self.pos = byte;
        self.line
    }
}

fn reason(e: crate::Error) -> String {
    match e {
        crate::Error::Invalid { reason, .. } => reason,
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EVENT: Uuid = Uuid::from_u128(0x00890adf_1a80_4b1f_87ce_620feb9bec12);

    /// Found by the property tests: with CR-only line ends every row was reported on line 1.
    #[test]
    fn lines_are_counted_with_cr_only_line_ends_too() {
        let p = plan("firstName,lastName,email\rAnn,Lee,ann@example.com\r\rBo,Li,nope\r\"C\r\n2\",D,c@example.com\r\nE,F,e@example.com");
        assert_eq!(p.row_lines, vec![2, 5, 7]);
        assert_eq!(errs(&p)[0].0, 4);
    }

    fn plan(s: &str) -> ImportPlan {
        plan_import(s.as_bytes(), EVENT)
    }

    fn errs(p: &ImportPlan) -> Vec<(u64, Option<&str>, &str)> {
        p.errors
            .iter()
            .map(|e| (e.line, e.column.as_deref(), e.message.as_str()))
            .collect()
    }

    #[test]
    fn more_rows_than_the_cap_block_the_file_and_say_to_split_it() {
        let mut csv = String::from("firstName,lastName,email\n");
        for i in 0..=MAX_ROWS {
            csv.push_str(&format!("A,B,a{i}@x.org\n"));
        }
        let p = plan(&csv);
        let e = p.file_errors().next().expect("a file error");
        assert!(e.message.contains("split it"), "{}", e.message);
        assert_eq!(e.line, MAX_ROWS as u64 + 2, "the first row past the cap");
        assert!(!p.can_send(true), "not even skipping invalid rows");
        assert_eq!(p.total_rows, MAX_ROWS);
    }

    #[test]
    fn a_file_over_the_byte_cap_is_not_parsed() {
        let mut bytes = b"firstName,lastName,email\n".to_vec();
        bytes.resize(MAX_FILE_BYTES as usize + 1, b'\n');
        let p = plan_import(&bytes, EVENT);
        assert_eq!(p.errors.len(), 1);
        assert!(p.errors[0].message.contains("20.0 MB"), "{:?}", p.errors);
        assert!(p.errors[0].message.contains("split it"));
        assert!(!p.can_send(true));
    }

    #[test]
    fn minimal_file() {
        let p = plan("firstName,lastName,email,tags\nJoe,Bloggs,joe@yourcompany.com,VIP\nAnn,Lee,ann@x.org,\n");
        assert!(p.errors.is_empty(), "{:?}", p.errors);
        assert!(p.can_send(false));
        assert_eq!(p.rows.len(), 2);
        assert_eq!(p.row_lines, [2, 3]);
        let g = &p.rows[0];
        assert_eq!(
            (g.first_name.as_str(), g.email.as_str(), g.tags.as_deref()),
            ("Joe", "joe@yourcompany.com", Some("VIP"))
        );
        assert_eq!(g.event_id, EVENT);
        assert_eq!(p.rows[1].tags, None);
        assert_eq!(p.columns, ["firstName", "lastName", "email", "tags"]);
        assert_eq!(p.file_hash.len(), 64);
    }

    #[test]
    fn header_matching_ignores_case_spaces_underscores_hyphens() {
        let p = plan(
            "First Name,last_name,E-Mail,OTHER NAMES,Plus-Ones,additional info,Tickets,sessions,Barcode,V_2,v 1\n\
             Joe,Bloggs,joe@x.com,Mary,3,Vegan,Gold,\"Keynote,Workshop\",ABC123,two,one\n",
        );
        assert!(p.errors.is_empty(), "{:?}", p.errors);
        let g = &p.rows[0];
        assert_eq!(g.other_names.as_deref(), Some("Mary"));
        assert_eq!(g.plus_ones, Some(3));
        assert_eq!(g.additional_info.as_deref(), Some("Vegan"));
        assert_eq!(g.sessions.as_deref(), Some("Keynote,Workshop"));
        assert_eq!(g.barcode.as_deref(), Some("ABC123"));
        assert_eq!(
            g.custom_fields.as_deref(),
            Some(&["one".to_owned(), "two".to_owned()][..])
        );
    }

    #[test]
    fn bom_and_crlf_are_tolerated() {
        let mut bytes =
            b"\xEF\xBB\xBFfirstName,lastName,email\r\nJoe,Bloggs,joe@x.com\r\n".to_vec();
        let p = plan_import(&bytes, EVENT);
        assert!(p.errors.is_empty(), "{:?}", p.errors);
        assert_eq!(p.columns[0], "firstName");
        assert_eq!(p.rows[0].email, "joe@x.com");
        // The hash is of the bytes as given.
        bytes.drain(..3);
        assert_ne!(plan_import(&bytes, EVENT).file_hash, p.file_hash);
    }

    #[test]
    fn quoted_fields_with_commas_quotes_and_newlines_keep_line_numbers() {
        let p = plan(
            "firstName,lastName,email,additionalInfo\n\
             \"Bloggs, Jr\",\"O\"\"Neil\",a@x.com,\"line one\nline two\"\n\
             Ann,Lee,not-an-email,x\n",
        );
        assert_eq!(p.rows.len(), 1);
        assert_eq!(p.rows[0].first_name, "Bloggs, Jr");
        assert_eq!(p.rows[0].last_name, "O\"Neil");
        assert_eq!(
            p.rows[0].additional_info.as_deref(),
            Some("line one\nline two")
        );
        // The bad row starts on line 4 (the quoted value spans lines 2-3).
        assert_eq!(
            errs(&p),
            [(
                4,
                Some("email"),
                "'not-an-email' has no @ (expected name@example.com)"
            )]
        );
        assert_eq!(p.errors[0].row, Some(1));
        assert!(!p.can_send(false));
        assert!(p.can_send(true));
    }

    #[test]
    fn unknown_missing_and_duplicate_columns_block_everything() {
        let p = plan("firstName,lastname,Phone,emial,First_Name\nJoe,Bloggs,1,joe@x.com,J\n");
        let e = errs(&p);
        assert!(
            e.iter().any(|(l, c, m)| *l == 1
                && *c == Some("Phone")
                && m.contains("unknown column 'Phone'")),
            "{e:?}"
        );
        assert!(
            e.iter()
                .any(|(_, c, m)| *c == Some("emial") && m.contains("Did you mean email?")),
            "{e:?}"
        );
        assert!(
            e.iter()
                .any(|(_, _, m)| m.contains("'firstName' and 'First_Name' are the same field")),
            "{e:?}"
        );
        assert!(
            e.iter()
                .any(|(_, c, m)| *c == Some("email") && m.contains("no email column")),
            "{e:?}"
        );
        assert!(p.file_errors().count() >= 4);
        assert!(!p.can_send(true));
        let p = plan("firstName,,lastName,email\nA,,B,a@x.com\n");
        assert!(errs(&p)[0].2.contains("column 2 has no name"));
    }

    #[test]
    fn row_errors_have_lines_and_columns() {
        let p = plan(
            "id,eventId,firstName,lastName,email,plusOnes\n\
             not-a-guid,,Joe,Bloggs,joe@x.com,1\n\
             ,8d630377-970a-4687-aa66-2a18fb964c99,Ann,Lee,ann@x.com,two\n\
             ,,,Lee,bob@x.com,\n\
             ,00890adf-1a80-4b1f-87ce-620feb9bec12,Cy,Dee,cy@x.com\n",
        );
        let e = errs(&p);
        assert_eq!(e[0].0, 2);
        assert_eq!(e[0].1, Some("id"));
        assert_eq!((e[1].0, e[1].1), (3, Some("eventId")));
        assert!(e[1].2.contains("not the event being imported into"));
        assert_eq!((e[2].0, e[2].1), (3, Some("plusOnes")));
        assert_eq!(e[3], (4, Some("firstName"), "is required"));
        assert_eq!((e[4].0, e[4].1), (5, None));
        assert!(e[4].2.contains("has 5 values but the header has 6 columns"));
        assert_eq!(e.len(), 5);
        assert!(p.rows.is_empty());
        assert_eq!(p.total_rows, 4);
    }

    #[test]
    fn duplicates_are_reported_with_the_first_line() {
        let id = "8d630377-970a-4687-aa66-2a18fb964c99";
        let p = plan(&format!(
            "id,firstName,lastName,email\n{id},A,B,a@x.com\n,C,D,A@X.com\n{id},E,F,e@x.com\n,G,H,g@x.com\n"
        ));
        assert_eq!(
            errs(&p),
            [
                (3, Some("email"), "duplicate email A@X.com (also on line 2)"),
                (
                    4,
                    Some("id"),
                    &*format!("duplicate id {id} (also on line 2)")
                ),
            ]
        );
        assert_eq!(p.rows.len(), 2);
        assert_eq!(p.row_lines, [2, 5]);
    }

    #[test]
    fn ids_are_kept_or_derived_stably() {
        let id = "8d630377-970a-4687-aa66-2a18fb964c99";
        let p = plan(&format!(
            "id,firstName,lastName,email\n{id},A,B,a@x.com\n,C,D,C@x.com\n"
        ));
        assert_eq!(p.rows[0].id.to_string(), id);
        assert_eq!(p.rows[1].id, stable_guest_id(EVENT, "c@X.com "));
        assert_eq!(p.rows[1].id.get_version_num(), 5);
        // Re-ordered, edited file: same person, same id. Another event: another id.
        let q = plan("email,lastName,firstName,tags\nc@x.com,D,C,VIP\nz@x.com,Z,Z,\n");
        assert_eq!(q.rows[0].id, p.rows[1].id);
        let other = plan_import(
            b"firstName,lastName,email\nC,D,c@x.com\n",
            Uuid::from_u128(7),
        );
        assert_ne!(other.rows[0].id, p.rows[1].id);
    }

    #[test]
    fn typos_are_warnings_and_blank_rows_are_skipped() {
        let p = plan("firstName,lastName,email\n\nJoe,Bloggs,joe@gmial.com\n , , \n");
        assert!(p.errors.is_empty(), "{:?}", p.errors);
        assert_eq!(p.total_rows, 1);
        assert_eq!(p.warnings.len(), 1);
        assert_eq!(p.warnings[0].line, 3);
        assert!(p.warnings[0].message.contains("joe@gmail.com"));
    }

    #[test]
    fn line_numbers_survive_blank_crlf_lines_and_multiline_values() {
        let p = plan("firstName,lastName,email\r\n\r\n\r\nA,B,\"x\r\ny\"\r\n\r\nC,D,bad\r\n");
        let lines: Vec<u64> = p.errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, [4, 7]);
    }

    #[test]
    fn empty_files_and_header_only() {
        assert!(errs(&plan(""))[0].2.contains("empty"));
        assert!(errs(&plan("\u{feff}"))[0].2.contains("empty"));
        assert!(errs(&plan("firstName,lastName,email\n"))[0]
            .2
            .contains("no attendees"));
    }

    #[test]
    fn invalid_utf8_is_reported_at_its_cell() {
        let p = plan_import(b"firstName,lastName,email\nJ\xe9r\xf4me,B,j@x.com\n", EVENT);
        assert_eq!(
            errs(&p),
            [(
                2,
                Some("firstName"),
                "is not valid UTF-8: save the file as UTF-8"
            )]
        );
    }

    #[test]
    fn chunks_of_200() {
        let mut s = String::from("firstName,lastName,email\n");
        for i in 0..450 {
            s.push_str(&format!("F{i},L{i},u{i}@x.com\n"));
        }
        let p = plan(&s);
        assert!(p.errors.is_empty());
        let sizes: Vec<usize> = p.chunk_rows().map(<[Guest]>::len).collect();
        assert_eq!(sizes, [200, 200, 50]);
        assert_eq!(
            p.chunks[2],
            Chunk {
                start: 400,
                end: 450
            }
        );
        assert_eq!(p.row_lines[449], 451);
    }
}
