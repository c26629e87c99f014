//! `qflow-console sandbox` as a real process, and `--demo` for one command.

use crate::cli_common;
use cli_common::{run_command, Env, BIN};
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

struct Running(std::process::Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn spawn_sandbox(args: &[&str]) -> (Running, BufReader<std::process::ChildStdout>) {
    let mut c = Command::new(BIN);
    c.arg("sandbox")
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, _) in std::env::vars() {
        if k.starts_with("QFLOW_") {
            c.env_remove(k);
        }
    }
    let mut child = c.spawn().unwrap();
    let stdout = BufReader::new(child.stdout.take().unwrap());
    (Running(child), stdout)
}

fn terminate(mut r: Running) -> i32 {
    let pid = r.0.id().to_string();
    assert!(Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap()
        .success());
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(status) = r.0.try_wait().unwrap() {
            return status.code().unwrap_or(-1);
        }
        assert!(
            std::time::Instant::now() < deadline,
            "sandbox did not stop on SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn sandbox_json_line_is_usable_and_sigterm_stops_it() {
    let (child, mut stdout) = spawn_sandbox(&["--json", "--attendees", "30"]);
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    let info: serde_json::Value =
        serde_json::from_str(&line).unwrap_or_else(|e| panic!("{e}: {line}"));
    let api = info["apiBase"].as_str().unwrap();
    assert!(api.starts_with("http://127.0.0.1:"), "{api}");
    assert_eq!(info["clientKey"], qflow_sandbox::CLIENT_KEY);

    let mut c = Command::new(BIN);
    c.args([
        "events",
        "list",
        "--from",
        "2000-01-01",
        "--to",
        "2100-12-31",
        "--json",
    ])
    .env("QFLOW_API_BASE", api)
    .env("QFLOW_IDENTITY_URL", info["identityUrl"].as_str().unwrap())
    .env("QFLOW_CLIENT_ID", info["clientId"].as_str().unwrap())
    .env(
        "QFLOW_CLIENT_SECRET",
        info["clientSecret"].as_str().unwrap(),
    )
    .env("QFLOW_USERNAME", info["username"].as_str().unwrap())
    .env("QFLOW_PASSWORD", info["password"].as_str().unwrap())
    .env("QFLOW_CLIENT_KEY", info["clientKey"].as_str().unwrap())
    .env("QFLOW_DATA_DIR", tempfile::tempdir().unwrap().path());
    let out = run_command(c, None);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(out.json().as_array().unwrap().len(), 3);
    let guests_event = out.json()[0]["id"].as_str().unwrap().to_owned();
    assert!(!guests_event.is_empty());

    assert_eq!(terminate(child), 0);
}

#[test]
fn sandbox_prints_endpoints_credentials_and_export_lines() {
    let (child, stdout) = spawn_sandbox(&["--port", "0", "--attendees", "10"]);
    let mut text = String::new();
    for line in stdout.lines() {
        let line = line.unwrap();
        text.push_str(&line);
        text.push('\n');
        if line.starts_with("export QFLOW_CLIENT_KEY=") {
            break;
        }
    }
    assert!(
        text.contains("api-base:") && text.contains("identity-url:"),
        "{text}"
    );
    assert!(text.contains(qflow_sandbox::DEMO_USERNAME), "{text}");
    for var in [
        "QFLOW_API_BASE",
        "QFLOW_IDENTITY_URL",
        "QFLOW_CLIENT_ID",
        "QFLOW_CLIENT_SECRET",
        "QFLOW_USERNAME",
        "QFLOW_PASSWORD",
    ] {
        assert!(text.contains(&format!("export {var}=")), "{var}: {text}");
    }
    assert!(text.contains("/core/connect/token"), "{text}");
    assert_eq!(terminate(child), 0);
}

#[test]
fn demo_flag_runs_a_command_against_a_private_sandbox() {
    let env = Env::start();
    // No credentials in the environment, no saved profile: --demo needs neither.
    let mut c = env.bare_command(&[
        "--demo",
        "events",
        "list",
        "--from",
        "2000-01-01",
        "--to",
        "2100-12-31",
    ]);
    c.env_remove("QFLOW_API_BASE")
        .env_remove("QFLOW_IDENTITY_URL");
    let out = run_command(c, None);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(out.stdout.lines().count(), 4, "{}", out.stdout);
    // It did not talk to the test's sandbox.
    assert_eq!(env.sandbox.token_requests(), 0);
}
