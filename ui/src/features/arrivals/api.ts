// The Arrivals commands (src-tauri/core/src/ops/arrivals/); the no-show list is the attendee
// table's page with `checkedIn: false`, filtered and paged in Rust.
import { call } from "../../api";
import type { ArrivalsReport } from "../../bindings/ArrivalsReport";
import type { ResendTarget } from "../../bindings/ResendTarget";

export type { ArrivalsReport, ResendTarget };
export type { ArrivalBucket } from "../../bindings/ArrivalBucket";
export type { ArrivalsCsvWritten } from "../../bindings/ArrivalsCsvWritten";

/** No-show rows per page. */
export const NO_SHOW_PAGE = 50;

export const arrivalsApi = {
  /** `refresh`: Rust reloads the list at most every 30 s; otherwise its cache answers. */
  report: (eventId: string, refresh: boolean) => call("arrivals", { eventId, refresh }),
  select: (eventId: string, target: ResendTarget) => call("arrivals_select", { eventId, target }),
  /** The native save dialog, opened and written by Rust; null when cancelled. */
  exportCsv: (eventId: string) => call("arrivals_export_file", { eventId, refresh: false }),
  noShows: (eventId: string, query: string, offset: number) =>
    call("guests_page", { eventId, query, offset, limit: NO_SHOW_PAGE, refresh: false, checkedIn: false }),
};

export type ArrivalsApi = typeof arrivalsApi;
