//! Saved profiles and the sign-in errors, through the app's handlers against the sandbox with an
//! in-memory keychain. One test: the profile file lives in `QFLOW_DATA_DIR`, which is set once
//! for this process (its own test binary, so no other test reads it meanwhile).

use std::collections::HashSet;
use std::sync::Arc;

use qflow_console::app::handlers as profiles;
use qflow_console::app::handlers::{self, AppState};
use qflow_console::app::AppOptions;
use qflow_core::api::{Client, ClientConfig};
use qflow_core::models::SendRequest;
use qflow_core::ops::account::SignInRequest;
use qflow_core::ops::account::{ProfileEntry, ProfileNameRequest};
use qflow_core::secrets::{Credentials, MemoryStore, SecretKind, SharedSecretStore};
use qflow_core::{ErrorBody, Secret};
use qflow_sandbox::{Sandbox, SandboxConfig};
use uuid::Uuid;

fn request(
    sb: &Sandbox,
    profile: &str,
    username: &str,
    password: &str,
    key: &str,
) -> SignInRequest {
    SignInRequest {
        profile: profile.into(),
        api_base: Some(sb.api_base()),
        identity_url: Some(sb.identity_url()),
        client_id: qflow_sandbox::DEMO_CLIENT_ID.into(),
        username: username.into(),
        password: Secret::new(password),
        client_secret: Secret::new(qflow_sandbox::DEMO_CLIENT_SECRET),
        client_key: Secret::new(key),
    }
}

fn client(sb: &Sandbox, username: &str) -> Client {
    Client::new(ClientConfig {
        api_base: sb.api_base(),
        identity_url: sb.identity_url(),
        credentials: Credentials {
            client_id: qflow_sandbox::DEMO_CLIENT_ID.into(),
            username: username.into(),
            client_secret: Secret::new(qflow_sandbox::DEMO_CLIENT_SECRET),
            password: Secret::new(qflow_sandbox::DEMO_PASSWORD),
            client_key: Secret::new(qflow_sandbox::CLIENT_KEY),
        },
        budget: None,
        connect_timeout: std::time::Duration::from_secs(5),
        total_timeout: std::time::Duration::from_secs(10),
    })
    .unwrap()
}

fn names(list: &[ProfileEntry]) -> Vec<(String, bool, bool)> {
    list.iter()
        .map(|p| (p.name.clone(), p.has_secrets, p.current))
        .collect()
}

fn by_name(name: &str) -> ProfileNameRequest {
    ProfileNameRequest { name: name.into() }
}

#[tokio::test]
async fn profiles_switch_without_typing_and_sign_in_errors_are_distinct() {
    let data = tempfile::tempdir().unwrap();
    std::env::set_var("QFLOW_DATA_DIR", data.path());
    for v in [
        "QFLOW_CLIENT_ID",
        "QFLOW_CLIENT_SECRET",
        "QFLOW_USERNAME",
        "QFLOW_PASSWORD",
        "QFLOW_CLIENT_KEY",
    ] {
        std::env::remove_var(v);
    }
    let sb = Sandbox::start(SandboxConfig {
        seed_data: false,
        ..SandboxConfig::default()
    })
    .await
    .unwrap();
    let mem = Arc::new(MemoryStore::new());
    let store: SharedSecretStore = mem.clone();
    let opts = AppOptions {
        demo: false,
        profile: "default".into(),
        api_base: None,
        identity_url: None,
    };
    let st = AppState::new(&opts, store);
    let demo = qflow_sandbox::DEMO_USERNAME;
    let key = qflow_sandbox::CLIENT_KEY;
    let pw = qflow_sandbox::DEMO_PASSWORD;

    // ---- Distinct, plain errors; nothing stored on any of them.
    let mut bodies: Vec<ErrorBody> = Vec::new();
    let wrong_pw = handlers::sign_in(&st, request(&sb, "Production", demo, "nope", key))
        .await
        .unwrap_err()
        .body();
    assert_eq!(wrong_pw.code, "sign_in_failed");
    assert!(
        wrong_pw.message.to_lowercase().contains("password"),
        "{}",
        wrong_pw.message
    );
    bodies.push(wrong_pw);
    let wrong_key = handlers::sign_in(&st, request(&sb, "Production", demo, pw, "0000"))
        .await
        .unwrap_err()
        .body();
    assert_eq!(wrong_key.code, "client_key_invalid");
    assert!(
        wrong_key.message.contains("Client-Key"),
        "{}",
        wrong_key.message
    );
    bodies.push(wrong_key);
    let mut offline = request(&sb, "Production", demo, pw, key);
    offline.identity_url = Some("http://127.0.0.1:9/core/connect/token".into());
    let offline = handlers::sign_in(&st, offline).await.unwrap_err().body();
    assert_eq!(offline.code, "network_unreachable");
    bodies.push(offline);
    assert!(mem.is_empty(), "a refused sign-in stores nothing");
    assert!(profiles::profiles_list(&st).await.unwrap().is_empty());

    // The two 403 gates come from comms calls of accounts that can sign in.
    let no_api = client(&sb, qflow_sandbox::NO_COMMS_API_USERNAME)
        .templates_list(Uuid::new_v4())
        .await
        .unwrap_err()
        .body();
    assert_eq!(no_api.code, "comms_api_not_enabled");
    bodies.push(no_api);
    let send = SendRequest {
        attendee_id: Uuid::new_v4(),
        template_id: Uuid::new_v4(),
        correlation_id: None,
    };
    let no_kyc = client(&sb, qflow_sandbox::NO_KYC_USERNAME)
        .send(&send)
        .await
        .unwrap_err()
        .body();
    assert_eq!(no_kyc.code, "trust_required");
    bodies.push(no_kyc);
    let messages: HashSet<&str> = bodies.iter().map(|b| b.message.as_str()).collect();
    assert_eq!(messages.len(), 5, "{bodies:#?}");
    for b in &bodies {
        assert!(
            !b.message.contains('{'),
            "plain words, not JSON: {}",
            b.message
        );
        assert!(!b.next_step.is_empty(), "says what to do next: {b:?}");
    }
    // A gated account still signs in: the gate is about the account, not the credentials.
    handlers::sign_in(
        &st,
        request(
            &sb,
            "NoComms",
            qflow_sandbox::NO_COMMS_API_USERNAME,
            pw,
            key,
        ),
    )
    .await
    .unwrap();
    profiles::profile_forget(&st, by_name("NoComms"))
        .await
        .unwrap();
    assert!(mem.is_empty());

    // ---- Two saved profiles; switching needs no typing.
    handlers::sign_in(&st, request(&sb, "Production", demo, pw, key))
        .await
        .unwrap();
    let other = qflow_sandbox::OTHER_USERNAME;
    handlers::sign_in(&st, request(&sb, "Staging", other, pw, key))
        .await
        .unwrap();
    let list = profiles::profiles_list(&st).await.unwrap();
    assert_eq!(
        names(&list),
        [
            ("Production".into(), true, false),
            ("Staging".into(), true, true)
        ]
    );
    assert!(list[1].last_used);
    assert_eq!(list[0].username, demo);

    let who = profiles::profile_sign_in(&st, by_name("Production"))
        .await
        .unwrap();
    assert_eq!(
        (who.profile.as_str(), who.username.as_str()),
        ("Production", demo)
    );
    assert!(!who.demo);
    let list = profiles::profiles_list(&st).await.unwrap();
    assert!(list[0].current && list[0].last_used && !list[1].current);

    // ---- Sign out removes this profile's secrets only; it can no longer sign in untyped.
    handlers::sign_out(&st).await.unwrap();
    let list = profiles::profiles_list(&st).await.unwrap();
    assert_eq!(
        names(&list),
        [
            ("Production".into(), false, false),
            ("Staging".into(), true, false)
        ]
    );
    let e = profiles::profile_sign_in(&st, by_name("Production"))
        .await
        .unwrap_err()
        .body();
    assert_eq!(e.code, "not_signed_in");
    assert!(e.message.contains("Production"), "{}", e.message);
    assert!(handlers::app_info(&st).await.unwrap().signed_in.is_none());

    // A profile that cannot sign in leaves the current session as it was.
    profiles::profile_sign_in(&st, by_name("Staging"))
        .await
        .unwrap();
    let e = profiles::profile_sign_in(&st, by_name("Nobody"))
        .await
        .unwrap_err();
    assert_eq!(e.code(), "not_signed_in");
    let still = handlers::app_info(&st).await.unwrap().signed_in.unwrap();
    assert_eq!(still.profile, "Staging");

    // ---- Forget the current profile: signed out, secrets and settings gone.
    profiles::profile_forget(&st, by_name("Staging"))
        .await
        .unwrap();
    assert!(handlers::app_info(&st).await.unwrap().signed_in.is_none());
    let list = profiles::profiles_list(&st).await.unwrap();
    assert_eq!(names(&list), [("Production".into(), false, false)]);
    assert!(mem.is_empty(), "no secret of any profile is left");
    let file = std::fs::read_to_string(data.path().join("profiles.json")).unwrap();
    assert!(
        !file.contains(pw) && !file.contains(key),
        "no secret in the profile file"
    );

    forget_during_sign_in_leaves_nothing(&sb).await;
    sb.shutdown().await;
}

/// A keychain whose writes take a while, as gnome-keyring's can.
struct SlowKeychain(MemoryStore);

impl qflow_core::secrets::SecretStore for SlowKeychain {
    fn get(&self, p: &str, k: SecretKind) -> qflow_core::Result<Option<Secret>> {
        self.0.get(p, k)
    }
    fn set(&self, p: &str, k: SecretKind, v: &Secret) -> qflow_core::Result<()> {
        std::thread::sleep(std::time::Duration::from_millis(150));
        self.0.set(p, k, v)
    }
    fn delete(&self, p: &str, k: SecretKind) -> qflow_core::Result<()> {
        self.0.delete(p, k)
    }
}

/// "Sign out and forget" clicked while a sign-in is still saving its secrets: the forget waits
/// for the sign-in, then removes everything; the next start has nothing to resume.
async fn forget_during_sign_in_leaves_nothing(sb: &Sandbox) {
    let slow = Arc::new(SlowKeychain(MemoryStore::new()));
    let store: SharedSecretStore = slow.clone();
    let opts = AppOptions {
        demo: false,
        profile: "Racer".into(),
        api_base: None,
        identity_url: None,
    };
    let st = AppState::new(&opts, store);
    let req = request(
        sb,
        "Racer",
        qflow_sandbox::OTHER_USERNAME,
        qflow_sandbox::DEMO_PASSWORD,
        qflow_sandbox::CLIENT_KEY,
    );
    let (signed_in, forgot) = tokio::join!(handlers::sign_in(&st, req), async {
        // The sign-in has proved the password and is writing the keychain by now.
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        profiles::profile_forget(&st, by_name("Racer")).await
    });
    signed_in.unwrap();
    forgot.unwrap();
    assert!(
        slow.0.is_empty(),
        "no secret of the forgotten profile is left"
    );
    assert!(handlers::app_info(&st).await.unwrap().signed_in.is_none());
    let list = profiles::profiles_list(&st).await.unwrap();
    assert!(list.iter().all(|p| p.name != "Racer"), "{list:?}");
    assert_eq!(handlers::resume(&st).await.unwrap(), None);
}
