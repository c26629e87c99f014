// What the bulk resend and the attendee import dialogs share: following one job's pushed
// status, and running one control (pause / resume / cancel…) at a time with its error.
import { useEffect, useState } from "react";
import { errorBody, type ErrorBody } from "../../api";

export interface JobSource<S> {
  status: () => Promise<S | null>;
  onProgress: (f: (s: S) => void) => Promise<() => void>;
}

/** The latest status of the job `key`: pushed events, plus one read in case an event came
 * before the listener. `keyOf` must be stable (module level). */
export function useJobStatus<S>(source: JobSource<S>, initial: S, key: string, keyOf: (s: S) => string): S {
  const [status, setStatus] = useState(initial);
  useEffect(() => {
    let live = true;
    const un = source.onProgress((s) => {
      if (live && keyOf(s) === key) setStatus(s);
    });
    source
      .status()
      .then((s) => {
        if (live && s && keyOf(s) === key) setStatus(s);
      })
      .catch(() => {});
    return () => {
      live = false;
      void un.then((f) => {
        f();
      });
    };
  }, [source, key, keyOf]);
  return status;
}

/** One control at a time: `busy` while it runs, its error (cleared by the next success). */
export function useJobControl() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorBody | null>(null);
  const act = (f: () => Promise<unknown>) => {
    setBusy(true);
    f()
      .then(() => {
        setError(null);
      })
      .catch((e: unknown) => {
        setError(errorBody(e));
      })
      .finally(() => {
        setBusy(false);
      });
  };
  return { busy, error, setError, act };
}
