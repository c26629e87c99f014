// Typed wrappers for the template studio's commands (src-tauri/app/studio.rs).
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

export type { TestSendRequest, TestSendResult, TemplateImport };
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
  draftSave: (req: DraftSaveRequest) => call<Draft>("draft_save", { req }),
  draftsList: (eventId: string) => call<Draft[]>("drafts_list", { req: { eventId } }),
  draftDelete: (templateId: string) => call<boolean>("draft_delete", { req: { templateId } }),
  versions: (templateId: string) => call<TemplateVersion[]>("template_versions", { req: { templateId } }),
  testSend: (req: TestSendRequest) => call<TestSendResult>("template_test_send", { req }),
  importText: (eventId: string, text: string) => call<TemplateImport>("template_import", { req: { eventId, text } }),
  exportJson: (req: TemplateExportRequest) => call<string>("template_export", { req }),
};

export type StudioApi = typeof studioApi;
