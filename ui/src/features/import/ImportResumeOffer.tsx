// An import a crash, a kill or a sign-out interrupted is offered, never resumed by itself: at
// sign-in (every event), and when an event's attendee pane opens (that event's, as Rust lists
// them). Resuming sends only the rows not created yet, with the same ids (nobody twice).
import { useEffect, useMemo, useRef, useState, useSyncExternalStore } from "react";
import { formatInstant } from "../desk/format";
import { ResumeOfferBar } from "../jobs/ResumeOffer";
import { useUnfinished } from "../jobs/useUnfinished";
import { ImportProgress } from "./ImportProgress";
import { count, importApi as realApi, type ImportApi, type ImportStatus, type ImportUnfinished } from "./api";
import "./import.css";
import { useFocusTrap } from "../useFocusTrap";

// The imports an attendee pane offers now: the sign-in offer leaves them to the pane, so that
// one import is offered once on screen. A discard is told to every offer.
const inPane = new Set<string>();
const onDiscard = new Set<(key: string) => void>();
const inPaneListeners = new Set<() => void>();
let inPaneVersion = 0;
function setInPane(key: string, on: boolean) {
  if (on) inPane.add(key);
  else inPane.delete(key);
  changedInPane();
}
function changedInPane() {
  inPaneVersion++;
  inPaneListeners.forEach((f) => {
    f();
  });
}
const subscribeInPane = (f: () => void) => {
  inPaneListeners.add(f);
  return () => {
    inPaneListeners.delete(f);
  };
};
const inPaneSnapshot = () => inPaneVersion;

interface Props {
  api?: ImportApi;
  /** Only the imports into this event (its attendee pane); without it, all of them. */
  eventId?: string;
  /** The resumed import was closed: reload what it changed. */
  onDone?: () => void;
}

export function ImportResumeOffer({ api = realApi, eventId, onDone }: Props) {
  const dialogRef = useRef<HTMLDivElement>(null);
  const source = useMemo(
    () => ({ unfinished: () => (eventId === undefined ? api.unfinished() : api.unfinishedFor(eventId)) }),
    [api, eventId],
  );
  const { jobs, drop } = useUnfinished<ImportUnfinished>(source);
  useSyncExternalStore(subscribeInPane, inPaneSnapshot);
  const inAPane = eventId !== undefined;
  const job = inAPane ? jobs[0] : jobs.find((j) => !inPane.has(j.key));
  const shownKey = job?.key;
  useEffect(() => {
    if (!inAPane || shownKey === undefined) return;
    setInPane(shownKey, true);
    return () => {
      setInPane(shownKey, false);
    };
  }, [inAPane, shownKey]);
  const [running, setRunning] = useState<ImportStatus | null>(null);
  useFocusTrap(dialogRef, running !== null);

  // Resumed or discarded (here or in the other offer): no longer on offer.
  useEffect(() => {
    const discarded = (key: string) => {
      drop((j) => j.key === key);
    };
    onDiscard.add(discarded);
    return () => {
      onDiscard.delete(discarded);
    };
  }, [drop]);
  useEffect(() => {
    const un = api
      .onProgress((s) => {
        drop((j) => j.key === s.key);
      })
      .catch(() => () => undefined);
    return () => {
      void un.then((f) => {
        f();
      });
    };
  }, [api, drop]);

  if (running) {
    return (
      <div className="modal-backdrop">
        <div className="modal import-dialog" ref={dialogRef} role="dialog" aria-modal="true" aria-labelledby="import-resume-title" data-testid="import-dialog" data-step="run">
          <h2 id="import-resume-title">Import attendees from {running.fileName}</h2>
          <ImportProgress
            api={api}
            initial={running}
            onClose={() => {
              setRunning(null);
              onDone?.();
            }}
          />
        </div>
      </div>
    );
  }
  if (!job) return null;
  return (
    <ResumeOfferBar
      testId={inAPane ? "import-offer-event" : "import-offer"}
      resumeLabel="Resume the import"
      inline={inAPane}
      resume={() => api.continueJob(job.key)}
      discard={() => api.discard(job.key)}
      onResumed={(s) => {
        drop((j) => j.key === job.key);
        setRunning(s);
      }}
      onDiscarded={() => {
        const key = job.key;
        onDiscard.forEach((f) => {
          f(key);
        });
      }}
    >
      The import of {job.fileName} stopped before it finished: {count(job.remaining)} of {count(job.total)} attendees not imported yet (started{" "}
      {formatInstant(job.startedAt)}).
    </ResumeOfferBar>
  );
}
