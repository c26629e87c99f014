// Typed wrappers for the template studio's commands (src-tauri/app/studio/, ops in core's ops::studio).
import { call } from "../../api";
import type { Draft } from "../../bindings/Draft";
import type { DraftSaveRequest } from "../../bindings/DraftSaveRequest";
import type { GuestsPage } from "../../bindings/GuestsPage";
import type { GuestsPageRequest } from "../../bindings/GuestsPageRequest";
import type { EventRow } from "../../bindings/EventRow";
import type { PreviewRequest } from "../../bindings/PreviewRequest";
import type { PreviewResult } from "../../bindings/PreviewResult";
import type { StudioSetup } from "../../bindings/StudioSetup";
import type { Template } from "../../bindings/Template";
import type { TemplateSaved } from "../../bindings/TemplateSaved";
import type { TemplateSaveRequest } from "../../bindings/TemplateSaveRequest";
import type { TemplateVersion } from "../../bindings/TemplateVersion";
import type { TestSendRequest } from "../../bindings/TestSendRequest";
import type { TestSendResult } from "../../bindings/TestSendResult";
import type { TemplateImport } from "../../bindings/TemplateImport";
import type { TemplateExportRequest } from "../../bindings/TemplateExportRequest";
import type { TemplateExportFileRequest } from "../../bindings/TemplateExportFileRequest";
import type { TemplateFileWritten } from "../../bindings/TemplateFileWritten";
import type { TemplateFileRead } from "../../bindings/TemplateFileRead";
import type { TestAttendee } from "../../bindings/TestAttendee";
import type { TestAttendeesRemoved } from "../../bindings/TestAttendeesRemoved";

export type { TestSendRequest, TestSendResult, TemplateImport, TemplateFileWritten, TemplateFileRead, TestAttendee, TestAttendeesRemoved };
export type { Draft, EventRow, PreviewRequest, PreviewResult, StudioSetup, Template, TemplateSaved, TemplateVersion };
export type { TemplateEdit } from "../../bindings/TemplateEdit";
export type { EditorIssue } from "../../bindings/EditorIssue";
export type { EdgeCase } from "../../bindings/EdgeCase";

export const studioApi = {
  eventsList: () => call<EventRow[]>("events_list", { req: { from: null, to: null } }),
  guestsPage: (req: GuestsPageRequest) => call<GuestsPage>("guests_page", { req }),
  templatesList: (eventId: string) => call<Template[]>("templates_list", { req: { eventId } }),
  templateGet: (templateId: string) => call<Template>("template_get", { req: { templateId } }),
  setup: () => call<StudioSetup>("studio_setup"),
  preview: (req: PreviewRequest) => call<PreviewResult>("template_preview", { req }),
  save: (req: TemplateSaveRequest) => call<TemplateSaved>("template_save", { req }),
  remove: (templateId: string) => call<null>("template_delete", { req: { templateId } }),
  draftSave: (req: DraftSaveRequest) => call<Draft>("draft_save", { req }),
  draftsList: (eventId: string) => call<Draft[]>("drafts_list", { req: { eventId } }),
  draftDelete: (templateId: string) => call<boolean>("draft_delete", { req: { templateId } }),
  versions: (templateId: string) => call<TemplateVersion[]>("template_versions", { req: { templateId } }),
  testSend: (req: TestSendRequest) => call<TestSendResult>("template_test_send", { req }),
  importText: (eventId: string, text: string) => call<TemplateImport>("template_import", { req: { eventId, text } }),
  exportJson: (req: TemplateExportRequest) => call<string>("template_export", { req }),
  /** Native save dialog, Rust writes the file; null = cancelled. */
  exportFile: (req: TemplateExportFileRequest) => call<TemplateFileWritten | null>("template_export_file", { req }),
  /** Native open dialog, Rust reads and parses the file; null = cancelled. */
  importFile: (eventId: string) => call<TemplateFileRead | null>("template_import_file", { req: { eventId } }),
  testAttendees: (eventId: string) => call<TestAttendee[]>("test_attendees_find", { req: { eventId } }),
  removeTestAttendees: (eventId: string, ids: string[]) => call<TestAttendeesRemoved>("test_attendees_remove", { req: { eventId, ids } }),
};

export type StudioApi = typeof studioApi;
