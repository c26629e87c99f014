//! An attendee's email as the Arrivals screen counts it (from the state of the most recent
//! send on the local timeline, [`crate::store::DeliveryState`]), the event's email health, and
//! who each targeted resend selects.

use super::types::{EmailHealth, ResendTarget};

/// Where an attendee's most recent email stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Delivery {
    /// Nothing on the timeline, or Qflow refused our request (`error`): no email went out.
    NeverSent,
    /// Our request is under way or its answer was lost (`pending`, `outcome_unknown`), or only
    /// an event type this version does not know.
    Unknown,
    /// Qflow took it (`queued`) or sent it (`sent`); no delivery report yet.
    Sent,
    Delivered,
    /// Opened (a spam report or an unsubscribe come after an open).
    Opened,
    Bounced,
    /// Qflow dropped it (a suppressed address) or failed to render it.
    Failed,
}

impl Delivery {
    /// The category of a timeline state (`None`: no send and no event).
    pub fn of(status: Option<&str>) -> Delivery {
        match status {
            None | Some("error") => Delivery::NeverSent,
            Some("queued" | "sent") => Delivery::Sent,
            Some("delivered") => Delivery::Delivered,
            Some("opened" | "spam_reported" | "unsubscribed") => Delivery::Opened,
            Some("bounced") => Delivery::Bounced,
            Some("dropped" | "failed") => Delivery::Failed,
            Some(_) => Delivery::Unknown,
        }
    }
}

/// Adds one attendee to the counts.
pub fn count(h: &mut EmailHealth, d: Delivery) {
    let slot = match d {
        Delivery::NeverSent => &mut h.never_sent,
        Delivery::Unknown => &mut h.unknown,
        Delivery::Failed => &mut h.failed,
        Delivery::Sent | Delivery::Delivered | Delivery::Opened | Delivery::Bounced => {
            h.sent += 1;
            match d {
                Delivery::Delivered => &mut h.delivered,
                Delivery::Opened => {
                    h.delivered += 1;
                    &mut h.opened
                }
                Delivery::Bounced => &mut h.bounced,
                _ => return,
            }
        }
    };
    *slot += 1;
}

impl ResendTarget {
    pub const ALL: [ResendTarget; 4] = [
        ResendTarget::Bounced,
        ResendTarget::NotOpened,
        ResendTarget::NeverSent,
        ResendTarget::NotCheckedIn,
    ];

    /// What the screen's buttons and the CLI call it.
    pub fn label(self) -> &'static str {
        match self {
            ResendTarget::Bounced => "Bounced",
            ResendTarget::NotOpened => "Not opened",
            ResendTarget::NeverSent => "Never sent",
            ResendTarget::NotCheckedIn => "Not checked in",
        }
    }

    /// The attendee (checked in or not, with this email state) is one of this target's.
    pub fn selects(self, checked_in: bool, d: Delivery) -> bool {
        match self {
            ResendTarget::Bounced => d == Delivery::Bounced,
            ResendTarget::NotOpened => matches!(d, Delivery::Sent | Delivery::Delivered),
            ResendTarget::NeverSent => d == Delivery::NeverSent,
            ResendTarget::NotCheckedIn => !checked_in,
        }
    }
}
