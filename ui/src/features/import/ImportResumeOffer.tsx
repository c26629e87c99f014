// At sign-in: an import a crash, a kill or a sign-out interrupted is offered, never resumed by
// itself. Resuming sends only the rows not created yet, with the same ids (nobody twice).
import { useEffect, useState } from "react";
import { errorBody, type ErrorBody } from "../../api";
import { ErrorNotice } from "../../components/ErrorNotice";
import { formatInstant } from "../desk/format";
import { ImportProgress } from "./ImportProgress";
import { count, importApi as realApi, type ImportApi, type ImportStatus, type ImportUnfinished } from "./api";
import "./import.css";

export function ImportResumeOffer({ api = realApi }: { api?: ImportApi }) {
  const [jobs, setJobs] = useState<ImportUnfinished[]>([]);
  const [running, setRunning] = useState<ImportStatus | null>(null);
  const [error, setError] = useState<ErrorBody | null>(null);

  useEffect(() => {
    let live = true;
    api
      .unfinished()
      .then((j) => {
        if (live) setJobs(j);
      })
      .catch(() => {});
    return () => {
      live = false;
    };
  }, [api]);

  if (running) {
    return (
      <div className="modal-backdrop">
        <div className="modal import-dialog" role="dialog" aria-modal="true" aria-labelledby="import-resume-title" data-testid="import-dialog" data-step="run">
          <h2 id="import-resume-title">Import attendees from {running.fileName}</h2>
          <ImportProgress
            api={api}
            initial={running}
            onClose={() => {
              setRunning(null);
            }}
          />
        </div>
      </div>
    );
  }
  const job = jobs[0];
  if (!job) return null;
  const drop = () => {
    setJobs((j) => j.slice(1));
  };
  return (
    <div className="bulk-offer" role="status" data-testid="import-offer">
      <span>
        The import of {job.fileName} stopped before it finished: {count(job.remaining)} of {count(job.total)} attendees not imported yet (started{" "}
        {formatInstant(job.startedAt)}).
      </span>
      <button
        type="button"
        className="btn btn-primary btn-small"
        data-testid="import-offer-resume"
        onClick={() => {
          api
            .continueJob(job.key)
            .then((s) => {
              drop();
              setError(null);
              setRunning(s);
            })
            .catch((e: unknown) => {
              setError(errorBody(e));
            });
        }}
      >
        Resume the import
      </button>
      <button
        type="button"
        className="btn btn-ghost btn-small"
        data-testid="import-offer-discard"
        onClick={() => {
          api
            .discard(job.key)
            .then(drop)
            .catch((e: unknown) => {
              setError(errorBody(e));
            });
        }}
      >
        Discard
      </button>
      {error && <ErrorNotice error={error} />}
    </div>
  );
}
