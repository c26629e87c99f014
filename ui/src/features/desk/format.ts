import { dayMonth, hoursMinutes, hoursMinutesSeconds, localParts, longDate, shortDate, utcParts } from "../../format";

/** `show(d)` of the instant `iso`, or `iso` itself when it is not a date. */
function instant(iso: string, show: (d: Date) => string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : show(d);
}

/** A UTC instant in the viewer's local time: "12 May 2026, 14:32". */
export function formatInstant(iso: string): string {
  return instant(iso, (d) => {
    const p = localParts(d);
    return `${shortDate(p)}, ${hoursMinutes(p)}`;
  });
}

/** A UTC instant to the second, for event feeds: "12 May, 14:32:05". */
export function formatInstantSeconds(iso: string): string {
  return instant(iso, (d) => {
    const p = localParts(d);
    return `${dayMonth(p)}, ${hoursMinutesSeconds(p)}`;
  });
}

/** The viewer's local time of a UTC instant, to the second: "14:32:05". */
export function formatTimeSeconds(iso: string): string {
  return instant(iso, (d) => hoursMinutesSeconds(localParts(d)));
}

/** The date of a UTC instant: "12 April 2026". */
export function formatUtc(iso: string): string {
  return instant(iso, (d) => longDate(utcParts(d)));
}

export const STATUS_LABEL: Record<string, string> = {
  queued: "Queued",
  pending: "Sending…",
  error: "Refused",
  outcome_unknown: "Outcome unknown",
  sent: "Sent",
  delivered: "Delivered",
  opened: "Opened",
  bounced: "Bounced",
  dropped: "Dropped",
  spam_reported: "Spam report",
  unsubscribed: "Unsubscribed",
  failed: "Failed",
};

export function statusClass(status: string): string {
  if (["queued", "sent", "delivered", "opened"].includes(status)) return "send-ok";
  if (["pending", "outcome_unknown"].includes(status)) return "send-warn";
  return "send-bad";
}
