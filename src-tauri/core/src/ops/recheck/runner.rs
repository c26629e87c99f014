//! The runner: one per session ([`Recheck`], a session state closed with it). While the domain
//! screen is open (and, if the user turns it on, after it closes) it asks Qflow `/verify` again
//! on the back-off of [`policy`](super::policy), at Background priority so it never takes a
//! slot from a click. Every step goes to the UI as a [`RecheckUpdate`] (`domain-recheck`);
//! when the domain verifies, the UI shows a banner and a desktop notification is raised
//! through the session's notifier.
//!
//! It stops when the domain verifies, is gone (404), needs the user (401/403, signed out), when
//! the user deactivates or deletes it (heard through [`DomainActivity`]), when the session ends
//! (sign-out, another sign-in: [`SessionState::close`]), and when the screen closes unless
//! "keep checking in the background" is on.
//!
//! `QFLOW_RECHECK_STEPS=3,5` (seconds) replaces the standard cadence (tests, demos).

use std::path::PathBuf;
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use crate::models::DomainStatus;
use crate::ops::ctx::{Ctx, SessionState};
use crate::ops::domain::{self, DomainAct, DomainActivity, DomainGlance};
use crate::{Error, Result};

use super::policy::{self, Backoff, Control};
use super::report::Reporter;
use super::settings::{read_settings, settings_path, write_settings, Settings};
use super::state::{control, lock, millis, next_seq, stop_locked, Inner, Running};
use super::types::{RecheckBackgroundRequest, RecheckPhase, RecheckStartRequest, RecheckUpdate};

// ------------------------------------------------------------------ the commands

/// Start (or join) the session's runner. See [`RecheckStartRequest`]. Takes the session's
/// `Arc`: the runner keeps a weak handle on it to report and to note what each check found.
pub async fn domain_recheck_start(
    cx: &Arc<Ctx>,
    req: RecheckStartRequest,
) -> Result<RecheckUpdate> {
    cx.state::<Recheck>().start(cx, req.screen).await
}

/// The domain screen closed: stop unless the background setting is on.
pub async fn domain_recheck_leave(cx: &Ctx) -> Result<()> {
    if let Some(rc) = cx.existing_state::<Recheck>() {
        rc.leave();
    }
    Ok(())
}

/// "Check now": check at once, then start the cadence over.
pub async fn domain_recheck_now(cx: &Ctx) -> Result<RecheckUpdate> {
    let rc = cx.state::<Recheck>();
    rc.control(Control::CheckNow);
    Ok(rc.snapshot())
}

/// Store "keep checking in the background"; off while the screen is closed stops the runner.
pub async fn domain_recheck_set_background(
    cx: &Ctx,
    req: RecheckBackgroundRequest,
) -> Result<RecheckUpdate> {
    cx.state::<Recheck>().set_background(req.on)
}

// ------------------------------------------------------------------ the session state

/// The session's recheck: at most one runner, stopped when the session ends.
pub struct Recheck {
    inner: Arc<Mutex<Inner>>,
}

impl Default for Recheck {
    fn default() -> Self {
        Recheck {
            inner: Arc::new(Mutex::new(Inner {
                running: None,
                last: RecheckUpdate::off(false),
                generation: 0,
                backoff: backoff_from_env(),
                settings_dir: None,
            })),
        }
    }
}

impl SessionState for Recheck {
    fn close(&self) {
        stop_locked(&mut lock(&self.inner));
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

impl Recheck {
    /// Another cadence and settings folder (tests); a runner already going keeps its own.
    pub fn configure(&self, backoff: Backoff, settings_dir: Option<PathBuf>) {
        let mut inner = lock(&self.inner);
        inner.backoff = backoff;
        inner.settings_dir = settings_dir;
    }

    /// The stored "keep checking in the background" (off when never set or unreadable).
    pub fn background(&self) -> bool {
        let dir = lock(&self.inner).settings_dir.clone();
        match settings_path(dir.as_deref()) {
            Ok(p) => read_settings(&p).background_domain_recheck,
            Err(e) => {
                tracing::warn!(code = e.code(), "could not locate the settings file");
                false
            }
        }
    }

    /// The latest state, as the UI shows it.
    pub fn snapshot(&self) -> RecheckUpdate {
        let background = self.background();
        let mut u = lock(&self.inner).last.clone();
        u.background = background;
        u
    }

    /// Whether a runner is going.
    pub fn is_running(&self) -> bool {
        lock(&self.inner).running.is_some()
    }

    async fn start(&self, cx: &Arc<Ctx>, screen: bool) -> Result<RecheckUpdate> {
        if !cx.is_open() {
            return Err(Error::NotSignedIn("You are not signed in".into()));
        }
        // What the user does on the domain screen starts the cadence over or ends it.
        let inner = Arc::clone(&self.inner);
        cx.state::<DomainActivity>().listen(move |act| {
            control(
                &inner,
                match act {
                    DomainAct::Settled => Control::Stop,
                    DomainAct::Retried => Control::Reset,
                },
            )
        });
        let background = self.background();
        {
            let mut inner = lock(&self.inner);
            if let Some(r) = inner.running.as_mut() {
                r.screen_open |= screen;
                let mut u = inner.last.clone();
                u.background = background;
                return Ok(u);
            }
        }
        if !screen && !background {
            return Ok(self.snapshot());
        }
        let view = domain::domain_get(cx).await?;
        if view.status != DomainGlance::WaitingForDns {
            // Nothing to wait for: verified, disabled (a verify would re-activate) or not set up.
            let mut inner = lock(&self.inner);
            inner.last = RecheckUpdate {
                seq: next_seq(),
                ..RecheckUpdate::off(background)
            };
            return Ok(inner.last.clone());
        }
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        let (generation, backoff) = {
            let mut inner = lock(&self.inner);
            if inner.running.is_some() {
                // Another start won the race while the domain was read.
                let mut u = inner.last.clone();
                u.background = background;
                return Ok(u);
            }
            inner.generation += 1;
            inner.running = Some(Running {
                generation: inner.generation,
                tx,
                screen_open: screen,
            });
            // As the runner's first report will say, so the answer to start is already right.
            inner.last = RecheckUpdate {
                seq: next_seq(),
                phase: RecheckPhase::Waiting,
                next_in_ms: Some(millis(inner.backoff.delay(0))),
                view: Some(view.clone()),
                ..RecheckUpdate::off(background)
            };
            (inner.generation, inner.backoff.clone())
        };
        // The runner holds the session weakly: it never keeps a signed-out session alive, and
        // a check finding the session gone stops it.
        let session = Arc::downgrade(cx);
        let domain = view.domain.clone().unwrap_or_default();
        let mut reporter = Reporter {
            inner: Arc::clone(&self.inner),
            session: session.clone(),
            generation,
            view,
            background,
        };
        tokio::spawn(async move {
            policy::run(
                backoff,
                || check(session.clone(), domain.clone()),
                rx,
                |p| reporter.report(p),
            )
            .await;
        });
        Ok(self.snapshot())
    }

    /// Pass a control to the runner, if one runs.
    pub fn control(&self, c: Control) {
        control(&self.inner, c)
    }

    /// The domain screen closed: stop unless the background setting is on.
    pub fn leave(&self) {
        let background = self.background();
        let mut inner = lock(&self.inner);
        if let Some(r) = inner.running.as_mut() {
            r.screen_open = false;
            if !background {
                stop_locked(&mut inner);
            }
        }
    }

    /// Store the setting; turning it off while the screen is closed stops the runner.
    pub fn set_background(&self, on: bool) -> Result<RecheckUpdate> {
        let dir = lock(&self.inner).settings_dir.clone();
        write_settings(
            &settings_path(dir.as_deref())?,
            &Settings {
                background_domain_recheck: on,
            },
        )?;
        {
            let mut inner = lock(&self.inner);
            if !on && inner.running.as_ref().is_some_and(|r| !r.screen_open) {
                stop_locked(&mut inner);
            }
        }
        Ok(self.snapshot())
    }
}

/// One `/verify` at background priority for the session, if it is still open; what it found
/// is noted in the session's verified-domain cache (the studio's fromAddress check).
async fn check(session: Weak<Ctx>, domain: String) -> Result<DomainStatus> {
    let Some(cx) = session.upgrade().filter(|cx| cx.is_open()) else {
        return Err(Error::NotSignedIn("The session ended".into()));
    };
    let r = policy::verify_in_background(&cx.client).await;
    match &r {
        Ok(st) => cx.domain_changed(st.verified.then_some(domain)).await,
        Err(Error::Api(a)) if a.status == 404 => cx.domain_changed(None).await,
        Err(_) => {}
    }
    r
}
