//! Offline support: a cheap connectivity probe the UI runs while its offline banner shows, and
//! a demo-only switch that makes the demo's client behave as if the network were down.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::ops::ctx::Ctx;
use crate::{Error, Result};

/// `demo_set_offline`: on = every request fails as if the network were down.
#[derive(Deserialize, Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct DemoOfflineRequest {
    pub offline: bool,
}

/// `connection_probe`: one small request (today's events) at background priority, so it never
/// delays a click and counts against the shared budget. Any answer, even an error (an API
/// error, a refused sign-in, an unreadable body), means the network is back: only
/// `network_unreachable` is passed on.
pub async fn connection_probe(cx: &Ctx) -> Result<()> {
    let now = cx.now().naive_utc();
    match cx.client.background().events_list(now, now).await {
        Err(e @ Error::Network { .. }) => Err(e),
        Ok(_) | Err(_) => Ok(()),
    }
}

/// `demo_set_offline`: demo only, pretend the network is down (or back).
pub async fn demo_set_offline(cx: &Ctx, req: DemoOfflineRequest) -> Result<()> {
    if !cx.info.demo {
        return Err(Error::invalid(
            "demo",
            "only the demo can pretend to be offline",
        ));
    }
    cx.client.simulate_offline(req.offline);
    Ok(())
}

#[cfg(test)]
mod tests;
