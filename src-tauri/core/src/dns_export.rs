//! The custom domain's DNS records in the forms people need: each host both as a full name and
//! relative to the zone (providers differ in which they want), the verify reasons attached to
//! their record, and "send to my DNS admin" exports (plain-text instructions, a BIND zone-file
//! snippet, CSV).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::dns::normalize;
use crate::models::{DnsRecord, Domain, VerifyReason};

/// One record of the checklist.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct ChecklistRecord {
    /// Upper case, e.g. `CNAME`.
    pub record_type: String,
    /// `em8291.yourbrand.com` (ASCII, as DNS wants it).
    pub full_host: String,
    /// `em8291`: what a host field that appends the zone wants (`@` for the apex itself).
    pub relative_host: String,
    /// The full host in Unicode when the zone is an IDN (else equal to `full_host`).
    pub unicode_host: String,
    /// `u44936656.wl157.sendgrid.net`.
    pub value: String,
    /// `u44936656.wl157.sendgrid.net.`: zone-file style providers append the zone otherwise.
    pub value_with_dot: String,
    /// `mail_cname`, `dkim1`, `dkim2`: the name `/verify` uses for this record.
    pub reason_name: String,
    /// Qflow's last word on it (`dnsRecords[].valid`).
    pub valid: bool,
}

/// `em8291` for `em8291.brand.com` in zone `brand.com`; `@` for the zone itself; the full name
/// when it is outside the zone.
pub fn relative_host(host: &str, zone: &str) -> String {
    let (host, zone) = (normalize(host), normalize(zone));
    if host == zone {
        return "@".into();
    }
    match host.strip_suffix(&format!(".{zone}")) {
        Some(prefix) if !prefix.is_empty() => prefix.to_owned(),
        _ => host,
    }
}

/// The `/verify` reason name for a record: `dkim1`/`dkim2` for `s1`/`s2._domainkey`, else
/// `mail_cname` (the `em*` routing record).
pub fn reason_name(host: &str) -> String {
    let h = normalize(host);
    if h.starts_with("s1._domainkey.") {
        "dkim1".into()
    } else if h.starts_with("s2._domainkey.") {
        "dkim2".into()
    } else {
        "mail_cname".into()
    }
}

/// The Unicode form of an IDN name (unchanged when it is not one).
pub fn unicode(name: &str) -> String {
    let (u, result) = idna::domain_to_unicode(name);
    if result.is_ok() {
        u
    } else {
        name.to_owned()
    }
}

pub fn checklist(domain: &Domain) -> Vec<ChecklistRecord> {
    domain
        .dns_records
        .iter()
        .map(|r| record(&domain.domain, r))
        .collect()
}

fn record(zone: &str, r: &DnsRecord) -> ChecklistRecord {
    let full = normalize(&r.host);
    let value = normalize(&r.data);
    ChecklistRecord {
        record_type: r.record_type.to_ascii_uppercase(),
        relative_host: relative_host(&full, zone),
        unicode_host: unicode(&full),
        value_with_dot: format!("{value}."),
        reason_name: reason_name(&full),
        valid: r.valid,
        full_host: full,
        value,
    }
}

/// Attach each verify reason to its record: by the host quoted in the reason text, else by the
/// reason name. Reasons that match no record are returned under `None`.
pub fn reasons_by_record<'a>(
    records: &[ChecklistRecord],
    reasons: &'a [VerifyReason],
) -> Vec<(Option<usize>, &'a VerifyReason)> {
    reasons
        .iter()
        .map(|reason| {
            let text = reason.reason.as_deref().unwrap_or("").to_ascii_lowercase();
            let by_host = records
                .iter()
                .position(|r| text.contains(&format!("\"{}\"", r.full_host)));
            let by_name = || records.iter().position(|r| r.reason_name == reason.name);
            (by_host.or_else(by_name), reason)
        })
        .collect()
}

/// Instructions for whoever edits the DNS, with both host forms.
pub fn plain_text(domain: &Domain) -> String {
    let zone = normalize(&domain.domain);
    let uni = unicode(&zone);
    let shown = if uni != zone {
        format!("{zone} ({uni})")
    } else {
        zone.clone()
    };
    let records = checklist(domain);
    let mut out = format!(
        "Please add these {} DNS records to the zone {shown}.\n\
         They let our event emails be sent from @{uni} (SendGrid domain authentication via Qflow).\n\n",
        records.len()
    );
    for (i, r) in records.iter().enumerate() {
        out.push_str(&format!(
            "{}. Type: {}\n   Host (full name):        {}\n   Host (relative to zone): {}\n   Value / points to:       {}\n\n",
            i + 1,
            r.record_type,
            r.full_host,
            r.relative_host,
            r.value
        ));
    }
    out.push_str(
        "Notes:\n\
         - If your DNS tool adds the domain to the host automatically, enter only the relative name; \
         otherwise the record ends up at e.g. em1234.example.com.example.com.\n\
         - Zone-file style tools need the value with a final dot (e.g. u123.wl157.sendgrid.net.).\n\
         - Publish them as CNAME records, not A records; on Cloudflare set them to \"DNS only\" (not proxied).\n\
         - Changes usually appear within minutes, occasionally up to 24 hours. Please tell me when they are in place.\n",
    );
    out
}

/// A name as DNS writes it: letters, digits, `-`, `_` and dots (IDNs in their ASCII form). The
/// API's values are written into zone files and spreadsheets only when they are one: a newline
/// or a `;` in a value would add lines of its own to the admin's zone.
fn is_dns_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 253
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// A CSV cell a spreadsheet will not run: one starting with `=`, `+`, `-`, `@`, a tab or a
/// carriage return is prefixed with `'` (shown as text).
pub(crate) fn csv_cell(s: &str) -> String {
    match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{s}"),
        _ => s.to_owned(),
    }
}

/// A BIND zone-file snippet (`$ORIGIN` + relative names + values with the final dot). A record
/// whose type, name or value is not a plain DNS name is left out, with a comment saying so.
pub fn bind_snippet(domain: &Domain) -> String {
    let zone = normalize(&domain.domain);
    if !is_dns_name(&zone) {
        return "; Qflow sending domain authentication: the domain is not a DNS name; nothing to add.\n".into();
    }
    let records = checklist(domain);
    let width = records
        .iter()
        .map(|r| r.relative_host.len())
        .max()
        .unwrap_or(0);
    let mut out = format!("; Qflow sending domain authentication for {zone}\n$ORIGIN {zone}.\n");
    for r in &records {
        let plain = r.record_type.bytes().all(|b| b.is_ascii_alphanumeric())
            && is_dns_name(&r.full_host)
            && is_dns_name(&r.value);
        if !plain {
            out.push_str(
                "; left out: a record whose name or value is not a DNS name (ask Qflow support)\n",
            );
            continue;
        }
        // Records outside the zone keep their full name, written absolute.
        let name = if r.relative_host == r.full_host {
            format!("{}.", r.full_host)
        } else {
            r.relative_host.clone()
        };
        out.push_str(&format!(
            "{name:<width$}  3600  IN  {}  {}\n",
            r.record_type, r.value_with_dot
        ));
    }
    out
}

/// CSV with a header row: `type,host,relative_host,value`.
pub fn csv(domain: &Domain) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record(["type", "host", "relative_host", "value"]);
    for r in checklist(domain) {
        let _ = w.write_record(
            [&r.record_type, &r.full_host, &r.relative_host, &r.value].map(|c| csv_cell(c)),
        );
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn domain(zone: &str) -> Domain {
        let rec = |h: &str, d: &str| DnsRecord {
            record_type: "cname".into(),
            host: format!("{h}.{zone}"),
            data: d.into(),
            valid: false,
        };
        Domain {
            id: 44936656,
            domain: zone.into(),
            verified: false,
            enabled: false,
            dns_records: vec![
                rec("em8291", "u44936656.wl157.sendgrid.net"),
                rec("s1._domainkey", "s1.domainkey.u44936656.wl157.sendgrid.net"),
                rec(
                    "s2._domainkey",
                    "s2.domainkey.u44936656.wl157.sendgrid.net.",
                ),
            ],
            extra: Default::default(),
        }
    }

    #[test]
    fn relative_names() {
        assert_eq!(relative_host("em8291.brand.com", "brand.com"), "em8291");
        assert_eq!(
            relative_host("S1._domainkey.Brand.com.", "brand.com"),
            "s1._domainkey"
        );
        assert_eq!(relative_host("brand.com", "brand.com."), "@");
        assert_eq!(relative_host("x.other.org", "brand.com"), "x.other.org");
        // A suffix that is not a label boundary is not the zone.
        assert_eq!(
            relative_host("em1.notbrand.com", "brand.com"),
            "em1.notbrand.com"
        );
    }

    #[test]
    fn checklist_has_both_forms_and_reason_names() {
        let c = checklist(&domain("brand.com"));
        assert_eq!(c.len(), 3);
        assert_eq!(c[0].record_type, "CNAME");
        assert_eq!(c[0].full_host, "em8291.brand.com");
        assert_eq!(c[0].relative_host, "em8291");
        assert_eq!(c[0].value_with_dot, "u44936656.wl157.sendgrid.net.");
        assert_eq!(
            c[2].value, "s2.domainkey.u44936656.wl157.sendgrid.net",
            "dot trimmed"
        );
        let names: Vec<&str> = c.iter().map(|r| r.reason_name.as_str()).collect();
        assert_eq!(names, ["mail_cname", "dkim1", "dkim2"]);
    }

    #[test]
    fn idn_zone_shown_in_both_forms() {
        let d = domain("xn--bcher-kva.example");
        let c = checklist(&d);
        assert_eq!(c[0].unicode_host, "em8291.bücher.example");
        assert_eq!(c[0].full_host, "em8291.xn--bcher-kva.example");
        let text = plain_text(&d);
        assert!(
            text.contains("xn--bcher-kva.example (bücher.example)"),
            "{text}"
        );
    }

    #[test]
    fn reasons_attach_to_their_record() {
        let c = checklist(&domain("brand.com"));
        let reasons = vec![
            VerifyReason {
                name: "dkim2".into(),
                valid: false,
                reason: Some(
                    "Expected CNAME for \"s2._domainkey.brand.com\" to match \"x\".".into(),
                ),
            },
            VerifyReason {
                name: "mail_cname".into(),
                valid: false,
                reason: None,
            },
            VerifyReason {
                name: "spf".into(),
                valid: false,
                reason: Some("something else".into()),
            },
        ];
        let m: Vec<Option<usize>> = reasons_by_record(&c, &reasons)
            .iter()
            .map(|(i, _)| *i)
            .collect();
        assert_eq!(m, [Some(2), Some(0), None]);
    }

    #[test]
    fn exports() {
        let d = domain("brand.com");
        let text = plain_text(&d);
        assert!(
            text.contains("Host (full name):        em8291.brand.com"),
            "{text}"
        );
        assert!(
            text.contains("Host (relative to zone): s1._domainkey"),
            "{text}"
        );
        assert!(
            text.contains("Value / points to:       s2.domainkey.u44936656.wl157.sendgrid.net\n")
        );
        assert!(text.contains("DNS only"));

        let bind = bind_snippet(&d);
        let lines: Vec<&str> = bind.lines().collect();
        assert_eq!(lines[1], "$ORIGIN brand.com.");
        assert_eq!(
            lines[2],
            "em8291         3600  IN  CNAME  u44936656.wl157.sendgrid.net."
        );
        assert_eq!(
            lines[4],
            "s2._domainkey  3600  IN  CNAME  s2.domainkey.u44936656.wl157.sendgrid.net."
        );

        let csv_text = csv(&d);
        let mut r = csv::Reader::from_reader(csv_text.as_bytes());
        let rows: Vec<csv::StringRecord> = r.records().map(|x| x.unwrap()).collect();
        assert_eq!(
            r.headers().unwrap(),
            vec!["type", "host", "relative_host", "value"]
        );
        assert_eq!(rows.len(), 3);
        assert_eq!(&rows[1][1], "s1._domainkey.brand.com");
        assert_eq!(&rows[1][2], "s1._domainkey");
        assert_eq!(&rows[1][3], "s1.domainkey.u44936656.wl157.sendgrid.net");
    }

    #[test]
    fn api_values_cannot_run_in_a_spreadsheet_or_add_zone_lines() {
        let mut d = domain("example.com");
        d.dns_records[0].host = "=HYPERLINK(\"https://evil.example\")".into();
        d.dns_records[1].data = "u1.wl.sendgrid.net.\nevil  3600  IN  A  10.0.0.1".into();
        d.dns_records[2].data = "@SUM(1)".into();
        let csv = csv(&d);
        assert!(csv.contains("\"'=hyperlink("), "{csv}");
        assert!(csv.contains("'@sum(1)"), "{csv}");
        assert!(!csv.contains(",=") && !csv.contains(",@"), "{csv}");
        let bind = bind_snippet(&d);
        assert!(!bind.contains("evil"), "{bind}");
        assert!(!bind.contains("hyperlink"), "{bind}");
        assert_eq!(bind.matches("; left out:").count(), 3, "{bind}");
        // Every line is a comment, the origin or one record.
        assert!(
            bind.lines()
                .all(|l| l.starts_with(';') || l.starts_with("$ORIGIN") || l.contains("  IN  ")),
            "{bind}"
        );
        let mut bad_zone = domain("example.com");
        bad_zone.domain = "example.com\n$INCLUDE /etc/passwd".into();
        assert!(!bind_snippet(&bad_zone).contains("$INCLUDE"));
    }
}
