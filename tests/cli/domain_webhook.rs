//! `domain` lifecycle (including both 409s) and `webhook` commands through the real binary.

use crate::cli_common;
use cli_common::Env;
use hmac::{Hmac, Mac};
use sha2::Sha256;

#[test]
fn domain_lifecycle() {
    let env = Env::start();
    let out = env.run(&["domain", "show"]).ok();
    assert!(
        out.stdout.contains(qflow_sandbox::SEED_DOMAIN),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("verified:") && out.stdout.contains("CNAME"),
        "{}",
        out.stdout
    );
    let d = env.run(&["domain", "show", "--json"]).ok().json();
    assert_eq!(d["domain"], qflow_sandbox::SEED_DOMAIN);
    assert_eq!(d["dnsRecords"].as_array().unwrap().len(), 3);

    // One domain per account: 409.
    let out = env.run(&["domain", "create", "other.example.org"]);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stderr.starts_with("domain_already_configured: "),
        "{}",
        out.stderr
    );
    let out = env.run(&["domain", "create", "other.example.org", "--json"]);
    assert_eq!(out.json()["error"]["status"], 409);

    // Never verified: activate is a 409.
    let out = env.run(&["domain", "activate"]);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.starts_with("domain_not_verified: "),
        "{}",
        out.stderr
    );

    // DNS not published: verify says no (exit 1) with reasons.
    let out = env.run(&["domain", "verify"]);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(out.stdout.contains("mail_cname"), "{}", out.stdout);
    let out = env.run(&["domain", "verify", "--json"]);
    assert_eq!(out.code, 1);
    assert_eq!(out.json()["verified"], false);

    env.sandbox.publish_dns(true);
    let v = env.run(&["domain", "verify", "--json"]).ok().json();
    assert_eq!(v["verified"], true);
    assert_eq!(v["enabled"], true);
    let v = env.run(&["domain", "deactivate", "--json"]).ok().json();
    assert_eq!(v["enabled"], false);
    let out = env.run(&["domain", "activate"]).ok();
    assert!(
        out.stdout.contains("enabled:") && out.stdout.contains("yes"),
        "{}",
        out.stdout
    );

    env.run(&["domain", "delete"]).ok();
    let out = env.run(&["domain", "show", "--json"]);
    assert_eq!(out.code, 1);
    assert_eq!(out.json()["error"]["status"], 404);
    let d = env
        .run(&["domain", "create", "Brand.Example.org", "--json"])
        .ok()
        .json();
    assert_eq!(d["domain"], "brand.example.org");
    assert_eq!(d["verified"], false);
}

#[test]
fn domain_create_rejects_non_hostnames_before_sending() {
    let env = Env::start();
    for bad in ["https://brand.example.org/", "brand", "a b.example.org", ""] {
        let out = env.run(&["domain", "create", bad]);
        assert_eq!(out.code, 2, "{bad}: {out:?}");
        assert!(out.stderr.starts_with("invalid_input: "), "{}", out.stderr);
    }
    assert_eq!(env.sandbox.requests("POST", "/api/comms/domain"), 0);
}

/// One rule, one place: the CLI's `domain create` and the window's commands (the wizard's
/// `domain_validate` wrapper, core's `domain_create` behind the window's create) answer the
/// same bad input with the same code and message, before any request.
#[test]
fn a_bad_domain_gets_the_same_answer_from_the_cli_and_the_window() {
    use qflow_core::ops::ctx::{Ctx, CtxParts, SignedIn, Silent, StoreLocation, SystemClock};
    use qflow_core::ops::domain::{domain_create, DomainRequest};
    use std::sync::Arc;

    let env = Env::start();
    let credentials = qflow_core::secrets::Credentials {
        client_id: qflow_sandbox::DEMO_CLIENT_ID.into(),
        username: qflow_sandbox::DEMO_USERNAME.into(),
        client_secret: qflow_core::Secret::new(qflow_sandbox::DEMO_CLIENT_SECRET),
        password: qflow_core::Secret::new(qflow_sandbox::DEMO_PASSWORD),
        client_key: qflow_core::Secret::new(qflow_sandbox::CLIENT_KEY),
    };
    let client = qflow_core::session::client_for(
        &env.sandbox.api_base(),
        &env.sandbox.identity_url(),
        credentials,
    )
    .unwrap();
    let cx = Ctx::new(CtxParts {
        info: SignedIn {
            profile: "default".into(),
            username: qflow_sandbox::DEMO_USERNAME.into(),
            api_base: env.sandbox.api_base(),
            demo: false,
        },
        client,
        secrets: Arc::new(qflow_core::secrets::MemoryStore::new()),
        store: StoreLocation::Memory,
        clock: Arc::new(SystemClock),
        notifier: Arc::new(Silent),
    });
    let req = |d: &str| DomainRequest { domain: d.into() };
    // The window's command layer, as the UI calls it (by name, with a JSON request).
    let app = qflow_console::app::handlers::AppState::new(
        &qflow_console::app::AppOptions {
            demo: false,
            profile: "default".into(),
            api_base: None,
            identity_url: None,
        },
        Arc::new(qflow_core::secrets::MemoryStore::new()),
    );
    for bad in [
        "https://brand.example.org/x",
        "news@brand.example.org",
        "brand .example.org",
        "brand.example.org:25",
        "",
    ] {
        let out = env.run(&["domain", "create", bad, "--json"]);
        assert_eq!(out.code, 2, "{bad}: {out:?}");
        let cli = out.json()["error"].clone();
        let wizard = env
            .rt
            .block_on(qflow_console::app::commands::dispatch(
                &app,
                "domain_validate",
                serde_json::json!({ "domain": bad }),
            ))
            .unwrap_err();
        let window = env
            .rt
            .block_on(domain_create(&cx, req(bad)))
            .unwrap_err()
            .body();
        assert_eq!(window, wizard, "{bad}");
        assert_eq!(cli["code"], window.code.as_str(), "{bad}");
        assert_eq!(cli["message"], window.message.as_str(), "{bad}");
        assert_eq!(cli["field"], "domain", "{bad}");
        assert!(
            out.stderr
                .starts_with(&format!("{}: {}\n", window.code, window.message)),
            "{bad}: {}",
            out.stderr
        );
    }
    assert_eq!(env.sandbox.requests("POST", "/api/comms/domain"), 0);
}

#[test]
fn demo_domain_check_answers_from_the_simulated_dns() {
    let env = Env::start();
    let mut c = env.bare_command(&["--demo", "domain", "check", "--json"]);
    c.env_remove("QFLOW_API_BASE")
        .env_remove("QFLOW_IDENTITY_URL");
    let out = cli_common::run_command(c, None);
    // Nothing published in the private sandbox: each record is missing (not looked up in
    // real DNS, where the sandbox's names do not exist), exit 1.
    assert_eq!(out.code, 1, "{out:?}");
    let report = out.json();
    assert_eq!(report["allOk"], false);
    let checks = report["checks"].as_array().unwrap();
    assert_eq!(checks.len(), 3);
    assert!(checks.iter().all(|c| c["status"] == "missing"), "{report}");
}

#[test]
fn webhook_set_without_a_keychain_sends_nothing() {
    let env = Env::start();
    let out = env.run(&["webhook", "set", "http://127.0.0.1:9/hook"]);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stderr.starts_with("keychain_unavailable: "),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("nothing was sent"), "{}", out.stderr);
    assert!(out.stdout.is_empty());
    // The secret is shown only once: no request may be made while it could not be kept.
    assert_eq!(env.sandbox.requests("POST", "/api/comms/webhook"), 0);
    assert_eq!(env.run(&["webhook", "rotate"]).code, 1);
    assert_eq!(env.sandbox.requests("POST", "/api/comms/webhook"), 0);

    // Nothing configured yet: show and test are 404s.
    let out = env.run(&["webhook", "show", "--json"]);
    assert_eq!(out.code, 1);
    assert_eq!(out.json()["error"]["status"], 404);
}

fn sign(secret: &str, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}

#[test]
fn webhook_verify() {
    let env = Env::start();
    let secret = "45638ff7bb801d9487c0d07389f6893df95007e71af145be26e6efcc7e9580c0";
    let body = br#"{"attendeeId":"f9804be1-4d31-4dc2-917c-ff3e9b6a9a41","status":"delivered","error":null,"correlationId":"first-test"}"#;
    let path = env.data.path().join("body.json");
    std::fs::write(&path, body).unwrap();
    let path = path.to_str().unwrap();
    let sig = sign(secret, body);
    let ts = "1767225600";
    let with_secret = [("QFLOW_WEBHOOK_SECRET", secret)];

    let out = env
        .run_env(
            &[
                "webhook",
                "verify",
                "--body",
                path,
                "--signature",
                &sig,
                "--timestamp",
                ts,
                "--now",
                "1767225700",
            ],
            &with_secret,
        )
        .ok();
    assert_eq!(out.stdout.trim(), "valid");
    assert!(!out.stdout.contains(secret) && !out.stderr.contains(secret));
    let v = env
        .run_env(
            &[
                "webhook",
                "verify",
                "--body",
                path,
                "--signature",
                &sig,
                "--timestamp",
                ts,
                "--now",
                "1767225700",
                "--json",
            ],
            &with_secret,
        )
        .ok()
        .json();
    assert_eq!(v["valid"], true);
    assert!(v["reason"].is_null());

    // Wrong signature: the check says no.
    let bad = sign("another-secret", body);
    let out = env.run_env(
        &[
            "webhook",
            "verify",
            "--body",
            path,
            "--signature",
            &bad,
            "--timestamp",
            ts,
            "--now",
            "1767225700",
            "--json",
        ],
        &with_secret,
    );
    assert_eq!(out.code, 1, "{out:?}");
    assert_eq!(out.json()["valid"], false);
    assert_eq!(out.json()["reason"], "bad_signature");

    // Outside the 300 s window.
    let out = env.run_env(
        &[
            "webhook",
            "verify",
            "--body",
            path,
            "--signature",
            &sig,
            "--timestamp",
            ts,
            "--now",
            "1767225901",
            "--json",
        ],
        &with_secret,
    );
    assert_eq!(out.code, 1);
    assert_eq!(out.json()["reason"], "stale_timestamp");
    let out = env.run_env(
        &[
            "webhook",
            "verify",
            "--body",
            path,
            "--signature",
            &sig,
            "--timestamp",
            ts,
            "--now",
            "1767225900",
        ],
        &with_secret,
    );
    assert_eq!(out.code, 0, "300 s exactly is inside the window: {out:?}");

    // No secret anywhere: exit 1, saying where to put one.
    let out = env.run(&[
        "webhook",
        "verify",
        "--body",
        path,
        "--signature",
        &sig,
        "--timestamp",
        ts,
    ]);
    assert_eq!(out.code, 1, "{out:?}");
    assert_eq!(env.sandbox.token_requests(), 0, "verify is offline");
}

/// Core's session for the sandbox's demo account over `api_base`: what the window's commands
/// run against.
fn window_session(api_base: &str, identity_url: &str) -> std::sync::Arc<qflow_core::ops::ctx::Ctx> {
    use qflow_core::ops::ctx::{Ctx, CtxParts, SignedIn, Silent, StoreLocation, SystemClock};
    use qflow_core::secrets::{Credentials, MemoryStore};
    use qflow_core::Secret;
    let client = qflow_core::session::client_for(
        api_base,
        identity_url,
        Credentials {
            client_id: qflow_sandbox::DEMO_CLIENT_ID.into(),
            username: qflow_sandbox::DEMO_USERNAME.into(),
            client_secret: Secret::new(qflow_sandbox::DEMO_CLIENT_SECRET),
            password: Secret::new(qflow_sandbox::DEMO_PASSWORD),
            client_key: Secret::new(qflow_sandbox::CLIENT_KEY),
        },
    )
    .unwrap();
    Ctx::new(CtxParts {
        info: SignedIn {
            profile: "default".into(),
            username: qflow_sandbox::DEMO_USERNAME.into(),
            api_base: api_base.into(),
            demo: false,
        },
        client,
        secrets: std::sync::Arc::new(MemoryStore::new()),
        store: StoreLocation::Memory,
        clock: std::sync::Arc::new(SystemClock),
        notifier: std::sync::Arc::new(Silent),
    })
}

#[test]
fn webhook_set_refuses_a_url_as_the_window_does() {
    use qflow_core::ops::webhooks::{webhook_set, WebhookSetRequest};
    let env = Env::start();
    // A Qflow that is not on this machine (nothing is sent to it: each case is refused first).
    let remote = "https://api.qflow.invalid";
    let local = env.sandbox.api_base();
    let cases = [
        // A sandbox here: http:// only to this computer.
        (local.as_str(), "http://hooks.example.com/qflow"),
        // Qflow's servers: https:// only, even to this computer.
        (remote, "http://hooks.example.com/qflow"),
        (remote, "http://127.0.0.1:8787/qflow"),
        (remote, "ftp://hooks.example.com/qflow"),
        (remote, "hooks.example.com/qflow"),
        // A private host it cannot reach: refused until confirmed.
        (remote, "https://10.1.2.3/qflow"),
    ];
    for (api_base, url) in cases {
        let window = env.rt.block_on(async {
            let cx = window_session(api_base, &env.sandbox.identity_url());
            let req = WebhookSetRequest {
                url: url.into(),
                confirm_private: false,
            };
            let e = webhook_set(&cx, req).await.unwrap_err().body();
            cx.close();
            e
        });
        let out = env.run_env(
            &["webhook", "set", url, "--json"],
            &[("QFLOW_API_BASE", api_base)],
        );
        assert_eq!(out.code, 2, "{url}: {out:?}");
        let cli = &out.json()["error"];
        assert_eq!(cli["code"], window.code.as_str(), "{url}");
        assert_eq!(cli["message"], window.message.as_str(), "{url}");
        assert_eq!(cli["field"], "url");
        assert!(
            out.stderr
                .starts_with(&format!("{}: {}\n", window.code, window.message)),
            "{}",
            out.stderr
        );
    }
    assert_eq!(env.sandbox.requests("POST", "/api/comms/webhook"), 0);

    // The private host's refusal names the CLI's confirmation; with it, the rule lets the URL
    // through (and the missing keychain stops the set before any request).
    let private = "https://10.1.2.3/qflow";
    let out = env.run_env(&["webhook", "set", private], &[("QFLOW_API_BASE", remote)]);
    assert!(out.stderr.contains("private or loopback"), "{}", out.stderr);
    assert!(out.stderr.contains("--allow-private"), "{}", out.stderr);
    let out = env.run_env(
        &["webhook", "set", private, "--allow-private"],
        &[("QFLOW_API_BASE", remote)],
    );
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stderr.starts_with("keychain_unavailable: "),
        "{}",
        out.stderr
    );
    let help = env.run(&["webhook", "set", "--help"]).ok();
    assert!(help.stdout.contains("--allow-private"), "{}", help.stdout);
}
