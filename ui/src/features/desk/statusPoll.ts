// The attendee table's status column: re-read states that may still move on (local store only).
import { useEffect, useMemo } from "react";
import type { DeskApi, GuestSendStatus } from "./api";
import { formatInstant, STATUS_LABEL } from "./format";
import { plainReason } from "./reasons";

/** How often states still in flight are re-read from the local store. */
export const STATUS_POLL_MS = 2000;
/** A "delivered" is watched this long for its "opened" (later opens show on the next page load). */
const OPEN_WATCH_MS = 10 * 60 * 1000;
/** `send_statuses` takes at most this many ids (MAX_STATUS_IDS in desk.rs). */
const MAX_IDS = 500;

const IN_FLIGHT = new Set(["pending", "queued", "sent", "outcome_unknown"]);

/** Whether Qflow may still report something that changes this state soon. */
export function unsettled(s: GuestSendStatus, now: number): boolean {
  if (IN_FLIGHT.has(s.status)) return true;
  return s.status === "delivered" && now - Date.parse(s.at) < OPEN_WATCH_MS;
}

/** The column's tooltip: the state, when, and the reason in plain words. */
export function statusTitle(s: GuestSendStatus): string {
  const label = STATUS_LABEL[s.status] ?? s.status;
  const reason = s.detail ? ` — ${plainReason(s.detail) ?? s.detail}` : "";
  return `${label} · ${formatInstant(s.at)}${reason}`;
}

function same(a: GuestSendStatus | undefined, b: GuestSendStatus): boolean {
  return a !== undefined && a.status === b.status && a.at === b.at && a.detail === b.detail;
}

/** While some shown states are in flight, re-read them every STATUS_POLL_MS (no request to Qflow). */
export function useUnsettledStatusPoll(
  desk: Pick<DeskApi, "sendStatuses">,
  statuses: Map<string, GuestSendStatus>,
  setStatuses: (f: (old: Map<string, GuestSendStatus>) => Map<string, GuestSendStatus>) => void,
) {
  // Candidates (the age of a "delivered" is checked at each tick, not during render).
  const key = useMemo(
    () =>
      JSON.stringify(
        [...statuses.values()]
          .filter((s) => unsettled(s, Number.NEGATIVE_INFINITY))
          .map((s) => [s.guestId, s.status, s.at]),
      ),
    [statuses],
  );
  useEffect(() => {
    const watched = (JSON.parse(key) as [string, string, string][]).map(([guestId, status, at]) => ({ guestId, status, at, detail: null }));
    if (watched.length === 0) return;
    const timer = window.setInterval(() => {
      const now = Date.now();
      const ids = watched.filter((s) => unsettled(s, now)).map((s) => s.guestId).slice(0, MAX_IDS);
      if (ids.length === 0) return;
      desk
        .sendStatuses(ids)
        .then((list) => {
          setStatuses((old) => {
            if (list.every((s) => same(old.get(s.guestId), s))) return old;
            const next = new Map(old);
            for (const s of list) next.set(s.guestId, s);
            return next;
          });
        })
        .catch(() => {});
    }, STATUS_POLL_MS);
    return () => {
      window.clearInterval(timer);
    };
  }, [desk, key, setStatuses]);
}
