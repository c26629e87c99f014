//! What the user just did to the domain, for whoever waits on it: the recheck runner
//! (`ops::recheck`) listens here, so the domain's operations never import the runner.

use std::sync::{Arc, Mutex};

use crate::ops::ctx::SessionState;

/// The user acted on the domain.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DomainAct {
    /// Nothing is left to wait for: verified by hand, activated, deactivated (a verify would
    /// re-activate it), deleted.
    Settled,
    /// Something that changes what a check would find (a verify that failed, records
    /// published in the demo): waiting starts over.
    Retried,
}

type Listener = Arc<dyn Fn(DomainAct) + Send + Sync>;

/// The session's listener for [`DomainAct`]s (at most one: the recheck runner).
#[derive(Default)]
pub struct DomainActivity {
    listener: Mutex<Option<Listener>>,
}

impl SessionState for DomainActivity {}

impl DomainActivity {
    /// Hear every later act (replaces the previous listener).
    pub fn listen(&self, f: impl Fn(DomainAct) + Send + Sync + 'static) {
        *self.listener.lock().unwrap_or_else(|e| e.into_inner()) = Some(Arc::new(f));
    }

    /// Tell the listener, if any.
    pub fn acted(&self, act: DomainAct) {
        let l = self
            .listener
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        if let Some(l) = l {
            l(act);
        }
    }
}
