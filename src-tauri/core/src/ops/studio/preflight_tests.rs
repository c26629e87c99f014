//! `preflight` over the session against the sandbox: the event's real guest list, the same
//! findings the save would get from Qflow caught before saving.

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
