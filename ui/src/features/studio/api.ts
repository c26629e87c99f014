// Typed wrappers for the template studio's commands (src-tauri/app/studio/, ops in core's ops::studio).
import { call } from "../../api";
import { callSync, prepareSync } from "../../invokeSync";
import type { Draft } from "../../bindings/Draft";
import type { DraftSaveRequest } from "../../bindings/DraftSaveRequest";
import type { GuestsPageRequest } from "../../bindings/GuestsPageRequest";
import type { EventRow } from "../../bindings/EventRow";
import type { PreflightReport } from "../../bindings/PreflightReport";
import type { PreflightRequest } from "../../bindings/PreflightRequest";
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
export type { PreflightReport, PreflightRequest };
export type { TemplateEdit } from "../../bindings/TemplateEdit";
export type { EditorIssue } from "../../bindings/EditorIssue";
export type { EdgeCase } from "../../bindings/EdgeCase";

export const studioApi = {
  eventsList: () => call("events_list", { from: null, to: null }),
  guestsPage: (req: GuestsPageRequest) => call("guests_page", req),
  templatesList: (eventId: string) => call("templates_list", { eventId }),
  templateGet: (templateId: string) => call("template_get", { templateId }),
  setup: () => call("studio_setup"),
  preview: (req: PreviewRequest) => call("template_preview", req),
  /** A keystroke's preview answered before the editor draws the key; null = not available
   * now (use `preview`). Throws a command's error as `preview` rejects with it. */
  previewNow: (req: PreviewRequest): PreviewResult | null => callSync("template_preview", req),
  /** Opens `previewNow` (asks Rust once for what the synchronous call needs). */
  prepareSync,
  /** Every attendee of the event merged and checked (the pre-flight panel, usePreflight). */
  preflight: (req: PreflightRequest): Promise<PreflightReport> => call("studio_preflight", req),
  save: (req: TemplateSaveRequest) => call("template_save", req),
  remove: (templateId: string) => call("template_delete", { templateId }),
  draftSave: (req: DraftSaveRequest) => call("draft_save", req),
  draftsList: (eventId: string) => call("drafts_list", { eventId }),
  draftDelete: (templateId: string) => call("draft_delete", { templateId }),
  versions: (templateId: string) => call("template_versions", { templateId }),
  testSend: (req: TestSendRequest) => call("template_test_send", req),
  importText: (eventId: string, text: string) => call("template_import", { eventId, text }),
  exportJson: (req: TemplateExportRequest) => call("template_export", req),
  /** Native save dialog, Rust writes the file; null = cancelled. */
  exportFile: (req: TemplateExportFileRequest) => call("template_export_file", req),
  /** Native open dialog, Rust reads and parses the file; null = cancelled. */
  importFile: (eventId: string) => call("template_import_file", { eventId }),
  testAttendees: (eventId: string) => call("test_attendees_find", { eventId }),
  removeTestAttendees: (eventId: string, ids: string[]) => call("test_attendees_remove", { eventId, ids }),
};

export type StudioApi = typeof studioApi;
