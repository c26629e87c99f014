import { act, cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { EventRow, GuestsPage } from "../../api";
import { ArrivalsScreen, REFRESH_MS } from "./ArrivalsScreen";
import type { ArrivalsApi, ArrivalsReport } from "./api";

const event = { id: "e1", title: "Tokyo launch", startTime: "2026-06-01T10:00:00", endTime: "2026-06-01T22:00:00", timeZoneId: "Asia/Tokyo" } as EventRow;

const bucket = (time: string, count: number) => ({ start: `2026-06-01T${time}:00+09:00`, time, date: "2026-06-01", count });

function report(over: Partial<ArrivalsReport> = {}): ArrivalsReport {
  return {
    eventId: "e1",
    title: "Tokyo launch",
    timeZoneId: "Asia/Tokyo",
    zoneNote: null,
    expected: 120,
    checkedIn: 87,
    noShows: 33,
    untimed: 1,
    buckets: [bucket("10:00", 4), bucket("10:05", 12), bucket("10:10", 0), bucket("10:15", 7)],
    earlier: 0,
    peak: bucket("10:05", 12),
    health: { sent: 20, delivered: 15, opened: 9, bounced: 2, failed: 1, unknown: 0, neverSent: 97 },
    targets: [
      { target: "bounced", label: "Bounced", count: 2 },
      { target: "not_opened", label: "Not opened", count: 9 },
      { target: "never_sent", label: "Never sent", count: 97 },
      { target: "not_checked_in", label: "Not checked in", count: 33 },
    ],
    reloaded: false,
    reloadNote: null,
    asOf: "2026-06-01T01:20:00Z",
    ...over,
  };
}

const page = (matched: number, offset = 0): GuestsPage => ({
  eventId: "e1",
  total: 120,
  matched,
  offset,
  rows: Array.from({ length: Math.min(50, matched - offset) }, (_, i) => ({
    id: `g${offset + i}`,
    firstName: "Zoë",
    lastName: `Ødegård ${offset + i}`,
    email: `z${offset + i}@example.com`,
    barcode: null,
    tags: null,
    checkedIn: false,
  })),
  tags: [],
});

function fakeApi(first = report()) {
  return {
    report: vi.fn().mockResolvedValue(first),
    select: vi.fn().mockResolvedValue(["g1", "g2"]),
    exportCsv: vi.fn().mockResolvedValue({ path: "/tmp/arrivals.csv", rows: 21 }),
    noShows: vi.fn().mockImplementation((_e: string, _q: string, offset: number) => Promise.resolve(page(33 + 40, offset))),
  } satisfies ArrivalsApi;
}

afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

describe("ArrivalsScreen", () => {
  it("shows Rust's numbers, the chart with its table, the peak and email health", async () => {
    const api = fakeApi();
    render(<ArrivalsScreen event={event} api={api} onClose={vi.fn()} onSelect={vi.fn()} />);
    expect((await screen.findByTestId("arrivals-checked-in")).textContent).toContain("87 / 120");
    expect(screen.getByTestId("arrivals-checked-in").textContent).toContain("(73%)");
    expect(screen.getByTestId("arrivals-no-shows").textContent).toContain("33");
    expect(screen.getByTestId("arrivals-peak").textContent).toContain("12");
    expect(screen.getByTestId("arrivals-peak").textContent).toContain("2026-06-01 10:05");
    const bars = screen.getAllByTestId("arrivals-bar");
    expect(bars.map((b) => b.getAttribute("data-count"))).toEqual(["4", "12", "0", "7"]);
    // Only the peak is drawn as the peak; the tallest bar reaches the top of the plot.
    expect(bars.filter((b) => b.classList.contains("chart-peak"))).toHaveLength(1);
    const [, tallest, empty, other] = bars;
    expect(tallest?.classList.contains("chart-peak")).toBe(true);
    expect(Number(tallest?.getAttribute("height"))).toBeGreaterThan(Number(other?.getAttribute("height")));
    expect(empty?.getAttribute("height")).toBe("0");
    expect(screen.getByRole("img").getAttribute("aria-label")).toMatch(/from 10:00 to 10:15 \(Asia\/Tokyo\); the peak is 12 at 10:05/);
    const rows = [...screen.getByTestId("arrivals-table").querySelectorAll("tr")];
    expect(rows.map((r) => r.textContent)).toEqual(["From (Asia/Tokyo)Arrivals", "2026-06-01 10:004", "2026-06-01 10:0512", "2026-06-01 10:100", "2026-06-01 10:157"]);
    expect(screen.getByTestId("health-sent").textContent).toContain("Sent20");
    expect(screen.getByTestId("health-bounced").textContent).toContain("Bounced2");
    expect(screen.getByTestId("health-neverSent").textContent).toContain("Never sent97");
    expect(screen.getByText(/1 checked in without a time/)).toBeTruthy();
    expect(api.report).toHaveBeenCalledWith("e1", false);
    expect(await screen.findAllByTestId("no-show-row")).toHaveLength(50);
    expect(screen.getByTestId("no-shows-summary").textContent).toContain("1–50 of 73");
  });

  it("says so before the first arrival", async () => {
    const api = fakeApi(report({ checkedIn: 0, noShows: 120, buckets: [], peak: null, untimed: 0 }));
    render(<ArrivalsScreen event={event} api={api} onClose={vi.fn()} onSelect={vi.fn()} />);
    expect((await screen.findByTestId("arrivals-chart-empty")).textContent).toContain("No arrivals yet.");
    expect(screen.getByTestId("arrivals-peak").textContent).toContain("no arrivals yet");
  });

  it("refreshes while open, asking Rust to reload (it throttles), and stops when closed", async () => {
    vi.useFakeTimers();
    const api = fakeApi();
    const { unmount } = render(<ArrivalsScreen event={event} api={api} onClose={vi.fn()} onSelect={vi.fn()} />);
    await act(async () => {
      await Promise.resolve();
    });
    expect(api.report).toHaveBeenCalledTimes(1);
    api.report.mockResolvedValue(report({ checkedIn: 90, noShows: 30, asOf: "2026-06-01T01:20:10Z" }));
    await act(async () => {
      await vi.advanceTimersByTimeAsync(REFRESH_MS);
    });
    expect(api.report).toHaveBeenLastCalledWith("e1", true);
    expect(screen.getByTestId("arrivals-checked-in").textContent).toContain("90 / 120");
    // A failed reload keeps the earlier list and says so.
    api.report.mockResolvedValue(report({ reloadNote: "could not reload the attendee list (offline); showing the one loaded earlier" }));
    await act(async () => {
      await vi.advanceTimersByTimeAsync(REFRESH_MS);
    });
    expect(screen.getByTestId("arrivals-reload-note").textContent).toContain("showing the one loaded earlier");
    unmount();
    await act(async () => {
      await vi.advanceTimersByTimeAsync(3 * REFRESH_MS);
    });
    expect(api.report).toHaveBeenCalledTimes(3);
  });

  it("hands a targeted resend's attendees to the table and exports the CSV through Rust", async () => {
    const api = fakeApi();
    const onSelect = vi.fn();
    render(<ArrivalsScreen event={event} api={api} onClose={vi.fn()} onSelect={onSelect} />);
    fireEvent.click(await screen.findByTestId("target-not_opened"));
    await waitFor(() => {
      expect(onSelect).toHaveBeenCalledWith(["g1", "g2"]);
    });
    expect(api.select).toHaveBeenCalledWith("e1", "not_opened");
    expect(screen.getByTestId("target-bounced").textContent).toContain("Bounced (2)");
    fireEvent.click(screen.getByTestId("arrivals-export"));
    expect((await screen.findByTestId("arrivals-saved")).textContent).toContain("Saved 21 rows to /tmp/arrivals.csv");
  });

  it("shows a refused selection and disables empty targets; Esc closes", async () => {
    const api = fakeApi(report({ targets: [{ target: "bounced", label: "Bounced", count: 0 }, { target: "not_checked_in", label: "Not checked in", count: 33 }] }));
    api.select.mockRejectedValue({ code: "invalid_input", message: "target: 12000 attendees are “not checked in”; one resend takes at most 10000" });
    const onClose = vi.fn();
    const onSelect = vi.fn();
    render(<ArrivalsScreen event={event} api={api} onClose={onClose} onSelect={onSelect} />);
    expect((await screen.findByTestId<HTMLButtonElement>("target-bounced")).disabled).toBe(true);
    fireEvent.click(screen.getByTestId("target-not_checked_in"));
    expect((await screen.findByRole("alert")).textContent).toContain("one resend takes at most 10000");
    expect(onSelect).not.toHaveBeenCalled();
    fireEvent.keyDown(window, { key: "Escape" });
    expect(onClose).toHaveBeenCalled();
  });

  it("pages and searches the no-show list in Rust", async () => {
    const api = fakeApi();
    render(<ArrivalsScreen event={event} api={api} onClose={vi.fn()} onSelect={vi.fn()} />);
    fireEvent.click(await screen.findByTestId("no-shows-next"));
    await waitFor(() => {
      expect(api.noShows).toHaveBeenLastCalledWith("e1", "", 50);
    });
    expect(await screen.findByText("51–73 of 73")).toBeTruthy();
    fireEvent.change(screen.getByTestId("no-shows-search"), { target: { value: " zoë " } });
    await waitFor(() => {
      expect(api.noShows).toHaveBeenLastCalledWith("e1", "zoë", 0);
    });
  });
});
