import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { EventRow, ZoneInfo } from "./api";
import { DeleteEventDialog } from "./DeleteEventDialog";
import { EventFormDialog, toFormTime } from "./EventFormDialog";
import { defaultRange } from "./RangeBar";

const TOKYO: ZoneInfo = { id: "Asia/Tokyo", offset: "+09:00", label: "Asia/Tokyo (UTC+09:00)" };
const LONDON: ZoneInfo = { id: "Europe/London", offset: "+00:00", label: "Europe/London (UTC+00:00)" };

function zonesApi() {
  return vi.fn((query: string) => {
    const all = [LONDON, TOKYO];
    const zones = all.filter((z) => z.id.toLowerCase().includes(query.toLowerCase()));
    return Promise.resolve({ zones, matched: zones.length });
  });
}

const row = (over: Partial<EventRow> = {}): EventRow => ({
  id: "6f1c1a52-3c44-4b7e-9d8e-0f1b2c3d4e5f",
  title: "Tokyo launch",
  startTime: "2030-06-01T10:00:00",
  endTime: "2030-06-01T22:00:00",
  timeZoneId: "Asia/Tokyo",
  attendeeCount: 12,
  when: "Sat 1 Jun 2030, 10:00–22:00 Asia/Tokyo (UTC+09:00)",
  isDefault: true,
  ...over,
});

const val = (testId: string) => screen.getByTestId<HTMLInputElement>(testId).value;

const type = (testId: string, value: string) => {
  fireEvent.change(screen.getByTestId(testId), { target: { value } });
};

describe("EventFormDialog", () => {
  afterEach(cleanup);

  it("creates in the zone picked from the searchable list, and a retry keeps the same id", async () => {
    const create = vi
      .fn()
      .mockRejectedValueOnce({ code: "outcome_unknown", message: "The answer was lost", nextStep: "Check the list." })
      .mockResolvedValueOnce(row());
    const api = { create, update: vi.fn(), zones: zonesApi() };
    const onSaved = vi.fn();
    render(<EventFormDialog api={api} onClose={vi.fn()} onSaved={onSaved} now={new Date(2030, 4, 31)} defaultZone="Europe/London" />);
    expect(val("event-start")).toBe("2030-06-01 09:00");
    type("event-title", "Tokyo launch");
    type("event-start", "2030-06-01 10:00");
    type("event-end", "2030-06-01 22:00");
    fireEvent.focus(screen.getByTestId("zone-search"));
    type("zone-search", "tok");
    const option = await screen.findByText("Asia/Tokyo");
    expect(screen.getAllByTestId("zone-option")).toHaveLength(1);
    fireEvent.mouseDown(option);
    await waitFor(() => {
      expect(val("zone-search")).toBe("Asia/Tokyo (UTC+09:00)");
    });

    fireEvent.click(screen.getByTestId("event-save"));
    expect(await screen.findByTestId("event-retry-safe")).toBeTruthy();
    expect(screen.getByRole("alert").getAttribute("data-code")).toBe("outcome_unknown");
    fireEvent.click(screen.getByTestId("event-save"));
    await waitFor(() => {
      expect(onSaved).toHaveBeenCalledWith(row());
    });
    const [first, second] = create.mock.calls.map((c) => c[0] as { id: string });
    expect(first?.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(first).toEqual({
      id: first?.id,
      title: "Tokyo launch",
      startTime: "2030-06-01 10:00",
      endTime: "2030-06-01 22:00",
      timeZoneId: "Asia/Tokyo",
    });
    expect(second?.id).toBe(first?.id);
  });

  it("picks a zone with the arrow keys and Enter", async () => {
    const api = { create: vi.fn(), update: vi.fn(), zones: zonesApi() };
    render(<EventFormDialog api={api} onClose={vi.fn()} onSaved={vi.fn()} defaultZone="Europe/London" />);
    const input = screen.getByTestId("zone-search");
    fireEvent.focus(input);
    await waitFor(() => {
      expect(screen.getAllByTestId("zone-option")).toHaveLength(2);
    });
    fireEvent.keyDown(input, { key: "ArrowDown" });
    fireEvent.keyDown(input, { key: "Enter" });
    await waitFor(() => {
      expect(val("zone-search")).toBe("Asia/Tokyo (UTC+09:00)");
    });
    expect(screen.queryByTestId("zone-list")).toBeNull();
  });

  it("edits with the event's own wall times and shows which field Rust refused", async () => {
    const update = vi.fn().mockRejectedValue({ code: "invalid_input", message: "endTime must be after the start time", nextStep: "Fix it.", field: "endTime" });
    const api = { create: vi.fn(), update, zones: zonesApi() };
    render(<EventFormDialog event={row()} api={api} onClose={vi.fn()} onSaved={vi.fn()} />);
    expect(val("event-title")).toBe("Tokyo launch");
    expect(val("event-start")).toBe("2030-06-01 10:00");
    type("event-title", "Tokyo launch party");
    type("event-end", "2030-06-01 09:00");
    fireEvent.click(screen.getByTestId("event-save"));
    expect((await screen.findByRole("alert")).textContent).toContain("after the start");
    expect(screen.getByTestId("event-end").closest(".field")?.className).toContain("field-invalid");
    expect(screen.getByTestId("event-title").closest(".field")?.className).not.toContain("field-invalid");
    expect(update).toHaveBeenCalledWith({
      id: row().id,
      title: "Tokyo launch party",
      startTime: "2030-06-01 10:00",
      endTime: "2030-06-01 09:00",
      timeZoneId: "Asia/Tokyo",
    });
    // Fixing the refused field clears the complaint.
    type("event-end", "2030-06-01 23:00");
    expect(screen.queryByRole("alert")).toBeNull();
    expect(screen.getByTestId("event-end").closest(".field")?.className).not.toContain("field-invalid");
  });

  it("closes on Escape", () => {
    const onClose = vi.fn();
    render(<EventFormDialog api={{ create: vi.fn(), update: vi.fn(), zones: zonesApi() }} onClose={onClose} onSaved={vi.fn()} />);
    fireEvent.keyDown(document, { key: "Escape" });
    expect(onClose).toHaveBeenCalledTimes(1);
  });
});

describe("DeleteEventDialog", () => {
  afterEach(cleanup);

  it("names the event and what goes with it, and deletes only on the named button", async () => {
    const remove = vi.fn().mockResolvedValue(null);
    const onDeleted = vi.fn();
    const onClose = vi.fn();
    render(<DeleteEventDialog event={row()} api={{ remove }} onClose={onClose} onDeleted={onDeleted} />);
    const dialog = screen.getByTestId("event-delete-confirm");
    expect(dialog.textContent).toContain("Delete “Tokyo launch”?");
    expect(dialog.textContent).toContain("12 attendees");
    expect(screen.getByTestId("event-delete-yes").textContent).toBe("Delete Tokyo launch");
    fireEvent.click(screen.getByText("Keep it"));
    expect(onClose).toHaveBeenCalled();
    expect(remove).not.toHaveBeenCalled();
    fireEvent.click(screen.getByTestId("event-delete-yes"));
    await waitFor(() => {
      expect(onDeleted).toHaveBeenCalledWith(row().id);
    });
    expect(remove).toHaveBeenCalledWith(row().id);
  });
});

describe("helpers", () => {
  it("formats wire times for the form and computes the default range", () => {
    expect(toFormTime("2030-06-01T10:00:00")).toBe("2030-06-01 10:00");
    expect(defaultRange(new Date(2026, 0, 31))).toEqual({ from: "2026-01-01", to: "2026-07-31" });
  });
});

describe("EventsView with event actions", () => {
  afterEach(cleanup);

  it("lists times with the zone's offset, reloads for a new range and after a create", async () => {
    const { EventsView } = await import("../../components/EventsView");
    const eventsList = vi.fn().mockResolvedValue([row({ attendeeCount: 3 })]);
    const api = { eventsList, attendeeCounts: vi.fn(), guestsPage: vi.fn().mockResolvedValue({ eventId: row().id, total: 0, matched: 0, offset: 0, rows: [], tags: [] }) };
    const evApi = { create: vi.fn().mockResolvedValue(row({ id: "new" })), update: vi.fn(), remove: vi.fn(), zones: zonesApi() };
    render(<EventsView api={api} eventsApi={evApi} />);
    expect((await screen.findByTestId("event-when")).textContent).toBe("Sat 1 Jun 2030, 10:00–22:00 Asia/Tokyo (UTC+09:00)");
    expect(eventsList).toHaveBeenLastCalledWith(defaultRange());

    type("events-from", "2030-01-01");
    type("events-to", "2030-12-31");
    fireEvent.click(screen.getByTestId("events-range-apply"));
    await waitFor(() => {
      expect(eventsList).toHaveBeenLastCalledWith({ from: "2030-01-01", to: "2030-12-31" });
    });

    fireEvent.click(screen.getByTestId("event-new"));
    // The dialog is loaded when first opened.
    await screen.findByTestId("event-title");
    type("event-title", "Another");
    fireEvent.click(screen.getByTestId("event-save"));
    await waitFor(() => {
      expect(screen.queryByTestId("event-form")).toBeNull();
    });
    expect(eventsList).toHaveBeenCalledTimes(3);

    fireEvent.click(await screen.findByTestId("event-delete"));
    expect((await screen.findByTestId("event-delete-name")).textContent).toBe("Tokyo launch");
  });
});
