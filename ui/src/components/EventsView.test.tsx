import { cleanup, render, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { EventRow } from "../api";
import { EventsView, defaultEvent } from "./EventsView";

const ev = (id: string, start: string, end: string, attendeeCount: number | null = null, isDefault = false): EventRow => ({
  id,
  title: `Event ${id}`,
  startTime: start,
  endTime: end,
  timeZoneId: "Europe/London",
  attendeeCount,
  isDefault,
});

describe("EventsView", () => {
  afterEach(cleanup);

  it("opens the event Rust marks as the default", () => {
    const rows = [ev("past", "2026-01-01T09:00:00", "2026-01-01T17:00:00"), ev("today", "2026-02-01T09:00:00", "2026-02-01T17:00:00", null, true)];
    expect(defaultEvent(rows)).toBe("today");
    expect(defaultEvent([ev("x", "2026-01-01T09:00:00", "2026-01-01T17:00:00")])).toBeNull();
    expect(defaultEvent([])).toBeNull();
  });

  it("lists events, then fills in counts asked for in one call", async () => {
    const rows = [ev("a", "2030-01-01T09:00:00", "2030-01-01T17:00:00", null, true), ev("b", "2030-02-01T09:00:00", "2030-02-02T17:00:00", 7)];
    const api = {
      eventsList: vi.fn().mockResolvedValue(rows),
      attendeeCounts: vi.fn().mockResolvedValue([{ eventId: "a", count: 1 }]),
      guestsPage: vi.fn().mockResolvedValue({ eventId: "a", total: 0, matched: 0, offset: 0, rows: [], tags: [] }),
    };
    render(<EventsView api={api} />);
    await waitFor(() => {
      expect(screen.getAllByTestId("event-count").map((e) => e.textContent)).toEqual(["1 attendee", "7 attendees"]);
    });
    expect(api.attendeeCounts).toHaveBeenCalledWith({ eventIds: ["a"] });
    expect(screen.getByTestId("attendees-title").textContent).toBe("Event a");
  });

  it("asks for the counts only after the shown event's first rows are in", async () => {
    const rows = [ev("a", "2030-01-01T09:00:00", "2030-01-01T17:00:00", null, true), ev("b", "2030-02-01T09:00:00", "2030-02-02T17:00:00")];
    let answer: (page: unknown) => void = () => {};
    const api = {
      eventsList: vi.fn().mockResolvedValue(rows),
      attendeeCounts: vi.fn().mockResolvedValue([{ eventId: "b", count: 3 }]),
      guestsPage: vi.fn().mockImplementation(
        () =>
          new Promise((r) => {
            answer = r;
          }),
      ),
    };
    render(<EventsView api={api} />);
    await waitFor(() => {
      expect(api.guestsPage).toHaveBeenCalled();
    });
    await new Promise((r) => setTimeout(r, 50));
    expect(api.attendeeCounts).not.toHaveBeenCalled();
    answer({ eventId: "a", total: 2, matched: 2, offset: 0, rows: [], tags: [] });
    await waitFor(() => {
      expect(api.attendeeCounts).toHaveBeenCalledWith({ eventIds: ["a", "b"] });
    });
  });

  it("shows why the list failed", async () => {
    const api = {
      eventsList: vi.fn().mockRejectedValue({ code: "network_unreachable", message: "Could not reach Qflow", nextStep: "Check the network." }),
      attendeeCounts: vi.fn(),
      guestsPage: vi.fn(),
    };
    render(<EventsView api={api} />);
    expect((await screen.findByRole("alert")).getAttribute("data-code")).toBe("network_unreachable");
    expect(api.attendeeCounts).not.toHaveBeenCalled();
  });
});
