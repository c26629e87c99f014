//! The studio's operations against a `Ctx` over the sandbox (what the window's commands and
//! the CLI run).

use std::sync::Arc;

use chrono::{Duration, Utc};
use qflow_sandbox::{Sandbox, SandboxConfig};
use serde_json::json;
use uuid::Uuid;

use super::*;
use crate::merge::lint::rules;
use crate::ops::ctx::Ctx;

pub(super) struct Env {
    pub(super) sb: Sandbox,
    pub(super) cx: Arc<Ctx>,
    /// The first upcoming event (as the events list shows it first).
    pub(super) event: String,
}

pub(super) async fn signed_in() -> Env {
    let sb = Sandbox::start(SandboxConfig {
        attendees: 60,
        ..SandboxConfig::default()
    })
    .await
    .unwrap();
    // Drafts and versions go to a private in-memory store, as in the demo.
    let cx = crate::test_support::demo_ctx(&sb);
    let now = Utc::now().naive_utc();
    let mut events = cx
        .client
        .events_list(now - Duration::days(30), now + Duration::days(183))
        .await
        .unwrap();
    events.sort_by_key(|e| e.start_time);
    let event = events[0].id.unwrap().to_string();
    Env { sb, cx, event }
}

pub(super) fn edit(html: &str) -> TemplateEdit {
    TemplateEdit {
        name: "Studio test".into(),
        subject: "Hi {{firstname}}".into(),
        html: html.into(),
        ..Default::default()
    }
}

fn preview_req(event: &str, fields: TemplateEdit) -> PreviewRequest {
    PreviewRequest {
        event_id: event.into(),
        fields,
        guest_id: None,
        edge_case: None,
        allow_remote_images: false,
        dark: DarkEmulation::Off,
        session: None,
        html_patch: None,
        lint: None,
    }
}

/// The first attendee of the event as the table lists it (sorted by name).
async fn first_guest(env: &Env) -> crate::models::Guest {
    let list = env
        .cx
        .guests(Uuid::parse_str(&env.event).unwrap(), false, false)
        .await
        .unwrap();
    list.get(0).unwrap().to_guest()
}

#[tokio::test]
async fn preview_renders_a_real_attendee_with_a_local_qr_and_lints_typos() {
    let env = signed_in().await;
    let g = first_guest(&env).await;
    let mut req = preview_req(
        &env.event,
        edit("<p>Zoë {{firstname}} {{firstnam}}</p><img src=\"{{barcode_qr}}\" alt=\"t\">"),
    );
    req.guest_id = Some(g.id.to_string());
    let p = template_preview(&env.cx, req).await.unwrap();
    assert!(
        p.html.contains(&crate::merge::escape_html(&g.first_name)),
        "{}",
        p.html
    );
    assert!(
        p.html.contains("src=\"data:image/svg+xml;base64,"),
        "local QR: {}",
        p.html
    );
    assert_eq!(p.subject, format!("Hi {}", g.first_name));
    let typo = p
        .issues
        .iter()
        .find(|i| i.rule == rules::UNKNOWN_TOKEN)
        .expect("typo flagged");
    assert_eq!(typo.suggestion.as_deref(), Some("{{firstname}}"));
    // UTF-16 offsets: "<p>Zoë " is 7 code units, then "{{firstname}} " is 14.
    assert_eq!((typo.from, typo.to), (Some(21), Some(33)));
    assert!(p
        .document
        .starts_with("<!DOCTYPE html><meta http-equiv=\"Content-Security-Policy\""));
    assert_eq!(p.remote_images, 0);
    assert!(p
        .token_values
        .iter()
        .any(|t| t.name == "firstname" && t.value.as_deref() == Some(g.first_name.as_str())));
}

#[tokio::test]
async fn a_renamed_event_shows_its_new_name_in_the_next_preview() {
    let env = signed_in().await;
    let mut fields = edit("<h1>{{event}}</h1>");
    fields.subject = "Tomorrow: {{event}}".into();
    let before = template_preview(&env.cx, preview_req(&env.event, fields.clone()))
        .await
        .unwrap();
    let id = Uuid::parse_str(&env.event).unwrap();
    let old = env.cx.event(id).await.unwrap();
    assert_eq!(before.subject, format!("Tomorrow: {}", old.title));

    // Renamed elsewhere in the app: the event update puts the new copy into the session.
    let mut renamed = old.clone();
    renamed.title = "Renamed Conference".into();
    let updated = env.cx.client.event_update(&renamed).await.unwrap();
    env.cx.put_event(&updated).await;

    let after = template_preview(&env.cx, preview_req(&env.event, fields))
        .await
        .unwrap();
    assert_eq!(after.subject, "Tomorrow: Renamed Conference");
    assert!(
        after.html.contains("<h1>Renamed Conference</h1>"),
        "{}",
        after.html
    );
}

#[tokio::test]
async fn edge_case_html_values_stay_text_and_courier_mode_has_two_documents() {
    let env = signed_in().await;
    let mut fields =
        edit("<h1>{{fullname}}</h1><img src=\"https://cdn.example.com/x.png\" alt=\"x\">");
    fields.attach_pdf = true;
    let mut req = preview_req(&env.event, fields);
    req.edge_case = Some(EdgeCase::HtmlLooking);
    let p = template_preview(&env.cx, req).await.unwrap();
    assert!(!p.html.contains("<script"), "{}", p.html);
    assert_eq!(
        p.email_body.as_deref(),
        Some(crate::merge::COURIER_FALLBACK_BODY)
    );
    assert!(p.pdf_document.as_deref().unwrap().contains("qf-a4"));
    assert_eq!(p.remote_images, 1);
    assert!(p.recipient.contains("HTML-looking"));
}

#[tokio::test]
async fn save_creates_then_partially_updates_and_keeps_versions() {
    let env = signed_in().await;
    let (cx, event) = (&env.cx, env.event.clone());
    let id = Uuid::new_v4().to_string();
    let mut fields = edit("<p>Hi {{firstname}}</p>");
    fields.reply_to = "help@example.com".into();
    let saved = template_save(
        cx,
        TemplateSaveRequest {
            event_id: event.clone(),
            template_id: id.clone(),
            original: None,
            fields: fields.clone(),
        },
    )
    .await
    .unwrap();
    assert_eq!(saved.template.id.to_string(), id, "client-generated id");
    assert_eq!(saved.template.reply_to.as_deref(), Some("help@example.com"));
    assert!(saved.sent.get("fromAddress").is_none());

    // Clear replyTo, change the subject: "" is sent for the clear, nothing else optional.
    let original = serde_json::to_value(&saved.template).unwrap();
    fields.reply_to.clear();
    fields.subject = "Changed".into();
    let again = template_save(
        cx,
        TemplateSaveRequest {
            event_id: event.clone(),
            template_id: id.clone(),
            original: Some(original),
            fields,
        },
    )
    .await
    .unwrap();
    assert_eq!(again.sent["replyTo"], json!(""));
    assert!(again.sent.get("attachPdf").is_none());
    // The session's copy is the saved one (the desk's resend preview reads it).
    let cached = cx.template(saved.template.id).await.unwrap();
    assert_eq!(cached.subject.as_deref(), Some("Changed"));
    let read = template_get(
        cx,
        TemplateIdRequest {
            template_id: id.clone(),
        },
    )
    .await
    .unwrap();
    assert_eq!(read.subject.as_deref(), Some("Changed"));
    assert!(read.reply_to.as_deref().unwrap_or("").is_empty());
    let listed = templates_list(cx, TemplatesListRequest { event_id: event })
        .await
        .unwrap();
    assert!(listed.iter().any(|t| t.id.to_string() == id));
    let versions = template_versions(cx, TemplateIdRequest { template_id: id })
        .await
        .unwrap();
    assert_eq!(versions.len(), 2);
}

#[tokio::test]
async fn from_address_outside_the_verified_domain_is_refused_before_sending() {
    let env = signed_in().await;
    let mut fields = edit("<p>x</p>");
    fields.from_address = "tickets@not-verified.example".into();
    let e = template_save(
        &env.cx,
        TemplateSaveRequest {
            event_id: env.event.clone(),
            template_id: Uuid::new_v4().to_string(),
            original: None,
            fields,
        },
    )
    .await
    .unwrap_err();
    let b = e.body();
    assert_eq!(b.code, "fromaddress_domain_not_verified");
    assert_eq!(b.details["checkedLocally"], json!(true));
    assert!(b.message.contains("not-verified.example"), "{}", b.message);
    assert_eq!(env.sb.requests("POST", "/api/comms/template"), 0);
}

#[test]
fn the_from_address_rule_accepts_the_verified_domain_and_its_subdomains() {
    assert!(from_address_problem("a@brand.com", Some("brand.com")).is_none());
    assert!(from_address_problem("a@mail.brand.com", Some("brand.com")).is_none());
    let e = from_address_problem("a@notbrand.com", Some("brand.com")).unwrap();
    let b = e.body();
    assert_eq!(b.code, "fromaddress_domain_not_verified");
    assert!(b.message.contains("a@notbrand.com") && b.message.contains("brand.com"));
    assert_eq!(b.details["verifiedDomain"], json!("brand.com"));
    let none = from_address_problem("a@brand.com", None).unwrap().body();
    assert!(none.message.contains("has none"), "{}", none.message);
}

#[tokio::test]
async fn spam_check_failure_carries_the_flagged_urls() {
    let env = signed_in().await;
    let fields = edit("<p><a href=\"https://malware.example.com/x\">x</a></p>");
    let e = template_save(
        &env.cx,
        TemplateSaveRequest {
            event_id: env.event.clone(),
            template_id: Uuid::new_v4().to_string(),
            original: None,
            fields,
        },
    )
    .await
    .unwrap_err();
    let b = e.body();
    assert_eq!(b.code, "spam_check_failed");
    assert!(
        b.details["flaggedUrls"]
            .to_string()
            .contains("malware.example.com"),
        "{:?}",
        b.details
    );
}

#[tokio::test]
async fn delete_removes_the_template_from_qflow_the_session_and_its_draft() {
    let env = signed_in().await;
    let cx = &env.cx;
    let id = saved_template(cx, &env.event).await;
    let uuid = Uuid::parse_str(&id).unwrap();
    assert!(cx.template(uuid).await.is_ok(), "cached after the save");
    draft_save(
        cx,
        DraftSaveRequest {
            template_id: id.clone(),
            event_id: env.event.clone(),
            original: None,
            fields: edit("<p>unsaved</p>"),
        },
    )
    .await
    .unwrap();

    let bad = template_delete(
        cx,
        TemplateIdRequest {
            template_id: "nope".into(),
        },
    )
    .await
    .unwrap_err();
    assert!(bad.is_bad_input());
    assert_eq!(env.sb.requests("POST", "/api/comms/template/delete"), 0);

    let req = || TemplateIdRequest {
        template_id: id.clone(),
    };
    template_delete(cx, req()).await.unwrap();
    assert_eq!(env.sb.requests("POST", "/api/comms/template/delete"), 1);
    let listed = templates_list(
        cx,
        TemplatesListRequest {
            event_id: env.event.clone(),
        },
    )
    .await
    .unwrap();
    assert!(listed.iter().all(|t| t.id != uuid));
    // Forgotten by the session: reading it asks Qflow, which no longer has it.
    assert_eq!(cx.template(uuid).await.unwrap_err().code(), "not_found");
    assert!(drafts_list(
        cx,
        TemplatesListRequest {
            event_id: env.event.clone()
        }
    )
    .await
    .unwrap()
    .is_empty());
    // Deleting it again: Qflow's 404.
    assert_eq!(
        template_delete(cx, req()).await.unwrap_err().code(),
        "not_found"
    );
}

#[tokio::test]
async fn drafts_are_kept_per_event_until_deleted() {
    let env = signed_in().await;
    let cx = &env.cx;
    let event = Uuid::new_v4().to_string();
    let id = Uuid::new_v4().to_string();
    draft_save(
        cx,
        DraftSaveRequest {
            template_id: id.clone(),
            event_id: event.clone(),
            original: None,
            fields: edit("<p>draft</p>"),
        },
    )
    .await
    .unwrap();
    let list = drafts_list(
        cx,
        TemplatesListRequest {
            event_id: event.clone(),
        },
    )
    .await
    .unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].json["fields"]["html"], json!("<p>draft</p>"));
    let other = drafts_list(
        cx,
        TemplatesListRequest {
            event_id: Uuid::new_v4().to_string(),
        },
    )
    .await
    .unwrap();
    assert!(other.is_empty());
    assert!(draft_delete(cx, TemplateIdRequest { template_id: id })
        .await
        .unwrap());
    assert!(drafts_list(cx, TemplatesListRequest { event_id: event })
        .await
        .unwrap()
        .is_empty());
}

fn sends_seen(env: &Env) -> (usize, usize) {
    (
        env.sb.requests("POST", "/api/comms/send"),
        env.sb.requests("POST", "/api/guest"),
    )
}

pub(super) async fn saved_template(cx: &Ctx, event: &str) -> String {
    let id = Uuid::new_v4().to_string();
    template_save(
        cx,
        TemplateSaveRequest {
            event_id: event.into(),
            template_id: id.clone(),
            original: None,
            fields: edit("<p>Hi {{firstname}}</p>"),
        },
    )
    .await
    .unwrap();
    id
}

fn test_req(event: &str, template: &str) -> TestSendRequest {
    TestSendRequest {
        event_id: event.into(),
        template_id: template.into(),
        guest_id: None,
        test_guest_id: None,
        test_email: None,
        keep_email: false,
    }
}

#[tokio::test]
async fn test_send_to_a_chosen_attendee_sends_exactly_once_and_is_logged() {
    let env = signed_in().await;
    let template = saved_template(&env.cx, &env.event).await;
    let g = first_guest(&env).await;
    let mut req = test_req(&env.event, &template);
    req.guest_id = Some(g.id.to_string());
    let r = template_test_send(&env.cx, req).await.unwrap();
    assert!(r.to.contains(&g.email), "{}", r.to);
    assert!(r.test_guest_id.is_none());
    assert_eq!(sends_seen(&env).0, 1, "sandbox saw exactly one send");
    let store = env.cx.local_store().await.unwrap();
    let logged = store.sends_for_attendee(g.id).unwrap();
    assert_eq!(logged.len(), 1);
    assert_eq!(
        logged[0].correlation_id.as_deref(),
        Some(r.correlation_id.as_str())
    );
}

#[tokio::test]
async fn test_send_to_me_checks_the_address_first_then_creates_a_tagged_test_attendee() {
    let env = signed_in().await;
    let (cx, event) = (&env.cx, env.event.as_str());
    let template = saved_template(cx, event).await;
    let before = sends_seen(&env);
    let test_id = Uuid::new_v4().to_string();
    for (email, needle) in [
        ("not-an-address", "testEmail"),
        ("me@gmial.com", "did you mean"),
    ] {
        let mut req = test_req(event, &template);
        req.test_guest_id = Some(test_id.clone());
        req.test_email = Some(email.into());
        let e = template_test_send(cx, req).await.unwrap_err();
        assert!(e.is_bad_input(), "{e}");
        assert!(e.to_string().contains(needle), "{e}");
    }
    assert_eq!(sends_seen(&env), before, "nothing sent for bad input");

    let mut req = test_req(event, &template);
    req.test_guest_id = Some(test_id.clone());
    req.test_email = Some("me@example.com".into());
    let r = template_test_send(cx, req).await.unwrap();
    assert_eq!(r.test_guest_id.as_deref(), Some(test_id.as_str()));
    assert_eq!(sends_seen(&env).0, before.0 + 1, "exactly one send");
    let g = cx
        .client
        .guest_get(Uuid::parse_str(&test_id).unwrap())
        .await
        .unwrap();
    assert_eq!(g.tags.as_deref(), Some(TEST_TAG));
    assert_eq!(g.email, "me@example.com");
}

#[tokio::test]
async fn a_lost_send_answer_is_outcome_unknown_and_not_retried() {
    let env = signed_in().await;
    let template = saved_template(&env.cx, &env.event).await;
    let before = sends_seen(&env).0;
    env.sb.inject(qflow_sandbox::Fault {
        method: "POST".into(),
        path_prefix: "/api/comms/send".into(),
        kind: qflow_sandbox::FaultKind::DropAfterRead,
    });
    let mut req = test_req(&env.event, &template);
    req.test_guest_id = Some(Uuid::new_v4().to_string());
    req.test_email = Some("me@example.com".into());
    let e = template_test_send(&env.cx, req).await.unwrap_err();
    assert_eq!(e.code(), "outcome_unknown");
    assert_eq!(sends_seen(&env).0, before + 1, "sent once, not retried");
}

#[test]
fn import_and_export_commands_round_trip() {
    let event = Uuid::new_v4().to_string();
    let fields = edit("<p>{{firstname}}</p>");
    let json = template_export(TemplateExportRequest {
        event_id: event.clone(),
        template_id: Uuid::new_v4().to_string(),
        fields: fields.clone(),
    })
    .unwrap();
    let back = template_import(TemplateImportRequest {
        event_id: event.clone(),
        text: json,
    })
    .unwrap();
    assert_eq!(back.edit, fields);
    let e = template_import(TemplateImportRequest {
        event_id: event,
        text: "{\"html\": }".into(),
    })
    .unwrap_err();
    assert!(e.to_string().contains("line 1, column"), "{e}");
}

#[tokio::test]
async fn remove_test_attendees_finds_the_tagged_ones_and_deletes_only_those() {
    let env = signed_in().await;
    let (cx, event) = (&env.cx, env.event.clone());
    let template = saved_template(cx, &event).await;
    let list_req = || TemplatesListRequest {
        event_id: event.clone(),
    };
    assert!(test_attendees_find(cx, list_req())
        .await
        .unwrap()
        .is_empty());
    for email in ["one@example.com", "two@example.com"] {
        let mut req = test_req(&event, &template);
        req.test_guest_id = Some(Uuid::new_v4().to_string());
        req.test_email = Some(email.into());
        template_test_send(cx, req).await.unwrap();
    }
    let found = test_attendees_find(cx, list_req()).await.unwrap();
    assert_eq!(found.len(), 2);
    assert!(found.iter().all(|a| a.name == "Test (Qflow Console)"));
    let event_id = Uuid::parse_str(&event).unwrap();
    let others = cx.guests(event_id, true, false).await.unwrap().len() - 2;

    let bad = test_attendees_remove(
        cx,
        TestAttendeesRemoveRequest {
            event_id: event.clone(),
            ids: vec!["nope".into()],
        },
    )
    .await
    .unwrap_err();
    assert!(bad.is_bad_input());

    let done = test_attendees_remove(
        cx,
        TestAttendeesRemoveRequest {
            event_id: event.clone(),
            ids: found.iter().map(|a| a.id.clone()).collect(),
        },
    )
    .await
    .unwrap();
    assert_eq!(done.removed, found);
    assert!(done.failed.is_empty());
    assert!(test_attendees_find(cx, list_req())
        .await
        .unwrap()
        .is_empty());
    let left = cx.guests(event_id, true, false).await.unwrap();
    assert_eq!(left.len(), others, "real attendees are untouched");
}

#[test]
fn export_writes_html_or_json_and_import_reads_it_back() {
    let dir = tempfile::tempdir().unwrap();
    let event = Uuid::new_v4().to_string();
    let mut req = TemplateExportFileRequest {
        event_id: event.clone(),
        template_id: Uuid::new_v4().to_string(),
        fields: edit("<p>Hi {{firstname}}</p>"),
        format: ExportFormat::Html,
    };
    let html_path = dir.path().join("t.html");
    let w = write_template_file(&html_path, &export_content(&req).unwrap()).unwrap();
    assert_eq!(w.bytes, 23);
    assert_eq!(
        std::fs::read_to_string(&html_path).unwrap(),
        "<p>Hi {{firstname}}</p>"
    );
    req.format = ExportFormat::Json;
    let json_path = dir.path().join("t.json");
    write_template_file(&json_path, &export_content(&req).unwrap()).unwrap();
    let back = read_template_file(&json_path, &event).unwrap();
    assert_eq!(back.import.edit, req.fields);
    let html = read_template_file(&html_path, &event).unwrap();
    assert_eq!(html.import.edit.html, "<p>Hi {{firstname}}</p>");

    std::fs::write(dir.path().join("bad.json"), "{\n  \"name\": 1,\n").unwrap();
    let e = read_template_file(&dir.path().join("bad.json"), &event).unwrap_err();
    assert!(e.to_string().contains("bad.json: line 3"), "{e}");
    let e = read_template_file(&dir.path().join("missing.html"), &event).unwrap_err();
    assert!(
        e.is_bad_input() && e.to_string().contains("missing.html"),
        "{e}"
    );
    assert_eq!(
        export_file_name("Ticket / VIP", ExportFormat::Json),
        "Ticket---VIP.json"
    );
    assert_eq!(export_file_name("  ", ExportFormat::Html), "template.html");
}

fn last_p(h: &str) -> &str {
    &h[h.rfind("<p>").unwrap() + 3..h.rfind("</p>").unwrap()]
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap()
}

#[tokio::test]
async fn a_preview_session_sends_and_returns_only_the_changed_range() {
    let env = signed_in().await;
    let (cx, event) = (&env.cx, env.event.as_str());
    let html = "<p>Zoë 😀 {{firstname}}</p><p>Typed: </p>".to_owned();
    let full = |h: &str| {
        let mut r = preview_req(event, edit(h));
        r.edge_case = Some(EdgeCase::NonAscii);
        r
    };
    let session = Some("editor-1".to_owned());
    let mut open = full(&html);
    open.session = session.clone();
    let first = template_preview(cx, open).await.unwrap();
    assert!(first.document_patch.is_none() && !first.document.is_empty());
    let (mut doc, mut mirror) = (first.document.clone(), first.html.clone());

    // Two keystrokes after the emoji (UTF-16 offsets, as CodeMirror and JS count).
    let mut now = html.clone();
    for ch in ["T", "é"] {
        let at = now.rfind("</p>").unwrap();
        let from = count(utf16_offset(&now, at));
        let mut r = full("");
        r.session = session.clone();
        r.lint = Some(false);
        r.html_patch = Some(TextPatch {
            from,
            to: from,
            insert: ch.into(),
        });
        let old_text = last_p(&now).to_owned();
        now.insert_str(at, ch);
        let p = template_preview(cx, r).await.unwrap();
        assert!(!p.linted && p.issues.is_empty());
        assert!(
            p.document.is_empty() && p.html.is_empty(),
            "only patches come back"
        );
        let dp = p.document_patch.unwrap();
        assert_eq!(dp.insert, ch, "the reply carries just the change");
        // Typed into the second <p>'s text: the frame can set it in place.
        let te = p.text_edit.expect("a text-node edit");
        assert_eq!((te.tag.as_str(), te.index, te.child), ("p", 1, 0));
        assert_eq!(
            (te.old.as_str(), te.new.as_str()),
            (old_text.as_str(), last_p(&now))
        );
        doc = apply_patch(&doc, &dp).unwrap();
        mirror = apply_patch(&mirror, &p.html_patch.unwrap()).unwrap();
        let whole = template_preview(cx, full(&now)).await.unwrap();
        assert_eq!(doc, whole.document);
        assert_eq!(mirror, whole.html);
    }

    // A patch that does not fit (or an unknown session) asks for the full html.
    let mut bad = full("");
    bad.session = Some("editor-unknown".into());
    bad.html_patch = Some(TextPatch {
        from: 0,
        to: 0,
        insert: "x".into(),
    });
    let e = template_preview(cx, bad).await.unwrap_err();
    assert_eq!(e.body().field.as_deref(), Some("htmlPatch"));

    // The editors' sessions go with the session.
    cx.close();
    assert!(cx.existing_state::<PreviewSessions>().is_none());
}

/// The keystroke path re-renders only the piece of the template an edit touched: over a
/// template of many pieces, any edit (text, markup, tokens made and broken, deletions across
/// pieces) and a change of view in between, what the editor rebuilds from the patches is the
/// full render, and the in-place edit is the one the whole documents give.
#[tokio::test]
async fn keystroke_patches_rebuild_exactly_the_full_preview() {
    let env = signed_in().await;
    let (cx, event) = (&env.cx, env.event.as_str());
    let g = first_guest(&env).await;
    let row = |i: usize| {
        format!(
            "<tr><td style=\"color:#222\"><h2>Session {i} for {{{{firstname}}}}</h2><p>Dear {{{{fullname}}}} ({{{{othernames}}}}), Zoë's seat.</p>\
             <img src=\"{{{{barcode_qr}}}}\" alt=\"QR\"></td></tr>\n"
        )
    };
    let mut now = format!(
        "<table>{}</table><p>Typed: ",
        (0..60).map(row).collect::<String>()
    );
    let req = |html: &str, dark: bool| {
        let mut r = preview_req(event, edit(html));
        r.guest_id = Some(g.id.to_string());
        r.dark = if dark {
            DarkEmulation::Invert
        } else {
            DarkEmulation::Off
        };
        r.session = Some("editor-pieces".into());
        r.lint = Some(false);
        r
    };
    let first = template_preview(cx, req(&now, false)).await.unwrap();
    let (mut doc, mut mirror) = (first.document.clone(), first.html.clone());
    let mid = now.find("Session 30").unwrap();
    let end = now.len();
    let edits: Vec<(usize, usize, &str, bool)> = vec![
        (end, end, "A", false),
        // A tag typed key by key at the end: cut off, then whole, then its content.
        (end + 1, end + 1, "<", false),
        (end + 2, end + 2, "b", false),
        (end + 3, end + 3, ">", false),
        (end + 4, end + 4, "x", false),
        (end + 5, end + 5, "<", false),
        (end + 6, end + 6, "/", false),
        (end + 7, end + 7, "b", false),
        (end + 8, end + 8, ">", false),
        (end + 9, end + 9, "<b>", false),
        (mid + 8, mid + 8, "x", false),
        (mid, mid + 4, "", false),
        // A token broken, then made whole again, then one spanning a former cut.
        (mid + 20, mid + 21, "", false),
        (mid + 20, mid + 20, "{", false),
        (mid - 30, mid + 300, "{{email}}", false),
        (10, 10, "<i>", true),
        (20, 5000, "", true),
        (0, 0, "é", true),
    ];
    for (from, to, insert, dark) in edits {
        let (from, to) = (from.min(now.len()), to.min(now.len()));
        let mut r = req("", dark);
        r.html_patch = Some(TextPatch {
            from: count(utf16_offset(&now, from)),
            to: count(utf16_offset(&now, to)),
            insert: insert.into(),
        });
        let old_doc = doc.clone();
        now.replace_range(from..to, insert);
        let p = template_preview(cx, r).await.unwrap();
        doc = apply_patch(&doc, p.document_patch.as_ref().unwrap()).unwrap();
        mirror = apply_patch(&mirror, p.html_patch.as_ref().unwrap()).unwrap();
        let mut whole_req = req(&now, dark);
        whole_req.session = None;
        let whole = template_preview(cx, whole_req).await.unwrap();
        let what = format!("edit {from}..{to} {insert:?}");
        assert_eq!(doc, whole.document, "{what}");
        assert_eq!(mirror, whole.html, "{what}");
        assert_eq!(p.text_edit, text_node_edit(&old_doc, &doc), "{what}");
        // Resuming the walk from the session's checkpoint finds what a walk from the top does.
        let (pre, suf) = changed_span(&old_doc, &doc);
        let fresh = (p.text_edit.is_none())
            .then(|| {
                super::text_edit::element_edit_at(
                    &old_doc,
                    pre,
                    old_doc.len() - suf,
                    &doc[pre..doc.len() - suf],
                    None,
                )
            })
            .flatten();
        assert_eq!(p.element_edit, fresh, "{what}");
        assert_eq!(
            (&p.preheader, &p.no_data, p.remote_images, &p.subject),
            (
                &whole.preheader,
                &whole.no_data,
                whole.remote_images,
                &whole.subject
            ),
            "{what}"
        );
        assert_eq!(p.token_values.len(), whole.token_values.len());
    }
}

/// The editor may wait for a keystroke's answer before it draws the key: a patched request
/// reads only what the session's last full preview loaded. With that gone it asks for the
/// full html (which may load it) and sends nothing to Qflow.
#[tokio::test]
async fn keystroke_never_waits_on_the_network() {
    let env = signed_in().await;
    let (cx, event) = (&env.cx, env.event.as_str());
    let g = first_guest(&env).await;
    let req = |html: &str, patch: Option<TextPatch>| {
        let mut r = preview_req(event, edit(html));
        r.guest_id = Some(g.id.to_string());
        r.session = Some("editor-offline".into());
        r.lint = Some(false);
        r.html_patch = patch;
        r
    };
    let typed = |at: u32| TextPatch {
        from: at,
        to: at,
        insert: "x".into(),
    };
    template_preview(cx, req("<p>Hi ", None)).await.unwrap();
    let before = env.sb.requests("GET", "/");
    let p = template_preview(cx, req("", Some(typed(6)))).await.unwrap();
    assert!(p.document_patch.is_some());

    cx.forget_event(Uuid::parse_str(event).unwrap()).await;
    let e = template_preview(cx, req("", Some(typed(7))))
        .await
        .unwrap_err();
    assert_eq!(e.body().field.as_deref(), Some("htmlPatch"), "{e:?}");
    assert_eq!(
        env.sb.requests("GET", "/"),
        before,
        "a keystroke asked Qflow"
    );
    // The full html again: that one may (and does) read the event.
    template_preview(cx, req("<p>Hi xx", None)).await.unwrap();
    assert!(env.sb.requests("GET", "/") > before);
}
