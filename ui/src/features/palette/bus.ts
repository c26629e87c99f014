// How the palette reaches the attendee table without owning it: the table announces the event
// it shows and takes requests (open this attendee, search for this) when it is mounted, or on
// its next mount if the palette had to switch sections first.
import { useEffect, useRef } from "react";

export interface DeskEvent {
  id: string;
  title: string;
}

export type DeskRequest = { kind: "open"; eventId: string; guestId: string } | { kind: "search"; query: string };

interface Table {
  event: DeskEvent;
  handle: (r: DeskRequest) => void;
}

let table: Table | null = null;
let lastEvent: DeskEvent | null = null;
let pending: DeskRequest | null = null;

/** The event whose attendees the palette searches: the one shown now, or shown last. */
export function currentDeskEvent(): DeskEvent | null {
  return table?.event ?? lastEvent;
}

/** Called by the attendee table while mounted; answers the unregister function. */
export function attachDeskTable(event: DeskEvent, handle: (r: DeskRequest) => void): () => void {
  const mine: Table = { event, handle };
  table = mine;
  lastEvent = event;
  const p = pending;
  if (p && (p.kind === "search" || p.eventId === event.id)) {
    pending = null;
    handle(p);
  }
  return () => {
    if (table === mine) table = null;
  };
}

/** Hand `r` to the table now, or keep it for the table's next mount. */
export function sendDeskRequest(r: DeskRequest) {
  if (table && (r.kind === "search" || r.eventId === table.event.id)) {
    pending = null;
    table.handle(r);
  } else {
    pending = r;
  }
}

/** The event a pending request wants shown (EventsView selects it when it loads). */
export function pendingDeskEventId(): string | null {
  return pending?.kind === "open" ? pending.eventId : null;
}

/** Tests: forget everything. */
export function resetDeskBus() {
  table = null;
  lastEvent = null;
  pending = null;
}

/** Of `ids`, the event to show when the events list (re)loads: the one a pending request
 * wants, else the one shown last; null when neither is in the list. */
export function preferredDeskEvent(ids: string[]): string | null {
  const want = pendingDeskEventId() ?? lastEvent?.id ?? null;
  return want !== null && ids.includes(want) ? want : null;
}

/** For the attendee table: announce `event` while mounted and take the palette's requests. */
export function useDeskTable(event: DeskEvent, handle: (r: DeskRequest) => void) {
  const latest = useRef(handle);
  useEffect(() => {
    latest.current = handle;
  });
  const { id, title } = event;
  useEffect(
    () =>
      attachDeskTable({ id, title }, (r) => {
        latest.current(r);
      }),
    [id, title],
  );
}
