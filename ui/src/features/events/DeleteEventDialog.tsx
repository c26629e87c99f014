import { useEffect, useRef, useState } from "react";
import { errorBody, type ErrorBody } from "../../api";
import { ErrorNotice } from "../../components/ErrorNotice";
import { plural } from "../../format";
import type { EventRow, EventsApi } from "./api";
import "./events.css";

interface Props {
  event: EventRow;
  api: Pick<EventsApi, "remove">;
  onClose: () => void;
  onDeleted: (id: string) => void;
}

/** Delete, after a confirmation that names the event and says what goes with it. */
export function DeleteEventDialog({ event, api, onClose, onDeleted }: Props) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorBody | null>(null);
  const cancel = useRef<HTMLButtonElement>(null);

  // Parents pass a fresh onClose each render: read it through a ref so focus is set once.
  const close = useRef(onClose);
  useEffect(() => {
    close.current = onClose;
  });
  useEffect(() => {
    // The safe choice has the focus.
    cancel.current?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape") close.current();
    };
    document.addEventListener("keydown", onKey);
    return () => {
      document.removeEventListener("keydown", onKey);
    };
  }, []);

  async function remove() {
    setBusy(true);
    setError(null);
    try {
      await api.remove(event.id);
      onDeleted(event.id);
    } catch (e) {
      setError(errorBody(e));
      setBusy(false);
    }
  }

  const attendees =
    event.attendeeCount === null
      ? "its attendees and its email templates"
      : event.attendeeCount === 0
        ? "its email templates (it has no attendees)"
        : `its ${plural(event.attendeeCount, "attendee")} and its email templates`;

  return (
    <div className="ev-backdrop">
      <div className="ev-modal" role="alertdialog" aria-label={`Delete ${event.title}`} data-testid="event-delete-confirm">
        <h2>
          Delete “<span data-testid="event-delete-name">{event.title}</span>”?
        </h2>
        <p>
          Qflow deletes the event together with {attendees}. This cannot be undone.
        </p>
        {event.when && <p className="muted small">{event.when}</p>}
        {error && <ErrorNotice error={error} />}
        <div className="ev-actions">
          <button type="button" ref={cancel} className="btn btn-secondary" onClick={onClose}>
            Keep it
          </button>
          <button
            type="button"
            className="btn ev-danger"
            data-testid="event-delete-yes"
            disabled={busy}
            onClick={() => {
              void remove();
            }}
          >
            {busy ? "Deleting…" : `Delete ${event.title}`}
          </button>
        </div>
      </div>
    </div>
  );
}
