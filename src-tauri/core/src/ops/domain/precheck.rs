//! The local DNS pre-check before asking Qflow to verify, and the demo's simulated DNS.
//!
//! Demo mode answers the pre-check from the sandbox's simulated DNS (nothing the sandbox
//! invents exists in real DNS): whoever starts the sandbox attaches its "records published"
//! switch to the session ([`DemoDns`]). Otherwise `dns_server` (the CLI's `--dns-server`),
//! else `QFLOW_DNS_SERVER=host:port` (tests, split-horizon setups), else the system resolver.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use crate::dns::{self, BoxFuture, DnsAnswer, HickoryResolver, PrecheckReport, Resolver};
use crate::ops::ctx::{Ctx, SessionState};
use crate::{Error, Result};

use super::activity::{DomainAct, DomainActivity};
use super::lifecycle::no_domain;
use super::types::DomainView;
use super::view::{current_view, fetch};

/// The demo sandbox's "records published" switch, attached to a demo session by whoever
/// started the sandbox (the window, the CLI's `--demo`).
#[derive(Default)]
pub struct DemoDns {
    published: Mutex<Option<&'static AtomicBool>>,
}

impl SessionState for DemoDns {}

impl DemoDns {
    /// `published` may live in memory shared with the sandbox's process (the window's demo).
    pub fn attach(&self, published: &'static AtomicBool) {
        *self.lock() = Some(published);
    }

    /// Whether the records are "published" (false when no sandbox is attached).
    pub fn published(&self) -> bool {
        self.lock()
            .as_ref()
            .is_some_and(|p| p.load(Ordering::SeqCst))
    }

    /// Pretend the DNS admin published the records; false when no sandbox is attached.
    pub fn publish(&self) -> bool {
        match self.lock().as_ref() {
            Some(p) => {
                p.store(true, Ordering::SeqCst);
                true
            }
            None => false,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<&'static AtomicBool>> {
        self.published.lock().unwrap_or_else(|e| e.into_inner())
    }
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

fn real_resolver(dns_server: Option<SocketAddr>) -> Result<Arc<dyn Resolver>> {
    let server = match dns_server {
        Some(addr) => Some(addr),
        None => match std::env::var("QFLOW_DNS_SERVER") {
            Ok(v) => Some(v.trim().parse().map_err(|_| {
                Error::invalid("QFLOW_DNS_SERVER", format!("'{v}' is not host:port"))
            })?),
            Err(_) => None,
        },
    };
    Ok(match server {
        Some(addr) => Arc::new(HickoryResolver::with_nameservers(&[addr])?),
        None => Arc::new(HickoryResolver::from_system_conf()?),
    })
}

/// `domain_precheck`: the window's pre-check (resolver from the environment).
pub async fn domain_precheck(cx: &Ctx) -> Result<PrecheckReport> {
    precheck(cx, None).await
}

/// The pre-check of the three CNAMEs, asking `dns_server` when given (the CLI's `--dns-server`).
pub async fn precheck(cx: &Ctx, dns_server: Option<SocketAddr>) -> Result<PrecheckReport> {
    let d = fetch(cx).await?.ok_or_else(no_domain)?;
    let resolver: Arc<dyn Resolver> = if cx.info.demo {
        let answers = if cx.state::<DemoDns>().published() {
            d.dns_records
                .iter()
                .map(|r| (dns::normalize(&r.host), dns::normalize(&r.data)))
                .collect()
        } else {
            Vec::new()
        };
        Arc::new(DemoResolver { answers })
    } else {
        real_resolver(dns_server)?
    };
    Ok(dns::precheck_domain(&d, resolver.as_ref()).await)
}

/// Demo only: pretend the DNS admin published the records (a waiting recheck starts over).
pub async fn demo_publish_dns(cx: &Ctx) -> Result<DomainView> {
    let r = publish(cx).await;
    cx.state::<DomainActivity>().acted(DomainAct::Retried);
    r
}

async fn publish(cx: &Ctx) -> Result<DomainView> {
    if !cx.info.demo {
        return Err(Error::invalid(
            "demo",
            "only the demo can pretend to publish DNS records",
        ));
    }
    cx.state::<DemoDns>().publish();
    current_view(cx).await
}
