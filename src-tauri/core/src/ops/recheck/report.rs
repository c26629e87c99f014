//! The runner's progress as the UI sees it: each step becomes a
//! [`RecheckUpdate`](super::RecheckUpdate) pushed to the session (`domain-recheck`), with
//! plain-words messages; verified raises the desktop notification.

use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use crate::models::DomainStatus;
use crate::ops::ctx::Ctx;
use crate::ops::domain::{apply_status, reasons_for, DomainView};
use crate::{Error, ErrorBody};

use super::policy::{Decision, Progress, StopReason};
use super::state::{lock, millis, next_seq, Inner};
use super::types::RecheckPhase;

/// Turns the runner's progress into updates for the UI.
pub(super) struct Reporter {
    pub(super) inner: Arc<Mutex<Inner>>,
    pub(super) session: Weak<Ctx>,
    pub(super) generation: u64,
    pub(super) view: DomainView,
    pub(super) background: bool,
}

impl Reporter {
    pub(super) fn report(&mut self, p: Progress<'_>) {
        let mut inner = lock(&self.inner);
        let current = inner
            .running
            .as_ref()
            .is_some_and(|r| r.generation == self.generation);
        if !current {
            return; // stopped on request: its state was already reset
        }
        let mut u = inner.last.clone();
        u.seq = next_seq();
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
                        apply_status(&mut self.view, st, false);
                        self.view.notice = None;
                        u.reasons = Some(reasons_for(&self.view, &st.reasons));
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
        let Some(cx) = self.session.upgrade().filter(|cx| cx.is_open()) else {
            return; // the session ended: nobody to tell
        };
        cx.push(&u);
        if verified {
            let name = self.view.domain_unicode.clone().unwrap_or_default();
            cx.notifier.desktop(
                "Sending domain verified",
                &format!("{name} is verified: emails can now come from your domain."),
            );
        }
    }
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
