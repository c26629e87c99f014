//! Template import (paste or file) and export: any text is read or refused without a panic;
//! an exported template imports back to the same editor fields; pasted HTML is kept as typed.

use proptest::prelude::*;
use qflow_core::ops::studio::{
    export_file_name, export_json, import_template, ExportFormat, ImportKind, TemplateEdit,
};
use uuid::Uuid;

use crate::support::run;

const EVENT: Uuid = Uuid::from_u128(0x00890adf_1a80_4b1f_87ce_620feb9bec12);
const TEMPLATE: Uuid = Uuid::from_u128(0x8d630377_970a_4687_aa66_2a18fb964c99);

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[{}\\[\\]\":,a-zA-Z0-9 \n]{0,40}",
        prop::sample::select(vec![
            "{\"name\":\"n\",\"subject\":\"\",\"html\":\"<p>\",\"eventId\":\"x\"}",
            "{\"name\":1}", "{", "{}", "[]", "null", "\u{feff}{\"id\":null}",
            "{\"name\":\"n\",\"subject\":null,\"html\":\"h\",\"attachPdf\":\"yes\"}",
            "{\"name\":\"n\",\"subject\":\"s\",\"html\":\"h\",\"id\":\"00890adf-1a80-4b1f-87ce-620feb9bec12\",\"extra\":[1,2]}",
        ])
        .prop_map(str::to_owned),
    ]
}

#[test]
fn import_never_panics_and_keeps_pasted_html() {
    let strategy = prop::collection::vec(text(), 1..4).prop_map(|v| v.concat());
    run(
        file!(),
        "template_import_never_panics",
        256,
        strategy,
        |pasted| {
            let result = import_template(&pasted, EVENT);
            let text = pasted.strip_prefix('\u{feff}').unwrap_or(&pasted);
            if text.trim().is_empty() {
                prop_assert!(result.is_err());
            } else if !text.trim_start().starts_with('{') {
                let import = result.expect("HTML is always accepted");
                prop_assert_eq!(import.kind, ImportKind::Html);
                prop_assert_eq!(import.edit.html, text);
            }
            Ok(())
        },
    );
}

fn field() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[{}\"\\\\<>a-z \n\t]{0,12}",
        Just(String::new())
    ]
}

#[test]
fn export_then_import_gives_back_the_fields() {
    let edit = (
        (field(), field(), field()),
        (field(), field(), field(), field()),
        any::<bool>(),
    )
        .prop_map(
            |(
                (name, subject, html),
                (from_address, from_name, reply_to, email_body),
                attach_pdf,
            )| {
                TemplateEdit {
                    name,
                    subject,
                    html,
                    from_address,
                    from_name,
                    reply_to,
                    attach_pdf,
                    email_body,
                }
            },
        );
    run(file!(), "template_round_trip", 256, edit, |edit| {
        let json = export_json(&edit, TEMPLATE, EVENT);
        let back = import_template(&json, EVENT);
        if edit.name.trim().is_empty() || edit.html.trim().is_empty() {
            // Not a template `template push` accepts: refused, with the field named.
            let e = back.expect_err("blank name or html is refused").to_string();
            prop_assert!(e.contains("\"name\"") || e.contains("\"html\""), "{}", e);
        } else {
            let back = back.expect("an exported template imports");
            prop_assert_eq!(back.kind, ImportKind::Json);
            prop_assert_eq!(back.edit, edit.clone());
        }
        for format in [ExportFormat::Html, ExportFormat::Json] {
            let file = export_file_name(&edit.name, format);
            prop_assert!(
                !file.contains(['/', '\\', '\0']) && !file.starts_with('.'),
                "{}",
                file
            );
        }
        Ok(())
    });
}
