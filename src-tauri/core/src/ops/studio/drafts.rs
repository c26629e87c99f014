//! Local drafts (kept while editing, offered back after a crash) and saved versions, in the
//! session's local store (the demo's is private).

use serde_json::{json, Value};

use super::types::{DraftSaveRequest, TemplateIdRequest, TemplatesListRequest};
use crate::ops::ctx::Ctx;
use crate::store::{Draft, TemplateVersion};
use crate::validate::guid;
use crate::Result;

pub async fn draft_save(cx: &Ctx, req: DraftSaveRequest) -> Result<Draft> {
    let id = guid("templateId", &req.template_id)?;
    let event_id = guid("eventId", &req.event_id)?;
    let json = json!({
        "eventId": event_id.to_string(),
        "original": req.original,
        "fields": req.fields,
    });
    cx.local_store().await?.draft_save(id, &json)
}

/// Drafts of this event's templates, newest first (offered back after a crash).
pub async fn drafts_list(cx: &Ctx, req: TemplatesListRequest) -> Result<Vec<Draft>> {
    let id = guid("eventId", &req.event_id)?.to_string();
    Ok(cx
        .local_store()
        .await?
        .drafts()?
        .into_iter()
        .filter(|d| d.json.get("eventId").and_then(Value::as_str) == Some(id.as_str()))
        .collect())
}

pub async fn draft_delete(cx: &Ctx, req: TemplateIdRequest) -> Result<bool> {
    let id = guid("templateId", &req.template_id)?;
    cx.local_store().await?.draft_delete(id)
}

/// The template's saved versions, newest first.
pub async fn template_versions(cx: &Ctx, req: TemplateIdRequest) -> Result<Vec<TemplateVersion>> {
    let id = guid("templateId", &req.template_id)?;
    cx.local_store().await?.template_versions(id)
}
