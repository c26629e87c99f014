import { act, cleanup, fireEvent, render, renderHook, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { BulkProgressDialog } from "./BulkProgress";
import { BulkResend } from "./BulkResend";
import { BulkResumeOffer } from "./BulkResumeOffer";
import { etaText } from "../jobs/eta";
import type { BulkApi, BulkPreview, BulkStatus } from "./api";
import { useSelection } from "./useSelection";

type Over = Partial<Omit<BulkStatus["progress"], "counts">> & { counts?: Partial<BulkStatus["progress"]["counts"]> };

const status = (over: Over, rest: Partial<BulkStatus> = {}): BulkStatus => ({
  progress: {
    jobId: "job-1",
    state: "running",
    etaSeconds: 4,
    waitSeconds: null,
    note: null,
    ...over,
    counts: { total: 3, queued: 3, sending: 0, done: 0, failed: 0, outcomeUnknown: 0, cancelled: 0, ...over.counts },
  },
  templateName: "Your ticket",
  skippedRecent: 0,
  problems: [],
  ...rest,
});

function fakes(first: BulkStatus) {
  const no = () => Promise.reject(new Error("not in this test"));
  let push: (s: BulkStatus) => void = () => undefined;
  const preview: BulkPreview = {
    selected: 3,
    toSend: 2,
    recent: [{ guestId: "g3", name: "Zoë Ødegård", minutesAgo: 2 }],
    templateName: "Your ticket",
    etaSeconds: 3,
    paceMs: 1200,
    preflight: { message: "These will be sent literally, as written: {{tags}} (empty for 1 of 2).", findings: [] },
  };
  const api: BulkApi = {
    eventTemplates: vi.fn().mockResolvedValue([{ id: "t1", name: "Your ticket", subject: null }]),
    preview: vi.fn().mockResolvedValue(preview),
    start: vi.fn().mockResolvedValue(first),
    pause: vi.fn().mockResolvedValue(first),
    resume: vi.fn().mockResolvedValue(first),
    cancel: vi.fn().mockResolvedValue(first),
    status: vi.fn().mockResolvedValue(null),
    unfinished: vi.fn().mockResolvedValue([]),
    continueJob: no,
    discard: no,
    selectFiltered: no,
    onProgress: (f) => {
      push = f;
      return Promise.resolve(() => undefined);
    },
  };
  return { api, push: (s: BulkStatus) => { push(s); } };
}

afterEach(cleanup);

describe("bulk resend", () => {
  it("formats the ETA", () => {
    expect(etaText(4)).toBe("about 4 s");
    expect(etaText(150)).toBe("about 2 min 30 s");
    expect(etaText(120)).toBe("about 2 min");
  });

  it("shows progress with the ETA, pause and resume, then the summary with reasons", async () => {
    const first = status({});
    const { api, push } = fakes(first);
    const onClose = vi.fn();
    render(<BulkProgressDialog api={api} initial={first} onClose={onClose} />);
    expect(screen.getByTestId("bulk-count").textContent).toBe("0 of 3 done · about 4 s left");
    fireEvent.click(screen.getByTestId("bulk-pause"));
    expect(api.pause).toHaveBeenCalled();
    act(() => {
      push(status({ state: "paused", etaSeconds: 3, counts: { queued: 2, done: 1 } }));
    });
    expect(screen.getByTestId("bulk-state").textContent).toBe("Paused");
    expect(screen.getByRole("progressbar").getAttribute("aria-valuenow")).toBe("1");
    await waitFor(() => {
      expect(screen.getByTestId<HTMLButtonElement>("bulk-resume").disabled).toBe(false);
    });
    fireEvent.click(screen.getByTestId("bulk-resume"));
    expect(api.resume).toHaveBeenCalled();
    // Another job's event is ignored.
    act(() => {
      push(status({ jobId: "other", state: "finished", counts: { queued: 0, done: 3 } }));
    });
    expect(screen.queryByTestId("bulk-summary")).toBeNull();
    act(() => {
      push(
        status(
          { state: "finished", etaSeconds: 0, counts: { queued: 0, done: 1, failed: 1, outcomeUnknown: 1 } },
          {
            problems: [
              { guestId: "a", name: "Ana Suppressed", state: "failed", reason: "previous_send_permanently_failed: spam_reported" },
              { guestId: "b", name: "Bo Lost", state: "outcome_unknown", reason: "the connection closed" },
            ],
          },
        ),
      );
    });
    expect(screen.getByTestId("bulk-queued").textContent).toBe("1 queued");
    expect(screen.getByTestId("bulk-summary").textContent).toContain("1 failed");
    expect(screen.getByTestId("bulk-summary").textContent).toContain("1 outcome unknown");
    expect(screen.getByTestId("bulk-failed").textContent).toContain("Ana Suppressed: previous_send_permanently_failed");
    expect(screen.getByTestId("bulk-unknown").textContent).toContain("Bo Lost");
    expect(screen.queryByTestId("bulk-pause")).toBeNull();
    fireEvent.click(screen.getByTestId("bulk-close"));
    expect(onClose).toHaveBeenCalled();
  });

  it("confirms the count, skips recent sends unless asked, and starts", async () => {
    const first = status({});
    const { api } = fakes(first);
    const onClear = vi.fn();
    render(<BulkResend eventId="e1" selected={new Set(["g1", "g2", "g3"])} onClear={onClear} onDone={() => undefined} api={api} />);
    expect(screen.getByTestId("bulk-selected").textContent).toBe("3 selected");
    await waitFor(() => {
      expect(screen.getByTestId<HTMLSelectElement>("bulk-template").value).toBe("t1");
    });
    fireEvent.click(screen.getByTestId("bulk-review"));
    await screen.findByTestId("bulk-confirm");
    expect(screen.getByTestId("bulk-recent").textContent).toContain("Zoë Ødegård (2 min ago)");
    expect(screen.getByTestId("bulk-preflight").textContent).toBe("These will be sent literally, as written: {{tags}} (empty for 1 of 2).");
    expect(screen.getByTestId("bulk-confirm-count").textContent).toContain("2 of 3 selected attendees will get this email");
    expect(screen.getByTestId("bulk-confirm-count").textContent).toContain("(about 3 s)");
    expect(screen.getByTestId("bulk-start").textContent).toBe("Send to 2");
    fireEvent.click(screen.getByTestId("bulk-include-recent"));
    expect(screen.getByTestId("bulk-start").textContent).toBe("Send to 3");
    fireEvent.click(screen.getByTestId("bulk-start"));
    await screen.findByTestId("bulk-progress");
    expect(api.start).toHaveBeenCalledWith({ eventId: "e1", guestIds: ["g1", "g2", "g3"], templateId: "t1", includeRecent: true });
  });
});

describe("selection", () => {
  it("shift-click selects the range from the last clicked row", () => {
    const ids = ["a", "b", "c", "d", "e"];
    const idAt = (i: number) => ids[i];
    const { result } = renderHook(() => useSelection());
    act(() => {
      result.current.toggle("b", 1, false, idAt);
    });
    act(() => {
      result.current.toggle("d", 3, true, idAt);
    });
    expect([...result.current.selected].sort()).toEqual(["b", "c", "d"]);
    // A shift-click on a selected row clears the range.
    act(() => {
      result.current.toggle("c", 2, true, idAt);
    });
    expect([...result.current.selected]).toEqual(["b"]);
    act(() => {
      result.current.clear();
    });
    expect(result.current.selected.size).toBe(0);
  });
});

describe("resume offer", () => {
  it("offers an unfinished job without starting it, and resumes it on request", async () => {
    const first = status({ jobId: "old" });
    const { api } = fakes(first);
    api.unfinished = vi.fn().mockResolvedValue([
      { jobId: "old", templateId: "t1", templateName: "Door ticket", remaining: 2, total: 5, startedAt: "2026-11-24T10:00:00Z" },
    ]);
    api.continueJob = vi.fn().mockResolvedValue(first);
    render(<BulkResumeOffer api={api} />);
    const offer = await screen.findByTestId("bulk-offer");
    expect(offer.textContent).toContain("A resend of “Door ticket” to selected attendees");
    expect(offer.textContent).toContain("2 of 5 not sent yet");
    expect(api.continueJob).not.toHaveBeenCalled();
    fireEvent.click(screen.getByTestId("bulk-offer-resume"));
    await screen.findByTestId("bulk-progress");
    expect(api.continueJob).toHaveBeenCalledWith("old");
    expect(screen.queryByTestId("bulk-offer")).toBeNull();
  });
});
