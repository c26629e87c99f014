// Offline state, app-wide: `call` reports every failed command here (api.ts), a
// `network_unreachable` turns the banner on, and only a successful probe turns it off (local
// commands succeed offline, so an ordinary success proves nothing).
import { useSyncExternalStore } from "react";
import { codeIs, onCommandFailure, type ErrorBody } from "../../api";

export interface OfflineState {
  offline: boolean;
  /** The failure that started it (what the banner names). */
  error: ErrorBody | null;
  /** Failed probes since going offline (drives the back-off). */
  failedProbes: number;
  /** When the next automatic probe runs (ms since epoch), or null. */
  nextProbeAt: number | null;
  /** The wait before that probe (ms), for the countdown. */
  nextProbeIn: number | null;
  probing: boolean;
}

/** Tooltip of a control disabled while offline. */
export const OFFLINE_TITLE = "Offline: this needs Qflow. It works again when the connection is back.";

const ONLINE: OfflineState = { offline: false, error: null, failedProbes: 0, nextProbeAt: null, nextProbeIn: null, probing: false };

/** First probe after 2 s, doubling to at most 30 s. */
export function probeDelay(failedProbes: number): number {
  return Math.min(2000 * 2 ** Math.min(failedProbes, 4), 30_000);
}

type Probe = () => Promise<unknown>;

/** The state machine; one instance per app (`offline` below), more in tests. */
export class OfflineMonitor {
  private state: OfflineState = ONLINE;
  private readonly listeners = new Set<() => void>();
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly probe: Probe) {}

  get = (): OfflineState => this.state;

  subscribe = (fn: () => void): (() => void) => {
    this.listeners.add(fn);
    return () => {
      this.listeners.delete(fn);
    };
  };

  private set(next: OfflineState) {
    this.state = next;
    for (const l of this.listeners) l();
  }

  /** A command failed: only `network_unreachable` means offline. */
  report(error: ErrorBody) {
    if (!codeIs(error.code, "network_unreachable") || this.state.offline) return;
    this.set({ ...ONLINE, offline: true, error });
    this.schedule();
  }

  private schedule() {
    this.clearTimer();
    const delay = probeDelay(this.state.failedProbes);
    this.set({ ...this.state, nextProbeAt: Date.now() + delay, nextProbeIn: delay });
    this.timer = setTimeout(() => {
      void this.probeNow();
    }, delay);
  }

  private clearTimer() {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Probe now ("Try now", the OS says it is back online, or the back-off timer). */
  async probeNow() {
    if (!this.state.offline || this.state.probing) return;
    this.clearTimer();
    this.set({ ...this.state, probing: true, nextProbeAt: null, nextProbeIn: null });
    try {
      await this.probe();
      this.reset();
    } catch (e) {
      const code = (e as { body?: ErrorBody }).body?.code;
      if (codeIs(code, "network_unreachable")) {
        this.set({ ...this.state, probing: false, failedProbes: this.state.failedProbes + 1 });
        this.schedule();
      } else {
        // Signed out, or anything else that is not the network: nothing left to wait for.
        this.reset();
      }
    }
  }

  /** Back online (or signed out): banner off, no more probes. */
  reset() {
    this.clearTimer();
    this.set(ONLINE);
  }
}

let monitor: OfflineMonitor | null = null;

/** The app's monitor, wired to `call` failures on first use. */
export function offlineMonitor(probe: Probe): OfflineMonitor {
  if (!monitor) {
    const m = new OfflineMonitor(probe);
    onCommandFailure((e) => {
      m.report(e.body);
    });
    monitor = m;
  }
  return monitor;
}

export function useOfflineState(m: OfflineMonitor): OfflineState {
  return useSyncExternalStore(m.subscribe, m.get, m.get);
}
