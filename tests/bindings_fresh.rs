//! Fails when `ui/src/bindings/*.ts` differ from what the Rust types generate, so the UI can
//! never compile against a stale shape. `cargo test` (ts-rs) rewrites the files; commit them.
//! `UPDATE_BINDINGS=1 cargo test --test bindings_fresh` rewrites them and removes stale ones.
//!
//! Every exported type is listed below: a new `#[ts(export)]` type must be added here, or this
//! test reports its file as unknown.

use std::collections::BTreeMap;
use std::path::Path;

use ts_rs::{Config, TS};

fn generated() -> BTreeMap<String, String> {
    // As `cargo test` runs each crate's export: from its own directory (import paths to
    // dependencies exported elsewhere depend on it).
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let app_cfg = Config::from_env().with_out_dir(root.join("bindings"));
    let core_cfg = Config::from_env().with_out_dir(root.join("src-tauri/core/bindings"));
    let mut cfg = &app_cfg;
    let mut out = BTreeMap::new();
    macro_rules! types {
        ($($t:ty),* $(,)?) => {$({
            let path = <$t as TS>::output_path().expect("an exported type has an output path");
            let name = path.file_name().expect("a file name").to_string_lossy().into_owned();
            let text = <$t as TS>::export_to_string(cfg).expect("ts-rs export");
            assert!(out.insert(name.clone(), text).is_none(), "two types export to {name}");
        })*};
    }
    {
        use qflow_console::app::feel::*;
        types!(DemoOfflineRequest);
    }
    {
        use qflow_console::app::profiles::*;
        types!(ProfileEntry, ProfileNameRequest);
    }
    {
        use qflow_console::app::bulk::*;
        types!(
            BulkSelection,
            BulkRecent,
            BulkPreview,
            BulkProblem,
            BulkStatus,
            BulkJobRequest,
            BulkUnfinished,
            BulkFilterRequest,
        );
    }
    {
        use qflow_console::app::desk::*;
        types!(
            GuestIdRequest,
            ExtraField,
            GuestDetail,
            GuestEdit,
            CheckInRequest,
            HistoryItem,
            TemplateOption,
            ResendOptions,
            ResendPreviewRequest,
            RecentSend,
            ResendPreview,
            ResendRequest,
            ResendResult,
            EmailCheckRequest,
            EmailCheck,
            GuestAddRequest,
            GuestAdded,
            SendStatusesRequest,
            GuestSendStatus,
            HistoryEvent,
            EventIdRequest,
        );
    }
    {
        use qflow_console::app::domain::*;
        types!(
            DomainGlance,
            DomainStatusInfo,
            DomainView,
            DomainInput,
            DomainRequest,
            RecordReason,
            DomainActionResult,
            DomainExport,
        );
    }
    {
        use qflow_console::app::recheck::*;
        types!(
            RecheckPhase,
            RecheckUpdate,
            RecheckStartRequest,
            RecheckBackgroundRequest,
        );
    }
    {
        use qflow_console::app::webhooks::*;
        types!(
            RejectedDelivery,
            ReceiverStatus,
            WebhookOverview,
            WebhookSetRequest,
            UrlCheck,
            RevealedSecret,
            ReceiverStartRequest,
            WebhookFeedRequest,
            WebhookFeed,
            DiagnoseRequest,
            AttendeeTimelineRequest,
            FeedPing,
        );
    }
    {
        use qflow_console::app::studio::*;
        types!(
            TemplatesListRequest,
            TemplateIdRequest,
            StudioSetup,
            PreviewRequest,
            TextPatch,
            EditorIssue,
            PreviewResult,
            TemplateSaveRequest,
            TemplateSaved,
            DraftSaveRequest,
            TestSendRequest,
            TestSendResult,
            TemplateImportRequest,
            TemplateExportRequest,
            ExportFormat,
            TemplateExportFileRequest,
            TemplateFileWritten,
            TestAttendeesRemoveRequest,
        );
    }
    cfg = &core_cfg;
    {
        use qflow_core::models::*;
        types!(
            Guest,
            GuestCreate,
            Event,
            Template,
            TemplateUpsert,
            SendRequest,
            SendResponse,
            WebhookConfig,
            WebhookPayload,
            DnsRecord,
            Domain,
            VerifyReason,
            DomainStatus,
        );
    }
    {
        use qflow_core::dns::*;
        use qflow_core::merge::lint::*;
        use qflow_core::merge::*;
        use qflow_core::store::*;
        use qflow_core::webhook::*;
        types!(
            qflow_core::ErrorBody,
            qflow_core::errors::ErrorCode,
            qflow_core::errors::LocalCode,
            qflow_core::errors::ApiCode,
            qflow_core::profiles::Profile,
            CheckStatus,
            RecordCheck,
            DnsProvider,
            PrecheckReport,
            qflow_core::dns_export::ChecklistRecord,
            Severity,
            LintIssue,
            TemplateField,
            UnknownReason,
            UnknownToken,
            RenderJson,
            TokenInfo,
            BulkItemState,
            BulkItem,
            BulkCounts,
            Draft,
            TemplateVersion,
            ImportRowState,
            ImportRow,
            SendResult,
            SendLogEntry,
            TimelineKind,
            TimelineEntry,
            WebhookEventRecord,
            RejectReason,
            Verdict,
            Finding,
            Diagnosis,
            ReceiverEvent,
        );
    }
    {
        use qflow_core::import::*;
        use qflow_core::ops::import_run::*;
        types!(RowError, Chunk, ImportPlan, ImportProgress, ImportSummary);
    }
    {
        use qflow_core::ops::bulk_run::*;
        use qflow_core::ops::events::*;
        types!(
            qflow_core::ops::ctx::SignedIn,
            qflow_core::ops::account::AppInfo,
            qflow_core::ops::account::SavedProfile,
            qflow_core::ops::account::SignInRequest,
            BulkRunState,
            BulkProgress,
            ZoneInfo,
            ZoneSearchResult
        );
    }
    {
        use qflow_core::ops::events::*;
        types!(
            EventsListRequest,
            EventRow,
            EventForm,
            EventDeleteRequest,
            ZoneSearchRequest,
        );
    }
    {
        use qflow_core::ops::guests::*;
        types!(
            AttendeeCountsRequest,
            AttendeeCount,
            GuestsPageRequest,
            GuestsPage,
            GuestRow,
        );
    }
    {
        use qflow_core::ops::studio::*;
        types!(
            TemplateEdit,
            EdgeCase,
            EdgeCaseInfo,
            TokenValue,
            ImportKind,
            TemplateImport,
            TestAttendee,
            RemoveFailure,
            TestAttendeesRemoved,
            TemplateFileRead,
        );
    }
    out
}

#[test]
fn checked_in_bindings_match_the_rust_types() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("ui/src/bindings");
    let want = generated();
    let update = std::env::var_os("UPDATE_BINDINGS").is_some_and(|v| v == "1");
    let mut problems = Vec::new();

    for (name, text) in &want {
        // All bindings live in one folder: an import leaving it is ts-rs resolving an app type's
        // embedded core type across crates (move the type to core, or `#[ts(inline)]` it).
        if text.contains("from \"../") {
            problems.push(format!("{name}: imports from outside ui/src/bindings"));
        }
        let path = dir.join(name);
        match std::fs::read_to_string(&path) {
            Ok(have) if &have == text => {}
            Ok(_) if update => std::fs::write(&path, text).unwrap(),
            Err(_) if update => std::fs::write(&path, text).unwrap(),
            Ok(_) => problems.push(format!("{name}: differs from the Rust type")),
            Err(_) => problems.push(format!("{name}: missing")),
        }
    }
    for entry in std::fs::read_dir(&dir).expect("ui/src/bindings exists") {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        if name.ends_with(".ts") && !want.contains_key(&name) {
            if update {
                std::fs::remove_file(dir.join(&name)).unwrap();
            } else {
                problems.push(format!(
                    "{name}: no Rust type generates it (stale, or a new #[ts(export)] type not listed in tests/bindings_fresh.rs)"
                ));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "ui/src/bindings is out of date:\n  {}\nRegenerate: UPDATE_BINDINGS=1 cargo test -p qflow-console --test bindings_fresh (or cargo test), then commit ui/src/bindings.",
        problems.join("\n  ")
    );
}
