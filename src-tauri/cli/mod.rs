//! The CLI: the same binary as the desktop app, the same core. This layer only parses argv,
//! calls `qflow_core` and prints; every rule lives in core and is shared with the GUI.
//!
//! Exit status: 0 success; 1 the API or a check said no; 2 usage error or bad input.

// core's one error shape (`qflow_core::Error`) is large by design; it is returned, not stored.
#![allow(clippy::result_large_err)]

mod arrivals;
mod auth;
mod domain;
mod events;
mod guests;
mod import;
mod output;
mod preflight;
mod render;
mod sandbox;
mod templates;
mod webhook;

use clap::parser::ValueSource;
use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use qflow_core::api::{ApiRequest, Client};
use qflow_core::secrets::{KeyringStore, SharedSecretStore};
use qflow_core::session::{self, Target};
use qflow_core::{Error, Result};
use std::sync::Arc;
use uuid::Uuid;

/// Qflow Console: desktop admin console and CLI for the Qflow API.
///
/// With no command it opens the desktop window.
#[derive(Parser, Debug)]
#[command(name = "qflow-console", version, about, propagate_version = true)]
pub struct Cli {
    /// Which saved sign-in to use.
    #[arg(
        long,
        global = true,
        env = "QFLOW_PROFILE",
        default_value = "default",
        value_name = "NAME"
    )]
    pub profile: String,
    /// Qflow API base URL [default: the profile's, else https://api-uksouth-01.qflowhub.io].
    #[arg(long, global = true, env = "QFLOW_API_BASE", value_name = "URL")]
    pub api_base: Option<String>,
    /// OAuth token endpoint [default: the profile's, else https://identity.qflowhub.io/core/connect/token].
    #[arg(long, global = true, env = "QFLOW_IDENTITY_URL", value_name = "URL")]
    pub identity_url: Option<String>,
    /// Machine-readable output on stdout: the API's objects unchanged.
    #[arg(long, global = true)]
    pub json: bool,
    /// Use the embedded sandbox with sample data (the window, or a command against a private sandbox).
    #[arg(long, global = true)]
    pub demo: bool,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Sign in: asks for password, client secret and client key, proves them, stores them in the keychain.
    Login(auth::LoginArgs),
    /// Remove the profile's secrets from the keychain.
    Logout,
    /// Saved profiles: which can sign in without typing (secrets in the keychain).
    Profiles {
        #[command(subcommand)]
        cmd: auth::ProfilesCmd,
    },
    /// One saved profile: forget it (secrets and settings).
    Profile {
        #[command(subcommand)]
        cmd: auth::ProfileCmd,
    },
    /// Serve the embedded Qflow sandbox on 127.0.0.1 until interrupted.
    Sandbox(sandbox::SandboxArgs),
    /// List events.
    Events {
        #[command(subcommand)]
        cmd: events::EventsCmd,
    },
    /// One event: show, create, update, delete.
    Event {
        #[command(subcommand)]
        cmd: events::EventCmd,
    },
    /// List or import attendees.
    Guests {
        #[command(subcommand)]
        cmd: guests::GuestsCmd,
    },
    /// One attendee: show, add, update, delete, check in/out, resend.
    Guest {
        #[command(subcommand)]
        cmd: guests::GuestCmd,
    },
    /// List templates.
    Templates {
        #[command(subcommand)]
        cmd: templates::TemplatesCmd,
    },
    /// One template: show, push, delete, render, lint.
    Template {
        #[command(subcommand)]
        cmd: templates::TemplateCmd,
    },
    /// Custom sending domain.
    Domain {
        #[command(subcommand)]
        cmd: domain::DomainCmd,
    },
    /// Delivery-event webhook.
    Webhook {
        #[command(subcommand)]
        cmd: webhook::WebhookCmd,
    },
}

/// What every command gets: the global options and, on demand, a client.
pub(crate) struct Ctx {
    pub target: Target,
    pub json: bool,
    pub demo: bool,
    store: SharedSecretStore,
    // Kept alive for the life of the command when `--demo` runs a command.
    demo_sandbox: tokio::sync::Mutex<Option<qflow_sandbox::Sandbox>>,
    // The command's session: core's context, the same one the window's commands run against.
    session: tokio::sync::OnceCell<Arc<qflow_core::ops::ctx::Ctx>>,
}

impl Ctx {
    fn new(cli: &Cli) -> Ctx {
        Ctx {
            target: Target {
                profile: cli.profile.clone(),
                api_base: cli.api_base.clone(),
                identity_url: cli.identity_url.clone(),
            },
            json: cli.json,
            demo: cli.demo,
            store: Arc::new(KeyringStore::new()),
            demo_sandbox: tokio::sync::Mutex::new(None),
            session: tokio::sync::OnceCell::new(),
        }
    }

    /// The context every `core::ops` operation runs against: the client, the local store (the
    /// user's send log and drafts; `--demo`: a private in-memory one), the keychain, the clock.
    pub async fn session(&self) -> Result<Arc<qflow_core::ops::ctx::Ctx>> {
        use qflow_core::ops::ctx::{
            Ctx as Session, CtxParts, SignedIn, StoreLocation, SystemClock,
        };
        self.session
            .get_or_try_init(|| async {
                let (info, client) = if self.demo {
                    let client = self.demo_client().await?;
                    let info = SignedIn {
                        profile: "demo".into(),
                        username: qflow_sandbox::DEMO_USERNAME.into(),
                        api_base: client.api_base().to_owned(),
                        demo: true,
                    };
                    (info, client)
                } else {
                    let (resolved, client) = session::connect(&self.target, &self.store).await?;
                    let info = SignedIn {
                        profile: resolved.profile.clone(),
                        username: resolved.credentials.username.clone(),
                        api_base: resolved.api_base.clone(),
                        demo: false,
                    };
                    (info, client)
                };
                let store = if self.demo {
                    StoreLocation::Memory
                } else {
                    StoreLocation::Default
                };
                let session = Session::new(CtxParts {
                    info,
                    client,
                    secrets: Arc::clone(&self.store),
                    store,
                    clock: Arc::new(SystemClock),
                    notifier: Arc::new(output::StderrNotifier),
                });
                if let Some(sb) = self.demo_sandbox.lock().await.as_ref() {
                    // `domain check` simulates DNS from the sandbox, as the window's demo does.
                    session
                        .state::<qflow_core::ops::domain::DemoDns>()
                        .attach(sb.dns_switch());
                }
                Ok(session)
            })
            .await
            .cloned()
    }

    pub fn secrets(&self) -> &SharedSecretStore {
        &self.store
    }

    /// Run one API request and return its raw JSON. Input the request already knows to be
    /// bad is rejected before credentials are even looked up.
    pub async fn execute(&self, req: ApiRequest) -> Result<serde_json::Value> {
        if let Some((field, reason)) = req.rejected() {
            return Err(Error::invalid(field, reason));
        }
        self.client().await?.execute(req).await
    }

    /// The signed-in client for this profile (the first request signs in).
    pub async fn client(&self) -> Result<Client> {
        if self.demo {
            return self.demo_client().await;
        }
        Ok(session::connect(&self.target, &self.store).await?.1)
    }

    async fn demo_client(&self) -> Result<Client> {
        let mut guard = self.demo_sandbox.lock().await;
        if guard.is_none() {
            let sb = qflow_sandbox::Sandbox::start(qflow_sandbox::SandboxConfig::default())
                .await
                .map_err(|e| Error::Storage(format!("Could not start the demo sandbox: {e}")))?;
            *guard = Some(sb);
        }
        let sb = guard.as_ref().expect("started above");
        session::client_for(
            &sb.api_base(),
            &sb.identity_url(),
            crate::app::handlers::demo_credentials(),
        )
    }

    async fn shutdown(&self) {
        if let Some(s) = self.session.get() {
            s.close();
        }
        if let Some(sb) = self.demo_sandbox.lock().await.take() {
            sb.shutdown().await;
        }
    }
}

/// The profile the window starts with: `--profile`/`QFLOW_PROFILE` when given, else the one
/// used last (a desk that works in "Production" reopens there), else `default`. Scripts
/// (subcommands) keep the plain `default` so their target never depends on the GUI's history.
fn window_profile(given: Option<&str>, last_used: impl FnOnce() -> Option<String>) -> String {
    match given {
        Some(p) => p.to_owned(),
        None => last_used().unwrap_or_else(|| "default".to_owned()),
    }
}

/// Parse argv and run. The return value is the process exit status.
pub fn main() -> i32 {
    let parsed = Cli::command()
        .try_get_matches()
        .and_then(|m| Cli::from_arg_matches(&m).map(|cli| (cli, m)));
    let (cli, matches) = match parsed {
        Ok(parsed) => parsed,
        Err(e) => {
            // Usage errors exit 2; --help and --version exit 0.
            let _ = e.print();
            return e.exit_code();
        }
    };
    let Some(command) = cli.command.as_ref() else {
        let given = matches
            .value_source("profile")
            .is_some_and(|s| s != ValueSource::DefaultValue);
        return crate::app::run(crate::app::AppOptions {
            demo: cli.demo,
            profile: window_profile(given.then_some(cli.profile.as_str()), || {
                qflow_core::profiles::Profiles::open_default()
                    .and_then(|p| p.last_used())
                    .ok()
                    .flatten()
            }),
            api_base: cli.api_base.clone(),
            identity_url: cli.identity_url.clone(),
        });
    };
    crate::init_logging();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            output::note(format!(
                "storage_error: could not start the async runtime: {e}"
            ));
            return 1;
        }
    };
    let ctx = Ctx::new(&cli);
    runtime.block_on(async {
        let result = dispatch(command, &ctx).await;
        ctx.shutdown().await;
        match result {
            Ok(code) => code,
            Err(e) => output::report_error(&e, ctx.json),
        }
    })
}

async fn dispatch(command: &Command, ctx: &Ctx) -> Result<i32> {
    match command {
        Command::Login(args) => auth::login(args, ctx).await,
        Command::Logout => auth::logout(ctx).await,
        Command::Profiles { cmd } => auth::run_profiles(cmd, ctx).await,
        Command::Profile { cmd } => auth::run_profile(cmd, ctx).await,
        Command::Sandbox(args) => sandbox::run(args, ctx).await,
        Command::Events { cmd } => events::run_events(cmd, ctx).await,
        Command::Event { cmd } => events::run_event(cmd, ctx).await,
        Command::Guests { cmd } => guests::run_guests(cmd, ctx).await,
        Command::Guest { cmd } => guests::run_guest(cmd, ctx).await,
        Command::Templates { cmd } => templates::run_templates(cmd, ctx).await,
        Command::Template { cmd } => templates::run_template(cmd, ctx).await,
        Command::Domain { cmd } => domain::run(cmd, ctx).await,
        Command::Webhook { cmd } => webhook::run(cmd, ctx).await,
    }
}

/// A GUID argument, rejected before any request with the argument's name and the reason.
pub(crate) fn parse_id(field: &str, value: &str) -> Result<Uuid> {
    qflow_core::validate::guid(field, value)
}

/// Read the API's raw answer as a model for the human output. A shape we cannot read is
/// `malformed_response` naming the endpoint, never a panic.
pub(crate) fn decode<T: serde::de::DeserializeOwned>(
    endpoint: &str,
    v: &serde_json::Value,
) -> Result<T> {
    T::deserialize(v).map_err(|e| Error::Malformed {
        endpoint: endpoint.to_owned(),
        message: e.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn clap_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn globals_work_after_the_subcommand() {
        let cli = Cli::try_parse_from([
            "qflow-console",
            "events",
            "list",
            "--from",
            "2026-01-01",
            "--to",
            "2026-12-31",
            "--json",
            "--profile",
            "work",
        ])
        .unwrap();
        assert!(cli.json);
        assert_eq!(cli.profile, "work");
    }

    #[test]
    fn the_window_reopens_the_last_used_profile_unless_one_is_given() {
        assert_eq!(
            window_profile(Some("work"), || Some("Production".into())),
            "work"
        );
        assert_eq!(
            window_profile(None, || Some("Production".into())),
            "Production"
        );
        assert_eq!(window_profile(None, || None), "default");
    }

    #[test]
    fn usage_errors_exit_2_and_help_0() {
        let e = Cli::try_parse_from(["qflow-console", "guests", "frobnicate"]).unwrap_err();
        assert_eq!(e.exit_code(), 2);
        let e = Cli::try_parse_from(["qflow-console", "--help"]).unwrap_err();
        assert_eq!(e.exit_code(), 0);
    }

    #[test]
    fn no_subcommand_opens_the_window() {
        let cli = Cli::try_parse_from(["qflow-console", "--demo"]).unwrap();
        assert!(cli.demo && cli.command.is_none());
    }
}
