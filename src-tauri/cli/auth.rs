//! `login`, `logout`. Secrets are read without echo (or from stdin with `--stdin`), never from
//! argv, and go only to the keychain.

use clap::Args;
use qflow_core::ops::account;
use qflow_core::profiles::Profiles;
use qflow_core::secrets::{self, Credentials, Secret, SecretKind};
use qflow_core::{session, Error, Result};
use serde_json::json;
use std::io::BufRead;

use super::output;
use super::Ctx;

#[derive(Args, Debug)]
pub struct LoginArgs {
    /// Qflow username [default: the profile's saved one, else asked].
    #[arg(long, value_name = "U")]
    pub username: Option<String>,
    /// OAuth client id from Qflow support [default: the profile's saved one, else asked].
    #[arg(long, value_name = "ID")]
    pub client_id: Option<String>,
    /// Read the password, client secret and client key from stdin, one per line, in that order.
    #[arg(long)]
    pub stdin: bool,
}

pub async fn login(args: &LoginArgs, ctx: &Ctx) -> Result<i32> {
    qflow_core::profiles::validate_profile_name(&ctx.target.profile)?;
    let saved = Profiles::open_default()?.get(&ctx.target.profile)?;
    let username = non_secret(
        args.username.clone(),
        saved.as_ref().map(|p| p.username.clone()),
        "username",
        "Username",
        args.stdin,
    )?;
    let client_id = non_secret(
        args.client_id.clone(),
        saved.as_ref().map(|p| p.client_id.clone()),
        "client-id",
        "Client id",
        args.stdin,
    )?;
    // Before asking for secrets: is there anywhere to keep them?
    secrets::get_secret(ctx.secrets(), &ctx.target.profile, SecretKind::Password).await?;
    let from_stdin = args.stdin;
    let [password, client_secret, client_key] =
        tokio::task::spawn_blocking(move || read_secrets(from_stdin))
            .await
            .map_err(|e| Error::invalid("stdin", format!("could not read the secrets: {e}")))??;
    let creds = Credentials {
        client_id,
        username,
        client_secret,
        password,
        client_key,
    };
    let profile = session::login(&ctx.target, creds, ctx.secrets()).await?;
    if ctx.json {
        output::print_json(&json!({
            "profile": profile.name, "username": profile.username, "clientId": profile.client_id,
            "apiBase": profile.api_base, "identityUrl": profile.identity_url,
        }));
    } else {
        output::print_fields(&[
            ("profile", profile.name.clone()),
            ("username", profile.username.clone()),
            ("api-base", profile.api_base.clone()),
        ]);
        output::note(
            "Signed in. The password, client secret and client key are saved in the keychain.",
        );
    }
    Ok(0)
}

#[derive(clap::Subcommand, Debug)]
pub enum ProfilesCmd {
    /// List the saved profiles (name, username, API base, whether the keychain has the secrets).
    List,
}

#[derive(clap::Subcommand, Debug)]
pub enum ProfileCmd {
    /// Forget a profile: its secrets leave the keychain and its settings the profile file.
    Forget { name: String },
}

pub async fn run_profiles(cmd: &ProfilesCmd, ctx: &Ctx) -> Result<i32> {
    match cmd {
        ProfilesCmd::List => {
            let list = account::profiles_list(ctx.secrets(), None).await?;
            if ctx.json {
                output::print_json(
                    &serde_json::to_value(&list)
                        .map_err(|e| Error::internal(format!("encoding the profile list: {e}")))?,
                );
                return Ok(0);
            }
            let mut t =
                output::Table::new(&["name", "username", "api base", "secrets", "last used"]);
            for p in &list {
                t.row(vec![
                    p.name.clone(),
                    p.username.clone(),
                    p.api_base.clone(),
                    if p.has_secrets { "saved" } else { "missing" }.into(),
                    if p.last_used { "yes" } else { "" }.into(),
                ]);
            }
            t.print();
            Ok(0)
        }
    }
}

pub async fn run_profile(cmd: &ProfileCmd, ctx: &Ctx) -> Result<i32> {
    match cmd {
        ProfileCmd::Forget { name } => {
            account::forget(
                account::ProfileNameRequest { name: name.clone() },
                ctx.secrets(),
            )
            .await?;
            if ctx.json {
                output::print_json(&json!({ "profile": name.trim(), "forgotten": true }));
            } else {
                output::note(format!(
                    "Forgot profile '{}': its secrets left the keychain and its settings the profile file.",
                    name.trim()
                ));
            }
            Ok(0)
        }
    }
}

pub async fn logout(ctx: &Ctx) -> Result<i32> {
    session::logout(&ctx.target.profile, ctx.secrets()).await?;
    if ctx.json {
        output::print_json(&json!({ "profile": ctx.target.profile, "signedOut": true }));
    } else {
        output::note(format!(
            "Removed the secrets of profile '{}' from the keychain.",
            ctx.target.profile
        ));
    }
    Ok(0)
}

fn non_secret(
    given: Option<String>,
    saved: Option<String>,
    field: &str,
    prompt: &str,
    no_prompt: bool,
) -> Result<String> {
    if let Some(v) = given
        .or(saved)
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
    {
        return Ok(v);
    }
    if no_prompt {
        return Err(Error::invalid(
            field,
            format!("is required with --stdin: pass --{field}"),
        ));
    }
    eprint!("{prompt}: ");
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| Error::invalid(field, format!("could not read it: {e}")))?;
    let v = line.trim().to_owned();
    if v.is_empty() {
        return Err(Error::invalid(field, "is required"));
    }
    Ok(v)
}

const SECRET_NAMES: [&str; 3] = ["password", "client secret", "client key"];

fn read_secrets(from_stdin: bool) -> Result<[Secret; 3]> {
    let mut out: Vec<Secret> = Vec::with_capacity(3);
    if from_stdin {
        let stdin = std::io::stdin();
        let mut lines = stdin.lock();
        for name in SECRET_NAMES {
            let mut line = String::new();
            let n = lines
                .read_line(&mut line)
                .map_err(|e| Error::invalid("stdin", format!("could not read the {name}: {e}")))?;
            let value = line.trim_end_matches(['\n', '\r']);
            if n == 0 || value.is_empty() {
                return Err(Error::invalid(
                    "stdin",
                    format!("expected three lines (password, client secret, client key); the {name} is missing"),
                ));
            }
            out.push(Secret::new(value));
        }
    } else {
        for name in SECRET_NAMES {
            let prompt = format!("{}{} (not shown): ", name[..1].to_uppercase(), &name[1..]);
            let value = rpassword::prompt_password(prompt).map_err(|e| {
                Error::invalid(
                    "stdin",
                    format!("could not ask for the {name} ({e}); without a terminal use --stdin"),
                )
            })?;
            if value.is_empty() {
                return Err(Error::invalid(name, "is required"));
            }
            out.push(Secret::new(value));
        }
    }
    let [a, b, c]: [Secret; 3] = out
        .try_into()
        .map_err(|_| Error::invalid("stdin", "expected three secrets"))?;
    Ok([a, b, c])
}
