import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { useRef, type ReactNode } from "react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { EventFormDialog } from "./events/EventFormDialog";
import { useFocusTrap } from "./useFocusTrap";

function Dialog({ name, children, active = true }: { name: string; children?: ReactNode; active?: boolean }) {
  const ref = useRef<HTMLDivElement>(null);
  useFocusTrap(ref, active);
  return (
    <div role="dialog" aria-label={name} ref={ref}>
      <button type="button">{name} first</button>
      <button type="button" disabled>
        {name} disabled
      </button>
      <button type="button">{name} last</button>
      {children}
    </div>
  );
}

// As WebKitGTK sends them: Shift+Tab (GTK's ISO_Left_Tab) has key "Unidentified", code "Tab".
const tab = (shiftKey = false) =>
  fireEvent.keyDown(document.activeElement ?? document.body, { key: shiftKey ? "Unidentified" : "Tab", code: "Tab", shiftKey });
const button = (name: string) => screen.getByRole("button", { name });

describe("useFocusTrap", () => {
  afterEach(cleanup);

  it("wraps Tab from the last stop to the first and Shift+Tab back, skipping disabled controls", () => {
    render(<Dialog name="A" />);
    button("A last").focus();
    tab();
    expect(document.activeElement).toBe(button("A first"));
    tab(true);
    expect(document.activeElement).toBe(button("A last"));
  });

  it("brings focus back in when it is outside the dialog", () => {
    render(
      <>
        <button type="button">behind</button>
        <Dialog name="A" />
      </>,
    );
    button("behind").focus();
    tab();
    expect(document.activeElement).toBe(button("A first"));
  });

  it("leaves Tab alone between stops, when inactive, and after closing", () => {
    const { rerender, unmount } = render(<Dialog name="A" active={false} />);
    button("A last").focus();
    tab();
    expect(document.activeElement).toBe(button("A last"));
    rerender(<Dialog name="A" />);
    button("A first").focus();
    tab();
    expect(document.activeElement).toBe(button("A first"));
    unmount();
    render(<button type="button">after</button>);
    button("after").focus();
    tab();
    expect(document.activeElement).toBe(button("after"));
  });

  it("only the topmost dialog traps; closing it gives the trap back", () => {
    const { rerender } = render(
      <Dialog name="outer">
        <Dialog name="inner" />
      </Dialog>,
    );
    button("inner last").focus();
    tab();
    expect(document.activeElement).toBe(button("inner first"));
    rerender(<Dialog name="outer" />);
    button("outer last").focus();
    tab();
    expect(document.activeElement).toBe(button("outer first"));
  });

  it("keeps Tab inside a real dialog: the event form", () => {
    const api = { create: vi.fn(), update: vi.fn(), zones: vi.fn(() => Promise.resolve({ zones: [], matched: 0 })) };
    render(<EventFormDialog api={api} onClose={vi.fn()} onSaved={vi.fn()} defaultZone="Europe/London" />);
    const dialog = screen.getByRole("dialog");
    const stops = [...dialog.querySelectorAll<HTMLElement>("input, button:not([disabled])")];
    stops.at(-1)?.focus();
    tab();
    expect(document.activeElement).toBe(screen.getByTestId("event-title"));
  });
});
