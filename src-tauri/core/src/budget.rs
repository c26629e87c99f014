//! The process-wide rate scheduler.
//!
//! Qflow allows 60 requests a minute at the edge (per IP, across the whole host) and 60 in-app
//! (per user + IP). Every client in this process that talks to the same API host shares one
//! `Budget` (`Budget::for_host`), which keeps a sliding 60 s window under 50 grants so that the
//! CLI, the app and background queues together never trip either layer. (Another host — the
//! embedded demo sandbox beside a real account, or each test's own sandbox — is another limit.) Interactive requests (a person is waiting) are served before Background ones
//! (bulk queues). A 429 pauses everything in the process: for `Retry-After` on an in-app 429, or
//! 60 s for the edge's IP block.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::Duration;

use tokio::sync::Notify;
use tokio::time::Instant;

/// The sliding window the limits are counted over.
pub const WINDOW: Duration = Duration::from_secs(60);
/// Our ceiling per window: two under the API's 60/min, so that requests counted by their
/// departure here cannot be 61 in a window counted by their arrival there; a paced import or
/// resend still uses ≥ 95 % of the API's rate (issue 14).
pub const DEFAULT_LIMIT_PER_MINUTE: u32 = 58;
/// How long the edge blocks an IP after a 429 without the in-app JSON body.
pub const EDGE_BLOCK: Duration = Duration::from_secs(60);

/// Who is waiting for a request: a person (Interactive) or a queue (Background).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Priority {
    #[default]
    Interactive,
    Background,
}

/// A sliding-window rate limiter with priorities and a process-wide pause.
pub struct Budget {
    limit: usize,
    state: Mutex<State>,
    changed: Notify,
}

#[derive(Default)]
struct State {
    /// When each grant in the current window was made, oldest first.
    granted: VecDeque<Instant>,
    paused_until: Option<Instant>,
    interactive_waiting: usize,
}

impl std::fmt::Debug for Budget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Budget")
            .field("limit", &self.limit)
            .field("in_window", &self.in_window())
            .finish()
    }
}

impl Budget {
    /// A budget of `limit_per_minute` grants per sliding minute (at least 1).
    pub fn new(limit_per_minute: u32) -> Arc<Budget> {
        Arc::new(Budget {
            limit: limit_per_minute.max(1) as usize,
            state: Mutex::new(State::default()),
            changed: Notify::new(),
        })
    }

    /// The one budget every client of this process shares for the API at `api_base` (its
    /// scheme, host and port; the path does not matter) unless told otherwise.
    pub fn for_host(api_base: &str) -> Arc<Budget> {
        static HOSTS: OnceLock<Mutex<HashMap<String, Arc<Budget>>>> = OnceLock::new();
        let key = url::Url::parse(api_base)
            .map(|u| u.origin().ascii_serialization())
            .unwrap_or_else(|_| api_base.trim_end_matches('/').to_owned());
        let mut hosts = HOSTS
            .get_or_init(Default::default)
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        hosts
            .entry(key)
            .or_insert_with(|| Budget::new(DEFAULT_LIMIT_PER_MINUTE))
            .clone()
    }

    pub fn limit(&self) -> usize {
        self.limit
    }

    /// Grants made in the last 60 s.
    pub fn in_window(&self) -> usize {
        let mut st = self.lock();
        st.expire(Instant::now());
        st.granted.len()
    }

    /// How long until the window has room for one more grant (None: room now).
    pub fn full_for(&self) -> Option<Duration> {
        let now = Instant::now();
        let mut st = self.lock();
        st.expire(now);
        if st.granted.len() < self.limit {
            return None;
        }
        st.granted
            .front()
            .map(|oldest| (*oldest + WINDOW).saturating_duration_since(now))
    }

    /// How long everything stays paused (None when not paused).
    pub fn paused_for(&self) -> Option<Duration> {
        let now = Instant::now();
        self.lock()
            .paused_until
            .filter(|u| *u > now)
            .map(|u| u - now)
    }

    /// Pause every acquirer for `d` (extends, never shortens, a pause already in place).
    pub fn pause_for(&self, d: Duration) {
        let until = Instant::now() + d;
        {
            let mut st = self.lock();
            if st.paused_until.is_none_or(|u| u < until) {
                st.paused_until = Some(until);
            }
        }
        tracing::info!(seconds = d.as_secs(), "rate limit: all requests paused");
        self.changed.notify_waiters();
    }

    /// Wait for a slot. Cancel-safe: dropping the future gives nothing back because nothing was
    /// taken, and an Interactive waiter that gives up stops holding Background ones back.
    pub async fn acquire(&self, priority: Priority) {
        let mut waiting = WaitingInteractive {
            budget: self,
            registered: false,
        };
        loop {
            // Created before the state is read so that no wake-up between the two is lost.
            let notified = self.changed.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            let wake_at = {
                let mut st = self.lock();
                let now = Instant::now();
                st.expire(now);
                let paused = st.paused_until.filter(|u| *u > now);
                let room = st.granted.len() < self.limit;
                let my_turn = priority == Priority::Interactive || st.interactive_waiting == 0;
                if paused.is_none() && room && my_turn {
                    st.granted.push_back(now);
                    return; // `waiting` unregisters (and wakes Background waiters) on drop
                }
                if priority == Priority::Interactive && !waiting.registered {
                    st.interactive_waiting += 1;
                    waiting.registered = true;
                }
                match (paused, st.granted.front()) {
                    (Some(until), _) => Some(until),
                    (None, Some(oldest)) if !room => Some(*oldest + WINDOW),
                    // Room, but an Interactive waiter goes first: wait to be told.
                    _ => None,
                }
            };
            match wake_at {
                Some(at) => {
                    tokio::select! {
                        _ = tokio::time::sleep_until(at) => {}
                        _ = &mut notified => {}
                    }
                }
                None => notified.await,
            }
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl State {
    fn expire(&mut self, now: Instant) {
        while self.granted.front().is_some_and(|t| *t + WINDOW <= now) {
            self.granted.pop_front();
        }
    }
}

struct WaitingInteractive<'a> {
    budget: &'a Budget,
    registered: bool,
}

impl Drop for WaitingInteractive<'_> {
    fn drop(&mut self) {
        if self.registered {
            let mut st = self.budget.lock();
            st.interactive_waiting -= 1;
            let none_left = st.interactive_waiting == 0;
            drop(st);
            if none_left {
                self.budget.changed.notify_waiters();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex as StdMutex;

    #[tokio::test(start_paused = true)]
    async fn grants_up_to_the_limit_at_once_then_waits_for_the_window() {
        let b = Budget::new(50);
        let t0 = Instant::now();
        for _ in 0..50 {
            b.acquire(Priority::Interactive).await;
        }
        assert_eq!(t0.elapsed(), Duration::ZERO);
        assert_eq!(b.in_window(), 50);
        b.acquire(Priority::Interactive).await;
        assert_eq!(t0.elapsed(), WINDOW);
    }

    #[tokio::test(start_paused = true)]
    async fn the_window_slides_rather_than_resetting() {
        let b = Budget::new(2);
        let t0 = Instant::now();
        b.acquire(Priority::Interactive).await; // t=0
        tokio::time::sleep(Duration::from_secs(30)).await;
        b.acquire(Priority::Interactive).await; // t=30
        b.acquire(Priority::Interactive).await; // waits for the t=0 grant to leave: t=60
        assert_eq!(t0.elapsed(), Duration::from_secs(60));
        b.acquire(Priority::Interactive).await; // waits for the t=30 grant: t=90
        assert_eq!(t0.elapsed(), Duration::from_secs(90));
    }

    #[tokio::test(start_paused = true)]
    async fn the_default_is_58_shared_by_every_client_of_one_host() {
        let a = Budget::for_host("https://api-uksouth-01.qflowhub.io");
        let b = Budget::for_host("https://api-uksouth-01.qflowhub.io/");
        assert!(Arc::ptr_eq(&a, &b));
        assert_eq!(a.limit(), 58);
        let other = Budget::for_host("http://127.0.0.1:9");
        assert!(!Arc::ptr_eq(&a, &other), "another host is another limit");
    }

    #[tokio::test(start_paused = true)]
    async fn interactive_is_served_before_background_that_waited_longer() {
        let b = Budget::new(1);
        b.acquire(Priority::Interactive).await; // window full until t=60
        let order = Arc::new(StdMutex::new(Vec::new()));
        let mut tasks = Vec::new();
        for (name, p) in [
            ("bg1", Priority::Background),
            ("bg2", Priority::Background),
            ("ui", Priority::Interactive),
        ] {
            let (b, order) = (b.clone(), order.clone());
            tasks.push(tokio::spawn(async move {
                b.acquire(p).await;
                order.lock().unwrap().push((name, Instant::now()));
            }));
            tokio::task::yield_now().await; // make the spawn order the arrival order
        }
        for t in tasks {
            t.await.unwrap();
        }
        let order = order.lock().unwrap().clone();
        assert_eq!(order[0].0, "ui", "{order:?}");
        let names: Vec<_> = order.iter().map(|(n, _)| *n).collect();
        assert!(names[1..].contains(&"bg1") && names[1..].contains(&"bg2"));
        // One per minute: the three grants are 60 s apart.
        assert!(order[1].1 - order[0].1 >= WINDOW);
        assert!(order[2].1 - order[1].1 >= WINDOW);
    }

    #[tokio::test(start_paused = true)]
    async fn a_cancelled_interactive_waiter_does_not_block_background() {
        let b = Budget::new(1);
        b.acquire(Priority::Interactive).await;
        let t0 = Instant::now();
        let ui = {
            let b = b.clone();
            tokio::spawn(async move { b.acquire(Priority::Interactive).await })
        };
        tokio::task::yield_now().await;
        let bg = {
            let b = b.clone();
            tokio::spawn(async move { b.acquire(Priority::Background).await })
        };
        tokio::time::sleep(Duration::from_secs(10)).await;
        ui.abort();
        // Without the waiter's unregistering, Background would wait for ever.
        tokio::time::timeout(Duration::from_secs(120), bg)
            .await
            .expect("background waiter stuck behind a cancelled interactive one")
            .unwrap();
        assert_eq!(t0.elapsed(), WINDOW);
    }

    #[tokio::test(start_paused = true)]
    async fn pause_stops_everyone_until_it_ends_and_only_extends() {
        let b = Budget::new(50);
        let t0 = Instant::now();
        b.pause_for(Duration::from_secs(30));
        b.pause_for(Duration::from_secs(5)); // shorter: ignored
        assert_eq!(b.paused_for(), Some(Duration::from_secs(30)));
        let waiters: Vec<_> = (0..3)
            .map(|i| {
                let b = b.clone();
                let p = if i == 0 {
                    Priority::Background
                } else {
                    Priority::Interactive
                };
                tokio::spawn(async move {
                    b.acquire(p).await;
                    Instant::now()
                })
            })
            .collect();
        for w in waiters {
            assert_eq!(w.await.unwrap() - t0, Duration::from_secs(30));
        }
        assert_eq!(b.paused_for(), None);
    }

    #[tokio::test(start_paused = true)]
    async fn a_pause_during_a_wait_pushes_the_wait_out() {
        let b = Budget::new(50);
        let t0 = Instant::now();
        b.pause_for(Duration::from_secs(10));
        let w = {
            let b = b.clone();
            tokio::spawn(async move {
                b.acquire(Priority::Interactive).await;
                Instant::now()
            })
        };
        tokio::time::sleep(Duration::from_secs(5)).await;
        b.pause_for(EDGE_BLOCK); // an edge 429 arrives at t=5
        assert_eq!(w.await.unwrap() - t0, Duration::from_secs(65));
    }
}
