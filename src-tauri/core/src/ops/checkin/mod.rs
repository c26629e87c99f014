//! Scan to check in, for the window's scan mode and the CLI's `guests checkin --barcode`.
//!
//! A scanned barcode is answered at once from a local index of the event's cached attendee list
//! (`index`): checked in, already checked in (when, and at this desk or another), not on this
//! event's list (and which loaded list it is on) or unknown. A check-in is written to the local
//! queue (`store::checkins`, with the real scan time) before the answer, and sent in the
//! background in scan order through the client's budget (`sender`); the answer never waits for
//! Qflow. Offline, rows stay queued (kept across restarts) and go out in order when the network
//! is back; conflicts and refusals are listed and pushed to the UI (`ScanUpdate`), never
//! dropped. Undo within 10 s: a queued row is cancelled, a sent one is followed by a check-out.
//! Check-ins made elsewhere arrive by re-reading the event's list every 30 s.
//!
//! The guide's `POST /api/guest/checkin` has no field for a check-in time: Qflow stamps its own,
//! and the scan time is kept (and shown) here.
//!
//! - `types`: IPC types. `answer`: the words and the pure rules (undo window, conflicts).
//! - `index`: the barcode index. `state`: the session's scan state. `scan`: the operations.
//!   `sender`: the background queue.

mod answer;
mod index;
mod scan;
mod sender;
mod state;
mod types;

pub use answer::{is_conflict, UNDO_WINDOW};
pub use index::BarcodeIndex;
pub use scan::*;
pub use state::ScanState;
pub use types::*;

#[cfg(test)]
mod tests;
