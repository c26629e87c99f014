//! What crosses IPC: one request and one response type per command, exported to
//! `ui/src/bindings/` by ts-rs (`cargo test` writes them; `tests/bindings_fresh.rs` fails when
//! the checked-in files drift). These types stand alone (no core types inside) so the UI gets
//! only what it shows, and secrets only ever travel UI → Rust, once.

pub use qflow_core::ops::account::{AppInfo, SavedProfile, SignInRequest, SignedIn};
pub use qflow_core::ops::events::{EventRow, EventsListRequest};
pub use qflow_core::ops::guests::{
    AttendeeCount, AttendeeCountsRequest, GuestRow, GuestsPage, GuestsPageRequest,
};
