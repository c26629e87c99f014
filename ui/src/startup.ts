// Start-up: the events list and the first attendee window are asked for while the app still
// shows its splash, so the desk's first frame already has rows (with `--demo`, Rust has loaded
// that list by then). The screens take these answers instead of asking again; anything not
// taken (another event chosen, another filter) is simply not used.
import type { Api, EventRow, GuestsPage } from "./api";
import type { GuestsPageRequest } from "./bindings/GuestsPageRequest";

type DeskApi = Pick<Api, "eventsList" | "guestsPage">;

interface Preloaded {
  range: string;
  events: Promise<EventRow[]>;
  eventsValue: EventRow[] | null;
  page: string | null;
  pageValue: GuestsPage | null;
}

// Per api object: tests give every render its own.
const preloaded = new WeakMap<object, Preloaded>();

const rangeKey = (r: { from: string; to: string }) => `${r.from}|${r.to}`;
const pageKey = (r: GuestsPageRequest) =>
  JSON.stringify([r.eventId, r.query, r.offset, r.limit, r.refresh, r.checkedIn ?? null, r.tag ?? null]);

/** The first window's request, as the attendee table makes it. */
export function firstPageRequest(eventId: string, limit: number): GuestsPageRequest {
  return { eventId, query: "", offset: 0, limit, refresh: false };
}

/** Ask for the events in `range`, then the first `pageSize` attendees of the event `pick`
 * chooses. Resolves when both are in (true), or one failed (false: the screens then ask again
 * themselves). */
export async function preloadDesk(
  api: DeskApi,
  range: { from: string; to: string },
  pageSize: number,
  pick: (rows: EventRow[]) => string | null,
): Promise<boolean> {
  const events = api.eventsList({ from: range.from, to: range.to });
  const entry: Preloaded = { range: rangeKey(range), events, eventsValue: null, page: null, pageValue: null };
  preloaded.set(api, entry);
  try {
    const rows = await events;
    entry.eventsValue = rows;
    const id = pick(rows);
    if (!id) return true;
    const req = firstPageRequest(id, pageSize);
    entry.pageValue = await api.guestsPage(req);
    entry.page = pageKey(req);
    return true;
  } catch {
    // The screens ask again and show the error themselves.
    if (preloaded.get(api) === entry) preloaded.delete(api);
    return false;
  }
}

/** The preloaded events list for `range`, once: its answer (maybe still coming) or null. */
export function takeEvents(api: object, range: { from: string; to: string }): Promise<EventRow[]> | null {
  const e = preloaded.get(api);
  if (!e || e.range !== rangeKey(range)) return null;
  e.range = "";
  return e.events;
}

/** The events list if it is already in (for the first render). */
export function peekEvents(api: object, range: { from: string; to: string }): EventRow[] | null {
  const e = preloaded.get(api);
  return e && e.range === rangeKey(range) ? e.eventsValue : null;
}

/** The first attendee window if it is in and matches `req` (for the first render). */
export function peekPage(api: object, req: GuestsPageRequest): GuestsPage | null {
  const e = preloaded.get(api);
  return e && e.page === pageKey(req) ? e.pageValue : null;
}

/** Used: later mounts ask Rust again (its cache answers). */
export function dropPage(api: object) {
  const e = preloaded.get(api);
  if (e) {
    e.page = null;
    e.pageValue = null;
  }
}

/** A start-up milestone for tests/bench (a performance mark), the first time only. */
export function markOnce(name: string) {
  if (performance.getEntriesByName(name, "mark").length === 0) performance.mark(name);
}
