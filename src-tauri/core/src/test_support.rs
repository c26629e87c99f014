//! Shared by the unit tests that talk to the sandbox over real HTTP on 127.0.0.1.

use std::sync::Arc;
use std::time::Duration;

use crate::api::{Budget, Client, ClientConfig};
use crate::secrets::{Credentials, Secret};

/// A client for the sandbox's demo account; `budget: None` = the process-wide one.
pub(crate) fn demo_client(sb: &qflow_sandbox::Sandbox, budget: Option<Arc<Budget>>) -> Client {
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

/// A session (`Ctx`) over the sandbox's demo account: in-memory keychain and store, the system
/// clock, no notifications.
pub(crate) fn demo_ctx(sb: &qflow_sandbox::Sandbox) -> Arc<crate::ops::ctx::Ctx> {
    use crate::ops::ctx::{Ctx, CtxParts, SignedIn, Silent, StoreLocation, SystemClock};
    Ctx::new(CtxParts {
        info: SignedIn {
            profile: "demo".into(),
            username: qflow_sandbox::DEMO_USERNAME.into(),
            api_base: sb.api_base(),
            demo: true,
        },
        client: demo_client(sb, None),
        secrets: Arc::new(crate::secrets::MemoryStore::new()),
        store: StoreLocation::Memory,
        clock: Arc::new(SystemClock),
        notifier: Arc::new(Silent),
    })
}
