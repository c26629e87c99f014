//! The sandbox's time for webhook timestamps: the wall clock, or (with
//! `SandboxConfig::compress_clock`) a clock that runs `1 / delivery_scale` times as fast from the
//! sandbox's start. A test that compresses the delivery schedule with `delivery_scale` then sees
//! the events age at the same compressed rate (a 10-minute outage in 3 s at 0.005), and can
//! give the receiver under test the same clock ([`crate::Sandbox::clock`]).

use chrono::{DateTime, Utc};
use tokio::time::Instant;

#[derive(Clone, Debug)]
pub struct SandboxClock {
    /// (wall time at start, monotonic start, seconds of sandbox time per real second)
    compressed: Option<(DateTime<Utc>, Instant, f64)>,
}

impl SandboxClock {
    pub(crate) fn new(compress: bool, delivery_scale: f64) -> SandboxClock {
        let rate = 1.0 / delivery_scale;
        SandboxClock {
            compressed: (compress && rate.is_finite() && rate > 0.0)
                .then(|| (Utc::now(), Instant::now(), rate)),
        }
    }

    pub fn now(&self) -> DateTime<Utc> {
        match self.compressed {
            None => Utc::now(),
            Some((wall, start, rate)) => {
                let ms = start.elapsed().as_secs_f64() * rate * 1000.0;
                wall + chrono::Duration::milliseconds(ms as i64)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_compressed_clock_runs_at_one_over_the_scale() {
        let real = SandboxClock::new(false, 0.01);
        let fast = SandboxClock::new(true, 0.01);
        let t0 = fast.now();
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        let passed = (fast.now() - t0).num_milliseconds();
        // 100 ms real = 10 s of sandbox time (more if this thread was descheduled).
        assert!((10_000..30_000).contains(&passed), "{passed}");
        assert!((real.now() - Utc::now()).num_seconds().abs() <= 1);
    }
}
