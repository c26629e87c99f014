//! Commands and pushed events are declared once (`commands.rs`); this macro turns the one list
//! into the Tauri wrappers, the `generate_handler!` list and a description from which
//! `ui/src/bindings/commands.ts` is generated (so a wrong command name or payload fails `tsc`).
//!
//! A command is one line: `kind name(Request) -> Response = path;` where kind says what the
//! operation is called with:
//! - `session`: the signed-in session, `path(&cx, req)` (almost everything: `core::ops`),
//! - `state`: the window's `AppState`, `path(&state, req)` (sign-in, profiles),
//! - `handle`: the Tauri `AppHandle`, `path(&app, req)` (native dialogs, start-up),
//! - `pure`: nothing but the request, `path(req)` (validation, zone search).
//!
//! Every body is parse (serde) → operation → `ErrorBody`; nothing else happens in a wrapper.

use std::any::TypeId;
use std::collections::{BTreeMap, HashSet};

use ts_rs::{Config, TypeVisitor, TS};

/// What a wrapper returns: the value, or the one error shape.
pub type Reply<T> = Result<T, qflow_core::ErrorBody>;

/// Log the code (never the message: it may quote user input) and hand the body to the UI.
pub fn reply<T>(command: &str, r: qflow_core::Result<T>) -> Reply<T> {
    r.map_err(|e| {
        tracing::warn!(command, code = e.code(), "command failed");
        e.body()
    })
}

/// The identity, naming the request's type where the macro passes it on.
#[doc(hidden)]
pub fn payload<T>(t: T) -> T {
    t
}

/// The body of one command, after the request was parsed: the session (or state) → the
/// operation → `ErrorBody`. The Tauri wrapper and the generated `dispatch` both call it.
#[macro_export]
#[doc(hidden)]
macro_rules! __command_call {
    (session $name:ident ($($req:ty)?) -> $res:ty = $path:path) => {
        pub async fn $name(
            state: &$crate::app::handlers::AppState,
            $(req: $req,)?
        ) -> $crate::app::declare::Reply<$res> {
            let r = match state.current().await {
                Ok(cx) => $path(&cx $(, $crate::app::declare::payload::<$req>(req))?).await,
                Err(e) => Err(e),
            };
            $crate::app::declare::reply(stringify!($name), r)
        }
    };
    (state $name:ident ($($req:ty)?) -> $res:ty = $path:path) => {
        pub async fn $name(
            state: &$crate::app::handlers::AppState,
            $(req: $req,)?
        ) -> $crate::app::declare::Reply<$res> {
            let r = $path(state $(, $crate::app::declare::payload::<$req>(req))?).await;
            $crate::app::declare::reply(stringify!($name), r)
        }
    };
    (pure $name:ident ($($req:ty)?) -> $res:ty = $path:path) => {
        pub async fn $name(
            _state: &$crate::app::handlers::AppState,
            $(req: $req,)?
        ) -> $crate::app::declare::Reply<$res> {
            let r = $path($($crate::app::declare::payload::<$req>(req))?);
            $crate::app::declare::reply(stringify!($name), r)
        }
    };
    (handle $name:ident ($($req:ty)?) -> $res:ty = $path:path) => {};
}

/// The `#[tauri::command]` wrapper of one command.
#[macro_export]
#[doc(hidden)]
macro_rules! __command_wrapper {
    (handle $name:ident ($($req:ty)?) -> $res:ty = $path:path) => {
        #[tauri::command]
        pub async fn $name<R: tauri::Runtime>(
            app: tauri::AppHandle<R>,
            $(req: $req,)?
        ) -> $crate::app::declare::Reply<$res> {
            let r = $path(&app $(, $crate::app::declare::payload::<$req>(req))?).await;
            $crate::app::declare::reply(stringify!($name), r)
        }
    };
    ($kind:ident $name:ident ($($req:ty)?) -> $res:ty = $path:path) => {
        #[tauri::command]
        pub async fn $name(
            state: tauri::State<'_, $crate::app::handlers::AppState>,
            $(req: $req,)?
        ) -> $crate::app::declare::Reply<$res> {
            super::calls::$name(&state $(, $crate::app::declare::payload::<$req>(req))?).await
        }
    };
}

/// One arm of `dispatch`: parse the JSON request as the command's type, then its call.
#[macro_export]
#[doc(hidden)]
macro_rules! __command_dispatch {
    (handle $name:ident $state:ident $payload:ident ($($req:ty)?)) => {
        Err($crate::app::declare::not_dispatchable(stringify!($name)))
    };
    ($kind:ident $name:ident $state:ident $payload:ident ()) => {
        $crate::app::declare::to_json(calls::$name($state).await)
    };
    ($kind:ident $name:ident $state:ident $payload:ident ($req:ty)) => {
        match $crate::app::declare::parse::<$req>(stringify!($name), $payload) {
            Ok(req) => $crate::app::declare::to_json(calls::$name($state, req).await),
            Err(e) => Err(e),
        }
    };
}

/// Declare every command and every pushed event (see the module docs).
#[macro_export]
macro_rules! declare_commands {
    (
        commands { $( $kind:ident $name:ident ($($req:ty)?) -> $res:ty = $path:path; )* }
        events { $( $event:ty ),* $(,)? }
    ) => {
        /// Each command's body over `AppState`: what the wrapper and `dispatch` run.
        pub mod calls {
            #[allow(unused_imports)]
            use super::*;
            $( $crate::__command_call!($kind $name ($($req)?) -> $res = $path); )*
        }

        /// The generated `#[tauri::command]` wrappers.
        pub mod wrappers {
            #[allow(unused_imports)]
            use super::*;
            $( $crate::__command_wrapper!($kind $name ($($req)?) -> $res = $path); )*
        }

        /// The handler for `Builder::invoke_handler`: every declared command, nothing else.
        pub fn handler<R: tauri::Runtime>(
        ) -> impl Fn(tauri::ipc::Invoke<R>) -> bool + Send + Sync + 'static {
            tauri::generate_handler![$(wrappers::$name),*]
        }

        /// Run a command by name with a JSON request, as the window would: the tests drive
        /// the command layer through this (commands that need the window's handle excepted).
        pub async fn dispatch(
            state: &$crate::app::handlers::AppState,
            name: &str,
            payload: serde_json::Value,
        ) -> $crate::app::declare::Reply<serde_json::Value> {
            let _ = &payload;
            match name {
                $( stringify!($name) => $crate::__command_dispatch!($kind $name state payload ($($req)?)), )*
                other => Err($crate::app::declare::unknown(other)),
            }
        }

        /// Every command's name with its request and response types, and every pushed event,
        /// for `ui/src/bindings/commands.ts`.
        pub fn describe(d: &mut $crate::app::declare::Describe) {
            $({
                let req: Option<String> = None $(.or(Some(d.ts::<$req>())))?;
                d.command::<$res>(stringify!($name), req);
            })*
            $( d.event::<$event>(); )*
        }

        /// The declared command names.
        pub const NAMES: &[&str] = &[$(stringify!($name)),*];
    };
}

#[doc(hidden)]
pub fn parse<T: serde::de::DeserializeOwned>(
    command: &str,
    payload: serde_json::Value,
) -> Result<T, qflow_core::ErrorBody> {
    serde_json::from_value(payload).map_err(|e| {
        qflow_core::Error::invalid("req", format!("not a valid request for {command}: {e}")).body()
    })
}

#[doc(hidden)]
pub fn to_json<T: serde::Serialize>(r: Reply<T>) -> Reply<serde_json::Value> {
    r.and_then(|v| {
        serde_json::to_value(v)
            .map_err(|e| qflow_core::Error::internal(format!("encoding the answer: {e}")).body())
    })
}

#[doc(hidden)]
pub fn unknown(name: &str) -> qflow_core::ErrorBody {
    qflow_core::Error::invalid("command", format!("there is no command named {name}")).body()
}

#[doc(hidden)]
pub fn not_dispatchable(name: &str) -> qflow_core::ErrorBody {
    qflow_core::Error::internal(format!("{name} needs the window and cannot be dispatched")).body()
}

/// Collects the TypeScript side of the declared commands and events.
pub struct Describe {
    cfg: Config,
    /// Every exported type reachable from a command or event: file name → contents.
    pub files: BTreeMap<String, String>,
    seen: HashSet<TypeId>,
    commands: Vec<(String, Option<String>, String)>,
    events: Vec<(String, String)>,
}

impl Describe {
    /// `cfg` as core's crate exports (every IPC type is a core type).
    pub fn new(cfg: Config) -> Describe {
        Describe {
            cfg,
            files: BTreeMap::new(),
            seen: HashSet::new(),
            commands: Vec::new(),
            events: Vec::new(),
        }
    }

    /// The type's TypeScript name, recording its file and its dependencies'.
    pub fn ts<T: TS + 'static + ?Sized>(&mut self) -> String {
        self.visit::<T>();
        T::name(&self.cfg)
    }

    #[doc(hidden)]
    pub fn command<Res: TS + 'static>(&mut self, name: &str, req: Option<String>) {
        let res = self.ts::<Res>();
        self.commands.push((name.to_owned(), req, res));
    }

    #[doc(hidden)]
    pub fn event<E: qflow_core::ops::ctx::PushEvent + 'static>(&mut self) {
        let ty = self.ts::<E>();
        self.events.push((E::NAME.to_owned(), ty));
    }

    /// `commands.ts`: the command map the UI's `call` is typed with, and the event map.
    pub fn commands_ts(&self) -> String {
        // Only the names the two maps use (an unused type import fails `tsc`).
        let used: Vec<&str> = self
            .commands
            .iter()
            .flat_map(|(_, req, res)| [req.as_deref().unwrap_or(""), res.as_str()])
            .chain(self.events.iter().map(|(_, ty)| ty.as_str()))
            .collect();
        let mentions = |name: &str| {
            used.iter().any(|t| {
                t.split(|c: char| !(c.is_alphanumeric() || c == '_'))
                    .any(|w| w == name)
            })
        };
        let mut imports: Vec<&str> = self
            .files
            .keys()
            .map(|f| f.trim_end_matches(".ts"))
            .filter(|t| mentions(t))
            .collect();
        imports.sort_unstable();
        let mut out = String::from(
            "// Generated from src-tauri/app/commands.rs by tests/bindings_fresh.rs. Do not edit.\n",
        );
        for t in imports {
            out.push_str(&format!("import type {{ {t} }} from \"./{t}\";\n"));
        }
        out.push_str("\n/** Every command: its request (`null`: none) and its answer. */\n");
        out.push_str("export type Commands = {\n");
        for (name, req, res) in &self.commands {
            let req = req.as_deref().unwrap_or("null");
            out.push_str(&format!("  {name}: {{ req: {req}; res: {res} }};\n"));
        }
        out.push_str("};\n\n/** Every event Rust pushes to the window, by name. */\n");
        out.push_str("export type Events = {\n");
        for (name, ty) in &self.events {
            out.push_str(&format!("  \"{name}\": {ty};\n"));
        }
        out.push_str("};\n");
        out
    }

    fn visit<T: TS + 'static + ?Sized>(&mut self) {
        if !self.seen.insert(TypeId::of::<T>()) {
            return;
        }
        if let Some(path) = T::output_path() {
            let file = path
                .file_name()
                .map(|f| f.to_string_lossy().into_owned())
                .unwrap_or_default();
            match T::export_to_string(&self.cfg) {
                Ok(text) => {
                    self.files.insert(file, text);
                }
                Err(e) => panic!("ts-rs could not export {file}: {e}"),
            }
        }
        T::visit_dependencies(self);
        T::visit_generics(self);
    }
}

impl TypeVisitor for Describe {
    fn visit<T: TS + 'static + ?Sized>(&mut self) {
        Describe::visit::<T>(self)
    }
}

#[cfg(test)]
mod tests {
    mod declared {
        use crate::app::handlers;
        use qflow_core::ops::account::{AppInfo, SignInRequest, SignedIn};

        async fn no_session(_cx: &qflow_core::ops::ctx::Ctx) -> qflow_core::Result<()> {
            Ok(())
        }
        fn profile_of(req: SignInRequest) -> qflow_core::Result<String> {
            Ok(req.profile)
        }

        crate::declare_commands! {
            commands {
                state t_app_info() -> AppInfo = handlers::app_info;
                state t_sign_in(SignInRequest) -> SignedIn = handlers::sign_in;
                session t_ping() -> () = no_session;
                pure t_echo(SignInRequest) -> String = profile_of;
            }
            events {}
        }
    }

    #[test]
    fn one_declaration_gives_names_wrappers_and_the_typescript_map() {
        assert_eq!(
            declared::NAMES,
            ["t_app_info", "t_sign_in", "t_ping", "t_echo"]
        );
        let _handler = declared::handler::<tauri::Wry>();
        let mut d = super::Describe::new(ts_rs::Config::default());
        declared::describe(&mut d);
        let ts = d.commands_ts();
        assert!(
            ts.contains("  t_app_info: { req: null; res: AppInfo };"),
            "{ts}"
        );
        assert!(
            ts.contains("  t_sign_in: { req: SignInRequest; res: SignedIn };"),
            "{ts}"
        );
        assert!(ts.contains("  t_ping: { req: null; res: null };"), "{ts}");
        assert!(
            ts.contains("  t_echo: { req: SignInRequest; res: string };"),
            "{ts}"
        );
        assert!(
            ts.contains("import type { AppInfo } from \"./AppInfo\";"),
            "{ts}"
        );
        assert!(
            !ts.contains("SavedProfile\""),
            "only the names the map uses: {ts}"
        );
        // Reached through AppInfo, not named in the list.
        assert!(d.files.contains_key("SavedProfile.ts"));
        assert!(!d.files.keys().any(|f| f.contains("String")));
    }

    #[tokio::test]
    async fn dispatch_parses_runs_and_answers_like_the_window() {
        let st = crate::app::test_support::demo_state(qflow_sandbox::SandboxConfig::default());
        let who = declared::dispatch(
            &st,
            "t_echo",
            serde_json::json!({"profile": "x", "clientId": "c",
            "username": "u", "password": "p", "clientSecret": "s", "clientKey": "k"}),
        )
        .await
        .unwrap();
        assert_eq!(who, "x");
        let e = declared::dispatch(&st, "t_ping", serde_json::Value::Null)
            .await
            .unwrap_err();
        assert_eq!(e.code, "not_signed_in");
        let e = declared::dispatch(&st, "t_echo", serde_json::json!({"profile": 1}))
            .await
            .unwrap_err();
        assert_eq!(
            (e.code.as_str(), e.field.as_deref()),
            ("invalid_input", Some("req"))
        );
        let e = declared::dispatch(&st, "nope", serde_json::Value::Null)
            .await
            .unwrap_err();
        assert_eq!(e.field.as_deref(), Some("command"));
    }
}
