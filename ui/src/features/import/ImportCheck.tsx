// Step 2: the whole file checked in Rust (`import_validate`): the dry-run line, problems with
// their line numbers, attendees already in the event with skip / update, skip invalid rows.
import type { ExistingMode, ImportChoices, ImportValidation } from "./api";
import { count } from "./api";
import { etaText } from "../jobs/eta";

interface Props {
  check: ImportValidation;
  choices: ImportChoices;
  onChoose: (c: Partial<ImportChoices>) => void;
}

export function ImportCheck({ check, choices, onChoose }: Props) {
  const blocking = check.errors.filter((e) => e.row === null);
  const rowErrors = check.errors.filter((e) => e.row !== null);
  return (
    <div data-testid="import-check">
      <p className="import-dry" data-testid="import-dry-run">
        {check.dryRun.summary}
      </p>
      <p className="muted small">
        {count(check.dryRun.calls)} call{check.dryRun.calls === 1 ? "" : "s"} to Qflow, 200 attendees each: {etaText(check.dryRun.etaSeconds)} at the
        API’s pace. Nothing has been sent yet.
      </p>
      {blocking.length > 0 && (
        <div className="notice notice-error" role="alert" data-testid="import-file-errors">
          <div className="notice-body">
            {blocking.map((e, i) => (
              <p key={i} className="notice-message">
                Line {e.line}: {e.message}
              </p>
            ))}
          </div>
        </div>
      )}
      {rowErrors.length > 0 && (
        <section className="import-section">
          <h3>
            {count(check.dryRun.rowsWithErrors)} row{check.dryRun.rowsWithErrors === 1 ? "" : "s"} with errors
          </h3>
          <ul className="import-list" data-testid="import-errors">
            {rowErrors.map((e, i) => (
              <li key={i}>
                <span className="import-line">Line {e.line}</span>
                {e.column ? <code>{e.column}</code> : null} {e.message}
              </li>
            ))}
          </ul>
          {check.errorsTotal > check.errors.length && (
            <p className="muted small">…and {count(check.errorsTotal - check.errors.length)} more (all in the report).</p>
          )}
          <label className="import-skip-invalid">
            <input
              type="checkbox"
              data-testid="import-skip-invalid"
              checked={choices.skipInvalid}
              onChange={(e) => {
                onChoose({ skipInvalid: e.target.checked });
              }}
            />
            Leave these rows out and import the rest (they go to the report)
          </label>
        </section>
      )}
      {check.presentTotal > 0 && (
        <section className="import-section">
          <h3>
            {count(check.presentTotal)} already in this event (same email)
          </h3>
          <ul className="import-list" data-testid="import-present">
            {check.present.map((p) => (
              <li key={p.line}>
                <span className="import-line">Line {p.line}</span> {p.name} · {p.email}
              </li>
            ))}
          </ul>
          <div className="import-choice" role="radiogroup" aria-label="Attendees already in the event">
            {(["skip", "update"] as ExistingMode[]).map((m) => (
              <label key={m}>
                <input
                  type="radio"
                  name="import-existing"
                  data-testid={`import-existing-${m}`}
                  checked={choices.existing === m}
                  onChange={() => {
                    onChoose({ existing: m });
                  }}
                />{" "}
                {m === "skip" ? "Skip them (keep what Qflow has)" : "Update them with the file’s values"}
              </label>
            ))}
          </div>
        </section>
      )}
      {check.warnings.length > 0 && (
        <section className="import-section">
          <h3>Check these addresses</h3>
          <ul className="import-list" data-testid="import-warnings">
            {check.warnings.map((w, i) => (
              <li key={i}>
                <span className="import-line">Line {w.line}</span> {w.message}
              </li>
            ))}
          </ul>
        </section>
      )}
      {!check.canStart && check.blockedReason && (
        <p className="import-warn" data-testid="import-blocked">
          {check.blockedReason}
        </p>
      )}
    </div>
  );
}
