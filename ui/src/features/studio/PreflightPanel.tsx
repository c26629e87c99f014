// The studio's pre-flight panel: what core::preflight found over every attendee of the event
// (counts by severity, then each finding with its line and the attendees concerned). A line
// opens the editor there; an attendee becomes the preview's recipient. No check runs here.
import { memo, useState } from "react";
import type { AttendeeRef } from "../../bindings/AttendeeRef";
import type { PreflightFinding } from "../../bindings/PreflightFinding";
import type { SeverityCounts } from "../../bindings/SeverityCounts";
import type { PreflightReport, StudioApi, TemplateEdit } from "./api";
import type { Latest } from "./previewStore";
import { usePreflight } from "./usePreflight";
import "./preflight.css";

const FIELD_LABEL: Record<PreflightFinding["field"], string> = {
  subject: "Subject",
  html: "HTML",
  emailBody: "Email body",
  fromAddress: "From address",
};

const plural = (n: number, one: string, many: string) => `${String(n)} ${n === 1 ? one : many}`;

/** "2 errors · 3 warnings · 1 info" (core's severity names). */
export function countsText(c: SeverityCounts): string {
  return [plural(c.error, "error", "errors"), plural(c.warning, "warning", "warnings"), `${String(c.info)} info`].join(" · ");
}

interface Props {
  api: Pick<StudioApi, "preflight">;
  eventId: string;
  /** The editor's fields, set by the editor on each change (no re-render here per keystroke). */
  fields: Latest<TemplateEdit>;
  /** Code or visual: in visual mode a line opens code mode first. */
  mode: "code" | "visual";
  onLine: (f: PreflightFinding) => void;
  onAttendee: (a: AttendeeRef) => void;
  idleMs?: number;
}

export const PreflightPanel = memo(function PreflightPanel({ api, eventId, fields, mode, onLine, onAttendee, idleMs }: Props) {
  // null = the core default (the report says which limit it used).
  const [limit, setLimit] = useState<string | null>(null);
  const typed = limit === null || limit.trim() === "" ? null : Number(limit);
  const nameLimit = typed !== null && Number.isFinite(typed) ? typed : null;
  const { report, error, running } = usePreflight(api, eventId, fields, nameLimit, idleMs);

  return (
    <section className="lint-panel pf-panel" aria-labelledby="pf-title" data-testid="preflight-panel" aria-busy={running}>
      <div className="pf-head">
        <h2 id="pf-title" className="lint-title">
          Pre-flight
        </h2>
        <span className="muted small">{report ? `every attendee (${String(report.attendees)}) checked when typing pauses` : "checks every attendee when typing pauses"}</span>
        <span className="muted small pf-running" data-testid="preflight-running">
          {running ? "Checking…" : ""}
        </span>
      </div>
      <p className="pf-counts" aria-live="polite" data-testid="preflight-counts">
        {report ? countsText(report.counts) : "Not checked yet"}
      </p>
      {report && <SizeLine report={report} />}
      <div className="pf-limit">
        <label htmlFor="pf-name-limit">Longest name</label>
        <input
          id="pf-name-limit"
          className="input pf-limit-input"
          type="number"
          inputMode="numeric"
          data-testid="preflight-name-limit"
          value={limit ?? (report ? String(report.nameLimit) : "")}
          onChange={(e) => {
            setLimit(e.target.value);
          }}
        />
        <span className="muted small">characters</span>
      </div>
      {error && (
        <p className="pf-error" role="alert" data-testid="preflight-error">
          {error.message}
        </p>
      )}
      {report && <Findings report={report} mode={mode} onLine={onLine} onAttendee={onAttendee} />}
    </section>
  );
});

const kb = (bytes: number) => (bytes / 1024).toFixed(1);

/** The largest attendee's email against Gmail's clipping limit (from the report). */
function SizeLine({ report }: { report: PreflightReport }) {
  const { bytes, limit, attendee } = report.size;
  return (
    <p className="muted small pf-size" data-testid="preflight-size">
      <meter min={0} max={limit} value={Math.min(bytes, limit)} aria-label="Largest email against Gmail's clipping limit" /> {kb(bytes)} KB of{" "}
      {kb(limit)} KB before Gmail clips{attendee ? ` (largest: ${attendee.name})` : ""} · {plural(report.imageCount, "image", "images")}
    </p>
  );
}

/** The list; re-renders only for a new report (not per keystroke). */
const Findings = memo(function Findings({ report, mode, onLine, onAttendee }: { report: PreflightReport } & Pick<Props, "mode" | "onLine" | "onAttendee">) {
  if (report.findings.length === 0) {
    return (
      <p className="pf-clear" data-testid="preflight-clear">
        Nothing wrong: the template merges cleanly for all {report.attendees} attendees.
      </p>
    );
  }
  return (
    <ul className="lint-list pf-list">
      {report.findings.map((f, n) => (
        <li key={`${f.rule}-${f.field}-${String(f.offset)}-${String(n)}`} className="pf-item" data-testid="preflight-item" data-rule={f.rule} data-severity={f.severity}>
          <span className={`lint-sev lint-sev-${f.severity}`}>{f.severity}</span>
          <div className="pf-body">
            <p className="pf-msg">{f.message}</p>
            {f.suggestion && <p className="muted small pf-suggestion">{f.suggestion}</p>}
            {f.clients.length > 0 && <p className="muted small">{f.clients.join(", ")}</p>}
            <div className="pf-meta">
              {f.line !== null && (
                <button
                  type="button"
                  className="pf-link pf-line"
                  data-testid="preflight-line"
                  data-line={f.line}
                  title={mode === "visual" ? "Opens code mode at this line" : "Show in the editor"}
                  onClick={() => {
                    onLine(f);
                  }}
                >
                  {FIELD_LABEL[f.field]} line {f.line}
                  {mode === "visual" && f.field === "html" ? " (code mode)" : ""}
                </button>
              )}
              {f.attendees.length > 0 && <Attendees f={f} onAttendee={onAttendee} />}
            </div>
          </div>
        </li>
      ))}
    </ul>
  );
});

function Attendees({ f, onAttendee }: { f: PreflightFinding; onAttendee: Props["onAttendee"] }) {
  const more = f.attendeeTotal - f.attendees.length;
  return (
    <span className="pf-who">
      <span className="muted small">{f.attendeeTotal === 1 ? "Attendee:" : "Attendees:"}</span>
      {f.attendees.map((a) => (
        <button
          key={a.id}
          type="button"
          className="pf-link pf-attendee"
          data-testid="preflight-attendee"
          data-id={a.id}
          aria-label={`Preview as ${a.name || "this attendee"}`}
          onClick={() => {
            onAttendee(a);
          }}
        >
          {a.name || "(no name)"}
        </button>
      ))}
      {more > 0 && <span className="muted small">and {more} more</span>}
    </span>
  );
}
