//! Offline support: a cheap connectivity probe the UI runs while its offline banner shows, and
//! a demo-only switch that makes the demo's client behave as if the network were down.

use chrono::Utc;
use qflow_core::{Error, Result};
use serde::{Deserialize, Serialize};
use tauri::State;
use ts_rs::TS;

use super::handlers::AppState;

/// `demo_set_offline`: on = every request fails as if the network were down.
#[derive(Deserialize, Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../ui/src/bindings/")]
pub struct DemoOfflineRequest {
    pub offline: bool,
}

/// One small request (today's events) at background priority, so it never delays a click and
/// counts against the shared budget. Any answer, even an error (an API error, a refused sign-in,
/// an unreadable body), means the network is back: only `network_unreachable` is passed on.
pub async fn connection_probe(state: &AppState) -> Result<()> {
    let session = state.current().await?;
    let now = Utc::now().naive_utc();
    match session.client.background().events_list(now, now).await {
        Err(e @ Error::Network { .. }) => Err(e),
        Ok(_) | Err(_) => Ok(()),
    }
}

/// Demo only: pretend the network is down (or back).
pub async fn demo_set_offline(state: &AppState, req: DemoOfflineRequest) -> Result<()> {
    let session = state.current().await?;
    if !session.info.demo {
        return Err(Error::invalid(
            "demo",
            "only the demo can pretend to be offline",
        ));
    }
    session.client.simulate_offline(req.offline);
    Ok(())
}

/// The IPC surface (thin wrappers).
pub mod cmd {
    use super::*;

    use crate::app::commands::{reply, Reply};

    #[tauri::command]
    pub async fn connection_probe(state: State<'_, AppState>) -> Reply<()> {
        reply("connection_probe", super::connection_probe(&state).await)
    }

    #[tauri::command]
    pub async fn demo_set_offline(
        state: State<'_, AppState>,
        req: DemoOfflineRequest,
    ) -> Reply<()> {
        reply(
            "demo_set_offline",
            super::demo_set_offline(&state, req).await,
        )
    }
}

#[cfg(test)]
mod tests {

    use qflow_sandbox::{Fault, FaultKind, SandboxConfig};

    use super::*;
    use crate::app::handlers;
    use crate::app::ipc::{EventsListRequest, GuestsPageRequest};

    fn state() -> AppState {
        crate::app::test_support::demo_state(SandboxConfig {
            attendees: 30,
            ..SandboxConfig::default()
        })
    }

    fn page(event_id: &str) -> GuestsPageRequest {
        GuestsPageRequest {
            event_id: event_id.into(),
            query: String::new(),
            offset: 0,
            limit: 10,
            refresh: false,
            checked_in: None,
            tag: None,
        }
    }

    #[tokio::test]
    async fn demo_offline_fails_requests_as_network_unreachable_and_keeps_the_cache() {
        let st = state();
        handlers::demo_sign_in(&st).await.unwrap();
        connection_probe(&st).await.expect("online at first");
        let events = handlers::events_list(&st, EventsListRequest::default())
            .await
            .unwrap();
        let first = events[0].id.clone();
        let loaded = handlers::guests_page(&st, page(&first)).await.unwrap();

        demo_set_offline(&st, DemoOfflineRequest { offline: true })
            .await
            .unwrap();
        let err = connection_probe(&st).await.unwrap_err();
        assert_eq!(err.code(), "network_unreachable");
        let err = handlers::events_list(&st, EventsListRequest::default())
            .await
            .unwrap_err();
        assert_eq!(err.code(), "network_unreachable");
        // A loaded list still answers from Rust's cache: read-only data stays on screen.
        let cached = handlers::guests_page(&st, page(&first)).await.unwrap();
        assert_eq!(cached.matched, loaded.matched);
        let err = handlers::guests_page(
            &st,
            GuestsPageRequest {
                refresh: true,
                ..page(&first)
            },
        )
        .await
        .unwrap_err();
        assert_eq!(err.code(), "network_unreachable");

        demo_set_offline(&st, DemoOfflineRequest { offline: false })
            .await
            .unwrap();
        connection_probe(&st).await.expect("back online");
        st.shutdown().await;
    }

    #[tokio::test]
    async fn any_answer_from_qflow_means_online_even_an_unreadable_or_refused_one() {
        let st = state();
        handlers::demo_sign_in(&st).await.unwrap();
        let inject = |kind: FaultKind| {
            let st = &st;
            async move {
                let guard = st.sandbox.lock().await;
                guard.as_ref().expect("demo sandbox").inject(Fault {
                    method: "GET".into(),
                    path_prefix: "/api/events".into(),
                    kind,
                });
            }
        };
        inject(FaultKind::MalformedJson).await;
        connection_probe(&st)
            .await
            .expect("a truncated answer is still an answer");
        inject(FaultKind::Status {
            status: 403,
            body: r#"{"error":"forbidden","message":"no"}"#.into(),
            retry_after: None,
        })
        .await;
        connection_probe(&st)
            .await
            .expect("a refusal is still an answer");
        st.shutdown().await;
    }

    #[tokio::test]
    async fn probe_and_offline_switch_need_a_session() {
        let st = state();
        let err = connection_probe(&st).await.unwrap_err();
        assert_eq!(err.code(), "not_signed_in");
        let err = demo_set_offline(&st, DemoOfflineRequest { offline: true })
            .await
            .unwrap_err();
        assert_eq!(err.code(), "not_signed_in");
    }
}
