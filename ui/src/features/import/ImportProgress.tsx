// Step 3: the running import (progress with ETA, pause / resume / cancel), then the summary
// and the rows not imported, exportable as CSV (written by Rust, private).
import { useState } from "react";
import { ErrorNotice } from "../../components/ErrorNotice";
import { JobControls, JobProgressBar, jobOver } from "../jobs/JobProgressBar";
import { useJobControl, useJobStatus } from "../jobs/useJob";
import { count, type ImportApi, type ImportStatus } from "./api";
import "../bulk/bulk.css";

interface Props {
  api: ImportApi;
  initial: ImportStatus;
  onClose: (last: ImportStatus) => void;
}

const importKey = (s: ImportStatus) => s.key;

export function ImportProgress({ api, initial, onClose }: Props) {
  const status = useJobStatus(api, initial, initial.key, importKey);
  const { busy, error, act } = useJobControl();
  const [saved, setSaved] = useState<string | null>(null);

  const p = status.progress;
  const s = status.summary;
  const over = jobOver(p.state);
  const settledRows = p.sent + p.failed;

  return (
    <div data-testid="import-progress">
      <JobProgressBar
        testId="import"
        progress={p}
        runningLabel="Importing"
        done={settledRows}
        total={p.toSend}
        workLeft={p.callsDone < p.callsTotal}
        ariaLabel="Attendees imported"
      >
        {count(p.sent)} of {count(p.toSend)} sent · call {p.callsDone} of {p.callsTotal}
      </JobProgressBar>
      {error && <ErrorNotice error={error} />}
      {over && s && (
        <div className="bulk-summary" data-testid="import-summary">
          <p>
            <strong data-testid="import-created">{count(s.created)} created</strong>
            {s.updated > 0 && <> · {count(s.updated)} updated</>}
            {s.alreadyPresent > 0 && <> · {count(s.alreadyPresent)} already present (skipped)</>}
            {s.alreadyImported > 0 && <> · {count(s.alreadyImported)} imported by an earlier run</>}
            {s.skipped > 0 && <> · {count(s.skipped)} rows with errors left out</>}
            {s.failed > 0 && <> · <span className="bulk-failed">{count(s.failed)} refused by Qflow</span></>}
            {s.notSent > 0 && <> · {count(s.notSent)} not sent</>}
          </p>
        </div>
      )}
      {over && status.reportTotal > 0 && (
        <section className="import-section">
          <h3>
            {count(status.reportTotal)} row{status.reportTotal === 1 ? "" : "s"} not imported
          </h3>
          <ul className="import-list" data-testid="import-report">
            {status.report.map((r, i) => (
              <li key={i}>
                <span className="import-line">Line {r.line}</span> {r.name ? `${r.name} · ` : ""}
                {r.problem}
              </li>
            ))}
          </ul>
          <button
            type="button"
            className="btn btn-secondary btn-small"
            data-testid="import-report-save"
            disabled={busy}
            onClick={() => {
              act(() =>
                api.saveReport().then((w) => {
                  if (w) setSaved(`${count(w.rows)} rows saved to ${w.path}`);
                }),
              );
            }}
          >
            Export as CSV…
          </button>
          {saved && (
            <p className="muted small" data-testid="import-report-saved">
              {saved}
            </p>
          )}
        </section>
      )}
      <JobControls
        testId="import"
        state={p.state}
        busy={busy}
        act={act}
        api={api}
        onClose={() => {
          onClose(status);
        }}
      />
    </div>
  );
}
