//! Event create / edit / delete and the time-zone picker. Validation, zones and labels are in
//! core (`ops::events`); here the form is parsed, core is called and errors become `ErrorBody`.

use qflow_core::models::Event;
// In core: app types that embed core types get broken ts-rs import paths.
use qflow_core::ops::events;
pub use qflow_core::ops::events::ZoneSearchResult;
use qflow_core::{Error, Result};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use uuid::Uuid;

use super::handlers::AppState;
use super::ipc::EventRow;

/// The picker shows at most this many zones per answer (the full list is ~600).
pub const MAX_ZONES: u32 = 100;

/// `event_create` / `event_update`: what the form holds. Times are local wall times in
/// `timeZoneId` (`YYYY-MM-DDTHH:MM`, no offset).
#[derive(Deserialize, Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../ui/src/bindings/")]
pub struct EventForm {
    /// On create: a GUID the form generated once, so saving again never makes a second event.
    /// On edit: the event's id.
    pub id: String,
    pub title: String,
    pub start_time: String,
    pub end_time: String,
    pub time_zone_id: String,
}

/// `event_delete`.
#[derive(Deserialize, Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../ui/src/bindings/")]
pub struct EventDeleteRequest {
    pub id: String,
}

/// `zones_search`: words matched against the zone name and its `UTC±hh:mm` label.
#[derive(Deserialize, Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../ui/src/bindings/")]
pub struct ZoneSearchRequest {
    pub query: String,
    /// Default and cap: `MAX_ZONES`.
    #[serde(default)]
    #[ts(optional)]
    pub limit: Option<u32>,
}

fn parse_id(value: &str) -> Result<Uuid> {
    match Uuid::parse_str(value.trim()) {
        Ok(id) if !id.is_nil() => Ok(id),
        _ => Err(Error::invalid(
            "id",
            format!("'{value}' is not a valid event GUID"),
        )),
    }
}

fn validate(f: &EventForm) -> Result<(Uuid, events::ValidEvent)> {
    let v = events::validate(&f.title, &f.start_time, &f.end_time, &f.time_zone_id)?;
    Ok((parse_id(&f.id)?, v))
}

fn row(e: Event, fallback_id: Uuid, attendee_count: Option<u32>) -> EventRow {
    let fmt = "%Y-%m-%dT%H:%M:%S";
    EventRow {
        id: e.id.unwrap_or(fallback_id).to_string(),
        when: Some(events::when_label(
            e.start_time,
            e.end_time,
            &e.time_zone_id,
        )),
        title: e.title,
        start_time: e.start_time.format(fmt).to_string(),
        end_time: e.end_time.format(fmt).to_string(),
        time_zone_id: e.time_zone_id,
        attendee_count,
        is_default: false,
    }
}

/// Create under the form's client-generated id (a second save of the same form finds the
/// first event instead of making another).
pub async fn event_create(state: &AppState, form: EventForm) -> Result<EventRow> {
    let (id, v) = validate(&form)?;
    let session = state.current().await?;
    let e = events::create(&session.client, id, &v).await?;
    Ok(row(e, id, None))
}

/// Edit: title, times and zone; every other field Qflow holds is kept.
pub async fn event_update(state: &AppState, form: EventForm) -> Result<EventRow> {
    let (id, v) = validate(&form)?;
    let session = state.current().await?;
    let e = events::update(&session.client, id, &v).await?;
    Ok(row(e, id, None))
}

/// Delete (Qflow also deletes the event's attendees and templates). Already gone counts as done.
pub async fn event_delete(state: &AppState, req: EventDeleteRequest) -> Result<()> {
    let id = parse_id(&req.id)?;
    let session = state.current().await?;
    session.client.event_delete(id).await
}

/// Zones for the picker, with their offsets now. Needs no session.
pub fn zones_search(req: &ZoneSearchRequest) -> ZoneSearchResult {
    let limit = req.limit.unwrap_or(MAX_ZONES).clamp(1, MAX_ZONES) as usize;
    let mut zones = events::search_zones(&req.query, chrono::Utc::now());
    let matched = u32::try_from(zones.len()).unwrap_or(u32::MAX);
    zones.truncate(limit);
    ZoneSearchResult { zones, matched }
}

#[cfg(test)]
mod tests {

    use qflow_sandbox::SandboxConfig;

    use super::*;
    use crate::app::handlers;
    use crate::app::ipc::EventsListRequest;

    fn state() -> AppState {
        crate::app::test_support::demo_state(SandboxConfig {
            attendees: 30,
            ..SandboxConfig::default()
        })
    }

    fn form(id: &str, title: &str, start: &str, end: &str, zone: &str) -> EventForm {
        EventForm {
            id: id.into(),
            title: title.into(),
            start_time: start.into(),
            end_time: end.into(),
            time_zone_id: zone.into(),
        }
    }

    fn range(from: &str, to: &str) -> EventsListRequest {
        EventsListRequest {
            from: Some(from.into()),
            to: Some(to.into()),
        }
    }

    #[tokio::test]
    async fn create_edit_and_delete_an_event_in_tokyo() {
        let st = state();
        handlers::demo_sign_in(&st).await.unwrap();
        let id = Uuid::new_v4().to_string();
        let f = form(
            &id,
            "Tokyo launch",
            "2030-06-01T10:00",
            "2030-06-01T22:00",
            "Asia/Tokyo",
        );
        let made = event_create(&st, f.clone()).await.unwrap();
        assert_eq!(made.id, id);
        assert_eq!(made.start_time, "2030-06-01T10:00:00");
        assert_eq!(
            made.when.as_deref(),
            Some("Sat 1 Jun 2030, 10:00–22:00 Asia/Tokyo (UTC+09:00)")
        );
        // Saving the same form again (a retry) makes no second event.
        event_create(&st, f).await.unwrap();
        let listed = handlers::events_list(&st, range("2030-05-01", "2030-07-01"))
            .await
            .unwrap();
        assert_eq!(listed.len(), 1, "{listed:?}");
        assert_eq!(listed[0].when, made.when);

        let edited = event_update(
            &st,
            form(
                &id,
                "Tokyo launch party",
                "2030-06-01 18:00",
                "2030-06-02 01:00",
                "Asia/Tokyo",
            ),
        )
        .await
        .unwrap();
        assert_eq!(edited.title, "Tokyo launch party");
        assert!(
            edited
                .when
                .as_deref()
                .unwrap()
                .contains("Sun 2 Jun 2030, 01:00"),
            "{edited:?}"
        );

        event_delete(&st, EventDeleteRequest { id: id.clone() })
            .await
            .unwrap();
        let after = handlers::events_list(&st, range("2030-05-01", "2030-07-01"))
            .await
            .unwrap();
        assert!(after.is_empty());
        // Deleting again: already gone, still done? No request reached a lost answer, so Qflow's
        // 404 is reported as not found.
        let again = event_delete(&st, EventDeleteRequest { id }).await;
        assert_eq!(again.unwrap_err().body().status, Some(404));
        st.shutdown().await;
    }

    #[tokio::test]
    async fn bad_forms_are_refused_before_any_request_with_the_field() {
        let st = state();
        // Not signed in: validation still answers first.
        let ok_id = Uuid::new_v4().to_string();
        let cases = [
            (
                form(&ok_id, " ", "2030-06-01 10:00", "2030-06-01 11:00", "UTC"),
                "title",
            ),
            (
                form("nope", "x", "2030-06-01 10:00", "2030-06-01 11:00", "UTC"),
                "id",
            ),
            (
                form(
                    &Uuid::nil().to_string(),
                    "x",
                    "2030-06-01 10:00",
                    "2030-06-01 11:00",
                    "UTC",
                ),
                "id",
            ),
            (
                form(&ok_id, "x", "2030-06-01 10:00", "2030-06-01 09:00", "UTC"),
                "endTime",
            ),
            (
                form(&ok_id, "x", "2030-06-01 10:00", "2030-06-01 11:00", "Tokyo"),
                "timeZoneId",
            ),
            (
                form(&ok_id, "x", "June 1st", "2030-06-01 11:00", "UTC"),
                "startTime",
            ),
        ];
        for (f, field) in cases {
            let e = event_create(&st, f.clone()).await.unwrap_err().body();
            assert_eq!(
                (e.code.as_str(), e.field.as_deref()),
                ("invalid_input", Some(field)),
                "{f:?}"
            );
        }
        let e = event_delete(&st, EventDeleteRequest { id: "x".into() })
            .await
            .unwrap_err();
        assert_eq!(e.body().field.as_deref(), Some("id"));
        // A good form without a session: not signed in.
        let f = form(&ok_id, "x", "2030-06-01 10:00", "2030-06-01 11:00", "UTC");
        assert_eq!(
            event_create(&st, f).await.unwrap_err().code(),
            "not_signed_in"
        );
    }

    #[tokio::test]
    async fn editing_a_deleted_event_says_not_found() {
        let st = state();
        handlers::demo_sign_in(&st).await.unwrap();
        let f = form(
            &Uuid::new_v4().to_string(),
            "Gone",
            "2030-06-01 10:00",
            "2030-06-01 11:00",
            "UTC",
        );
        let e = event_update(&st, f).await.unwrap_err().body();
        assert_eq!(e.status, Some(404));
        assert!(!e.next_step.is_empty());
        st.shutdown().await;
    }

    #[test]
    fn the_zone_picker_finds_tokyo_and_caps_the_list() {
        let r = zones_search(&ZoneSearchRequest {
            query: "tok".into(),
            limit: None,
        });
        assert_eq!(r.zones[0].id, "Asia/Tokyo");
        assert!(r.zones[0].label.ends_with("(UTC+09:00)"));
        let all = zones_search(&ZoneSearchRequest {
            query: String::new(),
            limit: Some(10_000),
        });
        assert_eq!(all.zones.len(), MAX_ZONES as usize);
        assert!(all.matched as usize > MAX_ZONES as usize);
        let none = zones_search(&ZoneSearchRequest {
            query: "zzzz".into(),
            limit: Some(0),
        });
        assert_eq!((none.zones.len(), none.matched), (0, 0));
    }
}
