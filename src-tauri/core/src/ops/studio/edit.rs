//! The editor's fields and the upsert they become under the guide's partial-update rules.

use uuid::Uuid;

use super::types::TemplateEdit;
use crate::merge::TemplateFields;
use crate::models::{Template, TemplateUpsert};
use crate::Result;

impl TemplateEdit {
    pub fn from_template(t: &Template) -> TemplateEdit {
        let s = |v: &Option<String>| v.clone().unwrap_or_default();
        TemplateEdit {
            name: t.name.clone(),
            subject: s(&t.subject),
            html: t.html.clone(),
            from_address: s(&t.from_address),
            from_name: s(&t.from_name),
            reply_to: s(&t.reply_to),
            attach_pdf: t.attach_pdf,
            email_body: s(&t.email_body),
        }
    }

    /// The fields rendering and linting look at (an empty emailBody/fromAddress = not set).
    pub fn fields(&self) -> TemplateFields<'_> {
        fn opt(s: &str) -> Option<&str> {
            (!s.is_empty()).then_some(s)
        }
        TemplateFields {
            subject: &self.subject,
            html: &self.html,
            attach_pdf: self.attach_pdf,
            email_body: opt(&self.email_body),
            from_address: opt(self.from_address.trim()),
        }
    }
}

/// The upsert for an edit, following the guide's partial-update table:
/// - create (`original` None): id = `new_id` (client-generated: the call is idempotent), empty
///   optionals omitted, `attachPdf` sent only when on;
/// - update: an optional field equal to the stored one is omitted (Qflow keeps it), one cleared
///   in the editor is sent as `""`, a changed one as its value; `attachPdf` only when changed;
/// - `name`, `subject`, `html` always sent.
///
/// Validated before any request (field + reason).
pub fn upsert_payload(
    original: Option<&Template>,
    edit: &TemplateEdit,
    event_id: Uuid,
    new_id: Uuid,
) -> Result<TemplateUpsert> {
    let before = original.map(TemplateEdit::from_template);
    let optional = |now: &str, was: Option<&str>| -> Option<String> {
        let now = now.trim();
        match was {
            None => (!now.is_empty()).then(|| now.to_owned()),
            Some(was) if was.trim() == now => None,
            // Cleared → "" (the guide's clear); changed → the value.
            Some(_) => Some(now.to_owned()),
        }
    };
    let b = before.as_ref();
    let upsert = TemplateUpsert {
        id: original.map_or(new_id, |t| t.id),
        event_id: original.map_or(event_id, |t| t.event_id),
        name: edit.name.trim().to_owned(),
        subject: edit.subject.clone(),
        html: edit.html.clone(),
        from_address: optional(&edit.from_address, b.map(|e| e.from_address.as_str())),
        from_name: optional(&edit.from_name, b.map(|e| e.from_name.as_str())),
        reply_to: optional(&edit.reply_to, b.map(|e| e.reply_to.as_str())),
        // emailBody is HTML: compare untrimmed so whitespace edits are kept.
        email_body: match b.map(|e| e.email_body.as_str()) {
            None => (!edit.email_body.is_empty()).then(|| edit.email_body.clone()),
            Some(was) if was == edit.email_body => None,
            Some(_) => Some(edit.email_body.clone()),
        },
        attach_pdf: match b {
            None => edit.attach_pdf.then_some(true),
            Some(e) if e.attach_pdf == edit.attach_pdf => None,
            Some(_) => Some(edit.attach_pdf),
        },
    };
    crate::validate::template_upsert(&upsert)?;
    Ok(upsert)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn stored() -> Template {
        serde_json::from_value(json!({
            "id": "7bc31757-5a82-4d7a-8767-bb508f6d3481",
            "eventId": "00000000-0000-0000-0000-0000000000e1",
            "name": "Welcome ticket",
            "subject": "Your ticket for {{event}}",
            "html": "<h1>Hi {{firstname}}!</h1>",
            "fromAddress": "tickets@yourbrand.com",
            "fromName": "Your Brand Tickets",
            "replyTo": "support@yourbrand.com",
            "attachPdf": false,
            "emailBody": null,
            "created": "2026-05-08T10:00:00Z"
        }))
        .unwrap()
    }

    fn wire(u: &TemplateUpsert) -> serde_json::Value {
        serde_json::to_value(u).unwrap()
    }

    #[test]
    fn untouched_update_sends_only_the_core_fields() {
        let t = stored();
        let edit = TemplateEdit::from_template(&t);
        let u = upsert_payload(Some(&t), &edit, Uuid::nil(), Uuid::new_v4()).unwrap();
        assert_eq!(
            wire(&u),
            json!({
                "id": "7bc31757-5a82-4d7a-8767-bb508f6d3481",
                "eventId": "00000000-0000-0000-0000-0000000000e1",
                "name": "Welcome ticket",
                "subject": "Your ticket for {{event}}",
                "html": "<h1>Hi {{firstname}}!</h1>"
            })
        );
    }

    #[test]
    fn cleared_optional_is_sent_as_empty_string_and_changed_as_value() {
        let t = stored();
        let mut edit = TemplateEdit::from_template(&t);
        edit.from_address.clear();
        edit.from_name = "Acme Events".into();
        edit.subject = "Changed {{firstname}}".into();
        let u = upsert_payload(Some(&t), &edit, Uuid::nil(), Uuid::new_v4()).unwrap();
        let w = wire(&u);
        assert_eq!(w["fromAddress"], json!(""));
        assert_eq!(w["fromName"], json!("Acme Events"));
        assert_eq!(w["subject"], json!("Changed {{firstname}}"));
        assert!(w.get("replyTo").is_none(), "untouched replyTo omitted: {w}");
        assert!(
            w.get("emailBody").is_none() && w.get("attachPdf").is_none(),
            "{w}"
        );
    }

    #[test]
    fn attach_pdf_is_sent_only_when_changed_including_false() {
        let mut t = stored();
        t.attach_pdf = true;
        t.email_body = Some("<p>Attached</p>".into());
        let mut edit = TemplateEdit::from_template(&t);
        edit.attach_pdf = false;
        edit.email_body.clear();
        let w = wire(&upsert_payload(Some(&t), &edit, Uuid::nil(), Uuid::new_v4()).unwrap());
        assert_eq!(w["attachPdf"], json!(false));
        assert_eq!(w["emailBody"], json!(""));
    }

    #[test]
    fn create_uses_the_client_id_and_omits_empty_optionals() {
        let id = Uuid::new_v4();
        let event = Uuid::new_v4();
        let edit = TemplateEdit {
            name: " New ".into(),
            subject: "".into(),
            html: "<p>Hi {{firstname}}</p>".into(),
            reply_to: "help@example.com".into(),
            ..Default::default()
        };
        let w = wire(&upsert_payload(None, &edit, event, id).unwrap());
        assert_eq!(
            w,
            json!({
                "id": id.to_string(), "eventId": event.to_string(), "name": "New",
                "subject": "", "html": "<p>Hi {{firstname}}</p>", "replyTo": "help@example.com"
            })
        );
    }

    #[test]
    fn invalid_edits_are_rejected_with_the_field() {
        let base = TemplateEdit {
            name: "T".into(),
            html: "<p>x</p>".into(),
            ..Default::default()
        };
        for (edit, field) in [
            (
                TemplateEdit {
                    name: " ".into(),
                    ..base.clone()
                },
                "name",
            ),
            (
                TemplateEdit {
                    html: "plain text".into(),
                    ..base.clone()
                },
                "html",
            ),
            (
                TemplateEdit {
                    from_address: "not-an-email".into(),
                    ..base.clone()
                },
                "fromAddress",
            ),
        ] {
            let err = upsert_payload(None, &edit, Uuid::new_v4(), Uuid::new_v4()).unwrap_err();
            assert_eq!(err.body().field.as_deref(), Some(field), "{err:?}");
        }
    }
}
