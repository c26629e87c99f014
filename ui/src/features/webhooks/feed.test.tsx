import { act, cleanup, render, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { WebhooksView } from "./WebhooksView";
import type { FeedPing, WebhookApi, WebhookFeed, WebhookOverview } from "./api";

const overview: WebhookOverview = {
  url: "http://127.0.0.1:4000/qflow",
  secretStored: true,
  secretInMemoryOnly: true,
  revealAvailable: true,
  receiver: { running: true, localUrl: "http://127.0.0.1:4000/" },
  demo: true,
  message: null,
};

const empty: WebhookFeed = { events: [], rejected: [], eventTypes: [], total: 0 };
const withTest: WebhookFeed = {
  events: [
    {
      id: 1,
      webhookId: "wh-1",
      eventType: "comms.test",
      knownType: true,
      receivedAt: "2026-11-24T19:00:00Z",
      timestamp: 1,
      attendeeId: null,
      templateId: null,
      attendeeInvitationId: null,
      correlationId: null,
      status: "test",
      error: null,
      rawBody: "{}",
      arrival: "on_time",
      lagSecs: 0,
      arrivalNote: null,
    },
  ],
  rejected: [],
  eventTypes: ["comms.test"],
  total: 1,
};

const no = () => Promise.reject(new Error("not in this test"));

function apiWith(feed: WebhookApi["feed"]): WebhookApi {
  return {
    overview: vi.fn().mockResolvedValue(overview),
    urlCheck: no,
    set: no,
    rotate: no,
    test: no,
    remove: no,
    revealSecret: no,
    receiverStart: no,
    receiverStop: no,
    feed,
    diagnose: no,
    attendeeTimeline: no,
    onFeed: () => Promise.resolve(() => undefined),
  };
}

describe("webhook live feed", () => {
  afterEach(cleanup);

  it("marks a late retry, saying how long after its creation it arrived", async () => {
    const [onTime] = withTest.events;
    if (!onTime) throw new Error("fixture");
    const late = {
      ...onTime,
      id: 2,
      webhookId: "wh-2",
      eventType: "comms.delivered",
      status: "delivered",
      arrival: "late" as const,
      lagSecs: 754,
      arrivalNote: "arrived 12 min after it was created (a retry after the receiver was down or unreachable)",
    };
    const feed = vi.fn().mockResolvedValue({ ...withTest, events: [late, onTime], total: 2 });
    render(<WebhooksView api={apiWith(feed)} pollMs={3_600_000} />);
    const rows = await screen.findAllByTestId("feed-row");
    expect(rows.map((r) => r.dataset.arrival)).toEqual(["late", "on_time"]);
    const badges = screen.getAllByTestId("feed-arrival");
    expect(badges).toHaveLength(1);
    expect(badges[0]?.textContent).toBe(`Late ${late.arrivalNote}`);
    expect(rows[0]?.contains(badges[0] ?? null)).toBe(true);
  });

  it("reloads when Rust pushes a delivery, without waiting for the poll", async () => {
    let push: (p: FeedPing) => void = () => undefined;
    const feed = vi.fn().mockResolvedValueOnce(empty).mockResolvedValue(withTest);
    const api: WebhookApi = {
      ...apiWith(feed),
      onFeed: vi.fn((f: (p: FeedPing) => void) => {
        push = f;
        return Promise.resolve(() => undefined);
      }),
    };
    // A poll that never comes within the test: only the push can bring the row.
    render(<WebhooksView api={api} pollMs={3_600_000} />);
    await waitFor(() => {
      expect(feed).toHaveBeenCalledTimes(1);
    });
    expect(screen.queryAllByTestId("feed-row")).toHaveLength(0);
    act(() => {
      push({ kind: "accepted", eventType: "comms.test", arrival: "on_time" });
      push({ kind: "accepted", eventType: "comms.test", arrival: "on_time" });
    });
    await waitFor(() => {
      expect(screen.getAllByTestId("feed-row")).toHaveLength(1);
    });
    expect(feed).toHaveBeenCalledTimes(2); // two pushes in a burst: one reload
  });
});
