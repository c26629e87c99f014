//! The window's path: the app's JSON `dispatch`, as the UI calls each command.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use qflow_console::app::commands::dispatch;
use qflow_console::app::handlers::AppState;
use qflow_console::app::AppOptions;
use qflow_core::secrets::{MemoryStore, Secret, SecretKind, SecretStore};
use qflow_core::ErrorBody;
use serde_json::{json, Value};
use uuid::Uuid;

use crate::cli_common::Env;
use crate::faults::{check_honest, setup_client, Answer, Fault, Fixture, Op, Row};

/// The OS keychain, which the user can lock while the app runs (a test double: the product has
/// no fallback store).
#[derive(Default)]
struct Keychain {
    inner: MemoryStore,
    locked: AtomicBool,
}

impl Keychain {
    fn check(&self) -> qflow_core::Result<()> {
        if self.locked.load(Ordering::SeqCst) {
            // What the Secret Service answers when the unlock prompt is dismissed.
            return Err(qflow_core::Error::Keychain(
                "The keychain is locked or refused access (the unlock prompt was dismissed): unlock your keyring (gnome-keyring or KeePassXC) and try again".into(),
            ));
        }
        Ok(())
    }
}

impl SecretStore for Keychain {
    fn get(&self, profile: &str, kind: SecretKind) -> qflow_core::Result<Option<Secret>> {
        self.check()?;
        self.inner.get(profile, kind)
    }
    fn set(&self, profile: &str, kind: SecretKind, value: &Secret) -> qflow_core::Result<()> {
        self.check()?;
        self.inner.set(profile, kind, value)
    }
    fn delete(&self, profile: &str, kind: SecretKind) -> qflow_core::Result<()> {
        self.check()?;
        self.inner.delete(profile, kind)
    }
}

struct Window<'a> {
    env: &'a Env,
    st: AppState,
}

impl Window<'_> {
    fn call(&self, name: &str, req: Value) -> Result<Value, ErrorBody> {
        self.env.rt.block_on(dispatch(&self.st, name, req))
    }

    fn ok(&self, name: &str, req: Value) -> Value {
        self.call(name, req)
            .unwrap_or_else(|e| panic!("{name}: {e:?}"))
    }
}

fn answer(r: &Result<Value, ErrorBody>, done: impl Fn(&Value) -> String) -> Answer {
    match r {
        Ok(v) => Answer::Done(done(v)),
        Err(e) => Answer::from_error(&serde_json::to_value(e).unwrap()),
    }
}

const HOOK_URL: &str = "http://127.0.0.1:9/fault-hook";

pub fn run(op: Op, fault: Fault, env: &Env, fx: &Fixture) -> Row {
    let keychain = Arc::new(Keychain::default());
    let profile = format!("faults-{}", env.sandbox.addr().port());
    let st = AppState::new(
        &AppOptions {
            demo: false,
            profile: profile.clone(),
            api_base: Some(env.sandbox.api_base()),
            identity_url: Some(env.sandbox.identity_url()),
        },
        keychain.clone(),
    );
    let w = Window { env, st };
    let creds: std::collections::HashMap<_, _> = Env::credential_env().into_iter().collect();
    w.ok(
        "sign_in",
        json!({
            "profile": profile,
            "clientId": creds["QFLOW_CLIENT_ID"],
            "username": creds["QFLOW_USERNAME"],
            "password": creds["QFLOW_PASSWORD"],
            "clientSecret": creds["QFLOW_CLIENT_SECRET"],
            "clientKey": creds["QFLOW_CLIENT_KEY"],
        }),
    );
    setup(op, &w, fx);

    let (method, path) = op.endpoint(fx);
    let sb = &env.sandbox;
    let requests_before = sb.requests(method, &path);
    let emails_before = sb.sends().len();
    if fault == Fault::KeychainLocked {
        keychain.locked.store(true, Ordering::SeqCst);
    }
    // A bulk job's sign-in is revoked mid-run: after its first email.
    let mid_run =
        op == Op::BulkResend && matches!(fault, Fault::TokenRevoked | Fault::RefreshRevoked);
    if !mid_run {
        fault.apply(sb, method, &path);
    }
    let (seen, again) = perform(op, &w, fx, mid_run.then_some(fault));
    let row = Row {
        op,
        fault,
        requests: sb.requests(method, &path) - requests_before,
        emails: sb.sends().len() - emails_before,
        saw: seen.saw(),
        again,
    };
    check_honest(op, fault, &seen, row.emails);
    if fault == Fault::KeychainLocked && matches!(op, Op::WebhookSet | Op::WebhookRotate) {
        // Qflow shows a new secret once: it is not asked for one that could not be kept.
        assert_eq!(seen.code(), Some("keychain_unavailable"), "{}", seen.saw());
        assert_eq!(row.requests, 0);
    }
    row
}

/// What must hold before the operation (a domain to verify, a webhook to rotate, a draft).
fn setup(op: Op, w: &Window, fx: &Fixture) {
    let sb = &w.env.sandbox;
    let c = setup_client(sb);
    match op {
        Op::DomainCreate => w.env.rt.block_on(c.domain_delete()).unwrap(),
        Op::DomainVerify => sb.publish_dns(true),
        Op::DomainActivate => {
            sb.publish_dns(true);
            w.env.rt.block_on(c.domain_verify()).unwrap();
            w.env.rt.block_on(c.domain_deactivate()).unwrap();
        }
        Op::DomainDeactivate => {
            sb.publish_dns(true);
            w.env.rt.block_on(c.domain_verify()).unwrap();
        }
        Op::WebhookRotate | Op::WebhookTest | Op::WebhookDelete => {
            w.ok(
                "webhook_set",
                json!({"url": HOOK_URL, "confirmPrivate": true}),
            );
        }
        Op::TemplateSave => {
            // The studio keeps what is typed as a draft while the user edits.
            w.ok(
                "draft_save",
                json!({"templateId": template_id(fx), "eventId": fx.event, "original": null,
                       "fields": template_fields(fx)}),
            );
        }
        _ => {}
    }
}

/// The new template's id: the studio makes it once, for the draft and every save.
fn template_id(fx: &Fixture) -> Uuid {
    Uuid::from_u128(fx.event.as_u128() ^ 0x5eed)
}

fn template_fields(fx: &Fixture) -> Value {
    json!({"name": "Fault suite", "subject": "Hello {{firstname}}",
           "html": format!("<p>Typed by hand for {}</p>", fx.event),
           "fromAddress": "", "fromName": "", "replyTo": "", "attachPdf": false, "emailBody": ""})
}

/// Run the operation; the answer, and what the same click again (sends) did.
fn perform(op: Op, w: &Window, fx: &Fixture, mid_run: Option<Fault>) -> (Answer, String) {
    let c = setup_client(&w.env.sandbox);
    match op {
        Op::Resend => {
            let req = json!({"guestId": fx.guests[0], "templateId": fx.template, "confirmDuplicate": false});
            let first = answer(&w.call("resend", req.clone()), |v| {
                format!("sent ({})", v["status"].as_str().unwrap_or("?"))
            });
            let again = answer(&w.call("resend", req), |_| "sent again".into());
            (first, again.saw())
        }
        Op::AddSend => {
            let id = Uuid::from_u128(fx.event.as_u128() ^ 0xadd);
            let req = json!({"id": id, "eventId": fx.event, "firstName": "Ada", "lastName": "Fault",
                             "email": format!("ada.{}@example.com", &id.to_string()[..8]), "tags": "",
                             "templateId": fx.template, "keepEmail": true});
            let first = answer(&w.call("guest_add", req.clone()), |v| {
                format!("added, sent: {}", v["sent"])
            });
            // The form keeps what was typed and its id: adding again is the same attendee.
            let again = answer(&w.call("guest_add", req), |v| {
                format!("added again, sent: {}", v["sent"])
            });
            (first, again.saw())
        }
        Op::BulkResend => {
            let sel = json!({"eventId": fx.event, "guestIds": &fx.guests[..3],
                             "templateId": fx.template, "includeRecent": false});
            let first = match w.call("bulk_start", sel.clone()) {
                Ok(_) => {
                    if let Some(f) = mid_run {
                        let sb = &w.env.sandbox;
                        let deadline = Instant::now() + Duration::from_secs(20);
                        while sb.sends().is_empty() {
                            assert!(Instant::now() < deadline, "the job never sent");
                            std::thread::sleep(Duration::from_millis(20));
                        }
                        f.apply(sb, "POST", "/api/comms/send");
                    }
                    Answer::Done(wait_for_bulk(w))
                }
                Err(e) => Answer::from_error(&serde_json::to_value(&e).unwrap()),
            };
            if let Answer::Done(_) = first {
                let status = w.ok("bulk_status", json!(null));
                let counts = &status["progress"]["counts"];
                let (done, unknown) = (
                    counts["done"].as_u64().unwrap(),
                    counts["outcomeUnknown"].as_u64().unwrap(),
                );
                let emails = w.env.sandbox.sends().len() as u64;
                assert!(
                    emails >= done && emails <= done + unknown,
                    "{emails} emails for {done} sent and {unknown} unknown"
                );
            }
            let again = match w.call("bulk_start", sel) {
                Ok(_) => wait_for_bulk(w),
                Err(e) => format!("{}: {}", e.code, e.message),
            };
            (first, again)
        }
        Op::TemplateSave => {
            let tid = template_id(fx);
            let typed = template_fields(fx);
            let r = w.call(
                "template_save",
                json!({"eventId": fx.event, "templateId": tid, "original": null, "fields": typed}),
            );
            let drafts = w.ok("drafts_list", json!({"eventId": fx.event}));
            let draft = drafts
                .as_array()
                .unwrap()
                .iter()
                .find(|d| d["templateId"] == json!(tid));
            match &r {
                Ok(_) => {
                    let saved = w.env.rt.block_on(c.template_get(tid)).unwrap();
                    assert_eq!(saved.html, typed["html"].as_str().unwrap());
                    assert!(draft.is_none(), "saved: the draft goes");
                }
                // Nothing typed is lost: the draft is still there to save again.
                Err(_) => {
                    let d = draft.expect("the draft survives a failed save");
                    assert!(d["json"].to_string().contains("Typed by hand"), "{d}");
                }
            }
            let kept = if r.is_err() { "draft kept" } else { "" };
            (answer(&r, |_| "saved".into()), kept.into())
        }
        Op::DomainCreate => {
            let r = w.call("domain_create", json!({"domain": "faults.example.org"}));
            if r.is_ok() {
                let d = w.env.rt.block_on(c.domain_get()).unwrap();
                assert_eq!(d.domain, "faults.example.org");
            }
            (answer(&r, |_| "created".into()), String::new())
        }
        Op::DomainVerify | Op::DomainActivate | Op::DomainDeactivate => {
            let name = match op {
                Op::DomainVerify => "domain_verify",
                Op::DomainActivate => "domain_activate",
                _ => "domain_deactivate",
            };
            let r = w.call(name, json!(null));
            if r.is_ok() {
                let d = w.env.rt.block_on(c.domain_get()).unwrap();
                assert_eq!(d.enabled, op != Op::DomainDeactivate, "{name}");
            }
            (answer(&r, short_message), String::new())
        }
        Op::DomainDelete => {
            let r = w.call("domain_delete", json!(null));
            if r.is_ok() {
                let gone = w.env.rt.block_on(c.domain_get()).unwrap_err();
                assert!(matches!(gone, qflow_core::Error::Api(ref a) if a.status == 404));
            }
            (answer(&r, |_| "deleted".into()), String::new())
        }
        Op::WebhookSet | Op::WebhookRotate | Op::WebhookTest | Op::WebhookDelete => {
            let (name, req) = match op {
                Op::WebhookSet => (
                    "webhook_set",
                    json!({"url": HOOK_URL, "confirmPrivate": true}),
                ),
                Op::WebhookRotate => ("webhook_rotate", json!(null)),
                Op::WebhookTest => ("webhook_test", json!(null)),
                _ => ("webhook_delete", json!(null)),
            };
            let r = w.call(name, req);
            if let Ok(v) = &r {
                let expect_url = (op != Op::WebhookDelete).then_some(HOOK_URL);
                assert_eq!(v["url"].as_str(), expect_url, "{v}");
                assert_eq!(v["secretStored"], json!(op != Op::WebhookDelete), "{v}");
            }
            (answer(&r, short_message), String::new())
        }
        _ => unreachable!("CLI operations run in cli.rs"),
    }
}

fn short_message(v: &Value) -> String {
    let m = v["message"].as_str().unwrap_or("done");
    m.split(['.', ':']).next().unwrap_or(m).to_owned()
}

/// Poll the bulk job as the window does until it stops; a paused job is cancelled (the user
/// would see why it paused and decide).
fn wait_for_bulk(w: &Window) -> String {
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let s = w.ok("bulk_status", json!(null));
        let p = &s["progress"];
        let state = p["state"].as_str().unwrap_or_default().to_owned();
        if matches!(
            state.as_str(),
            "finished" | "paused" | "interrupted" | "cancelled"
        ) {
            let c = &p["counts"];
            let note = p["note"]
                .as_str()
                .map(|n| format!(" ({n})"))
                .unwrap_or_default();
            if state == "paused" {
                w.ok("bulk_cancel", json!(null));
            }
            return format!(
                "{state}: {} sent, {} outcome unknown, {} failed{note}",
                c["done"], c["outcomeUnknown"], c["failed"]
            );
        }
        assert!(Instant::now() < deadline, "bulk job stuck: {s}");
        std::thread::sleep(Duration::from_millis(200));
    }
}
