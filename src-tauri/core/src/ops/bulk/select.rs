//! What a selection means: the attendees, the template, who got it in the last 10 minutes
//! (the desk's duplicate rule, [`crate::ops::desk::recent_duplicate`]), and "select all" over
//! the table's filter.

use std::collections::HashMap;
use std::sync::Arc;

use uuid::Uuid;

use super::run;
use super::types::{BulkFilterRequest, BulkPreview, BulkRecent, BulkSelection, MAX_BULK};
use crate::merge::{MergeContext, TemplateFields};
use crate::models::{Guest, Template};
use crate::ops::ctx::Ctx;
use crate::ops::{desk, guests};
use crate::preflight::send_warning;
use crate::store::Store;
use crate::{validate, Error, Result};

pub(super) fn full_name(g: &Guest) -> String {
    format!("{} {}", g.first_name, g.last_name)
        .trim()
        .to_owned()
}

pub(super) fn blocking_err(e: tokio::task::JoinError) -> Error {
    Error::internal(format!("the local database task failed: {e}"))
}

/// A checked selection.
pub(super) struct Plan {
    pub template_id: Uuid,
    pub template_name: String,
    pub template: Template,
    pub event_id: Uuid,
    /// Who would be sent to (recent ones left out unless `includeRecent`).
    pub chosen: Vec<Guest>,
    pub recent: Vec<BulkRecent>,
    pub selected: u32,
}

pub(super) async fn plan(cx: &Ctx, store: &Arc<Store>, req: &BulkSelection) -> Result<Plan> {
    let event_id = validate::guid("eventId", &req.event_id)?;
    let template_id = validate::guid("templateId", &req.template_id)?;
    if req.guest_ids.is_empty() {
        return Err(Error::invalid("guestIds", "select at least one attendee"));
    }
    if req.guest_ids.len() > MAX_BULK {
        return Err(Error::invalid(
            "guestIds",
            format!("at most {MAX_BULK} attendees per job"),
        ));
    }
    let mut ids = Vec::with_capacity(req.guest_ids.len());
    for v in &req.guest_ids {
        let id = validate::guid("guestIds", v)?;
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    let list = cx.guests(event_id, false, false).await?;
    let by_id: HashMap<Uuid, usize> = list.iter().enumerate().map(|(i, g)| (g.id(), i)).collect();
    let mut guests = Vec::with_capacity(ids.len());
    for id in &ids {
        let g = by_id.get(id).and_then(|&i| list.get(i)).ok_or_else(|| {
            Error::invalid(
                "guestIds",
                format!("{id} is not an attendee of this event (reload the list)"),
            )
        })?;
        guests.push(g.to_guest());
    }
    let template = cx
        .templates(event_id)
        .await?
        .into_iter()
        .find(|t| t.id == template_id)
        .ok_or_else(|| Error::invalid("templateId", "is not a template of this event"))?;
    let (st, now) = (Arc::clone(store), cx.now());
    let recent_ids = tokio::task::spawn_blocking(move || -> Result<Vec<(Uuid, u32)>> {
        let mut out = Vec::new();
        for id in ids {
            let sends = st.sends_for_attendee(id)?;
            if let Some(s) = desk::recent_duplicate(&sends, template_id, now) {
                let m = u32::try_from((now - s.requested_at).num_minutes().max(0)).unwrap_or(0);
                out.push((id, m));
            }
        }
        Ok(out)
    })
    .await
    .map_err(blocking_err)??;
    let named: HashMap<Uuid, &Guest> = guests.iter().map(|g| (g.id, g)).collect();
    let recent: Vec<BulkRecent> = recent_ids
        .iter()
        .map(|(id, m)| BulkRecent {
            guest_id: id.to_string(),
            name: named.get(id).map(|g| full_name(g)).unwrap_or_default(),
            minutes_ago: *m,
        })
        .collect();
    let selected = u32::try_from(guests.len()).unwrap_or(u32::MAX);
    let chosen = if req.include_recent {
        guests
    } else {
        guests
            .into_iter()
            .filter(|g| !recent_ids.iter().any(|(id, _)| *id == g.id))
            .collect()
    };
    Ok(Plan {
        template_id,
        template_name: template.name.clone(),
        template,
        event_id,
        chosen,
        recent,
        selected,
    })
}

/// What `bulk_start` would do with this selection: how many, who got it recently, how long.
pub async fn bulk_preview(cx: &Ctx, req: BulkSelection) -> Result<BulkPreview> {
    let store = cx.local_store().await?;
    let p = plan(cx, &store, &req).await?;
    let to_send = u32::try_from(p.chosen.len()).unwrap_or(u32::MAX);
    let pace = run::pace(cx.client.budget());
    let event = cx.event(p.event_id).await?;
    let (template, chosen) = (p.template.clone(), p.chosen.clone());
    let preflight = tokio::task::spawn_blocking(move || {
        let base = MergeContext::new(chosen.first().cloned().unwrap_or_default(), event);
        send_warning(&TemplateFields::from(&template), &base, &chosen)
    })
    .await
    .map_err(blocking_err)?;
    Ok(BulkPreview {
        selected: p.selected,
        to_send,
        recent: p.recent,
        template_name: p.template_name,
        eta_seconds: run::eta_seconds(to_send, pace, None),
        pace_ms: u32::try_from(pace.as_millis()).unwrap_or(u32::MAX),
        preflight,
    })
}

/// Every attendee id matching the table's filter, in the table's order.
pub async fn bulk_select_filtered(cx: &Ctx, req: BulkFilterRequest) -> Result<Vec<String>> {
    let event_id = validate::guid("eventId", &req.event_id)?;
    let list = cx.guests(event_id, false, false).await?;
    let matching = guests::filter_guests(
        &list,
        &guests::GuestFilter {
            query: &req.query,
            checked_in: req.checked_in,
            tag: req.tag.as_deref(),
        },
    );
    if matching.len() > MAX_BULK {
        return Err(Error::invalid(
            "query",
            format!(
                "{} attendees match; narrow the filter to at most {MAX_BULK}",
                matching.len()
            ),
        ));
    }
    Ok(matching.iter().map(|g| g.id().to_string()).collect())
}
