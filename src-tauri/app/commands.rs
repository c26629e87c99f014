//! Every command the window can call, declared once. Each line generates the Tauri wrapper,
//! its place in the handler, a JSON `dispatch` arm for tests and its entry in
//! `ui/src/bindings/commands.ts` (see `declare.rs`). A wrapper is parse → operation →
//! `ErrorBody`; the operations are `qflow_core::ops::*`, the same ones the CLI runs.

use qflow_core::ops::{
    account, arrivals, bulk, checkin, connection, desk, domain, events as event_ops, guests,
    importer, recheck, studio, updates, webhooks,
};
use qflow_core::store::{Draft, TemplateVersion, TimelineEntry};

use super::{arrivals_files, handlers, import_files, studio_files, updates as app_updates};

pub use super::declare::{reply, Reply};

crate::declare_commands! {
    commands {
        // Signing in and out, profiles (the window's own state: which session is current).
        state app_info() -> account::AppInfo = handlers::app_info;
        state resume_session() -> Option<account::SignedIn> = handlers::resume;
        state demo_sign_in() -> account::SignedIn = handlers::demo_sign_in_once;
        state sign_in(account::SignInRequest) -> account::SignedIn = handlers::sign_in;
        state sign_out() -> () = handlers::sign_out;
        state profiles_list() -> Vec<account::ProfileEntry> = handlers::profiles_list;
        state profile_sign_in(account::ProfileNameRequest) -> account::SignedIn = handlers::profile_sign_in;
        state profile_forget(account::ProfileNameRequest) -> () = handlers::profile_forget;
        // The key for the studio's synchronous keystroke preview (ui/src/invokeSync.ts).
        handle ipc_invoke_key() -> String = handlers::ipc_invoke_key;

        // Events and the attendee table.
        session events_list(event_ops::EventsListRequest) -> Vec<event_ops::EventRow> = event_ops::events_list;
        session attendee_counts(guests::AttendeeCountsRequest) -> Vec<guests::AttendeeCount> = guests::attendee_counts;
        session guests_page(guests::GuestsPageRequest) -> guests::GuestsPage = guests::guests_page;
        session event_create(event_ops::EventForm) -> event_ops::EventRow = event_ops::event_create;
        session event_update(event_ops::EventForm) -> event_ops::EventRow = event_ops::event_update;
        session event_delete(event_ops::EventDeleteRequest) -> () = event_ops::event_delete;
        pure zones_search(event_ops::ZoneSearchRequest) -> event_ops::ZoneSearchResult = event_ops::zones_search;

        // The desk: one attendee.
        session guest_detail(desk::GuestIdRequest) -> desk::GuestDetail = desk::guest_detail;
        session guest_save(desk::GuestEdit) -> desk::GuestDetail = desk::guest_save;
        session guest_check_in(desk::CheckInRequest) -> desk::GuestDetail = desk::guest_check_in;
        session guest_delete(desk::GuestIdRequest) -> () = desk::guest_delete;
        session guest_history(desk::GuestIdRequest) -> Vec<desk::HistoryItem> = desk::guest_history;
        session resend_options(desk::GuestIdRequest) -> desk::ResendOptions = desk::resend_options;
        session resend_preview(desk::ResendPreviewRequest) -> desk::ResendPreview = desk::resend_preview;
        session resend(desk::ResendRequest) -> desk::ResendResult = desk::resend;
        pure email_check(desk::EmailCheckRequest) -> desk::EmailCheck = desk::email_check;
        session guest_add(desk::GuestAddRequest) -> desk::GuestAdded = desk::guest_add;
        session send_statuses(desk::SendStatusesRequest) -> Vec<desk::GuestSendStatus> = desk::send_statuses;
        session event_templates(desk::EventIdRequest) -> Vec<desk::TemplateOption> = desk::event_templates;

        // Scan to check in (the door's scanner mode) and its offline queue.
        session scan_open(desk::EventIdRequest) -> checkin::ScanStatus = checkin::scan_open;
        session scan_close() -> () = checkin::scan_close;
        session scan_barcode(checkin::ScanRequest) -> checkin::ScanAnswer = checkin::scan_barcode;
        session scan_undo(checkin::ScanRowRequest) -> checkin::ScanUndone = checkin::scan_undo;
        session scan_status(desk::EventIdRequest) -> checkin::ScanStatus = checkin::scan_status;
        session scan_dismiss(checkin::ScanRowRequest) -> () = checkin::scan_dismiss;
        session scan_queue() -> checkin::ScanQueue = checkin::scan_queue;

        // Resend to selected.
        session bulk_preview(bulk::BulkSelection) -> bulk::BulkPreview = bulk::bulk_preview;
        session bulk_start(bulk::BulkSelection) -> bulk::BulkStatus = bulk::bulk_start;
        session bulk_continue(bulk::BulkJobRequest) -> bulk::BulkStatus = bulk::bulk_continue;
        session bulk_pause() -> bulk::BulkStatus = bulk::bulk_pause;
        session bulk_resume() -> bulk::BulkStatus = bulk::bulk_resume;
        session bulk_cancel() -> bulk::BulkStatus = bulk::bulk_cancel;
        session bulk_status() -> Option<bulk::BulkStatus> = bulk::bulk_status;
        session bulk_unfinished() -> Vec<bulk::BulkUnfinished> = bulk::bulk_unfinished;
        session bulk_discard(bulk::BulkJobRequest) -> () = bulk::bulk_discard;
        session bulk_select_filtered(bulk::BulkFilterRequest) -> Vec<String> = bulk::bulk_select_filtered;

        // Arrivals and targeted resends.
        session arrivals(arrivals::ArrivalsRequest) -> arrivals::ArrivalsReport = arrivals::arrivals;
        session arrivals_select(arrivals::ArrivalsSelectRequest) -> Vec<String> = arrivals::arrivals_select;
        handle arrivals_export_file(arrivals::ArrivalsRequest) -> Option<arrivals::ArrivalsCsvWritten> = arrivals_files::arrivals_export_file;
        // Attendee import (the same core as `guests import`).
        handle import_pick_file(importer::ImportOpenRequest) -> Option<importer::ImportFile> = import_files::import_pick_file;
        session import_preview(importer::ImportChoices) -> qflow_core::import::CsvPreview = importer::import_preview;
        session import_validate(importer::ImportChoices) -> importer::ImportValidation = importer::import_validate;
        session import_start(importer::ImportChoices) -> importer::ImportStatus = importer::import_start;
        session import_pause() -> importer::ImportStatus = importer::import_pause;
        session import_resume() -> importer::ImportStatus = importer::import_resume;
        session import_cancel() -> importer::ImportStatus = importer::import_cancel;
        session import_status() -> Option<importer::ImportStatus> = importer::import_status;
        session import_unfinished() -> Vec<importer::ImportUnfinished> = importer::import_unfinished;
        session import_unfinished_for(desk::EventIdRequest) -> Vec<importer::ImportUnfinished> = importer::import_unfinished_for;
        session import_continue(importer::ImportKeyRequest) -> importer::ImportStatus = importer::import_continue;
        session import_discard(importer::ImportKeyRequest) -> () = importer::import_discard;
        handle import_report_save() -> Option<importer::ImportReportWritten> = import_files::import_report_save;

        // The template studio.
        session templates_list(studio::TemplatesListRequest) -> Vec<qflow_core::models::Template> = studio::templates_list;
        session template_get(studio::TemplateIdRequest) -> qflow_core::models::Template = studio::template_get;
        session studio_setup() -> studio::StudioSetup = studio::studio_setup;
        session template_preview(studio::PreviewRequest) -> studio::PreviewResult = studio::template_preview;
        session studio_preflight(studio::PreflightRequest) -> qflow_core::preflight::PreflightReport = studio::preflight;
        session template_save(studio::TemplateSaveRequest) -> studio::TemplateSaved = studio::template_save;
        session template_delete(studio::TemplateIdRequest) -> () = studio::template_delete;
        session draft_save(studio::DraftSaveRequest) -> Draft = studio::draft_save;
        session drafts_list(studio::TemplatesListRequest) -> Vec<Draft> = studio::drafts_list;
        session draft_delete(studio::TemplateIdRequest) -> bool = studio::draft_delete;
        session template_versions(studio::TemplateIdRequest) -> Vec<TemplateVersion> = studio::template_versions;
        session template_test_send(studio::TestSendRequest) -> studio::TestSendResult = studio::template_test_send;
        pure template_import(studio::TemplateImportRequest) -> studio::TemplateImport = studio::template_import;
        pure template_export(studio::TemplateExportRequest) -> String = studio::template_export;
        handle template_export_file(studio::TemplateExportFileRequest) -> Option<studio::TemplateFileWritten> = studio_files::template_export_file;
        handle template_import_file(studio::TemplatesListRequest) -> Option<studio::TemplateFileRead> = studio_files::template_import_file;
        session test_attendees_find(studio::TemplatesListRequest) -> Vec<studio::TestAttendee> = studio::test_attendees_find;
        session test_attendees_remove(studio::TestAttendeesRemoveRequest) -> studio::TestAttendeesRemoved = studio::test_attendees_remove;

        // The sending domain.
        session domain_get() -> domain::DomainView = domain::domain_get;
        session domain_status() -> domain::DomainStatusInfo = domain::domain_status;
        pure domain_validate(domain::DomainRequest) -> domain::DomainInput = domain::domain_validate;
        session domain_create(domain::DomainRequest) -> domain::DomainView = domain::domain_create;
        session domain_verify() -> domain::DomainActionResult = domain::domain_verify;
        session domain_activate() -> domain::DomainActionResult = domain::domain_activate;
        session domain_deactivate() -> domain::DomainActionResult = domain::domain_deactivate;
        session domain_delete() -> domain::DomainView = domain::domain_delete;
        session domain_export() -> domain::DomainExport = domain::domain_export;
        session domain_precheck() -> qflow_core::dns::PrecheckReport = domain::domain_precheck;
        session demo_publish_dns() -> domain::DomainView = domain::demo_publish_dns;
        session domain_recheck_start(recheck::RecheckStartRequest) -> recheck::RecheckUpdate = recheck::domain_recheck_start;
        session domain_recheck_leave() -> () = recheck::domain_recheck_leave;
        session domain_recheck_now() -> recheck::RecheckUpdate = recheck::domain_recheck_now;
        session domain_recheck_set_background(recheck::RecheckBackgroundRequest) -> recheck::RecheckUpdate = recheck::domain_recheck_set_background;

        // Webhooks and the delivery timeline.
        session webhook_overview() -> webhooks::WebhookOverview = webhooks::webhook_overview;
        session webhook_url_check(webhooks::WebhookSetRequest) -> qflow_core::webhook::UrlCheck = webhooks::webhook_url_check;
        session webhook_set(webhooks::WebhookSetRequest) -> webhooks::WebhookOverview = webhooks::webhook_set;
        session webhook_rotate() -> webhooks::WebhookOverview = webhooks::webhook_rotate;
        session webhook_test() -> webhooks::WebhookOverview = webhooks::webhook_test;
        session webhook_delete() -> webhooks::WebhookOverview = webhooks::webhook_delete;
        session webhook_reveal_secret() -> webhooks::RevealedSecret = webhooks::webhook_reveal_secret;
        session receiver_start(webhooks::ReceiverStartRequest) -> webhooks::WebhookOverview = webhooks::receiver_start;
        session receiver_stop() -> webhooks::WebhookOverview = webhooks::receiver_stop;
        session webhook_feed(webhooks::WebhookFeedRequest) -> webhooks::WebhookFeed = webhooks::webhook_feed;
        session webhook_diagnose(webhooks::DiagnoseRequest) -> qflow_core::webhook::Diagnosis = webhooks::webhook_diagnose;
        session attendee_timeline(webhooks::AttendeeTimelineRequest) -> Vec<TimelineEntry> = webhooks::attendee_timeline;

        // Offline.
        session connection_probe() -> () = connection::connection_probe;
        session demo_set_offline(connection::DemoOfflineRequest) -> () = connection::demo_set_offline;

        // Signed updates: only when asked (never at start-up, so never in the demo unasked).
        handle update_check() -> updates::UpdateCheck = app_updates::update_check;
        handle update_install() -> () = app_updates::update_install;
    }
    events {
        bulk::BulkStatus,
        importer::ImportStatus,
        recheck::RecheckUpdate,
        webhooks::FeedPing,
        checkin::ScanUpdate,
    }
}
