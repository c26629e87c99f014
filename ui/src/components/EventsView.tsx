import { useEffect, useState } from "react";
import { errorBody, type Api, type ErrorBody, type EventRow } from "../api";
import { formatEventRange, plural } from "../format";
import { AttendeeTable } from "./AttendeeTable";
import { ErrorNotice } from "./ErrorNotice";

interface Props {
  api: Pick<Api, "eventsList" | "attendeeCounts" | "guestsPage">;
}

/** The next event still to finish (by its local end time against today's date), else the first. */
export function defaultEvent(rows: EventRow[], today = new Date()): string | null {
  const pad = (n: number) => String(n).padStart(2, "0");
  const day = `${today.getFullYear()}-${pad(today.getMonth() + 1)}-${pad(today.getDate())}`;
  return (rows.find((r) => r.endTime.slice(0, 10) >= day) ?? rows[0])?.id ?? null;
}

/** Events from 30 days back to 6 months ahead, and the selected event's attendees. */
export function EventsView({ api }: Props) {
  const [events, setEvents] = useState<EventRow[] | null>(null);
  const [error, setError] = useState<ErrorBody | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [reload, setReload] = useState(0);

  useEffect(() => {
    let live = true;
    const alive = () => live;
    api
      .eventsList()
      .then(async (rows) => {
        if (!alive()) return;
        setError(null);
        setEvents(rows);
        setSelected((s) => (s && rows.some((r) => r.id === s) ? s : defaultEvent(rows)));
        // Counts need one request per event: ask for them at background priority, after the list shows.
        const ids = rows.filter((r) => r.attendeeCount === null).slice(0, 25).map((r) => r.id);
        if (ids.length === 0) return;
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
  }, [api, reload]);

  const event = events?.find((e) => e.id === selected) ?? null;

  return (
    <div className="events-view">
      <section className="events-pane" aria-label="Events">
        <div className="pane-header">
          <h1>Events</h1>
          <button type="button" className="btn btn-ghost btn-small" data-testid="events-refresh" onClick={() => { setReload((n) => n + 1); }}>
            Refresh
          </button>
        </div>
        <p className="muted small pane-subtitle">From 30 days ago to 6 months ahead</p>
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
                  <span className="event-when muted small">{formatEventRange(e.startTime, e.endTime)}</span>
                  <span className="event-meta small">
                    <span className="muted">{e.timeZoneId}</span>
                    <span className="event-count" data-testid="event-count">
                      {e.attendeeCount === null ? "…" : plural(e.attendeeCount, "attendee")}
                    </span>
                  </span>
                </button>
              </li>
            ))}
          </ul>
        )}
      </section>
      <section className="attendees-pane" aria-label="Attendees">
        {event ? (
          <AttendeeTable key={event.id} event={event} api={api} />
        ) : (
          events && events.length > 0 && <p className="muted pad">Select an event.</p>
        )}
      </section>
    </div>
  );
}
