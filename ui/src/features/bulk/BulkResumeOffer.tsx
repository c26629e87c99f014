// At sign-in: a resend to selected attendees that did not finish (app closed, crash) is
// offered, never resumed by itself. In-flight items become "outcome unknown", never resent.
import { useEffect, useState } from "react";
import { BulkProgressDialog } from "./BulkProgress";
import { bulkApi as realApi, type BulkApi, type BulkStatus, type BulkUnfinished } from "./api";
import { formatInstant } from "../desk/format";
import { ResumeOfferBar } from "../jobs/ResumeOffer";
import "./bulk.css";

export function BulkResumeOffer({ api = realApi }: { api?: BulkApi }) {
  const [jobs, setJobs] = useState<BulkUnfinished[]>([]);
  const [running, setRunning] = useState<BulkStatus | null>(null);

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
    <ResumeOfferBar
      testId="bulk-offer"
      resumeLabel="Resume"
      resume={() => api.continueJob(job.jobId)}
      discard={() => api.discard(job.jobId)}
      onResumed={(s) => {
        drop();
        setRunning(s);
      }}
      onDiscarded={drop}
    >
      A resend{job.templateName ? ` of “${job.templateName}”` : ""} to selected attendees stopped before it finished: {job.remaining} of {job.total} not sent yet (started{" "}
      {formatInstant(job.startedAt)}).
    </ResumeOfferBar>
  );
}
