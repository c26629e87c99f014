//! "Resend to selected": the bulk runner (`qflow_core::ops::bulk_run`) in a tokio task owned by
//! the signed-in session, over the persisted queue in the session's local store. Progress is
//! pushed to the UI as the `bulk-progress` event (and `bulk_status` answers it for first paint).
//! A job left unfinished (app closed, crash) is offered at the next sign-in, never auto-started.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex, Weak};

use chrono::Utc;
use qflow_core::models::Guest;
use qflow_core::ops::bulk_run::{self, run_bulk, BulkControl, BulkProgress, BulkRunState};
use qflow_core::ops::desk as rules;
use qflow_core::ops::guests;
use qflow_core::store::{BulkItemState, NewBulkItem, Store, UnfinishedBulkJob};
use qflow_core::{validate, Error, Result};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use uuid::Uuid;

use super::handlers::{AppState, Session};

/// The Tauri event carrying a [`BulkStatus`].
pub const PROGRESS_EVENT: &str = "bulk-progress";
/// Most attendees one job may hold.
pub const MAX_BULK: usize = 10_000;

// ---------------------------------------------------------------- IPC types

#[derive(Deserialize, Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../ui/src/bindings/")]
pub struct BulkSelection {
    pub event_id: String,
    pub guest_ids: Vec<String>,
    pub template_id: String,
    /// Also send to attendees who got this template in the last 10 minutes.
    #[serde(default)]
    pub include_recent: bool,
}

/// An attendee who got this template in the last 10 minutes.
#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../ui/src/bindings/")]
pub struct BulkRecent {
    pub guest_id: String,
    pub name: String,
    pub minutes_ago: u32,
}

/// What `bulk_start` would do with this selection.
#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../ui/src/bindings/")]
pub struct BulkPreview {
    pub selected: u32,
    /// Sends that would be made (recent ones left out unless `includeRecent`).
    pub to_send: u32,
    pub recent: Vec<BulkRecent>,
    pub template_name: String,
    /// Seconds for `toSend` at the shared budget's pace.
    pub eta_seconds: u32,
    /// Milliseconds between two sends (the ETA for another count).
    pub pace_ms: u32,
}

/// An item that did not end queued, with why.
#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../ui/src/bindings/")]
pub struct BulkProblem {
    pub guest_id: String,
    pub name: String,
    /// `failed` or `outcome_unknown`.
    pub state: String,
    pub reason: String,
}

/// The job's progress plus what the summary needs.
#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../ui/src/bindings/")]
pub struct BulkStatus {
    #[ts(inline)]
    pub progress: BulkProgress,
    pub template_name: Option<String>,
    /// Left out because they got this template in the last 10 minutes.
    pub skipped_recent: u32,
    pub problems: Vec<BulkProblem>,
}

#[derive(Deserialize, Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../ui/src/bindings/")]
pub struct BulkJobRequest {
    pub job_id: String,
}

/// A job of this profile with items left (offered at sign-in).
#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../ui/src/bindings/")]
pub struct BulkUnfinished {
    pub job_id: String,
    pub template_id: String,
    pub template_name: Option<String>,
    pub remaining: u32,
    pub total: u32,
    /// UTC, RFC 3339.
    pub started_at: String,
}

/// "Select all" over the table's current filter, computed in Rust.
#[derive(Deserialize, Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../ui/src/bindings/")]
pub struct BulkFilterRequest {
    pub event_id: String,
    #[serde(default)]
    pub query: String,
    #[serde(default)]
    #[ts(optional)]
    pub checked_in: Option<bool>,
    #[serde(default)]
    #[ts(optional)]
    pub tag: Option<String>,
}

// ---------------------------------------------------------------- state

/// Where progress goes (the window's event; a channel in tests).
pub type Sink = Arc<dyn Fn(&BulkStatus) + Send + Sync>;

#[derive(Clone)]
struct Job {
    id: String,
    session: Weak<Session>,
    control: BulkControl,
    last: Arc<Mutex<BulkStatus>>,
}

/// The one job that runs (at most one at a time).
#[derive(Default)]
pub struct BulkState {
    job: Mutex<Option<Job>>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl BulkState {
    /// The current session's job, if one exists.
    fn job_of(&self, session: &Arc<Session>) -> Option<Job> {
        let g = lock(&self.job);
        let j = g.as_ref()?;
        let same = j
            .session
            .upgrade()
            .is_some_and(|s| Arc::ptr_eq(&s, session));
        same.then(|| j.clone())
    }
}

// ---------------------------------------------------------------- handlers

fn blocking_err(e: tokio::task::JoinError) -> Error {
    Error::Storage(format!("The local database task failed: {e}"))
}

fn full_name(g: &Guest) -> String {
    format!("{} {}", g.first_name, g.last_name)
        .trim()
        .to_owned()
}

struct Plan {
    template_name: String,
    chosen: Vec<Guest>,
    recent: Vec<BulkRecent>,
    selected: u32,
}

async fn plan(session: &Session, store: &Arc<Store>, req: &BulkSelection) -> Result<Plan> {
    let event_id = validate::guid("eventId", &req.event_id)?;
    let template_id = validate::guid("templateId", &req.template_id)?;
    if req.guest_ids.is_empty() {
        return Err(Error::invalid("guestIds", "select at least one attendee"));
    }
    if req.guest_ids.len() > MAX_BULK {
        return Err(Error::invalid(
            "guestIds",
            format!("at most {MAX_BULK} attendees per job"),
        ));
    }
    let mut ids = Vec::with_capacity(req.guest_ids.len());
    for v in &req.guest_ids {
        let id = validate::guid("guestIds", v)?;
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    let list = session.guests(event_id, false, false).await?;
    let by_id: HashMap<Uuid, usize> = list.iter().enumerate().map(|(i, g)| (g.id(), i)).collect();
    let mut guests = Vec::with_capacity(ids.len());
    for id in &ids {
        let g = by_id.get(id).and_then(|&i| list.get(i)).ok_or_else(|| {
            Error::invalid(
                "guestIds",
                format!("{id} is not an attendee of this event (reload the list)"),
            )
        })?;
        guests.push(g.to_guest());
    }
    let template = session
        .client
        .templates_list(event_id)
        .await?
        .into_iter()
        .find(|t| t.id == template_id)
        .ok_or_else(|| Error::invalid("templateId", "is not a template of this event"))?;
    let st = store.clone();
    let recent_ids = tokio::task::spawn_blocking(move || -> Result<Vec<(Uuid, u32)>> {
        let now = Utc::now();
        let mut out = Vec::new();
        for id in ids {
            let sends = st.sends_for_attendee(id)?;
            if let Some(s) = rules::recent_duplicate(&sends, template_id, now) {
                let m = u32::try_from((now - s.requested_at).num_minutes().max(0)).unwrap_or(0);
                out.push((id, m));
            }
        }
        Ok(out)
    })
    .await
    .map_err(blocking_err)??;
    let named: HashMap<Uuid, &Guest> = guests.iter().map(|g| (g.id, g)).collect();
    let recent: Vec<BulkRecent> = recent_ids
        .iter()
        .map(|(id, m)| BulkRecent {
            guest_id: id.to_string(),
            name: named.get(id).map(|g| full_name(g)).unwrap_or_default(),
            minutes_ago: *m,
        })
        .collect();
    let selected = u32::try_from(guests.len()).unwrap_or(u32::MAX);
    let chosen = if req.include_recent {
        guests
    } else {
        guests
            .into_iter()
            .filter(|g| !recent_ids.iter().any(|(id, _)| *id == g.id))
            .collect()
    };
    Ok(Plan {
        template_name: template.name,
        chosen,
        recent,
        selected,
    })
}

pub async fn bulk_preview(state: &AppState, req: BulkSelection) -> Result<BulkPreview> {
    let session = state.current().await?;
    let store = session.local_store().await?;
    let p = plan(&session, &store, &req).await?;
    let to_send = u32::try_from(p.chosen.len()).unwrap_or(u32::MAX);
    let pace = bulk_run::pace(session.client.budget());
    Ok(BulkPreview {
        selected: p.selected,
        to_send,
        recent: p.recent,
        template_name: p.template_name,
        eta_seconds: bulk_run::eta_seconds(to_send, pace, None),
        pace_ms: u32::try_from(pace.as_millis()).unwrap_or(u32::MAX),
    })
}

/// Queue the selection (state on disk first) and start the runner. Refused while a job runs.
pub async fn bulk_start(
    state: &AppState,
    bulk: &BulkState,
    req: BulkSelection,
    sink: Sink,
    session_ended: impl Future<Output = ()> + Send + 'static,
) -> Result<BulkStatus> {
    let session = state.current().await?;
    refuse_if_running(bulk, &session)?;
    let store = session.local_store().await?;
    let p = plan(&session, &store, &req).await?;
    if p.chosen.is_empty() {
        return Err(Error::invalid(
            "includeRecent",
            "every selected attendee got this template in the last 10 minutes; confirm to send it again",
        ));
    }
    let job_id = format!("bulk-{}", Uuid::new_v4());
    let template_id = validate::guid("templateId", &req.template_id)?;
    let items: Vec<NewBulkItem> = p
        .chosen
        .iter()
        .map(|g| NewBulkItem {
            attendee_id: g.id,
            template_id,
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
    let (st, jid, profile) = (store.clone(), job_id.clone(), session.info.profile.clone());
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
    let names = p.chosen.iter().map(|g| (g.id, full_name(g))).collect();
    let skipped = u32::try_from(p.recent.len()).unwrap_or(0) * u32::from(!req.include_recent);
    launch(
        bulk,
        &session,
        store,
        job_id,
        Some(p.template_name),
        skipped,
        names,
        sink,
        session_ended,
    )
}

fn refuse_if_running(bulk: &BulkState, session: &Arc<Session>) -> Result<()> {
    if let Some(job) = bulk.job_of(session) {
        if !lock(&job.last).progress.state.is_over() {
            return Err(Error::invalid(
                "guestIds",
                "a resend to selected attendees is already running; pause or cancel it first",
            ));
        }
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn launch(
    bulk: &BulkState,
    session: &Arc<Session>,
    store: Arc<Store>,
    job_id: String,
    template_name: Option<String>,
    skipped_recent: u32,
    names: HashMap<Uuid, String>,
    sink: Sink,
    session_ended: impl Future<Output = ()> + Send + 'static,
) -> Result<BulkStatus> {
    let control = BulkControl::new();
    let budget = session.client.budget().clone();
    let first = bulk_run::snapshot(&store, &job_id, BulkRunState::Running, &budget, None)?;
    let names = Arc::new(names);
    let status = status_of(&store, first, template_name.clone(), skipped_recent, &names);
    let last = Arc::new(Mutex::new(status.clone()));
    *lock(&bulk.job) = Some(Job {
        id: job_id.clone(),
        session: Arc::downgrade(session),
        control: control.clone(),
        last: last.clone(),
    });
    let client = session.client.clone();
    tokio::spawn(async move {
        // Sign-out or another sign-in stops the job between items; what is left stays queued.
        let stopper = control.clone();
        let watcher = tokio::spawn(async move {
            session_ended.await;
            stopper.stop();
        });
        let report = |p: &BulkProgress| {
            let s = status_of(
                &store,
                p.clone(),
                template_name.clone(),
                skipped_recent,
                &names,
            );
            *lock(&last) = s.clone();
            sink(&s);
        };
        if let Err(e) = run_bulk(&client, &store, &job_id, &control, report).await {
            let b = e.body();
            let mut s = lock(&last).clone();
            s.progress.state = BulkRunState::Interrupted;
            s.progress.note = Some(format!("{} {}", b.message, b.next_step));
            *lock(&last) = s.clone();
            sink(&s);
        }
        watcher.abort();
    });
    Ok(status)
}

fn status_of(
    store: &Store,
    progress: BulkProgress,
    template_name: Option<String>,
    skipped_recent: u32,
    names: &HashMap<Uuid, String>,
) -> BulkStatus {
    let problems = if progress.counts.failed + progress.counts.outcome_unknown == 0 {
        Vec::new()
    } else {
        store
            .bulk_items(&progress.job_id)
            .unwrap_or_default()
            .into_iter()
            .filter(|i| {
                matches!(
                    i.state,
                    BulkItemState::Failed | BulkItemState::OutcomeUnknown
                )
            })
            .map(|i| BulkProblem {
                guest_id: i.attendee_id.to_string(),
                name: names
                    .get(&i.attendee_id)
                    .cloned()
                    .unwrap_or_else(|| i.attendee_id.to_string()),
                state: i.state.as_str().to_owned(),
                reason: i.error.unwrap_or_default(),
            })
            .collect()
    };
    BulkStatus {
        progress,
        template_name,
        skipped_recent,
        problems,
    }
}

async fn control(state: &AppState, bulk: &BulkState, act: fn(&BulkControl)) -> Result<BulkStatus> {
    let session = state.current().await?;
    let job = bulk
        .job_of(&session)
        .ok_or_else(|| Error::invalid("jobId", "no resend to selected attendees is running"))?;
    act(&job.control);
    let s = lock(&job.last).clone();
    Ok(s)
}

pub async fn bulk_pause(state: &AppState, bulk: &BulkState) -> Result<BulkStatus> {
    control(state, bulk, BulkControl::pause).await
}

pub async fn bulk_resume(state: &AppState, bulk: &BulkState) -> Result<BulkStatus> {
    control(state, bulk, BulkControl::resume).await
}

pub async fn bulk_cancel(state: &AppState, bulk: &BulkState) -> Result<BulkStatus> {
    control(state, bulk, BulkControl::cancel).await
}

/// The session's current (or last) job, for the first paint and polling.
pub async fn bulk_status(state: &AppState, bulk: &BulkState) -> Result<Option<BulkStatus>> {
    let session = state.current().await?;
    Ok(bulk.job_of(&session).map(|job| lock(&job.last).clone()))
}

/// This profile's jobs with items left, except the one running now.
pub async fn bulk_unfinished(state: &AppState, bulk: &BulkState) -> Result<Vec<BulkUnfinished>> {
    let session = state.current().await?;
    let store = session.local_store().await?;
    let running = bulk.job_of(&session).map(|job| job.id);
    let profile = session.info.profile.clone();
    let jobs = tokio::task::spawn_blocking(move || store.bulk_unfinished(&profile))
        .await
        .map_err(blocking_err)??;
    Ok(jobs
        .into_iter()
        .filter(|j| Some(&j.job_id) != running.as_ref())
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

async fn unfinished_job(
    session: &Session,
    store: &Arc<Store>,
    job_id: &str,
) -> Result<UnfinishedBulkJob> {
    let (st, profile, jid) = (
        store.clone(),
        session.info.profile.clone(),
        job_id.to_owned(),
    );
    tokio::task::spawn_blocking(move || st.bulk_unfinished(&profile))
        .await
        .map_err(blocking_err)??
        .into_iter()
        .find(|j| j.job_id == jid)
        .ok_or_else(|| Error::invalid("jobId", "is not an unfinished job of this profile"))
}

/// Resume a job offered at sign-in. Items a previous run left in flight become
/// `outcome_unknown` (never re-sent automatically).
pub async fn bulk_continue(
    state: &AppState,
    bulk: &BulkState,
    req: BulkJobRequest,
    sink: Sink,
    session_ended: impl Future<Output = ()> + Send + 'static,
) -> Result<BulkStatus> {
    let session = state.current().await?;
    refuse_if_running(bulk, &session)?;
    let store = session.local_store().await?;
    let job = unfinished_job(&session, &store, &req.job_id).await?;
    let (st, jid) = (store.clone(), req.job_id.clone());
    let items = tokio::task::spawn_blocking(move || st.bulk_items(&jid))
        .await
        .map_err(blocking_err)??;
    let names = items
        .into_iter()
        .filter_map(|i| Some((i.attendee_id, i.attendee_name?)))
        .collect();
    launch(
        bulk,
        &session,
        store,
        req.job_id,
        job.template_name,
        0,
        names,
        sink,
        session_ended,
    )
}

/// Drop an offered job: what is left is cancelled (in-flight items become `outcome_unknown`).
pub async fn bulk_discard(state: &AppState, req: BulkJobRequest) -> Result<()> {
    let session = state.current().await?;
    let store = session.local_store().await?;
    unfinished_job(&session, &store, &req.job_id).await?;
    tokio::task::spawn_blocking(move || -> Result<()> {
        store.bulk_recover(&req.job_id)?;
        store.bulk_cancel(&req.job_id)?;
        Ok(())
    })
    .await
    .map_err(blocking_err)?
}

/// Every attendee id matching the table's filter, in the table's order.
pub async fn bulk_select_filtered(state: &AppState, req: BulkFilterRequest) -> Result<Vec<String>> {
    let event_id = validate::guid("eventId", &req.event_id)?;
    let session = state.current().await?;
    let list = session.guests(event_id, false, false).await?;
    let matching = guests::filter_guests(
        &list,
        &guests::GuestFilter {
            query: &req.query,
            checked_in: req.checked_in,
            tag: req.tag.as_deref(),
        },
    );
    if matching.len() > MAX_BULK {
        return Err(Error::invalid(
            "query",
            format!(
                "{} attendees match; narrow the filter to at most {MAX_BULK}",
                matching.len()
            ),
        ));
    }
    Ok(matching.iter().map(|g| g.id().to_string()).collect())
}

// ---------------------------------------------------------------- commands

pub mod cmd {
    use std::time::Duration;

    use tauri::{AppHandle, Emitter, Manager, State};

    use super::*;

    use crate::app::commands::{reply, Reply};

    fn sink(app: &AppHandle) -> Sink {
        let app = app.clone();
        Arc::new(move |s: &BulkStatus| {
            let _ = app.emit(PROGRESS_EVENT, s);
        })
    }

    /// Resolves when the session that started the job is no longer the signed-in one.
    async fn session_ended(app: AppHandle, session: Weak<Session>) {
        loop {
            tokio::time::sleep(Duration::from_millis(500)).await;
            let current = app.state::<AppState>().current().await.ok();
            let same = match (current, session.upgrade()) {
                (Some(c), Some(s)) => Arc::ptr_eq(&c, &s),
                _ => false,
            };
            if !same {
                return;
            }
        }
    }

    async fn ended(
        app: &AppHandle,
        state: &AppState,
    ) -> Result<impl Future<Output = ()> + Send + 'static> {
        let s = state.current().await?;
        Ok(session_ended(app.clone(), Arc::downgrade(&s)))
    }

    #[tauri::command]
    pub async fn bulk_preview(
        state: State<'_, AppState>,
        req: BulkSelection,
    ) -> Reply<BulkPreview> {
        reply("bulk_preview", super::bulk_preview(&state, req).await)
    }

    #[tauri::command]
    pub async fn bulk_start(
        app: AppHandle,
        state: State<'_, AppState>,
        bulk: State<'_, BulkState>,
        req: BulkSelection,
    ) -> Reply<BulkStatus> {
        let r = match ended(&app, &state).await {
            Ok(end) => super::bulk_start(&state, &bulk, req, sink(&app), end).await,
            Err(e) => Err(e),
        };
        reply("bulk_start", r)
    }

    #[tauri::command]
    pub async fn bulk_continue(
        app: AppHandle,
        state: State<'_, AppState>,
        bulk: State<'_, BulkState>,
        req: BulkJobRequest,
    ) -> Reply<BulkStatus> {
        let r = match ended(&app, &state).await {
            Ok(end) => super::bulk_continue(&state, &bulk, req, sink(&app), end).await,
            Err(e) => Err(e),
        };
        reply("bulk_continue", r)
    }

    #[tauri::command]
    pub async fn bulk_pause(
        state: State<'_, AppState>,
        bulk: State<'_, BulkState>,
    ) -> Reply<BulkStatus> {
        reply("bulk_pause", super::bulk_pause(&state, &bulk).await)
    }

    #[tauri::command]
    pub async fn bulk_resume(
        state: State<'_, AppState>,
        bulk: State<'_, BulkState>,
    ) -> Reply<BulkStatus> {
        reply("bulk_resume", super::bulk_resume(&state, &bulk).await)
    }

    #[tauri::command]
    pub async fn bulk_cancel(
        state: State<'_, AppState>,
        bulk: State<'_, BulkState>,
    ) -> Reply<BulkStatus> {
        reply("bulk_cancel", super::bulk_cancel(&state, &bulk).await)
    }

    #[tauri::command]
    pub async fn bulk_status(
        state: State<'_, AppState>,
        bulk: State<'_, BulkState>,
    ) -> Reply<Option<BulkStatus>> {
        reply("bulk_status", super::bulk_status(&state, &bulk).await)
    }

    #[tauri::command]
    pub async fn bulk_unfinished(
        state: State<'_, AppState>,
        bulk: State<'_, BulkState>,
    ) -> Reply<Vec<BulkUnfinished>> {
        reply(
            "bulk_unfinished",
            super::bulk_unfinished(&state, &bulk).await,
        )
    }

    #[tauri::command]
    pub async fn bulk_discard(state: State<'_, AppState>, req: BulkJobRequest) -> Reply<()> {
        reply("bulk_discard", super::bulk_discard(&state, req).await)
    }

    #[tauri::command]
    pub async fn bulk_select_filtered(
        state: State<'_, AppState>,
        req: BulkFilterRequest,
    ) -> Reply<Vec<String>> {
        reply(
            "bulk_select_filtered",
            super::bulk_select_filtered(&state, req).await,
        )
    }
}

#[cfg(test)]
mod tests;
