import { useEffect, useState } from "react";
import { appOfflineMonitor } from "./api";
import { useOfflineState, type OfflineMonitor } from "./offline";
import "./offline.css";

/** Whole seconds left of a wait of `ms` that started when `at` was set, ticking each second. */
function useCountdown(at: number | null, ms: number | null): number | null {
  const [ticks, setTicks] = useState({ at, n: 0 });
  if (ticks.at !== at) setTicks({ at, n: 0 });
  useEffect(() => {
    if (at === null) return;
    const t = setInterval(() => {
      setTicks((old) => (old.at === at ? { at, n: old.n + 1 } : old));
    }, 1000);
    return () => {
      clearInterval(t);
    };
  }, [at]);
  if (at === null || ms === null) return null;
  return Math.max(0, Math.ceil(ms / 1000) - (ticks.at === at ? ticks.n : 0));
}

/** Shown while Qflow cannot be reached: what still works, what does not, and when it checks
 * again. Disappears by itself once a probe gets through. */
export function OfflineBanner({ monitor = appOfflineMonitor() }: { monitor?: OfflineMonitor }) {
  const state = useOfflineState(monitor);
  const seconds = useCountdown(state.nextProbeAt, state.nextProbeIn);

  // The OS noticed the network came back: check at once instead of waiting for the back-off.
  useEffect(() => {
    const onOnline = () => {
      void monitor.probeNow();
    };
    window.addEventListener("online", onOnline);
    return () => {
      window.removeEventListener("online", onOnline);
    };
  }, [monitor]);

  // Signed out (Home unmounts): nothing to probe any more.
  useEffect(
    () => () => {
      monitor.reset();
    },
    [monitor],
  );

  if (!state.offline) return null;
  return (
    <div className="offline-banner" role="status" data-testid="offline-banner">
      <div className="offline-text">
        <span className="offline-dot" aria-hidden="true" />
        <strong>Offline — Qflow can’t be reached.</strong>{" "}
        <span>
          What was loaded stays on screen, read-only. Anything you typed stays in its form; save or send it once the
          connection is back.
        </span>
      </div>
      <span className="offline-next small" data-testid="offline-next" aria-live="off">
        {state.probing ? "Checking…" : seconds !== null ? `Checking again in ${String(seconds)} s` : ""}
      </span>
      <button
        type="button"
        className="btn btn-secondary btn-small"
        data-testid="offline-retry"
        disabled={state.probing}
        onClick={() => {
          void monitor.probeNow();
        }}
      >
        Try now
      </button>
    </div>
  );
}
