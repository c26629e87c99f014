//! The attendee panel: details as Qflow has them now, edit (a PUT of the whole attendee fetched
//! fresh: the CLI's `guest update` is the same operation), check-in/out, delete, and the
//! attendee's send history joined with Qflow's delivery events.

use std::collections::HashMap;

use serde_json::Value;
use uuid::Uuid;

use super::types::*;
use crate::models::Guest;
use crate::ops::ctx::Ctx;
use crate::store::{group_by_send, SendHistory};
use crate::{validate, Error, Result};

/// Trimmed; empty = none.
pub(super) fn non_empty(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_owned())
}

/// What the panel shows of an attendee.
pub fn detail(g: &Guest) -> GuestDetail {
    let extra = g
        .extra
        .iter()
        .map(|(k, v)| ExtraField {
            name: k.clone(),
            value: match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            },
        })
        .collect();
    GuestDetail {
        id: g.id.to_string(),
        event_id: g.event_id.to_string(),
        first_name: g.first_name.clone(),
        last_name: g.last_name.clone(),
        other_names: g.other_names.clone(),
        email: g.email.clone(),
        barcode: g.barcode.clone(),
        plus_ones: g.plus_ones,
        additional_info: g.additional_info.clone(),
        tags: g.tags.clone(),
        tickets: g.tickets.clone(),
        sessions: g.sessions.clone(),
        custom_fields: g.custom_fields.clone().unwrap_or_default(),
        checked_in: g.checked_in.unwrap_or(false),
        check_in_time: g.check_in_time.map(|t| t.to_rfc3339()),
        extra,
        qr_data_url: g
            .barcode
            .as_deref()
            .filter(|b| !b.is_empty())
            .map(crate::ops::qr::qr_svg_data_url),
    }
}

/// The attendee as Qflow has it now (never the cached list: the panel edits from this).
pub async fn guest_detail(cx: &Ctx, req: GuestIdRequest) -> Result<GuestDetail> {
    let gid = validate::guid("guestId", &req.guest_id)?;
    let g = cx.client.guest_get(gid).await?;
    cx.put_cached_guest(&g).await;
    Ok(detail(&g))
}

/// The panel's save: every editable field, through [`update_guest`].
pub async fn guest_save(cx: &Ctx, req: GuestEdit) -> Result<GuestDetail> {
    Ok(detail(&update_guest(cx, req.into()).await?))
}

/// PUT the changed fields onto the attendee fetched fresh, so fields this version does not know
/// (and fields edited elsewhere meanwhile) are sent back unchanged. Every given field is checked
/// before any request; the table's cached list follows the answer.
pub async fn update_guest(cx: &Ctx, req: GuestChanges) -> Result<Guest> {
    let gid = validate::guid("id", &req.id)?;
    let required = |field: &str, v: &Option<String>| -> Result<Option<String>> {
        v.as_deref()
            .map(|v| validate::required(field, v).map(str::to_owned))
            .transpose()
    };
    let first = required("firstName", &req.first_name)?;
    let last = required("lastName", &req.last_name)?;
    let email = required("email", &req.email)?;
    if let Some(e) = &email {
        validate::email("email", e)?;
    }
    let plus_ones = req
        .plus_ones
        .as_deref()
        .map(|v| match v.trim() {
            "" => Ok(None),
            v => v
                .parse::<u32>()
                .map(Some)
                .map_err(|_| Error::invalid("plusOnes", "must be a whole number (0 or more)")),
        })
        .transpose()?;
    let mut g = cx.client.guest_get(gid).await?;
    if let Some(v) = first {
        g.first_name = v;
    }
    if let Some(v) = last {
        g.last_name = v;
    }
    if let Some(v) = email {
        g.email = v;
    }
    if let Some(v) = &req.other_names {
        g.other_names = non_empty(v);
    }
    if let Some(v) = &req.tags {
        g.tags = non_empty(v);
    }
    if let Some(v) = &req.additional_info {
        g.additional_info = non_empty(v);
    }
    if let Some(v) = plus_ones {
        g.plus_ones = v;
    }
    let saved = cx.client.guest_update(&g).await?;
    cx.put_cached_guest(&saved).await;
    Ok(saved)
}

pub async fn guest_check_in(cx: &Ctx, req: CheckInRequest) -> Result<GuestDetail> {
    let gid = validate::guid("guestId", &req.guest_id)?;
    let g = if req.checked_in {
        cx.client.guest_checkin(gid).await?
    } else {
        cx.client.guest_checkout(gid).await?
    };
    cx.put_cached_guest(&g).await;
    Ok(detail(&g))
}

pub async fn guest_delete(cx: &Ctx, req: GuestIdRequest) -> Result<()> {
    let gid = validate::guid("guestId", &req.guest_id)?;
    cx.client.guest_delete(gid).await?;
    cx.remove_cached_guest(gid).await;
    Ok(())
}

/// The attendee's sends, newest first, each with Qflow's delivery events joined from the local
/// store (no request: the panel polls this; template names come from the session's cache).
pub async fn guest_history(cx: &Ctx, req: GuestIdRequest) -> Result<Vec<HistoryItem>> {
    let gid = validate::guid("guestId", &req.guest_id)?;
    let store = cx.local_store().await?;
    let timeline = tokio::task::spawn_blocking(move || store.timeline(gid))
        .await
        .map_err(|e| Error::internal(format!("reading the timeline: {e}")))??;
    let groups = group_by_send(timeline);
    let mut names: HashMap<Uuid, String> = HashMap::new();
    for id in groups.iter().filter_map(template_of) {
        if names.contains_key(&id) {
            continue;
        }
        if let Some(t) = cx.cached_template(id).await {
            names.insert(id, t.name);
        }
    }
    let mut items: Vec<HistoryItem> = groups
        .into_iter()
        .map(|g| history_item(g, &names))
        .collect();
    // Newest first: the desk asks "what happened last?".
    items.reverse();
    Ok(items)
}

/// The template a send (or, without one, its first event) names.
fn template_of(g: &SendHistory) -> Option<Uuid> {
    g.send
        .as_ref()
        .or(g.events.first())
        .and_then(|e| e.template_id.as_deref())
        .and_then(|t| Uuid::parse_str(t).ok())
}

fn history_item(g: SendHistory, names: &HashMap<Uuid, String>) -> HistoryItem {
    let delivery = g.delivery().map(|e| e.state().to_owned());
    let settled = g.settled_by().map(|e| SettledBy {
        event: e.state().to_owned(),
        at: e.at.to_rfc3339(),
        sent: !matches!(e.state(), "dropped" | "failed"),
    });
    let at = g.at().to_rfc3339();
    let template_name = template_of(&g).and_then(|t| names.get(&t).cloned());
    let events: Vec<HistoryEvent> = g
        .events
        .iter()
        .map(|e| HistoryEvent {
            at: e.at.to_rfc3339(),
            event: e.state().to_owned(),
            reason: e.message.clone(),
            matched_by: e.matched_by.clone(),
        })
        .collect();
    match g.send {
        Some(s) => HistoryItem {
            at,
            kind: "send".into(),
            status: s.state().to_owned(),
            delivery,
            template_name,
            correlation_id: s.correlation_id,
            error_code: s.error_code,
            message: s.message,
            events,
            settled,
        },
        None => HistoryItem {
            at,
            kind: "webhook".into(),
            status: g
                .state()
                .map(|st| st.status)
                .unwrap_or_else(|| "unknown".into()),
            delivery,
            template_name,
            correlation_id: g.events.iter().find_map(|e| e.correlation_id.clone()),
            error_code: None,
            message: None,
            events,
            settled: None,
        },
    }
}
