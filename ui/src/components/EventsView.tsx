import { Suspense, useCallback, useEffect, useRef, useState } from "react";
import { errorBody, type Api, type ErrorBody, type EventRow } from "../api";
import { formatEventRange, plural } from "../format";
import { AttendeeTable } from "./AttendeeTable";
import { ErrorNotice } from "./ErrorNotice";
import { preferredDeskEvent } from "../features/palette/bus";
import { eventsApi as realEventsApi, type EventsApi } from "../features/events/api";
import { RangeBar, defaultRange, type Range } from "../features/events/RangeBar";
import { peekEvents, takeEvents } from "../startup";
import { lazyNamed } from "../lazyNamed";

// Opened on demand: not parsed and run before the desk's first frame.
const EventFormDialog = lazyNamed(() => import("../features/events/EventFormDialog"), "EventFormDialog");
const DeleteEventDialog = lazyNamed(() => import("../features/events/DeleteEventDialog"), "DeleteEventDialog");

interface Props {
  api: Pick<Api, "eventsList" | "attendeeCounts" | "guestsPage">;
  eventsApi?: EventsApi;
}

type Dialog = { kind: "new" } | { kind: "edit" | "delete"; event: EventRow } | null;

/** The event to open first: the one Rust marks (`core::ops::events::default_event`). */
export function defaultEvent(rows: EventRow[]): string | null {
  return rows.find((r) => r.isDefault)?.id ?? null;
}

function settledSignal(): { done: Promise<void>; resolve: () => void } {
  let resolve = () => {};
  const done = new Promise<void>((r) => {
    resolve = r;
  });
  return { done, resolve };
}

/** Events from 30 days back to 6 months ahead, and the selected event's attendees. */
export function EventsView({ api, eventsApi = realEventsApi }: Props) {
  const [range, setRange] = useState<Range>(() => defaultRange());
  // Start-up asked for the list already (startup.ts): the first frame shows it when it is in.
  const [events, setEvents] = useState<EventRow[] | null>(() => peekEvents(api, range));
  const [error, setError] = useState<ErrorBody | null>(null);
  const [selected, setSelected] = useState<string | null>(() =>
    events ? (preferredDeskEvent(events.map((r) => r.id)) ?? defaultEvent(events)) : null,
  );
  const [reload, setReload] = useState(0);
  const [dialog, setDialog] = useState<Dialog>(null);
  // The attendee counts download every event's list: at start-up they wait for the shown
  // event's first rows (or 5 s), so they never compete with them.
  const tableSettled = useRef<{ done: Promise<void>; resolve: () => void } | null>(null);
  tableSettled.current ??= settledSignal();
  const onTableSettled = useCallback(() => {
    tableSettled.current?.resolve();
  }, []);

  useEffect(() => {
    let live = true;
    const alive = () => live;
    (takeEvents(api, range) ?? api.eventsList({ from: range.from, to: range.to }))
      .then(async (rows) => {
        if (!alive()) return;
        setError(null);
        setEvents(rows);
        // Back from another section (or sent by the palette): the event shown before, if listed.
        setSelected((s) => (s && rows.some((r) => r.id === s) ? s : (preferredDeskEvent(rows.map((r) => r.id)) ?? defaultEvent(rows))));
        // Counts need one request per event: ask for them at background priority, after the list shows.
        const ids = rows.filter((r) => r.attendeeCount === null).slice(0, 25).map((r) => r.id);
        if (ids.length === 0) return;
        await Promise.race([tableSettled.current?.done, new Promise((r) => setTimeout(r, 5000))]);
        if (!alive()) return;
        const counts = await api.attendeeCounts({ eventIds: ids });
        if (!alive()) return;
        const byId = new Map(counts.map((c) => [c.eventId, c.count]));
        setEvents((prev) => prev?.map((r) => ({ ...r, attendeeCount: byId.get(r.id) ?? r.attendeeCount })) ?? prev);
      })
      .catch((e: unknown) => {
        if (alive()) setError(errorBody(e));
      });
    return () => {
      live = false;
    };
  }, [api, reload, range]);

  const event = events?.find((e) => e.id === selected) ?? null;

  return (
    <div className="events-view">
      <section className="events-pane" aria-label="Events">
        <div className="pane-header">
          <h1>Events</h1>
          <div className="ev-toolbar">
            <button type="button" className="btn btn-ghost btn-small" data-testid="events-refresh" onClick={() => { setReload((n) => n + 1); }}>
              Refresh
            </button>
            <button type="button" className="btn btn-primary btn-small" data-testid="event-new" onClick={() => { setDialog({ kind: "new" }); }}>
              New event
            </button>
          </div>
        </div>
        <RangeBar range={range} onApply={setRange} />
        {error && <ErrorNotice error={error} />}
        {events === null && !error && <p className="muted pad" data-testid="events-loading">Loading events…</p>}
        {events?.length === 0 && (
          <p className="muted pad" data-testid="events-empty">
            No events in this period.
          </p>
        )}
        {events && events.length > 0 && (
          <ul className="event-list" data-testid="event-list">
            {events.map((e) => (
              <li key={e.id}>
                <button
                  type="button"
                  className={`event-item${e.id === selected ? " event-item-active" : ""}`}
                  data-testid="event-row"
                  data-event-id={e.id}
                  aria-current={e.id === selected ? "true" : undefined}
                  onClick={() => {
                    setSelected(e.id);
                  }}
                >
                  <span className="event-title">{e.title}</span>
                  <span className="event-when muted small" data-testid="event-when">{e.when ?? formatEventRange(e.startTime, e.endTime)}</span>
                  <span className="event-meta small">
                    <span className="muted">{e.when ? "" : e.timeZoneId}</span>
                    <span className="event-count" data-testid="event-count">
                      {e.attendeeCount === null ? "…" : plural(e.attendeeCount, "attendee")}
                    </span>
                  </span>
                </button>
                {e.id === selected && (
                  <div className="ev-selected-actions">
                    <button type="button" className="btn btn-ghost btn-small" data-testid="event-edit" onClick={() => { setDialog({ kind: "edit", event: e }); }}>
                      Edit
                    </button>
                    <button type="button" className="btn btn-ghost btn-small" data-testid="event-delete" onClick={() => { setDialog({ kind: "delete", event: e }); }}>
                      Delete…
                    </button>
                  </div>
                )}
              </li>
            ))}
          </ul>
        )}
      </section>
      <section className="attendees-pane" aria-label="Attendees">
        {event ? (
          <AttendeeTable key={event.id} event={event} api={api} onSettled={onTableSettled} />
        ) : (
          events && events.length > 0 && <p className="muted pad">Select an event.</p>
        )}
      </section>
      {dialog && dialog.kind !== "delete" && (
        <Suspense fallback={null}>
        <EventFormDialog
          event={dialog.kind === "edit" ? dialog.event : null}
          api={eventsApi}
          onClose={() => { setDialog(null); }}
          onSaved={(row) => {
            setDialog(null);
            setSelected(row.id);
            setReload((n) => n + 1);
          }}
        />
        </Suspense>
      )}
      {dialog?.kind === "delete" && (
        <Suspense fallback={null}>
        <DeleteEventDialog
          event={dialog.event}
          api={eventsApi}
          onClose={() => { setDialog(null); }}
          onDeleted={() => {
            setDialog(null);
            setSelected(null);
            setReload((n) => n + 1);
          }}
        />
        </Suspense>
      )}
    </div>
  );
}
