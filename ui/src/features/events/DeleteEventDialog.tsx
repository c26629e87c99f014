import { ErrorNotice } from "../../components/ErrorNotice";
import { useConfirmedDelete } from "../../components/useConfirmedDelete";
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
  const { busy, error, keep, confirm } = useConfirmedDelete(event.id, api.remove, onClose, onDeleted);

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
          <button type="button" ref={keep} className="btn btn-secondary" onClick={onClose}>
            Keep it
          </button>
          <button
            type="button"
            className="btn btn-danger-solid"
            data-testid="event-delete-yes"
            disabled={busy}
            onClick={confirm}
          >
            {busy ? "Deleting…" : `Delete ${event.title}`}
          </button>
        </div>
      </div>
    </div>
  );
}
