//! The domain recheck runner: while the domain screen is open (and, if the user turns it on,
//! after it closes) it asks Qflow `/verify` again on the back-off of `ops::recheck`, at
//! Background priority so it never takes a slot from a click. Every step goes to the UI as the
//! `domain-recheck` event; when the domain verifies, the UI shows a banner and a desktop
//! notification is raised (which may fail quietly where no notification service runs: logged).
//!
//! It stops when the domain verifies, is gone (404), needs the user (401/403, signed out), when
//! the user deactivates or deletes it, on sign-out / sign-in, and when the screen closes unless
//! "keep checking in the background" is on. That toggle is the only thing stored, in
//! `<data dir>/settings.json` (no secrets).
//!
//! `QFLOW_RECHECK_STEPS=3,5` (seconds) replaces the standard cadence (tests, demos).

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use qflow_core::models::DomainStatus;
use qflow_core::ops::recheck::{self, Backoff, Control, Decision, Progress, StopReason};
use qflow_core::{Error, ErrorBody, Result};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::domain::{self, DomainGlance, DomainView, RecordReason};
use super::handlers::{AppState, Session};

/// The Tauri event carrying a [`RecheckUpdate`].
pub const EVENT: &str = "domain-recheck";
const SETTINGS_FILE: &str = "settings.json";

#[derive(Serialize, Clone, Copy, Debug, PartialEq, Eq, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, export_to = "../ui/src/bindings/")]
pub enum RecheckPhase {
    /// Not running (never started, or stopped on request).
    Off,
    Waiting,
    Checking,
    /// Ended on its own: see `stopReason`.
    Stopped,
}

/// Where the recheck stands; sent as the `domain-recheck` event and returned by its commands.
#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../ui/src/bindings/")]
pub struct RecheckUpdate {
    /// Grows with every update: the UI drops one older than what it shows.
    pub seq: u32,
    pub phase: RecheckPhase,
    /// Checks made by this run.
    pub checks: u32,
    /// When waiting: how long until the next check.
    pub next_in_ms: Option<u32>,
    /// "Keep checking in the background" (the stored setting).
    pub background: bool,
    /// `verified`, `gone`, `needs_attention` or `cancelled` once stopped.
    pub stop_reason: Option<String>,
    /// What the last check found, in plain words.
    pub message: Option<String>,
    /// The domain as of the last check (status pill, checklist ticks).
    pub view: Option<DomainView>,
    /// The last check's reasons, each next to its record.
    pub reasons: Option<Vec<RecordReason>>,
    /// Set once verified: "example.com is verified".
    pub verified_banner: Option<String>,
}

impl RecheckUpdate {
    fn off(background: bool) -> RecheckUpdate {
        RecheckUpdate {
            seq: 0,
            phase: RecheckPhase::Off,
            checks: 0,
            next_in_ms: None,
            background,
            stop_reason: None,
            message: None,
            view: None,
            reasons: None,
            verified_banner: None,
        }
    }
}

/// `domain_recheck_start`: `screen` = the domain screen opened (start if waiting for DNS);
/// otherwise start only when the background setting is on (app start, sign-in).
#[derive(Deserialize, Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../ui/src/bindings/")]
pub struct RecheckStartRequest {
    pub screen: bool,
}

#[derive(Deserialize, Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../ui/src/bindings/")]
pub struct RecheckBackgroundRequest {
    pub on: bool,
}

/// Where the runner's news goes: the window (Tauri) or a test.
pub trait RecheckSink: Send + Sync + 'static {
    fn update(&self, u: &RecheckUpdate);
    /// The domain (Unicode form) just verified: raise a desktop notification.
    fn verified(&self, domain: &str);
}

struct Running {
    generation: u64,
    session: Weak<Session>,
    tx: tokio::sync::mpsc::UnboundedSender<Control>,
    screen_open: bool,
}

struct Inner {
    running: Option<Running>,
    last: RecheckUpdate,
    generation: u64,
}

/// Managed state: at most one runner, for the current session.
pub struct RecheckState {
    inner: Arc<Mutex<Inner>>,
    backoff: Backoff,
    settings_dir: Option<PathBuf>,
}

impl Default for RecheckState {
    fn default() -> Self {
        RecheckState::new(backoff_from_env(), None)
    }
}

fn backoff_from_env() -> Backoff {
    let Ok(v) = std::env::var("QFLOW_RECHECK_STEPS") else {
        return Backoff::standard();
    };
    let steps: Option<Vec<Duration>> = v
        .split(',')
        .map(|s| s.trim().parse::<u64>().ok().map(Duration::from_secs))
        .collect();
    match steps.map(Backoff::new) {
        Some(Ok(b)) => b,
        _ => {
            tracing::warn!("QFLOW_RECHECK_STEPS is not a list of whole seconds > 0: using the standard cadence");
            Backoff::standard()
        }
    }
}

impl RecheckState {
    /// `settings_dir` None = the data dir.
    pub fn new(backoff: Backoff, settings_dir: Option<PathBuf>) -> RecheckState {
        RecheckState {
            inner: Arc::new(Mutex::new(Inner {
                running: None,
                last: RecheckUpdate::off(false),
                generation: 0,
            })),
            backoff,
            settings_dir,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn settings_path(&self) -> Result<PathBuf> {
        let dir = match &self.settings_dir {
            Some(d) => d.clone(),
            None => qflow_core::profiles::data_dir()?,
        };
        Ok(dir.join(SETTINGS_FILE))
    }

    /// The stored "keep checking in the background" (off when never set or unreadable).
    pub fn background(&self) -> bool {
        match self.settings_path().map(|p| read_settings(&p)) {
            Ok(s) => s.background_domain_recheck,
            Err(e) => {
                tracing::warn!(code = e.code(), "could not locate the settings file");
                false
            }
        }
    }

    /// The latest state, as the UI shows it.
    pub fn snapshot(&self) -> RecheckUpdate {
        let mut u = self.lock().last.clone();
        u.background = self.background();
        u
    }

    /// Whether a runner is going (tests).
    pub fn is_running(&self) -> bool {
        self.lock().running.is_some()
    }

    /// Start (or join) the runner for the current session. See [`RecheckStartRequest`].
    pub async fn start(
        &self,
        state: &AppState,
        sink: Arc<dyn RecheckSink>,
        screen: bool,
    ) -> Result<RecheckUpdate> {
        let session = state.current().await?;
        let background = self.background();
        {
            let mut inner = self.lock();
            match inner.running.as_mut() {
                Some(r)
                    if r.session
                        .upgrade()
                        .is_some_and(|s| Arc::ptr_eq(&s, &session)) =>
                {
                    r.screen_open |= screen;
                    let mut u = inner.last.clone();
                    u.background = background;
                    return Ok(u);
                }
                Some(_) => stop_locked(&mut inner),
                None => {}
            }
        }
        if !screen && !background {
            return Ok(self.snapshot());
        }
        let view = domain::domain_get(state).await?;
        if view.status != DomainGlance::WaitingForDns {
            // Nothing to wait for: verified, disabled (a verify would re-activate) or not set up.
            let mut inner = self.lock();
            inner.last = RecheckUpdate {
                seq: inner.last.seq + 1,
                ..RecheckUpdate::off(background)
            };
            return Ok(inner.last.clone());
        }
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        let generation = {
            let mut inner = self.lock();
            if inner.running.is_some() {
                // Another start won the race while the domain was read.
                let mut u = inner.last.clone();
                u.background = background;
                return Ok(u);
            }
            inner.generation += 1;
            inner.running = Some(Running {
                generation: inner.generation,
                session: Arc::downgrade(&session),
                tx,
                screen_open: screen,
            });
            // As the runner's first report will say, so the answer to start is already right.
            inner.last = RecheckUpdate {
                seq: inner.last.seq + 1,
                phase: RecheckPhase::Waiting,
                next_in_ms: Some(millis(self.backoff.delay(0))),
                view: Some(view.clone()),
                ..RecheckUpdate::off(background)
            };
            inner.generation
        };
        let mut reporter = Reporter {
            inner: self.inner.clone(),
            sink,
            generation,
            view,
            background,
        };
        let backoff = self.backoff.clone();
        let client = session.client.clone();
        drop(session); // the runner holds the client only: sign-out ends the session
        tokio::spawn(async move {
            recheck::run(
                backoff,
                || recheck::verify_in_background(&client),
                rx,
                |p| reporter.report(p),
            )
            .await;
        });
        Ok(self.snapshot())
    }

    /// Pass a control to the runner, if one runs.
    pub fn control(&self, c: Control) {
        let mut inner = self.lock();
        if c == Control::Stop {
            stop_locked(&mut inner);
        } else if let Some(r) = &inner.running {
            let _ = r.tx.send(c);
        }
    }

    /// The domain screen closed: stop unless the background setting is on.
    pub fn leave(&self) {
        let background = self.background();
        let mut inner = self.lock();
        if let Some(r) = inner.running.as_mut() {
            r.screen_open = false;
            if !background {
                stop_locked(&mut inner);
            }
        }
    }

    /// Store the setting; turning it off while the screen is closed stops the runner.
    pub fn set_background(&self, on: bool) -> Result<RecheckUpdate> {
        write_settings(
            &self.settings_path()?,
            &Settings {
                background_domain_recheck: on,
            },
        )?;
        {
            let mut inner = self.lock();
            if !on && inner.running.as_ref().is_some_and(|r| !r.screen_open) {
                stop_locked(&mut inner);
            }
        }
        Ok(self.snapshot())
    }

    /// The session ended (sign-out, sign-in, demo again): stop its runner.
    pub fn end_session(&self) {
        stop_locked(&mut self.lock());
    }
}

fn stop_locked(inner: &mut Inner) {
    if let Some(r) = inner.running.take() {
        let _ = r.tx.send(Control::Stop);
        let background = inner.last.background;
        inner.last = RecheckUpdate {
            seq: inner.last.seq + 1,
            // Keep the banner of a run that already verified.
            verified_banner: inner.last.verified_banner.take(),
            ..RecheckUpdate::off(background)
        };
    }
}

/// Turns the runner's progress into updates for the UI.
struct Reporter {
    inner: Arc<Mutex<Inner>>,
    sink: Arc<dyn RecheckSink>,
    generation: u64,
    view: DomainView,
    background: bool,
}

impl Reporter {
    fn report(&mut self, p: Progress<'_>) {
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let current = inner
            .running
            .as_ref()
            .is_some_and(|r| r.generation == self.generation);
        if !current {
            return; // stopped on request: its state was already reset
        }
        let mut u = inner.last.clone();
        u.seq += 1;
        u.background = self.background;
        let mut verified = false;
        match p {
            Progress::Waiting { checks, next_in } => {
                u.phase = RecheckPhase::Waiting;
                u.checks = checks;
                u.next_in_ms = Some(millis(next_in));
            }
            Progress::Checking { checks } => {
                u.phase = RecheckPhase::Checking;
                u.checks = checks;
                u.next_in_ms = None;
            }
            Progress::Checked {
                checks,
                result,
                decision,
            } => {
                u.checks = checks;
                u.message = Some(match result {
                    Ok(st) => {
                        apply(&mut self.view, st);
                        u.reasons = Some(domain::reasons_for(&self.view, &st.reasons));
                        u.view = Some(self.view.clone());
                        checked_message(&self.view, st)
                    }
                    Err(e) => failed_message(e, decision),
                });
            }
            Progress::Stopped { checks, reason } => {
                u.checks = checks;
                u.next_in_ms = None;
                u.phase = RecheckPhase::Stopped;
                u.stop_reason = Some(reason_code(reason).into());
                match reason {
                    StopReason::Verified => {
                        let name = self.view.domain_unicode.clone().unwrap_or_default();
                        u.verified_banner = Some(format!("{name} is verified"));
                        verified = true;
                    }
                    StopReason::Gone => {
                        u.message = Some("Rechecking stopped: the domain no longer exists at Qflow (deleted here or elsewhere). Set one up again to get new records.".into());
                    }
                    StopReason::NeedsAttention(code) => {
                        u.message = Some(format!("Rechecking stopped: Qflow refused the check ({code}). Sign in again or check the account, then open this screen again."));
                    }
                    StopReason::Cancelled => u.phase = RecheckPhase::Off,
                }
                inner.running = None;
            }
        }
        inner.last = u.clone();
        drop(inner);
        self.sink.update(&u);
        if verified {
            let name = self.view.domain_unicode.clone().unwrap_or_default();
            self.sink.verified(&name);
        }
    }
}

fn millis(d: Duration) -> u32 {
    u32::try_from(d.as_millis()).unwrap_or(u32::MAX)
}

fn apply(view: &mut DomainView, st: &DomainStatus) {
    view.verified = st.verified;
    view.enabled = st.enabled;
    view.status = if st.verified && st.enabled {
        DomainGlance::Verified
    } else if st.verified {
        DomainGlance::Disabled
    } else {
        DomainGlance::WaitingForDns
    };
    view.label = view.status.label().into();
    view.notice = None;
}

fn checked_message(view: &DomainView, st: &DomainStatus) -> String {
    let name = view.domain_unicode.as_deref().unwrap_or_default();
    if st.verified {
        format!("{name} is verified: sending from your domain is active.")
    } else {
        let bad = st.reasons.iter().filter(|r| !r.valid).count();
        format!("Not verified yet: {bad} of the records did not check out at SendGrid. DNS changes can take minutes (occasionally up to 24 hours).")
    }
}

fn failed_message(e: &Error, decision: &Decision) -> String {
    let body: ErrorBody = e.body();
    match decision {
        Decision::Wait(d) => format!(
            "The last check did not get an answer ({}: {}). Trying again in {}.",
            body.code,
            body.message,
            human(*d)
        ),
        Decision::Stop(_) => format!("The last check failed ({}: {}).", body.code, body.message),
    }
}

fn human(d: Duration) -> String {
    let s = d.as_secs();
    if s >= 60 && s.is_multiple_of(60) {
        format!("{} min", s / 60)
    } else {
        format!("{} s", s.max(1))
    }
}

fn reason_code(r: &StopReason) -> &'static str {
    match r {
        StopReason::Verified => "verified",
        StopReason::Gone => "gone",
        StopReason::NeedsAttention(_) => "needs_attention",
        StopReason::Cancelled => "cancelled",
    }
}

#[derive(Serialize, Deserialize, Default, Debug)]
#[serde(rename_all = "camelCase")]
struct Settings {
    #[serde(default)]
    background_domain_recheck: bool,
}

fn read_settings(path: &Path) -> Settings {
    match std::fs::read(path) {
        Ok(bytes) => serde_json::from_slice(&bytes).unwrap_or_else(|_| {
            tracing::warn!("settings.json is not valid: using the defaults");
            Settings::default()
        }),
        Err(_) => Settings::default(),
    }
}

/// Temp file + rename: a crash never leaves half a file.
fn write_settings(path: &Path, s: &Settings) -> Result<()> {
    let fail = |e: std::io::Error| Error::Storage(format!("Could not save the settings: {e}"));
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(fail)?;
    }
    let tmp = path.with_extension("json.tmp");
    let bytes = serde_json::to_vec_pretty(s).expect("plain struct serializes");
    std::fs::write(&tmp, bytes).map_err(fail)?;
    std::fs::rename(&tmp, path).map_err(fail)
}

/// Emits to the window and raises the desktop notification.
struct TauriSink(tauri::AppHandle);

impl RecheckSink for TauriSink {
    fn update(&self, u: &RecheckUpdate) {
        use tauri::Emitter;
        if let Err(e) = self.0.emit(EVENT, u) {
            tracing::warn!(error = %e, "could not send the recheck update to the window");
        }
    }

    fn verified(&self, domain: &str) {
        use tauri_plugin_notification::NotificationExt;
        let shown = self
            .0
            .notification()
            .builder()
            .title("Sending domain verified")
            .body(format!(
                "{domain} is verified: emails can now come from your domain."
            ))
            .show();
        if let Err(e) = shown {
            // No notification service (e.g. a bare X server): the in-app banner still shows.
            tracing::warn!(error = %e, "desktop notification failed");
        }
    }
}

/// The IPC surface (thin wrappers).
pub mod cmd {
    use super::*;
    use tauri::State;

    use crate::app::commands::{reply, Reply};

    #[tauri::command]
    pub async fn domain_recheck_start(
        app: tauri::AppHandle,
        state: State<'_, AppState>,
        rc: State<'_, RecheckState>,
        req: RecheckStartRequest,
    ) -> Reply<RecheckUpdate> {
        let sink: Arc<dyn RecheckSink> = Arc::new(TauriSink(app));
        reply(
            "domain_recheck_start",
            rc.start(&state, sink, req.screen).await,
        )
    }

    #[tauri::command]
    pub async fn domain_recheck_leave(rc: State<'_, RecheckState>) -> Reply<()> {
        rc.leave();
        Ok(())
    }

    #[tauri::command]
    pub async fn domain_recheck_now(rc: State<'_, RecheckState>) -> Reply<RecheckUpdate> {
        rc.control(Control::CheckNow);
        Ok(rc.snapshot())
    }

    #[tauri::command]
    pub async fn domain_recheck_set_background(
        rc: State<'_, RecheckState>,
        req: RecheckBackgroundRequest,
    ) -> Reply<RecheckUpdate> {
        reply("domain_recheck_set_background", rc.set_background(req.on))
    }
}

#[cfg(test)]
mod tests;
