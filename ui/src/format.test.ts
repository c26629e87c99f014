import { describe, expect, it } from "vitest";
import { formatInstant, formatInstantSeconds, formatTimeSeconds, formatUtc } from "./features/desk/format";
import { formatCount, formatEventRange, plural } from "./format";

// The hand-written formatters must read exactly as Intl's en-GB ones, which the app used before
// (and which the web process no longer loads ICU's locale data for).
const intl = (o: Intl.DateTimeFormatOptions) => new Intl.DateTimeFormat("en-GB", o);

/** Instants over a few years: every month, weekday, hour and minute shape (1 vs 2 digits, 00). */
function instants(): Date[] {
  const out: Date[] = [];
  let t = Date.UTC(2024, 0, 1, 0, 0, 0);
  // ~7 days and 11 h 7 min 13 s apart: all weekdays, hours, both halves of the day.
  for (let i = 0; i < 400; i++, t += 7 * 86_400_000 + 11 * 3_600_000 + 7 * 60_000 + 13_000) out.push(new Date(t));
  out.push(new Date(Date.UTC(2026, 8, 1, 0, 0, 0)), new Date(Date.UTC(1999, 11, 31, 23, 59, 59)));
  return out;
}

const wallClock = (d: Date) => d.toISOString().slice(0, 19);

describe("formatting without Intl", () => {
  it("writes event ranges as Intl's en-GB did, in the event's own wall-clock time", () => {
    const day = intl({ weekday: "short", day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });
    const time = intl({ hour: "2-digit", minute: "2-digit", timeZone: "UTC" });
    for (const a of instants()) {
      const b = new Date(a.getTime() + 90 * 60_000);
      const expected =
        a.toISOString().slice(0, 10) === b.toISOString().slice(0, 10)
          ? `${day.format(a)}, ${time.format(a)}–${time.format(b)}`
          : `${day.format(a)}, ${time.format(a)} – ${day.format(b)}, ${time.format(b)}`;
      expect(formatEventRange(wallClock(a), wallClock(b))).toBe(expected);
    }
    expect(formatEventRange("2026-09-01T09:00", "2026-09-02T17:30:00")).toBe("Tue, 1 Sept 2026, 09:00 – Wed, 2 Sept 2026, 17:30");
    expect(formatEventRange("2026-05-01T09:00:00", "")).toBe("Fri, 1 May 2026, 09:00");
    expect(formatEventRange("soon", "later")).toBe("soon");
  });

  it("writes instants in the viewer's zone as Intl's en-GB did", () => {
    const when = intl({ day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit" });
    const whenSeconds = intl({ day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", second: "2-digit" });
    const timeOnly = intl({ hour: "2-digit", minute: "2-digit", second: "2-digit" });
    const whenUtc = intl({ day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
    for (const d of instants()) {
      const iso = d.toISOString();
      expect(formatInstant(iso)).toBe(when.format(d));
      expect(formatInstantSeconds(iso)).toBe(whenSeconds.format(d));
      expect(formatTimeSeconds(iso)).toBe(timeOnly.format(d));
      expect(formatUtc(iso)).toBe(whenUtc.format(d));
    }
    for (const f of [formatInstant, formatInstantSeconds, formatTimeSeconds, formatUtc]) expect(f("not a time")).toBe("not a time");
  });

  it("writes counts as toLocaleString('en-GB') did", () => {
    for (const n of [0, 1, 7, 12, 999, 1000, 1001, 12_345, 99_999, 100_000, 999_999, 1_000_000, 22_500, 50_000, 123_456_789, -1, -1234, -1_000_000]) {
      expect(formatCount(n)).toBe(n.toLocaleString("en-GB"));
    }
    expect(formatCount(1234.5678)).toBe((1234.5678).toLocaleString("en-GB"));
    expect(plural(1, "attendee")).toBe("1 attendee");
    expect(plural(22_500, "attendee")).toBe("22,500 attendees");
  });
});
