import { useEffect, useRef, useState } from "react";
import { codeIs, errorBody, type ErrorBody } from "../../api";
import { ErrorNotice } from "../../components/ErrorNotice";
import type { EventRow, EventsApi } from "./api";
import { ZonePicker } from "./ZonePicker";
import "./events.css";
import { useFocusTrap } from "../useFocusTrap";

interface Props {
  /** The event to edit; none = create. */
  event?: EventRow | null;
  api: Pick<EventsApi, "create" | "update" | "zones">;
  onClose: () => void;
  onSaved: (row: EventRow) => void;
  /** For tests: today and the viewer's zone. */
  now?: Date;
  defaultZone?: string;
}

const pad = (n: number) => String(n).padStart(2, "0");

/** "2026-06-01T10:00:00" → "2026-06-01 10:00" (the form's format; still the event's wall time). */
export function toFormTime(wire: string): string {
  return wire.replace("T", " ").slice(0, 16);
}

function tomorrowAt(now: Date, hour: number): string {
  const d = new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(hour)}:00`;
}

function viewerZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  } catch {
    return "UTC";
  }
}

/** Create or edit an event. Times are typed as the event's local wall time and read in the
 * chosen zone; Rust validates (field + reason) before any request. A new event's id is made
 * once per form, so saving again after a lost answer never creates a second event. */
export function EventFormDialog({ event = null, api, onClose, onSaved, now = new Date(), defaultZone }: Props) {
  const dialogRef = useRef<HTMLFormElement>(null);
  useFocusTrap(dialogRef);
  const [id] = useState(() => event?.id ?? crypto.randomUUID());
  const [form, setForm] = useState(() => ({
    title: event?.title ?? "",
    startTime: event ? toFormTime(event.startTime) : tomorrowAt(now, 9),
    endTime: event ? toFormTime(event.endTime) : tomorrowAt(now, 17),
    timeZoneId: event?.timeZoneId ?? defaultZone ?? viewerZone(),
  }));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorBody | null>(null);
  const first = useRef<HTMLInputElement>(null);

  // Parents pass a fresh onClose each render: read it through a ref so focus is set once.
  const close = useRef(onClose);
  useEffect(() => {
    close.current = onClose;
  });
  useEffect(() => {
    first.current?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape") close.current();
    };
    document.addEventListener("keydown", onKey);
    return () => {
      document.removeEventListener("keydown", onKey);
    };
  }, []);

  const set = (k: "title" | "startTime" | "endTime") => (e: { target: { value: string } }) => {
    setForm({ ...form, [k]: e.target.value });
    // The complaint was about this field: it is being fixed.
    if (error?.field === k) setError(null);
  };

  async function submit() {
    setBusy(true);
    setError(null);
    try {
      const req = { id, ...form };
      const row = event ? await api.update(req) : await api.create(req);
      onSaved(row);
    } catch (e) {
      setError(errorBody(e));
    } finally {
      setBusy(false);
    }
  }

  const bad = (field: string) => (error?.field === field ? " field-invalid" : "");
  const verb = event ? "Save changes" : "Create event";

  return (
    <div className="ev-backdrop">
      <form
        className="ev-modal"
        ref={dialogRef} role="dialog"
        aria-label={event ? "Edit event" : "New event"}
        data-testid="event-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (!busy) void submit();
        }}
      >
        <h2>{event ? "Edit event" : "New event"}</h2>
        <div className="ev-grid">
          <div className={`field ev-wide${bad("title")}`}>
            <label htmlFor="event-title">Title</label>
            <input id="event-title" ref={first} data-testid="event-title" value={form.title} onChange={set("title")} />
          </div>
          <div className={`field${bad("startTime")}`}>
            <label htmlFor="event-start">Starts</label>
            <input id="event-start" data-testid="event-start" placeholder="2026-06-01 10:00" value={form.startTime} onChange={set("startTime")} />
          </div>
          <div className={`field${bad("endTime")}`}>
            <label htmlFor="event-end">Ends</label>
            <input id="event-end" data-testid="event-end" placeholder="2026-06-01 22:00" value={form.endTime} onChange={set("endTime")} />
          </div>
          <span className="hint ev-wide">Local time at the event (YYYY-MM-DD HH:MM), read in the time zone below.</span>
          <div className={`field ev-wide${bad("timeZoneId")}`}>
            <label htmlFor="event-zone">Time zone</label>
            <ZonePicker
              api={api}
              value={form.timeZoneId}
              invalid={error?.field === "timeZoneId"}
              onChange={(timeZoneId) => {
                setForm((f) => ({ ...f, timeZoneId }));
                if (error?.field === "timeZoneId") setError(null);
              }}
            />
          </div>
        </div>
        {error && <ErrorNotice error={error} />}
        {error && codeIs(error.code, "outcome_unknown") && (
          <p className="hint" data-testid="event-retry-safe">
            Saving again is safe: this form keeps the same event id, so it cannot create a second event.
          </p>
        )}
        <div className="ev-actions">
          <button type="button" className="btn btn-secondary" data-testid="event-cancel" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" data-testid="event-save" disabled={busy}>
            {busy ? "Saving…" : verb}
          </button>
        </div>
      </form>
    </div>
  );
}
