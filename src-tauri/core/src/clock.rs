//! The time, from one place: the session (`ops::ctx::Ctx`) and the webhook receiver read it
//! through [`Clock`], so tests can stop it or run it at another rate.

use chrono::{DateTime, Utc};

pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;
}

/// The system clock.
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}
