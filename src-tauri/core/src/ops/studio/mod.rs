//! The template studio: list/get/save/delete templates (the guide's partial-update rules, the
//! fromAddress check shared with `template push`), the live preview with per-editor patch
//! sessions, lint placed for the editor, the pre-flight over every attendee, local drafts and versions, test sends and test
//! attendees, and import/export of template files.
//!
//! Every operation runs against the session ([`Ctx`](crate::ops::ctx::Ctx)): events, templates
//! and the verified domain come from its caches (an event renamed elsewhere shows its new name
//! in the next preview); the open editors' sessions are [`PreviewSessions`], state of the
//! session that goes with it.

mod dark;
mod document;
mod drafts;
mod edge_cases;
mod edit;
mod files;
mod patch;
mod pieces;
mod preflight;
mod preview;
mod save;
mod test_attendees;
mod test_send;
mod text_edit;
mod types;

#[cfg(test)]
mod preflight_tests;
#[cfg(test)]
mod tests;

pub use dark::{dark_head, prefer_dark, DarkEmulation};
pub use document::{
    preheader, preview_csp, preview_document, remote_image_count, token_values, utf16_offset,
};
pub use drafts::{draft_delete, draft_save, drafts_list, template_versions};
pub use edge_cases::EDGE_CASES;
pub use edit::upsert_payload;
pub use files::{
    export_content, export_file_name, export_json, import_template, read_template_file,
    template_export, template_import, write_template_file, PASTED_JSON,
};
pub use patch::{apply_patch, diff_patch};
pub use preflight::{preflight, PreflightRuns};
pub use preview::{editor_issue, studio_setup, template_preview, PreviewSessions};
pub use save::{
    check_from_address, from_address_problem, template_delete, template_get, template_save,
    templates_list,
};
pub use test_attendees::{
    cached_test_attendees, remove_test_attendees, test_attendees, test_attendees_find,
    test_attendees_remove, TEST_TAG,
};
pub use test_send::template_test_send;
pub use text_edit::{changed_span, text_node_edit, text_node_edit_at};
pub use types::*;
