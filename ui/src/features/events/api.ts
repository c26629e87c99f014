// Typed wrappers for the event commands (src-tauri/app/events.rs).
import { call, type EventRow } from "../../api";
import type { EventForm } from "../../bindings/EventForm";
import type { ZoneInfo } from "../../bindings/ZoneInfo";
import type { ZoneSearchResult } from "../../bindings/ZoneSearchResult";

export type { EventForm, EventRow, ZoneInfo, ZoneSearchResult };

export const eventsApi = {
  create: (req: EventForm) => call("event_create", req),
  update: (req: EventForm) => call("event_update", req),
  remove: (id: string) => call("event_delete", { id }),
  zones: (query: string, limit?: number) => call("zones_search", { query, limit }),
};

export type EventsApi = typeof eventsApi;
