//! The DNS pre-check against a real DNS server: hickory-server in-process on 127.0.0.1 (UDP and
//! TCP), serving zone files with the correct records and each usual mistake, queried through
//! the production `HickoryResolver`. No internet needed.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use hickory_server::net::runtime::TokioRuntimeProvider;
use hickory_server::proto::rr::{LowerName, Name};
use hickory_server::proto::serialize::txt::Parser;
use hickory_server::store::in_memory::InMemoryZoneHandler;
use hickory_server::zone_handler::{AxfrPolicy, Catalog, ZoneType};
use hickory_server::Server;
use qflow_core::dns::{precheck_report, CheckStatus, HickoryResolver, PrecheckReport};
use qflow_core::models::DnsRecord;

const MAIL: &str = "u44936656.wl157.sendgrid.net";
const DKIM1: &str = "s1.domainkey.u44936656.wl157.sendgrid.net";
const DKIM2: &str = "s2.domainkey.u44936656.wl157.sendgrid.net";

/// A zone file as a DNS admin would write it; `body` holds the three records (or mistakes).
fn zone_text(zone: &str, ns: &str, body: &str) -> String {
    format!(
        "$ORIGIN {zone}.\n$TTL 60\n\
         @ IN SOA ns1.{zone}. hostmaster.{zone}. 1 3600 600 86400 60\n\
         @ IN NS {ns}\n\
         {body}"
    )
}

fn handler(text: &str, zone: &str) -> Arc<InMemoryZoneHandler<TokioRuntimeProvider>> {
    let origin = Name::from_ascii(format!("{zone}.")).unwrap();
    let (origin, records) = Parser::new(text, None, Some(origin))
        .parse()
        .unwrap_or_else(|e| panic!("zone {zone}: {e}"));
    Arc::new(
        InMemoryZoneHandler::new(origin, records, ZoneType::Primary, AxfrPolicy::Deny).unwrap(),
    )
}

/// Serve every case's zone on one UDP + TCP port of 127.0.0.1.
async fn dns_server(zones: &[(String, String)]) -> (SocketAddr, Server<Catalog>) {
    let mut catalog = Catalog::new();
    for (zone, text) in zones {
        let name = LowerName::new(&Name::from_ascii(format!("{zone}.")).unwrap());
        catalog.upsert(name, vec![handler(text, zone)]);
    }
    let udp = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let addr = udp.local_addr().unwrap();
    let tcp = tokio::net::TcpListener::bind(addr).await.unwrap();
    let mut server = Server::new(catalog);
    server.register_socket(udp);
    server.register_listener(tcp, Duration::from_secs(5), 16);
    (addr, server)
}

fn records(zone: &str) -> Vec<DnsRecord> {
    [
        (format!("em8291.{zone}"), MAIL),
        (format!("s1._domainkey.{zone}"), DKIM1),
        (format!("s2._domainkey.{zone}"), DKIM2),
    ]
    .into_iter()
    .map(|(host, data)| DnsRecord {
        record_type: "cname".into(),
        host,
        data: data.into(),
        valid: false,
    })
    .collect()
}

fn statuses(r: &PrecheckReport) -> Vec<CheckStatus> {
    r.checks.iter().map(|c| c.status).collect()
}

#[tokio::test]
async fn precheck_against_a_real_dns_server() {
    let cases = [
        // Correct, as the guide's checklist says (values with the final dot in a zone file).
        (
            "good.test",
            "ns1.good.test.",
            format!(
                "em8291 IN CNAME {MAIL}.\ns1._domainkey IN CNAME {DKIM1}.\ns2._domainkey IN CNAME {DKIM2}.\n"
            ),
        ),
        // Full names typed where the zone is appended; the values also lack the final dot, so
        // the zone got appended to them too. And one record forgotten.
        (
            "twice.test",
            "ns-1.awsdns-01.com.",
            format!(
                "em8291.twice.test IN CNAME {MAIL}.\ns1._domainkey IN CNAME {DKIM1}\n"
            ),
        ),
        // A wrong target, an A record instead of a CNAME, and a Cloudflare proxy address.
        (
            "wrong.test",
            "ns1.wrong.test.",
            "em8291 IN CNAME u1.wl1.sendgrid.net.\ns1._domainkey IN A 203.0.113.7\ns2._domainkey IN A 104.21.3.4\n"
                .to_string(),
        ),
        // Nothing published yet (the zone exists, with a Cloudflare NS).
        ("empty.test", "kim.ns.cloudflare.com.", String::new()),
    ];
    let zones: Vec<(String, String)> = cases
        .iter()
        .map(|(z, ns, body)| (z.to_string(), zone_text(z, ns, body)))
        .collect();
    let (addr, mut server) = dns_server(&zones).await;
    let resolver = HickoryResolver::with_nameservers(&[addr]).unwrap();

    let good = precheck_report("good.test", &records("good.test"), &resolver).await;
    assert_eq!(statuses(&good), [CheckStatus::Ok; 3], "{good:#?}");
    assert!(good.all_ok);
    assert_eq!(
        good.checks[0].found.as_deref(),
        Some(format!("CNAME {MAIL}").as_str())
    );
    assert!(good.provider.is_none());

    let twice = precheck_report("twice.test", &records("twice.test"), &resolver).await;
    assert_eq!(
        statuses(&twice),
        [
            CheckStatus::ZoneAppendedTwice,
            CheckStatus::TrailingDotIssue,
            CheckStatus::Missing
        ],
        "{twice:#?}"
    );
    assert_eq!(
        twice.provider.as_ref().map(|p| p.id.as_str()),
        Some("route53")
    );
    assert!(
        twice.checks[0]
            .advice
            .contains("em8291.twice.test.twice.test")
            && twice.checks[0].advice.contains("Enter only \"em8291\""),
        "{}",
        twice.checks[0].advice
    );
    assert_eq!(
        twice.checks[1].found.as_deref(),
        Some(format!("CNAME {DKIM1}.twice.test").as_str())
    );
    assert!(twice.checks[1].advice.contains(&format!("\"{DKIM1}.\"")));
    assert!(twice.checks[2].advice.contains("host \"s2._domainkey\""));
    assert!(!twice.all_ok);

    let wrong = precheck_report("wrong.test", &records("wrong.test"), &resolver).await;
    assert_eq!(
        statuses(&wrong),
        [
            CheckStatus::WrongTarget,
            CheckStatus::ARecordInstead,
            CheckStatus::Proxied
        ],
        "{wrong:#?}"
    );
    assert_eq!(
        wrong.checks[0].found.as_deref(),
        Some("CNAME u1.wl1.sendgrid.net")
    );
    assert_eq!(wrong.checks[1].found.as_deref(), Some("A 203.0.113.7"));
    assert!(wrong.checks[2].advice.contains("DNS only"));

    let empty = precheck_report("empty.test", &records("empty.test"), &resolver).await;
    assert_eq!(statuses(&empty), [CheckStatus::Missing; 3], "{empty:#?}");
    let provider = empty.provider.as_ref().expect("NS from the real server");
    assert_eq!(provider.id, "cloudflare");
    assert_eq!(provider.nameservers, ["kim.ns.cloudflare.com"]);
    assert!(empty.checks[0].advice.contains("Cloudflare"));

    // Cancelled connection tasks may report an error on the way out; irrelevant here.
    let _ = server.shutdown_gracefully().await;
}

#[tokio::test]
async fn unreachable_server_is_lookup_failed_not_missing() {
    // A bound but silent UDP port: queries time out.
    let silent = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let addr = silent.local_addr().unwrap();
    let resolver =
        HickoryResolver::with_nameservers_timeout(&[addr], Duration::from_millis(300)).unwrap();
    let recs = records("gone.test");
    let report = tokio::time::timeout(
        Duration::from_secs(60),
        precheck_report("gone.test", &recs[..1], &resolver),
    )
    .await
    .expect("the resolver gives up on its own");
    assert_eq!(
        statuses(&report),
        [CheckStatus::LookupFailed],
        "{report:#?}"
    );
    assert!(!report.all_ok);
}
