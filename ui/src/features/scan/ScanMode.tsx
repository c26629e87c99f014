import { useCallback, useEffect, useRef, useState } from "react";
import { createPortal } from "react-dom";
import { useFullScreenMode } from "../useFullScreenMode";
import { errorBody, type ErrorBody } from "../../api";
import { ErrorNotice } from "../../components/ErrorNotice";
import { scanApi as realApi, type ScanAnswer, type ScanApi, type ScanProblem, type ScanStatus } from "./api";
import { beep } from "./beep";
import { ScanProblems } from "./ScanProblems";
import "./scan.css";
import { formatCount } from "../../format";

interface Props {
  eventId: string;
  eventTitle: string;
  onClose: () => void;
  api?: ScanApi;
}

/** How many answers the "recent scans" list keeps. */
const HISTORY = 25;

interface Shown {
  n: number;
  answer: ScanAnswer | null;
  error: ErrorBody | null;
}

/** Scan to check in: a keyboard-wedge scanner (fast keys + Enter) or a typed barcode goes into
 * an input that keeps the focus; the answer (computed in Rust from the local list) is shown big,
 * with a sound, and an Undo for 10 s. The queue's state and its problems are shown below. */
export function ScanMode({ eventId, eventTitle, onClose, api = realApi }: Props) {
  const inputRef = useRef<HTMLInputElement>(null);
  const rootRef = useRef<HTMLDivElement>(null);
  const chain = useRef<Promise<void>>(Promise.resolve());
  const seq = useRef(0);
  const [shown, setShown] = useState<Shown>({ n: 0, answer: null, error: null });
  const [history, setHistory] = useState<Shown[]>([]);
  const [undo, setUndo] = useState<{ id: number; until: number } | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const [status, setStatus] = useState<ScanStatus | null>(null);
  const [alert, setAlert] = useState<ScanProblem | null>(null);
  const [openError, setOpenError] = useState<ErrorBody | null>(null);

  const refresh = useCallback(() => {
    api.status(eventId).then(setStatus).catch(() => {});
  }, [api, eventId]);

  const refocus = useCallback(() => {
    inputRef.current?.focus();
  }, []);

  useEffect(() => {
    let live = true;
    api
      .open(eventId)
      .then((s) => {
        if (live) setStatus(s);
      })
      .catch((e: unknown) => {
        if (live) setOpenError(errorBody(e));
      });
    const timer = setInterval(refresh, 2000);
    const unlisten = api.onUpdate((u) => {
      if (u.problem) {
        setAlert(u.problem);
        beep(false);
      }
      refresh();
    });
    return () => {
      live = false;
      clearInterval(timer);
      void unlisten.then((f) => {
        f();
      });
      void api.close().catch(() => {});
    };
  }, [api, eventId, refresh]);

  useFullScreenMode(onClose, inputRef, { bodyClass: "scan-open" });

  useEffect(() => {
    if (!undo) return;
    const t = setTimeout(() => {
      setUndo(null);
    }, Math.max(0, undo.until - Date.now()));
    return () => {
      clearTimeout(t);
    };
  }, [undo]);

  /** Scans are answered in the order they were made, however fast they come. */
  const submit = (barcode: string) => {
    chain.current = chain.current.then(async () => {
      const n = ++seq.current;
      let next: Shown;
      try {
        const answer = await api.scan(eventId, barcode);
        next = { n, answer, error: null };
        beep(answer.yes);
        setUndo(answer.undoId != null ? { id: answer.undoId, until: Date.now() + 10_000 } : null);
      } catch (e) {
        next = { n, answer: null, error: errorBody(e) };
        beep(false);
        setUndo(null);
      }
      setNote(null);
      setShown(next);
      setHistory((h) => [next, ...h].slice(0, HISTORY));
      refresh();
    });
  };

  const doUndo = (id: number) => {
    setUndo(null);
    api
      .undo(id)
      .then((r) => {
        setNote(r.message);
        refresh();
      })
      .catch((e: unknown) => {
        setShown((s) => ({ ...s, answer: null, error: errorBody(e) }));
      })
      .finally(refocus);
  };

  const a = shown.answer;
  const kind = a ? a.kind : shown.error ? "error" : "idle";
  return createPortal(
    <div className="scan" role="dialog" aria-modal="true" aria-label={`Scan to check in: ${eventTitle}`} data-testid="scan-mode" ref={rootRef}>
      <div className="scan-top">
        <span className="scan-title">
          Scan to check in · <span className="scan-event">{eventTitle}</span>
        </span>
        <span className="scan-counts" data-testid="scan-counts">
          {status ? `${formatCount(status.checkedIn)} of ${formatCount(status.attendees)} checked in` : ""}
        </span>
        <button type="button" className="btn btn-secondary" data-testid="scan-close" onClick={onClose}>
          Close (Esc)
        </button>
      </div>
      <label className="scan-input-row">
        <span className="scan-input-label">Barcode</span>
        <input
          ref={inputRef}
          className="scan-input"
          data-testid="scan-input"
          autoComplete="off"
          spellCheck={false}
          placeholder="Scan a ticket, or type its barcode and press Enter"
          onKeyDown={(e) => {
            if (e.key !== "Enter") return;
            e.preventDefault();
            const v = e.currentTarget.value;
            e.currentTarget.value = "";
            if (v.trim()) submit(v);
          }}
          onBlur={(e) => {
            // Always ready for the next scan; a button inside may take the focus for its click.
            const to = e.relatedTarget;
            if (to instanceof HTMLElement && rootRef.current?.contains(to) && to.tagName === "BUTTON") return;
            setTimeout(refocus, 0);
          }}
        />
      </label>
      <div className={`scan-answer scan-${kind}`} data-testid="scan-answer" data-kind={kind} data-count={shown.n}>
        <div role="status" aria-live="assertive" aria-atomic="true">
          <div className="scan-headline" data-testid="scan-headline">
            {a ? a.headline : shown.error ? "Not answered" : "Ready to scan"}
          </div>
          <div className="scan-detail" data-testid="scan-detail">
            {note ?? (a ? a.detail : shown.error ? `${shown.error.message} ${shown.error.nextStep}` : "Scan a ticket or type a barcode.")}
          </div>
        </div>
        {undo && (
          <button
            type="button"
            className="btn scan-undo"
            data-testid="scan-undo"
            onClick={() => {
              doUndo(undo.id);
            }}
          >
            Undo
          </button>
        )}
      </div>
      {alert && (
        <div className="scan-alert" role="alert" data-testid="scan-alert">
          <strong>{alert.state === "failed" ? "Check-in refused" : alert.state === "conflict" ? "Check-in conflict" : "Check-in not confirmed"}:</strong>{" "}
          {alert.name} — {alert.message}
          <button
            type="button"
            className="btn btn-secondary btn-small"
            onClick={() => {
              setAlert(null);
              refocus();
            }}
          >
            OK
          </button>
        </div>
      )}
      {openError && <ErrorNotice error={openError} />}
      <div className="scan-bottom">
        <div className={`scan-sync${status?.offline ? " is-offline" : ""}`} data-testid="scan-sync" aria-live="polite">
          {status?.offline && <strong>No network. </strong>}
          <span data-testid="scan-waiting">{status ? status.waitingLabel || "Everything is synced" : ""}</span>
          {status?.offline && <span> — scans are kept with their time and sent in order when the network is back.</span>}
        </div>
        {status && status.problems.length > 0 && (
          <ScanProblems
            problems={status.problems}
            onDismiss={(id) => {
              api.dismiss(id).then(refresh).catch(() => {}).finally(refocus);
            }}
          />
        )}
        <ol className="scan-history" data-testid="scan-history" aria-label="Recent scans, newest first">
          {history.map((h) => (
            <li key={h.n} className={`scan-${h.answer ? h.answer.kind : "error"}`} data-n={h.n}>
              <span className="scan-history-head">{h.answer ? h.answer.headline : "Not answered"}</span>{" "}
              <span className="muted">{h.answer ? `${h.answer.barcode} · ${h.answer.detail}` : h.error?.message}</span>
            </li>
          ))}
        </ol>
      </div>
    </div>,
    document.body,
  );
}
