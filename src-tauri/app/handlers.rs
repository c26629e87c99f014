//! The window's state: which session is current (each a `qflow_core::ops::ctx::Ctx`, closed
//! when another replaces it), the demo's embedded sandbox and start-up sign-in, and the account
//! commands that change the current session (they call `qflow_core::ops::account`). No Tauri
//! types here, so the tests drive it directly against the sandbox.

use std::sync::Arc;

use qflow_core::api::Client;
use qflow_core::ops;
use qflow_core::ops::account;
use qflow_core::ops::ctx::{Ctx, CtxParts, Notifier, Silent, StoreLocation, SystemClock};
use qflow_core::secrets::{Credentials, SharedSecretStore};
use qflow_core::session::{self, Target};
use qflow_core::{Error, Result, Secret};
use qflow_sandbox::{Sandbox, SandboxConfig};
use tokio::sync::{Mutex, RwLock};

use super::AppOptions;
use qflow_core::ops::account::{AppInfo, SignInRequest, SignedIn};
use qflow_core::ops::account::{ProfileEntry, ProfileNameRequest};

/// The profile name shown while signed in to the embedded sandbox.
pub const DEMO_PROFILE: &str = "demo";

/// Everything the commands share.
pub struct AppState {
    pub demo: bool,
    pub target: Target,
    pub(crate) store: SharedSecretStore,
    sandbox_config: SandboxConfig,
    session: RwLock<Option<Arc<Session>>>,
    pub(crate) sandbox: Mutex<Option<Sandbox>>,
    /// `--demo` in the window: the sandbox's child process (forked at start-up), when it could
    /// be forked; otherwise the sandbox runs in `sandbox`.
    demo_child: Option<super::demo_child::DemoChild>,
    /// Where the session's pushed events go (the window sets it at start-up).
    notifier: std::sync::RwLock<Arc<dyn Notifier>>,
    /// `--demo`: the sign-in started with the process (`app::run`), while the window loads. The
    /// first `demo_sign_in` awaits it instead of starting the same work again.
    demo_boot: std::sync::Mutex<Option<DemoBoot>>,
    /// Held by the start-up demo sign-in until it has a session: the UI's first calls, made
    /// while the window loads, wait for it instead of failing as not signed in.
    boot_gate: Arc<Mutex<()>>,
    /// Sign-in, resume, sign-out and forget run one at a time, in the order asked: a "forget"
    /// clicked while a sign-in is still saving its secrets waits for it, then removes them.
    account_lock: Mutex<()>,
}

/// The start-up demo sign-in under way: its result arrives here.
pub type DemoBoot = tokio::sync::oneshot::Receiver<Result<SignedIn>>;

/// The signed-in session is core's context: every operation runs against it.
pub type Session = qflow_core::ops::ctx::Ctx;

impl AppState {
    pub fn new(opts: &AppOptions, store: SharedSecretStore) -> AppState {
        AppState {
            demo: opts.demo,
            target: Target {
                profile: opts.profile.clone(),
                api_base: opts.api_base.clone(),
                identity_url: opts.identity_url.clone(),
            },
            store,
            sandbox_config: SandboxConfig::default(),
            session: RwLock::new(None),
            sandbox: Mutex::new(None),
            demo_child: None,
            notifier: std::sync::RwLock::new(Arc::new(Silent)),
            demo_boot: std::sync::Mutex::new(None),
            boot_gate: Arc::new(Mutex::new(())),
            account_lock: Mutex::new(()),
        }
    }

    /// The window's notifier (Tauri events, desktop notifications) for every later session.
    pub fn set_notifier(&self, n: Arc<dyn Notifier>) {
        *self.notifier.write().unwrap_or_else(|e| e.into_inner()) = n;
    }

    /// A new session's context.
    pub(crate) fn new_session(&self, info: SignedIn, client: Client) -> Arc<Session> {
        let store = if info.demo {
            StoreLocation::Memory
        } else {
            StoreLocation::Default
        };
        Ctx::new(CtxParts {
            info,
            client,
            secrets: Arc::clone(&self.store),
            store,
            clock: Arc::new(SystemClock),
            notifier: Arc::clone(&self.notifier.read().unwrap_or_else(|e| e.into_inner())),
        })
    }

    /// A signed-in account becomes the current session.
    pub(crate) async fn set_account(&self, a: account::Account) -> SignedIn {
        self.set_session(self.new_session(a.info, a.client)).await
    }

    /// Tests use a smaller sandbox.
    pub fn with_sandbox_config(mut self, cfg: SandboxConfig) -> AppState {
        self.sandbox_config = cfg;
        self
    }

    /// The demo signs in to this child process's sandbox instead of starting one in-process.
    pub fn with_demo_child(mut self, child: Option<super::demo_child::DemoChild>) -> AppState {
        self.demo_child = child;
        self
    }

    pub async fn current(&self) -> Result<Arc<Session>> {
        if let Some(s) = self.session.read().await.clone() {
            return Ok(s);
        }
        // Free at once unless the start-up sign-in is still under way.
        drop(self.boot_gate.lock().await);
        self.session
            .read()
            .await
            .clone()
            .ok_or_else(|| Error::NotSignedIn("You are not signed in".into()))
    }

    /// For the start-up sign-in: hold until it has a session (or failed).
    pub(crate) fn hold_boot_gate(&self) -> Option<tokio::sync::OwnedMutexGuard<()>> {
        Arc::clone(&self.boot_gate).try_lock_owned().ok()
    }

    /// Make `s` the current session; the previous one is closed with all it owned.
    pub(crate) async fn set_session(&self, s: Arc<Session>) -> SignedIn {
        let info = s.info.clone();
        let previous = self.session.write().await.replace(s);
        if let Some(old) = previous {
            old.close();
        }
        info
    }

    pub(crate) fn set_demo_boot(&self, boot: DemoBoot) {
        *self.demo_boot.lock().unwrap_or_else(|e| e.into_inner()) = Some(boot);
    }

    /// The start-up demo sign-in's session, once (the first `demo_sign_in`), if it succeeded and
    /// is still the current one; `None` means sign in afresh.
    pub(crate) async fn take_demo_boot(&self) -> Option<SignedIn> {
        let boot = self
            .demo_boot
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take()?;
        let who = boot.await.ok()?.ok()?;
        let current = self.session.read().await.as_ref().map(|s| s.info.clone());
        (current.as_ref() == Some(&who)).then_some(who)
    }

    /// Stop the embedded sandbox, if one runs (window closed).
    pub async fn shutdown(&self) {
        if let Some(sb) = self.sandbox.lock().await.take() {
            sb.shutdown().await;
        }
        if let Some(child) = &self.demo_child {
            child.stop();
        }
    }
}

pub async fn app_info(state: &AppState) -> Result<AppInfo> {
    let signed_in = state.session.read().await.as_ref().map(|s| s.info.clone());
    Ok(AppInfo {
        version: env!("CARGO_PKG_VERSION").to_owned(),
        demo: state.demo,
        profile: state.target.profile.clone(),
        signed_in,
        saved: account::saved_profile(&state.target.profile),
    })
}

/// Pick up the saved sign-in of the start-up profile (keychain or `QFLOW_*` variables) without
/// a request. `None` when there is none to resume.
pub async fn resume(state: &AppState) -> Result<Option<SignedIn>> {
    let _one_at_a_time = state.account_lock.lock().await;
    if let Some(s) = state.session.read().await.as_ref() {
        return Ok(Some(s.info.clone()));
    }
    if state.demo {
        return Ok(None);
    }
    match account::resume(&state.target, &state.store).await? {
        Some(a) => Ok(Some(state.set_account(a).await)),
        None => Ok(None),
    }
}

/// The sandbox's demo account (the window's demo, the CLI's `--demo`, tests).
pub fn demo_credentials() -> Credentials {
    Credentials {
        client_id: qflow_sandbox::DEMO_CLIENT_ID.into(),
        username: qflow_sandbox::DEMO_USERNAME.into(),
        client_secret: Secret::new(qflow_sandbox::DEMO_CLIENT_SECRET),
        password: Secret::new(qflow_sandbox::DEMO_PASSWORD),
        client_key: Secret::new(qflow_sandbox::CLIENT_KEY),
    }
}

/// Start the embedded sandbox (once) and sign in with its demo account, held in memory only.
pub async fn demo_sign_in(state: &AppState) -> Result<SignedIn> {
    let _one_at_a_time = state.account_lock.lock().await;
    let (api_base, identity_url, dns) = if let Some(child) = &state.demo_child {
        let addr = child.addr().await?;
        super::marks::mark("demo-sandbox-started");
        (
            qflow_sandbox::api_base(addr),
            qflow_sandbox::identity_url(addr),
            child.dns_switch(),
        )
    } else {
        let mut guard = state.sandbox.lock().await;
        if guard.is_none() {
            let sb = Sandbox::start(state.sandbox_config.clone())
                .await
                .map_err(|e| {
                    Error::Storage(format!(
                        "Could not start the demo sandbox on 127.0.0.1: {e}"
                    ))
                })?;
            *guard = Some(sb);
            super::marks::mark("demo-sandbox-started");
        }
        let sb = guard.as_ref().expect("started above");
        (sb.api_base(), sb.identity_url(), sb.dns_switch())
    };
    let client = session::client_for(&api_base, &identity_url, demo_credentials())?;
    client.sign_in().await?;
    super::marks::mark("demo-token");
    let info = SignedIn {
        profile: DEMO_PROFILE.to_owned(),
        username: qflow_sandbox::DEMO_USERNAME.to_owned(),
        api_base,
        demo: true,
    };
    let session = state.new_session(info, client);
    // The domain pre-check simulates DNS from the sandbox's "records published" switch.
    session
        .state::<qflow_core::ops::domain::DemoDns>()
        .attach(dns);
    Ok(state.set_session(session).await)
}

/// Prove the credentials, store the secrets in the keychain and the rest in the profile file.
pub async fn sign_in(state: &AppState, req: SignInRequest) -> Result<SignedIn> {
    let _one_at_a_time = state.account_lock.lock().await;
    let a = account::sign_in(req, &state.target, &state.store).await?;
    Ok(state.set_account(a).await)
}

/// End the session; for a real profile also remove its secrets from the keychain.
pub async fn sign_out(state: &AppState) -> Result<()> {
    let _one_at_a_time = state.account_lock.lock().await;
    end_session(state).await
}

async fn end_session(state: &AppState) -> Result<()> {
    let previous = state.session.write().await.take();
    match previous {
        Some(cx) => account::sign_out(&cx).await,
        None => Ok(()),
    }
}

/// The key Tauri checks on every IPC request, for the page's one synchronous call: a
/// keystroke's preview (`ui/src/invokeSync.ts`), answered before the editor draws the key so
/// both show in the same frame. Only the app's own page can ask: asking takes the key.
pub async fn ipc_invoke_key<R: tauri::Runtime>(app: &tauri::AppHandle<R>) -> Result<String> {
    Ok(app.invoke_key().to_owned())
}

/// `demo_sign_in`: with `--demo` the sign-in started with the process (wait for it rather than
/// redo it); otherwise a fresh demo session.
pub async fn demo_sign_in_once(state: &AppState) -> Result<SignedIn> {
    if let Some(who) = state.take_demo_boot().await {
        return Ok(who);
    }
    demo_start(state).await
}

/// A fresh demo session, wired to the built-in webhook receiver. The previous session (and
/// its receiver, its jobs, its rechecks) is closed by the sign-in.
pub async fn demo_start(state: &AppState) -> Result<SignedIn> {
    let signed_in = demo_sign_in(state).await?;
    // Wire the sandbox to the built-in receiver now, so the first send's events are kept.
    let wired =
        async { qflow_core::ops::webhooks::ensure_demo_wiring(&*state.current().await?).await };
    if let Err(e) = wired.await {
        tracing::warn!(code = e.code(), "demo webhook wiring failed");
    }
    Ok(signed_in)
}

/// Every saved profile by name.
pub async fn profiles_list(state: &AppState) -> Result<Vec<ProfileEntry>> {
    let current = match state.current().await {
        Ok(s) if !s.info.demo => Some(s.info.profile.clone()),
        _ => None,
    };
    account::profiles_list(&state.store, current.as_deref()).await
}

/// Sign in with a saved profile's keychain secrets. On failure the current session stays.
pub async fn profile_sign_in(state: &AppState, req: ProfileNameRequest) -> Result<SignedIn> {
    let _one_at_a_time = state.account_lock.lock().await;
    let a = account::profile_sign_in(req, &state.store).await?;
    Ok(state.set_account(a).await)
}

/// Forget a profile; the profile signed in now is signed out first.
pub async fn profile_forget(state: &AppState, req: ProfileNameRequest) -> Result<()> {
    let _one_at_a_time = state.account_lock.lock().await;
    let name = req.name.trim();
    // Not `current()`: it waits for the start-up sign-in, which may wait for this lock.
    let is_current = matches!(state.session.read().await.as_deref(), Some(s) if !s.info.demo && s.info.profile == name);
    if is_current {
        end_session(state).await?;
    }
    account::forget(req, &state.store).await
}

/// `--demo` start-up: load the first event's attendees while the window loads.
pub async fn prefetch_default_guests(state: &AppState) -> Result<()> {
    ops::events::prefetch_default_guests(&*state.current().await?).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use qflow_core::ops::events::{EventRow, EventsListRequest};

    // The events list, as the window runs it (core's operation over the session).
    async fn events_list(state: &AppState, req: EventsListRequest) -> Result<Vec<EventRow>> {
        ops::events::events_list(&*state.current().await?, req).await
    }

    use qflow_core::secrets::MemoryStore;

    fn opts() -> AppOptions {
        AppOptions {
            demo: true,
            profile: "default".into(),
            api_base: None,
            identity_url: None,
        }
    }

    fn state() -> (Arc<MemoryStore>, AppState) {
        let mem = Arc::new(MemoryStore::new());
        let store: SharedSecretStore = mem.clone();
        let cfg = SandboxConfig {
            attendees: 300,
            ..SandboxConfig::default()
        };
        (mem, AppState::new(&opts(), store).with_sandbox_config(cfg))
    }

    #[tokio::test]
    async fn commands_need_a_session() {
        let (_, st) = state();
        let e = crate::app::commands::dispatch(&st, "events_list", serde_json::json!({}))
            .await
            .unwrap_err();
        assert_eq!(e.code, "not_signed_in");
        let info = app_info(&st).await.unwrap();
        assert!(info.demo);
        assert!(info.signed_in.is_none());
    }

    #[tokio::test]
    async fn the_demo_session_is_private_and_ends_with_sign_out() {
        let (mem, st) = state();
        let who = demo_sign_in(&st).await.unwrap();
        assert!(who.demo);
        assert_eq!(who.profile, DEMO_PROFILE);
        assert!(who.api_base.starts_with("http://127.0.0.1:"));
        // Demo credentials never reach the keychain.
        assert!(mem.is_empty());
        assert_eq!(app_info(&st).await.unwrap().signed_in, Some(who));
        // The session answers the commands (the lists themselves are tested in core).
        let events = crate::app::commands::dispatch(&st, "events_list", serde_json::json!({}))
            .await
            .unwrap();
        assert_eq!(events.as_array().map(Vec::len), Some(3), "{events}");

        sign_out(&st).await.unwrap();
        assert!(app_info(&st).await.unwrap().signed_in.is_none());
        st.shutdown().await;
    }

    #[tokio::test]
    async fn the_start_up_sign_in_is_handed_over_once_and_only_while_current() {
        let (_, st) = state();
        assert!(st.take_demo_boot().await.is_none());
        let (tx, rx) = tokio::sync::oneshot::channel();
        st.set_demo_boot(rx);
        let who = demo_sign_in(&st).await.unwrap();
        tx.send(Ok(who.clone())).unwrap();
        assert_eq!(st.take_demo_boot().await, Some(who.clone()));
        assert!(st.take_demo_boot().await.is_none(), "handed over twice");

        // Signed out meanwhile: the next "Try the demo" signs in afresh.
        let (tx, rx) = tokio::sync::oneshot::channel();
        st.set_demo_boot(rx);
        tx.send(Ok(who)).unwrap();
        sign_out(&st).await.unwrap();
        assert!(st.take_demo_boot().await.is_none());
        // While the start-up sign-in runs, the UI's first calls wait for it.
        let gate = st.hold_boot_gate().expect("free");
        let (listed, _) = tokio::join!(events_list(&st, EventsListRequest::default()), async {
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            demo_sign_in(&st).await.unwrap();
            drop(gate);
        });
        assert_eq!(listed.unwrap().len(), 3);
        // A failed start-up leaves the work to the UI's own call.
        let (tx, rx) = tokio::sync::oneshot::channel();
        st.set_demo_boot(rx);
        tx.send(Err(Error::NotSignedIn("no".into()))).unwrap();
        assert!(st.take_demo_boot().await.is_none());
        st.shutdown().await;
    }

    #[tokio::test]
    async fn sign_in_rejects_missing_fields_before_any_request() {
        let (mem, st) = state();
        let req = SignInRequest {
            profile: "work".into(),
            api_base: Some("http://127.0.0.1:9".into()),
            identity_url: None,
            client_id: "cid".into(),
            username: "  ".into(),
            password: Secret::new("pw"),
            client_secret: Secret::new("cs"),
            client_key: Secret::new("ck"),
        };
        let e = sign_in(&st, req).await.unwrap_err().body();
        assert_eq!(
            (e.code.as_str(), e.field.as_deref()),
            ("invalid_input", Some("username"))
        );
        assert!(mem.is_empty());
        assert!(app_info(&st).await.unwrap().signed_in.is_none());
    }
}
