//! Secrets: the `Secret` newtype and the keychain-backed `SecretStore`.
//!
//! `Secret` has no `Debug`/`Display`/`Serialize`: the only way to the bytes is `expose()`,
//! called where a header or form body is built. It can be deserialized (the API returns
//! webhook secrets and tokens in JSON) so that such a value never passes through a plain String.

// `Error` is large (ApiError inline); boxing it is errors.rs's call, so allow it here.
#![allow(clippy::result_large_err)]

use serde::{Deserialize, Deserializer};
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// A credential held in process memory. Zeroed on drop as far as Rust allows.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }
    /// The plain value. Call only where it is put on the wire or into the keychain.
    pub fn expose(&self) -> &str {
        &self.0
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

impl Drop for Secret {
    fn drop(&mut self) {
        // SAFETY: overwriting the bytes with zeros keeps the string valid UTF-8.
        unsafe { self.0.as_bytes_mut().fill(0) };
    }
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(Secret)
    }
}

/// What a profile needs to talk to Qflow. `client_id` and `username` are not secret (they
/// appear in argv and the profile file); the other three live only in the keychain or memory.
#[derive(Clone, Debug)]
pub struct Credentials {
    pub client_id: String,
    pub username: String,
    pub client_secret: Secret,
    pub password: Secret,
    pub client_key: Secret,
}

/// Which secret of a profile. The keychain entry is `service = "qflow-console"`,
/// `user = "<profile>/<kind>"`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SecretKind {
    Password,
    ClientSecret,
    ClientKey,
    WebhookSecret,
}

impl SecretKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SecretKind::Password => "password",
            SecretKind::ClientSecret => "client_secret",
            SecretKind::ClientKey => "client_key",
            SecretKind::WebhookSecret => "webhook_secret",
        }
    }
}

/// Where secrets persist. Production: the OS keychain (`KeyringStore`). Tests may use an
/// in-memory store only under `#[cfg(test)]` or the `test-support` feature.
pub trait SecretStore: Send + Sync {
    fn get(&self, profile: &str, kind: SecretKind) -> crate::Result<Option<Secret>>;
    fn set(&self, profile: &str, kind: SecretKind, value: &Secret) -> crate::Result<()>;
    fn delete(&self, profile: &str, kind: SecretKind) -> crate::Result<()>;
}

/// The keychain service name unless `QFLOW_KEYRING_SERVICE` overrides it.
pub const DEFAULT_KEYRING_SERVICE: &str = "qflow-console";
/// How long a keychain call may take before we give up (a locked desktop keyring can wait
/// forever on an unlock prompt).
pub const KEYCHAIN_TIMEOUT: Duration = Duration::from_secs(10);

/// The environment variables `Credentials::from_env` reads, in the order they are reported.
pub const CREDENTIAL_ENV_VARS: [&str; 5] = [
    "QFLOW_CLIENT_ID",
    "QFLOW_CLIENT_SECRET",
    "QFLOW_USERNAME",
    "QFLOW_PASSWORD",
    "QFLOW_CLIENT_KEY",
];

const NO_SECRET_SERVICE: &str = "No Secret Service found: install and unlock gnome-keyring (or KeePassXC with Secret Service integration enabled), then restart qflow-console; for headless use set QFLOW_CLIENT_ID, QFLOW_CLIENT_SECRET, QFLOW_USERNAME, QFLOW_PASSWORD and QFLOW_CLIENT_KEY instead";

impl Credentials {
    /// Credentials from `QFLOW_*` environment variables (headless use; nothing is written
    /// anywhere). `Ok(None)` when none is set; an error naming the missing ones when only
    /// some are.
    pub fn from_env() -> crate::Result<Option<Credentials>> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// `from_env` over any lookup (tests must not mutate the process environment).
    pub fn from_lookup(
        lookup: impl Fn(&str) -> Option<String>,
    ) -> crate::Result<Option<Credentials>> {
        let values: Vec<Option<String>> = CREDENTIAL_ENV_VARS
            .iter()
            .map(|name| lookup(name).filter(|v| !v.is_empty()))
            .collect();
        let missing: Vec<&str> = CREDENTIAL_ENV_VARS
            .iter()
            .zip(&values)
            .filter(|(_, v)| v.is_none())
            .map(|(name, _)| *name)
            .collect();
        if missing.len() == CREDENTIAL_ENV_VARS.len() {
            return Ok(None);
        }
        if !missing.is_empty() {
            return Err(crate::Error::invalid(
                "environment",
                format!(
                    "some QFLOW_* credential variables are set but {} {} missing; set all five or none",
                    missing.join(", "),
                    if missing.len() == 1 { "is" } else { "are" }
                ),
            ));
        }
        let mut it = values.into_iter().map(Option::unwrap_or_default);
        let mut next = || it.next().unwrap_or_default();
        Ok(Some(Credentials {
            client_id: next(),
            client_secret: Secret::new(next()),
            username: next(),
            password: Secret::new(next()),
            client_key: Secret::new(next()),
        }))
    }
}

impl SecretKind {
    /// Every kind, for deleting a profile's secrets.
    pub const ALL: [SecretKind; 4] = [
        SecretKind::Password,
        SecretKind::ClientSecret,
        SecretKind::ClientKey,
        SecretKind::WebhookSecret,
    ];

    /// Human name for messages.
    pub fn label(self) -> &'static str {
        match self {
            SecretKind::Password => "password",
            SecretKind::ClientSecret => "client secret",
            SecretKind::ClientKey => "client key",
            SecretKind::WebhookSecret => "webhook secret",
        }
    }
}

/// The keychain service: `QFLOW_KEYRING_SERVICE` if set and not empty, else `qflow-console`.
pub fn keyring_service() -> String {
    keyring_service_from(std::env::var("QFLOW_KEYRING_SERVICE").ok())
}

fn keyring_service_from(value: Option<String>) -> String {
    value
        .filter(|v| !v.trim().is_empty())
        .unwrap_or_else(|| DEFAULT_KEYRING_SERVICE.to_owned())
}

/// The keychain entry's user for a profile's secret: `<profile>/<kind>`.
pub fn keyring_user(profile: &str, kind: SecretKind) -> String {
    format!("{profile}/{}", kind.as_str())
}

/// The OS keychain through the `keyring` crate (Linux: Secret Service over D-Bus; macOS:
/// Keychain; Windows: Credential Manager). Calls block: from async code use the async helpers
/// below (`get_secret`, `load_credentials`, ...), which run them off the runtime with a timeout.
#[derive(Clone, Debug)]
pub struct KeyringStore {
    service: String,
}

impl Default for KeyringStore {
    fn default() -> Self {
        Self::new()
    }
}

impl KeyringStore {
    /// Service name from `QFLOW_KEYRING_SERVICE`, else `qflow-console`.
    pub fn new() -> Self {
        Self::with_service(keyring_service())
    }

    pub fn with_service(service: impl Into<String>) -> Self {
        KeyringStore {
            service: service.into(),
        }
    }

    pub fn service(&self) -> &str {
        &self.service
    }

    /// Whether the platform store could be initialised (Linux: a Secret Service on the
    /// session bus). Blocking; the answer is fixed for the life of the process.
    pub fn check_available() -> crate::Result<()> {
        keyring::Entry::store_status()
            .as_ref()
            .map(|_| ())
            .map_err(keyring_error)
    }

    fn entry(&self, profile: &str, kind: SecretKind) -> crate::Result<keyring::Entry> {
        check_profile(profile)?;
        keyring::Entry::new(&self.service, &keyring_user(profile, kind))
            .map_err(|e| keyring_error(&e))
    }
}

impl SecretStore for KeyringStore {
    fn get(&self, profile: &str, kind: SecretKind) -> crate::Result<Option<Secret>> {
        match self.entry(profile, kind)?.get_password() {
            Ok(v) => Ok(Some(Secret::new(v))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(keyring_error(&e)),
        }
    }

    fn set(&self, profile: &str, kind: SecretKind, value: &Secret) -> crate::Result<()> {
        self.entry(profile, kind)?
            .set_password(value.expose())
            .map_err(|e| keyring_error(&e))
    }

    fn delete(&self, profile: &str, kind: SecretKind) -> crate::Result<()> {
        match self.entry(profile, kind)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(keyring_error(&e)),
        }
    }
}

fn check_profile(profile: &str) -> crate::Result<()> {
    if profile.is_empty() || profile.contains('/') {
        return Err(crate::Error::invalid(
            "profile",
            "must be a non-empty name without '/'",
        ));
    }
    Ok(())
}

/// Map a keyring error to `Error::Keychain` with what to do. Never formats the stored bytes
/// (`BadEncoding` carries them).
fn keyring_error(e: &keyring::Error) -> crate::Error {
    use keyring::Error as K;
    let message = match e {
        K::NoDefaultStore => NO_SECRET_SERVICE.to_owned(),
        K::PlatformFailure(inner) => {
            let text = inner.to_string();
            if looks_like_no_service(&text) {
                format!("{NO_SECRET_SERVICE} ({text})")
            } else {
                format!("The keychain failed: {text}. Check that your keyring (gnome-keyring or KeePassXC) is running and unlocked")
            }
        }
        K::NoStorageAccess(inner) => format!(
            "The keychain is locked or refused access ({inner}): unlock your keyring (gnome-keyring or KeePassXC) and try again"
        ),
        K::BadEncoding(_) | K::BadDataFormat(..) => {
            "A stored secret is not valid text; sign in again to replace it".to_owned()
        }
        K::NoEntry => "No such keychain entry".to_owned(),
        other => format!("The keychain refused the request: {other}"),
    };
    crate::Error::Keychain(message)
}

fn looks_like_no_service(text: &str) -> bool {
    let t = text.to_ascii_lowercase();
    [
        "org.freedesktop.secrets",
        "serviceunknown",
        "dbus_session_bus_address",
        "no such file",
        "connection refused",
        "not provided by any .service",
    ]
    .iter()
    .any(|needle| t.contains(needle))
}

/// A secret store shared across tasks.
pub type SharedSecretStore = Arc<dyn SecretStore>;

/// Run blocking keychain work off the async runtime, with `KEYCHAIN_TIMEOUT`.
pub async fn with_store<T, F>(store: &SharedSecretStore, f: F) -> crate::Result<T>
where
    T: Send + 'static,
    F: FnOnce(&dyn SecretStore) -> crate::Result<T> + Send + 'static,
{
    with_store_timeout(store, KEYCHAIN_TIMEOUT, f).await
}

/// `with_store` with an explicit timeout. On timeout the blocking call is abandoned (it cannot
/// be cancelled) and `Error::Keychain` says what to unlock.
pub async fn with_store_timeout<T, F>(
    store: &SharedSecretStore,
    timeout: Duration,
    f: F,
) -> crate::Result<T>
where
    T: Send + 'static,
    F: FnOnce(&dyn SecretStore) -> crate::Result<T> + Send + 'static,
{
    let store = Arc::clone(store);
    let task = tokio::task::spawn_blocking(move || f(store.as_ref()));
    match tokio::time::timeout(timeout, task).await {
        Ok(Ok(result)) => result,
        Ok(Err(join)) => Err(crate::Error::Keychain(format!(
            "The keychain call failed unexpectedly ({}); check that your keyring is running and unlocked",
            if join.is_panic() { "it panicked" } else { "it was cancelled" }
        ))),
        Err(_) => Err(crate::Error::Keychain(format!(
            "The keychain did not answer within {} s: it is probably locked and waiting for an unlock prompt. Unlock your keyring (gnome-keyring or KeePassXC with Secret Service), or {}",
            timeout.as_secs_f32(),
            "install one if none is running"
        ))),
    }
}

pub async fn get_secret(
    store: &SharedSecretStore,
    profile: &str,
    kind: SecretKind,
) -> crate::Result<Option<Secret>> {
    let profile = profile.to_owned();
    with_store(store, move |s| s.get(&profile, kind)).await
}

pub async fn set_secret(
    store: &SharedSecretStore,
    profile: &str,
    kind: SecretKind,
    value: Secret,
) -> crate::Result<()> {
    let profile = profile.to_owned();
    with_store(store, move |s| s.set(&profile, kind, &value)).await
}

pub async fn delete_secret(
    store: &SharedSecretStore,
    profile: &str,
    kind: SecretKind,
) -> crate::Result<()> {
    let profile = profile.to_owned();
    with_store(store, move |s| s.delete(&profile, kind)).await
}

/// A profile's credentials from the store. `Error::NotSignedIn` (naming what is missing) when
/// any of the three secrets is absent.
pub async fn load_credentials(
    store: &SharedSecretStore,
    profile: &str,
    client_id: &str,
    username: &str,
) -> crate::Result<Credentials> {
    let p = profile.to_owned();
    let [password, client_secret, client_key] = with_store(store, move |s| {
        Ok::<_, crate::Error>([
            s.get(&p, SecretKind::Password)?,
            s.get(&p, SecretKind::ClientSecret)?,
            s.get(&p, SecretKind::ClientKey)?,
        ])
    })
    .await?;
    match (password, client_secret, client_key) {
        (Some(password), Some(client_secret), Some(client_key)) => Ok(Credentials {
            client_id: client_id.to_owned(),
            username: username.to_owned(),
            client_secret,
            password,
            client_key,
        }),
        (password, client_secret, client_key) => {
            let missing: Vec<&str> = [
                (password.is_none(), SecretKind::Password),
                (client_secret.is_none(), SecretKind::ClientSecret),
                (client_key.is_none(), SecretKind::ClientKey),
            ]
            .iter()
            .filter(|(m, _)| *m)
            .map(|(_, k)| k.label())
            .collect();
            Err(crate::Error::NotSignedIn(format!(
                "No saved credentials for profile '{profile}' (missing in the keychain: {})",
                missing.join(", ")
            )))
        }
    }
}

/// Save the three secrets of `creds` for `profile` (client id and username go to the
/// profile file, not here).
pub async fn save_credentials(
    store: &SharedSecretStore,
    profile: &str,
    creds: &Credentials,
) -> crate::Result<()> {
    let p = profile.to_owned();
    let (password, client_secret, client_key) = (
        creds.password.clone(),
        creds.client_secret.clone(),
        creds.client_key.clone(),
    );
    with_store(store, move |s| {
        s.set(&p, SecretKind::Password, &password)?;
        s.set(&p, SecretKind::ClientSecret, &client_secret)?;
        s.set(&p, SecretKind::ClientKey, &client_key)
    })
    .await
}

/// Remove every secret of `profile` (missing entries are fine).
/// Remove the profile's three sign-in secrets (password, client secret, client key). The
/// webhook secret stays: Qflow shows it only once, and signing out is not forgetting.
pub async fn delete_credentials(store: &SharedSecretStore, profile: &str) -> crate::Result<()> {
    let p = profile.to_owned();
    with_store(store, move |s| {
        for kind in [
            SecretKind::Password,
            SecretKind::ClientSecret,
            SecretKind::ClientKey,
        ] {
            s.delete(&p, kind)?;
        }
        Ok(())
    })
    .await
}

/// Remove every secret of the profile, the webhook secret too (forgetting the profile).
pub async fn delete_profile_secrets(store: &SharedSecretStore, profile: &str) -> crate::Result<()> {
    let p = profile.to_owned();
    with_store(store, move |s| {
        for kind in SecretKind::ALL {
            s.delete(&p, kind)?;
        }
        Ok(())
    })
    .await
}

/// In-memory store for tests only. Never compiled into release builds.
#[cfg(any(test, feature = "test-support"))]
#[derive(Default)]
pub struct MemoryStore {
    items: std::sync::Mutex<std::collections::HashMap<(String, &'static str), Secret>>,
    unavailable: std::sync::atomic::AtomicBool,
}

#[cfg(any(test, feature = "test-support"))]
impl MemoryStore {
    pub fn new() -> Self {
        Self::default()
    }
    /// Make every call fail like a missing Secret Service.
    pub fn set_unavailable(&self, unavailable: bool) {
        self.unavailable
            .store(unavailable, std::sync::atomic::Ordering::SeqCst);
    }
    pub fn len(&self) -> usize {
        self.items.lock().unwrap().len()
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    fn check(&self, profile: &str) -> crate::Result<()> {
        if self.unavailable.load(std::sync::atomic::Ordering::SeqCst) {
            return Err(crate::Error::Keychain(NO_SECRET_SERVICE.to_owned()));
        }
        check_profile(profile)
    }
}

#[cfg(any(test, feature = "test-support"))]
impl SecretStore for MemoryStore {
    fn get(&self, profile: &str, kind: SecretKind) -> crate::Result<Option<Secret>> {
        self.check(profile)?;
        Ok(self
            .items
            .lock()
            .unwrap()
            .get(&(profile.to_owned(), kind.as_str()))
            .cloned())
    }
    fn set(&self, profile: &str, kind: SecretKind, value: &Secret) -> crate::Result<()> {
        self.check(profile)?;
        self.items
            .lock()
            .unwrap()
            .insert((profile.to_owned(), kind.as_str()), value.clone());
        Ok(())
    }
    fn delete(&self, profile: &str, kind: SecretKind) -> crate::Result<()> {
        self.check(profile)?;
        self.items
            .lock()
            .unwrap()
            .remove(&(profile.to_owned(), kind.as_str()));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn debug_never_shows_the_value() {
        let s = Secret::new("hunter2");
        assert_eq!(format!("{s:?}"), "Secret(<redacted>)");
        assert!(!format!("{:?}", Some(&s)).contains("hunter2"));
    }

    fn creds() -> Credentials {
        Credentials {
            client_id: "cid".into(),
            username: "u@example.com".into(),
            client_secret: Secret::new("client-secret-value"),
            password: Secret::new("password-value"),
            client_key: Secret::new("client-key-value"),
        }
    }

    #[test]
    fn credentials_debug_redacts_every_secret() {
        let text = format!("{:?}", creds());
        for s in ["client-secret-value", "password-value", "client-key-value"] {
            assert!(!text.contains(s), "{text}");
        }
        assert!(text.contains("cid"));
    }

    #[test]
    fn from_env_all_none_or_partial() {
        let none = Credentials::from_lookup(|_| None).unwrap();
        assert!(none.is_none());

        let all = Credentials::from_lookup(|name| Some(format!("v-{name}")))
            .unwrap()
            .unwrap();
        assert_eq!(all.client_id, "v-QFLOW_CLIENT_ID");
        assert_eq!(all.client_secret.expose(), "v-QFLOW_CLIENT_SECRET");
        assert_eq!(all.username, "v-QFLOW_USERNAME");
        assert_eq!(all.password.expose(), "v-QFLOW_PASSWORD");
        assert_eq!(all.client_key.expose(), "v-QFLOW_CLIENT_KEY");

        // Empty counts as missing; the error names exactly the missing ones.
        let partial = Credentials::from_lookup(|name| match name {
            "QFLOW_CLIENT_ID" | "QFLOW_USERNAME" => Some("x".into()),
            "QFLOW_PASSWORD" => Some(String::new()),
            _ => None,
        })
        .unwrap_err();
        let body = partial.body();
        assert_eq!(body.code, "invalid_input");
        assert!(
            body.message
                .contains("QFLOW_CLIENT_SECRET, QFLOW_PASSWORD, QFLOW_CLIENT_KEY are missing"),
            "{}",
            body.message
        );
        assert!(!body.message.contains("QFLOW_CLIENT_ID,"));
    }

    #[test]
    fn service_name_and_user() {
        assert_eq!(keyring_service_from(None), "qflow-console");
        assert_eq!(keyring_service_from(Some("  ".into())), "qflow-console");
        assert_eq!(
            keyring_service_from(Some("qflow-test-1".into())),
            "qflow-test-1"
        );
        assert_eq!(
            keyring_user("default", SecretKind::ClientKey),
            "default/client_key"
        );
    }

    #[test]
    fn keyring_errors_say_what_to_install_and_never_show_bytes() {
        let e = keyring_error(&keyring::Error::NoDefaultStore);
        assert_eq!(e.code(), "keychain_unavailable");
        assert!(
            e.to_string().contains("install and unlock gnome-keyring"),
            "{e}"
        );
        let e = keyring_error(&keyring::Error::BadEncoding(b"hunter2".to_vec()));
        assert!(!e.to_string().contains("hunter2"));
        assert!(!format!("{e:?}").contains("104, 117")); // no byte dump either
    }

    fn shared(m: MemoryStore) -> (Arc<MemoryStore>, SharedSecretStore) {
        let m = Arc::new(m);
        let s: SharedSecretStore = m.clone();
        (m, s)
    }

    #[tokio::test]
    async fn save_load_delete_credentials() {
        let (mem, store) = shared(MemoryStore::new());
        let err = load_credentials(&store, "p1", "cid", "u")
            .await
            .unwrap_err();
        assert_eq!(err.code(), "not_signed_in");
        assert!(
            err.to_string()
                .contains("password, client secret, client key"),
            "{err}"
        );

        save_credentials(&store, "p1", &creds()).await.unwrap();
        set_secret(&store, "p1", SecretKind::WebhookSecret, Secret::new("wh"))
            .await
            .unwrap();
        assert_eq!(mem.len(), 4);
        let c = load_credentials(&store, "p1", "cid2", "u2").await.unwrap();
        assert_eq!(c.client_id, "cid2");
        assert_eq!(c.password.expose(), "password-value");
        assert_eq!(c.client_key.expose(), "client-key-value");

        delete_secret(&store, "p1", SecretKind::ClientKey)
            .await
            .unwrap();
        let err = load_credentials(&store, "p1", "cid", "u")
            .await
            .unwrap_err();
        assert!(
            err.to_string()
                .contains("missing in the keychain: client key"),
            "{err}"
        );

        delete_profile_secrets(&store, "p1").await.unwrap();
        assert!(mem.is_empty());
        assert!(get_secret(&store, "p1", SecretKind::WebhookSecret)
            .await
            .unwrap()
            .is_none());
    }

    #[tokio::test]
    async fn unavailable_store_is_a_keychain_error() {
        let (mem, store) = shared(MemoryStore::new());
        mem.set_unavailable(true);
        let err = load_credentials(&store, "p", "c", "u").await.unwrap_err();
        assert_eq!(err.code(), "keychain_unavailable");
        assert!(err.body().message.contains("gnome-keyring"));
    }

    struct Hanging;
    impl SecretStore for Hanging {
        fn get(&self, _: &str, _: SecretKind) -> crate::Result<Option<Secret>> {
            std::thread::sleep(Duration::from_millis(500));
            Ok(None)
        }
        fn set(&self, _: &str, _: SecretKind, _: &Secret) -> crate::Result<()> {
            Ok(())
        }
        fn delete(&self, _: &str, _: SecretKind) -> crate::Result<()> {
            Ok(())
        }
    }

    #[tokio::test]
    async fn a_hanging_keychain_times_out_with_advice() {
        let store: SharedSecretStore = Arc::new(Hanging);
        let started = std::time::Instant::now();
        let err = with_store_timeout(&store, Duration::from_millis(50), |s| {
            s.get("p", SecretKind::Password)
        })
        .await
        .unwrap_err();
        assert!(started.elapsed() < Duration::from_millis(400));
        assert_eq!(err.code(), "keychain_unavailable");
        assert!(err.to_string().contains("Unlock your keyring"), "{err}");
    }

    #[test]
    fn profile_names_with_slash_are_rejected() {
        let m = MemoryStore::new();
        assert!(m
            .set("a/b", SecretKind::Password, &Secret::new("x"))
            .is_err());
        assert!(m.set("", SecretKind::Password, &Secret::new("x")).is_err());
    }

    /// Round trip through the real OS keychain. Run with
    /// `tests/support/with-keyring.sh cargo test -p qflow-core --lib keyring -- --ignored`.
    #[test]
    #[ignore = "needs a real, unlocked Secret Service: run via tests/support/with-keyring.sh"]
    fn keyring_round_trip_against_real_secret_service() {
        KeyringStore::check_available()
            .expect("Secret Service must be available under with-keyring.sh");
        let service = format!("qflow-console-test-{}", uuid::Uuid::new_v4());
        let store = KeyringStore::with_service(&service);
        let profile = "round-trip";
        assert!(store.get(profile, SecretKind::Password).unwrap().is_none());
        store
            .set(profile, SecretKind::Password, &Secret::new("s3cr3t-ü"))
            .unwrap();
        assert_eq!(
            store
                .get(profile, SecretKind::Password)
                .unwrap()
                .unwrap()
                .expose(),
            "s3cr3t-ü"
        );

        // Prove it is the Secret Service and not a mock: ask it with another client.
        let out = std::process::Command::new("secret-tool")
            .args([
                "lookup",
                "service",
                &service,
                "username",
                &keyring_user(profile, SecretKind::Password),
            ])
            .output();
        if let Ok(out) = out {
            assert!(
                out.status.success(),
                "secret-tool lookup failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            assert_eq!(String::from_utf8_lossy(&out.stdout).trim_end(), "s3cr3t-ü");
        }

        // Another service name does not see it.
        let other = KeyringStore::with_service(format!("{service}-other"));
        assert!(other.get(profile, SecretKind::Password).unwrap().is_none());

        store.delete(profile, SecretKind::Password).unwrap();
        assert!(store.get(profile, SecretKind::Password).unwrap().is_none());
        store.delete(profile, SecretKind::Password).unwrap(); // deleting twice is fine
    }

    #[test]
    #[ignore = "needs a real, unlocked Secret Service: run via tests/support/with-keyring.sh"]
    fn keyring_async_helpers_against_real_secret_service() {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let service = format!("qflow-console-test-{}", uuid::Uuid::new_v4());
            let store: SharedSecretStore = Arc::new(KeyringStore::with_service(service));
            save_credentials(&store, "p", &creds()).await.unwrap();
            let c = load_credentials(&store, "p", "cid", "u").await.unwrap();
            assert_eq!(c.client_secret.expose(), "client-secret-value");
            delete_profile_secrets(&store, "p").await.unwrap();
            assert_eq!(
                load_credentials(&store, "p", "cid", "u")
                    .await
                    .unwrap_err()
                    .code(),
                "not_signed_in"
            );
        });
    }
}
