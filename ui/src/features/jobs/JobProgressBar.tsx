// What the bulk resend and the attendee import show while a job runs: the state word, the bar
// and the count line, the runner's note, then (JobControls) pause / resume / cancel / done.
import type { ReactNode } from "react";
import { etaText } from "./eta";

export type JobState = "running" | "waiting" | "paused" | "interrupted" | "cancelled" | "finished";

const STATE_LABEL: Record<Exclude<JobState, "running">, string> = {
  waiting: "Waiting for Qflow",
  paused: "Paused",
  interrupted: "Stopped",
  cancelled: "Cancelled",
  finished: "Finished",
};

/** Whether the job has stopped for good (nothing more will be sent by this run). */
export const jobOver = (state: JobState) => state === "finished" || state === "cancelled" || state === "interrupted";

interface BarProps {
  /** Prefix of the `data-testid`s: `<testId>-state`, `<testId>-count`, `<testId>-note`. */
  testId: string;
  progress: { state: JobState; note: string | null; etaSeconds: number; waitSeconds: number | null };
  /** The word for "running" ("Sending", "Importing"). */
  runningLabel: string;
  done: number;
  total: number;
  /** Whether work is left for this run (the ETA shows only then, and only while not over). */
  workLeft: boolean;
  /** The progress bar's accessible name. */
  ariaLabel: string;
  /** The count line's words; the ETA and Qflow's wait follow them. */
  children: ReactNode;
}

export function JobProgressBar({ testId, progress, runningLabel, done, total, workLeft, ariaLabel, children }: BarProps) {
  const { state, note, etaSeconds, waitSeconds } = progress;
  const over = jobOver(state);
  const percent = total > 0 ? Math.round((done / total) * 100) : over ? 100 : 0;
  return (
    <>
      <div className="bulk-state" data-testid={`${testId}-state`} data-state={state}>
        {state === "running" ? runningLabel : STATE_LABEL[state]}
      </div>
      <div className="bulk-bar" role="progressbar" aria-valuemin={0} aria-valuemax={total} aria-valuenow={done} aria-label={ariaLabel}>
        <div className={`bulk-bar-fill${over ? " is-over" : ""}`} style={{ width: `${percent}%` }} />
      </div>
      <p className="muted small bulk-line" data-testid={`${testId}-count`} aria-live="polite">
        {children}
        {!over && workLeft ? ` · ${etaText(etaSeconds)} left` : ""}
        {state === "waiting" && waitSeconds ? ` · Qflow asked to wait ${waitSeconds} s` : ""}
      </p>
      {note && (
        <p className="bulk-note" data-testid={`${testId}-note`}>
          {note}
        </p>
      )}
    </>
  );
}

interface ControlProps {
  /** Prefix of the buttons' `data-testid`s: `<testId>-pause`, `-resume`, `-cancel`, `-close`. */
  testId: string;
  state: JobState;
  busy: boolean;
  /** Runs one control (`useJobControl().act`). */
  act: (f: () => Promise<unknown>) => void;
  api: { pause: () => Promise<unknown>; resume: () => Promise<unknown>; cancel: () => Promise<unknown> };
  onClose: () => void;
}

export function JobControls({ testId, state, busy, act, api, onClose }: ControlProps) {
  const over = jobOver(state);
  return (
    <div className="actions">
      {!over && state !== "paused" && (
        <button type="button" className="btn btn-secondary" data-testid={`${testId}-pause`} disabled={busy} onClick={() => { act(api.pause); }}>
          Pause
        </button>
      )}
      {!over && state === "paused" && (
        <button type="button" className="btn btn-primary" data-testid={`${testId}-resume`} disabled={busy} onClick={() => { act(api.resume); }}>
          Resume
        </button>
      )}
      {!over && (
        <button type="button" className="btn btn-ghost" data-testid={`${testId}-cancel`} disabled={busy} onClick={() => { act(api.cancel); }}>
          Cancel the rest
        </button>
      )}
      {over && (
        <button type="button" className="btn btn-primary" data-testid={`${testId}-close`} onClick={onClose}>
          Done
        </button>
      )}
    </div>
  );
}
