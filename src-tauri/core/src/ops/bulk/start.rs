//! Starting a job (a new selection, or one left unfinished by an earlier run) and dropping one.

use std::sync::Arc;

use uuid::Uuid;

use super::job::{launch, reserve, BulkJobs, JobInfo};
use super::select::{blocking_err, full_name, plan};
use super::types::{BulkJobRequest, BulkSelection, BulkStatus, BulkUnfinished};
use crate::ops::ctx::Ctx;
use crate::store::{NewBulkItem, Store, UnfinishedBulkJob};
use crate::{Error, Result};

/// Queue the selection (state on disk first) and start the runner. Refused while a job runs
/// or starts. Takes the `Arc` because the runner outlives the call and pushes its progress
/// through the session.
pub async fn bulk_start(cx: &Arc<Ctx>, req: BulkSelection) -> Result<BulkStatus> {
    let slot = reserve(cx)?;
    let store = cx.local_store().await?;
    let p = plan(cx, &store, &req).await?;
    if p.chosen.is_empty() {
        return Err(Error::invalid(
            "includeRecent",
            "every selected attendee got this template in the last 10 minutes; confirm to send it again",
        ));
    }
    let job_id = format!("bulk-{}", Uuid::new_v4());
    let items: Vec<NewBulkItem> = p
        .chosen
        .iter()
        .map(|g| NewBulkItem {
            attendee_id: g.id,
            template_id: p.template_id,
            correlation_id: Some(format!("{job_id}-{}", g.id)),
            attendee_name: Some(full_name(g)),
            template_name: Some(p.template_name.clone()),
        })
        .collect();
    let no_email: Vec<Uuid> = p
        .chosen
        .iter()
        .filter(|g| g.email.trim().is_empty())
        .map(|g| g.id)
        .collect();
    let (st, jid, profile) = (Arc::clone(&store), job_id.clone(), cx.info.profile.clone());
    tokio::task::spawn_blocking(move || -> Result<()> {
        st.bulk_enqueue(&jid, &profile, &items)?;
        for it in st.bulk_items(&jid)? {
            if no_email.contains(&it.attendee_id) {
                st.bulk_skip(it.id, "no email address: add one in the attendee panel")?;
            }
        }
        Ok(())
    })
    .await
    .map_err(blocking_err)??;
    let skipped_recent =
        u32::try_from(p.recent.len()).unwrap_or(0) * u32::from(!req.include_recent);
    let info = JobInfo {
        job_id,
        template_name: Some(p.template_name),
        skipped_recent,
        names: p.chosen.iter().map(|g| (g.id, full_name(g))).collect(),
    };
    launch(cx, slot, store, info)
}

/// Resume a job offered at sign-in. Items a previous run left in flight become
/// `outcome_unknown` (never re-sent automatically).
pub async fn bulk_continue(cx: &Arc<Ctx>, req: BulkJobRequest) -> Result<BulkStatus> {
    let slot = reserve(cx)?;
    let store = cx.local_store().await?;
    let job = unfinished_job(cx, &store, &req.job_id).await?;
    let (st, jid) = (Arc::clone(&store), req.job_id.clone());
    let items = tokio::task::spawn_blocking(move || st.bulk_items(&jid))
        .await
        .map_err(blocking_err)??;
    let info = JobInfo {
        job_id: req.job_id,
        template_name: job.template_name,
        skipped_recent: 0,
        names: items
            .into_iter()
            .filter_map(|i| Some((i.attendee_id, i.attendee_name?)))
            .collect(),
    };
    launch(cx, slot, store, info)
}

/// This profile's jobs with items left, except the session's current one.
pub async fn bulk_unfinished(cx: &Ctx) -> Result<Vec<BulkUnfinished>> {
    let store = cx.local_store().await?;
    let current = cx.state::<BulkJobs>().job_id();
    let profile = cx.info.profile.clone();
    let jobs = tokio::task::spawn_blocking(move || store.bulk_unfinished(&profile))
        .await
        .map_err(blocking_err)??;
    Ok(jobs
        .into_iter()
        .filter(|j| Some(&j.job_id) != current.as_ref())
        .map(|j| BulkUnfinished {
            job_id: j.job_id,
            template_id: j.template_id.to_string(),
            template_name: j.template_name,
            remaining: j.counts.remaining(),
            total: j.counts.total,
            started_at: j.started_at.to_rfc3339(),
        })
        .collect())
}

async fn unfinished_job(cx: &Ctx, store: &Arc<Store>, job_id: &str) -> Result<UnfinishedBulkJob> {
    let (st, profile, jid) = (
        Arc::clone(store),
        cx.info.profile.clone(),
        job_id.to_owned(),
    );
    tokio::task::spawn_blocking(move || st.bulk_unfinished(&profile))
        .await
        .map_err(blocking_err)??
        .into_iter()
        .find(|j| j.job_id == jid)
        .ok_or_else(|| Error::invalid("jobId", "is not an unfinished job of this profile"))
}

/// Drop an offered job: what is left is cancelled (in-flight items become `outcome_unknown`).
/// The running job is cancelled with `bulk_cancel` instead.
pub async fn bulk_discard(cx: &Ctx, req: BulkJobRequest) -> Result<()> {
    if cx.state::<BulkJobs>().is_running(&req.job_id) {
        return Err(Error::invalid(
            "jobId",
            "is running now; cancel it from its progress window",
        ));
    }
    let store = cx.local_store().await?;
    unfinished_job(cx, &store, &req.job_id).await?;
    tokio::task::spawn_blocking(move || -> Result<()> {
        store.bulk_recover(&req.job_id)?;
        store.bulk_cancel(&req.job_id)?;
        Ok(())
    })
    .await
    .map_err(blocking_err)?
}
