//! Event create / edit / delete, for the window's form and the CLI's `event create|update|delete`.
//! Each write puts its result in the session's event cache (`cx.put_event`,
//! `cx.forget_event`), so the studio and the resend preview, which read events through
//! `cx.event(id)`, show a renamed event's new name at once.

use uuid::Uuid;

use super::form::{apply_edit, check_changes, check_form, new_event, ValidEvent};
use super::list::row;
use super::types::{EventChanges, EventDeleteRequest, EventForm, EventRow};
use crate::models::Event;
use crate::ops::ctx::Ctx;
use crate::validate::guid;
use crate::{Error, Result};

/// `event_create`: the form's event, under the form's client-generated id (a second save of
/// the same form finds the first event instead of making another).
pub async fn event_create(cx: &Ctx, req: EventForm) -> Result<EventRow> {
    let e = create(cx, &req).await?;
    Ok(row(cx, e).await)
}

/// `event_update`: title, times and zone; every other field Qflow holds is kept.
pub async fn event_update(cx: &Ctx, req: EventForm) -> Result<EventRow> {
    let e = update(cx, &req.id, &EventChanges::from(&req)).await?;
    Ok(row(cx, e).await)
}

/// `event_delete` (Qflow also deletes the event's attendees and templates): the session
/// forgets the event, its list and its templates.
pub async fn event_delete(cx: &Ctx, req: EventDeleteRequest) -> Result<()> {
    let id = guid("id", &req.id)?;
    let r = cx.client.event_delete(id).await;
    if r.is_ok() || matches!(&r, Err(Error::Api(e)) if e.status == 404) {
        cx.forget_event(id).await;
    }
    r
}

/// Create the form's event and return it as Qflow has it (unknown fields included: the CLI's
/// `--json` prints it). Everything is checked before any request.
///
/// `POST /api/event` is never retried once it may have reached Qflow (the guide does not
/// promise that an id makes it idempotent); when its answer is lost, a read by that id tells
/// whether it was created. Still unknown: the same form (same id) can be saved again.
pub async fn create(cx: &Ctx, form: &EventForm) -> Result<Event> {
    let (id, v) = check_form(form)?;
    let mut created = post(cx, id, &v).await?;
    created.id.get_or_insert(id);
    cx.put_event(&created).await;
    Ok(created)
}

async fn post(cx: &Ctx, id: Uuid, v: &ValidEvent) -> Result<Event> {
    let body = Event {
        id: Some(id),
        ..new_event(v)
    };
    match cx.client.event_create(&body).await {
        Err(Error::OutcomeUnknown { endpoint, message }) => match cx.client.event_get(id).await {
            Ok(created) => Ok(created),
            Err(_) => Err(Error::OutcomeUnknown { endpoint, message }),
        },
        other => other,
    }
}

/// Edit event `id` (the string as typed: checked like every GUID): the given fields are
/// checked first; then the event is read fresh from Qflow, the changes applied over it, the
/// whole checked again (an end before the start the event already has) and `PUT` back whole,
/// fields this version does not know unchanged.
pub async fn update(cx: &Ctx, id: &str, changes: &EventChanges) -> Result<Event> {
    let id = check_changes(id, changes)?;
    let existing = cx.client.event_get(id).await?;
    let v = changes.over(&existing)?;
    let mut updated = cx.client.event_update(&apply_edit(existing, &v)).await?;
    updated.id.get_or_insert(id);
    cx.put_event(&updated).await;
    Ok(updated)
}
