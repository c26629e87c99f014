// "Checking with Qflow on its own": the recheck runner's state, the background toggle and Check now.
import { useEffect, useState } from "react";
import { waitText, type RecheckUpdate } from "./recheck";

export interface RecheckShown {
  u: RecheckUpdate;
  /** Date.now() when `u` arrived: the countdown runs from it. */
  at: number;
}

interface Props {
  shown: RecheckShown;
  busy: boolean;
  onToggle: (on: boolean) => void;
  onCheckNow: () => void;
}

export function RecheckPanel({ shown, busy, onToggle, onCheckNow }: Props) {
  const { u, at } = shown;
  const [now, setNow] = useState(at);
  const waiting = u.phase === "waiting" && u.nextInMs !== null;
  useEffect(() => {
    if (!waiting) return;
    const t = window.setInterval(() => {
      setNow(Date.now());
    }, 1000);
    return () => {
      window.clearInterval(t);
    };
  }, [waiting, at]);
  const left = (u.nextInMs ?? 0) - Math.max(0, now - at);
  let line: string;
  switch (u.phase) {
    case "waiting":
      line = `Qflow is asked again on its own: next check in ${waitText(left)}.`;
      break;
    case "checking":
      line = "Checking with Qflow…";
      break;
    case "stopped":
      line = u.stopReason === "verified" ? "Rechecking done: the domain is verified." : "Rechecking stopped.";
      break;
    default:
      line = "Not rechecking on its own right now.";
  }
  return (
    <section className="recheck" data-testid="domain-recheck" data-phase={u.phase} aria-live="polite">
      <div className="recheck-line">
        <span className={`recheck-dot recheck-${u.phase}`} aria-hidden="true" />
        <span data-testid="recheck-status">{line}</span>
        {u.checks > 0 && (
          <span className="muted">
            {" "}
            ({u.checks === 1 ? "1 check" : `${u.checks} checks`}
            {u.phase === "stopped" ? "" : " so far"})
          </span>
        )}
        {u.phase === "waiting" && (
          <button type="button" className="btn btn-ghost btn-small" data-testid="recheck-now" disabled={busy} onClick={onCheckNow}>
            Check now
          </button>
        )}
      </div>
      {u.message && (
        <p className="muted recheck-message" data-testid="recheck-message">
          {u.message}
        </p>
      )}
      <label className="recheck-toggle">
        <input
          type="checkbox"
          data-testid="recheck-background"
          checked={u.background}
          disabled={busy}
          onChange={(e) => {
            onToggle(e.target.checked);
          }}
        />
        <span>
          Keep checking in the background after I leave this screen (also after restarting the app), and tell me with a
          desktop notification when it is verified. Waits grow from 30 s to every 15 min.
        </span>
      </label>
    </section>
  );
}
