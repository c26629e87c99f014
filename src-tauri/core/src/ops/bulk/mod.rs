//! "Resend to selected": one template to many attendees, sent by the paced runner ([`run`]) in
//! a task owned by the signed-in session ([`BulkJobs`], closed with it), over the persisted
//! queue in the session's local store. Progress is pushed to the UI as [`BulkStatus`] (the
//! `bulk-progress` event) and `bulk_status` answers it for the first paint. A job left
//! unfinished (app closed, crash, sign-out) is offered at the next sign-in, never auto-started.
//! Attendees who got the template in the last 10 minutes are left out unless confirmed: the
//! desk's rule, [`crate::ops::desk::recent_duplicate`].
//!
//! - `types`: the IPC shapes; `select`: preview and "select all"; `start`: start, continue,
//!   unfinished, discard; `job`: the session's job slot and pause/resume/cancel/status;
//!   `run`: the runner over the store's queue.

mod job;
pub mod run;
mod select;
mod start;
mod types;

pub use job::{bulk_cancel, bulk_pause, bulk_resume, bulk_status, BulkJobs};
pub use run::{BulkControl, BulkProgress, BulkRunState};
pub use select::{bulk_preview, bulk_select_filtered};
pub use start::{bulk_continue, bulk_discard, bulk_start, bulk_unfinished};
pub use types::*;

#[cfg(test)]
mod tests;
