//! The domain's lifecycle: show, validate, create, verify, activate, deactivate, delete, and
//! the exports for a DNS admin. Each answer refreshes the session's verified-domain cache and
//! tells the recheck runner what the user did ([`DomainActivity`]).

use crate::dns_export;
use crate::models::DomainStatus;
use crate::ops::ctx::Ctx;
use crate::validate;
use crate::{Error, Result};

use super::activity::{DomainAct, DomainActivity};
use super::types::{
    DomainActionResult, DomainExport, DomainInput, DomainRequest, DomainStatusInfo, DomainView,
};
use super::view::{
    apply_status, current_view, fetch, is_status, not_set_up, note_view, reasons_for, view_of,
};

/// The rule for what the user types as the sending domain: an apex domain, IDN allowed,
/// with a plain-words reason for anything else (a URL, an email address, a path…).
pub fn domain_validate(req: DomainRequest) -> Result<DomainInput> {
    let d = validate::apex_domain("domain", &req.domain)?;
    Ok(DomainInput {
        is_idn: d.ascii != d.unicode,
        ascii: d.ascii,
        unicode: d.unicode,
    })
}

pub async fn domain_get(cx: &Ctx) -> Result<DomainView> {
    current_view(cx).await
}

pub async fn domain_status(cx: &Ctx) -> Result<DomainStatusInfo> {
    let v = current_view(cx).await?;
    Ok(DomainStatusInfo {
        status: v.status,
        label: v.label,
        domain: v.domain_unicode,
    })
}

/// Create; a domain already configured (409) is shown instead, with what it means.
pub async fn domain_create(cx: &Ctx, req: DomainRequest) -> Result<DomainView> {
    let input = domain_validate(req)?;
    match cx.client.domain_create(&input.ascii).await {
        Ok(d) => {
            let v = view_of(&d, cx.info.demo, false);
            note_view(cx, &v).await;
            Ok(v)
        }
        Err(e) if is_status(&e, 409, Some("domain_already_configured")) => {
            let mut v = current_view(cx).await?;
            let existing = v.domain_unicode.clone().unwrap_or_default();
            v.notice = Some(if v.domain.as_deref() == Some(input.ascii.as_str()) {
                format!("{existing} is already set up for this account: here is its checklist.")
            } else {
                format!(
                    "This account already has {existing} (one domain per account). To switch to {}, delete {existing} first; its DNS records then no longer count and the new domain needs new records.",
                    input.unicode
                )
            });
            Ok(v)
        }
        // The answer was lost: read the domain back rather than leave the user guessing.
        Err(e @ Error::OutcomeUnknown { .. }) => match fetch(cx).await {
            Ok(Some(d)) if d.domain == input.ascii => {
                let mut v = view_of(&d, cx.info.demo, false);
                v.notice = Some(format!(
                    "{} was created (Qflow's answer was lost; read back): here is its checklist.",
                    input.unicode
                ));
                note_view(cx, &v).await;
                Ok(v)
            }
            _ => Err(e),
        },
        Err(e) => Err(e),
    }
}

/// The screen after an action: the domain read again, with the action's own answer (the
/// freshest word on the flags) laid over it.
async fn after(
    cx: &Ctx,
    status: &DomainStatus,
    ever_verified: bool,
    message: String,
) -> Result<DomainActionResult> {
    let mut view = match fetch(cx).await? {
        Some(d) => view_of(&d, cx.info.demo, ever_verified),
        None => not_set_up(cx.info.demo),
    };
    apply_status(&mut view, status, ever_verified);
    note_view(cx, &view).await;
    let reasons = reasons_for(&view, &status.reasons);
    Ok(DomainActionResult {
        view,
        reasons,
        message,
    })
}

/// Ask Qflow to check the records. Verified ends any recheck; anything else starts its
/// cadence over.
pub async fn domain_verify(cx: &Ctx) -> Result<DomainActionResult> {
    let r = verify(cx).await;
    cx.state::<DomainActivity>().acted(match &r {
        Ok(r) if r.view.verified => DomainAct::Settled,
        _ => DomainAct::Retried,
    });
    r
}

async fn verify(cx: &Ctx) -> Result<DomainActionResult> {
    let st = cx.client.domain_verify().await?;
    let message = if st.verified {
        "Verified: sending from your domain is active.".to_owned()
    } else {
        format!(
            "Not verified yet: {} of the records did not check out at SendGrid. DNS changes can take minutes (occasionally up to 24 hours); there is no limit on verify attempts.",
            st.reasons.iter().filter(|r| !r.valid).count()
        )
    };
    after(cx, &st, st.verified, message).await
}

pub async fn domain_activate(cx: &Ctx) -> Result<DomainActionResult> {
    let st = cx.client.domain_activate().await?;
    cx.state::<DomainActivity>().acted(DomainAct::Settled);
    after(
        cx,
        &st,
        true,
        "Activated: templates with a From address under your domain send from it again (no DNS recheck was made).".into(),
    )
    .await
}

pub async fn domain_deactivate(cx: &Ctx) -> Result<DomainActionResult> {
    // Nothing to wait for any more: a verify would re-activate the domain.
    cx.state::<DomainActivity>().acted(DomainAct::Settled);
    let st = cx.client.domain_deactivate().await?;
    after(
        cx,
        &st,
        true,
        "Deactivated: sends fall back to the default sender (support@qflow.email) now; the DNS setup stays in place for a later activate.".into(),
    )
    .await
}

pub async fn domain_delete(cx: &Ctx) -> Result<DomainView> {
    cx.state::<DomainActivity>().acted(DomainAct::Settled);
    cx.client.domain_delete().await?;
    cx.domain_changed(None).await;
    let mut v = not_set_up(cx.info.demo);
    v.notice = Some("Deleted: sends use the default sender. Setting up a domain again (even the same one) gives new DNS records to publish.".into());
    Ok(v)
}

/// The records for a DNS admin: plain text, a BIND snippet, CSV.
pub async fn domain_export(cx: &Ctx) -> Result<DomainExport> {
    let d = fetch(cx).await?.ok_or_else(no_domain)?;
    Ok(DomainExport {
        plain_text: dns_export::plain_text(&d),
        bind: dns_export::bind_snippet(&d),
        csv: dns_export::csv(&d),
    })
}

pub(crate) fn no_domain() -> Error {
    Error::invalid("domain", "no custom domain is set up yet")
}
