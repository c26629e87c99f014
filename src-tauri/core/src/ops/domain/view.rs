//! Reading the account's domain into the screen's view. Every answer about the domain also
//! refreshes the session's verified-domain cache, so the studio's fromAddress check sees a
//! domain verified (or deleted) a moment ago.

use crate::dns_export;
use crate::models::{Domain, DomainStatus, VerifyReason};
use crate::ops::ctx::Ctx;
use crate::{Error, Result};

use super::types::{DomainGlance, DomainView, RecordReason};

pub(crate) fn not_set_up(demo: bool) -> DomainView {
    DomainView {
        status: DomainGlance::NotSetUp,
        label: DomainGlance::NotSetUp.label().into(),
        domain: None,
        domain_unicode: None,
        verified: false,
        enabled: false,
        records: Vec::new(),
        demo,
        notice: None,
    }
}

pub(crate) fn view_of(d: &Domain, demo: bool, ever_verified: bool) -> DomainView {
    let status = DomainGlance::of(d.verified, d.enabled, ever_verified);
    DomainView {
        status,
        label: status.label().into(),
        domain: Some(d.domain.clone()),
        domain_unicode: Some(dns_export::unicode(&d.domain)),
        verified: d.verified,
        enabled: d.enabled,
        records: dns_export::checklist(d),
        demo,
        notice: None,
    }
}

/// A `/verify`-style answer's flags, the freshest word on them, laid over `view`.
pub fn apply_status(view: &mut DomainView, st: &DomainStatus, ever_verified: bool) {
    view.verified = st.verified;
    view.enabled = st.enabled;
    view.status = DomainGlance::of(st.verified, st.enabled, ever_verified);
    view.label = view.status.label().into();
}

/// Each `/verify` reason next to the checklist record it names.
pub fn reasons_for(view: &DomainView, reasons: &[VerifyReason]) -> Vec<RecordReason> {
    dns_export::reasons_by_record(&view.records, reasons)
        .into_iter()
        .map(|(i, r)| RecordReason {
            host: i.map(|i| view.records[i].full_host.clone()),
            name: r.name.clone(),
            valid: r.valid,
            reason: r.reason.clone(),
        })
        .collect()
}

pub(crate) fn is_status(e: &Error, status: u16, code: Option<&str>) -> bool {
    matches!(e, Error::Api(a) if a.status == status && code.is_none_or(|c| a.code == c))
}

/// The account's domain (None = not set up), noted in the session's cache.
pub(crate) async fn fetch(cx: &Ctx) -> Result<Option<Domain>> {
    let d = match cx.client.domain_get().await {
        Ok(d) => Some(d),
        Err(e) if is_status(&e, 404, None) => None,
        Err(e) => return Err(e),
    };
    cx.domain_changed(
        d.as_ref()
            .and_then(|d| d.verified.then(|| d.domain.clone())),
    )
    .await;
    Ok(d)
}

/// The domain as the screen shows it.
pub(crate) async fn current_view(cx: &Ctx) -> Result<DomainView> {
    Ok(match fetch(cx).await? {
        Some(d) => view_of(&d, cx.info.demo, false),
        None => not_set_up(cx.info.demo),
    })
}

/// The verified domain as `view` says it (after an action's own answer was laid over it).
pub(crate) async fn note_view(cx: &Ctx, view: &DomainView) {
    let verified = view.domain.clone().filter(|_| view.verified);
    cx.domain_changed(verified).await;
}
