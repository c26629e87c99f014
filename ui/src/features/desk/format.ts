const when = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit" });
const whenSeconds = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", second: "2-digit" });
const whenUtc = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });

/** A UTC instant in the viewer's local time: "12 May 2026, 14:32". */
export function formatInstant(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : when.format(d);
}

/** A UTC instant to the second, for event feeds: "12 May, 14:32:05". */
export function formatInstantSeconds(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : whenSeconds.format(d);
}

/** The date of a UTC instant: "12 April 2026". */
export function formatUtc(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : whenUtc.format(d);
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
