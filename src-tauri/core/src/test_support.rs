//! Shared by the unit tests that talk to the sandbox over real HTTP on 127.0.0.1, and by the
//! benches (`pub` under the `test-support` feature, which the crate's own dev-dependency turns
//! on; never part of the shipped binary).

use std::sync::Arc;
use std::time::Duration;

use crate::api::{Budget, Client, ClientConfig};
use crate::secrets::{Credentials, Secret};

/// A client for the sandbox's demo account; `budget: None` = the process-wide one.
pub fn demo_client(sb: &qflow_sandbox::Sandbox, budget: Option<Arc<Budget>>) -> Client {
    Client::new(ClientConfig {
        api_base: sb.api_base(),
        identity_url: sb.identity_url(),
        credentials: Credentials {
            client_id: qflow_sandbox::DEMO_CLIENT_ID.into(),
            username: qflow_sandbox::DEMO_USERNAME.into(),
            client_secret: Secret::new(qflow_sandbox::DEMO_CLIENT_SECRET),
            password: Secret::new(qflow_sandbox::DEMO_PASSWORD),
            client_key: Secret::new(qflow_sandbox::CLIENT_KEY),
        },
        budget,
        connect_timeout: Duration::from_secs(5),
        total_timeout: Duration::from_secs(10),
    })
    .unwrap()
}

/// A session (`Ctx`) for tests over the sandbox's demo account: what each test changes is a
/// field (`TestCtx { notifier, ..TestCtx::over(&sb) }.build()`).
pub struct TestCtx {
    pub client: Client,
    pub profile: &'static str,
    pub demo: bool,
    pub secrets: crate::secrets::SharedSecretStore,
    pub store: crate::ops::ctx::StoreLocation,
    pub notifier: Arc<dyn crate::ops::ctx::Notifier>,
}

impl TestCtx {
    /// The demo account over `sb`: in-memory keychain and store, no notifications.
    pub fn over(sb: &qflow_sandbox::Sandbox) -> TestCtx {
        TestCtx {
            client: demo_client(sb, None),
            profile: "demo",
            demo: true,
            secrets: Arc::new(crate::secrets::MemoryStore::new()),
            store: crate::ops::ctx::StoreLocation::Memory,
            notifier: Arc::new(crate::ops::ctx::Silent),
        }
    }

    pub fn build(self) -> Arc<crate::ops::ctx::Ctx> {
        use crate::ops::ctx::{Ctx, CtxParts, SignedIn, SystemClock};
        Ctx::new(CtxParts {
            info: SignedIn {
                profile: self.profile.into(),
                username: qflow_sandbox::DEMO_USERNAME.into(),
                api_base: self.client.api_base().to_owned(),
                demo: self.demo,
            },
            client: self.client,
            secrets: self.secrets,
            store: self.store,
            clock: Arc::new(SystemClock),
            notifier: self.notifier,
        })
    }
}

/// The demo account's session over `sb` with the defaults of [`TestCtx::over`].
pub fn demo_ctx(sb: &qflow_sandbox::Sandbox) -> Arc<crate::ops::ctx::Ctx> {
    TestCtx::over(sb).build()
}

/// A fresh sandbox with `attendees` seeded and the demo account's session over it.
pub async fn seeded_ctx(attendees: usize) -> (qflow_sandbox::Sandbox, Arc<crate::ops::ctx::Ctx>) {
    let sb = qflow_sandbox::Sandbox::start(qflow_sandbox::SandboxConfig {
        attendees,
        ..qflow_sandbox::SandboxConfig::default()
    })
    .await
    .unwrap();
    let cx = demo_ctx(&sb);
    (sb, cx)
}

/// What a session pushed to the window, in order.
pub type Pushed = tokio::sync::mpsc::UnboundedReceiver<(&'static str, serde_json::Value)>;

/// The window's notifier, as a channel.
pub struct Pushes(pub tokio::sync::mpsc::UnboundedSender<(&'static str, serde_json::Value)>);

impl crate::ops::ctx::Notifier for Pushes {
    fn push(&self, name: &'static str, payload: serde_json::Value) {
        let _ = self.0.send((name, payload));
    }
    fn desktop(&self, _title: &str, _body: &str) {}
}

/// A fresh sandbox with `attendees` seeded and no rate limits (the session's own budget paces).
pub async fn quiet_sandbox(attendees: usize) -> qflow_sandbox::Sandbox {
    qflow_sandbox::Sandbox::start(qflow_sandbox::SandboxConfig {
        attendees,
        rate_limits: false,
        ..qflow_sandbox::SandboxConfig::default()
    })
    .await
    .unwrap()
}

/// The demo account's session over `sb` with its `store` and `budget` (`None` = the
/// process-wide one), and what it pushes to the window.
pub fn pushing_session(
    sb: &qflow_sandbox::Sandbox,
    store: crate::ops::ctx::StoreLocation,
    budget: Option<Arc<Budget>>,
) -> (Arc<crate::ops::ctx::Ctx>, Pushed) {
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    let cx = TestCtx {
        client: demo_client(sb, budget),
        store,
        notifier: Arc::new(Pushes(tx)),
        ..TestCtx::over(sb)
    }
    .build();
    (cx, rx)
}

/// The id of the demo event whose title contains `word`, as Qflow lists it (a year either side).
pub async fn event_titled(cx: &crate::ops::ctx::Ctx, word: &str) -> uuid::Uuid {
    let now = chrono::Utc::now().naive_utc();
    let year = chrono::Duration::days(365);
    let events = cx.client.events_list(now - year, now + year).await.unwrap();
    events
        .iter()
        .find(|e| e.title.contains(word))
        .and_then(|e| e.id)
        .unwrap()
}
