// The attendee import's commands (src-tauri/core/src/ops/importer/) plus its
// `import-progress` event. Every rule (mapping, validation, the dry run) is Rust's.
import type { UnlistenFn } from "@tauri-apps/api/event";
import { call, listenTo } from "../../api";
import type { ImportChoices } from "../../bindings/ImportChoices";
import type { ImportStatus } from "../../bindings/ImportStatus";
import { formatCount } from "../../format";

export type { ImportChoices, ImportStatus };
export type { ImportFile } from "../../bindings/ImportFile";
export type { CsvPreview } from "../../bindings/CsvPreview";
export type { ColumnPreview } from "../../bindings/ColumnPreview";
export type { ImportValidation } from "../../bindings/ImportValidation";
export type { ImportUnfinished } from "../../bindings/ImportUnfinished";
export type { ExistingMode } from "../../bindings/ExistingMode";

export const importApi = {
  pickFile: (eventId: string) => call("import_pick_file", { eventId }),
  preview: (c: ImportChoices) => call("import_preview", c),
  validate: (c: ImportChoices) => call("import_validate", c),
  start: (c: ImportChoices) => call("import_start", c),
  pause: () => call("import_pause"),
  resume: () => call("import_resume"),
  cancel: () => call("import_cancel"),
  status: () => call("import_status"),
  unfinished: () => call("import_unfinished"),
  /** The unfinished imports into this event (offered when its attendee pane opens). */
  unfinishedFor: (eventId: string) => call("import_unfinished_for", { eventId }),
  continueJob: (key: string) => call("import_continue", { key }),
  discard: (key: string) => call("import_discard", { key }),
  saveReport: () => call("import_report_save"),
  /** Every call of the runner, pushed from Rust. */
  onProgress: (f: (s: ImportStatus) => void): Promise<UnlistenFn> => listenTo("import-progress", f),
};

export type ImportApi = typeof importApi;

/** 1992 → "1,992" (the dry run's own line is Rust's). */
export const count = formatCount;
