//! DNS: name normalisation is idempotent; the pre-check names the right status for what DNS
//! answers (a fake resolver), and never panics on the API's values; the CSV and BIND exports
//! stay one record per row/line whatever the API sends.

use std::collections::HashMap;
use std::net::Ipv4Addr;

use proptest::prelude::*;
use qflow_core::dns::{normalize, precheck_report, BoxFuture, CheckStatus, DnsAnswer, Resolver};
use qflow_core::dns_export::{bind_snippet, checklist, csv, reason_name, relative_host, unicode};
use qflow_core::models::{DnsRecord, Domain};
use qflow_core::Result;

use crate::support::run;

/// Names as users and APIs write them: any case, trailing dots, spaces, IDNs, junk.
fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[a-zA-Z0-9.\\- _\t\n;=@]{0,30}",
        "([a-z0-9-]{1,10}\\.){1,4}[a-z]{2,6}\\.?",
        Just("bücher.example. . ".to_owned()),
    ]
}

#[test]
fn normalize_is_idempotent_and_canonical() {
    run(
        file!(),
        "dns_normalize",
        256,
        (name(), name()),
        |(a, zone)| {
            let n = normalize(&a);
            prop_assert_eq!(normalize(&n), n.clone());
            prop_assert!(
                !n.ends_with('.') && n.trim() == n && !n.bytes().any(|b| b.is_ascii_uppercase())
            );
            // Spelling variants of one name are one name.
            prop_assert_eq!(
                normalize(&format!(" {}. ", a.to_ascii_uppercase())),
                normalize(&a)
            );
            let rel = relative_host(&a, &zone);
            prop_assert_eq!(
                relative_host(&rel, &zone) == "@",
                rel == "@" || normalize(&zone) == rel
            );
            reason_name(&a);
            unicode(&a);
            Ok(())
        },
    );
}

/// A resolver answering from a map (keys normalised), empty for anything else.
struct Fake(HashMap<String, DnsAnswer>);

impl Resolver for Fake {
    fn lookup<'a>(&'a self, name: &'a str) -> BoxFuture<'a, Result<DnsAnswer>> {
        let answer = self.0.get(&normalize(name)).cloned().unwrap_or_default();
        Box::pin(async move { Ok(answer) })
    }
}

/// What DNS holds for the record, and the status the pre-check must give for it.
#[derive(Clone, Copy, Debug)]
enum Published {
    Right,
    ZoneAppendedToTarget,
    OtherTarget,
    Address { cloudflare: bool },
    Nothing,
    OneZoneTooDeep,
}

/// `name` in another spelling: case changed, trailing dot, surrounding spaces.
fn respell(name: &str, how: u8) -> String {
    let mut s = if how & 1 == 1 {
        name.to_ascii_uppercase()
    } else {
        name.to_owned()
    };
    if how & 2 == 2 {
        s.push('.');
    }
    if how & 4 == 4 {
        s = format!(" {s} ");
    }
    s
}

#[test]
fn precheck_names_what_dns_holds() {
    let label = "[a-z0-9]([a-z0-9-]{0,8}[a-z0-9])?";
    let strategy = (
        (label, label, label, label),
        prop::sample::select(vec![
            Published::Right,
            Published::ZoneAppendedToTarget,
            Published::OtherTarget,
            Published::Address { cloudflare: false },
            Published::Address { cloudflare: true },
            Published::Nothing,
            Published::OneZoneTooDeep,
        ]),
        (any::<u8>(), any::<u8>(), any::<u8>(), any::<u8>()),
    );
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime");
    run(
        file!(),
        "dns_precheck_oracle",
        256,
        strategy,
        |((zone_label, prefix, target, other), published, (s1, s2, s3, ip))| {
            let zone = format!("{zone_label}.example");
            let host = format!("{prefix}.{zone}");
            let expected = format!("{target}.wl1.sendgrid.net");
            let mut answers = HashMap::new();
            let cname = |c: String| DnsAnswer {
                cname: Some(c),
                ..DnsAnswer::default()
            };
            let want = match published {
                Published::Right => {
                    answers.insert(host.clone(), cname(respell(&expected, s3)));
                    CheckStatus::Ok
                }
                Published::ZoneAppendedToTarget => {
                    answers.insert(host.clone(), cname(format!("{expected}.{zone}")));
                    CheckStatus::TrailingDotIssue
                }
                Published::OtherTarget => {
                    answers.insert(host.clone(), cname(format!("{other}.x{expected}")));
                    CheckStatus::WrongTarget
                }
                Published::Address { cloudflare } => {
                    let first = if cloudflare { 104 } else { 10 };
                    let a = vec![Ipv4Addr::new(first, 16, ip, 1)];
                    answers.insert(
                        host.clone(),
                        DnsAnswer {
                            a,
                            ..DnsAnswer::default()
                        },
                    );
                    if cloudflare {
                        CheckStatus::Proxied
                    } else {
                        CheckStatus::ARecordInstead
                    }
                }
                Published::Nothing => CheckStatus::Missing,
                Published::OneZoneTooDeep => {
                    answers.insert(format!("{host}.{zone}"), cname(expected.clone()));
                    CheckStatus::ZoneAppendedTwice
                }
            };
            let record = DnsRecord {
                record_type: respell("cname", s1 & 1),
                host: respell(&host, s1),
                data: respell(&expected, s2),
                valid: false,
            };
            let report = rt.block_on(precheck_report(
                &respell(&zone, s2),
                &[record],
                &Fake(answers),
            ));
            prop_assert_eq!(report.checks.len(), 1);
            prop_assert_eq!(report.checks[0].status, want, "{:?}", report.checks[0]);
            prop_assert_eq!(report.all_ok, want == CheckStatus::Ok);
            Ok(())
        },
    );
}

fn record() -> impl Strategy<Value = DnsRecord> {
    (
        prop_oneof![Just("cname".to_owned()), name()],
        name(),
        name(),
        any::<bool>(),
    )
        .prop_map(|(record_type, host, data, valid)| DnsRecord {
            record_type,
            host,
            data,
            valid,
        })
}

fn domain() -> impl Strategy<Value = Domain> {
    (name(), prop::collection::vec(record(), 0..4)).prop_map(|(domain, dns_records)| Domain {
        id: 1,
        domain,
        verified: false,
        enabled: true,
        dns_records,
        extra: Default::default(),
    })
}

#[test]
fn precheck_and_exports_never_panic_and_stay_one_record_per_line() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime");
    let answers = (name(), name(), any::<[u8; 4]>());
    run(
        file!(),
        "dns_exports",
        256,
        (domain(), answers),
        |(d, (at, target, ip))| {
            let fake = Fake(HashMap::from([(
                normalize(&at),
                DnsAnswer {
                    cname: Some(target),
                    a: vec![Ipv4Addr::from(ip)],
                    ..DnsAnswer::default()
                },
            )]));
            let report = rt.block_on(precheck_report(&d.domain, &d.dns_records, &fake));
            prop_assert_eq!(report.checks.len(), d.dns_records.len());

            // CSV: a header and one row per record; no cell a spreadsheet would run; each cell
            // is the checklist's value, behind a `'` when a spreadsheet would run it.
            let out = csv(&d);
            let rows: Vec<csv::StringRecord> = csv::ReaderBuilder::new()
                .has_headers(false)
                .from_reader(out.as_bytes())
                .records()
                .collect::<std::result::Result<_, _>>()
                .expect("our CSV parses");
            let list = checklist(&d);
            prop_assert_eq!(rows.len(), list.len() + 1);
            for (row, r) in rows[1..].iter().zip(&list) {
                let want = [&r.record_type, &r.full_host, &r.relative_host, &r.value];
                prop_assert_eq!(row.len(), 4);
                for (cell, want) in row.iter().zip(want) {
                    prop_assert!(
                        !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                        "{:?}",
                        cell
                    );
                    let runs = want.starts_with(['=', '+', '-', '@', '\t', '\r']);
                    let expected = if runs {
                        format!("'{want}")
                    } else {
                        want.to_string()
                    };
                    prop_assert_eq!(cell, expected.as_str());
                }
            }

            // BIND: comment/$ORIGIN lines, then one line per record; nothing else can get in.
            let bind = bind_snippet(&d);
            let lines: Vec<&str> = bind.lines().collect();
            if lines.len() > 1 {
                prop_assert_eq!(lines.len(), 2 + list.len(), "{}", bind);
                for line in &lines[2..] {
                    let ok = line.starts_with("; left out:")
                        || line
                            .bytes()
                            .all(|b| b.is_ascii_alphanumeric() || b" -_.".contains(&b));
                    prop_assert!(ok, "{:?}", line);
                }
            }
            Ok(())
        },
    );
}
