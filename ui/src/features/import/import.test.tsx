import { act, cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ImportAttendees } from "./ImportAttendees";
import type { ImportApi, ImportFile, ImportStatus, ImportValidation } from "./api";

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
  let push: (s: ImportStatus) => void = () => undefined;
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
    continueJob: vi.fn(),
    discard: vi.fn(),
    saveReport: vi.fn().mockResolvedValue({ path: "/tmp/r.csv", rows: 1 }),
    onProgress: (f) => {
      push = f;
      return Promise.resolve(() => undefined);
    },
  };
  return { api, push: (s: ImportStatus) => { push(s); } };
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
