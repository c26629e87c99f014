// "Import attendees" for the selected event: pick a CSV (native dialog, opened by Rust) →
// the first rows with the column mapping → the whole file checked (dry run) → the paced,
// resumable import → summary and report. The same core as `guests import`.
import { useRef, useState } from "react";
import { errorBody, type ErrorBody } from "../../api";
import { ErrorNotice } from "../../components/ErrorNotice";
import { ImportCheck } from "./ImportCheck";
import { ImportMapping } from "./ImportMapping";
import { ImportProgress } from "./ImportProgress";
import { importApi as realApi, type ImportApi, type ImportChoices, type ImportFile, type ImportStatus, type ImportValidation } from "./api";
import "./import.css";
import { formatCount } from "../../format";
import { useFocusTrap } from "../useFocusTrap";

interface Props {
  eventId: string;
  eventTitle: string;
  /** Attendees were created or updated: reload the table. */
  onDone: () => void;
  api?: ImportApi;
}

type Step = { kind: "map" } | { kind: "check"; check: ImportValidation } | { kind: "run"; status: ImportStatus };

const FRESH: ImportChoices = { overrides: {}, existing: "skip", skipInvalid: false };

export function ImportAttendees({ eventId, eventTitle, onDone, api = realApi }: Props) {
  const dialogRef = useRef<HTMLDivElement>(null);
  const [file, setFile] = useState<ImportFile | null>(null);
  useFocusTrap(dialogRef, file !== null);
  const [step, setStep] = useState<Step>({ kind: "map" });
  const [choices, setChoices] = useState<ImportChoices>(FRESH);
  const [error, setError] = useState<ErrorBody | null>(null);
  const [busy, setBusy] = useState(false);

  const run = <T,>(p: Promise<T>, then: (v: T) => void) => {
    setBusy(true);
    p.then((v) => {
      setError(null);
      then(v);
    })
      .catch((e: unknown) => {
        setError(errorBody(e));
      })
      .finally(() => {
        setBusy(false);
      });
  };

  const pick = () => {
    run(api.pickFile(eventId), (f) => {
      if (!f) return;
      setFile(f);
      setChoices(FRESH);
      setStep({ kind: "map" });
    });
  };

  const close = () => {
    setFile(null);
    setError(null);
    setStep({ kind: "map" });
  };

  const map = (header: string, field: string | null) => {
    const overrides = Object.fromEntries(Object.entries(choices.overrides).filter(([h]) => h !== header));
    if (field !== null) overrides[header] = field;
    const next = { ...choices, overrides };
    setChoices(next);
    run(api.preview(next), (preview) => {
      setFile((f) => (f ? { ...f, preview } : f));
    });
  };

  const check = (next: ImportChoices) => {
    setChoices(next);
    run(api.validate(next), (c) => {
      setStep({ kind: "check", check: c });
    });
  };

  return (
    <>
      <button type="button" className="btn btn-secondary btn-small" data-testid="import-start" disabled={busy && !file} onClick={pick}>
        Import attendees
      </button>
      {!file && error && <ErrorNotice error={error} onDismiss={() => { setError(null); }} />}
      {file && (
        <div className="modal-backdrop">
          <div className="modal import-dialog" ref={dialogRef} role="dialog" aria-modal="true" aria-labelledby="import-title" data-testid="import-dialog" data-step={step.kind}>
            <h2 id="import-title">Import attendees into {eventTitle}</h2>
            <ol className="import-steps" aria-label="Steps">
              <li className={step.kind === "map" ? "is-current" : undefined}>Columns</li>
              <li className={step.kind === "check" ? "is-current" : undefined}>Check</li>
              <li className={step.kind === "run" ? "is-current" : undefined}>Import</li>
            </ol>
            {step.kind === "map" && <ImportMapping fileName={file.fileName} preview={file.preview} choices={choices} onMap={map} />}
            {step.kind === "check" && (
              <ImportCheck
                check={step.check}
                choices={choices}
                onChoose={(c) => {
                  check({ ...choices, ...c });
                }}
              />
            )}
            {step.kind === "run" && (
              <ImportProgress
                api={api}
                initial={step.status}
                onClose={() => {
                  close();
                  onDone();
                }}
              />
            )}
            {error && <ErrorNotice error={error} />}
            {step.kind !== "run" && (
              <div className="actions">
                <button type="button" className="btn btn-ghost" data-testid="import-close" onClick={close}>
                  Close
                </button>
                {step.kind === "check" && (
                  <button type="button" className="btn btn-secondary" data-testid="import-back" disabled={busy} onClick={() => { setStep({ kind: "map" }); }}>
                    Back to the columns
                  </button>
                )}
                {step.kind === "map" && (
                  <button type="button" className="btn btn-primary" data-testid="import-check-start" disabled={busy} onClick={() => { check(choices); }}>
                    {busy ? "Checking…" : "Check the whole file"}
                  </button>
                )}
                {step.kind === "check" && (
                  <button
                    type="button"
                    className="btn btn-primary"
                    data-testid="import-go"
                    disabled={busy || !step.check.canStart}
                    onClick={() => {
                      run(api.start(choices), (status) => {
                        setStep({ kind: "run", status });
                      });
                    }}
                  >
                    Import {formatCount(step.check.dryRun.toCreate + step.check.dryRun.toUpdate)} attendees
                  </button>
                )}
              </div>
            )}
          </div>
        </div>
      )}
    </>
  );
}
