import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { DoorMode, type DoorTicket } from "./DoorMode";

const ticket: DoorTicket = { firstName: "Zoë", lastName: "Ødegård", barcode: "QF1", qrDataUrl: "data:image/svg+xml;base64,PHN2Zy8+", checkedIn: false };

describe("door mode", () => {
  afterEach(cleanup);

  it("shows QR, name and barcode; Esc closes it and no one else; focus comes back", () => {
    const onClose = vi.fn();
    const other = vi.fn<(e: KeyboardEvent) => void>();
    document.addEventListener("keydown", other);
    render(<button type="button" data-testid="opener">open</button>);
    const opener = screen.getByTestId("opener");
    opener.focus();
    const { unmount } = render(<DoorMode ticket={ticket} eventTitle="Gala" onClose={onClose} />);
    expect(screen.getByTestId("door-qr").getAttribute("src")).toBe(ticket.qrDataUrl);
    expect(screen.getByTestId("door-name").textContent).toBe("Zoë Ødegård");
    expect(screen.getByTestId("door-barcode").textContent).toBe("QF1");
    expect(document.activeElement).toBe(screen.getByTestId("door-close"));
    expect(document.body.classList.contains("door-open")).toBe(true);
    fireEvent.keyDown(document.activeElement ?? document.body, { key: "Tab" });
    expect(document.activeElement).toBe(screen.getByTestId("door-close"));
    fireEvent.keyDown(document.activeElement ?? document.body, { key: "Escape" });
    expect(onClose).toHaveBeenCalledTimes(1);
    expect(other.mock.calls.map(([e]) => e.key)).not.toContain("Escape");
    unmount();
    expect(document.body.classList.contains("door-open")).toBe(false);
    expect(document.activeElement).toBe(opener);
    document.removeEventListener("keydown", other);
  });

  it("says so when there is no barcode", () => {
    render(<DoorMode ticket={{ ...ticket, barcode: null, qrDataUrl: null }} eventTitle="Gala" onClose={() => {}} />);
    expect(screen.getByTestId("door-noqr").textContent).toMatch(/no barcode/);
  });
});
