// The running job: progress bar with ETA, pause / resume / cancel, then the summary.
import { useRef } from "react";
import { ErrorNotice } from "../../components/ErrorNotice";
import { JobControls, JobProgressBar, jobOver } from "../jobs/JobProgressBar";
import { useJobControl, useJobStatus } from "../jobs/useJob";
import { settled, type BulkApi, type BulkStatus } from "./api";
import { useFocusTrap } from "../useFocusTrap";

interface Props {
  api: BulkApi;
  /** The status `bulk_start` / `bulk_continue` answered (first paint). */
  initial: BulkStatus;
  onClose: (last: BulkStatus) => void;
}

const bulkJobId = (s: BulkStatus) => s.progress.jobId;

export function BulkProgressDialog({ api, initial, onClose }: Props) {
  const dialogRef = useRef<HTMLDivElement>(null);
  useFocusTrap(dialogRef);
  const status = useJobStatus(api, initial, initial.progress.jobId, bulkJobId);
  const { busy, error, act } = useJobControl();

  const p = status.progress;
  const c = p.counts;
  const over = jobOver(p.state);
  const done = settled(status);
  const failed = status.problems.filter((x) => x.state === "failed");
  const unknown = status.problems.filter((x) => x.state === "outcome_unknown");

  return (
    <div className="modal-backdrop">
      <div className="modal bulk-dialog" ref={dialogRef} role="dialog" aria-modal="true" aria-labelledby="bulk-title" data-testid="bulk-progress">
        <h2 id="bulk-title">
          Resend {status.templateName ? `“${status.templateName}”` : "ticket"} to {c.total} attendee{c.total === 1 ? "" : "s"}
        </h2>
        <JobProgressBar
          testId="bulk"
          progress={p}
          runningLabel="Sending"
          done={done}
          total={c.total}
          workLeft={c.queued + c.sending > 0}
          ariaLabel="Sends done"
        >
          {done} of {c.total} done
        </JobProgressBar>
        {error && <ErrorNotice error={error} />}
        {over && (
          <div className="bulk-summary" data-testid="bulk-summary">
            <p>
              <strong data-testid="bulk-queued">{c.done} queued</strong>
              {c.failed > 0 && <> · <span className="bulk-failed">{c.failed} failed</span></>}
              {c.outcomeUnknown > 0 && <> · <span className="bulk-unknown">{c.outcomeUnknown} outcome unknown</span></>}
              {c.cancelled > 0 && <> · {c.cancelled} not sent (cancelled)</>}
              {status.skippedRecent > 0 && <> · {status.skippedRecent} skipped (sent in the last 10 minutes)</>}
            </p>
            {failed.length > 0 && (
              <ul className="bulk-problems" data-testid="bulk-failed">
                {failed.map((f) => (
                  <li key={f.guestId}>
                    <strong>{f.name}</strong>: {f.reason}
                  </li>
                ))}
              </ul>
            )}
            {unknown.length > 0 && (
              <>
                <p className="small">
                  Qflow may or may not have queued these; they were not sent again. Check each attendee’s delivery events before
                  resending.
                </p>
                <ul className="bulk-problems" data-testid="bulk-unknown">
                  {unknown.map((f) => (
                    <li key={f.guestId}>
                      <strong>{f.name}</strong>: {f.reason}
                    </li>
                  ))}
                </ul>
              </>
            )}
          </div>
        )}
        <JobControls
          testId="bulk"
          state={p.state}
          busy={busy}
          act={act}
          api={api}
          onClose={() => {
            onClose(status);
          }}
        />
      </div>
    </div>
  );
}
