// The bulk resend commands (src-tauri/core/src/ops/bulk/) plus its `bulk-progress` event.
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import { call } from "../../api";
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
  eventTemplates: (eventId: string) => call<TemplateOption[]>("event_templates", { req: { eventId } }),
  preview: (req: BulkSelection) => call<BulkPreview>("bulk_preview", { req }),
  start: (req: BulkSelection) => call<BulkStatus>("bulk_start", { req }),
  pause: () => call<BulkStatus>("bulk_pause"),
  resume: () => call<BulkStatus>("bulk_resume"),
  cancel: () => call<BulkStatus>("bulk_cancel"),
  status: () => call<BulkStatus | null>("bulk_status"),
  unfinished: () => call<BulkUnfinished[]>("bulk_unfinished"),
  continueJob: (jobId: string) => call<BulkStatus>("bulk_continue", { req: { jobId } }),
  discard: (jobId: string) => call<null>("bulk_discard", { req: { jobId } }),
  selectFiltered: (req: BulkFilterRequest) => call<string[]>("bulk_select_filtered", { req }),
  /** Every step of the runner, pushed from Rust. */
  onProgress: (f: (s: BulkStatus) => void): Promise<UnlistenFn> =>
    listen<BulkStatus>("bulk-progress", (e) => {
      f(e.payload);
    }),
};

export type BulkApi = typeof bulkApi;

/** "about 4 s", "about 2 min", "about 1 min 30 s". */
export function etaText(seconds: number): string {
  const s = Math.max(0, Math.ceil(seconds));
  if (s < 60) return `about ${s} s`;
  const m = Math.floor(s / 60);
  const rest = s % 60;
  return rest ? `about ${m} min ${rest} s` : `about ${m} min`;
}

/** Items the runner has settled (sent, failed, unknown, cancelled). */
export function settled(s: BulkStatus): number {
  const c = s.progress.counts;
  return c.done + c.failed + c.outcomeUnknown + c.cancelled;
}
