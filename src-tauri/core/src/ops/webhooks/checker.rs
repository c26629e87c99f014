//! The signature checker (a pasted delivery against a pasted or the stored secret) and each
//! attendee's delivery timeline (sends joined with the receiver's events).

use crate::ops::ctx::Ctx;
use crate::store::TimelineEntry;
use crate::webhook::{self, Diagnosis};
use crate::{validate, Error, Result};

use super::receiver::ensure_demo_wiring;
use super::secret;
use super::types::{AttendeeTimelineRequest, DiagnoseRequest};

/// `webhook_diagnose`: would this delivery verify, and if not, the usual mistake behind it.
pub async fn webhook_diagnose(cx: &Ctx, req: DiagnoseRequest) -> Result<Diagnosis> {
    let stored = req.use_stored;
    let secret = match (req.use_stored, req.secret) {
        (true, _) => secret::stored(cx)
            .await?
            .ok_or_else(|| Error::invalid("secret", "no webhook secret is stored; paste one"))?,
        (false, Some(s)) if !s.is_empty() => s,
        _ => {
            return Err(Error::invalid(
                "secret",
                "paste the webhook secret or use the stored one",
            ))
        }
    };
    let opt = |s: &str| Some(s.to_owned()).filter(|s| !s.trim().is_empty());
    let (sig, ts) = (opt(&req.signature), opt(&req.timestamp));
    let mut d = webhook::diagnose(
        &secret,
        req.body.as_bytes(),
        sig.as_deref(),
        ts.as_deref(),
        cx.now().timestamp(),
    );
    if stored {
        // Say what is wrong, never hand out a valid signature made with the stored secret.
        d.expected_signature = None;
    }
    Ok(d)
}

/// `attendee_timeline`: one attendee's sends and delivery events, oldest first.
pub async fn attendee_timeline(
    cx: &Ctx,
    req: AttendeeTimelineRequest,
) -> Result<Vec<TimelineEntry>> {
    let id = validate::guid("attendeeId", &req.attendee_id)?;
    ensure_demo_wiring(cx).await?;
    let store = cx.local_store().await?;
    tokio::task::spawn_blocking(move || store.timeline(id))
        .await
        .map_err(|e| Error::internal(format!("reading the timeline: {e}")))?
}
