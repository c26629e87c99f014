//! The custom sending domain screen: wizard, checklist (both host forms), local DNS pre-check,
//! "Verify with Qflow" with each reason next to its record, activate / deactivate / delete, the
//! exports for a DNS admin, and the status at a glance for the home screen.
//!
//! Demo mode answers the pre-check from the sandbox's simulated DNS (nothing the sandbox
//! invents exists in real DNS); `QFLOW_DNS_SERVER=host:port` points the pre-check at one DNS
//! server (tests, split-horizon setups), else the system resolver is used.

use std::net::SocketAddr;
use std::sync::Arc;

use qflow_core::dns::{self, BoxFuture, DnsAnswer, HickoryResolver, PrecheckReport, Resolver};
use qflow_core::dns_export::{self, ChecklistRecord};
use qflow_core::models::{Domain, DomainStatus, VerifyReason};
use qflow_core::validate;
use qflow_core::{Error, Result};
use serde::{Deserialize, Serialize};
use tauri::State;
use ts_rs::TS;

use super::handlers::AppState;

/// Where the domain stands, for the home screen.
#[derive(Serialize, Clone, Copy, Debug, PartialEq, Eq, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, export_to = "../ui/src/bindings/")]
pub enum DomainGlance {
    NotSetUp,
    WaitingForDns,
    Verified,
    Disabled,
}

impl DomainGlance {
    fn of(verified: bool, enabled: bool, ever_verified: bool) -> DomainGlance {
        match (verified, enabled) {
            (true, true) => DomainGlance::Verified,
            (true, false) => DomainGlance::Disabled,
            // Deactivated after a successful verify reads verified=false in some answers.
            (false, false) if ever_verified => DomainGlance::Disabled,
            _ => DomainGlance::WaitingForDns,
        }
    }
    pub(crate) fn label(self) -> &'static str {
        match self {
            DomainGlance::NotSetUp => "Not set up: emails come from the default sender",
            DomainGlance::WaitingForDns => "Waiting for DNS",
            DomainGlance::Verified => "Verified: emails can come from your domain",
            DomainGlance::Disabled => "Disabled: sends use the default sender",
        }
    }
}

/// `domain_status`: one line for the home screen.
#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../ui/src/bindings/")]
pub struct DomainStatusInfo {
    pub status: DomainGlance,
    pub label: String,
    /// Unicode form for display.
    pub domain: Option<String>,
}

/// The screen's state.
#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../ui/src/bindings/")]
pub struct DomainView {
    pub status: DomainGlance,
    pub label: String,
    /// ASCII (what DNS and the API use). None when not set up.
    pub domain: Option<String>,
    /// Unicode form (equal to `domain` unless it is an IDN).
    pub domain_unicode: Option<String>,
    pub verified: bool,
    pub enabled: bool,
    #[ts(inline)]
    pub records: Vec<ChecklistRecord>,
    /// Demo: the sandbox can "publish" the records for you.
    pub demo: bool,
    /// Set when create found a domain already configured.
    pub notice: Option<String>,
}

/// `domain_validate`: the wizard's live preview of both forms.
#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../ui/src/bindings/")]
pub struct DomainInput {
    pub ascii: String,
    pub unicode: String,
    pub is_idn: bool,
}

#[derive(Deserialize, Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../ui/src/bindings/")]
pub struct DomainRequest {
    pub domain: String,
}

/// One `/verify` reason, attached to its checklist record when it names one.
#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../ui/src/bindings/")]
pub struct RecordReason {
    /// `full_host` of the record, None when the reason names no record of ours.
    pub host: Option<String>,
    pub name: String,
    pub valid: bool,
    pub reason: Option<String>,
}

#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../ui/src/bindings/")]
pub struct DomainActionResult {
    pub view: DomainView,
    pub reasons: Vec<RecordReason>,
    /// What happened, in plain words.
    pub message: String,
}

#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../ui/src/bindings/")]
pub struct DomainExport {
    pub plain_text: String,
    pub bind: String,
    pub csv: String,
}

fn not_set_up(demo: bool) -> DomainView {
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

fn view_of(d: &Domain, demo: bool, ever_verified: bool) -> DomainView {
    let status = DomainGlance::of(d.verified, d.enabled, ever_verified);
    let unicode = dns_export::unicode(&d.domain);
    DomainView {
        status,
        label: status.label().into(),
        domain: Some(d.domain.clone()),
        domain_unicode: Some(unicode),
        verified: d.verified,
        enabled: d.enabled,
        records: dns_export::checklist(d),
        demo,
        notice: None,
    }
}

fn is_status(e: &Error, status: u16, code: Option<&str>) -> bool {
    matches!(e, Error::Api(a) if a.status == status && code.is_none_or(|c| a.code == c))
}

async fn fetch(state: &AppState) -> Result<Option<Domain>> {
    let s = state.current().await?;
    match s.client.domain_get().await {
        Ok(d) => Ok(Some(d)),
        Err(e) if is_status(&e, 404, None) => Ok(None),
        Err(e) => Err(e),
    }
}

async fn current_view(state: &AppState) -> Result<DomainView> {
    let demo = state.current().await?.info.demo;
    Ok(match fetch(state).await? {
        Some(d) => view_of(&d, demo, false),
        None => not_set_up(demo),
    })
}

pub async fn domain_get(state: &AppState) -> Result<DomainView> {
    current_view(state).await
}

pub async fn domain_status(state: &AppState) -> Result<DomainStatusInfo> {
    let v = current_view(state).await?;
    Ok(DomainStatusInfo {
        status: v.status,
        label: v.label,
        domain: v.domain_unicode,
    })
}

pub fn domain_validate(req: &DomainRequest) -> Result<DomainInput> {
    let d = validate::apex_domain("domain", &req.domain)?;
    Ok(DomainInput {
        is_idn: d.ascii != d.unicode,
        ascii: d.ascii,
        unicode: d.unicode,
    })
}

/// Create; a domain already configured (409) is shown instead, with what it means.
pub async fn domain_create(state: &AppState, req: DomainRequest) -> Result<DomainView> {
    let input = validate::apex_domain("domain", &req.domain)?;
    let s = state.current().await?;
    match s.client.domain_create(&input.ascii).await {
        Ok(d) => Ok(view_of(&d, s.info.demo, false)),
        Err(e) if is_status(&e, 409, Some("domain_already_configured")) => {
            let mut v = current_view(state).await?;
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
        Err(e) => Err(e),
    }
}

pub(crate) fn reasons_for(view: &DomainView, reasons: &[VerifyReason]) -> Vec<RecordReason> {
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

async fn after(
    state: &AppState,
    status: &DomainStatus,
    ever_verified: bool,
    message: String,
) -> Result<DomainActionResult> {
    let demo = state.current().await?.info.demo;
    let mut view = match fetch(state).await? {
        Some(d) => view_of(&d, demo, ever_verified),
        None => not_set_up(demo),
    };
    // The action's own answer is the freshest word on the flags.
    view.verified = status.verified;
    view.enabled = status.enabled;
    view.status = DomainGlance::of(status.verified, status.enabled, ever_verified);
    view.label = view.status.label().into();
    let reasons = reasons_for(&view, &status.reasons);
    Ok(DomainActionResult {
        view,
        reasons,
        message,
    })
}

pub async fn domain_verify(state: &AppState) -> Result<DomainActionResult> {
    let s = state.current().await?;
    let st = s.client.domain_verify().await?;
    let message = if st.verified {
        "Verified: sending from your domain is active.".to_owned()
    } else {
        format!(
            "Not verified yet: {} of the records did not check out at SendGrid. DNS changes can take minutes (occasionally up to 24 hours); there is no limit on verify attempts.",
            st.reasons.iter().filter(|r| !r.valid).count()
        )
    };
    after(state, &st, st.verified, message).await
}

pub async fn domain_activate(state: &AppState) -> Result<DomainActionResult> {
    let s = state.current().await?;
    let st = s.client.domain_activate().await?;
    after(
        state,
        &st,
        true,
        "Activated: templates with a From address under your domain send from it again (no DNS recheck was made).".into(),
    )
    .await
}

pub async fn domain_deactivate(state: &AppState) -> Result<DomainActionResult> {
    let s = state.current().await?;
    let st = s.client.domain_deactivate().await?;
    after(
        state,
        &st,
        true,
        "Deactivated: sends fall back to the default sender (support@qflow.email) now; the DNS setup stays in place for a later activate.".into(),
    )
    .await
}

pub async fn domain_delete(state: &AppState) -> Result<DomainView> {
    let s = state.current().await?;
    s.client.domain_delete().await?;
    let mut v = not_set_up(s.info.demo);
    v.notice = Some("Deleted: sends use the default sender. Setting up a domain again (even the same one) gives new DNS records to publish.".into());
    Ok(v)
}

pub async fn domain_export(state: &AppState) -> Result<DomainExport> {
    let d = fetch(state)
        .await?
        .ok_or_else(|| Error::invalid("domain", "no custom domain is set up yet"))?;
    Ok(DomainExport {
        plain_text: dns_export::plain_text(&d),
        bind: dns_export::bind_snippet(&d),
        csv: dns_export::csv(&d),
    })
}

/// The sandbox's idea of DNS: the records published correctly, or nothing.
struct DemoResolver {
    answers: Vec<(String, String)>,
}

impl Resolver for DemoResolver {
    fn lookup<'a>(&'a self, name: &'a str) -> BoxFuture<'a, Result<DnsAnswer>> {
        Box::pin(async move {
            let name = dns::normalize(name);
            let cname = self
                .answers
                .iter()
                .find(|(h, _)| *h == name)
                .map(|(_, v)| v.clone());
            Ok(DnsAnswer {
                cname,
                ..DnsAnswer::default()
            })
        })
    }
}

fn resolver() -> Result<Arc<dyn Resolver>> {
    if let Ok(v) = std::env::var("QFLOW_DNS_SERVER") {
        let addr: SocketAddr = v
            .trim()
            .parse()
            .map_err(|_| Error::invalid("QFLOW_DNS_SERVER", format!("'{v}' is not host:port")))?;
        return Ok(Arc::new(HickoryResolver::with_nameservers(&[addr])?));
    }
    Ok(Arc::new(HickoryResolver::from_system_conf()?))
}

pub async fn domain_precheck(state: &AppState) -> Result<PrecheckReport> {
    let s = state.current().await?;
    let d = fetch(state)
        .await?
        .ok_or_else(|| Error::invalid("domain", "no custom domain is set up yet"))?;
    let resolver: Arc<dyn Resolver> = if s.info.demo {
        let published = state
            .sandbox
            .lock()
            .await
            .as_ref()
            .is_some_and(|sb| sb.dns_published());
        let answers = if published {
            d.dns_records
                .iter()
                .map(|r| (dns::normalize(&r.host), dns::normalize(&r.data)))
                .collect()
        } else {
            Vec::new()
        };
        Arc::new(DemoResolver { answers })
    } else {
        resolver()?
    };
    Ok(dns::precheck_domain(&d, resolver.as_ref()).await)
}

/// Demo only: pretend the DNS admin published the records.
pub async fn demo_publish_dns(state: &AppState) -> Result<DomainView> {
    let s = state.current().await?;
    if !s.info.demo {
        return Err(Error::invalid(
            "demo",
            "only the demo can pretend to publish DNS records",
        ));
    }
    if let Some(sb) = state.sandbox.lock().await.as_ref() {
        sb.publish_dns(true);
    }
    current_view(state).await
}

/// The IPC surface (thin wrappers).
pub mod cmd {
    use super::*;
    use crate::app::recheck::RecheckState;
    use qflow_core::ops::recheck::Control;

    use crate::app::commands::{reply, Reply};

    #[tauri::command]
    pub async fn domain_get(state: State<'_, AppState>) -> Reply<DomainView> {
        reply("domain_get", super::domain_get(&state).await)
    }

    #[tauri::command]
    pub async fn domain_status(state: State<'_, AppState>) -> Reply<DomainStatusInfo> {
        reply("domain_status", super::domain_status(&state).await)
    }

    #[tauri::command]
    pub async fn domain_validate(req: DomainRequest) -> Reply<DomainInput> {
        reply("domain_validate", super::domain_validate(&req))
    }

    #[tauri::command]
    pub async fn domain_create(
        state: State<'_, AppState>,
        req: DomainRequest,
    ) -> Reply<DomainView> {
        reply("domain_create", super::domain_create(&state, req).await)
    }

    // The user acting starts the recheck cadence over, or ends it when nothing is left to wait
    // for (verified by hand, deactivated: a verify would re-activate, deleted).

    #[tauri::command]
    pub async fn domain_verify(
        state: State<'_, AppState>,
        rc: State<'_, RecheckState>,
    ) -> Reply<DomainActionResult> {
        let r = super::domain_verify(&state).await;
        match &r {
            Ok(r) if r.view.verified => rc.control(Control::Stop),
            _ => rc.control(Control::Reset),
        }
        reply("domain_verify", r)
    }

    #[tauri::command]
    pub async fn domain_activate(
        state: State<'_, AppState>,
        rc: State<'_, RecheckState>,
    ) -> Reply<DomainActionResult> {
        let r = super::domain_activate(&state).await;
        if r.is_ok() {
            rc.control(Control::Stop);
        }
        reply("domain_activate", r)
    }

    #[tauri::command]
    pub async fn domain_deactivate(
        state: State<'_, AppState>,
        rc: State<'_, RecheckState>,
    ) -> Reply<DomainActionResult> {
        rc.control(Control::Stop);
        reply("domain_deactivate", super::domain_deactivate(&state).await)
    }

    #[tauri::command]
    pub async fn domain_delete(
        state: State<'_, AppState>,
        rc: State<'_, RecheckState>,
    ) -> Reply<DomainView> {
        rc.control(Control::Stop);
        reply("domain_delete", super::domain_delete(&state).await)
    }

    #[tauri::command]
    pub async fn domain_export(state: State<'_, AppState>) -> Reply<DomainExport> {
        reply("domain_export", super::domain_export(&state).await)
    }

    #[tauri::command]
    pub async fn domain_precheck(state: State<'_, AppState>) -> Reply<PrecheckReport> {
        reply("domain_precheck", super::domain_precheck(&state).await)
    }

    #[tauri::command]
    pub async fn demo_publish_dns(
        state: State<'_, AppState>,
        rc: State<'_, RecheckState>,
    ) -> Reply<DomainView> {
        let r = super::demo_publish_dns(&state).await;
        rc.control(Control::Reset);
        reply("demo_publish_dns", r)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::handlers::demo_sign_in;
    use qflow_sandbox::SandboxConfig;

    fn state() -> AppState {
        crate::app::test_support::demo_state(SandboxConfig {
            attendees: 20,
            ..SandboxConfig::default()
        })
    }

    #[test]
    fn wizard_validates_and_shows_idn_in_both_forms() {
        let d = domain_validate(&DomainRequest {
            domain: "Bücher.example".into(),
        })
        .unwrap();
        assert_eq!(
            (d.ascii.as_str(), d.unicode.as_str(), d.is_idn),
            ("xn--bcher-kva.example", "bücher.example", true)
        );
        for bad in ["https://brand.com/x", "me@brand.com", "brand .com", ""] {
            let e = domain_validate(&DomainRequest { domain: bad.into() })
                .unwrap_err()
                .body();
            assert_eq!(e.field.as_deref(), Some("domain"), "{bad}");
        }
    }

    #[tokio::test]
    async fn demo_lifecycle_from_checklist_to_verified() {
        let st = state();
        demo_sign_in(&st).await.unwrap();

        // The seeded account already has an unverified domain.
        let v = domain_get(&st).await.unwrap();
        assert_eq!(v.status, DomainGlance::WaitingForDns);
        assert_eq!(v.records.len(), 3);
        let seeded = v.domain.clone().unwrap();
        assert_eq!(
            domain_status(&st).await.unwrap().status,
            DomainGlance::WaitingForDns
        );

        // Creating another one shows the existing one and says why.
        let again = domain_create(
            &st,
            DomainRequest {
                domain: "other-brand.com".into(),
            },
        )
        .await
        .unwrap();
        assert_eq!(again.domain.as_deref(), Some(seeded.as_str()));
        assert!(again.notice.unwrap().contains("one domain per account"));

        // Activate before any verify: the guide's 409.
        let e = domain_activate(&st).await.unwrap_err().body();
        assert_eq!(
            (e.status, e.code.as_str()),
            (Some(409), "domain_not_verified")
        );

        // Nothing published: pre-check says missing, verify gives a reason per record.
        let pre = domain_precheck(&st).await.unwrap();
        assert!(pre
            .checks
            .iter()
            .all(|c| c.status == dns::CheckStatus::Missing));
        let r = domain_verify(&st).await.unwrap();
        assert!(!r.view.verified);
        assert_eq!(r.reasons.len(), 3);
        let hosts: Vec<Option<String>> = r.reasons.iter().map(|x| x.host.clone()).collect();
        let expected: Vec<Option<String>> = v
            .records
            .iter()
            .map(|x| Some(x.full_host.clone()))
            .collect();
        assert_eq!(hosts, expected, "each reason sits next to its record");

        demo_publish_dns(&st).await.unwrap();
        assert!(domain_precheck(&st).await.unwrap().all_ok);
        let r = domain_verify(&st).await.unwrap();
        assert_eq!(r.view.status, DomainGlance::Verified);
        assert!(r.reasons.is_empty());

        let r = domain_deactivate(&st).await.unwrap();
        assert_eq!(r.view.status, DomainGlance::Disabled);
        assert!(r.message.contains("default sender"));
        let r = domain_activate(&st).await.unwrap();
        assert_eq!(r.view.status, DomainGlance::Verified);

        let x = domain_export(&st).await.unwrap();
        assert!(x.bind.contains(&format!("$ORIGIN {seeded}.")));
        assert_eq!(x.csv.lines().count(), 4);

        let gone = domain_delete(&st).await.unwrap();
        assert_eq!(gone.status, DomainGlance::NotSetUp);
        assert_eq!(
            domain_status(&st).await.unwrap().status,
            DomainGlance::NotSetUp
        );
        assert!(domain_export(&st).await.is_err());

        let fresh = domain_create(
            &st,
            DomainRequest {
                domain: "Bücher.example".into(),
            },
        )
        .await
        .unwrap();
        assert_eq!(fresh.domain.as_deref(), Some("xn--bcher-kva.example"));
        assert_eq!(fresh.domain_unicode.as_deref(), Some("bücher.example"));
        assert!(fresh.notice.is_none());
        assert_eq!(fresh.records[0].relative_host.len(), 6, "em + 4 digits");
        st.shutdown().await;
    }
}
