//! "Which account?" → a ready `Client`. Shared by the CLI and the app so that both resolve
//! profiles, endpoints and credentials the same way.
//!
//! Precedence: an explicit API base / identity URL (flag or `QFLOW_*` variable) beats the
//! profile's saved one, which beats the production default. Credentials come from the five
//! `QFLOW_*` variables when all are set (nothing is read from or written to the keychain), else
//! from the profile file (client id, username) plus the keychain (the three secrets).

use crate::api::{Client, ClientConfig, DEFAULT_CONNECT_TIMEOUT, DEFAULT_TOTAL_TIMEOUT};
use crate::profiles::{validate_profile_name, Profile, Profiles};
use crate::secrets::{self, Credentials, SharedSecretStore};
use crate::{Error, Result, DEFAULT_API_BASE, DEFAULT_IDENTITY_URL};

/// What the user asked for.
#[derive(Clone, Debug, Default)]
pub struct Target {
    pub profile: String,
    pub api_base: Option<String>,
    pub identity_url: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CredentialSource {
    /// All five `QFLOW_*` variables.
    Environment,
    /// The profile's keychain entries.
    Keychain,
}

/// A resolved account: endpoints and credentials, not yet signed in.
#[derive(Clone, Debug)]
pub struct Resolved {
    pub profile: String,
    pub api_base: String,
    pub identity_url: String,
    pub credentials: Credentials,
    pub source: CredentialSource,
}

impl Resolved {
    pub fn client(&self) -> Result<Client> {
        client_for(&self.api_base, &self.identity_url, self.credentials.clone())
    }
}

/// A client with the process-wide budget and the default timeouts ([`total_timeout`]).
pub fn client_for(api_base: &str, identity_url: &str, credentials: Credentials) -> Result<Client> {
    Client::new(ClientConfig {
        api_base: api_base.trim_end_matches('/').to_owned(),
        identity_url: identity_url.to_owned(),
        credentials,
        budget: None,
        connect_timeout: DEFAULT_CONNECT_TIMEOUT,
        total_timeout: total_timeout(std::env::var("QFLOW_HTTP_TIMEOUT_SECS").ok().as_deref()),
    })
}

/// How long one request may take: `QFLOW_HTTP_TIMEOUT_SECS` (1-300 whole seconds: a slow
/// link, or tests of answers past the timeout), else [`DEFAULT_TOTAL_TIMEOUT`].
pub fn total_timeout(setting: Option<&str>) -> std::time::Duration {
    match setting.map(|v| v.trim().parse::<u64>()) {
        None => DEFAULT_TOTAL_TIMEOUT,
        Some(Ok(n @ 1..=300)) => std::time::Duration::from_secs(n),
        Some(_) => {
            tracing::warn!("QFLOW_HTTP_TIMEOUT_SECS is not a whole number of seconds from 1 to 300: using the default");
            DEFAULT_TOTAL_TIMEOUT
        }
    }
}

/// The endpoints for `target`, given the profile's saved settings (if any). Validated.
pub fn endpoints(target: &Target, saved: Option<&Profile>) -> Result<(String, String)> {
    let api_base = target
        .api_base
        .clone()
        .filter(|s| !s.trim().is_empty())
        .or_else(|| saved.map(|p| p.api_base.clone()))
        .unwrap_or_else(|| DEFAULT_API_BASE.to_owned());
    let identity_url = target
        .identity_url
        .clone()
        .filter(|s| !s.trim().is_empty())
        .or_else(|| saved.map(|p| p.identity_url.clone()))
        .unwrap_or_else(|| DEFAULT_IDENTITY_URL.to_owned());
    check_url("api-base", &api_base)?;
    check_url("identity-url", &identity_url)?;
    Ok((api_base.trim_end_matches('/').to_owned(), identity_url))
}

/// An https URL with a host and no embedded credentials; `http://` only to this computer (the
/// embedded sandbox, `qflow-console sandbox`): the password and the client key travel to it.
pub fn check_url(field: &str, value: &str) -> Result<()> {
    let url = url::Url::parse(value.trim())
        .map_err(|e| Error::invalid(field, format!("'{value}' is not a URL ({e})")))?;
    if !matches!(url.scheme(), "https" | "http") || url.host_str().is_none() {
        return Err(Error::invalid(
            field,
            format!("'{value}' must be an https URL with a host"),
        ));
    }
    if url.scheme() == "http" && !is_loopback(&url) {
        return Err(Error::invalid(
            field,
            format!(
                "'{value}' must use https: over http the password and the client key would cross the network readable (http:// is only for this computer, e.g. the sandbox)"
            ),
        ));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Error::invalid(field, "must not contain credentials"));
    }
    Ok(())
}

fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// Keychain credentials go only to the endpoints they were saved for: an API base or identity
/// URL given on the command line or in the environment that differs from the profile's is
/// refused (the `QFLOW_*` credential variables may go anywhere they are sent).
fn check_saved_endpoints(profile: &Profile, api_base: &str, identity_url: &str) -> Result<()> {
    let same = |a: &str, b: &str| a.trim().trim_end_matches('/') == b.trim().trim_end_matches('/');
    for (field, given, saved) in [
        ("api-base", api_base, profile.api_base.as_str()),
        ("identity-url", identity_url, profile.identity_url.as_str()),
    ] {
        if !same(given, saved) {
            return Err(Error::invalid(
                field,
                format!(
                    "{given} is not where profile '{}' signed in ({saved}); its saved credentials are only sent there. Sign in again for {given} (`qflow-console login`, or the sign-in screen), or drop the override",
                    profile.name
                ),
            ));
        }
    }
    Ok(())
}

/// Resolve endpoints and credentials for `target`. The keychain is touched only when the
/// environment does not carry all five credentials.
pub async fn resolve(target: &Target, store: &SharedSecretStore) -> Result<Resolved> {
    validate_profile_name(&target.profile)?;
    let env = Credentials::from_env()?;
    // With credentials in the environment an unreadable profile file is not fatal.
    let saved = match Profiles::open_default().and_then(|p| p.get(&target.profile)) {
        Ok(saved) => saved,
        Err(_) if env.is_some() => None,
        Err(e) => return Err(e),
    };
    let (api_base, identity_url) = endpoints(target, saved.as_ref())?;
    let (credentials, source) = match env {
        Some(c) => (c, CredentialSource::Environment),
        None => {
            let Some(p) = saved.as_ref() else {
                return Err(Error::NotSignedIn(format!(
                    "No saved sign-in for profile '{}' and the QFLOW_* credential variables are not set",
                    target.profile
                )));
            };
            check_saved_endpoints(p, &api_base, &identity_url)?;
            let c = secrets::load_credentials(store, &target.profile, &p.client_id, &p.username)
                .await?;
            (c, CredentialSource::Keychain)
        }
    };
    Ok(Resolved {
        profile: target.profile.clone(),
        api_base,
        identity_url,
        credentials,
        source,
    })
}

/// Resolve and build the client (no request yet: the first call signs in).
pub async fn connect(target: &Target, store: &SharedSecretStore) -> Result<(Resolved, Client)> {
    let r = resolve(target, store).await?;
    let c = r.client()?;
    Ok((r, c))
}

/// Sign in with `credentials` (proving them with a password grant), then store the three
/// secrets in the keychain and the non-secret settings in the profile file. Nothing is stored
/// when the sign-in fails.
pub async fn login(
    target: &Target,
    credentials: Credentials,
    store: &SharedSecretStore,
) -> Result<Profile> {
    validate_profile_name(&target.profile)?;
    if credentials.username.trim().is_empty() {
        return Err(Error::invalid("username", "is required"));
    }
    if credentials.client_id.trim().is_empty() {
        return Err(Error::invalid(
            "client-id",
            "is required (supplied by Qflow support)",
        ));
    }
    for (field, s) in [
        ("password", &credentials.password),
        ("client secret", &credentials.client_secret),
        ("client key", &credentials.client_key),
    ] {
        if s.expose().trim().is_empty() {
            return Err(Error::invalid(field, "is required"));
        }
    }
    let profiles = Profiles::open_default()?;
    let saved = profiles.get(&target.profile)?;
    let (api_base, identity_url) = endpoints(target, saved.as_ref())?;
    let profile = Profile {
        name: target.profile.clone(),
        api_base: api_base.clone(),
        identity_url: identity_url.clone(),
        client_id: credentials.client_id.clone(),
        username: credentials.username.clone(),
    };
    profile.validate()?;
    let client = client_for(&api_base, &identity_url, credentials.clone())?;
    client.sign_in().await?;
    prove_client_key(&client).await?;
    secrets::save_credentials(store, &target.profile, &credentials).await?;
    profiles.upsert(profile.clone())?;
    profiles.set_last_used(&profile.name)?;
    Ok(profile)
}

/// The token proves the password, not the client key (only the API checks it): one small read
/// does. Any answer but a 401 means both checks passed (the guide: "a 2xx from any endpoint
/// confirms both"; a 403 gate is about the account, not the key); no answer is an error.
async fn prove_client_key(client: &Client) -> Result<()> {
    let now = chrono::Utc::now().naive_utc();
    match client.events_list(now, now).await {
        Ok(_) => Ok(()),
        Err(Error::Api(a)) if a.status != 401 => Ok(()),
        Err(e) => Err(e),
    }
}

/// Remove the profile's sign-in secrets from the keychain (settings stay, so the next sign-in is
/// prefilled; the webhook secret stays, since Qflow shows it only once).
pub async fn logout(profile: &str, store: &SharedSecretStore) -> Result<()> {
    validate_profile_name(profile)?;
    secrets::delete_credentials(store, profile).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile() -> Profile {
        Profile {
            name: "p".into(),
            api_base: "https://saved.example".into(),
            identity_url: "https://id.saved.example/token".into(),
            client_id: "c".into(),
            username: "u".into(),
        }
    }

    #[test]
    fn the_request_timeout_is_settable_within_bounds() {
        use std::time::Duration;
        assert_eq!(total_timeout(None), DEFAULT_TOTAL_TIMEOUT);
        assert_eq!(total_timeout(Some(" 2 ")), Duration::from_secs(2));
        for bad in ["0", "301", "1.5", "soon", ""] {
            assert_eq!(total_timeout(Some(bad)), DEFAULT_TOTAL_TIMEOUT, "{bad}");
        }
    }

    #[test]
    fn explicit_beats_saved_beats_default() {
        let t = Target {
            profile: "p".into(),
            ..Default::default()
        };
        assert_eq!(
            endpoints(&t, None).unwrap(),
            (DEFAULT_API_BASE.to_owned(), DEFAULT_IDENTITY_URL.to_owned())
        );
        let saved = profile();
        assert_eq!(
            endpoints(&t, Some(&saved)).unwrap().0,
            "https://saved.example"
        );
        let t = Target {
            api_base: Some("http://127.0.0.1:9/".into()),
            ..t
        };
        let (api, id) = endpoints(&t, Some(&saved)).unwrap();
        assert_eq!(api, "http://127.0.0.1:9");
        assert_eq!(id, "https://id.saved.example/token");
    }

    #[test]
    fn credentials_go_over_https_or_stay_on_this_computer() {
        for ok in [
            "https://api.example.com",
            "http://127.0.0.1:9",
            "http://localhost:8080/x",
            "http://[::1]:9",
        ] {
            assert!(check_url("api-base", ok).is_ok(), "{ok}");
        }
        for bad in [
            "http://api.example.com",
            "http://10.0.0.5:8080",
            "http://127.example.com",
        ] {
            let e = check_url("api-base", bad).unwrap_err().body();
            assert_eq!(e.field.as_deref(), Some("api-base"), "{bad}");
            assert!(e.message.contains("must use https"), "{bad}: {}", e.message);
        }
    }

    #[test]
    fn saved_credentials_are_not_sent_to_another_api() {
        let p = profile();
        assert!(check_saved_endpoints(&p, "https://saved.example/", &p.identity_url).is_ok());
        let e = check_saved_endpoints(&p, "https://elsewhere.example", &p.identity_url)
            .unwrap_err()
            .body();
        assert_eq!(e.field.as_deref(), Some("api-base"));
        assert!(e.message.contains("https://saved.example"), "{}", e.message);
        let e = check_saved_endpoints(&p, &p.api_base, "https://id.elsewhere.example/token")
            .unwrap_err()
            .body();
        assert_eq!(e.field.as_deref(), Some("identity-url"));
    }

    #[test]
    fn bad_urls_are_bad_input() {
        let t = Target {
            profile: "p".into(),
            api_base: Some("ftp://x".into()),
            ..Default::default()
        };
        let e = endpoints(&t, None).unwrap_err();
        assert!(e.is_bad_input());
        assert!(e.to_string().contains("api-base"), "{e}");
        let t = Target {
            profile: "p".into(),
            identity_url: Some("not a url".into()),
            ..Default::default()
        };
        assert!(endpoints(&t, None)
            .unwrap_err()
            .to_string()
            .contains("identity-url"));
    }
}
