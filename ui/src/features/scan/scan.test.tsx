import { act, cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { ScanAnswer, ScanApi, ScanStatus } from "./api";
import { ScanMode } from "./ScanMode";

const status: ScanStatus = {
  eventId: "e1",
  eventTitle: "Gala",
  waiting: 2,
  waitingLabel: "2 waiting to sync",
  offline: true,
  attendees: 10,
  checkedIn: 3,
  problems: [{ id: 9, state: "conflict", name: "Ann Lee", barcode: "B9", scannedAt: "", message: "Checked in elsewhere at 10:00:00 before this scan reached Qflow" }],
  listReadAt: null,
};

function answer(barcode: string): ScanAnswer {
  const yes = barcode.startsWith("OK");
  return {
    kind: yes ? "checked_in" : "unknown",
    headline: yes ? "Checked in" : "Unknown barcode",
    detail: yes ? "Ann Lee · VIP" : `${barcode} is on no list`,
    yes,
    barcode,
    name: null,
    tags: null,
    checkedInAt: null,
    byThisDesk: null,
    otherEvent: null,
    undoId: yes ? 1 : null,
    undoUntil: null,
  };
}

function fakeApi(): ScanApi {
  return {
    open: vi.fn().mockResolvedValue(status),
    close: vi.fn().mockResolvedValue(null),
    // The first answer is slow: answers must still come in scan order.
    scan: vi.fn((_e: string, b: string) => new Promise<ScanAnswer>((r) => setTimeout(() => { r(answer(b)); }, b === "OK-1" ? 30 : 0))),
    undo: vi.fn().mockResolvedValue({ message: "Undone: Ann Lee is not checked in" }),
    status: vi.fn().mockResolvedValue(status),
    dismiss: vi.fn().mockResolvedValue(null),
    queue: vi.fn(),
    onUpdate: vi.fn().mockResolvedValue(() => {}),
  };
}

describe("scan mode", () => {
  afterEach(cleanup);

  it("answers each Enter in scan order, keeps the focus, offers undo, shows the queue and its problems", async () => {
    const api = fakeApi();
    const onClose = vi.fn();
    render(<ScanMode eventId="e1" eventTitle="Gala" onClose={onClose} api={api} />);
    const input = screen.getByTestId<HTMLInputElement>("scan-input");
    expect(document.activeElement).toBe(input);
    await waitFor(() => {
      expect(screen.getByTestId("scan-waiting").textContent).toBe("2 waiting to sync");
    });
    expect(screen.getByTestId("scan-sync").textContent).toMatch(/No network/);
    expect(screen.getByTestId("scan-problems").textContent).toMatch(/Checked in elsewhere/);
    for (const b of ["OK-1", "NOPE"]) {
      input.value = b;
      fireEvent.keyDown(input, { key: "Enter" });
      expect(input.value).toBe("");
    }
    await waitFor(() => {
      expect(screen.getByTestId("scan-answer").dataset.count).toBe("2");
    });
    expect(screen.getByTestId("scan-headline").textContent).toBe("Unknown barcode");
    const items = screen.getByTestId("scan-history").querySelectorAll("li");
    expect([...items].map((li) => li.textContent.split(" ")[0])).toEqual(["Unknown", "Checked"]);
    expect(screen.getByRole("status").getAttribute("aria-live")).toBe("assertive");

    input.value = "OK-2";
    fireEvent.keyDown(input, { key: "Enter" });
    await waitFor(() => {
      expect(screen.getByTestId("scan-headline").textContent).toBe("Checked in");
    });
    await act(async () => {
      fireEvent.click(screen.getByTestId("scan-undo"));
      await Promise.resolve();
    });
    expect(api.undo).toHaveBeenCalledWith(1);
    await waitFor(() => {
      expect(screen.getByTestId("scan-detail").textContent).toMatch(/^Undone/);
    });
    fireEvent.keyDown(document.activeElement ?? document.body, { key: "Escape" });
    expect(onClose).toHaveBeenCalledTimes(1);
  });
});
