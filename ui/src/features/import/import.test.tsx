import { act, cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ImportAttendees } from "./ImportAttendees";
import { ImportResumeOffer } from "./ImportResumeOffer";
import type { ImportApi, ImportFile, ImportStatus, ImportUnfinished, ImportValidation } from "./api";

const file: ImportFile = {
  fileName: "people.csv",
  eventId: "e1",
  preview: {
    columns: [
      { header: "First Name", field: "firstName", byHand: false, ignored: false },
      { header: "Shoe size", field: null, byHand: false, ignored: false },
    ],
    rows: [["Ann", "42"]],
    knownFields: ["firstName", "lastName", "email"],
  },
};

const validation = (canStart: boolean): ImportValidation => ({
  dryRun: {
    rows: 10,
    toCreate: 8,
    toUpdate: 0,
    toSkip: 1,
    alreadyImported: 0,
    rowsWithErrors: 1,
    warnings: 0,
    calls: 1,
    etaSeconds: 0,
    summary: "8 to create, 1 already present (skip), 1 row with errors",
  },
  errors: [{ line: 4, row: 2, column: "email", message: "'x' has no @ (expected name@example.com)" }],
  errorsTotal: 1,
  warnings: [],
  present: [{ line: 9, name: "Bo Li", email: "bo@example.com" }],
  presentTotal: 1,
  canStart,
  blockedReason: canStart ? null : "1 row(s) have errors, first at line 4",
});

const running: ImportStatus = {
  key: "k",
  eventId: "e1",
  fileName: "people.csv",
  progress: { state: "running", toSend: 8, sent: 0, failed: 0, callsDone: 0, callsTotal: 1, etaSeconds: 1, waitSeconds: null, note: null },
  summary: null,
  report: [],
  reportTotal: 0,
};

function fakes() {
  const listeners = new Set<(s: ImportStatus) => void>();
  const api: ImportApi = {
    pickFile: vi.fn().mockResolvedValue(file),
    preview: vi.fn().mockResolvedValue({
      ...file.preview,
      columns: [file.preview.columns[0], { header: "Shoe size", field: null, byHand: true, ignored: true }],
    }),
    validate: vi.fn().mockImplementation((c: { skipInvalid: boolean }) => Promise.resolve(validation(c.skipInvalid))),
    start: vi.fn().mockResolvedValue(running),
    pause: vi.fn().mockResolvedValue(running),
    resume: vi.fn().mockResolvedValue(running),
    cancel: vi.fn().mockResolvedValue(running),
    status: vi.fn().mockResolvedValue(null),
    unfinished: vi.fn().mockResolvedValue([]),
    unfinishedFor: vi.fn().mockResolvedValue([]),
    continueJob: vi.fn(),
    discard: vi.fn(),
    saveReport: vi.fn().mockResolvedValue({ path: "/tmp/r.csv", rows: 1 }),
    onProgress: (f) => {
      listeners.add(f);
      return Promise.resolve(() => {
        listeners.delete(f);
      });
    },
  };
  return {
    api,
    push: (s: ImportStatus) => {
      listeners.forEach((f) => {
        f(s);
      });
    },
  };
}

afterEach(cleanup);

describe("ImportAttendees", () => {
  it("maps, checks the whole file in Rust, then imports with the choices made", async () => {
    const { api, push } = fakes();
    const onDone = vi.fn();
    render(<ImportAttendees eventId="e1" eventTitle="Launch" onDone={onDone} api={api} />);
    fireEvent.click(screen.getByTestId("import-start"));
    await screen.findByTestId("import-mapping");
    expect(screen.getByTestId("import-unmatched").textContent).toMatch(/1 column is not an attendee field/);

    fireEvent.change(screen.getByTestId("import-map-Shoe size"), { target: { value: "" } });
    await waitFor(() => {
      expect(api.preview).toHaveBeenCalledWith({ overrides: { "Shoe size": "" }, existing: "skip", skipInvalid: false });
    });
    await screen.findByText(/Every column has a field/);

    fireEvent.click(screen.getByTestId("import-check-start"));
    expect((await screen.findByTestId("import-dry-run")).textContent).toBe("8 to create, 1 already present (skip), 1 row with errors");
    expect(screen.getByTestId("import-errors").textContent).toMatch(/Line 4/);
    expect(screen.getByTestId<HTMLButtonElement>("import-go").disabled).toBe(true);

    fireEvent.click(screen.getByTestId("import-skip-invalid"));
    await waitFor(() => {
      expect(screen.getByTestId<HTMLButtonElement>("import-go").disabled).toBe(false);
    });
    fireEvent.click(screen.getByTestId("import-existing-update"));
    await waitFor(() => {
      expect(api.validate).toHaveBeenLastCalledWith({ overrides: { "Shoe size": "" }, existing: "update", skipInvalid: true });
    });
    fireEvent.click(screen.getByTestId("import-go"));
    await screen.findByTestId("import-progress");
    expect(api.start).toHaveBeenCalledWith({ overrides: { "Shoe size": "" }, existing: "update", skipInvalid: true });

    act(() => {
      push({
        ...running,
        progress: { ...running.progress, state: "finished", sent: 8, callsDone: 1 },
        summary: {
          fileHash: "h",
          eventId: "e1",
          state: "finished",
          rows: 10,
          created: 8,
          updated: 0,
          alreadyPresent: 1,
          alreadyImported: 0,
          skipped: 1,
          failed: 0,
          notSent: 0,
        },
        report: [{ line: 4, name: "", email: "", state: "invalid", problem: "email: 'x' has no @" }],
        reportTotal: 1,
      });
    });
    expect((await screen.findByTestId("import-summary")).textContent).toMatch(/8 created/);
    fireEvent.click(screen.getByTestId("import-report-save"));
    expect((await screen.findByTestId("import-report-saved")).textContent).toBe("1 rows saved to /tmp/r.csv");
    fireEvent.click(screen.getByTestId("import-close"));
    expect(onDone).toHaveBeenCalled();
  });
});

const stopped: ImportUnfinished = { key: "k", eventId: "e1", fileName: "people.csv", remaining: 450, total: 650, startedAt: "2026-11-24T10:00:00Z" };

describe("ImportResumeOffer", () => {
  it("in an event's pane: offers that event's unfinished import (Rust's list for it), resumes it on request, reloads when done", async () => {
    const { api, push } = fakes();
    api.unfinishedFor = vi.fn().mockResolvedValue([stopped]);
    api.continueJob = vi.fn().mockResolvedValue(running);
    const onDone = vi.fn();
    render(<ImportResumeOffer api={api} eventId="e1" onDone={onDone} />);
    const offer = await screen.findByTestId("import-offer-event");
    expect(offer.textContent).toContain("The import of people.csv stopped before it finished: 450 of 650 attendees not imported yet");
    expect(api.unfinishedFor).toHaveBeenCalledWith("e1");
    expect(api.unfinished).not.toHaveBeenCalled();
    expect(api.continueJob).not.toHaveBeenCalled();

    fireEvent.click(screen.getByTestId("import-offer-event-resume"));
    await screen.findByTestId("import-progress");
    expect(api.continueJob).toHaveBeenCalledWith("k");
    expect(screen.queryByTestId("import-offer-event")).toBeNull();
    fireEvent.click(screen.getByTestId("import-pause"));
    await waitFor(() => {
      expect(api.pause).toHaveBeenCalled();
    });
    act(() => {
      push({ ...running, progress: { ...running.progress, state: "finished", sent: 8, callsDone: 1 } });
    });
    fireEvent.click(await screen.findByTestId("import-close"));
    expect(onDone).toHaveBeenCalled();
  });

  it("at sign-in: every event's, left to the event's pane while it shows it; gone once resumed or discarded anywhere", async () => {
    const { api, push } = fakes();
    const other: ImportUnfinished = { ...stopped, key: "k2", eventId: "e2", fileName: "more.csv" };
    api.unfinished = vi.fn().mockResolvedValue([stopped, other]);
    api.unfinishedFor = vi.fn().mockResolvedValue([stopped]);
    api.discard = vi.fn().mockResolvedValue(null);
    const home = render(<ImportResumeOffer api={api} />);
    expect((await screen.findByTestId("import-offer")).textContent).toContain("people.csv");
    expect(api.unfinishedFor).not.toHaveBeenCalled();

    // The pane of e1 opens: people.csv is offered there, the sign-in offer moves on to more.csv.
    const pane = render(<ImportResumeOffer api={api} eventId="e1" />);
    expect((await screen.findByTestId("import-offer-event")).textContent).toContain("people.csv");
    await waitFor(() => {
      expect(screen.getByTestId("import-offer").textContent).toContain("more.csv");
    });
    fireEvent.click(screen.getByTestId("import-offer-event-discard"));
    await waitFor(() => {
      expect(screen.queryByTestId("import-offer-event")).toBeNull();
    });
    expect(api.discard).toHaveBeenCalledWith("k");
    pane.unmount();
    expect(screen.getByTestId("import-offer").textContent).toContain("more.csv");

    // more.csv resumed from elsewhere (its progress is pushed): nothing left on offer.
    act(() => {
      push({ ...running, key: "k2" });
    });
    expect(screen.queryByTestId("import-offer")).toBeNull();
    home.unmount();
  });
});
