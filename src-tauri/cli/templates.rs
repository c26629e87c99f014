//! `templates list`, `template show|push|delete|export|render|lint`.

use clap::Subcommand;
use qflow_core::api::ApiRequest;
use qflow_core::models::Template;
use qflow_core::ops::files;
use qflow_core::ops::studio;
use qflow_core::Result;
use std::path::PathBuf;

use super::output::{self, Table};
use super::{decode, parse_id, Ctx};

#[derive(Subcommand, Debug)]
pub enum TemplatesCmd {
    /// Templates of an event.
    List { event_id: String },
}

#[derive(Subcommand, Debug)]
pub enum TemplateCmd {
    /// One template by id.
    Show { id: String },
    /// Create or update from a JSON file (API shape). Keys absent from the file keep their
    /// stored values; "" clears fromAddress, fromName, replyTo, emailBody. A fromAddress must
    /// be under your verified sending domain (checked before anything is sent).
    Push { file: PathBuf },
    /// Delete a template.
    Delete { id: String },
    /// Save a template to a file, as the studio's "Export": its HTML, or template JSON that
    /// `template push` and the studio's import read back. Written whole or not at all, private
    /// to you.
    Export {
        id: String,
        /// html or json.
        #[arg(long, value_enum, default_value = "json")]
        format: CliExportFormat,
        /// Where to write it (replaced if it exists).
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// Merge a template offline (no sign-in): FILE is template JSON (API shape) or .html.
    Render(super::render::RenderArgs),
    /// Check a template: unknown tokens, missing alt text or unsubscribe link, fromAddress, …
    /// (exit 1 on any error or warning)
    Lint(super::render::LintArgs),
}

#[derive(clap::ValueEnum, Clone, Copy, Debug)]
pub enum CliExportFormat {
    Html,
    Json,
}

/// The studio's export: the same content and the same file writing (core), to `out`.
async fn export(
    id: &str,
    format: CliExportFormat,
    out: &std::path::Path,
    ctx: &Ctx,
) -> Result<i32> {
    let template_id = parse_id("ID", id)?;
    let cx = ctx.session().await?;
    let t = cx.client.template_get(template_id).await?;
    let req = studio::TemplateExportFileRequest {
        event_id: t.event_id.to_string(),
        template_id: t.id.to_string(),
        fields: studio::TemplateEdit::from_template(&t),
        format: match format {
            CliExportFormat::Html => studio::ExportFormat::Html,
            CliExportFormat::Json => studio::ExportFormat::Json,
        },
    };
    let content = studio::export_content(&req)?;
    let written = studio::write_template_file(out, &content)?;
    if ctx.json {
        output::print_json(&serde_json::json!({ "path": written.path, "bytes": written.bytes }));
    } else {
        output::note(format!("Wrote {} ({} bytes).", written.path, written.bytes));
    }
    Ok(0)
}

pub async fn run_templates(cmd: &TemplatesCmd, ctx: &Ctx) -> Result<i32> {
    match cmd {
        TemplatesCmd::List { event_id } => {
            let event_id = parse_id("EVENT_ID", event_id)?;
            let raw = ctx.execute(ApiRequest::templates_list(event_id)).await?;
            if ctx.json {
                output::print_json(&raw);
                return Ok(0);
            }
            let list: Vec<Template> = decode("GET /api/comms/templates", &raw)?;
            let mut t = Table::new(&["ID", "NAME", "SUBJECT", "FROM", "PDF"]);
            for tpl in &list {
                t.row(vec![
                    tpl.id.to_string(),
                    tpl.name.clone(),
                    output::or_dash(tpl.subject.as_deref()),
                    output::or_dash(tpl.from_address.as_deref()),
                    if tpl.attach_pdf {
                        "yes".into()
                    } else {
                        "no".into()
                    },
                ]);
            }
            t.print();
            output::note(format!("{} template(s)", list.len()));
            Ok(0)
        }
    }
}

pub async fn run_template(cmd: &TemplateCmd, ctx: &Ctx) -> Result<i32> {
    match cmd {
        TemplateCmd::Show { id } => {
            let id = parse_id("ID", id)?;
            let raw = ctx.execute(ApiRequest::template_get(id)).await?;
            if ctx.json {
                output::print_json(&raw);
                return Ok(0);
            }
            let t: Template = decode("GET /api/comms/template/{id}", &raw)?;
            print_template(&t);
            Ok(0)
        }
        TemplateCmd::Push { file } => push(file, ctx).await,
        TemplateCmd::Delete { id } => delete(id, ctx).await,
        TemplateCmd::Export { id, format, out } => export(id, *format, out, ctx).await,
        TemplateCmd::Render(args) => super::render::render(args, ctx),
        TemplateCmd::Lint(args) => super::render::lint(args, ctx).await,
    }
}

async fn push(file: &std::path::Path, ctx: &Ctx) -> Result<i32> {
    let value = files::read_json("FILE", file)?;
    let push = files::template_push_from_json("FILE", file, &value)?;
    qflow_core::validate::template_upsert(&push.upsert)?;
    if !push.ignored_keys.is_empty() {
        output::note(format!(
            "warning: not sent (the API does not take them): {}",
            push.ignored_keys.join(", ")
        ));
    }
    // The studio's fromAddress rule, with its code and message, before anything is sent.
    let session = ctx.session().await?;
    studio::check_from_address(&session, &push.upsert).await?;
    let raw = session
        .client
        .execute(ApiRequest::template_upsert(&push.upsert))
        .await?;
    if push.generated_id {
        output::note(format!(
            "The file has no \"id\": created template {}. Add \"id\": \"{}\" to the file so the next push updates it.",
            push.upsert.id, push.upsert.id
        ));
    }
    if ctx.json {
        output::print_json(&raw);
        return Ok(0);
    }
    let t: Template = decode("POST /api/comms/template", &raw)?;
    output::print_stdout(&format!("{}\n", t.id));
    output::note(format!("Saved template '{}'.", t.name));
    Ok(0)
}

/// The studio's delete: the same core operation (the session forgets the template, its local
/// draft goes).
async fn delete(id: &str, ctx: &Ctx) -> Result<i32> {
    let id = parse_id("ID", id)?;
    let session = ctx.session().await?;
    studio::template_delete(
        &session,
        studio::TemplateIdRequest {
            template_id: id.to_string(),
        },
    )
    .await?;
    if ctx.json {
        output::print_json(&serde_json::json!({ "id": id, "deleted": true }));
    } else {
        output::note(format!("Deleted template {id}."));
    }
    Ok(0)
}

fn print_template(t: &Template) {
    let mut pairs: Vec<(String, String)> = vec![
        ("id".into(), t.id.to_string()),
        ("eventId".into(), t.event_id.to_string()),
        ("name".into(), t.name.clone()),
        ("subject".into(), output::or_dash(t.subject.as_deref())),
        (
            "fromAddress".into(),
            output::or_dash(t.from_address.as_deref()),
        ),
        ("fromName".into(), output::or_dash(t.from_name.as_deref())),
        ("replyTo".into(), output::or_dash(t.reply_to.as_deref())),
        ("attachPdf".into(), t.attach_pdf.to_string()),
        (
            "created".into(),
            output::or_dash(
                t.created
                    .map(|c| format!("{} UTC", c.format("%Y-%m-%d %H:%M"))),
            ),
        ),
    ];
    pairs.extend(
        t.extra
            .iter()
            .map(|(k, v)| (k.clone(), super::events::plain(v))),
    );
    output::print_fields(&pairs);
    output::print_stdout(&format!("\n{}\n", t.html));
    if let Some(body) = &t.email_body {
        output::print_stdout(&format!("\nemailBody:\n{body}\n"));
    }
}
