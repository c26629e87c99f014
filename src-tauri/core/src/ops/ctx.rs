//! The one context every user-level operation runs against: `Ctx`, the signed-in session.
//!
//! Both the window and the CLI build a `Ctx` and call the same `ops::<feature>` functions with
//! it, so a rule (validation, the duplicate guard, fromAddress, time parsing…) is written once.
//! A `Ctx` holds the API client (with the process-wide request budget), the local store, the
//! secret store, a clock and a notifier, and every cache of the session: when the session goes
//! (sign-out, another profile), its caches and feature state go with it. No reset list.
//!
//! Writes invalidate what they change: `put_event`, `forget_template`, `domain_changed`… are
//! called by the operation that made the change, so every screen reads the new value.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use serde::Serialize;
use std::sync::{Mutex, MutexGuard};
use ts_rs::TS;
use uuid::Uuid;

use crate::api::Client;
use crate::guest_list::GuestList;
use crate::models::{Event, Guest, Template};
use crate::secrets::SharedSecretStore;
use crate::store::Store;
use crate::{Error, Result};

/// Who is signed in. Never carries a secret.
#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct SignedIn {
    pub profile: String,
    pub username: String,
    pub api_base: String,
    /// Signed in to the embedded sandbox with sample data.
    pub demo: bool,
}

/// Where the session's local database lives.
#[derive(Clone, Debug)]
pub enum StoreLocation {
    /// `<data dir>/qflow-console.db`: the user's send log, drafts, webhook events.
    Default,
    /// A private in-memory database (the demo: never mixed into the user's history).
    Memory,
    /// An explicit file (tests).
    File(PathBuf),
}

pub use crate::clock::{Clock, SystemClock};

/// A message pushed to whoever shows the session: the window (a Tauri event, a desktop
/// notification) or the CLI (stderr, or nothing).
pub trait Notifier: Send + Sync {
    /// A typed event for the UI: `name` is `P::NAME` of a [`PushEvent`], `payload` its JSON.
    fn push(&self, name: &'static str, payload: serde_json::Value);
    /// A desktop notification (the window) or a line on stderr (the CLI).
    fn desktop(&self, title: &str, body: &str);
}

/// A notifier that drops everything (tests, scripts).
pub struct Silent;

impl Notifier for Silent {
    fn push(&self, _name: &'static str, _payload: serde_json::Value) {}
    fn desktop(&self, _title: &str, _body: &str) {}
}

/// A payload pushed to the UI. `NAME` is the event name the UI listens to; the app declares
/// each one once (its TypeScript event map is generated from that list).
pub trait PushEvent: Serialize + TS {
    const NAME: &'static str;
}

/// Feature state owned by a session (bulk jobs, the webhook receiver, the domain recheck,
/// open preview editors). Created on first use by [`Ctx::state`]; `close` runs once when the
/// session ends (sign-out, another sign-in, the window closing), so a running job or server
/// stops with the session that started it.
pub trait SessionState: Default + Send + Sync + 'static {
    fn close(&self) {}
}

/// The type-erased handle `Ctx` keeps of each feature state.
trait AnyState: Send + Sync {
    fn close(&self);
    fn as_any(self: Arc<Self>) -> Arc<dyn Any + Send + Sync>;
}

impl<T: SessionState> AnyState for T {
    fn close(&self) {
        SessionState::close(self)
    }
    fn as_any(self: Arc<Self>) -> Arc<dyn Any + Send + Sync> {
        self
    }
}

/// Push a typed event through `notifier`: `Ctx::push`, and what a task that outlives its call
/// (holding the session's notifier, not the session) uses.
pub fn push_to<P: PushEvent>(notifier: &dyn Notifier, payload: &P) {
    match serde_json::to_value(payload) {
        Ok(v) => notifier.push(P::NAME, v),
        Err(e) => tracing::warn!(event = P::NAME, "could not encode a pushed event: {e}"),
    }
}

/// What a `Ctx` is built from.
pub struct CtxParts {
    pub info: SignedIn,
    pub client: Client,
    pub secrets: SharedSecretStore,
    pub store: StoreLocation,
    pub clock: Arc<dyn Clock>,
    pub notifier: Arc<dyn Notifier>,
}

/// How long the verified sending domain is trusted without asking Qflow again.
pub const DOMAIN_TTL: Duration = Duration::from_secs(60);

/// The signed-in session: the context of every operation.
pub struct Ctx {
    pub info: SignedIn,
    pub client: Client,
    pub secrets: SharedSecretStore,
    pub clock: Arc<dyn Clock>,
    pub notifier: Arc<dyn Notifier>,
    store_location: StoreLocation,
    store: tokio::sync::OnceCell<Arc<Store>>,
    /// Compact (~130 bytes an attendee): the desk app keeps 50,000-attendee lists all day.
    guests: Mutex<HashMap<Uuid, Arc<GuestList>>>,
    /// One list load per event at a time: the attendee counts and the table asking for the same
    /// event share one request instead of downloading the list twice.
    loading: Mutex<HashMap<Uuid, Arc<tokio::sync::Mutex<()>>>>,
    events: Mutex<HashMap<Uuid, Event>>,
    templates: Mutex<HashMap<Uuid, Template>>,
    /// (fetched at, the verified sending domain or None).
    domain: Mutex<Option<(Instant, Option<String>)>>,
    /// Feature state owned by the session (bulk jobs, the receiver, preview sessions…), one
    /// value per type: see [`Ctx::state`].
    features: Mutex<HashMap<TypeId, Arc<dyn AnyState>>>,
    closed: std::sync::atomic::AtomicBool,
}

impl std::fmt::Debug for Ctx {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ctx").field("info", &self.info).finish()
    }
}

impl Ctx {
    pub fn new(parts: CtxParts) -> Arc<Ctx> {
        Arc::new(Ctx {
            info: parts.info,
            client: parts.client,
            secrets: parts.secrets,
            clock: parts.clock,
            notifier: parts.notifier,
            store_location: parts.store,
            store: tokio::sync::OnceCell::new(),
            guests: Mutex::new(HashMap::new()),
            loading: Mutex::new(HashMap::new()),
            events: Mutex::new(HashMap::new()),
            templates: Mutex::new(HashMap::new()),
            domain: Mutex::new(None),
            features: Mutex::new(HashMap::new()),
            closed: std::sync::atomic::AtomicBool::new(false),
        })
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// Push a typed event to the UI.
    pub fn push<P: PushEvent>(&self, payload: &P) {
        push_to(self.notifier.as_ref(), payload)
    }

    /// The session's state of type `T`, created on first use. It lives as long as the session
    /// and is closed with it.
    pub fn state<T: SessionState>(&self) -> Arc<T> {
        let mut map = self.features.lock().unwrap_or_else(|e| e.into_inner());
        let slot = map
            .entry(TypeId::of::<T>())
            .or_insert_with(|| Arc::new(T::default()) as Arc<dyn AnyState>);
        Arc::clone(slot)
            .as_any()
            .downcast::<T>()
            .expect("the slot of TypeId T holds a T")
    }

    /// The session's state of type `T` if it was ever used (no creation).
    pub fn existing_state<T: SessionState>(&self) -> Option<Arc<T>> {
        let map = self.features.lock().unwrap_or_else(|e| e.into_inner());
        map.get(&TypeId::of::<T>())
            .map(|s| Arc::clone(s).as_any().downcast::<T>().expect("a T"))
    }

    /// End the session: every feature state is closed (jobs stop, the receiver shuts down) and
    /// the caches are dropped with the last reference.
    pub fn close(&self) {
        if self.closed.swap(true, std::sync::atomic::Ordering::SeqCst) {
            return;
        }
        let states: Vec<Arc<dyn AnyState>> = self
            .features
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .drain()
            .map(|(_, s)| s)
            .collect();
        for s in states {
            s.close();
        }
        // Nothing read for this account is served again, even to a task that still holds it.
        lock(&self.guests).clear();
        lock(&self.events).clear();
        lock(&self.templates).clear();
        *lock(&self.domain) = None;
    }

    /// False once the session was closed (a late background task must not act for it).
    pub fn is_open(&self) -> bool {
        !self.closed.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// This session's local database (send log, webhook events, drafts), one for every screen
    /// so the timeline joins them.
    pub async fn local_store(&self) -> Result<Arc<Store>> {
        let location = self.store_location.clone();
        self.store
            .get_or_try_init(|| async move {
                let store = tokio::task::spawn_blocking(move || match location {
                    StoreLocation::Default => Store::open_default(),
                    StoreLocation::Memory => Store::open_in_memory(),
                    StoreLocation::File(p) => Store::open(&p),
                })
                .await
                .map_err(|e| Error::internal(format!("opening the local database: {e}")))??;
                Ok(Arc::new(store))
            })
            .await
            .cloned()
    }

    // ------------------------------------------------------------------ attendee lists

    /// The event's attendees, sorted by name; from the cache unless `refresh`.
    pub async fn guests(
        &self,
        event_id: Uuid,
        refresh: bool,
        background: bool,
    ) -> Result<Arc<GuestList>> {
        if !refresh {
            if let Some(list) = lock(&self.guests).get(&event_id) {
                return Ok(Arc::clone(list));
            }
        }
        let gate = Arc::clone(lock(&self.loading).entry(event_id).or_default());
        let _loading = gate.lock().await;
        // Loaded by whoever held the gate before us: use theirs (a refresh still asks again).
        if !refresh {
            if let Some(list) = lock(&self.guests).get(&event_id) {
                return Ok(Arc::clone(list));
            }
        }
        let client = if background {
            self.client.background()
        } else {
            self.client.clone()
        };
        // The parsed `Vec<Guest>` is consumed here: it is freed before the heap is trimmed.
        let list = Arc::new(GuestList::from_guests(
            event_id,
            client.guests_list(event_id).await?,
        ));
        // Replacing a list drops the old copy once no page request still reads it.
        lock(&self.guests).insert(event_id, Arc::clone(&list));
        crate::heap::release_free();
        Ok(list)
    }

    /// The loaded list of an event, if any (no request).
    pub async fn cached_guests(&self, event_id: Uuid) -> Option<Arc<GuestList>> {
        lock(&self.guests).get(&event_id).cloned()
    }

    /// Every loaded list (no request): e.g. which other event a scanned barcode belongs to.
    pub async fn cached_lists(&self) -> Vec<Arc<GuestList>> {
        lock(&self.guests).values().cloned().collect()
    }

    /// How many attendees a loaded list has (no request).
    pub async fn cached_count(&self, event_id: Uuid) -> Option<usize> {
        lock(&self.guests).get(&event_id).map(|l| l.len())
    }

    /// One attendee: from a loaded list when there, else fetched.
    pub async fn guest(&self, id: Uuid) -> Result<Guest> {
        let found = lock(&self.guests)
            .values()
            .find_map(|l| l.find(id).map(|g| g.to_guest()));
        match found {
            Some(g) => Ok(g),
            None => self.client.guest_get(id).await,
        }
    }

    /// Keep a loaded list in step after a create, edit or check-in (no reload needed).
    pub async fn put_cached_guest(&self, g: &Guest) {
        let mut lists = lock(&self.guests);
        if let Some(list) = lists.get_mut(&g.event_id) {
            // In place: copies the list only while a page request still holds the old one.
            Arc::make_mut(list).upsert(g.clone());
        }
    }

    pub async fn remove_cached_guest(&self, id: Uuid) {
        let mut lists = lock(&self.guests);
        for list in lists.values_mut() {
            if list.position(id).is_some() {
                Arc::make_mut(list).remove(id);
            }
        }
    }

    // ------------------------------------------------------------------ events

    /// One event: cached for the session, fetched on first use.
    pub async fn event(&self, id: Uuid) -> Result<Event> {
        if let Some(e) = lock(&self.events).get(&id) {
            return Ok(e.clone());
        }
        let e = self.client.event_get(id).await?;
        lock(&self.events).insert(id, e.clone());
        Ok(e)
    }

    /// One event if this session has read it (no request).
    pub async fn cached_event(&self, id: Uuid) -> Option<Event> {
        lock(&self.events).get(&id).cloned()
    }

    /// After a create or an edit: every screen (studio and resend previews) reads this one.
    pub async fn put_event(&self, e: &Event) {
        if let Some(id) = e.id {
            lock(&self.events).insert(id, e.clone());
        }
    }

    /// After a delete: the event, its list and its templates go.
    pub async fn forget_event(&self, id: Uuid) {
        lock(&self.events).remove(&id);
        lock(&self.guests).remove(&id);
        lock(&self.templates).retain(|_, t| t.event_id != id);
    }

    // ------------------------------------------------------------------ templates

    /// One template: cached for the session, fetched on first use.
    pub async fn template(&self, id: Uuid) -> Result<Template> {
        if let Some(t) = lock(&self.templates).get(&id) {
            return Ok(t.clone());
        }
        let t = self.client.template_get(id).await?;
        lock(&self.templates).insert(id, t.clone());
        Ok(t)
    }

    /// One template if this session has read it (no request: e.g. names in a polled history).
    pub async fn cached_template(&self, id: Uuid) -> Option<Template> {
        lock(&self.templates).get(&id).cloned()
    }

    /// The event's templates as Qflow has them now (always asked: the list is short and others
    /// may have added one); the cache is brought in step.
    pub async fn templates(&self, event_id: Uuid) -> Result<Vec<Template>> {
        let list = self.client.templates_list(event_id).await?;
        let mut cache = lock(&self.templates);
        cache.retain(|_, t| t.event_id != event_id);
        for t in &list {
            cache.insert(t.id, t.clone());
        }
        Ok(list)
    }

    /// After a save.
    pub async fn put_template(&self, t: &Template) {
        lock(&self.templates).insert(t.id, t.clone());
    }

    /// After a delete.
    pub async fn forget_template(&self, id: Uuid) {
        lock(&self.templates).remove(&id);
    }

    // ------------------------------------------------------------------ sending domain

    /// The account's verified sending domain (None = none verified), re-read when `fresh` or
    /// older than [`DOMAIN_TTL`].
    pub async fn verified_domain(&self, fresh: bool) -> Result<Option<String>> {
        if !fresh {
            if let Some(d) = self.cached_domain(DOMAIN_TTL).await {
                return Ok(d);
            }
        }
        let d = match self.client.domain_get().await {
            Ok(d) => d.verified.then_some(d.domain),
            Err(Error::Api(e)) if e.status == 404 => None,
            Err(e) => return Err(e),
        };
        self.domain_changed(d.clone()).await;
        Ok(d)
    }

    /// The verified domain if read within `max_age` (no request).
    pub async fn cached_domain(&self, max_age: Duration) -> Option<Option<String>> {
        lock(&self.domain)
            .as_ref()
            .filter(|(at, _)| at.elapsed() < max_age)
            .map(|(_, d)| d.clone())
    }

    /// After any answer about the domain (create, verify, activate, deactivate, delete).
    pub async fn domain_changed(&self, verified: Option<String>) {
        *lock(&self.domain) = Some((Instant::now(), verified));
    }
}

/// The caches are held only for a lookup or an insert, never across an await: a plain mutex,
/// and a poisoned one (a panic elsewhere) still holds valid maps.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}
