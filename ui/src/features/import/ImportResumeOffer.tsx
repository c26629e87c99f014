// At sign-in: an import a crash, a kill or a sign-out interrupted is offered, never resumed by
// itself. Resuming sends only the rows not created yet, with the same ids (nobody twice).
import { useState } from "react";
import { formatInstant } from "../desk/format";
import { ResumeOfferBar } from "../jobs/ResumeOffer";
import { useUnfinished } from "../jobs/useUnfinished";
import { ImportProgress } from "./ImportProgress";
import { count, importApi as realApi, type ImportApi, type ImportStatus, type ImportUnfinished } from "./api";
import "./import.css";

export function ImportResumeOffer({ api = realApi }: { api?: ImportApi }) {
  const { job, drop } = useUnfinished<ImportUnfinished>(api);
  const [running, setRunning] = useState<ImportStatus | null>(null);

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
  if (!job) return null;
  return (
    <ResumeOfferBar
      testId="import-offer"
      resumeLabel="Resume the import"
      resume={() => api.continueJob(job.key)}
      discard={() => api.discard(job.key)}
      onResumed={(s) => {
        drop();
        setRunning(s);
      }}
      onDiscarded={drop}
    >
      The import of {job.fileName} stopped before it finished: {count(job.remaining)} of {count(job.total)} attendees not imported yet (started{" "}
      {formatInstant(job.startedAt)}).
    </ResumeOfferBar>
  );
}
