// The selection bar under the attendee toolbar: template, "Resend to selected", the confirm
// step (count, ETA, attendees sent this template in the last 10 minutes), then the progress.
import { useEffect, useRef, useState } from "react";
import { errorBody, type ErrorBody } from "../../api";
import { ErrorNotice } from "../../components/ErrorNotice";
import { BulkProgressDialog } from "./BulkProgress";
import { etaText } from "../jobs/eta";
import { bulkApi as realApi, type BulkApi, type BulkPreview, type BulkStatus, type TemplateOption } from "./api";
import "./bulk.css";
import { formatCount } from "../../format";
import { useFocusTrap } from "../useFocusTrap";

interface Props {
  eventId: string;
  selected: ReadonlySet<string>;
  onClear: () => void;
  /** A job ended: the table's status column has new sends to show. */
  onDone: () => void;
  api?: BulkApi;
}

export function BulkResend({ eventId, selected, onClear, onDone, api = realApi }: Props) {
  const dialogRef = useRef<HTMLDivElement>(null);
  const [templates, setTemplates] = useState<TemplateOption[] | null>(null);
  const [templateId, setTemplateId] = useState("");
  const [preview, setPreview] = useState<BulkPreview | null>(null);
  useFocusTrap(dialogRef, preview !== null);
  const [includeRecent, setIncludeRecent] = useState(false);
  const [running, setRunning] = useState<BulkStatus | null>(null);
  const [error, setError] = useState<ErrorBody | null>(null);
  const [busy, setBusy] = useState(false);
  const count = selected.size;

  useEffect(() => {
    if (count === 0 || templates) return;
    let live = true;
    api
      .eventTemplates(eventId)
      .then((list) => {
        if (!live) return;
        setTemplates(list);
        setTemplateId((t) => t || (list[0]?.id ?? ""));
      })
      .catch((e: unknown) => {
        if (live) setError(errorBody(e));
      });
    return () => {
      live = false;
    };
  }, [api, eventId, count, templates]);

  // Esc leaves the review dialog (as "Back" does).
  const reviewing = preview !== null && !running;
  useEffect(() => {
    if (!reviewing) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape") {
        setPreview(null);
        setError(null);
      }
    };
    document.addEventListener("keydown", onKey);
    return () => {
      document.removeEventListener("keydown", onKey);
    };
  }, [reviewing]);

  const selection = () => ({ eventId, guestIds: [...selected], templateId, includeRecent });

  const review = () => {
    setBusy(true);
    setIncludeRecent(false);
    api
      .preview({ ...selection(), includeRecent: false })
      .then((p) => {
        setPreview(p);
        setError(null);
      })
      .catch((e: unknown) => {
        setError(errorBody(e));
      })
      .finally(() => {
        setBusy(false);
      });
  };

  const start = () => {
    setBusy(true);
    api
      .start(selection())
      .then((s) => {
        setPreview(null);
        setRunning(s);
        setError(null);
      })
      .catch((e: unknown) => {
        setError(errorBody(e));
      })
      .finally(() => {
        setBusy(false);
      });
  };

  if (count === 0 && !running) return null;
  const toSend = preview ? (includeRecent ? preview.selected : preview.toSend) : 0;

  return (
    <>
      {count > 0 && (
        <div className="bulk-selection" data-testid="bulk-bar" role="region" aria-label="Selected attendees">
          <strong data-testid="bulk-selected">{formatCount(count)} selected</strong>
          <select
            className="filter"
            aria-label="Template to send"
            data-testid="bulk-template"
            value={templateId}
            onChange={(e) => {
              setTemplateId(e.target.value);
            }}
          >
            {!templates && <option value="">Loading templates…</option>}
            {templates?.map((t) => (
              <option key={t.id} value={t.id}>
                {t.name}
              </option>
            ))}
          </select>
          <button type="button" className="btn btn-primary btn-small" data-testid="bulk-review" disabled={!templateId || busy} onClick={review}>
            Resend to selected
          </button>
          <button type="button" className="btn btn-ghost btn-small" data-testid="bulk-clear" onClick={onClear}>
            Clear selection
          </button>
          {error && !preview && <ErrorNotice error={error} />}
        </div>
      )}
      {preview && (
        <div className="modal-backdrop">
          <div className="modal bulk-dialog" ref={dialogRef} role="dialog" aria-modal="true" aria-labelledby="bulk-confirm-title" data-testid="bulk-confirm">
            <h2 id="bulk-confirm-title">Resend “{preview.templateName}”</h2>
            <p data-testid="bulk-confirm-count">
              {toSend === 0
                ? "Nothing to send unless you confirm sending again below."
                : `${toSend} of ${preview.selected} selected attendee${preview.selected === 1 ? "" : "s"} will get this email, about one a second within the shared request budget (${etaText((toSend * preview.paceMs) / 1000)}).`}
            </p>
            {preview.preflight && (
              <p className="hint desk-error-text" data-testid="bulk-preflight">
                {preview.preflight.message}
              </p>
            )}
            {preview.recent.length > 0 && (
              <div className="bulk-recent" data-testid="bulk-recent">
                <p>
                  {preview.recent.length} already got this template in the last 10 minutes{includeRecent ? "; they get it again" : " and will be skipped"}:
                </p>
                <ul>
                  {preview.recent.slice(0, 8).map((r) => (
                    <li key={r.guestId}>
                      {r.name} ({r.minutesAgo < 1 ? "less than a minute ago" : `${r.minutesAgo} min ago`})
                    </li>
                  ))}
                  {preview.recent.length > 8 && <li>and {preview.recent.length - 8} more</li>}
                </ul>
                <label className="check">
                  <input
                    type="checkbox"
                    data-testid="bulk-include-recent"
                    checked={includeRecent}
                    onChange={(e) => {
                      setIncludeRecent(e.target.checked);
                    }}
                  />{" "}
                  Send to them again too
                </label>
              </div>
            )}
            {error && <ErrorNotice error={error} />}
            <div className="actions">
              <button type="button" className="btn btn-primary" data-testid="bulk-start" disabled={busy || toSend === 0} onClick={start}>
                Send to {toSend}
              </button>
              <button
                type="button"
                className="btn btn-ghost"
                // The focus moves into the dialog, on the choice that sends nothing.
                autoFocus
                onClick={() => {
                  setPreview(null);
                  setError(null);
                }}
              >
                Back
              </button>
            </div>
          </div>
        </div>
      )}
      {running && (
        <BulkProgressDialog
          api={api}
          initial={running}
          onClose={() => {
            setRunning(null);
            onClear();
            onDone();
          }}
        />
      )}
    </>
  );
}
