//! The guide's two rate-limit layers.
//!
//! - Edge ("Cloudflare"): per source IP, 60 requests per **fixed** 60 s counting window that
//!   starts with the first request; the 61st request in a window blocks the IP for 60 s. Every
//!   `/api` request counts (401s, 404s, 411s too). Answer: 429 with an HTML body, no JSON code.
//! - In-app: per (user, source IP), 60 requests in any **sliding** 60 s window, counting only
//!   requests that passed the edge and authentication. Answer: 429 `rate_limit` JSON.
//!
//! Because the edge window is fixed and the in-app one slides, a burst straddling an edge
//! window boundary trips the in-app layer first; a burst inside one window trips the edge.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::time::{Duration, Instant};

pub(crate) const LIMIT_PER_MINUTE: usize = 60;
pub(crate) const WINDOW: Duration = Duration::from_secs(60);
pub(crate) const EDGE_BLOCK: Duration = Duration::from_secs(60);

#[derive(Default)]
pub(crate) struct Limits {
    edge: HashMap<IpAddr, EdgeEntry>,
    app: HashMap<(String, IpAddr), VecDeque<Instant>>,
}

struct EdgeEntry {
    window_start: Instant,
    count: usize,
    blocked_until: Option<Instant>,
}

fn ceil_secs(d: Duration) -> u64 {
    let s = d.as_secs();
    if d.subsec_nanos() > 0 {
        s + 1
    } else {
        s.max(1)
    }
}

impl Limits {
    /// Counts the request; `Err(retry_after_secs)` when the IP is (now) blocked.
    pub fn edge_check(&mut self, ip: IpAddr, now: Instant) -> Result<(), u64> {
        let e = self.edge.entry(ip).or_insert(EdgeEntry {
            window_start: now,
            count: 0,
            blocked_until: None,
        });
        if let Some(until) = e.blocked_until {
            if now < until {
                return Err(ceil_secs(until - now));
            }
            e.blocked_until = None;
            e.window_start = now;
            e.count = 0;
        }
        if now.duration_since(e.window_start) >= WINDOW {
            e.window_start = now;
            e.count = 0;
        }
        e.count += 1;
        if e.count > LIMIT_PER_MINUTE {
            e.blocked_until = Some(now + EDGE_BLOCK);
            return Err(EDGE_BLOCK.as_secs());
        }
        Ok(())
    }

    /// Sliding window; `Err(retry_after_secs)` = when the oldest counted request leaves it.
    pub fn app_check(&mut self, user: &str, ip: IpAddr, now: Instant) -> Result<(), u64> {
        let q = self.app.entry((user.to_string(), ip)).or_default();
        while q.front().is_some_and(|t| now.duration_since(*t) >= WINDOW) {
            q.pop_front();
        }
        if q.len() >= LIMIT_PER_MINUTE {
            let oldest = *q.front().expect("non-empty");
            return Err(ceil_secs(WINDOW - now.duration_since(oldest)));
        }
        q.push_back(now);
        Ok(())
    }

    pub fn reset(&mut self) {
        self.edge.clear();
        self.app.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const IP: IpAddr = IpAddr::V4(std::net::Ipv4Addr::LOCALHOST);

    #[test]
    fn edge_blocks_61st_in_a_window_for_60s_then_recovers() {
        let mut l = Limits::default();
        let t0 = Instant::now();
        for _ in 0..60 {
            assert!(l.edge_check(IP, t0).is_ok());
        }
        assert_eq!(l.edge_check(IP, t0), Err(60));
        assert_eq!(l.edge_check(IP, t0 + Duration::from_secs(30)), Err(30));
        assert!(l.edge_check(IP, t0 + Duration::from_secs(61)).is_ok());
    }

    #[test]
    fn fixed_edge_window_lets_a_straddling_burst_reach_the_sliding_in_app_limit() {
        let mut l = Limits::default();
        let t0 = Instant::now();
        let late = t0 + Duration::from_secs(50);
        let next = t0 + Duration::from_secs(61);
        assert!(l.edge_check(IP, t0).is_ok());
        assert!(l.app_check("u", IP, t0).is_ok());
        for _ in 0..40 {
            assert!(l.edge_check(IP, late).is_ok());
            assert!(l.app_check("u", IP, late).is_ok());
        }
        for _ in 0..20 {
            assert!(l.edge_check(IP, next).is_ok());
            assert!(l.app_check("u", IP, next).is_ok());
        }
        assert!(l.edge_check(IP, next).is_ok());
        // 60 requests between t0+50 and t0+61: the in-app layer says no, the edge did not.
        assert_eq!(l.app_check("u", IP, next), Err(49));
    }
}
