//! The CLI's path: the real binary, credentials in the environment (or, for the locked
//! keychain, only in a keychain that cannot be read).

use serde_json::Value;

use crate::cli_common::{run_command, Env, Out};
use crate::faults::{check_honest, setup_client, Answer, Fault, Fixture, Op, Row, TIMEOUT_SECS};

fn run_cli(env: &Env, keychain_locked: bool, args: &[&str]) -> Out {
    let mut all = args.to_vec();
    all.push("--json");
    let mut c = if keychain_locked {
        // No credential variables: the profile's secrets would come from the keychain, which
        // cannot be read here.
        env.bare_command(&all)
    } else {
        env.command(&all)
    };
    c.env("QFLOW_HTTP_TIMEOUT_SECS", TIMEOUT_SECS.to_string());
    run_command(c, None)
}

fn answer(out: &Out, done: impl Fn(&Value) -> String) -> Answer {
    if out.code == 0 {
        return Answer::Done(done(
            &serde_json::from_str(&out.stdout).unwrap_or(Value::Null),
        ));
    }
    let v: Value = serde_json::from_str(&out.stdout)
        .or_else(|_| serde_json::from_str(&out.stderr))
        .unwrap_or_else(|e| panic!("no JSON error ({e}): {out:?}"));
    Answer::from_error(v.get("error").unwrap_or(&v))
}

pub fn run(op: Op, fault: Fault, env: &Env, fx: &Fixture) -> Row {
    let (method, path) = op.endpoint(fx);
    let sb = &env.sandbox;
    let (event, template, guest) = (
        fx.event.to_string(),
        fx.template.to_string(),
        fx.guests[0].to_string(),
    );
    let csv = env.write(
        "five.csv",
        &(0..5).fold(String::from("firstName,lastName,email,tags\n"), |s, i| {
            s + &format!("Row{i},Import,row{i}.{}@example.com,\n", &event[..8])
        }),
    );
    let args: Vec<&str> = match op {
        Op::CliResend => vec!["guest", "resend", &guest, "--template", &template],
        Op::CliAddSend => vec![
            "guest",
            "add",
            &event,
            "--first-name",
            "Ada",
            "--last-name",
            "Fault",
            "--email",
            "ada.cli@example.com",
            "--template",
            &template,
        ],
        Op::CliImport => vec!["guests", "import", &event, &csv],
        _ => unreachable!("window operations run in window.rs"),
    };
    if fault == Fault::KeychainLocked {
        // A saved sign-in whose secrets are in a keychain that cannot be opened.
        qflow_core::profiles::Profiles::in_dir(env.data.path())
            .upsert(qflow_core::profiles::Profile {
                name: "default".into(),
                api_base: sb.api_base(),
                identity_url: sb.identity_url(),
                client_id: qflow_sandbox::DEMO_CLIENT_ID.into(),
                username: qflow_sandbox::DEMO_USERNAME.into(),
            })
            .unwrap();
    }
    let requests_before = sb.requests(method, &path);
    let emails_before = sb.sends().len();
    fault.apply(sb, method, &path);
    let locked = fault == Fault::KeychainLocked;
    let out = run_cli(env, locked, &args);
    let seen = answer(&out, |v| match op {
        Op::CliImport => format!("imported {}", v["created"]),
        Op::CliAddSend => "added and sent".into(),
        _ => format!("sent ({})", v["status"].as_str().unwrap_or("?")),
    });
    let requests = sb.requests(method, &path) - requests_before;
    let emails = sb.sends().len() - emails_before;
    check_honest(op, fault, &seen, emails);
    if fault == Fault::KeychainLocked {
        assert_eq!(seen.code(), Some("keychain_unavailable"), "{out:?}");
        assert_eq!(requests, 0, "nothing is asked of Qflow without credentials");
    }

    // The same command again, as a user would after reading the answer. `guest add` makes a
    // new attendee each run, so it is not a repeat of the same click.
    let again = match op {
        Op::CliResend => answer(&run_cli(env, locked, &args), |_| "sent again".into()).saw(),
        Op::CliImport => {
            let out = run_cli(env, false, &args);
            let again = answer(&out, |v| {
                format!(
                    "re-run: {} created, {} already imported",
                    v["created"], v["alreadyImported"]
                )
            });
            // Each row created exactly once, whatever the first run went through.
            let c = setup_client(sb);
            let guests = env.rt.block_on(c.guests_list(fx.event)).unwrap();
            for i in 0..5 {
                let email = format!("row{i}.{}@example.com", &event[..8]);
                let n = guests.iter().filter(|g| g.email == email).count();
                assert_eq!(n, 1, "{email} imported {n} times");
            }
            again.saw()
        }
        _ => String::new(),
    };
    Row {
        op,
        fault,
        requests,
        emails,
        saw: seen.saw(),
        again,
    }
}
