//! The registration desk, for the window and the CLI alike: the attendee panel (details, edit,
//! check-in/out, delete, send history), resend ticket (template choice, exact preview, the
//! duplicate guard, a send with a correlation id, logged), add attendee (atomic create-and-send)
//! and the table's last-send status.
//!
//! - `types`: the IPC request/response types (exported to `ui/src/bindings/`).
//! - `panel`: `guest_detail`, `guest_save` / `update_guest`, `guest_check_in`, `guest_delete`,
//!   `guest_history`.
//! - `resend`: `resend_options`, `event_templates`, `resend_preview`, `resend`.
//! - `add`: `email_check`, `guest_add`, `send_statuses`.
//! - `rules`: the pure rules (default template, duplicate window, correlation ids, the preview
//!   frame's document), also used by the bulk send.
//!
//! No state of its own beyond [`resend::ResendSlots`] (the sends under way, per session):
//! events, templates and attendees are the session's caches on [`crate::ops::ctx::Ctx`].

mod add;
mod panel;
mod resend;
pub mod rules;
mod types;

pub use add::*;
pub use panel::*;
pub use resend::*;
pub use rules::*;
pub use types::*;

#[cfg(test)]
mod tests;
