import { act, cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { EventRow, GuestRow, GuestsPage } from "../api";
import type { GuestsPageRequest } from "../bindings/GuestsPageRequest";
import { AttendeeTable, PAGE_SIZE, ROW_HEIGHT } from "./AttendeeTable";

const event: EventRow = {
  id: "e1",
  title: "Spring Summit",
  startTime: "2026-05-01T09:00:00",
  endTime: "2026-05-01T17:00:00",
  timeZoneId: "Europe/London",
  attendeeCount: null,
  isDefault: true,
};

function guest(i: number): GuestRow {
  return { id: `g${i}`, firstName: `First${i}`, lastName: `Last${i}`, email: `p${i}@example.com`, barcode: null, tags: i === 0 ? "VIP, Speaker" : null, checkedIn: i === 1 };
}

/** A fake Rust side holding 120 guests and paging like guests_page. */
function fakeApi() {
  const all = Array.from({ length: 120 }, (_, i) => guest(i));
  all[2] = { ...guest(2), firstName: "<b>Bold</b>" };
  const guestsPage = vi.fn((req: GuestsPageRequest): Promise<GuestsPage> => {
    const hits = all.filter((g) => `${g.firstName} ${g.lastName} ${g.email}`.toLowerCase().includes(req.query.toLowerCase()));
    return Promise.resolve({ eventId: req.eventId, total: all.length, matched: hits.length, offset: req.offset, rows: hits.slice(req.offset, req.offset + req.limit), tags: ["Speaker", "VIP"] });
  });
  return { guestsPage };
}

describe("AttendeeTable", () => {
  afterEach(cleanup);

  it("puts one row of the grid in the Tab order (the first shown, then the one last focused) and moves it by arrows, Home, End and pages", async () => {
    const api = fakeApi();
    render(<AttendeeTable event={event} api={api} />);
    await waitFor(() => {
      expect(screen.getByTestId("attendee-summary").textContent).toBe("1–20 of 120");
    });
    const tabStops = () =>
      screen
        .getAllByTestId("attendee-row")
        .filter((r) => r.tabIndex === 0)
        .map((r) => r.getAttribute("data-guest-id"));
    const checkboxStops = () => screen.getAllByTestId("row-select").filter((c) => c.tabIndex === 0).length;
    expect(tabStops()).toEqual(["g0"]);
    expect(checkboxStops()).toBe(1);
    const rows = screen.getAllByTestId("attendee-row");
    // jsdom lays nothing out: scrolling a row into view does nothing here.
    const scrollIntoView = vi.fn();
    Object.defineProperty(window.HTMLElement.prototype, "scrollIntoView", { configurable: true, value: scrollIntoView });
    act(() => {
      rows[0]?.focus();
    });
    // Down the grid by arrow: the focus and the tab stop move together.
    fireEvent.keyDown(rows[0] as HTMLElement, { key: "ArrowDown" });
    fireEvent.keyDown(document.activeElement as HTMLElement, { key: "ArrowDown" });
    expect(document.activeElement?.getAttribute("data-guest-id")).toBe("g2");
    expect(tabStops()).toEqual(["g2"]);
    expect(checkboxStops()).toBe(1);
    expect(scrollIntoView).toHaveBeenCalledTimes(2);

    // End: the last attendee of the whole list, once scrolled to and loaded (jsdom has no
    // layout: scrollTop is a plain property here, and the viewport has no height).
    const scroller = screen.getByTestId("attendee-scroll");
    Object.defineProperty(scroller, "scrollTop", { configurable: true, writable: true, value: 0 });
    fireEvent.keyDown(document.activeElement as HTMLElement, { key: "End" });
    await waitFor(() => {
      expect(document.activeElement?.getAttribute("data-guest-id")).toBe("g119");
    });
    expect(tabStops()).toEqual(["g119"]);
    expect(scroller.scrollTop).toBeGreaterThan(100 * ROW_HEIGHT);
    // PageUp: a screenful up; Home: the first, scrolled back to the top.
    fireEvent.keyDown(document.activeElement as HTMLElement, { key: "PageUp" });
    await waitFor(() => {
      // 720 px of 36 px rows: 20 in view, a page is one less.
      expect(document.activeElement?.getAttribute("data-guest-id")).toBe("g100");
    });
    fireEvent.keyDown(document.activeElement as HTMLElement, { key: "Home" });
    await waitFor(() => {
      expect(document.activeElement?.getAttribute("data-guest-id")).toBe("g0");
    });
    expect(scroller.scrollTop).toBe(0);
    delete (window.HTMLElement.prototype as { scrollIntoView?: unknown }).scrollIntoView;
  });

  it("renders only the rows in view and fetches the window scrolled to", async () => {
    const api = fakeApi();
    render(<AttendeeTable event={event} api={api} />);
    await waitFor(() => {
      expect(screen.getByTestId("attendee-summary").textContent).toBe("1–20 of 120");
    });
    // jsdom has no layout: a 720 px viewport of 36 px rows, plus a block and the overscan below.
    expect(screen.getAllByTestId("attendee-row")).toHaveLength(30);
    expect(api.guestsPage).toHaveBeenCalledTimes(1);
    expect(api.guestsPage).toHaveBeenCalledWith({ eventId: "e1", query: "", offset: 0, limit: PAGE_SIZE, refresh: false });
    expect(document.querySelector("td .chip")?.textContent).toBe("VIP");
    expect(document.querySelectorAll(".status-in")).toHaveLength(1);
    // Markup in data stays text.
    expect(screen.getByText("<b>Bold</b> Last2", { exact: false })).toBeTruthy();
    expect(document.querySelector("td b")).toBeNull();
    // The scroll container is as tall as the whole filtered list.
    const spacers = [...document.querySelectorAll<HTMLElement>("tr.row-spacer")];
    expect(spacers.map((r) => r.style.height)).toEqual([`${(120 - 30) * ROW_HEIGHT}px`]);

    const scroller = screen.getByTestId("attendee-scroll");
    Object.defineProperty(scroller, "scrollTop", { configurable: true, value: 100 * ROW_HEIGHT });
    fireEvent.scroll(scroller);
    await waitFor(() => {
      expect(screen.getByTestId("attendee-summary").textContent).toBe("101–120 of 120");
    });
    expect(api.guestsPage).toHaveBeenLastCalledWith(expect.objectContaining({ offset: PAGE_SIZE, limit: PAGE_SIZE }));
    await waitFor(() => {
      // Row 100 starts a block; the overscan above it starts at 94.
      expect(screen.getAllByTestId("attendee-row")[0]?.getAttribute("data-guest-id")).toBe("g94");
    });
    const ids = screen.getAllByTestId("attendee-row").map((r) => r.getAttribute("data-guest-id"));
    expect(ids).toHaveLength(26);
    expect(ids.at(-1)).toBe("g119");
    // One row further, same block: the summary follows, the rows are the same elements.
    const firstRow = screen.getAllByTestId("attendee-row")[0];
    Object.defineProperty(scroller, "scrollTop", { configurable: true, value: 101 * ROW_HEIGHT });
    fireEvent.scroll(scroller);
    await waitFor(() => {
      expect(screen.getByTestId("attendee-summary").textContent).toBe("102–120 of 120");
    });
    expect(screen.getAllByTestId("attendee-row")[0]).toBe(firstRow);

    // Back up: the first window is cached, no new request.
    const calls = api.guestsPage.mock.calls.length;
    Object.defineProperty(scroller, "scrollTop", { configurable: true, value: 0 });
    fireEvent.scroll(scroller);
    await waitFor(() => {
      expect(screen.getByTestId("attendee-summary").textContent).toBe("1–20 of 120");
    });
    expect(api.guestsPage.mock.calls.length).toBe(calls);
  });

  it("searches after a pause and resets to the first page", async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    try {
      const api = fakeApi();
      render(<AttendeeTable event={event} api={api} />);
      await waitFor(() => {
        expect(screen.getAllByTestId("attendee-row")).toHaveLength(30);
      });
      fireEvent.change(screen.getByTestId("attendee-search"), { target: { value: "p11" } });
      await act(async () => {
        await vi.advanceTimersByTimeAsync(250);
      });
      await waitFor(() => {
        expect(screen.getByTestId("attendee-summary").textContent).toBe("1–11 of 11 matching (120 in total)");
      });
      expect(api.guestsPage).toHaveBeenLastCalledWith(expect.objectContaining({ query: "p11", offset: 0 }));
    } finally {
      vi.useRealTimers();
    }
  });

  it("shows a jump's range at once and a moving scroll's range once it rests, not in every scroll frame", async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    try {
      render(<AttendeeTable event={event} api={fakeApi()} />);
      await waitFor(() => {
        expect(screen.getByTestId("attendee-summary").textContent).toBe("1–20 of 120");
      });
      const scroller = screen.getByTestId("attendee-scroll");
      const scrollTo = async (row: number) => {
        Object.defineProperty(scroller, "scrollTop", { configurable: true, value: row * ROW_HEIGHT });
        fireEvent.scroll(scroller);
        await act(async () => {
          await vi.advanceTimersByTimeAsync(50);
        });
      };
      // The first scroll from rest shows at once; the next ones, 50 ms apart, keep that text.
      await scrollTo(10);
      expect(screen.getByTestId("attendee-summary").textContent).toBe("11–30 of 120");
      await scrollTo(20);
      await scrollTo(30);
      expect(screen.getByTestId("attendee-summary").textContent).toBe("11–30 of 120");
      await act(async () => {
        await vi.advanceTimersByTimeAsync(60);
      });
      expect(screen.getByTestId("attendee-summary").textContent).toBe("31–50 of 120");
      // A long scroll in motion (a scroll event every 50 ms) shows where it is twice a second.
      const seen = new Set<string>();
      for (let row = 40; row <= 90; row += 5) {
        await scrollTo(row);
        seen.add(screen.getByTestId("attendee-summary").textContent);
      }
      // 41–60 (the jump from rest), then one more range after ~500 ms of motion, not ten.
      expect(seen.size).toBe(2);
      expect([...seen][0]).toBe("41–60 of 120");
      expect(seen.has("91–110 of 120")).toBe(false);
      await act(async () => {
        await vi.advanceTimersByTimeAsync(110);
      });
      expect(screen.getByTestId("attendee-summary").textContent).toBe("91–110 of 120");
    } finally {
      vi.useRealTimers();
    }
  });

  it("shows the error body when Rust refuses", async () => {
    const guestsPage = vi.fn().mockRejectedValue({ code: "not_signed_in", message: "You are not signed in", nextStep: "Sign in first." });
    render(<AttendeeTable event={event} api={{ guestsPage }} />);
    const alert = await screen.findByRole("alert");
    expect(alert.getAttribute("data-code")).toBe("not_signed_in");
    expect(alert.textContent).toContain("Sign in first.");
  });
});
