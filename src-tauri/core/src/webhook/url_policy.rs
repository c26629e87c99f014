//! Which webhook URLs the console registers: the one rule, used by the window (its live check
//! and its "Set URL"), the CLI (`webhook set`) and the API client (`POST /api/comms/webhook`).
//!
//! - `https://` is required. Qflow's servers deliver only to HTTPS receivers.
//! - `http://` is allowed only to this machine (localhost, 127.0.0.0/8, ::1), and only when
//!   Qflow itself runs on this machine: the demo, or a sandbox (`qflow-console sandbox`) that
//!   the profile's API base points at on loopback. Nothing else could deliver there.
//! - No user name or password in the URL: the signature authenticates Qflow.
//! - A private, loopback or single-label host (10.x, 192.168.x, `localhost`, `intranet`,
//!   `*.local`…) is accepted with a **warning** when Qflow is remote: its servers cannot reach
//!   it, so no events would arrive. The window asks for a confirmation, the CLI for
//!   `--allow-private`; without it the set is refused with the warning as the reason.

use std::net::IpAddr;

use serde::Serialize;
use ts_rs::TS;

use crate::{Error, Result};

/// `webhook_url_check`: the problem (refused) or a warning (needs confirmation).
#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct UrlCheck {
    pub ok: bool,
    pub problem: Option<String>,
    pub warning: Option<String>,
}

/// The field every refusal names.
pub const URL_FIELD: &str = "url";

/// Said after the warning when a private host was not confirmed.
pub const CONFIRM_PRIVATE: &str = "Confirm to set it anyway.";

/// Refuse what Qflow cannot deliver to; warn on hosts the internet cannot reach.
/// `qflow_local`: Qflow itself runs on this machine (the demo, a loopback sandbox).
pub fn check_url(url: &str, qflow_local: bool) -> UrlCheck {
    let refuse = |p: String| UrlCheck {
        ok: false,
        problem: Some(p),
        warning: None,
    };
    let parsed =
        match url::Url::parse(url.trim()) {
            Ok(u) => u,
            Err(_) => return refuse(
                "Enter the full address of your receiver, e.g. https://hooks.yourbrand.com/qflow"
                    .into(),
            ),
        };
    let Some(host) = parsed.host() else {
        return refuse("The address has no host name.".into());
    };
    match parsed.scheme() {
        "https" => {}
        "http" if qflow_local && is_loopback(&host) => {}
        "http" if qflow_local => {
            return refuse(
                "http:// is accepted only to this computer (localhost, 127.0.0.1) while Qflow runs here; use https:// for any other receiver."
                    .into(),
            )
        }
        "http" => {
            return refuse(
                "Qflow delivers only to https:// addresses: put your receiver behind HTTPS (a reverse proxy or a tunnel)."
                    .into(),
            )
        }
        other => return refuse(format!("'{other}:' is not a web address; use https://")),
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return refuse(
            "Do not put a user name or password in the URL; the signature authenticates Qflow."
                .into(),
        );
    }
    let warning = (!qflow_local && is_unreachable(&host)).then(|| {
        "This host is private or loopback: Qflow's servers cannot reach it from the internet, so no events would arrive. Use your public HTTPS address (e.g. a reverse proxy or tunnel in front of the built-in receiver).".to_owned()
    });
    UrlCheck {
        ok: true,
        problem: None,
        warning,
    }
}

/// What a set does with [`check_url`]'s answer: a problem, or a warning the user did not
/// confirm, is `invalid_input` on `url`; otherwise the warning (if any) to pass on.
pub fn require_url(
    url: &str,
    qflow_local: bool,
    confirmed_private: bool,
) -> Result<Option<String>> {
    let check = check_url(url, qflow_local);
    if let Some(p) = check.problem {
        return Err(Error::invalid(URL_FIELD, p));
    }
    match check.warning {
        Some(w) if !confirmed_private => {
            Err(Error::invalid(URL_FIELD, format!("{w} {CONFIRM_PRIVATE}")))
        }
        w => Ok(w),
    }
}

/// This machine: only a sandbox running here could deliver to it over plain http.
fn is_loopback(host: &url::Host<&str>) -> bool {
    match host {
        url::Host::Domain(d) => {
            let d = d.to_ascii_lowercase();
            d == "localhost" || d.ends_with(".localhost")
        }
        url::Host::Ipv4(a) => a.is_loopback(),
        url::Host::Ipv6(a) => a.is_loopback(),
    }
}

/// Hosts Qflow's servers cannot reach from the internet.
fn is_unreachable(host: &url::Host<&str>) -> bool {
    match host {
        url::Host::Domain(d) => {
            let d = d.to_ascii_lowercase();
            d == "localhost"
                || d.ends_with(".localhost")
                || d.ends_with(".local")
                || d.ends_with(".internal")
                || !d.contains('.')
        }
        url::Host::Ipv4(a) => is_private(IpAddr::V4(*a)),
        url::Host::Ipv6(a) => is_private(IpAddr::V6(*a)),
    }
}

fn is_private(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(a) => {
            a.is_loopback()
                || a.is_private()
                || a.is_link_local()
                || a.is_unspecified()
                || (a.octets()[0] == 100 && (64..128).contains(&a.octets()[1]))
        }
        IpAddr::V6(a) => {
            a.is_loopback()
                || a.is_unspecified()
                || (a.segments()[0] & 0xfe00) == 0xfc00
                || (a.segments()[0] & 0xffc0) == 0xfe80
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_rules() {
        assert!(check_url("https://hooks.brand.com/qflow", false)
            .warning
            .is_none());
        assert!(check_url("http://hooks.brand.com/qflow", false)
            .problem
            .unwrap()
            .contains("https://"));
        assert!(check_url("http://127.0.0.1:9/x", false).problem.is_some());
        assert!(check_url("http://127.0.0.1:9/x", true).ok);
        assert!(check_url("http://localhost/x", true).ok);
        assert!(check_url("http://[::1]:9/x", true).ok);
        for private in [
            "https://10.1.2.3/x",
            "https://localhost/x",
            "https://[::1]/x",
            "https://192.168.1.5/",
            "https://intranet/",
        ] {
            let c = check_url(private, false);
            assert!(c.ok && c.warning.is_some(), "{private}: {c:?}");
            assert!(
                check_url(private, true).warning.is_none(),
                "no warning when Qflow runs here"
            );
        }
        assert!(!check_url("hooks.brand.com", false).ok);
        assert!(!check_url("https://u:p@hooks.brand.com/", false).ok);
        assert!(!check_url("https://u:p@127.0.0.1/", true).ok);
        assert!(!check_url("ftp://hooks.brand.com/", true).ok);
    }

    #[test]
    fn http_goes_only_to_this_machine_even_when_qflow_runs_here() {
        for lan in [
            "http://192.168.1.5/x",
            "http://hooks.brand.com/x",
            "http://intranet/x",
        ] {
            let c = check_url(lan, true);
            assert!(!c.ok, "{lan}: {c:?}");
            assert!(c.problem.unwrap().contains("only to this computer"));
        }
    }

    #[test]
    fn a_set_is_refused_with_the_check_s_own_words() {
        let bad = "http://hooks.brand.com/x";
        let e = require_url(bad, false, true).unwrap_err().body();
        assert_eq!(e.code, "invalid_input");
        assert_eq!(e.field.as_deref(), Some("url"));
        assert_eq!(
            e.message,
            format!("url: {}", check_url(bad, false).problem.unwrap())
        );

        let private = "https://10.1.2.3/x";
        let warning = check_url(private, false).warning.unwrap();
        let e = require_url(private, false, false).unwrap_err().body();
        assert_eq!(e.message, format!("url: {warning} {CONFIRM_PRIVATE}"));
        assert_eq!(require_url(private, false, true).unwrap(), Some(warning));
        assert_eq!(require_url(private, true, false).unwrap(), None);
        assert_eq!(
            require_url("https://hooks.brand.com/q", false, false).unwrap(),
            None
        );
    }
}
