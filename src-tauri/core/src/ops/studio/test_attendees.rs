//! Test attendees: the ones "send a test to me" creates, tagged [`TEST_TAG`], found and
//! removed on request (never a real attendee).

use uuid::Uuid;

use super::types::{
    RemoveFailure, TemplatesListRequest, TestAttendee, TestAttendeesRemoveRequest,
    TestAttendeesRemoved,
};
use crate::models::Guest;
use crate::ops::ctx::Ctx;
use crate::validate::guid;
use crate::Result;

/// The tag on attendees this app creates for test sends ("send a test to me").
pub const TEST_TAG: &str = "qflow-console-test";

/// The event's attendees tagged [`TEST_TAG`] (whole tag, any case), in list order.
pub fn test_attendees(list: &[Guest], event_id: Uuid) -> Vec<TestAttendee> {
    list.iter()
        .filter(|g| g.event_id == event_id && crate::ops::guests::has_tag(g, TEST_TAG))
        .map(|g| test_attendee(g.id, &g.first_name, &g.last_name, &g.email))
        .collect()
}

/// [`test_attendees`] of the app's cached list, read in place (no attendee is copied out).
pub fn cached_test_attendees(list: &crate::guest_list::GuestList) -> Vec<TestAttendee> {
    list.iter()
        .filter(|g| g.event_id() == list.event_id() && g.has_tag(TEST_TAG))
        .map(|g| test_attendee(g.id(), g.first_name(), g.last_name(), g.email()))
        .collect()
}

fn test_attendee(id: Uuid, first: &str, last: &str, email: &str) -> TestAttendee {
    TestAttendee {
        id: id.to_string(),
        name: format!("{first} {last}").trim().to_owned(),
        email: email.to_owned(),
    }
}

/// Deletes the confirmed test attendees (`DELETE /api/guest` with `{"id"}`, one each). The list
/// is re-read first and only attendees that still carry [`TEST_TAG`] are deleted, so an id the
/// user confirmed that was re-tagged meanwhile is skipped, never deleted. A failure is reported
/// per attendee and the rest continue; an already-deleted attendee counts as removed.
pub async fn remove_test_attendees(
    client: &crate::api::Client,
    event_id: Uuid,
    confirmed: &[Uuid],
) -> Result<TestAttendeesRemoved> {
    let current = test_attendees(&client.guests_list(event_id).await?, event_id);
    let mut out = TestAttendeesRemoved {
        removed: Vec::new(),
        failed: Vec::new(),
        skipped: 0,
    };
    for id in confirmed {
        let Some(a) = current.iter().find(|a| a.id == id.to_string()) else {
            out.skipped += 1;
            continue;
        };
        match client.guest_delete(*id).await {
            Ok(()) => out.removed.push(a.clone()),
            Err(e) => out.failed.push(RemoveFailure {
                attendee: a.clone(),
                error: e.body(),
            }),
        }
    }
    Ok(out)
}

/// The event's attendees tagged `qflow-console-test`, read fresh (the confirmation counts them).
pub async fn test_attendees_find(cx: &Ctx, req: TemplatesListRequest) -> Result<Vec<TestAttendee>> {
    let event_id = guid("eventId", &req.event_id)?;
    let list = cx.guests(event_id, true, false).await?;
    Ok(cached_test_attendees(&list))
}

/// Deletes the confirmed test attendees (only those still tagged) and reports each result.
pub async fn test_attendees_remove(
    cx: &Ctx,
    req: TestAttendeesRemoveRequest,
) -> Result<TestAttendeesRemoved> {
    let event_id = guid("eventId", &req.event_id)?;
    let ids = req
        .ids
        .iter()
        .map(|i| guid("ids", i))
        .collect::<Result<Vec<_>>>()?;
    let done = remove_test_attendees(&cx.client, event_id, &ids).await?;
    for a in &done.removed {
        if let Ok(id) = Uuid::parse_str(&a.id) {
            cx.remove_cached_guest(id).await;
        }
    }
    Ok(done)
}

#[cfg(test)]
mod tests {
    use super::*;

    mod against_the_sandbox {
        use super::*;
        use crate::api::Client;
        use crate::models::GuestCreate;
        use qflow_sandbox::{Sandbox, SandboxConfig};

        async fn setup() -> (Sandbox, Client) {
            let sb = Sandbox::start(SandboxConfig {
                attendees: 4,
                rate_limits: false,
                ..SandboxConfig::default()
            })
            .await
            .unwrap();
            let c = crate::test_support::demo_client(&sb, None);
            (sb, c)
        }

        async fn add(c: &Client, event_id: Uuid, email: &str, tags: &str) -> Guest {
            c.guest_create(&GuestCreate {
                guest: Guest {
                    id: Uuid::new_v4(),
                    event_id,
                    first_name: "Test".into(),
                    last_name: "(Qflow Console)".into(),
                    email: email.into(),
                    tags: Some(tags.into()),
                    ..Guest::default()
                },
                comms_template_id: None,
                correlation_id: None,
            })
            .await
            .unwrap()
        }

        #[tokio::test]
        async fn removes_only_tagged_test_attendees_and_reports_each() {
            let (sb, c) = setup().await;
            let event = c
                .events_list(
                    chrono::Utc::now().naive_utc() - chrono::Duration::days(30),
                    chrono::Utc::now().naive_utc() + chrono::Duration::days(183),
                )
                .await
                .unwrap()[0]
                .id
                .unwrap();
            let before = c.guests_list(event).await.unwrap().len();
            let a = add(&c, event, "a@example.com", TEST_TAG).await;
            let b = add(&c, event, "b@example.com", "VIP, QFLOW-CONSOLE-TEST").await;
            let keep = add(&c, event, "keep@example.com", "qflow-console-tests").await;

            let found = test_attendees(&c.guests_list(event).await.unwrap(), event);
            let mut ids: Vec<String> = found.iter().map(|t| t.id.clone()).collect();
            ids.sort();
            let mut want = vec![a.id.to_string(), b.id.to_string()];
            want.sort();
            assert_eq!(ids, want);

            // `keep` is confirmed by mistake: it is not tagged, so it is skipped, not deleted.
            let done = remove_test_attendees(&c, event, &[a.id, b.id, keep.id])
                .await
                .unwrap();
            assert_eq!(done.removed.len(), 2);
            assert!(done.failed.is_empty());
            assert_eq!(done.skipped, 1);
            let after = c.guests_list(event).await.unwrap();
            assert_eq!(after.len(), before + 1);
            assert!(after.iter().any(|g| g.id == keep.id));
            assert!(test_attendees(&after, event).is_empty());
            assert_eq!(sb.requests("DELETE", "/api/guest"), 2);

            // A second run finds nothing left to delete and sends no DELETE.
            let again = remove_test_attendees(&c, event, &[a.id]).await.unwrap();
            assert!(again.removed.is_empty());
            assert_eq!(again.skipped, 1);
            assert_eq!(sb.requests("DELETE", "/api/guest"), 2);
        }
    }
}
