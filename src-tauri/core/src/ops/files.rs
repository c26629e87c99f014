//! The user's files: reading template, guest and event JSON (every problem is an
//! `Error::Invalid` naming the file and, for syntax errors, the line and column), and writing
//! a file the user chose ([`write_private_atomic`]).

use serde_json::{Map, Value};
use std::path::Path;
use uuid::Uuid;

use crate::models::TemplateUpsert;
use crate::{Error, Result};

/// The whole file as UTF-8 text (a leading byte-order mark dropped).
pub fn read_text(field: &str, path: &Path) -> Result<String> {
    let bytes = std::fs::read(path)
        .map_err(|e| Error::invalid(field, format!("cannot read {}: {e}", path.display())))?;
    match String::from_utf8(bytes) {
        Ok(text) => Ok(text
            .strip_prefix('\u{feff}')
            .map(str::to_owned)
            .unwrap_or(text)),
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let before = &e.as_bytes()[..at];
            let line = before.iter().filter(|b| **b == b'\n').count() + 1;
            let line_start = before
                .iter()
                .rposition(|b| *b == b'\n')
                .map_or(0, |i| i + 1);
            let column = String::from_utf8_lossy(&before[line_start..])
                .chars()
                .count()
                + 1;
            Err(Error::invalid(
                field,
                format!(
                    "{}: line {line}, column {column}: not UTF-8 text",
                    path.display()
                ),
            ))
        }
    }
}

/// Parse JSON text; a syntax error says `<file>: line L, column C: <what>`.
pub fn parse_json(field: &str, path: &Path, text: &str) -> Result<Value> {
    serde_json::from_str(text).map_err(|e| json_error(field, path, &e))
}

/// Read and parse a JSON file.
pub fn read_json(field: &str, path: &Path) -> Result<Value> {
    parse_json(field, path, &read_text(field, path)?)
}

pub fn json_error(field: &str, path: &Path, e: &serde_json::Error) -> Error {
    let what = e.to_string();
    // serde_json appends " at line L column C"; we say it our way.
    let what = what.split(" at line ").next().unwrap_or(&what).to_owned();
    Error::invalid(
        field,
        format!(
            "{}: line {}, column {}: {what}",
            path.display(),
            e.line(),
            e.column()
        ),
    )
}

fn object<'a>(field: &str, path: &Path, v: &'a Value) -> Result<&'a Map<String, Value>> {
    v.as_object().ok_or_else(|| {
        Error::invalid(
            field,
            format!(
                "{}: expected a JSON object at the top level",
                path.display()
            ),
        )
    })
}

/// What a template file pushes, and what was noticed on the way.
#[derive(Debug, Clone, PartialEq)]
pub struct TemplatePush {
    pub upsert: TemplateUpsert,
    /// The file had no `id`: a fresh one was generated (add it to the file to update the same
    /// template next time).
    pub generated_id: bool,
    /// Keys the API does not take on upsert (e.g. `created`), not sent.
    pub ignored_keys: Vec<String>,
}

/// Keys a template JSON may carry that are not sent (read-only fields of `template show --json`).
const READ_ONLY_KEYS: [&str; 1] = ["created"];

/// A template JSON file → an upsert following the guide's partial-update rules: a key absent
/// (or null) is omitted and keeps the stored value; `""` clears `fromAddress`, `fromName`,
/// `replyTo`, `emailBody`; `name`, `subject` and `html` are always sent, so they must be there.
pub fn template_push_from_json(field: &str, path: &Path, v: &Value) -> Result<TemplatePush> {
    let m = object(field, path, v)?;
    let file = path.display();
    let bad =
        |key: &str, reason: &str| Error::invalid(field, format!("{file}: \"{key}\" {reason}"));
    let string = |key: &str| -> Result<Option<String>> {
        match m.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(bad(key, "must be a string")),
        }
    };
    let required = |key: &str, may_be_empty: bool| -> Result<String> {
        match string(key)? {
            Some(s) if may_be_empty || !s.trim().is_empty() => Ok(s),
            Some(_) => Err(bad(key, "must not be empty")),
            None => Err(bad(
                key,
                if key == "subject" {
                    "is required: the API overwrites the subject on every upsert (use \"\" for none)"
                } else {
                    "is required"
                },
            )),
        }
    };
    let uuid = |key: &str| -> Result<Option<Uuid>> {
        match string(key)? {
            None => Ok(None),
            Some(s) => Uuid::parse_str(s.trim())
                .map(Some)
                .map_err(|_| bad(key, "is not a valid GUID")),
        }
    };
    let event_id = uuid("eventId")?.ok_or_else(|| bad("eventId", "is required"))?;
    let (id, generated_id) = match uuid("id")? {
        Some(id) => (id, false),
        None => (Uuid::new_v4(), true),
    };
    let attach_pdf = match m.get("attachPdf") {
        None | Some(Value::Null) => None,
        Some(Value::Bool(b)) => Some(*b),
        Some(_) => return Err(bad("attachPdf", "must be true, false or null")),
    };
    let upsert = TemplateUpsert {
        id,
        event_id,
        name: required("name", false)?,
        subject: required("subject", true)?,
        html: required("html", false)?,
        from_address: string("fromAddress")?,
        from_name: string("fromName")?,
        reply_to: string("replyTo")?,
        attach_pdf,
        email_body: string("emailBody")?,
    };
    const SENT: [&str; 10] = [
        "id",
        "eventId",
        "name",
        "subject",
        "html",
        "fromAddress",
        "fromName",
        "replyTo",
        "attachPdf",
        "emailBody",
    ];
    let ignored_keys = m
        .keys()
        .filter(|k| !SENT.contains(&k.as_str()))
        .filter(|k| !READ_ONLY_KEYS.contains(&k.as_str()))
        .cloned()
        .collect();
    Ok(TemplatePush {
        upsert,
        generated_id,
        ignored_keys,
    })
}

/// The parts of a template that rendering needs, from a template JSON or an `.html` file.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TemplateSource {
    pub subject: String,
    pub html: String,
    pub attach_pdf: bool,
    pub email_body: Option<String>,
    pub from_address: Option<String>,
}

impl TemplateSource {
    /// What the merge engine and the linter read.
    pub fn fields(&self) -> crate::merge::TemplateFields<'_> {
        crate::merge::TemplateFields {
            subject: &self.subject,
            html: &self.html,
            attach_pdf: self.attach_pdf,
            email_body: self.email_body.as_deref(),
            from_address: self.from_address.as_deref(),
        }
    }
}

/// `.html`/`.htm` files are the body as is; anything else is parsed as template JSON.
pub fn template_source(field: &str, path: &Path) -> Result<TemplateSource> {
    let text = read_text(field, path)?;
    let is_html = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("html") || e.eq_ignore_ascii_case("htm"));
    if is_html {
        return Ok(TemplateSource {
            html: text,
            ..Default::default()
        });
    }
    let v = parse_json(field, path, &text)?;
    let m = object(field, path, &v)?;
    let s = |key: &str| -> Result<Option<String>> {
        match m.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(Error::invalid(
                field,
                format!("{}: \"{key}\" must be a string", path.display()),
            )),
        }
    };
    let html = s("html")?.ok_or_else(|| {
        Error::invalid(field, format!("{}: \"html\" is required", path.display()))
    })?;
    Ok(TemplateSource {
        subject: s("subject")?.unwrap_or_default(),
        html,
        attach_pdf: m.get("attachPdf").and_then(Value::as_bool).unwrap_or(false),
        email_body: s("emailBody")?,
        from_address: s("fromAddress")?.filter(|a| !a.is_empty()),
    })
}

pub use crate::fsio::write_private_atomic;

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn p() -> &'static Path {
        Path::new("t.json")
    }

    #[test]
    fn syntax_errors_name_line_and_column() {
        let e = parse_json("FILE", p(), "{\n  \"a\": 1,\n  \"b\" 2\n}").unwrap_err();
        assert!(e.is_bad_input());
        let msg = e.to_string();
        assert!(msg.contains("t.json: line 3, column 7"), "{msg}");
    }

    #[test]
    fn push_keeps_absent_keys_absent_and_empty_clears() {
        let v = json!({
            "id": "7bc31757-5a82-4d7a-8767-bb508f6d3481",
            "eventId": "00890adf-1a80-4b1f-87ce-620feb9bec12",
            "name": "Welcome", "subject": "Hi {{firstname}}", "html": "<p>x</p>",
            "fromName": "", "replyTo": null, "created": "2026-05-08T10:00:00Z", "colour": "red"
        });
        let push = template_push_from_json("FILE", p(), &v).unwrap();
        assert!(!push.generated_id);
        let body = serde_json::to_value(&push.upsert).unwrap();
        assert_eq!(body["fromName"], "");
        assert!(body.get("fromAddress").is_none());
        assert!(body.get("replyTo").is_none());
        assert!(body.get("attachPdf").is_none());
        assert!(body.get("created").is_none());
        assert_eq!(push.ignored_keys, vec!["colour".to_owned()]);
    }

    #[test]
    fn push_rejects_missing_and_bad_fields() {
        let base = json!({"eventId": "00890adf-1a80-4b1f-87ce-620feb9bec12", "name": "n", "subject": "", "html": "<p/>"});
        let push = template_push_from_json("FILE", p(), &base).unwrap();
        assert!(push.generated_id);
        for (key, val, needle) in [
            ("eventId", json!("nope"), "not a valid GUID"),
            ("name", json!(" "), "must not be empty"),
            ("attachPdf", json!("yes"), "true, false or null"),
            ("html", Value::Null, "\"html\" is required"),
        ] {
            let mut v = base.clone();
            v[key] = val;
            let e = template_push_from_json("FILE", p(), &v).unwrap_err();
            assert!(e.to_string().contains(needle), "{key}: {e}");
        }
        let mut v = base.clone();
        v.as_object_mut().unwrap().remove("subject");
        assert!(template_push_from_json("FILE", p(), &v)
            .unwrap_err()
            .to_string()
            .contains("subject"));
    }

    #[test]
    fn private_atomic_write_replaces_whole_files_and_leaves_no_temp() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.json");
        write_private_atomic(&path, b"first").unwrap();
        write_private_atomic(&path, b"second, longer").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"second, longer");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("out.json")]);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600, "{mode:o}");
        }
        // A folder where the file should be: an error naming the path, nothing left behind.
        let blocked = dir.path().join("blocked");
        std::fs::create_dir(&blocked).unwrap();
        let e = write_private_atomic(&blocked, b"x").unwrap_err();
        assert!(e.to_string().contains("blocked"), "{e}");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
    }
}
