// At sign-in: a resend to selected attendees that did not finish (app closed, crash) is
// offered, never resumed by itself. In-flight items become "outcome unknown", never resent.
import { useState } from "react";
import { BulkProgressDialog } from "./BulkProgress";
import { bulkApi as realApi, type BulkApi, type BulkStatus, type BulkUnfinished } from "./api";
import { formatInstant } from "../desk/format";
import { ResumeOfferBar } from "../jobs/ResumeOffer";
import { useUnfinished } from "../jobs/useUnfinished";
import "./bulk.css";

export function BulkResumeOffer({ api = realApi }: { api?: BulkApi }) {
  const { job, drop } = useUnfinished<BulkUnfinished>(api);
  const [running, setRunning] = useState<BulkStatus | null>(null);

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
      onDiscarded={() => {
        drop();
      }}
    >
      A resend{job.templateName ? ` of “${job.templateName}”` : ""} to selected attendees stopped before it finished: {job.remaining} of {job.total} not sent yet (started{" "}
      {formatInstant(job.startedAt)}).
    </ResumeOfferBar>
  );
}
