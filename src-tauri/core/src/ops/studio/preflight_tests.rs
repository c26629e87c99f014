//! `preflight` over the session against the sandbox: the event's real guest list, the same
//! findings the save would get from Qflow caught before saving.

use std::sync::atomic::Ordering;
use std::sync::Arc;

use uuid::Uuid;

use super::tests::{edit, saved_template, signed_in};
use super::*;
use crate::preflight::rules;

fn req(event: &str, fields: Option<TemplateEdit>, template: Option<String>) -> PreflightRequest {
    PreflightRequest {
        event_id: event.into(),
        template_id: template,
        fields,
        name_limit: None,
        attendee_cap: None,
    }
}

#[tokio::test]
async fn checks_every_attendee_of_the_event_and_names_them() {
    let env = signed_in().await;
    let cx = &env.cx;
    let fields = edit(
        "<html lang=\"en\"><p>Hi {{firstnam}} ({{tags}})</p>\
         <a href=\"https://malware.example.com/x\">Your ticket</a></html>",
    );
    let report = preflight(cx, req(&env.event, Some(fields.clone()), None))
        .await
        .unwrap();
    let list = cx
        .guests(env.event.parse().unwrap(), false, false)
        .await
        .unwrap();
    assert_eq!(report.attendees as usize, list.len());
    let unknown = report
        .findings
        .iter()
        .find(|f| f.rule == rules::UNKNOWN_TOKEN)
        .unwrap();
    assert_eq!(unknown.attendee_total as usize, list.len());
    // {{tags}} is empty exactly for the attendees without tags, named by id and name.
    let untagged: Vec<String> = list
        .iter()
        .filter(|g| {
            g.tags()
                .is_none_or(|t| t.split(',').all(|s| s.trim().is_empty()))
        })
        .map(|g| g.id().to_string())
        .collect();
    assert!(!untagged.is_empty(), "the seed has attendees without tags");
    let empty = report
        .findings
        .iter()
        .find(|f| f.rule == rules::EMPTY_TOKEN)
        .unwrap();
    assert_eq!(empty.attendee_total as usize, untagged.len());
    assert!(empty
        .attendees
        .iter()
        .all(|a| untagged.contains(&a.id) && !a.name.is_empty()));
    // What the local check flags, Qflow (the sandbox) refuses at save time.
    assert!(report.findings.iter().any(|f| f.rule == rules::URL_FLAGGED));
    let refused = template_save(
        cx,
        TemplateSaveRequest {
            event_id: env.event.clone(),
            template_id: Uuid::new_v4().to_string(),
            original: None,
            fields,
        },
    )
    .await
    .unwrap_err();
    assert_eq!(refused.body().code, "spam_check_failed");
    assert!(report.has_problems());
}

#[tokio::test]
async fn a_saved_template_by_id_and_the_name_limit() {
    let env = signed_in().await;
    let id = saved_template(&env.cx, &env.event).await;
    let report = preflight(&env.cx, req(&env.event, None, Some(id.clone())))
        .await
        .unwrap();
    assert!(report
        .findings
        .iter()
        .all(|f| f.rule != rules::UNKNOWN_TOKEN));
    assert!(report.size.attendee.is_some());
    assert_eq!(report.name_limit, crate::preflight::DEFAULT_NAME_LIMIT);
    let mut r = req(&env.event, None, Some(id));
    r.name_limit = Some(1);
    let tight = preflight(&env.cx, r.clone()).await.unwrap();
    let long = tight
        .findings
        .iter()
        .find(|f| f.rule == rules::LONG_VALUE)
        .unwrap();
    let list = env
        .cx
        .guests(env.event.parse().unwrap(), false, false)
        .await
        .unwrap();
    let over = list
        .iter()
        .filter(|g| g.first_name().chars().count() > 1)
        .count();
    assert_eq!(long.attendee_total as usize, over);
    assert_eq!(tight.name_limit, 1, "the limit used is echoed");
    // The panel asks for a few names per finding; the total stays whole.
    r.attendee_cap = Some(3);
    let capped = preflight(&env.cx, r.clone()).await.unwrap();
    let long3 = capped
        .findings
        .iter()
        .find(|f| f.rule == rules::LONG_VALUE)
        .unwrap();
    assert_eq!(long3.attendees.len(), 3.min(over));
    assert_eq!(long3.attendee_total as usize, over);
    assert_eq!(long3.attendees[..], long.attendees[..long3.attendees.len()]);
    r.attendee_cap = Some(0);
    assert_eq!(
        preflight(&env.cx, r.clone())
            .await
            .unwrap_err()
            .body()
            .field
            .as_deref(),
        Some("attendeeCap")
    );
    r.attendee_cap = None;
    r.name_limit = Some(0);
    assert_eq!(
        preflight(&env.cx, r).await.unwrap_err().body().code,
        "invalid_input"
    );
    let none = preflight(&env.cx, req(&env.event, None, None))
        .await
        .unwrap_err();
    assert_eq!(none.body().code, "invalid_input");
}

#[tokio::test]
async fn a_keystroke_stops_a_running_check_of_the_text_it_changes_and_nothing_else_does() {
    let env = signed_in().await;
    let cx = &env.cx;
    let fields = edit("<p>Hi {{firstname}}, your ticket</p>");
    let runs = cx.state::<PreflightRuns>();
    let preview = |fields: TemplateEdit, patch: Option<TextPatch>| PreviewRequest {
        event_id: env.event.clone(),
        fields,
        guest_id: None,
        edge_case: None,
        allow_remote_images: false,
        dark: DarkEmulation::Off,
        session: Some("editor-1".into()),
        html_patch: patch,
        lint: Some(false),
    };
    // The editor's first preview (full html) and a lint request without an edit: same text.
    let stop = runs.start(Some(fields.clone()));
    template_preview(cx, preview(fields.clone(), None))
        .await
        .unwrap();
    let unchanged = TextPatch {
        from: 3,
        to: 3,
        insert: String::new(),
    };
    let same = TemplateEdit {
        html: String::new(),
        ..fields.clone()
    };
    template_preview(cx, preview(same.clone(), Some(unchanged)))
        .await
        .unwrap();
    assert!(
        !stop.load(Ordering::Relaxed),
        "the text it checks still stands"
    );
    // A keystroke in the html stops it at once.
    let typed = TextPatch {
        from: 3,
        to: 3,
        insert: "!".into(),
    };
    template_preview(cx, preview(same.clone(), Some(typed)))
        .await
        .unwrap();
    assert!(stop.load(Ordering::Relaxed));
    // A subject keystroke too; a newer check stops the older one.
    let stop = runs.start(Some(TemplateEdit {
        html: "<p>Hi! {{firstname}}, your ticket</p>".into(),
        ..fields.clone()
    }));
    let subject = TemplateEdit {
        subject: "Hi {{firstname}}!".into(),
        ..same.clone()
    };
    let empty = TextPatch {
        from: 0,
        to: 0,
        insert: String::new(),
    };
    template_preview(cx, preview(subject, Some(empty)))
        .await
        .unwrap();
    assert!(stop.load(Ordering::Relaxed));
    let older = runs.start(None);
    let newer = runs.start(None);
    assert!(older.load(Ordering::Relaxed) && !newer.load(Ordering::Relaxed));
    // A saved template's check is not the editor's text: typing leaves it running.
    let typed = TextPatch {
        from: 3,
        to: 3,
        insert: "?".into(),
    };
    template_preview(cx, preview(same, Some(typed)))
        .await
        .unwrap();
    assert!(!newer.load(Ordering::Relaxed));
}

#[tokio::test]
async fn a_check_stopped_while_it_runs_answers_superseded_and_the_next_one_runs() {
    let env = signed_in().await;
    let cx = &env.cx;
    // ~100 KB: the merges take long enough for the keystroke to land while they run.
    let block = "<p>Dear {{fullname}}, your seat for {{event}} is confirmed ({{barcode}}).</p>\n";
    let fields = edit(&block.repeat(100 * 1024 / block.len()));
    let running = {
        let cx = Arc::clone(cx);
        let r = req(&env.event, Some(fields.clone()), None);
        tokio::spawn(async move { preflight(&cx, r).await })
    };
    let runs = cx.state::<PreflightRuns>();
    while !runs.is_running() {
        tokio::task::yield_now().await;
    }
    // Typing: a different text than the one being checked.
    runs.edited(
        &TemplateEdit {
            html: String::new(),
            ..fields.clone()
        },
        true,
    );
    let e = running.await.unwrap().unwrap_err();
    assert_eq!(e.body().code, "superseded");
    assert!(!runs.is_running());
    let report = preflight(cx, req(&env.event, Some(fields), None))
        .await
        .unwrap();
    assert!(report.attendees > 0);
    assert!(!runs.is_running(), "a finished check is forgotten");
}
