// Event times are the event's local wall-clock time without an offset ("2026-05-01T09:00:00"
// in timeZoneId). Format them as written, never shifted into the viewer's zone.

const dayFmt = new Intl.DateTimeFormat("en-GB", {
  weekday: "short",
  day: "numeric",
  month: "short",
  year: "numeric",
  timeZone: "UTC",
});
const timeFmt = new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit", timeZone: "UTC" });

function parseLocal(s: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?/.exec(s);
  if (!m) return null;
  const [, y, mo, d, h, mi, se] = m;
  return new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(se ?? "0")));
}

/** "Fri 1 May 2026, 09:00–17:00" or, across days, "Fri 1 May 2026, 09:00 – Sat 2 May 2026, 17:00". */
export function formatEventRange(start: string, end: string): string {
  const a = parseLocal(start);
  const b = parseLocal(end);
  if (!a) return start;
  if (!b) return `${dayFmt.format(a)}, ${timeFmt.format(a)}`;
  const sameDay = a.toISOString().slice(0, 10) === b.toISOString().slice(0, 10);
  return sameDay
    ? `${dayFmt.format(a)}, ${timeFmt.format(a)}–${timeFmt.format(b)}`
    : `${dayFmt.format(a)}, ${timeFmt.format(a)} – ${dayFmt.format(b)}, ${timeFmt.format(b)}`;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString("en-GB")} ${n === 1 ? one : many}`;
}
