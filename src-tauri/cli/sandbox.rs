//! `sandbox`: serve the embedded fake Qflow until interrupted. Its credentials are demo values
//! (printing them is fine); real credentials are never printed anywhere.

use clap::Args;
use qflow_core::{Error, Result};
use qflow_sandbox::{Sandbox, SandboxConfig};
use serde_json::json;

use super::output;
use super::Ctx;

#[derive(Args, Debug)]
pub struct SandboxArgs {
    /// Port on 127.0.0.1 (0 = any free port).
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// How many attendees to seed across the three demo events.
    #[arg(long, value_name = "N")]
    pub attendees: Option<usize>,
}

pub async fn run(args: &SandboxArgs, ctx: &Ctx) -> Result<i32> {
    let mut cfg = SandboxConfig {
        port: args.port,
        ..SandboxConfig::default()
    };
    if let Some(n) = args.attendees {
        cfg.attendees = n;
    }
    let attendees = cfg.attendees;
    let sb = Sandbox::start(cfg).await.map_err(|e| {
        Error::invalid(
            "port",
            format!(
                "could not start the sandbox on 127.0.0.1:{}: {e}",
                args.port
            ),
        )
    })?;
    let shutdown = shutdown_signal();
    let (api, identity) = (sb.api_base(), sb.identity_url());
    let vars = [
        ("QFLOW_API_BASE", api.as_str()),
        ("QFLOW_IDENTITY_URL", identity.as_str()),
        ("QFLOW_CLIENT_ID", qflow_sandbox::DEMO_CLIENT_ID),
        ("QFLOW_CLIENT_SECRET", qflow_sandbox::DEMO_CLIENT_SECRET),
        ("QFLOW_USERNAME", qflow_sandbox::DEMO_USERNAME),
        ("QFLOW_PASSWORD", qflow_sandbox::DEMO_PASSWORD),
        ("QFLOW_CLIENT_KEY", qflow_sandbox::CLIENT_KEY),
    ];
    if ctx.json {
        // One line, so a script can read it and carry on.
        output::print_stdout(&format!(
            "{}\n",
            json!({
                "apiBase": api, "identityUrl": identity,
                "clientId": qflow_sandbox::DEMO_CLIENT_ID, "clientSecret": qflow_sandbox::DEMO_CLIENT_SECRET,
                "username": qflow_sandbox::DEMO_USERNAME, "password": qflow_sandbox::DEMO_PASSWORD,
                "clientKey": qflow_sandbox::CLIENT_KEY, "attendees": attendees,
            })
        ));
    } else {
        let mut text = output::fields(&[
            ("api-base", api.clone()),
            ("identity-url", identity.clone()),
            ("client id", qflow_sandbox::DEMO_CLIENT_ID.to_owned()),
            (
                "client secret",
                qflow_sandbox::DEMO_CLIENT_SECRET.to_owned(),
            ),
            ("username", qflow_sandbox::DEMO_USERNAME.to_owned()),
            ("password", qflow_sandbox::DEMO_PASSWORD.to_owned()),
            ("client key", qflow_sandbox::CLIENT_KEY.to_owned()),
        ]);
        text.push_str("\n# Demo credentials only. Paste into another shell to use the CLI against this sandbox:\n");
        for (k, v) in vars {
            text.push_str(&format!("export {k}={v}\n"));
        }
        output::print_stdout(&text);
        output::note(format!(
            "Qflow sandbox running ({attendees} seeded attendees). Press Ctrl-C to stop."
        ));
    }
    follow_stdin(sb.offline_switch());
    shutdown.await;
    output::note("Stopping the sandbox.");
    sb.shutdown().await;
    Ok(0)
}

/// Test-facing line commands on stdin: `offline` makes the sandbox close every connection
/// before reading it (the network is gone; nothing is applied), `online` brings it back. A plain
/// thread, so a stdin that never closes cannot hold up the exit.
fn follow_stdin(offline: std::sync::Arc<std::sync::atomic::AtomicBool>) {
    std::thread::spawn(move || {
        use std::io::BufRead;
        for line in std::io::stdin().lock().lines() {
            let Ok(line) = line else { return };
            let on = match line.trim() {
                "offline" => true,
                "online" => false,
                _ => continue,
            };
            offline.store(on, std::sync::atomic::Ordering::SeqCst);
            output::note(if on {
                "Sandbox offline: every request is dropped unread."
            } else {
                "Sandbox online."
            });
        }
    });
}

/// Registers the Ctrl-C and (Unix) SIGTERM handlers now, so that a signal sent right after our
/// output is not lost to the default action, and resolves on the first of them.
pub fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let term = signal(SignalKind::terminate()).ok();
        let int = signal(SignalKind::interrupt()).ok();
        async move {
            match (term, int) {
                (Some(mut t), Some(mut i)) => {
                    tokio::select! {
                        _ = t.recv() => {}
                        _ = i.recv() => {}
                    }
                }
                (Some(mut t), None) => {
                    t.recv().await;
                }
                (None, Some(mut i)) => {
                    i.recv().await;
                }
                (None, None) => {
                    let _ = tokio::signal::ctrl_c().await;
                }
            }
        }
    }
    #[cfg(not(unix))]
    {
        async {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}
