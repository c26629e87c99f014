//! The pure policy ([`Backoff`], [`decide`]) and the schedule that drives it ([`run`]).

use std::future::Future;
use std::time::Duration;

use tokio::sync::mpsc;

use crate::api::Client;
use crate::models::DomainStatus;
use crate::{Error, Result};

/// The production cadence: 30 s, 1 min, 2 min, 5 min, then every 15 min.
pub const STANDARD_STEPS: [Duration; 5] = [
    Duration::from_secs(30),
    Duration::from_secs(60),
    Duration::from_secs(120),
    Duration::from_secs(300),
    Duration::from_secs(900),
];

/// The waits between checks; the last one repeats (the cap).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Backoff {
    steps: Vec<Duration>,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff::standard()
    }
}

impl Backoff {
    pub fn standard() -> Backoff {
        Backoff {
            steps: STANDARD_STEPS.to_vec(),
        }
    }

    /// Custom steps (tests). Empty or zero steps are rejected: they would spin.
    pub fn new(steps: Vec<Duration>) -> Result<Backoff> {
        if steps.is_empty() {
            return Err(Error::invalid("steps", "needs at least one wait"));
        }
        if steps.iter().any(|d| d.is_zero()) {
            return Err(Error::invalid("steps", "every wait must be longer than 0"));
        }
        Ok(Backoff { steps })
    }

    /// The `n`-th wait since the last reset (0-based); the last step repeats.
    pub fn delay(&self, n: u32) -> Duration {
        let i = (n as usize).min(self.steps.len() - 1);
        self.steps[i]
    }

    /// The longest wait.
    pub fn cap(&self) -> Duration {
        *self.steps.last().expect("never empty")
    }

    pub fn steps(&self) -> &[Duration] {
        &self.steps
    }
}

/// Why rechecking ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StopReason {
    /// Qflow says verified (and therefore active).
    Verified,
    /// The domain no longer exists (404): deleted here or elsewhere.
    Gone,
    /// Only the user can fix this (not signed in, credentials refused, Comms API not enabled).
    /// Carries the error code.
    NeedsAttention(String),
    /// Stopped on request (screen left, sign-out, the user deactivated or deleted).
    Cancelled,
}

/// What to do after a check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decision {
    Stop(StopReason),
    /// Check again after this long.
    Wait(Duration),
}

/// The policy: what follows a check's `result`, when `streak` waits have been served since the
/// last reset (0 right after the user acted: the next wait is then the first step again).
pub fn decide(backoff: &Backoff, streak: u32, result: &Result<DomainStatus>) -> Decision {
    let next = backoff.delay(streak);
    match result {
        Ok(st) if st.verified => Decision::Stop(StopReason::Verified),
        Ok(_) => Decision::Wait(next),
        Err(Error::Api(a)) if a.status == 404 => Decision::Stop(StopReason::Gone),
        Err(Error::Api(a)) if a.status == 429 => {
            let asked = Duration::from_secs(a.retry_after.unwrap_or(0));
            Decision::Wait(next.max(asked))
        }
        Err(Error::Api(a)) if a.status == 401 || a.status == 403 => {
            Decision::Stop(StopReason::NeedsAttention(a.code.clone()))
        }
        Err(e @ (Error::NotSignedIn(_) | Error::SignIn(_) | Error::Keychain(_))) => {
            Decision::Stop(StopReason::NeedsAttention(e.code().to_owned()))
        }
        // Network, 5xx after the client's own retries, malformed answers: try again later.
        Err(_) => Decision::Wait(next),
    }
}

/// What the user (or the app on their behalf) asks of a running recheck.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Control {
    /// Check at once, then start the cadence over.
    CheckNow,
    /// Start the cadence over without checking now (the user did something).
    Reset,
    Stop,
}

/// Where the runner is, reported after every change.
#[derive(Debug)]
pub enum Progress<'a> {
    /// Waiting `next_in` before check number `checks + 1`.
    Waiting {
        checks: u32,
        next_in: Duration,
    },
    Checking {
        checks: u32,
    },
    /// Check number `checks` answered `result`; `decision` is what comes next.
    Checked {
        checks: u32,
        result: &'a Result<DomainStatus>,
        decision: &'a Decision,
    },
    Stopped {
        checks: u32,
        reason: &'a StopReason,
    },
}

/// `POST /api/comms/domain/verify` at background priority: yields to interactive requests in the
/// shared budget and waits out any 429 pause the budget holds.
pub async fn verify_in_background(client: &Client) -> Result<DomainStatus> {
    client.background().domain_verify().await
}

/// Run the schedule until it stops. `check` is one verify (use [`verify_in_background`]);
/// `report` sees every step. A closed `control` channel counts as [`Control::Stop`].
pub async fn run<F, Fut, R>(
    backoff: Backoff,
    mut check: F,
    mut control: mpsc::UnboundedReceiver<Control>,
    mut report: R,
) -> StopReason
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<DomainStatus>>,
    R: FnMut(Progress<'_>),
{
    let mut checks = 0u32;
    let mut streak = 0u32; // waits served since the last reset
    let mut wait = backoff.delay(0);
    let stop = |checks: u32, reason: StopReason, report: &mut R| {
        report(Progress::Stopped {
            checks,
            reason: &reason,
        });
        reason
    };
    loop {
        report(Progress::Waiting {
            checks,
            next_in: wait,
        });
        let sleep = tokio::time::sleep(wait);
        tokio::pin!(sleep);
        loop {
            tokio::select! {
                _ = &mut sleep => {
                    streak = streak.saturating_add(1);
                    break;
                }
                c = control.recv() => match c {
                    Some(Control::CheckNow) => {
                        streak = 0;
                        break;
                    }
                    Some(Control::Reset) => {
                        streak = 0;
                        wait = backoff.delay(0);
                        sleep.as_mut().reset(tokio::time::Instant::now() + wait);
                        report(Progress::Waiting { checks, next_in: wait });
                    }
                    Some(Control::Stop) | None => {
                        return stop(checks, StopReason::Cancelled, &mut report);
                    }
                },
            }
        }
        report(Progress::Checking { checks });
        let result = tokio::select! {
            r = check() => r,
            // Only Stop matters mid-check: the check in flight already answers Check now.
            _ = next_stop(&mut control) => {
                return stop(checks, StopReason::Cancelled, &mut report);
            }
        };
        checks += 1;
        let decision = decide(&backoff, streak, &result);
        report(Progress::Checked {
            checks,
            result: &result,
            decision: &decision,
        });
        match decision {
            Decision::Stop(reason) => return stop(checks, reason, &mut report),
            Decision::Wait(d) => wait = d,
        }
    }
}

/// Resolves when a Stop arrives or the channel closes; a Check now or Reset during a check is
/// answered by the check in flight.
async fn next_stop(control: &mut mpsc::UnboundedReceiver<Control>) {
    loop {
        match control.recv().await {
            Some(Control::Stop) | None => return,
            Some(_) => {}
        }
    }
}
