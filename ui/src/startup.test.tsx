import { cleanup, render, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Api, EventRow, GuestRow } from "./api";
import { App, bootRequests } from "./App";
import { PAGE_SIZE } from "./components/AttendeeTable";
import { EventsView, defaultEvent } from "./components/EventsView";
import { defaultRange } from "./features/events/RangeBar";
import { preloadDesk } from "./startup";

const ev = (id: string, end: string, isDefault = false): EventRow => ({
  id,
  title: `Event ${id}`,
  startTime: `${end.slice(0, 10)}T09:00:00`,
  endTime: end,
  timeZoneId: "Europe/London",
  attendeeCount: null,
  isDefault,
});
const guest = (i: number): GuestRow => ({
  id: `g${i}`,
  firstName: `First${i}`,
  lastName: `Last${i}`,
  email: `g${i}@example.com`,
  barcode: null,
  tags: null,
  checkedIn: false,
});

describe("start-up preload", () => {
  afterEach(cleanup);

  it("opens the desk with the first rows in its first frame, asking for each only once", async () => {
    const rows = [ev("a", "2030-01-01T17:00:00", true), ev("b", "2030-02-01T17:00:00")];
    const api = {
      eventsList: vi.fn().mockResolvedValue(rows),
      attendeeCounts: vi.fn().mockResolvedValue([]),
      guestsPage: vi.fn().mockResolvedValue({ eventId: "a", total: 3, matched: 3, offset: 0, rows: [0, 1, 2].map(guest), tags: [] }),
    };
    await preloadDesk(api, defaultRange(), PAGE_SIZE, defaultEvent);
    expect(api.guestsPage).toHaveBeenCalledWith({ eventId: "a", query: "", offset: 0, limit: PAGE_SIZE, refresh: false });
    render(<EventsView api={api} />);
    // No waiting: the first render has them.
    expect(screen.getAllByTestId("attendee-row")).toHaveLength(3);
    expect(screen.getAllByTestId("event-row")).toHaveLength(2);
    // The counts still follow once the table settled.
    await waitFor(() => {
      expect(api.attendeeCounts).toHaveBeenCalledWith({ eventIds: ["a", "b"] });
    });
    expect(api.eventsList).toHaveBeenCalledTimes(1);
    expect(api.guestsPage).toHaveBeenCalledTimes(1);
  });

  it("leaves a failed preload to the screens, which ask again and show the error", async () => {
    const fail = { code: "network_unreachable", message: "Could not reach Qflow", nextStep: "Check the network." };
    const api = {
      eventsList: vi.fn().mockRejectedValue(fail),
      attendeeCounts: vi.fn(),
      guestsPage: vi.fn(),
    };
    await preloadDesk(api, defaultRange(), PAGE_SIZE, defaultEvent);
    render(<EventsView api={api} />);
    expect((await screen.findByRole("alert")).getAttribute("data-code")).toBe("network_unreachable");
    expect(api.eventsList).toHaveBeenCalledTimes(2);
  });

  it("asks app_info and the preload once when main.tsx started them before the first render", async () => {
    const api = {
      appInfo: vi.fn().mockResolvedValue({ version: "1", demo: false, profile: "default", signedIn: null, saved: null }),
      resumeSession: vi.fn().mockResolvedValue(null),
      eventsList: vi.fn().mockResolvedValue([]),
      attendeeCounts: vi.fn(),
      guestsPage: vi.fn(),
    };
    const boot = bootRequests(api as unknown as Api);
    // Under way before React renders anything.
    expect(api.appInfo).toHaveBeenCalledTimes(1);
    expect(api.eventsList).toHaveBeenCalledTimes(1);
    render(<App api={api as unknown as Api} boot={boot} />);
    await waitFor(() => {
      expect(api.resumeSession).toHaveBeenCalledTimes(1);
    });
    // The App took the answers already asked for instead of asking again.
    expect(api.appInfo).toHaveBeenCalledTimes(1);
    expect(api.eventsList).toHaveBeenCalledTimes(1);
  });
});
