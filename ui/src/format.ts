// Dates and counts, written by hand in the en-GB style the app shows everywhere ("Thu, 1 Jan
// 2026, 09:00", "1 Sept 2026, 13:05", "12,345"): the output of Intl.DateTimeFormat("en-GB") and
// toLocaleString("en-GB") exactly (format.test.ts compares them), without Intl. The first Intl
// formatter loads ICU's locale and calendar data into the web process: ~3 MiB of its memory for
// the few fixed patterns below (bench-ui's memory figure).

const WEEKDAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
/** en-GB's abbreviations (September's is "Sept"). */
const SHORT_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sept", "Oct", "Nov", "Dec"];

/** The calendar fields of an instant, in UTC or in the viewer's zone. */
export interface DateParts {
  year: number;
  /** 0 = January */
  month: number;
  day: number;
  /** 0 = Sunday */
  weekday: number;
  hour: number;
  minute: number;
  second: number;
}

export function utcParts(d: Date): DateParts {
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth(),
    day: d.getUTCDate(),
    weekday: d.getUTCDay(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
  };
}

export function localParts(d: Date): DateParts {
  return {
    year: d.getFullYear(),
    month: d.getMonth(),
    day: d.getDate(),
    weekday: d.getDay(),
    hour: d.getHours(),
    minute: d.getMinutes(),
    second: d.getSeconds(),
  };
}

const pad2 = (n: number) => String(n).padStart(2, "0");
const shortMonth = (m: number) => SHORT_MONTHS[m] ?? "";

/** "Thu, 1 Jan 2026" */
export const weekdayDate = (p: DateParts) => `${WEEKDAYS[p.weekday] ?? ""}, ${p.day} ${shortMonth(p.month)} ${p.year}`;
/** "1 Jan 2026" */
export const shortDate = (p: DateParts) => `${p.day} ${shortMonth(p.month)} ${p.year}`;
/** "1 Jan" */
export const dayMonth = (p: DateParts) => `${p.day} ${shortMonth(p.month)}`;
/** "1 January 2026" */
export const longDate = (p: DateParts) => `${p.day} ${MONTHS[p.month] ?? ""} ${p.year}`;
/** "09:05" (24-hour) */
export const hoursMinutes = (p: DateParts) => `${pad2(p.hour)}:${pad2(p.minute)}`;
/** "09:05:07" */
export const hoursMinutesSeconds = (p: DateParts) => `${hoursMinutes(p)}:${pad2(p.second)}`;

/** A count with thousands separators: "12,345". */
export function formatCount(n: number): string {
  // Whole numbers are all the app counts; anything else keeps Intl's rounding.
  if (!Number.isSafeInteger(n)) return n.toLocaleString("en-GB");
  const digits = String(Math.abs(n)).replace(/\B(?=(\d{3})+$)/g, ",");
  return n < 0 ? `-${digits}` : digits;
}

// Event times are the event's local wall-clock time without an offset ("2026-05-01T09:00:00"
// in timeZoneId). Format them as written, never shifted into the viewer's zone.

function parseLocal(s: string): DateParts | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?/.exec(s);
  if (!m) return null;
  const [, y, mo, d, h, mi, se] = m;
  return utcParts(new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(se ?? "0"))));
}

/** "Fri, 1 May 2026, 09:00–17:00" or, across days, "Fri, 1 May 2026, 09:00 – Sat, 2 May 2026, 17:00". */
export function formatEventRange(start: string, end: string): string {
  const a = parseLocal(start);
  const b = parseLocal(end);
  if (!a) return start;
  if (!b) return `${weekdayDate(a)}, ${hoursMinutes(a)}`;
  const sameDay = a.year === b.year && a.month === b.month && a.day === b.day;
  return sameDay
    ? `${weekdayDate(a)}, ${hoursMinutes(a)}–${hoursMinutes(b)}`
    : `${weekdayDate(a)}, ${hoursMinutes(a)} – ${weekdayDate(b)}, ${hoursMinutes(b)}`;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}
