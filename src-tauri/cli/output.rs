//! How the CLI prints: data on stdout (aligned tables, `key: value` blocks, or JSON with
//! `--json`), progress, warnings and errors on stderr.

use qflow_core::Error;
use serde_json::{json, Map, Value};
use std::io::Write;

/// A table with aligned columns. Widths count characters, so non-ASCII names line up.
pub struct Table {
    headers: Vec<&'static str>,
    rows: Vec<Vec<String>>,
}

impl Table {
    pub fn new(headers: &[&'static str]) -> Table {
        Table {
            headers: headers.to_vec(),
            rows: Vec::new(),
        }
    }

    pub fn row(&mut self, cells: Vec<String>) {
        // Tabs and newlines would break the alignment.
        self.rows
            .push(cells.into_iter().map(|c| one_line(&c)).collect());
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn render(&self) -> String {
        let mut widths: Vec<usize> = self.headers.iter().map(|h| h.chars().count()).collect();
        for row in &self.rows {
            for (i, cell) in row.iter().enumerate() {
                if i < widths.len() {
                    widths[i] = widths[i].max(cell.chars().count());
                }
            }
        }
        let mut out = String::new();
        let mut line = |cells: &mut dyn Iterator<Item = &str>| {
            let mut text = String::new();
            for (i, cell) in cells.enumerate() {
                if i > 0 {
                    text.push_str("  ");
                }
                text.push_str(cell);
                let pad = widths
                    .get(i)
                    .copied()
                    .unwrap_or(0)
                    .saturating_sub(cell.chars().count());
                text.extend(std::iter::repeat_n(' ', pad));
            }
            out.push_str(text.trim_end());
            out.push('\n');
        };
        line(&mut self.headers.iter().copied());
        for row in &self.rows {
            line(&mut row.iter().map(String::as_str));
        }
        out
    }

    pub fn print(&self) {
        print_stdout(&self.render());
    }
}

/// `key: value` lines with the values aligned.
pub fn fields<K: AsRef<str>>(pairs: &[(K, String)]) -> String {
    let width = pairs
        .iter()
        .map(|(k, _)| k.as_ref().chars().count())
        .max()
        .unwrap_or(0);
    let mut out = String::new();
    for (k, v) in pairs {
        let k = k.as_ref();
        out.push_str(&format!(
            "{k}:{}{}\n",
            " ".repeat(width - k.chars().count() + 1),
            one_line(v)
        ));
    }
    out
}

pub fn print_fields<K: AsRef<str>>(pairs: &[(K, String)]) {
    print_stdout(&fields(pairs));
}

/// Pretty JSON on stdout.
pub fn print_json(v: &Value) {
    print_stdout(&format!(
        "{}\n",
        serde_json::to_string_pretty(v).unwrap_or_else(|_| "null".into())
    ));
}

/// Write to stdout, ignoring a closed pipe (`qflow-console guests list … | head`).
pub fn print_stdout(text: &str) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes());
    let _ = out.flush();
}

/// A progress or warning line on stderr.
pub fn note(text: impl AsRef<str>) {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "{}", text.as_ref());
}

/// `--json` error document: `{"error": {"status", "code", "message", "nextStep", ..., the body's
/// other fields}}`. Keys from the API body never override ours.
pub fn error_json(e: &Error) -> Value {
    let body = e.body();
    let mut obj = Map::new();
    if let Some(status) = body.status {
        obj.insert("status".into(), json!(status));
    }
    obj.insert("code".into(), json!(body.code));
    obj.insert("message".into(), json!(body.message));
    obj.insert("nextStep".into(), json!(body.next_step));
    if let Some(endpoint) = body.endpoint {
        obj.insert("endpoint".into(), json!(endpoint));
    }
    if let Some(field) = body.field {
        obj.insert("field".into(), json!(field));
    }
    for (k, v) in body.details {
        obj.entry(k).or_insert(v);
    }
    json!({ "error": Value::Object(obj) })
}

/// Print an error: `CODE: message` and the next step on stderr; with `--json` also the error
/// document on stdout. Returns the exit status: 2 for bad input, 1 otherwise.
pub fn report_error(e: &Error, json_mode: bool) -> i32 {
    let body = e.body();
    note(format!("{}: {}", body.code, body.message));
    if !body.next_step.is_empty() {
        note(format!("Next: {}", body.next_step));
    }
    if json_mode {
        print_json(&error_json(e));
    }
    exit_code(e)
}

pub fn exit_code(e: &Error) -> i32 {
    if e.is_bad_input() {
        2
    } else {
        1
    }
}

fn one_line(s: &str) -> String {
    if s.contains(['\n', '\r', '\t']) {
        s.replace("\r\n", " / ")
            .replace(['\n', '\r'], " / ")
            .replace('\t', " ")
    } else {
        s.to_owned()
    }
}

/// `Some(v)` → v, `None` → "-".
pub fn or_dash(v: Option<impl ToString>) -> String {
    v.map(|v| v.to_string())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "-".into())
}

/// The CLI's notifier: desktop notifications become a line on stderr; UI events are dropped.
pub(crate) struct StderrNotifier;

impl qflow_core::ops::ctx::Notifier for StderrNotifier {
    fn push(&self, _name: &'static str, _payload: serde_json::Value) {}
    fn desktop(&self, title: &str, body: &str) {
        note(format!("{title}: {body}"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_aligns_by_characters() {
        let mut t = Table::new(&["NAME", "EMAIL"]);
        t.row(vec!["Zoë Ødegård".into(), "z@example.com".into()]);
        t.row(vec!["Al".into(), "a@example.com".into()]);
        let text = t.render();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "NAME         EMAIL");
        assert_eq!(lines[1], "Zoë Ødegård  z@example.com");
        assert_eq!(lines[2], "Al           a@example.com");
    }

    #[test]
    fn error_json_keeps_details_without_overriding() {
        let api = qflow_core::ApiError::from_response(
            422,
            br#"{"error":"previous_send_permanently_failed","message":"m","failureType":"spam_reported","lastFailureAt":"2026-04-12T14:32:00Z","code":"x"}"#,
            "POST /api/comms/send",
            None,
        );
        let v = error_json(&Error::Api(api));
        assert_eq!(v["error"]["status"], 422);
        assert_eq!(v["error"]["code"], "previous_send_permanently_failed");
        assert_eq!(v["error"]["failureType"], "spam_reported");
        assert_eq!(v["error"]["lastFailureAt"], "2026-04-12T14:32:00Z");
    }
}
