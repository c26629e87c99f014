// The bulk resend commands (src-tauri/core/src/ops/bulk/) plus its `bulk-progress` event.
import type { UnlistenFn } from "@tauri-apps/api/event";
import { call, listenTo } from "../../api";
import type { BulkFilterRequest } from "../../bindings/BulkFilterRequest";
import type { BulkPreview } from "../../bindings/BulkPreview";
import type { BulkSelection } from "../../bindings/BulkSelection";
import type { BulkStatus } from "../../bindings/BulkStatus";
import type { BulkUnfinished } from "../../bindings/BulkUnfinished";
import type { TemplateOption } from "../../bindings/TemplateOption";

export type { BulkFilterRequest, BulkPreview, BulkSelection, BulkStatus, BulkUnfinished, TemplateOption };
export type { BulkProblem } from "../../bindings/BulkProblem";
export type { BulkRecent } from "../../bindings/BulkRecent";

export const bulkApi = {
  eventTemplates: (eventId: string) => call("event_templates", { eventId }),
  preview: (req: BulkSelection) => call("bulk_preview", req),
  start: (req: BulkSelection) => call("bulk_start", req),
  pause: () => call("bulk_pause"),
  resume: () => call("bulk_resume"),
  cancel: () => call("bulk_cancel"),
  status: () => call("bulk_status"),
  unfinished: () => call("bulk_unfinished"),
  continueJob: (jobId: string) => call("bulk_continue", { jobId }),
  discard: (jobId: string) => call("bulk_discard", { jobId }),
  selectFiltered: (req: BulkFilterRequest) => call("bulk_select_filtered", req),
  /** Every step of the runner, pushed from Rust. */
  onProgress: (f: (s: BulkStatus) => void): Promise<UnlistenFn> =>
    listenTo("bulk-progress", f),
};

export type BulkApi = typeof bulkApi;

/** Items the runner has settled (sent, failed, unknown, cancelled). */
export function settled(s: BulkStatus): number {
  const c = s.progress.counts;
  return c.done + c.failed + c.outcomeUnknown + c.cancelled;
}
