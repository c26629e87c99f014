//! Templates on Qflow: list, read, save (the guide's partial-update rules, the fromAddress
//! check first, a local version kept), delete. The CLI's `template push` and `template delete`
//! run the same checks.

use serde_json::{json, Value};

use super::edit::upsert_payload;
use super::types::{TemplateIdRequest, TemplateSaveRequest, TemplateSaved, TemplatesListRequest};
use crate::errors::ApiError;
use crate::merge::lint::{lint, rules};
use crate::merge::TemplateFields;
use crate::models::{Template, TemplateUpsert};
use crate::ops::ctx::Ctx;
use crate::validate::guid;
use crate::{Error, Result};

/// The event's templates by name (asked fresh: others may have added one).
pub async fn templates_list(cx: &Ctx, req: TemplatesListRequest) -> Result<Vec<Template>> {
    let id = guid("eventId", &req.event_id)?;
    let mut list = cx.templates(id).await?;
    list.sort_by_cached_key(|t| t.name.to_lowercase());
    Ok(list)
}

/// One template as Qflow has it now: the editor diffs its edit against this (partial-update
/// rules), so it is read fresh, and the session's copy is brought in step.
pub async fn template_get(cx: &Ctx, req: TemplateIdRequest) -> Result<Template> {
    let id = guid("templateId", &req.template_id)?;
    let t = cx.client.template_get(id).await?;
    cx.put_template(&t).await;
    Ok(t)
}

/// Create or update (`POST /api/comms/template`), after the fromAddress check; the saved
/// template is kept as a local version and its draft is dropped.
pub async fn template_save(cx: &Ctx, req: TemplateSaveRequest) -> Result<TemplateSaved> {
    let event_id = guid("eventId", &req.event_id)?;
    let template_id = guid("templateId", &req.template_id)?;
    let original: Option<Template> = match req.original {
        Some(Value::Null) | None => None,
        Some(v) => {
            Some(serde_json::from_value(v).map_err(|e| Error::invalid("original", e.to_string()))?)
        }
    };
    let upsert = upsert_payload(original.as_ref(), &req.fields, event_id, template_id)?;
    check_from_address(cx, &upsert).await?;
    let sent = serde_json::to_value(&upsert)
        .map_err(|e| Error::internal(format!("encoding the template: {e}")))?;
    let template = cx.client.template_upsert(&upsert).await?;
    cx.put_template(&template).await;
    let store = cx.local_store().await?;
    let json = serde_json::to_value(&template)
        .map_err(|e| Error::internal(format!("encoding the saved template: {e}")))?;
    let version = store.template_version_save(template.id, &json)?;
    store.draft_delete(template.id)?;
    Ok(TemplateSaved {
        template,
        sent,
        version,
    })
}

/// Delete a template (`POST /api/comms/template/delete` with `{"id"}`). The session forgets
/// it and its unsaved draft goes (there is nothing left to save it into); saved versions stay.
pub async fn template_delete(cx: &Ctx, req: TemplateIdRequest) -> Result<()> {
    let id = guid("templateId", &req.template_id)?;
    cx.client.template_delete(id).await?;
    cx.forget_template(id).await;
    match cx.local_store().await.and_then(|s| s.draft_delete(id)) {
        Ok(_) => {}
        Err(e) => tracing::warn!("template deleted, but its local draft stays: {e}"),
    }
    Ok(())
}

/// The fromAddress rule of every template write (the studio's save, the CLI's `template
/// push`): a new or changed fromAddress must be under the account's verified sending domain
/// (or a subdomain of it), checked against the domain as it is now, before anything is sent.
pub async fn check_from_address(cx: &Ctx, upsert: &TemplateUpsert) -> Result<()> {
    let Some(addr) = upsert.from_address.as_deref().filter(|a| !a.is_empty()) else {
        return Ok(());
    };
    let verified = cx.verified_domain(true).await?;
    match from_address_problem(addr, verified.as_deref()) {
        Some(problem) => Err(problem),
        None => Ok(()),
    }
}

/// The guide's 422 `fromaddress_domain_not_verified`, raised locally (nothing was sent) when
/// `addr` is not under `verified` (None = no verified domain).
pub fn from_address_problem(addr: &str, verified: Option<&str>) -> Option<Error> {
    let fields = TemplateFields {
        html: "<p></p>",
        from_address: Some(addr),
        ..Default::default()
    };
    let issue = lint(&fields, verified)
        .into_iter()
        .find(|i| i.rule == rules::FROM_ADDRESS_DOMAIN)?;
    let body = json!({
        "error": "fromaddress_domain_not_verified",
        "message": issue.message,
        "checkedLocally": true,
        "verifiedDomain": verified,
        "suggestion": issue.suggestion,
    });
    Some(Error::Api(ApiError::from_response(
        422,
        body.to_string().as_bytes(),
        "POST /api/comms/template (checked before sending)",
        None,
    )))
}
