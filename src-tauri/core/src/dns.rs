//! DNS pre-check for the custom sending domain: before calling `/domain/verify`, look up the
//! three CNAMEs ourselves and name the usual mistakes (zone appended twice, missing trailing
//! dot on the target, wrong target, A/AAAA or a proxied Cloudflare record instead of a CNAME,
//! nothing published), with a tip for the DNS provider found in the zone's NS records.
//!
//! DNS sits behind the `Resolver` trait: `HickoryResolver` uses the system configuration
//! (`/etc/resolv.conf`); tests use a fake.

// `Error` is large (ApiError inline); boxing it is errors.rs's call, so allow it here.
#![allow(clippy::result_large_err)]

use serde::{Deserialize, Serialize};
use std::future::Future;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::pin::Pin;
use std::time::Duration;
use ts_rs::TS;

use crate::models::{DnsRecord, Domain};
use crate::{Error, Result};

/// How long one DNS query may take before the resolver tries again (twice) and gives up.
const QUERY_TIMEOUT: Duration = Duration::from_secs(5);

/// What DNS says about one name. Names are lowercase without the trailing dot.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DnsAnswer {
    pub cname: Option<String>,
    /// Only records at the name itself (not at a CNAME's target).
    pub a: Vec<Ipv4Addr>,
    pub aaaa: Vec<Ipv6Addr>,
    pub ns: Vec<String>,
}

impl DnsAnswer {
    pub fn is_empty(&self) -> bool {
        self.cname.is_none() && self.a.is_empty() && self.aaaa.is_empty()
    }
}

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A DNS lookup. A name that does not exist is an empty answer, not an error; errors are for
/// failures to ask (no network, timeout, SERVFAIL).
pub trait Resolver: Send + Sync {
    fn lookup<'a>(&'a self, name: &'a str) -> BoxFuture<'a, Result<DnsAnswer>>;
}

/// Lowercase, no trailing dot, trimmed. Idempotent: trailing dots and spaces are taken off
/// together (`"x. ."` is `x`, not `"x. "`).
pub fn normalize(name: &str) -> String {
    name.trim_start()
        .trim_end_matches(|c: char| c == '.' || c.is_whitespace())
        .to_ascii_lowercase()
}

/// hickory-resolver with the system's resolver configuration.
#[derive(Clone)]
pub struct HickoryResolver {
    inner: hickory_resolver::TokioResolver,
}

impl HickoryResolver {
    /// Nameservers from the system configuration (`/etc/resolv.conf` on Unix). hickory 0.26's
    /// `ResolverConfig::default()` has no nameservers, so the builder reads the system one.
    pub fn from_system_conf() -> Result<Self> {
        let builder =
            hickory_resolver::TokioResolver::builder_tokio().map_err(|e| Error::Network {
                endpoint: "DNS".into(),
                message: format!(
                    "could not read the system DNS configuration (/etc/resolv.conf): {e}"
                ),
            })?;
        Self::build(builder, QUERY_TIMEOUT)
    }

    /// Ask these servers only (UDP then TCP), e.g. a test DNS server on 127.0.0.1.
    pub fn with_nameservers(servers: &[SocketAddr]) -> Result<Self> {
        Self::with_nameservers_timeout(servers, QUERY_TIMEOUT)
    }

    /// [`Self::with_nameservers`] with another per-query time limit (tests of a silent server).
    pub fn with_nameservers_timeout(servers: &[SocketAddr], timeout: Duration) -> Result<Self> {
        use hickory_resolver::config::{ConnectionConfig, NameServerConfig, ResolverConfig};
        let name_servers = servers
            .iter()
            .map(|addr| {
                let mut udp = ConnectionConfig::udp();
                udp.port = addr.port();
                let mut tcp = ConnectionConfig::tcp();
                tcp.port = addr.port();
                NameServerConfig::new(addr.ip(), true, vec![udp, tcp])
            })
            .collect();
        let builder = hickory_resolver::TokioResolver::builder_with_config(
            ResolverConfig::from_name_servers(name_servers),
            hickory_resolver::net::runtime::TokioRuntimeProvider::default(),
        );
        Self::build(builder, timeout)
    }

    fn build(
        mut builder: hickory_resolver::ResolverBuilder<
            hickory_resolver::net::runtime::TokioRuntimeProvider,
        >,
        timeout: Duration,
    ) -> Result<Self> {
        // Fresh answers: the user just edited DNS and asks again.
        builder.options_mut().cache_size = 0;
        builder.options_mut().timeout = timeout;
        builder.options_mut().attempts = 2;
        let inner = builder.build().map_err(|e| Error::Network {
            endpoint: "DNS".into(),
            message: format!("could not start the DNS resolver: {e}"),
        })?;
        Ok(HickoryResolver { inner })
    }

    async fn query(
        &self,
        fqdn: &str,
        rtype: hickory_resolver::proto::rr::RecordType,
    ) -> Result<Vec<hickory_resolver::proto::rr::Record>> {
        match self.inner.lookup(fqdn, rtype).await {
            Ok(l) => Ok(l.answers().to_vec()),
            Err(e) if e.is_no_records_found() || e.is_nx_domain() => Ok(Vec::new()),
            Err(e) => Err(Error::Network {
                endpoint: format!("DNS {rtype} {}", fqdn.trim_end_matches('.')),
                message: e.to_string(),
            }),
        }
    }
}

impl Resolver for HickoryResolver {
    fn lookup<'a>(&'a self, name: &'a str) -> BoxFuture<'a, Result<DnsAnswer>> {
        use hickory_resolver::proto::rr::{RData, RecordType};
        Box::pin(async move {
            let name = normalize(name);
            // A trailing dot keeps resolv.conf's search domains out of it.
            let fqdn = format!("{name}.");
            let (cname, a, aaaa, ns) = tokio::join!(
                self.query(&fqdn, RecordType::CNAME),
                self.query(&fqdn, RecordType::A),
                self.query(&fqdn, RecordType::AAAA),
                self.query(&fqdn, RecordType::NS),
            );
            let at_name =
                |r: &hickory_resolver::proto::rr::Record| normalize(&r.name.to_string()) == name;
            let mut answer = DnsAnswer::default();
            for r in cname?.iter().filter(|r| at_name(r)) {
                if let RData::CNAME(c) = &r.data {
                    answer.cname = Some(normalize(&c.0.to_string()));
                }
            }
            // With a CNAME, the A/AAAA/NS queries chase its target, which an authoritative-only
            // server refuses: the CNAME is the answer, so those failures do not matter.
            let (a, aaaa, ns) = if answer.cname.is_some() {
                (
                    a.unwrap_or_default(),
                    aaaa.unwrap_or_default(),
                    ns.unwrap_or_default(),
                )
            } else {
                (a?, aaaa?, ns?)
            };
            for r in a.iter().filter(|r| at_name(r)) {
                if let RData::A(ip) = &r.data {
                    answer.a.push(ip.0);
                }
            }
            for r in aaaa.iter().filter(|r| at_name(r)) {
                if let RData::AAAA(ip) = &r.data {
                    answer.aaaa.push(ip.0);
                }
            }
            for r in ns.iter().filter(|r| at_name(r)) {
                if let RData::NS(n) = &r.data {
                    answer.ns.push(normalize(&n.0.to_string()));
                }
            }
            Ok(answer)
        })
    }
}

#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub enum CheckStatus {
    Ok,
    /// Nothing published at the host.
    Missing,
    /// A CNAME to something else.
    WrongTarget,
    /// A/AAAA records where a CNAME belongs.
    ARecordInstead,
    /// Published at `host.zone.zone` (full name typed into a field that appends the zone).
    ZoneAppendedTwice,
    /// The target got the zone appended (value entered without its trailing dot).
    TrailingDotIssue,
    /// A proxied (orange-cloud) Cloudflare record: answers with Cloudflare IPs, not the CNAME.
    Proxied,
    /// DNS could not be asked.
    LookupFailed,
    /// A record type the pre-check does not look up.
    NotChecked,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct RecordCheck {
    pub host: String,
    pub record_type: String,
    pub expected: String,
    /// What DNS answered, e.g. `CNAME x.sendgrid.net` or `A 104.16.1.1`.
    pub found: Option<String>,
    pub status: CheckStatus,
    /// What to do, in plain words.
    pub advice: String,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct DnsProvider {
    /// `cloudflare`, `route53`, `godaddy`, `google`, `namecheap`, `azure`, `ovh`.
    pub id: String,
    pub name: String,
    pub tip: String,
    pub nameservers: Vec<String>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct PrecheckReport {
    pub domain: String,
    pub provider: Option<DnsProvider>,
    pub checks: Vec<RecordCheck>,
    pub all_ok: bool,
}

const PROVIDERS: &[(&str, &str, &[&str], &str)] = &[
    ("cloudflare", "Cloudflare", &[".ns.cloudflare.com"],
     "Set each record's proxy status to \"DNS only\" (grey cloud); proxied records hide the CNAME and fail verification."),
    ("route53", "Amazon Route 53", &["awsdns-"],
     "In \"Record name\" type only the prefix (e.g. em8291); Route 53 appends the zone itself."),
    ("godaddy", "GoDaddy", &["domaincontrol.com"],
     "In \"Name\" enter only the prefix (e.g. em8291 or s1._domainkey); GoDaddy appends your domain."),
    ("google", "Google Cloud DNS", &["googledomains.com"],
     "Enter the prefix as the DNS name and the target with a trailing dot (e.g. u123.wl157.sendgrid.net.)."),
    ("namecheap", "Namecheap", &["registrar-servers.com"],
     "Advanced DNS → Host: only the prefix (e.g. em8291); Value: the full target, nothing else."),
    ("azure", "Azure DNS", &["azure-dns."],
     "Record set name: only the prefix (e.g. em8291); Alias: the full target."),
    ("ovh", "OVH", &["ovh.net", "anycast.me"],
     "Sub-domain: only the prefix; end the target with a dot (u123.wl157.sendgrid.net.) or OVH appends your domain."),
];

/// The provider whose nameservers serve `domain` (walking up to the registrable parent).
pub async fn detect_provider(domain: &str, resolver: &dyn Resolver) -> Option<DnsProvider> {
    let mut name = normalize(domain);
    loop {
        if let Ok(answer) = resolver.lookup(&name).await {
            if !answer.ns.is_empty() {
                return provider_from_ns(&answer.ns);
            }
        }
        match name.split_once('.') {
            Some((_, parent)) if parent.contains('.') => name = parent.to_owned(),
            _ => return None,
        }
    }
}

/// Match nameserver hostnames to a known provider.
pub fn provider_from_ns(ns: &[String]) -> Option<DnsProvider> {
    let ns: Vec<String> = ns.iter().map(|n| normalize(n)).collect();
    PROVIDERS.iter().find_map(|(id, name, needles, tip)| {
        ns.iter()
            .any(|n| needles.iter().any(|needle| n.contains(needle)))
            .then(|| DnsProvider {
                id: (*id).into(),
                name: (*name).into(),
                tip: (*tip).into(),
                nameservers: ns.clone(),
            })
    })
}

/// Check each record; see `precheck_report` for the provider too.
pub async fn precheck(
    domain: &str,
    records: &[DnsRecord],
    resolver: &dyn Resolver,
) -> Vec<RecordCheck> {
    precheck_report(domain, records, resolver).await.checks
}

pub async fn precheck_domain(domain: &Domain, resolver: &dyn Resolver) -> PrecheckReport {
    precheck_report(&domain.domain, &domain.dns_records, resolver).await
}

pub async fn precheck_report(
    domain: &str,
    records: &[DnsRecord],
    resolver: &dyn Resolver,
) -> PrecheckReport {
    let zone = normalize(domain);
    let provider = detect_provider(&zone, resolver).await;
    let mut checks = Vec::with_capacity(records.len());
    for r in records {
        checks.push(check_record(&zone, r, provider.as_ref(), resolver).await);
    }
    let all_ok = !checks.is_empty() && checks.iter().all(|c| c.status == CheckStatus::Ok);
    PrecheckReport {
        domain: zone,
        provider,
        checks,
        all_ok,
    }
}

async fn check_record(
    zone: &str,
    record: &DnsRecord,
    provider: Option<&DnsProvider>,
    resolver: &dyn Resolver,
) -> RecordCheck {
    let host = normalize(&record.host);
    let expected = normalize(&record.data);
    let rtype = record.record_type.to_ascii_uppercase();
    let prefix = host
        .strip_suffix(&format!(".{zone}"))
        .unwrap_or(&host)
        .to_owned();
    let tip = provider
        .map(|p| format!(" ({}: {})", p.name, p.tip))
        .unwrap_or_default();
    let make = |found: Option<String>, status: CheckStatus, advice: String| RecordCheck {
        host: host.clone(),
        record_type: rtype.clone(),
        expected: expected.clone(),
        found,
        status,
        advice,
    };
    if rtype != "CNAME" {
        return make(None, CheckStatus::NotChecked, format!("The pre-check only looks up CNAMEs; publish this {rtype} record as shown and run Verify."));
    }

    let answer = match resolver.lookup(&host).await {
        Ok(a) => a,
        Err(e) => {
            return make(
                None,
                CheckStatus::LookupFailed,
                format!(
                    "Could not look up {host} ({}); check the network and try again.",
                    match &e {
                        Error::Network { message, .. } => message.clone(),
                        other => other.body().message,
                    }
                ),
            )
        }
    };

    if let Some(cname) = answer.cname.as_deref().map(normalize) {
        let found = Some(format!("CNAME {cname}"));
        if cname == expected {
            return make(found, CheckStatus::Ok, "Published correctly.".into());
        }
        if cname == format!("{expected}.{zone}") {
            return make(
                found,
                CheckStatus::TrailingDotIssue,
                format!("The target became {cname}: your DNS provider appended {zone} because the value was entered without a trailing dot. Enter \"{expected}.\" (with the final dot) as the value.{tip}"),
            );
        }
        return make(found, CheckStatus::WrongTarget, format!("{host} points to {cname}; it must point to {expected}. Edit the CNAME's value.{tip}"));
    }

    if !answer.a.is_empty() || !answer.aaaa.is_empty() {
        let ips: Vec<IpAddr> = answer
            .a
            .iter()
            .map(|ip| IpAddr::V4(*ip))
            .chain(answer.aaaa.iter().map(|ip| IpAddr::V6(*ip)))
            .collect();
        let listed = ips
            .iter()
            .map(|ip| format!("{} {ip}", if ip.is_ipv4() { "A" } else { "AAAA" }))
            .collect::<Vec<_>>()
            .join(", ");
        let on_cloudflare =
            provider.is_some_and(|p| p.id == "cloudflare") || ips.iter().any(is_cloudflare_ip);
        if on_cloudflare {
            return make(
                Some(listed),
                CheckStatus::Proxied,
                format!("{host} answers with Cloudflare proxy addresses instead of the CNAME: in Cloudflare set this record's proxy status to \"DNS only\" (grey cloud), pointing to {expected}."),
            );
        }
        return make(
            Some(listed),
            CheckStatus::ARecordInstead,
            format!("{host} has an address record instead of a CNAME: delete the A/AAAA record and add a CNAME {prefix} → {expected}.{tip}"),
        );
    }

    // Nothing at the host: was it published one zone too deep?
    if host.ends_with(&format!(".{zone}")) {
        let doubled = format!("{host}.{zone}");
        if let Ok(deep) = resolver.lookup(&doubled).await {
            if !deep.is_empty() {
                let target_note = match deep.cname.as_deref().map(normalize) {
                    Some(c) if c == expected => String::new(),
                    Some(c) => format!(" Its value {c} is also wrong: it must be {expected}."),
                    None => format!(" It must also be a CNAME to {expected}."),
                };
                return make(
                    Some(match &deep.cname {
                        Some(c) => format!("CNAME {c} at {doubled}"),
                        None => format!("address record at {doubled}"),
                    }),
                    CheckStatus::ZoneAppendedTwice,
                    format!("The record was published as {doubled}: the full name was typed into a host field that appends {zone} again. Enter only \"{prefix}\" as the host.{target_note}{tip}"),
                );
            }
        }
    }
    make(
        None,
        CheckStatus::Missing,
        format!("Nothing is published at {host} yet. Add a CNAME with host \"{prefix}\" and value {expected}. New records usually appear within minutes (occasionally up to 24 hours).{tip}"),
    )
}

/// Cloudflare's published proxy ranges (https://www.cloudflare.com/ips/).
fn is_cloudflare_ip(ip: &IpAddr) -> bool {
    const V4: &[(u32, u8)] = &[
        (0xADF5_3000, 20), // 173.245.48.0/20
        (0x6715_F400, 22), // 103.21.244.0/22
        (0x6716_C800, 22), // 103.22.200.0/22
        (0x671F_0400, 22), // 103.31.4.0/22
        (0x8D65_4000, 18), // 141.101.64.0/18
        (0x6CA2_C000, 18), // 108.162.192.0/18
        (0xBE5D_F000, 20), // 190.93.240.0/20
        (0xBC72_6000, 20), // 188.114.96.0/20
        (0xC5EA_F000, 22), // 197.234.240.0/22
        (0xC629_8000, 17), // 198.41.128.0/17
        (0xA29E_0000, 15), // 162.158.0.0/15
        (0x6810_0000, 13), // 104.16.0.0/13
        (0x6818_0000, 14), // 104.24.0.0/14
        (0xAC40_0000, 13), // 172.64.0.0/13
        (0x8300_4800, 22), // 131.0.72.0/22
    ];
    const V6: &[(u128, u8)] = &[
        (0x2400_cb00 << 96, 32),
        (0x2606_4700 << 96, 32),
        (0x2803_f800 << 96, 32),
        (0x2405_b500 << 96, 32),
        (0x2405_8100 << 96, 32),
        (0x2a06_98c0 << 96, 29),
        (0x2c0f_f248 << 96, 32),
    ];
    match ip {
        IpAddr::V4(v4) => {
            let x = u32::from(*v4);
            V4.iter()
                .any(|(net, len)| x >> (32 - len) == net >> (32 - len))
        }
        IpAddr::V6(v6) => {
            let x = u128::from(*v6);
            V6.iter()
                .any(|(net, len)| x >> (128 - len) == net >> (128 - len))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    /// Found by the property tests: `"x. ."` normalised to `"x. "`, which normalised again
    /// to `x`, so two spellings of one host compared unequal.
    #[test]
    fn normalize_takes_off_trailing_dots_and_spaces_together() {
        for name in ["Em1.Brand.com. .", "em1.brand.com . ", " em1.brand.com..\t"] {
            assert_eq!(normalize(name), "em1.brand.com");
        }
        assert_eq!(normalize(&normalize("x. .")), normalize("x. ."));
    }

    #[derive(Default)]
    struct Fake {
        answers: HashMap<String, DnsAnswer>,
        failing: Vec<String>,
    }

    impl Fake {
        fn cname(mut self, host: &str, target: &str) -> Self {
            self.answers.entry(host.into()).or_default().cname = Some(target.into());
            self
        }
        fn a(mut self, host: &str, ip: &str) -> Self {
            self.answers
                .entry(host.into())
                .or_default()
                .a
                .push(ip.parse().unwrap());
            self
        }
        fn ns(mut self, zone: &str, servers: &[&str]) -> Self {
            self.answers.entry(zone.into()).or_default().ns =
                servers.iter().map(|s| s.to_string()).collect();
            self
        }
    }

    impl Resolver for Fake {
        fn lookup<'a>(&'a self, name: &'a str) -> BoxFuture<'a, Result<DnsAnswer>> {
            Box::pin(async move {
                let name = normalize(name);
                if self.failing.contains(&name) {
                    return Err(Error::Network {
                        endpoint: format!("DNS {name}"),
                        message: "timed out".into(),
                    });
                }
                Ok(self.answers.get(&name).cloned().unwrap_or_default())
            })
        }
    }

    fn records() -> Vec<DnsRecord> {
        [
            ("em8291.brand.com", "u44936656.wl157.sendgrid.net"),
            (
                "s1._domainkey.brand.com",
                "s1.domainkey.u44936656.wl157.sendgrid.net",
            ),
            (
                "s2._domainkey.brand.com",
                "s2.domainkey.u44936656.wl157.sendgrid.net",
            ),
        ]
        .iter()
        .map(|(h, d)| DnsRecord {
            record_type: "cname".into(),
            host: (*h).into(),
            data: (*d).into(),
            valid: false,
        })
        .collect()
    }

    fn statuses(checks: &[RecordCheck]) -> Vec<CheckStatus> {
        checks.iter().map(|c| c.status).collect()
    }

    #[tokio::test]
    async fn all_published_correctly() {
        let fake = Fake::default()
            .cname("em8291.brand.com", "u44936656.wl157.sendgrid.net")
            // Case and trailing dots do not matter.
            .cname(
                "s1._domainkey.brand.com",
                "S1.domainkey.u44936656.wl157.sendgrid.net.",
            )
            .cname(
                "s2._domainkey.brand.com",
                "s2.domainkey.u44936656.wl157.sendgrid.net",
            );
        let report = precheck_report("Brand.com.", &records(), &fake).await;
        assert_eq!(statuses(&report.checks), [CheckStatus::Ok; 3]);
        assert!(report.all_ok);
        assert!(report.provider.is_none());
    }

    #[tokio::test]
    async fn recognises_each_common_mistake() {
        let fake = Fake::default()
            .ns(
                "brand.com",
                &["ns-12.awsdns-01.com", "ns-900.awsdns-40.net"],
            )
            // Full name typed into a host field that appends the zone.
            .cname("em8291.brand.com.brand.com", "u44936656.wl157.sendgrid.net")
            // Target without trailing dot in a zone-file style provider.
            .cname(
                "s1._domainkey.brand.com",
                "s1.domainkey.u44936656.wl157.sendgrid.net.brand.com",
            )
            // Points somewhere else.
            .cname(
                "s2._domainkey.brand.com",
                "s2.domainkey.u1.wl1.sendgrid.net",
            );
        let checks = precheck("brand.com", &records(), &fake).await;
        assert_eq!(
            statuses(&checks),
            [
                CheckStatus::ZoneAppendedTwice,
                CheckStatus::TrailingDotIssue,
                CheckStatus::WrongTarget
            ]
        );
        assert!(
            checks[0].advice.contains("Enter only \"em8291\""),
            "{}",
            checks[0].advice
        );
        assert!(
            checks[0].advice.contains("Route 53"),
            "provider tip included: {}",
            checks[0].advice
        );
        assert_eq!(
            checks[0].found.as_deref(),
            Some("CNAME u44936656.wl157.sendgrid.net at em8291.brand.com.brand.com")
        );
        assert!(
            checks[1]
                .advice
                .contains("\"s1.domainkey.u44936656.wl157.sendgrid.net.\""),
            "{}",
            checks[1].advice
        );
        assert!(checks[2]
            .advice
            .contains("must point to s2.domainkey.u44936656.wl157.sendgrid.net"));
    }

    #[tokio::test]
    async fn address_records_proxied_or_plain_and_nothing() {
        let fake = Fake::default()
            .a("em8291.brand.com", "104.21.3.4") // Cloudflare proxy range
            .a("s1._domainkey.brand.com", "203.0.113.7");
        let checks = precheck("brand.com", &records(), &fake).await;
        assert_eq!(
            statuses(&checks),
            [
                CheckStatus::Proxied,
                CheckStatus::ARecordInstead,
                CheckStatus::Missing
            ]
        );
        assert!(checks[0].advice.contains("DNS only"));
        assert_eq!(checks[1].found.as_deref(), Some("A 203.0.113.7"));
        assert!(
            checks[2].advice.contains("host \"s2._domainkey\""),
            "{}",
            checks[2].advice
        );
    }

    #[tokio::test]
    async fn cloudflare_zone_makes_any_address_record_proxied() {
        let fake = Fake::default()
            .ns(
                "brand.com",
                &["ada.ns.cloudflare.com", "bob.ns.cloudflare.com"],
            )
            .a("em8291.brand.com", "198.51.100.1");
        let report = precheck_report("brand.com", &records()[..1], &fake).await;
        assert_eq!(report.provider.as_ref().unwrap().id, "cloudflare");
        assert_eq!(report.checks[0].status, CheckStatus::Proxied);
        assert!(!report.all_ok);
    }

    #[tokio::test]
    async fn lookup_failure_and_other_types() {
        let mut fake = Fake::default();
        fake.failing.push("em8291.brand.com".into());
        let mut recs = records();
        recs[1].record_type = "txt".into();
        let checks = precheck("brand.com", &recs[..2], &fake).await;
        assert_eq!(
            statuses(&checks),
            [CheckStatus::LookupFailed, CheckStatus::NotChecked]
        );
        assert!(checks[0].advice.contains("timed out"));
    }

    #[tokio::test]
    async fn providers_from_ns_including_parent_zone() {
        let cases = [
            ("ns1.domaincontrol.com", "godaddy"),
            ("ns-cloud-a1.googledomains.com", "google"),
            ("dns1.registrar-servers.com", "namecheap"),
            ("ns1-01.azure-dns.com", "azure"),
            ("dns10.ovh.net", "ovh"),
            ("ns-1.awsdns-1.org", "route53"),
            ("kim.ns.cloudflare.com.", "cloudflare"),
        ];
        for (ns, id) in cases {
            assert_eq!(provider_from_ns(&[ns.to_string()]).unwrap().id, id, "{ns}");
        }
        assert!(provider_from_ns(&["ns1.example.net".into()]).is_none());
        // NS live at the parent of a subdomain.
        let fake = Fake::default().ns("brand.com", &["ns1.domaincontrol.com"]);
        assert_eq!(
            detect_provider("mail.brand.com", &fake).await.unwrap().name,
            "GoDaddy"
        );
        assert!(detect_provider("other.org", &fake).await.is_none());
    }

    #[test]
    fn cloudflare_ranges() {
        assert!(is_cloudflare_ip(&"104.16.0.1".parse().unwrap()));
        assert!(is_cloudflare_ip(&"172.67.1.1".parse().unwrap()));
        assert!(is_cloudflare_ip(&"2606:4700::6810:1".parse().unwrap()));
        assert!(!is_cloudflare_ip(&"8.8.8.8".parse().unwrap()));
        assert!(!is_cloudflare_ip(&"2001:db8::1".parse().unwrap()));
    }

    #[tokio::test]
    async fn hickory_resolver_builds_from_system_conf_or_explicit_servers() {
        // No network: only construction is checked here; the real DNS-server test comes later.
        let _ = HickoryResolver::with_nameservers(&["127.0.0.1:5353".parse().unwrap()]).unwrap();
        if std::path::Path::new("/etc/resolv.conf").exists() {
            HickoryResolver::from_system_conf().unwrap();
        }
    }
}
