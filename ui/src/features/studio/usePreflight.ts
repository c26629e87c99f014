// The pre-flight report for the editor's current fields: core::preflight (every attendee of
// the event merged and checked, in Rust) asked for when typing pauses and on open, never per
// keystroke. Only the reply for the text as it stands is shown: one for older text (a newer
// request, or an edit since) is dropped. The fields come through
// a `Latest` the editor sets, so a keystroke re-renders nothing here: it only moves a timer.
import { useEffect, useRef, useState } from "react";
import { codeIs, errorBody, type ErrorBody } from "../../api";
import type { PreflightReport, StudioApi, TemplateEdit } from "./api";
import type { Latest } from "./previewStore";

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

/** Same for the check (the template's internal name is not looked at). */
function sameForCheck(a: TemplateEdit, b: TemplateEdit): boolean {
  return a.html === b.html && a.subject === b.subject && a.attachPdf === b.attachPdf && a.emailBody === b.emailBody && a.fromAddress === b.fromAddress;
}

export function usePreflight(
  api: Pick<StudioApi, "preflight">,
  eventId: string,
  fields: Latest<TemplateEdit>,
  nameLimit: number | null,
  idleMs = PREFLIGHT_IDLE_MS,
): PreflightState {
  const [state, setState] = useState<PreflightState>({ report: null, error: null, running: false });
  // Requests sent; a reply applies only if it answers the last one.
  const seq = useRef(0);

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let asked: TemplateEdit | null = null;
    const run = () => {
      const mine = ++seq.current;
      const f = fields.get();
      asked = f;
      setState((s) => (s.running ? s : { ...s, running: true }));
      api
        .preflight({ eventId, templateId: null, fields: f, nameLimit, attendeeCap: NAMES_PER_FINDING })
        .then((report) => {
          if (mine === seq.current) setState({ report, error: null, running: false });
        })
        .catch((e: unknown) => {
          if (mine !== seq.current) return;
          const body = errorBody(e);
          // Stopped in Rust by a keystroke (the text changed): not an error to show; the check
          // runs again when typing pauses.
          if (codeIs(body.code, "superseded")) setState((s) => (s.running ? { ...s, running: false } : s));
          else setState((s) => ({ report: s.report, error: body, running: false }));
        });
    };
    const schedule = (delay: number) => {
      clearTimeout(timer);
      timer = setTimeout(run, delay);
    };
    // On open at once; after a new limit, when typing pauses.
    schedule(seq.current === 0 ? 0 : idleMs);
    const unsubscribe = fields.subscribe(() => {
      const f = fields.get();
      if (asked && sameForCheck(asked, f)) {
        clearTimeout(timer);
        return;
      }
      // Typing again: a reply still on its way is about older text. It is dropped rather than
      // drawn mid-typing (the panel keeps the last report until the next pause's).
      if (asked) seq.current += 1;
      asked = null;
      schedule(idleMs);
    });
    return () => {
      clearTimeout(timer);
      unsubscribe();
    };
  }, [api, eventId, fields, nameLimit, idleMs]);
  return state;
}
