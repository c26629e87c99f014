use std::sync::{Arc, Mutex};
use std::time::Duration;

use qflow_sandbox::{Sandbox, SandboxConfig};

use super::*;
use crate::dns;
use crate::ops::ctx::{Ctx, CtxParts, Notifier, SignedIn, Silent, StoreLocation, SystemClock};
use crate::secrets::MemoryStore;
use crate::test_support::TestCtx;

pub(crate) async fn sandbox(attendees: usize) -> Sandbox {
    Sandbox::start(SandboxConfig {
        attendees,
        rate_limits: false,
        ..SandboxConfig::default()
    })
    .await
    .unwrap()
}

/// A client with its own budget: the process-wide one (Qflow's per-minute limit) would make
/// the tests running in parallel wait for each other.
fn client(sb: &Sandbox) -> crate::api::Client {
    crate::test_support::demo_client(sb, Some(crate::api::Budget::new(1000)))
}

/// A demo session over `sb`, its simulated DNS attached as the window and the CLI attach it.
pub(crate) fn session(sb: &Sandbox, notifier: Arc<dyn Notifier>) -> Arc<Ctx> {
    let cx = TestCtx {
        client: client(sb),
        notifier,
        ..TestCtx::over(sb)
    }
    .build();
    cx.state::<DemoDns>().attach(sb.dns_switch());
    cx
}

fn req(domain: &str) -> DomainRequest {
    DomainRequest {
        domain: domain.into(),
    }
}

#[test]
fn wizard_validates_and_shows_idn_in_both_forms() {
    let d = domain_validate(req("Bücher.example")).unwrap();
    assert_eq!(
        (d.ascii.as_str(), d.unicode.as_str(), d.is_idn),
        ("xn--bcher-kva.example", "bücher.example", true)
    );
    for bad in ["https://brand.com/x", "me@brand.com", "brand .com", ""] {
        let e = domain_validate(req(bad)).unwrap_err().body();
        assert_eq!(e.field.as_deref(), Some("domain"), "{bad}");
    }
}

#[tokio::test]
async fn create_rejects_bad_input_before_any_request_with_the_wizards_answer() {
    let sb = sandbox(5).await;
    let cx = session(&sb, Arc::new(Silent));
    for bad in ["https://brand.example.org/", "brand", "a b.example.org", ""] {
        let created = domain_create(&cx, req(bad)).await.unwrap_err().body();
        let validated = domain_validate(req(bad)).unwrap_err().body();
        assert_eq!(created, validated, "{bad}");
        assert_eq!(created.code, "invalid_input");
    }
    assert_eq!(sb.requests("POST", "/api/comms/domain"), 0);
    sb.shutdown().await;
}

#[tokio::test]
async fn a_create_whose_answer_was_lost_is_read_back() {
    let sb = sandbox(5).await;
    let cx = session(&sb, Arc::new(Silent));
    domain_delete(&cx).await.unwrap();
    let before = sb.requests("POST", "/api/comms/domain");
    let drop = |kind| qflow_sandbox::Fault {
        method: "POST".into(),
        path_prefix: "/api/comms/domain".into(),
        kind,
    };
    // Never reached Qflow: still unknown to the client, and the read-back finds nothing.
    sb.inject(drop(qflow_sandbox::FaultKind::DropBeforeRead));
    let e = domain_create(&cx, req("lost.example.org"))
        .await
        .unwrap_err();
    assert_eq!(e.code(), "outcome_unknown");
    assert!(e.body().next_step.starts_with("Reload the domain settings"));
    // Created, answer lost: shown as created, not as an error to retry.
    sb.inject(drop(qflow_sandbox::FaultKind::DropAfterRead));
    let v = domain_create(&cx, req("lost.example.org")).await.unwrap();
    assert_eq!(v.domain.as_deref(), Some("lost.example.org"));
    assert!(v.notice.unwrap().contains("read back"));
    assert_eq!(
        sb.requests("POST", "/api/comms/domain") - before,
        2,
        "one post each, never repeated"
    );
    sb.shutdown().await;
}

#[tokio::test]
async fn demo_lifecycle_from_checklist_to_verified() {
    let sb = sandbox(20).await;
    let st = session(&sb, Arc::new(Silent));

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
    let again = domain_create(&st, req("other-brand.com")).await.unwrap();
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

    let fresh = domain_create(&st, req("Bücher.example")).await.unwrap();
    assert_eq!(fresh.domain.as_deref(), Some("xn--bcher-kva.example"));
    assert_eq!(fresh.domain_unicode.as_deref(), Some("bücher.example"));
    assert!(fresh.notice.is_none());
    assert_eq!(fresh.records[0].relative_host.len(), 6, "em + 4 digits");
    sb.shutdown().await;
}

#[tokio::test]
async fn every_answer_refreshes_the_sessions_verified_domain() {
    let sb = sandbox(5).await;
    let cx = session(&sb, Arc::new(Silent));
    let cached = |cx: &Arc<Ctx>| {
        let cx = Arc::clone(cx);
        async move { cx.cached_domain(Duration::from_secs(3600)).await }
    };
    let seeded = domain_get(&cx).await.unwrap().domain.unwrap();
    assert_eq!(cached(&cx).await, Some(None), "read, and not verified");

    // The studio read "none verified" a moment ago; verifying here must not wait out its TTL.
    demo_publish_dns(&cx).await.unwrap();
    domain_verify(&cx).await.unwrap();
    assert_eq!(cached(&cx).await, Some(Some(seeded.clone())));
    assert_eq!(cx.verified_domain(false).await.unwrap(), Some(seeded));

    domain_delete(&cx).await.unwrap();
    assert_eq!(cached(&cx).await, Some(None));
    let requests = sb.requests("GET", "/api/comms/domain");
    assert_eq!(cx.verified_domain(false).await.unwrap(), None);
    assert_eq!(
        sb.requests("GET", "/api/comms/domain"),
        requests,
        "answered from the session"
    );
    sb.shutdown().await;
}

#[tokio::test]
async fn the_user_acting_is_told_to_the_listener() {
    let sb = sandbox(5).await;
    let cx = session(&sb, Arc::new(Silent));
    let heard = Arc::new(Mutex::new(Vec::new()));
    let h = Arc::clone(&heard);
    cx.state::<DomainActivity>()
        .listen(move |a| h.lock().unwrap().push(a));

    domain_verify(&cx).await.unwrap(); // nothing published: not verified
    demo_publish_dns(&cx).await.unwrap();
    domain_verify(&cx).await.unwrap();
    domain_deactivate(&cx).await.unwrap();
    domain_activate(&cx).await.unwrap();
    domain_delete(&cx).await.unwrap();
    use DomainAct::*;
    assert_eq!(
        *heard.lock().unwrap(),
        [Retried, Retried, Settled, Settled, Settled, Settled]
    );
    sb.shutdown().await;
}

#[tokio::test]
async fn only_the_demo_publishes_dns_and_a_session_without_a_sandbox_sees_nothing_published() {
    let sb = sandbox(5).await;
    let cx = session(&sb, Arc::new(Silent));
    let mut real = Ctx::new(CtxParts {
        info: SignedIn {
            demo: false,
            ..cx.info.clone()
        },
        client: client(&sb),
        secrets: Arc::new(MemoryStore::new()),
        store: StoreLocation::Memory,
        clock: Arc::new(SystemClock),
        notifier: Arc::new(Silent),
    });
    let e = demo_publish_dns(&real).await.unwrap_err().body();
    assert_eq!(e.field.as_deref(), Some("demo"));
    assert!(!sb.dns_published());

    // A demo session nobody attached a sandbox to: the pre-check finds nothing.
    real = Ctx::new(CtxParts {
        info: cx.info.clone(),
        client: client(&sb),
        secrets: Arc::new(MemoryStore::new()),
        store: StoreLocation::Memory,
        clock: Arc::new(SystemClock),
        notifier: Arc::new(Silent),
    });
    sb.publish_dns(true);
    assert!(!domain_precheck(&real).await.unwrap().all_ok);
    assert!(domain_precheck(&cx).await.unwrap().all_ok);
    sb.shutdown().await;
}
