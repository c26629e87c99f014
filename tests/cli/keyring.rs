//! CLI commands that need a real Secret Service: `login`/`logout`, `webhook set` (the secret
//! goes to the keychain, never stdout) and `webhook listen` receiving a signed `comms.test`.
//! Run with `tests/support/with-keyring.sh cargo test --test cli keyring -- --ignored`.

use crate::cli_common;
use cli_common::{run_command, Env};
use qflow_core::secrets::{KeyringStore, SecretKind, SecretStore};
use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::time::{Duration, Instant};

const WINDOW: [&str; 5] = ["events", "list", "--from", "2000-01-01", "--to"];

fn list_events(env: &Env) -> cli_common::Out {
    let mut args = WINDOW.to_vec();
    args.push("2100-12-31");
    run_command(env.bare_command(&args), None)
}

#[test]
#[ignore = "needs a real, unlocked Secret Service: run via tests/support/with-keyring.sh"]
fn login_stores_secrets_in_the_keychain_and_logout_removes_them() {
    let env = Env::start();
    let secrets = format!(
        "{}\n{}\n{}\n",
        qflow_sandbox::DEMO_PASSWORD,
        qflow_sandbox::DEMO_CLIENT_SECRET,
        qflow_sandbox::CLIENT_KEY
    );

    // Wrong password: refused, nothing stored.
    let wrong = format!(
        "wrong-password\n{}\n{}\n",
        qflow_sandbox::DEMO_CLIENT_SECRET,
        qflow_sandbox::CLIENT_KEY
    );
    let login = [
        "login",
        "--stdin",
        "--username",
        qflow_sandbox::DEMO_USERNAME,
        "--client-id",
        qflow_sandbox::DEMO_CLIENT_ID,
    ];
    let out = run_command(env.bare_command(&login), Some(&wrong));
    assert_eq!(out.code, 1, "{out:?}");
    assert!(!out.stderr.contains("wrong-password"));
    assert_eq!(list_events(&env).code, 1);

    let out = run_command(env.bare_command(&login), Some(&secrets));
    assert_eq!(out.code, 0, "{out:?}");
    for s in [
        qflow_sandbox::DEMO_PASSWORD,
        qflow_sandbox::DEMO_CLIENT_SECRET,
        qflow_sandbox::CLIENT_KEY,
    ] {
        assert!(
            !out.stdout.contains(s) && !out.stderr.contains(s),
            "secret printed: {out:?}"
        );
    }
    // The profile file has the non-secret settings only.
    let profiles = std::fs::read_to_string(env.data.path().join("profiles.json")).unwrap();
    assert!(profiles.contains(qflow_sandbox::DEMO_USERNAME));
    for s in [
        qflow_sandbox::DEMO_PASSWORD,
        qflow_sandbox::DEMO_CLIENT_SECRET,
        qflow_sandbox::CLIENT_KEY,
    ] {
        assert!(!profiles.contains(s), "secret in the profile file");
    }
    let store = KeyringStore::with_service(&env.keyring_service);
    assert_eq!(
        store
            .get("default", SecretKind::Password)
            .unwrap()
            .unwrap()
            .expose(),
        qflow_sandbox::DEMO_PASSWORD
    );

    // Credentials now come from the keychain (no QFLOW_* credential variables).
    let out = list_events(&env);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(out.stdout.lines().count(), 4);

    // The saved credentials go only where the profile signed in.
    let mut elsewhere = env.bare_command(&[
        "events",
        "list",
        "--from",
        "2000-01-01",
        "--to",
        "2100-12-31",
    ]);
    elsewhere.env("QFLOW_API_BASE", "https://elsewhere.example");
    let out = run_command(elsewhere, None);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr
            .contains("is not where profile 'default' signed in"),
        "{}",
        out.stderr
    );

    // The same list the window's profile menu shows, from the same core operation.
    let listed = run_command(env.bare_command(&["profiles", "list", "--json"]), None).ok();
    assert_eq!(listed.json()[0]["name"], "default");
    assert_eq!(listed.json()[0]["hasSecrets"], true);

    run_command(env.bare_command(&["logout"]), None).ok();
    assert!(store
        .get("default", SecretKind::Password)
        .unwrap()
        .is_none());
    let out = list_events(&env);
    assert_eq!(out.code, 1);
    assert!(out.stderr.starts_with("not_signed_in: "), "{}", out.stderr);
    let listed = run_command(env.bare_command(&["profiles", "list", "--json"]), None).ok();
    assert_eq!(listed.json()[0]["hasSecrets"], false);

    // Forget: the settings go too.
    run_command(env.bare_command(&["profile", "forget", "default"]), None).ok();
    let listed = run_command(env.bare_command(&["profiles", "list", "--json"]), None).ok();
    assert_eq!(listed.json(), serde_json::json!([]));
}

#[test]
#[ignore = "needs a real, unlocked Secret Service: run via tests/support/with-keyring.sh"]
fn webhook_secret_goes_to_the_keychain_and_listen_verifies_events() {
    let env = Env::start();
    let port = free_port();
    let url = format!("http://127.0.0.1:{port}/qflow");
    let out = env.run(&["webhook", "set", &url, "--json"]).ok();
    let store = KeyringStore::with_service(&env.keyring_service);
    let secret = store
        .get("default", SecretKind::WebhookSecret)
        .unwrap()
        .expect("secret saved");
    assert_eq!(secret.expose().len(), 64);
    assert!(!out.stdout.contains(secret.expose()) && !out.stderr.contains(secret.expose()));
    assert_eq!(out.json()["secretSaved"], true);
    assert!(out.json().get("secret").is_none());
    assert_eq!(
        env.run(&["webhook", "show", "--json"]).ok().json()["url"],
        url.as_str()
    );

    // The receiver takes the secret from the keychain and verifies Qflow's signed test event.
    let mut c = env.command(&["webhook", "listen", "--port", &port.to_string(), "--json"]);
    c.stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .stdin(Stdio::null());
    let mut child = c.spawn().unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel::<String>();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let first = rx
        .recv_timeout(Duration::from_secs(20))
        .expect("listen prints its address");
    assert!(first.contains(&port.to_string()), "{first}");
    env.run(&["webhook", "test"]).ok();
    let deadline = Instant::now() + Duration::from_secs(20);
    let event = loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let line = rx.recv_timeout(left).expect("a comms.test event arrives");
        if line.contains("comms.test") {
            break line;
        }
    };
    let ev: serde_json::Value = serde_json::from_str(&event).unwrap();
    assert_eq!(ev["kind"], "accepted", "{ev}");
    let _ = child.kill();
    let _ = child.wait();
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}
