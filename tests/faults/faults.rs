//! The matrix: faults, operations, one case's row, the honesty checks every case shares.

use std::collections::HashMap;
use std::time::Duration;

use chrono::{Days, Utc};
use qflow_core::api::{Budget, Client, ClientConfig};
use qflow_sandbox::{FaultKind, Sandbox, SandboxConfig};
use uuid::Uuid;

use crate::cli_common::Env;

/// The client's request timeout in this suite (`QFLOW_HTTP_TIMEOUT_SECS`).
pub const TIMEOUT_SECS: u64 = 3;
/// The slow answer: past the timeout.
const SLOW_MS: u64 = 4_500;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    DropBefore,
    DropAfter,
    Edge429,
    App429,
    S500,
    S502,
    S503,
    Slow,
    Malformed,
    TokenRevoked,
    RefreshRevoked,
    KeychainLocked,
}

impl Fault {
    pub const ALL: [Fault; 12] = [
        Fault::DropBefore,
        Fault::DropAfter,
        Fault::Edge429,
        Fault::App429,
        Fault::S500,
        Fault::S502,
        Fault::S503,
        Fault::Slow,
        Fault::Malformed,
        Fault::TokenRevoked,
        Fault::RefreshRevoked,
        Fault::KeychainLocked,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Fault::DropBefore => "dropped before processing",
            Fault::DropAfter => "dropped after processing",
            Fault::Edge429 => "429 edge (HTML)",
            Fault::App429 => "429 in-app (rate_limit)",
            Fault::S500 => "500",
            Fault::S502 => "502",
            Fault::S503 => "503",
            Fault::Slow => "answer past the timeout",
            Fault::Malformed => "2xx cut short",
            Fault::TokenRevoked => "access token revoked",
            Fault::RefreshRevoked => "refresh token revoked too",
            Fault::KeychainLocked => "keychain locked",
        }
    }

    /// Make the fault happen at the sandbox for the next `method path…` request (the keychain is
    /// the caller's: see window.rs and cli.rs).
    pub fn apply(self, sb: &Sandbox, method: &str, path: &str) {
        let status = |status: u16, body: &str, retry_after: Option<u64>| FaultKind::Status {
            status,
            body: body.into(),
            retry_after,
        };
        let kind = match self {
            Fault::DropBefore => FaultKind::DropBeforeRead,
            Fault::DropAfter => FaultKind::DropAfterRead,
            Fault::Edge429 => status(
                429,
                "<!DOCTYPE html><html><body><h1>Error 1015</h1><h2>You are being rate limited</h2></body></html>",
                Some(1),
            ),
            Fault::App429 => status(
                429,
                r#"{"error":"rate_limit","message":"Rate limit exceeded: 60 requests per minute per user. Retry after 1 seconds."}"#,
                Some(1),
            ),
            Fault::S500 => status(
                500,
                r#"{"error":"internal_error","message":"An unexpected error occurred."}"#,
                None,
            ),
            Fault::S502 => status(502, "<html><body>502 Bad Gateway</body></html>", None),
            Fault::S503 => status(503, "Service Unavailable", Some(1)),
            Fault::Slow => FaultKind::Delay { ms: SLOW_MS },
            Fault::Malformed => FaultKind::MalformedJson,
            Fault::TokenRevoked => return sb.expire_all_tokens(),
            Fault::RefreshRevoked => return sb.revoke_all_tokens(),
            Fault::KeychainLocked => return,
        };
        sb.inject(qflow_sandbox::Fault {
            method: method.into(),
            path_prefix: path.into(),
            kind,
        });
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Resend,
    AddSend,
    BulkResend,
    TemplateSave,
    DomainCreate,
    DomainVerify,
    DomainActivate,
    DomainDeactivate,
    DomainDelete,
    WebhookSet,
    WebhookRotate,
    WebhookTest,
    WebhookDelete,
    CliResend,
    CliAddSend,
    CliImport,
}

impl Op {
    pub const ALL: [Op; 16] = [
        Op::Resend,
        Op::CliResend,
        Op::AddSend,
        Op::CliAddSend,
        Op::BulkResend,
        Op::CliImport,
        Op::TemplateSave,
        Op::DomainCreate,
        Op::DomainVerify,
        Op::DomainActivate,
        Op::DomainDeactivate,
        Op::DomainDelete,
        Op::WebhookSet,
        Op::WebhookRotate,
        Op::WebhookTest,
        Op::WebhookDelete,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Op::Resend => "desk resend (window)",
            Op::CliResend => "guest resend (CLI)",
            Op::AddSend => "add with send (window)",
            Op::CliAddSend => "guest add --template (CLI)",
            Op::BulkResend => "resend to 3 selected (window)",
            Op::CliImport => "guests import, 5 rows (CLI)",
            Op::TemplateSave => "template save (window)",
            Op::DomainCreate => "domain create (window)",
            Op::DomainVerify => "domain verify (window)",
            Op::DomainActivate => "domain activate (window)",
            Op::DomainDeactivate => "domain deactivate (window)",
            Op::DomainDelete => "domain delete (window)",
            Op::WebhookSet => "webhook set (window)",
            Op::WebhookRotate => "webhook rotate (window)",
            Op::WebhookTest => "webhook test (window)",
            Op::WebhookDelete => "webhook delete (window)",
        }
    }

    pub fn is_cli(self) -> bool {
        matches!(self, Op::CliResend | Op::CliAddSend | Op::CliImport)
    }

    /// The request the fault hits (and whose count the row reports).
    pub fn endpoint(self, fx: &Fixture) -> (&'static str, String) {
        let path = match self {
            Op::Resend | Op::CliResend | Op::BulkResend => "/api/comms/send".to_owned(),
            Op::AddSend | Op::CliAddSend => "/api/guest".to_owned(),
            Op::CliImport => format!("/api/guests/{}", fx.event),
            Op::TemplateSave => "/api/comms/template".to_owned(),
            Op::DomainCreate => "/api/comms/domain".to_owned(),
            Op::DomainVerify => "/api/comms/domain/verify".to_owned(),
            Op::DomainActivate => "/api/comms/domain/activate".to_owned(),
            Op::DomainDeactivate => "/api/comms/domain/deactivate".to_owned(),
            Op::DomainDelete => "/api/comms/domain/delete".to_owned(),
            Op::WebhookSet => "/api/comms/webhook".to_owned(),
            Op::WebhookRotate => "/api/comms/webhook/rotate".to_owned(),
            Op::WebhookTest => "/api/comms/webhook/test".to_owned(),
            Op::WebhookDelete => "/api/comms/webhook/delete".to_owned(),
        };
        ("POST", path)
    }

    /// Emails one click may queue.
    pub fn emails_per_click(self) -> usize {
        match self {
            Op::Resend | Op::CliResend | Op::AddSend | Op::CliAddSend => 1,
            Op::BulkResend => 3,
            _ => 0,
        }
    }
}

/// What the user was told.
#[derive(Clone, Debug)]
pub enum Answer {
    Done(String),
    Error {
        code: String,
        message: String,
        next_step: String,
    },
}

impl Answer {
    pub fn from_error(v: &serde_json::Value) -> Answer {
        let s = |k: &str| v[k].as_str().unwrap_or_default().to_owned();
        Answer::Error {
            code: s("code"),
            message: s("message"),
            next_step: s("nextStep"),
        }
    }

    pub fn code(&self) -> Option<&str> {
        match self {
            Answer::Done(_) => None,
            Answer::Error { code, .. } => Some(code),
        }
    }

    pub fn saw(&self) -> String {
        match self {
            Answer::Done(what) => what.clone(),
            Answer::Error {
                code,
                message,
                next_step,
            } => format!("{code}: {} → {}", short(message, 60), short(next_step, 70)),
        }
    }
}

fn short(s: &str, n: usize) -> String {
    let mut out: String = s.chars().take(n).collect();
    if s.chars().count() > n {
        out.push('…');
    }
    out.replace('|', "/")
}

pub struct Row {
    pub op: Op,
    pub fault: Fault,
    /// Requests at the fault's endpoint during the operation (retries included).
    pub requests: usize,
    /// Emails queued by the operation.
    pub emails: usize,
    pub saw: String,
    /// The same click again right after (sends), or the re-run (import).
    pub again: String,
}

/// The seeded data a case works on: an upcoming event, ordinary attendees, a template.
pub struct Fixture {
    pub event: Uuid,
    pub template: Uuid,
    pub guests: Vec<Uuid>,
}

/// A client of its own (own budget) for setting up and reading back.
pub fn setup_client(sb: &Sandbox) -> Client {
    Client::new(ClientConfig {
        api_base: sb.api_base(),
        identity_url: sb.identity_url(),
        credentials: qflow_console::app::handlers::demo_credentials(),
        budget: Some(Budget::new(6000)),
        connect_timeout: Duration::from_secs(5),
        total_timeout: Duration::from_secs(20),
    })
    .unwrap()
}

fn fixture(env: &Env) -> Fixture {
    let c = setup_client(&env.sandbox);
    env.rt.block_on(async {
        let now = Utc::now().naive_utc();
        let events = c
            .events_list(now - Days::new(60), now + Days::new(200))
            .await
            .unwrap();
        // The upcoming event with the most attendees a send reaches normally.
        let mut best: Option<(Uuid, Vec<Uuid>)> = None;
        for e in events.iter().filter(|e| e.start_time > now) {
            let id = e.id.unwrap();
            let guests: Vec<Uuid> = c
                .guests_list(id)
                .await
                .unwrap()
                .into_iter()
                .filter(|g| ordinary(&g.email))
                .map(|g| g.id)
                .collect();
            if best.as_ref().is_none_or(|(_, b)| guests.len() > b.len()) {
                best = Some((id, guests));
            }
        }
        let (event, guests) = best.expect("an upcoming event");
        assert!(guests.len() >= 3, "seeded attendees: {}", guests.len());
        let template = c.templates_list(event).await.unwrap()[0].id;
        Fixture {
            event,
            template,
            guests,
        }
    })
}

/// An address the sandbox delivers to normally (not suppressed, no simulated bounce).
fn ordinary(email: &str) -> bool {
    let special = [
        qflow_sandbox::BOUNCE_DOMAIN,
        qflow_sandbox::SPAM_DOMAIN,
        qflow_sandbox::UNSUBSCRIBE_DOMAIN,
        qflow_sandbox::FAIL_DOMAIN,
    ];
    email.contains('@')
        && email != qflow_sandbox::SUPPRESSED_EMAIL
        && !special.iter().any(|d| email.ends_with(d))
}

pub fn run_case(op: Op, fault: Fault, seed: u64) -> Row {
    let env = Env::with_config(SandboxConfig {
        attendees: 60,
        rate_limits: false,
        delivery_scale: 0.05,
        rng_seed: seed,
        ..SandboxConfig::default()
    });
    let fx = fixture(&env);
    let row = if op.is_cli() {
        crate::cli::run(op, fault, &env, &fx)
    } else {
        crate::window::run(op, fault, &env, &fx)
    };
    // Never two emails to one person for one click, the second click included.
    let mut per_attendee: HashMap<Uuid, usize> = HashMap::new();
    for s in env.sandbox.sends() {
        *per_attendee.entry(s.attendee_id).or_default() += 1;
    }
    for (who, n) in per_attendee {
        assert!(n <= 1, "{n} emails to {who}");
    }
    row
}

/// What every case must show, given the operation's answer and what reached Qflow.
pub fn check_honest(op: Op, fault: Fault, answer: &Answer, emails: usize) {
    let case = format!("{} × {}", op.label(), fault.label());
    assert!(
        emails <= op.emails_per_click(),
        "{case}: {emails} emails for one click"
    );
    match answer {
        Answer::Done(_) => {
            if op != Op::BulkResend {
                assert_eq!(emails, op.emails_per_click(), "{case}: done, so sent");
            }
        }
        Answer::Error {
            code,
            message,
            next_step,
        } if code == "outcome_unknown" => {
            let advice = next_step.to_lowercase();
            assert!(
                !advice.contains("try again"),
                "{case}: an unknown outcome must not advise a plain retry: {next_step}"
            );
            if op.emails_per_click() > 0 {
                assert!(
                    next_step.starts_with("Do not"),
                    "{case}: check before sending again: {next_step}"
                );
            }
            assert!(message.contains("may have"), "{case}: {message}");
        }
        Answer::Error { code, message, .. } => {
            // A refusal or a failure says nothing was sent: it must be true.
            assert_eq!(emails, 0, "{case}: '{code}: {message}' but {emails} sent");
        }
    }
}

pub fn table<'a>(rows: impl Iterator<Item = &'a Row>) -> String {
    let mut out = String::from(
        "| operation | fault | requests | emails | what the user saw | clicked again / re-run |\n|---|---|---:|---:|---|---|\n",
    );
    for r in rows {
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} |\n",
            r.op.label(),
            r.fault.label(),
            r.requests,
            r.emails,
            r.saw,
            r.again
        ));
    }
    out
}
