//! Templates in and out of the editor: pasted text and files (`.html` or the template JSON
//! `template push` reads), "Copy JSON", and export files. The app only opens the native
//! dialogs; reading and writing the chosen file is here.

use std::path::Path;

use uuid::Uuid;

use super::types::{
    ExportFormat, ImportKind, TemplateEdit, TemplateExportFileRequest, TemplateExportRequest,
    TemplateFileRead, TemplateFileWritten, TemplateImport, TemplateImportRequest,
};
use crate::ops::files::write_private_atomic;
use crate::validate::guid;
use crate::{Error, Result};

/// The name pasted template JSON is reported under in errors (`pasted.json: line L, column C`).
pub const PASTED_JSON: &str = "pasted.json";

/// Larger files are not templates (Qflow's own limit is far below).
const IMPORT_MAX_BYTES: u64 = 5 * 1024 * 1024;

/// Reads pasted text as the template-file formats the CLI reads (`ops::files`): text starting
/// with `{` is template JSON (syntax errors with line and column, same field rules as
/// `template push`), anything else is the HTML body. The JSON's `id`/`eventId` are not kept:
/// the import fills the open editor, which saves into the current event.
pub fn import_template(text: &str, event_id: Uuid) -> Result<TemplateImport> {
    use crate::ops::files::{parse_json, template_push_from_json};
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(crate::Error::invalid(
            "import",
            "nothing to import: paste HTML or template JSON",
        ));
    }
    if !text.trim_start().starts_with('{') {
        return Ok(TemplateImport {
            kind: ImportKind::Html,
            edit: TemplateEdit {
                html: text.to_owned(),
                ..Default::default()
            },
            notes: Vec::new(),
        });
    }
    let path = std::path::Path::new(PASTED_JSON);
    let mut v = parse_json("import", path, text)?;
    let mut notes = Vec::new();
    if let Some(m) = v.as_object_mut() {
        if let Some(id) = m.remove("id").filter(|i| !i.is_null()) {
            notes.push(format!(
                "id {id} not kept: saving creates or updates the template open here"
            ));
        }
        m.insert(
            "eventId".into(),
            serde_json::Value::String(event_id.to_string()),
        );
    }
    let push = template_push_from_json("import", path, &v)?;
    notes.extend(
        push.ignored_keys
            .iter()
            .map(|k| format!("\"{k}\" ignored (not a template field)")),
    );
    let u = push.upsert;
    Ok(TemplateImport {
        kind: ImportKind::Json,
        edit: TemplateEdit {
            name: u.name,
            subject: u.subject,
            html: u.html,
            from_address: u.from_address.unwrap_or_default(),
            from_name: u.from_name.unwrap_or_default(),
            reply_to: u.reply_to.unwrap_or_default(),
            attach_pdf: u.attach_pdf.unwrap_or(false),
            email_body: u.email_body.unwrap_or_default(),
        },
        notes,
    })
}

/// The template as the JSON file `template push` and the import read (pretty, stable key
/// order); empty optional fields are left out.
pub fn export_json(edit: &TemplateEdit, template_id: Uuid, event_id: Uuid) -> String {
    let mut m = serde_json::Map::new();
    let mut put = |k: &str, v: serde_json::Value| {
        m.insert(k.to_owned(), v);
    };
    put("id", template_id.to_string().into());
    put("eventId", event_id.to_string().into());
    put("name", edit.name.clone().into());
    put("subject", edit.subject.clone().into());
    put("html", edit.html.clone().into());
    for (k, v) in [
        ("fromAddress", &edit.from_address),
        ("fromName", &edit.from_name),
        ("replyTo", &edit.reply_to),
        ("emailBody", &edit.email_body),
    ] {
        if !v.is_empty() {
            put(k, v.clone().into());
        }
    }
    put("attachPdf", edit.attach_pdf.into());
    serde_json::to_string_pretty(&serde_json::Value::Object(m)).unwrap_or_default()
}

/// Pasted `.html` or template JSON → editor fields (errors with line/column).
pub fn template_import(req: TemplateImportRequest) -> Result<TemplateImport> {
    import_template(&req.text, guid("eventId", &req.event_id)?)
}

/// The template as JSON for "Copy JSON" (the file format `template push` reads).
pub fn template_export(req: TemplateExportRequest) -> Result<String> {
    Ok(export_json(
        &req.fields,
        guid("templateId", &req.template_id)?,
        guid("eventId", &req.event_id)?,
    ))
}

/// The body of an exported file: the HTML as typed, or the template JSON `template push` reads.
/// Checked before the save dialog opens.
pub fn export_content(req: &TemplateExportFileRequest) -> Result<String> {
    let template_id = guid("templateId", &req.template_id)?;
    let event_id = guid("eventId", &req.event_id)?;
    Ok(match req.format {
        ExportFormat::Html => req.fields.html.clone(),
        ExportFormat::Json => export_json(&req.fields, template_id, event_id),
    })
}

/// A file name from the template name: letters, digits, '-' and '_' only.
pub fn export_file_name(name: &str, format: ExportFormat) -> String {
    let stem = crate::text::file_stem(name, "template");
    let ext = match format {
        ExportFormat::Html => "html",
        ExportFormat::Json => "json",
    };
    format!("{stem}.{ext}")
}

/// Writes an export to the chosen path (atomically, private to the user: a failed write never
/// leaves half a file).
pub fn write_template_file(path: &Path, content: &str) -> Result<TemplateFileWritten> {
    write_private_atomic(path, content.as_bytes())?;
    Ok(TemplateFileWritten {
        path: path.display().to_string(),
        bytes: u32::try_from(content.len()).unwrap_or(u32::MAX),
    })
}

/// Reads a picked file and parses it (.html, or template JSON with line/column errors naming
/// the file).
pub fn read_template_file(path: &Path, event_id: &str) -> Result<TemplateFileRead> {
    let event_id = guid("eventId", event_id)?;
    let shown = path.display().to_string();
    let meta = std::fs::metadata(path)
        .map_err(|e| Error::invalid("file", format!("could not read {shown}: {e}")))?;
    if meta.len() > IMPORT_MAX_BYTES {
        return Err(Error::invalid(
            "file",
            format!(
                "{shown} is {} KB; a template file is at most 5 MB",
                meta.len() / 1024
            ),
        ));
    }
    let bytes = std::fs::read(path)
        .map_err(|e| Error::invalid("file", format!("could not read {shown}: {e}")))?;
    let text = String::from_utf8(bytes)
        .map_err(|_| Error::invalid("file", format!("{shown} is not UTF-8 text")))?;
    // Errors name the file, not the paste box.
    let import = import_template(&text, event_id).map_err(|e| match e {
        Error::Invalid { field, reason } => Error::Invalid {
            field,
            reason: reason.replace(PASTED_JSON, &shown),
        },
        other => other,
    })?;
    Ok(TemplateFileRead {
        path: shown,
        import,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn import_reads_html_and_json_and_reports_json_errors_with_line_and_column() {
        let ev = Uuid::parse_str("00000000-0000-0000-0000-0000000000e1").unwrap();
        let h = import_template("\u{feff}<p>Hi {{firstname}}</p>", ev).unwrap();
        assert_eq!(h.kind, ImportKind::Html);
        assert_eq!(h.edit.html, "<p>Hi {{firstname}}</p>");

        let edit = TemplateEdit {
            name: "Ticket".into(),
            subject: "Hi {{firstname}}".into(),
            html: "<h1>x</h1>".into(),
            reply_to: "help@example.com".into(),
            attach_pdf: true,
            ..Default::default()
        };
        let exported = export_json(&edit, Uuid::new_v4(), Uuid::new_v4());
        let back = import_template(&exported, ev).unwrap();
        assert_eq!(back.kind, ImportKind::Json);
        assert_eq!(back.edit, edit, "export then import round-trips");
        assert!(
            back.notes.iter().any(|n| n.contains("not kept")),
            "{:?}",
            back.notes
        );

        let e = import_template("{\n  \"name\": \"x\",\n  \"html\" 1\n}", ev).unwrap_err();
        assert!(e.is_bad_input());
        assert!(
            e.to_string().contains("pasted.json: line 3, column 10"),
            "{e}"
        );
        let e = import_template("{\"name\": \"x\", \"subject\": \"\"}", ev).unwrap_err();
        assert!(e.to_string().contains("\"html\" is required"), "{e}");
        assert!(import_template("  ", ev).unwrap_err().is_bad_input());
    }
}
