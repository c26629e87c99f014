// The pre-flight report for the editor's current fields: core::preflight (every attendee of
// the event merged and checked, in Rust) asked for when typing pauses and on open, never per
// keystroke. A reply to an older request never replaces a newer one.
import { useEffect, useRef, useState } from "react";
import { errorBody, type ErrorBody } from "../../api";
import type { PreflightReport, StudioApi, TemplateEdit } from "./api";

/** Ask this long after the last edit (the preview itself is per keystroke). */
export const PREFLIGHT_IDLE_MS = 700;
/** Attendees named per finding; Rust counts the rest (`attendeeTotal`). */
export const NAMES_PER_FINDING = 5;

export interface PreflightState {
  report: PreflightReport | null;
  error: ErrorBody | null;
  /** A request is waiting for its reply. */
  running: boolean;
}

export function usePreflight(
  api: Pick<StudioApi, "preflight">,
  eventId: string,
  fields: TemplateEdit,
  nameLimit: number | null,
  idleMs = PREFLIGHT_IDLE_MS,
): PreflightState {
  const [state, setState] = useState<PreflightState>({ report: null, error: null, running: false });
  // Requests sent; a reply applies only if it answers the last one.
  const seq = useRef(0);
  const latest = useRef({ fields, nameLimit });
  useEffect(() => {
    latest.current = { fields, nameLimit };
  });

  useEffect(() => {
    // On open at once; after an edit, when typing pauses.
    const delay = seq.current === 0 ? 0 : idleMs;
    const timer = setTimeout(() => {
      const mine = ++seq.current;
      const { fields: f, nameLimit: n } = latest.current;
      setState((s) => (s.running ? s : { ...s, running: true }));
      api
        .preflight({ eventId, templateId: null, fields: f, nameLimit: n, attendeeCap: NAMES_PER_FINDING })
        .then((report) => {
          if (mine === seq.current) setState({ report, error: null, running: false });
        })
        .catch((e: unknown) => {
          if (mine === seq.current) setState((s) => ({ report: s.report, error: errorBody(e), running: false }));
        });
    }, delay);
    return () => {
      clearTimeout(timer);
    };
    // The fields that change the report (not the template's internal name); strings compare
    // cheaply here, nothing is serialized per keystroke.
  }, [api, eventId, fields.subject, fields.html, fields.attachPdf, fields.emailBody, fields.fromAddress, nameLimit, idleMs]);
  return state;
}
