import { act, cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { GuestsPage } from "../../api";
import type { GuestsPageRequest } from "../../bindings/GuestsPageRequest";
import { attachDeskTable, preferredDeskEvent, resetDeskBus, sendDeskRequest, type DeskRequest } from "./bus";
import { fold, rank, score } from "./fuzzy";
import { CommandPalette, orderItems, type PaletteItem } from "./Palette";

const EVENT = { id: "e1", title: "Gala Kraków" };

function page(rows: { id: string; firstName: string; lastName: string }[]): GuestsPage {
  return {
    eventId: EVENT.id,
    total: 100,
    matched: rows.length,
    offset: 0,
    tags: [],
    rows: rows.map((r) => ({ ...r, email: `${r.id}@example.com`, barcode: null, tags: null, checkedIn: false })),
  };
}

function setup(opts: { attach?: boolean } = {}) {
  const guestsPage = vi.fn((req: GuestsPageRequest) =>
    Promise.resolve(req.query.startsWith("łuk") ? page([{ id: "g7", firstName: "Łukasz", lastName: "Żółć" }]) : page([])),
  );
  const onNavigate = vi.fn();
  const onSignOut = vi.fn();
  const requests: DeskRequest[] = [];
  if (opts.attach !== false) attachDeskTable(EVENT, (r) => requests.push(r));
  render(
    <>
      <button type="button" data-testid="before">before</button>
      <CommandPalette api={{ guestsPage }} onNavigate={onNavigate} onSignOut={onSignOut} />
    </>,
  );
  return { guestsPage, onNavigate, onSignOut, requests };
}

function openPalette() {
  act(() => {
    fireEvent.keyDown(window, { key: "k", ctrlKey: true });
  });
  return screen.getByTestId("palette-input");
}

const active = () => screen.getAllByTestId("palette-item").find((el) => el.getAttribute("aria-selected") === "true");

describe("fuzzy", () => {
  it("folds case and accents, including letters NFD keeps whole", () => {
    expect(fold("Łódź ŻÓŁĆ Zoë Ødegård")).toBe("lodz zolc zoe odegard");
  });

  it("scores word starts over substrings over letters in order", () => {
    expect(score("web", "Go to Webhooks")).toBe(3);
    expect(score("hook", "Go to Webhooks")).toBe(2);
    expect(score("gtw", "Go to Webhooks")).toBe(1);
    expect(score("xyz", "Go to Webhooks")).toBe(0);
    expect(score("lodz", "Event in Łódź")).toBe(3);
    expect(rank("to", ["Studio", "Go to Home"], (s) => s).map((r) => r.item)).toEqual(["Go to Home", "Studio"]);
  });

  it("puts strong action matches before attendees and loose ones after", () => {
    const mk = (id: string, label: string, group: PaletteItem["group"] = "Actions"): PaletteItem => ({ id, label, group, run: () => {} });
    const actions = [mk("a", "Go to Domain"), mk("b", "Sign out")];
    const people = [mk("p", "Dominika Nowak", "Attendees")];
    expect(orderItems("dom", actions, people).map((i) => i.id)).toEqual(["a", "p"]);
    // "so" only loosely matches "Sign out" (letters in order): after the attendees.
    expect(orderItems("so", actions, people).map((i) => i.id)).toEqual(["p", "b"]);
  });
});

describe("command palette", () => {
  beforeEach(resetDeskBus);
  afterEach(cleanup);

  it("Ctrl+K opens it with focus in the input; Esc closes it, returns focus and stays the palette's", () => {
    setup();
    const before = screen.getByTestId("before");
    before.focus();
    const docEsc = vi.fn<(e: KeyboardEvent) => void>();
    document.addEventListener("keydown", docEsc);
    const input = openPalette();
    expect(document.activeElement).toBe(input);
    fireEvent.keyDown(input, { key: "Tab" });
    expect(document.activeElement).toBe(input);
    fireEvent.keyDown(input, { key: "Escape" });
    expect(screen.queryByTestId("palette")).toBeNull();
    expect(document.activeElement).toBe(before);
    // The attendee panel listens on document for Esc: it must not also close.
    expect(docEsc.mock.calls.map(([e]) => e.key)).not.toContain("Escape");
    document.removeEventListener("keydown", docEsc);
  });

  it("filters actions as you type and moves with the arrows, wrapping", () => {
    const { onNavigate } = setup();
    const input = openPalette();
    fireEvent.change(input, { target: { value: "webh" } });
    expect(active()?.textContent).toContain("Go to Webhooks");
    const count = screen.getAllByTestId("palette-item").length;
    fireEvent.keyDown(input, { key: "ArrowUp" });
    expect(active()?.getAttribute("data-index")).toBe(String(count - 1));
    fireEvent.keyDown(input, { key: "ArrowDown" });
    expect(active()?.textContent).toContain("Go to Webhooks");
    fireEvent.keyDown(input, { key: "Enter" });
    expect(onNavigate).toHaveBeenCalledWith("webhooks");
    expect(screen.queryByTestId("palette")).toBeNull();
  });

  it("finds an attendee through Rust's search and Enter opens them in the table", async () => {
    const { guestsPage, onNavigate, requests } = setup();
    const input = openPalette();
    fireEvent.change(input, { target: { value: "łuk" } });
    await waitFor(() => {
      expect(active()?.textContent).toContain("Łukasz Żółć");
    });
    expect(guestsPage).toHaveBeenLastCalledWith(expect.objectContaining({ eventId: "e1", query: "łuk", limit: 6, offset: 0, refresh: false }));
    fireEvent.keyDown(input, { key: "Enter" });
    expect(onNavigate).toHaveBeenCalledWith("events");
    expect(requests).toEqual([{ kind: "open", eventId: "e1", guestId: "g7" }]);
  });

  it("always offers to search the table for what was typed", () => {
    const { onNavigate, requests } = setup();
    const input = openPalette();
    fireEvent.change(input, { target: { value: "qqq" } });
    const items = screen.getAllByTestId("palette-item");
    expect(items.map((i) => i.getAttribute("data-item-id"))).toEqual(["search-attendees"]);
    fireEvent.keyDown(input, { key: "Enter" });
    expect(onNavigate).toHaveBeenCalledWith("events");
    expect(requests).toEqual([{ kind: "search", query: "qqq" }]);
  });

  it("does not search for one letter, nor without an event shown", async () => {
    const { guestsPage } = setup({ attach: false });
    const input = openPalette();
    fireEvent.change(input, { target: { value: "łu" } });
    fireEvent.change(input, { target: { value: "ł" } });
    await new Promise((r) => setTimeout(r, 200));
    expect(guestsPage).not.toHaveBeenCalled();
  });

  it("toggles the theme and persists it", () => {
    setup();
    const input = openPalette();
    fireEvent.change(input, { target: { value: "dark theme" } });
    expect(active()?.textContent).toContain("Switch to dark theme");
    fireEvent.keyDown(input, { key: "Enter" });
    expect(document.documentElement.dataset.theme).toBe("dark");
    expect(localStorage.getItem("qflow.theme")).toBe("dark");
    localStorage.clear();
    delete document.documentElement.dataset.theme;
  });
});

describe("desk bus", () => {
  beforeEach(resetDeskBus);

  it("keeps a request for the table's next mount, and prefers its event", () => {
    sendDeskRequest({ kind: "open", eventId: "e2", guestId: "g1" });
    expect(preferredDeskEvent(["e1", "e2"])).toBe("e2");
    const seen: DeskRequest[] = [];
    const detach = attachDeskTable({ id: "e1", title: "other" }, (r) => seen.push(r));
    expect(seen).toEqual([]);
    detach();
    attachDeskTable({ id: "e2", title: "the one" }, (r) => seen.push(r));
    expect(seen).toEqual([{ kind: "open", eventId: "e2", guestId: "g1" }]);
    expect(preferredDeskEvent(["e1", "e2"])).toBe("e2");
  });
});
