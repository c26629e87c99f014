// At sign-in: a resend to selected attendees that did not finish (app closed, crash) is
// offered, never resumed by itself. In-flight items become "outcome unknown", never resent.
import { useEffect, useState } from "react";
import { errorBody, type ErrorBody } from "../../api";
import { ErrorNotice } from "../../components/ErrorNotice";
import { BulkProgressDialog } from "./BulkProgress";
import { bulkApi as realApi, type BulkApi, type BulkStatus, type BulkUnfinished } from "./api";
import { formatInstant } from "../desk/format";
import "./bulk.css";

export function BulkResumeOffer({ api = realApi }: { api?: BulkApi }) {
  const [jobs, setJobs] = useState<BulkUnfinished[]>([]);
  const [running, setRunning] = useState<BulkStatus | null>(null);
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

  const job = jobs[0];
  if (running) {
    return (
      <BulkProgressDialog
        api={api}
        initial={running}
        onClose={() => {
          setRunning(null);
        }}
      />
    );
  }
  if (!job) return null;
  const drop = () => {
    setJobs((j) => j.slice(1));
  };
  return (
    <div className="bulk-offer" role="status" data-testid="bulk-offer">
      <span>
        A resend{job.templateName ? ` of “${job.templateName}”` : ""} to selected attendees stopped before it finished: {job.remaining} of {job.total} not sent yet (started{" "}
        {formatInstant(job.startedAt)}).
      </span>
      <button
        type="button"
        className="btn btn-primary btn-small"
        data-testid="bulk-offer-resume"
        onClick={() => {
          api
            .continueJob(job.jobId)
            .then((s) => {
              drop();
              setRunning(s);
            })
            .catch((e: unknown) => {
              setError(errorBody(e));
            });
        }}
      >
        Resume
      </button>
      <button
        type="button"
        className="btn btn-ghost btn-small"
        data-testid="bulk-offer-discard"
        onClick={() => {
          api
            .discard(job.jobId)
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
