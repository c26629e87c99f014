// The domain recheck runner (core `ops::recheck`): commands plus its `domain-recheck` event.
import type { UnlistenFn } from "@tauri-apps/api/event";
import { call, listenTo } from "../../api";
import type { RecheckUpdate } from "../../bindings/RecheckUpdate";

export type { RecheckUpdate };
export type { RecheckPhase } from "../../bindings/RecheckPhase";

export const recheckApi = {
  /** `screen`: the domain screen opened (starts when waiting for DNS); else only if background is on. */
  start: (screen: boolean) => call("domain_recheck_start", { screen }),
  /** The screen closed: stops unless "keep checking in the background" is on. */
  leave: () => call("domain_recheck_leave"),
  now: () => call("domain_recheck_now"),
  setBackground: (on: boolean) => call("domain_recheck_set_background", { on }),
  /** Every step of the runner, pushed from Rust. */
  onUpdate: (f: (u: RecheckUpdate) => void): Promise<UnlistenFn> =>
    listenTo("domain-recheck", f),
};

export type RecheckApi = typeof recheckApi;

/** "40 s", "2 min", "1 min 30 s". */
export function waitText(ms: number): string {
  const s = Math.max(0, Math.ceil(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  const rest = s % 60;
  return rest ? `${m} min ${rest} s` : `${m} min`;
}
