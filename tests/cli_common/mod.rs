//! Shared by the `cli_*` tests: an in-process sandbox and the real `qflow-console` binary run
//! as a subprocess against it, with credentials in the environment and a private data dir.
#![allow(dead_code)]

use qflow_sandbox::{Sandbox, SandboxConfig};
use serde_json::Value;
use std::io::Write;
use std::process::{Command, Stdio};

pub const BIN: &str = env!("CARGO_BIN_EXE_qflow-console");

pub struct Env {
    pub sandbox: Sandbox,
    pub data: tempfile::TempDir,
    pub keyring_service: String,
    // Declared last: dropped after the sandbox.
    pub rt: tokio::runtime::Runtime,
}

#[derive(Debug)]
pub struct Out {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Out {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {self:?}"))
    }
    #[track_caller]
    pub fn ok(self) -> Out {
        assert_eq!(self.code, 0, "expected success: {self:?}");
        self
    }
}

/// The test sandbox: seeded, rate limits off (many short CLI processes), fast deliveries.
pub fn config() -> SandboxConfig {
    SandboxConfig {
        attendees: 300,
        rate_limits: false,
        delivery_scale: 0.05,
        ..SandboxConfig::default()
    }
}

impl Env {
    pub fn start() -> Env {
        Self::with_config(config())
    }

    pub fn with_config(cfg: SandboxConfig) -> Env {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let sandbox = rt.block_on(Sandbox::start(cfg)).expect("sandbox starts");
        Env {
            sandbox,
            data: tempfile::tempdir().unwrap(),
            keyring_service: format!("qflow-console-test-{}", uuid::Uuid::new_v4()),
            rt,
        }
    }

    /// The five credential variables for the sandbox's demo account.
    pub fn credential_env() -> Vec<(&'static str, String)> {
        vec![
            ("QFLOW_CLIENT_ID", qflow_sandbox::DEMO_CLIENT_ID.into()),
            (
                "QFLOW_CLIENT_SECRET",
                qflow_sandbox::DEMO_CLIENT_SECRET.into(),
            ),
            ("QFLOW_USERNAME", qflow_sandbox::DEMO_USERNAME.into()),
            ("QFLOW_PASSWORD", qflow_sandbox::DEMO_PASSWORD.into()),
            ("QFLOW_CLIENT_KEY", qflow_sandbox::CLIENT_KEY.into()),
        ]
    }

    /// A command with the sandbox's endpoints, the data dir and keyring namespace set; no
    /// credentials and no inherited QFLOW_* variables.
    pub fn bare_command(&self, args: &[&str]) -> Command {
        let mut c = Command::new(BIN);
        c.args(args);
        for (k, _) in std::env::vars() {
            if k.starts_with("QFLOW_") && k != "QFLOW_IN_KEYRING_SESSION" {
                c.env_remove(k);
            }
        }
        c.env_remove("RUST_LOG");
        c.env("QFLOW_API_BASE", self.sandbox.api_base())
            .env("QFLOW_IDENTITY_URL", self.sandbox.identity_url())
            .env("QFLOW_DATA_DIR", self.data.path())
            .env("QFLOW_KEYRING_SERVICE", &self.keyring_service);
        if std::env::var_os("QFLOW_IN_KEYRING_SESSION").is_none() {
            // Outside with-keyring.sh: no Secret Service, deterministically.
            c.env(
                "DBUS_SESSION_BUS_ADDRESS",
                "unix:path=/nonexistent/qflow-test-bus",
            );
        }
        c
    }

    pub fn command(&self, args: &[&str]) -> Command {
        let mut c = self.bare_command(args);
        c.envs(Self::credential_env());
        c
    }

    pub fn run(&self, args: &[&str]) -> Out {
        run_command(self.command(args), None)
    }

    pub fn run_env(&self, args: &[&str], env: &[(&str, &str)]) -> Out {
        let mut c = self.command(args);
        c.envs(env.iter().copied());
        run_command(c, None)
    }

    pub fn write(&self, name: &str, content: &str) -> String {
        let path = self.data.path().join(name);
        std::fs::write(&path, content).unwrap();
        path.to_string_lossy().into_owned()
    }

    /// The seeded events as the API returns them (via the CLI itself).
    pub fn events(&self) -> Vec<Value> {
        let out = self
            .run(&[
                "events",
                "list",
                "--from",
                "2000-01-01",
                "--to",
                "2100-12-31",
                "--json",
            ])
            .ok();
        out.json().as_array().unwrap().clone()
    }

    pub fn event_id(&self, n: usize) -> String {
        self.events()[n]["id"].as_str().unwrap().to_owned()
    }

    pub fn guests(&self, event_id: &str) -> Vec<Value> {
        self.run(&["guests", "list", event_id, "--json"])
            .ok()
            .json()
            .as_array()
            .unwrap()
            .clone()
    }

    /// An attendee of the event with an ordinary address (not the seeded suppressed one).
    pub fn ordinary_guest(&self, event_id: &str) -> Value {
        self.guests(event_id)
            .into_iter()
            .find(|g| {
                g["email"].as_str().is_some_and(|e| {
                    e.ends_with("@example.com") && e != qflow_sandbox::SUPPRESSED_EMAIL
                })
            })
            .expect("an attendee with an ordinary address")
    }

    pub fn templates(&self, event_id: &str) -> Vec<Value> {
        self.run(&["templates", "list", event_id, "--json"])
            .ok()
            .json()
            .as_array()
            .unwrap()
            .clone()
    }
}

pub fn run_command(mut c: Command, stdin: Option<&str>) -> Out {
    c.stdin(if stdin.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    })
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    let mut child = c.spawn().expect("spawn qflow-console");
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
    }
    let out = child.wait_with_output().unwrap();
    Out {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// The window's command layer (`app::commands::dispatch` takes it), signed in to `env`'s
/// sandbox with the data dir the CLI uses. Sets `QFLOW_DATA_DIR` for the whole process: call it
/// once, from a file with one test.
pub fn window(env: &Env) -> qflow_console::app::handlers::AppState {
    use qflow_console::app::{commands::dispatch, handlers::AppState, AppOptions};
    std::env::set_var("QFLOW_DATA_DIR", env.data.path());
    let st = AppState::new(
        &AppOptions {
            demo: false,
            profile: "default".into(),
            api_base: Some(env.sandbox.api_base()),
            identity_url: Some(env.sandbox.identity_url()),
        },
        std::sync::Arc::new(qflow_core::secrets::MemoryStore::new()),
    );
    let creds: std::collections::HashMap<_, _> = Env::credential_env().into_iter().collect();
    env.rt
        .block_on(dispatch(
            &st,
            "sign_in",
            serde_json::json!({
                "profile": "default",
                "clientId": creds["QFLOW_CLIENT_ID"],
                "username": creds["QFLOW_USERNAME"],
                "password": creds["QFLOW_PASSWORD"],
                "clientSecret": creds["QFLOW_CLIENT_SECRET"],
                "clientKey": creds["QFLOW_CLIENT_KEY"],
            }),
        ))
        .expect("the window signs in");
    st
}
