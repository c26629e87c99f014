import { act, cleanup, render, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { EventRow, GuestsPage } from "../../api";
import { AttendeeTable } from "../../components/AttendeeTable";
import type { GuestDetail, GuestSendStatus, HistoryItem } from "./api";
import { AttendeePanel, HISTORY_POLL_MS } from "./AttendeePanel";
import { DeliveryTimeline } from "./DeliveryTimeline";
import { plainReason } from "./reasons";
import { STATUS_POLL_MS, statusTitle, unsettled } from "./statusPoll";

const BOUNCE = "550 5.1.1 The email account that you tried to reach does not exist.";

const sent: HistoryItem = {
  at: "2026-05-01T09:00:00.250Z",
  kind: "send",
  status: "queued",
  delivery: "opened",
  templateName: "Ticket <b>VIP</b>",
  correlationId: "desk-resend-1",
  errorCode: null,
  message: null,
  settled: null,
  events: [
    { at: "2026-05-01T09:00:01Z", event: "sent", reason: null, matchedBy: "attendeeId" },
    { at: "2026-05-01T09:00:03Z", event: "delivered", reason: null, matchedBy: "attendeeId" },
    { at: "2026-05-01T09:00:05Z", event: "opened", reason: null, matchedBy: "attendeeId" },
    { at: "2026-05-01T09:00:06Z", event: "clicked", reason: null, matchedBy: "attendeeId" },
  ],
};

const bouncedElsewhere: HistoryItem = {
  at: "2026-05-02T10:00:00Z",
  kind: "webhook",
  status: "bounced",
  delivery: "bounced",
  templateName: null,
  correlationId: null,
  errorCode: null,
  message: null,
  settled: null,
  events: [
    { at: "2026-05-02T10:00:00Z", event: "sent", reason: null, matchedBy: "attendeeId" },
    { at: "2026-05-02T10:00:02Z", event: "bounced", reason: `${BOUNCE} <img src=x onerror=alert(1)>`, matchedBy: "attendeeId" },
  ],
};

describe("delivery timeline", () => {
  afterEach(() => {
    cleanup();
    vi.useRealTimers();
  });

  it("shows each send with its events, times and bounce reason in plain words, as text", () => {
    render(<DeliveryTimeline history={[bouncedElsewhere, sent]} />);
    const items = screen.getAllByTestId("history-item");
    const text = (els: HTMLElement[], i: number) => els[i]?.textContent ?? "";
    expect(items.map((i) => i.dataset.delivery)).toEqual(["bounced", "opened"]);
    expect(text(items, 0)).toContain("Sent elsewhere");
    expect(text(items, 1)).toContain("Requested");
    expect(text(items, 1)).toContain("Queued");
    expect(screen.getAllByTestId("history-state").map((s) => s.textContent)).toEqual(["Bounced", "Opened"]);
    const events = screen.getAllByTestId("history-event");
    expect(events.map((e) => e.dataset.event)).toEqual(["sent", "bounced", "sent", "delivered", "opened", "clicked"]);
    expect(text(events, 5)).toContain("doesn’t know");
    expect(screen.getByTestId("history-reason").textContent).toContain("does not exist");
    expect(text(events, 1)).toContain("Server said: 550 5.1.1");
    // Markup from the server or a template name stays text.
    expect(document.querySelector("[data-testid=history] img, [data-testid=history] b")).toBeNull();
    expect(text(items, 1)).toContain("Ticket <b>VIP</b>");
  });

  it("shows an unknown outcome settled once Qflow reported on the send, and still unknown until then", () => {
    const lost: HistoryItem = { ...sent, status: "outcome_unknown", message: "The request may have reached Qflow", delivery: null, events: [], settled: null };
    const settled: HistoryItem = {
      ...lost,
      at: "2026-05-01T10:00:00Z",
      delivery: "delivered",
      events: [{ at: "2026-05-01T10:00:02Z", event: "delivered", reason: null, matchedBy: "correlationId" }],
      settled: { event: "delivered", at: "2026-05-01T10:00:02Z", sent: true },
    };
    const dropped: HistoryItem = { ...settled, at: "2026-05-01T11:00:00Z", settled: { event: "dropped", at: "2026-05-01T11:00:01Z", sent: false } };
    render(<DeliveryTimeline history={[dropped, settled, lost]} />);
    const results = screen.getAllByTestId("history-result").map((r) => r.textContent);
    expect(results[0]).toMatch(/^Outcome unknown → settled, Qflow took it but did not deliver it: Qflow reported dropped at /);
    expect(results[1]).toMatch(/^Outcome unknown → confirmed sent: Qflow reported delivered at \d\d:\d\d:02$/);
    expect(results[2]).toContain("Outcome unknown: no answer from Qflow (it may have been sent)");
    expect(screen.getAllByTestId("history-item")[2]?.textContent).toContain("If it was sent, Qflow's events will show it here.");
  });

  it("says what to wait for while a queued send has no event yet", () => {
    render(<DeliveryTimeline history={[{ ...sent, delivery: null, events: [] }]} />);
    expect(screen.getByTestId("history-item").textContent).toContain("Waiting for Qflow");
  });

  it("reads common server replies in plain words and leaves others alone", () => {
    expect(plainReason(BOUNCE)).toMatch(/does not exist/);
    expect(plainReason("452 4.2.2 Mailbox full")).toMatch(/full/);
    expect(plainReason("554 5.7.1 Message rejected as spam")).toMatch(/refused/);
    expect(plainReason("Recipient is on the suppression list for this account.")).toMatch(/suppression list/);
    expect(plainReason("something new")).toBeNull();
  });

  it("titles the status column with the time and reason, and watches only states in flight", () => {
    const s: GuestSendStatus = { guestId: "g", status: "bounced", at: "2026-05-02T10:00:02Z", detail: BOUNCE };
    expect(statusTitle(s)).toMatch(/^Bounced · .+ — The address does not exist/);
    const now = Date.parse("2026-05-02T10:01:00Z");
    expect(unsettled(s, now)).toBe(false);
    expect(unsettled({ ...s, status: "sent" }, now)).toBe(true);
    expect(unsettled({ ...s, status: "delivered" }, now)).toBe(true);
    expect(unsettled({ ...s, status: "delivered" }, now + 3_600_000)).toBe(false);
  });

  it("polls the history while the panel is open and stops when it closes", async () => {
    vi.useFakeTimers();
    const guest = { id: "g1", firstName: "A", lastName: "B", email: "a@example.com", customFields: [], extra: [] } as unknown as GuestDetail;
    const api = {
      guestDetail: vi.fn(() => Promise.resolve(guest)),
      guestHistory: vi.fn(() => Promise.resolve([sent])),
      resendOptions: vi.fn(() => new Promise(() => {})),
    };
    const view = render(<AttendeePanel guestId="g1" eventTitle="E" api={api as never} onClose={() => {}} onChanged={() => {}} />);
    await act(async () => {
      await vi.advanceTimersByTimeAsync(HISTORY_POLL_MS * 3 + 10);
    });
    expect(api.guestHistory).toHaveBeenCalledTimes(4);
    view.unmount();
    await act(async () => {
      await vi.advanceTimersByTimeAsync(HISTORY_POLL_MS * 3);
    });
    expect(api.guestHistory).toHaveBeenCalledTimes(4);
  });

  it("the table's status column follows a send in flight to opened, then stops asking", async () => {
    const event: EventRow = { id: "e1", title: "Summit", startTime: "2026-05-01T09:00:00", endTime: "2026-05-01T17:00:00", timeZoneId: "Europe/London", attendeeCount: null, isDefault: true };
    const row = { id: "g1", firstName: "Zoë", lastName: "Ødegård", email: "zoe@example.com", barcode: null, tags: null, checkedIn: false };
    const api = {
      guestsPage: vi.fn((): Promise<GuestsPage> => Promise.resolve({ eventId: "e1", total: 1, matched: 1, offset: 0, rows: [row], tags: [] })),
    };
    const answers: GuestSendStatus[][] = [
      [{ guestId: "g1", status: "sent", at: new Date().toISOString(), detail: null }],
      [{ guestId: "g1", status: "opened", at: new Date().toISOString(), detail: null }],
    ];
    const sendStatuses = vi.fn((ids: string[]) => {
      expect(ids).toEqual(["g1"]);
      return Promise.resolve(answers[Math.min(sendStatuses.mock.calls.length - 1, 1)] ?? []);
    });
    render(<AttendeeTable event={event} api={api} desk={{ sendStatuses } as never} />);
    await waitFor(() => {
      expect(document.querySelector("[data-testid=send-status] .send-status")?.textContent).toBe("Sent");
    });
    await waitFor(
      () => {
        expect(document.querySelector("[data-testid=send-status] .send-status")?.getAttribute("title")).toMatch(/^Opened · /);
      },
      { timeout: STATUS_POLL_MS * 3 },
    );
    const calls = sendStatuses.mock.calls.length;
    await new Promise((r) => setTimeout(r, STATUS_POLL_MS + 200));
    expect(sendStatuses).toHaveBeenCalledTimes(calls);
  }, 15_000);
});
