// The state every screen with actions repeats: one action at a time (`busy` names it), its
// failure as the one error shape, and a first load that ignores answers after unmount.
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from "react";
import { errorBody, type ErrorBody } from "../api";

export function useAction() {
  const [error, setError] = useState<ErrorBody | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  /** Runs `f` as the action `what`: its value, or undefined after showing its error. */
  const run = useCallback(async <T,>(what: string, f: () => Promise<T>): Promise<T | undefined> => {
    setBusy(what);
    setError(null);
    try {
      return await f();
    } catch (e) {
      setError(errorBody(e));
      return undefined;
    } finally {
      setBusy(null);
    }
  }, []);
  return { error, setError, busy, run };
}

/** `load()` once per `key` (and on mount); its value to `onValue`, its failure to `onError`. */
export function useLoad<T>(key: unknown, load: () => Promise<T>, onValue: (v: T) => void, onError: (e: ErrorBody) => void) {
  const latest = useRef({ load, onValue, onError });
  useLayoutEffect(() => {
    latest.current = { load, onValue, onError };
  });
  useEffect(() => {
    let live = true;
    latest.current.load().then(
      (v) => {
        if (live) latest.current.onValue(v);
      },
      (e: unknown) => {
        if (live) latest.current.onError(errorBody(e));
      },
    );
    return () => {
      live = false;
    };
  }, [key]);
}
