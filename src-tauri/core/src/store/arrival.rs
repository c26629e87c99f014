//! How a kept event's `X-Qflow-Timestamp` (when Qflow created it) compares with this computer's
//! clock when it arrived. Qflow retries a 5xx or an unreachable receiver with the same id and
//! the creation time, so after an outage of more than the guide's 300 s window the retries are
//! "late": kept and flagged, never rejected (the timestamp is not signed; the id dedupe is what
//! stops a replay). A timestamp far ahead of our clock is kept too and flagged `ahead`: the
//! event is genuine (signed), only this computer's clock is behind.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub enum Arrival {
    /// Within the window (either side).
    OnTime,
    /// Created more than the window before it arrived: a retry after the receiver was down or
    /// unreachable (or this computer's clock is ahead).
    Late,
    /// Its timestamp is more than the window ahead of this computer's clock (clock skew).
    Ahead,
}

impl Arrival {
    /// `lag_secs` = arrival minus creation (negative: the timestamp is ahead of our clock).
    pub fn of(lag_secs: i64, window: i64) -> Arrival {
        if lag_secs > window {
            Arrival::Late
        } else if lag_secs < -window {
            Arrival::Ahead
        } else {
            Arrival::OnTime
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Arrival::OnTime => "on_time",
            Arrival::Late => "late",
            Arrival::Ahead => "ahead",
        }
    }

    /// The stored text; anything unknown reads as on time (rows written before this existed).
    pub fn parse(s: &str) -> Arrival {
        match s {
            "late" => Arrival::Late,
            "ahead" => Arrival::Ahead,
            _ => Arrival::OnTime,
        }
    }

    /// What the feed and the CLI say about a late or early event; `None` when on time.
    pub fn note(self, lag_secs: Option<i64>) -> Option<String> {
        let lag = lag_secs?;
        match self {
            Arrival::OnTime => None,
            Arrival::Late => Some(format!(
                "arrived {} after it was created (a retry after the receiver was down or unreachable)",
                span(lag)
            )),
            Arrival::Ahead => Some(format!(
                "its timestamp is {} ahead of this computer's clock: keep the clock NTP-synced",
                span(lag.saturating_neg())
            )),
        }
    }
}

/// "7 min", "1 h 05 min", "2 d 3 h" (rounded down: never claims more than happened).
fn span(secs: i64) -> String {
    let mins = secs.max(0) / 60;
    match mins {
        m if m < 60 => format!("{m} min"),
        m if m < 24 * 60 => format!("{} h {:02} min", m / 60, m % 60),
        m => format!("{} d {} h", m / (24 * 60), m % (24 * 60) / 60),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_splits_on_time_late_and_ahead() {
        assert_eq!(Arrival::of(0, 300), Arrival::OnTime);
        assert_eq!(Arrival::of(300, 300), Arrival::OnTime);
        assert_eq!(Arrival::of(-300, 300), Arrival::OnTime);
        assert_eq!(Arrival::of(301, 300), Arrival::Late);
        assert_eq!(Arrival::of(-301, 300), Arrival::Ahead);
        for a in [Arrival::OnTime, Arrival::Late, Arrival::Ahead] {
            assert_eq!(Arrival::parse(a.as_str()), a);
        }
        assert_eq!(Arrival::parse("?"), Arrival::OnTime);
    }

    #[test]
    fn notes_say_how_late_or_how_far_ahead() {
        assert_eq!(Arrival::OnTime.note(Some(12)), None);
        assert_eq!(Arrival::Late.note(None), None);
        assert_eq!(
            Arrival::Late.note(Some(12 * 60 + 59)).unwrap(),
            "arrived 12 min after it was created (a retry after the receiver was down or unreachable)"
        );
        assert!(Arrival::Late
            .note(Some(3600 + 5 * 60))
            .unwrap()
            .starts_with("arrived 1 h 05 min after"));
        assert!(Arrival::Late
            .note(Some(2 * 86_400 + 3 * 3600))
            .unwrap()
            .starts_with("arrived 2 d 3 h after"));
        assert_eq!(
            Arrival::Ahead.note(Some(-9 * 60)).unwrap(),
            "its timestamp is 9 min ahead of this computer's clock: keep the clock NTP-synced"
        );
    }
}
