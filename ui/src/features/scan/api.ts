// Typed wrappers for the scan-to-check-in commands (core ops::checkin).
import { call, listenTo } from "../../api";
import type { ScanAnswer } from "../../bindings/ScanAnswer";
import type { ScanProblem } from "../../bindings/ScanProblem";
import type { ScanQueue } from "../../bindings/ScanQueue";
import type { ScanStatus } from "../../bindings/ScanStatus";
import type { ScanUpdate } from "../../bindings/ScanUpdate";

export type { ScanAnswer, ScanProblem, ScanQueue, ScanStatus, ScanUpdate };

export const scanApi = {
  open: (eventId: string) => call("scan_open", { eventId }),
  close: () => call("scan_close"),
  scan: (eventId: string, barcode: string) => call("scan_barcode", { eventId, barcode }),
  undo: (id: number) => call("scan_undo", { id }),
  status: (eventId: string) => call("scan_status", { eventId }),
  dismiss: (id: number) => call("scan_dismiss", { id }),
  queue: () => call("scan_queue"),
  onUpdate: (f: (u: ScanUpdate) => void) => listenTo("scan-update", f),
};

export type ScanApi = typeof scanApi;
