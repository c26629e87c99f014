import { useCallback, useEffect, useRef, useState } from "react";
import { errorBody, type ErrorBody } from "../../api";
import { ErrorNotice } from "../../components/ErrorNotice";
import type { DeskApi, GuestDetail, GuestEdit, HistoryItem } from "./api";
import { DeliveryTimeline } from "./DeliveryTimeline";
import { formatInstant } from "./format";
import { ResendTicket } from "./ResendTicket";
import { DoorMode } from "../door/DoorMode";
import { appOfflineMonitor } from "../offline/api";
import { OFFLINE_TITLE, useOfflineState } from "../offline/offline";

interface Props {
  guestId: string;
  eventTitle: string;
  api: DeskApi;
  onClose: () => void;
  /** The attendee changed or was deleted: the table reloads its page. */
  onChanged: () => void;
}

function editOf(g: GuestDetail): GuestEdit {
  return {
    id: g.id,
    firstName: g.firstName,
    lastName: g.lastName,
    otherNames: g.otherNames ?? "",
    email: g.email,
    tags: g.tags ?? "",
    additionalInfo: g.additionalInfo ?? "",
    plusOnes: g.plusOnes === null ? "" : String(g.plusOnes),
  };
}

/** How often the open panel re-reads the attendee's delivery timeline from the local store. */
export const HISTORY_POLL_MS = 1500;

const EDIT_FIELDS: { key: keyof GuestEdit; label: string; type?: string }[] = [
  { key: "firstName", label: "First name" },
  { key: "lastName", label: "Last name" },
  { key: "otherNames", label: "Other names" },
  { key: "email", label: "Email", type: "email" },
  { key: "tags", label: "Tags (comma-separated)" },
  { key: "plusOnes", label: "Plus-ones" },
  { key: "additionalInfo", label: "Notes" },
];

/** The attendee's detail panel: every field, edit, check-in, delete, QR, resend and history.
 * Mount with `key={guestId}`: a new attendee is a new panel. */
export function AttendeePanel({ guestId, eventTitle, api, onClose, onChanged }: Props) {
  const [guest, setGuest] = useState<GuestDetail | null>(null);
  const [error, setError] = useState<ErrorBody | null>(null);
  const [history, setHistory] = useState<HistoryItem[]>([]);
  const [edit, setEdit] = useState<GuestEdit | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [door, setDoor] = useState(false);
  // Offline: what is shown stays, read-only; typed edits stay in the form until it is back.
  const offline = useOfflineState(appOfflineMonitor()).offline;
  const closeDoor = useCallback(() => {
    setDoor(false);
  }, []);
  const panelRef = useRef<HTMLElement>(null);

  const loadHistory = useCallback(() => {
    api
      .guestHistory(guestId)
      // Polled: keep the same array when nothing changed, so nothing re-renders.
      .then((h) => {
        setHistory((old) => (JSON.stringify(old) === JSON.stringify(h) ? old : h));
      })
      .catch(() => {});
  }, [api, guestId]);

  useEffect(() => {
    let live = true;
    api
      .guestDetail(guestId)
      .then((g) => {
        if (live) setGuest(g);
      })
      .catch((e: unknown) => {
        if (live) setError(errorBody(e));
      });
    loadHistory();
    return () => {
      live = false;
    };
  }, [api, guestId, loadHistory]);

  // Delivery events arrive by webhook into the local store: re-read it while the panel is open
  // (no request to Qflow); closing the panel unmounts it and stops this.
  useEffect(() => {
    const timer = window.setInterval(loadHistory, HISTORY_POLL_MS);
    return () => {
      window.clearInterval(timer);
    };
  }, [loadHistory]);

  useEffect(() => {
    panelRef.current?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape") {
        e.preventDefault();
        onClose();
      }
    };
    document.addEventListener("keydown", onKey);
    return () => {
      document.removeEventListener("keydown", onKey);
    };
  }, [onClose]);

  async function run(label: string, action: () => Promise<GuestDetail | null>) {
    setBusy(label);
    setError(null);
    try {
      const g = await action();
      if (g) setGuest(g);
      onChanged();
      return true;
    } catch (e) {
      setError(errorBody(e));
      return false;
    } finally {
      setBusy(null);
    }
  }

  const name = guest ? `${guest.firstName} ${guest.lastName}` : "";

  return (
    <aside className="panel" aria-label="Attendee" data-testid="attendee-panel" tabIndex={-1} ref={panelRef}>
      {door && guest && <DoorMode ticket={guest} eventTitle={eventTitle} onClose={closeDoor} />}
      <div className="panel-head">
        <div>
          <h2 data-testid="panel-name">{guest ? name : "Attendee"}</h2>
          {guest && <p className="muted small">{guest.email}</p>}
        </div>
        <button type="button" className="btn btn-ghost btn-small" data-testid="panel-close" onClick={onClose} aria-label="Close (Esc)">
          Close
        </button>
      </div>
      {error && <ErrorNotice error={error} />}
      {!guest && !error && <p className="muted pad">Loading…</p>}
      {guest && (
        <div className="panel-body">
          <section className="panel-section panel-ticket">
            {guest.qrDataUrl ? (
              <img className="qr" src={guest.qrDataUrl} alt={`QR code of barcode ${guest.barcode ?? ""}`} data-testid="panel-qr" width={132} height={132} />
            ) : (
              <div className="qr qr-empty muted small">No barcode</div>
            )}
            <div className="ticket-side">
              <div className="mono ticket-barcode" data-testid="panel-barcode">
                {guest.barcode ?? "—"}
              </div>
              <div className="ticket-status" data-testid="panel-checkin-state">
                {guest.checkedIn ? (
                  <span className="status-in">Checked in{guest.checkInTime ? ` · ${formatInstant(guest.checkInTime)}` : ""}</span>
                ) : (
                  <span className="muted">Not checked in</span>
                )}
              </div>
              <div className="panel-actions">
                <button
                  type="button"
                  className={`btn ${guest.checkedIn ? "btn-secondary" : "btn-primary"}`}
                  data-testid="checkin-toggle"
                  disabled={busy !== null || offline}
                  title={offline ? OFFLINE_TITLE : undefined}
                  onClick={() => void run("checkin", () => api.guestCheckIn({ guestId: guest.id, checkedIn: !guest.checkedIn }))}
                >
                  {busy === "checkin" ? "Saving…" : guest.checkedIn ? "Check out" : "Check in"}
                </button>
                {!edit && (
                  <button type="button" className="btn btn-secondary" data-testid="edit-start" disabled={busy !== null} onClick={() => { setEdit(editOf(guest)); }}>
                    Edit
                  </button>
                )}
                <button type="button" className="btn btn-secondary" data-testid="door-open" title="The ticket QR full-screen, for scanning at the door" onClick={() => { setDoor(true); }}>
                  Door mode
                </button>
                <button type="button" className="btn btn-ghost btn-danger" data-testid="delete-start" disabled={busy !== null} onClick={() => { setConfirmDelete(true); }}>
                  Delete…
                </button>
              </div>
            </div>
          </section>

          {confirmDelete && (
            <div className="confirm-box confirm-danger" role="alertdialog" aria-label="Confirm delete" data-testid="delete-confirm">
              <p>
                Delete <strong>{name}</strong> ({guest.email}) from {eventTitle}? Their ticket stops working. This cannot be undone.
              </p>
              <div className="resend-actions">
                <button type="button" className="btn btn-secondary" onClick={() => { setConfirmDelete(false); }}>
                  Cancel
                </button>
                <button
                  type="button"
                  className="btn btn-danger-solid"
                  data-testid="delete-confirm-button"
                  disabled={busy !== null || offline}
                  title={offline ? OFFLINE_TITLE : undefined}
                  onClick={() =>
                    void run("delete", async () => {
                      await api.guestDelete(guest.id);
                      return null;
                    }).then((ok) => {
                      if (ok) onClose();
                    })
                  }
                >
                  {busy === "delete" ? "Deleting…" : `Delete ${name}`}
                </button>
              </div>
            </div>
          )}

          {edit ? (
            <form
              className="panel-section edit-form"
              data-testid="edit-form"
              onSubmit={(e) => {
                e.preventDefault();
                void run("save", () => api.guestSave(edit)).then((ok) => {
                  if (ok) setEdit(null);
                });
              }}
            >
              {EDIT_FIELDS.map((f) => (
                <div key={f.key} className={`field${error?.field === f.key ? " field-invalid" : ""}`}>
                  <label htmlFor={`edit-${f.key}`}>{f.label}</label>
                  <input
                    id={`edit-${f.key}`}
                    type={f.type ?? "text"}
                    data-testid={`edit-${f.key}`}
                    value={edit[f.key]}
                    onChange={(e) => {
                      setEdit({ ...edit, [f.key]: e.target.value });
                    }}
                  />
                </div>
              ))}
              <p className="hint">Fields not shown here (including ones this version doesn’t know) are kept as they are.</p>
              <div className="resend-actions">
                <button type="button" className="btn btn-secondary" onClick={() => { setEdit(null); }}>
                  Cancel
                </button>
                <button type="submit" className="btn btn-primary" data-testid="edit-save" disabled={busy !== null || offline} title={offline ? OFFLINE_TITLE : undefined}>
                  {busy === "save" ? "Saving…" : "Save"}
                </button>
              </div>
            </form>
          ) : (
            <section className="panel-section">
              <dl className="fields" data-testid="panel-fields">
                <Field label="Other names" value={guest.otherNames} />
                <Field label="Tags" value={guest.tags} />
                <Field label="Tickets" value={guest.tickets} />
                <Field label="Sessions" value={guest.sessions} />
                <Field label="Plus-ones" value={guest.plusOnes === null ? null : String(guest.plusOnes)} />
                <Field label="Notes" value={guest.additionalInfo} />
                {guest.customFields.map((v, i) => (
                  <Field key={`v${String(i)}`} label={`Custom field ${String(i + 1)}`} value={v} />
                ))}
                <Field label="Attendee id" value={guest.id} mono />
              </dl>
              {guest.extra.length > 0 && (
                <>
                  <h3 className="panel-h3">Other fields (read-only)</h3>
                  <dl className="fields" data-testid="panel-extra">
                    {guest.extra.map((f) => (
                      <Field key={f.name} label={f.name} value={f.value} mono />
                    ))}
                  </dl>
                </>
              )}
            </section>
          )}

          <section className="panel-section">
            <h3 className="panel-h3">Resend ticket</h3>
            <ResendTicket
              key={guest.id}
              guest={guest}
              api={api}
              onSent={() => {
                loadHistory();
                onChanged();
                api.guestDetail(guest.id).then(setGuest).catch(() => {});
              }}
            />
          </section>

          <section className="panel-section">
            <h3 className="panel-h3">Delivery timeline</h3>
            <DeliveryTimeline history={history} />
          </section>
        </div>
      )}
    </aside>
  );
}

function Field({ label, value, mono = false }: { label: string; value: string | null; mono?: boolean }) {
  return (
    <>
      <dt>{label}</dt>
      <dd className={mono ? "mono" : undefined}>{value === null || value === "" ? <span className="muted">—</span> : value}</dd>
    </>
  );
}
