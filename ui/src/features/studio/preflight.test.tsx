import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { act, cleanup, fireEvent, render, screen } from "@testing-library/react";
import { PreflightPanel } from "./PreflightPanel";
import { Latest } from "./previewStore";
import { PREFLIGHT_IDLE_MS } from "./usePreflight";
import type { PreflightReport, TemplateEdit } from "./api";
import type { PreflightFinding } from "../../bindings/PreflightFinding";

const FIELDS: TemplateEdit = { name: "T", subject: "Hi {{firstname}}", html: "<p>{{guestnotes}}</p>", fromAddress: "", fromName: "", replyTo: "", attachPdf: false, emailBody: "" };

function finding(over: Partial<PreflightFinding>): PreflightFinding {
  return { rule: "empty-token", severity: "warning", message: "{{guestnotes}} is empty for 7 of 9 attendees.", field: "html", line: 3, col: 4, offset: 20, attendees: [], attendeeTotal: 0, clients: [], suggestion: null, ...over };
}

function report(over: Partial<PreflightReport> = {}): PreflightReport {
  return {
    attendees: 9,
    nameLimit: 40,
    counts: { error: 1, warning: 2, info: 0 },
    size: { bytes: 2048, limit: 104448, attendee: null },
    imageCount: 0,
    findings: [
      finding({ rule: "link-invalid", severity: "error", message: "For 7 attendees the URL is broken.", line: 5 }),
      finding({ attendees: [{ id: "g1", name: "Ana Souza" }, { id: "g2", name: "Bo Li" }], attendeeTotal: 7 }),
      finding({ rule: "long-value", message: "{{fullname}} is longer than 40 characters.", line: null, attendees: [{ id: "g3", name: "Maria" }], attendeeTotal: 1 }),
    ],
    ...over,
  };
}

/** A reply the test releases when it wants (to reorder replies). */
function deferred<T>() {
  let resolve: (v: T) => void = () => undefined;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

const flush = () => act(async () => {
  await Promise.resolve();
});

function setup(preflight = vi.fn().mockResolvedValue(report())) {
  const onLine = vi.fn();
  const onAttendee = vi.fn();
  const api = { preflight };
  const fields = new Latest(FIELDS);
  const ui = (mode: "code" | "visual" = "code") => <PreflightPanel api={api} eventId="e1" fields={fields} mode={mode} onLine={onLine} onAttendee={onAttendee} />;
  const r = render(ui());
  return {
    preflight,
    onLine,
    onAttendee,
    /** An edit, as the editor reports it (no re-render of the panel). */
    edit: (f: TemplateEdit) => {
      act(() => {
        fields.set(f);
      });
    },
    setMode: (mode: "code" | "visual") => {
      r.rerender(ui(mode));
    },
  };
}

describe("PreflightPanel", () => {
  it("shows core's counts by severity, politely announced, then each finding", async () => {
    const { preflight } = setup();
    expect(screen.getByTestId("preflight-counts").textContent).toBe("Not checked yet");
    // On open: at once, for the editor's fields, naming a few attendees per finding.
    await act(async () => {
      await vi.advanceTimersByTimeAsync(0);
    });
    expect(preflight).toHaveBeenCalledWith({ eventId: "e1", templateId: null, fields: FIELDS, nameLimit: null, attendeeCap: 5 });
    const counts = screen.getByTestId("preflight-counts");
    expect(counts.textContent).toBe("1 error · 2 warnings · 0 info");
    expect(counts.getAttribute("aria-live")).toBe("polite");
    expect(screen.getByRole("region", { name: "Pre-flight" })).toBeTruthy();
    const items = screen.getAllByTestId("preflight-item");
    expect(items.map((i) => i.dataset.rule)).toEqual(["link-invalid", "empty-token", "long-value"]);
    expect(items[1]?.textContent).toContain("and 5 more");
    expect(items[2]?.textContent).not.toContain("more");
    // The limit core used shows in the setting.
    expect(screen.getByLabelText<HTMLInputElement>("Longest name").value).toBe("40");
  });

  it("says plainly when nothing is wrong", async () => {
    setup(vi.fn().mockResolvedValue(report({ counts: { error: 0, warning: 0, info: 0 }, findings: [] })));
    await act(async () => {
      await vi.advanceTimersByTimeAsync(0);
    });
    expect(screen.getByTestId("preflight-clear").textContent).toMatch(/^Nothing wrong: .* all 9 attendees\.$/);
    expect(screen.getByTestId("preflight-counts").textContent).toBe("0 errors · 0 warnings · 0 info");
  });

  it("hands a finding's line and an attendee to the editor, as keyboard-reachable buttons", async () => {
    const { onLine, onAttendee, setMode } = setup();
    await act(async () => {
      await vi.advanceTimersByTimeAsync(0);
    });
    const lines = screen.getAllByTestId("preflight-line");
    expect(lines.map((l) => l.textContent)).toEqual(["HTML line 5", "HTML line 3"]);
    expect(lines.every((l) => l.tagName === "BUTTON")).toBe(true);
    fireEvent.click(lines[1] as HTMLElement);
    expect(onLine).toHaveBeenCalledWith(expect.objectContaining({ line: 3, col: 4, field: "html" }));
    fireEvent.click(screen.getByRole("button", { name: "Preview as Bo Li" }));
    expect(onAttendee).toHaveBeenCalledWith({ id: "g2", name: "Bo Li" });
    // Visual mode says the line opens code mode.
    setMode("visual");
    expect(screen.getAllByTestId("preflight-line")[0]?.textContent).toBe("HTML line 5 (code mode)");
  });

  it("runs when typing pauses, never per keystroke, and the name limit goes to Rust", async () => {
    const { preflight, edit } = setup();
    await act(async () => {
      await vi.advanceTimersByTimeAsync(0);
    });
    expect(preflight).toHaveBeenCalledTimes(1);
    let html = FIELDS.html;
    for (const ch of "<b>typed</b>") {
      html += ch;
      edit({ ...FIELDS, html });
      await act(async () => {
        await vi.advanceTimersByTimeAsync(100);
      });
    }
    expect(preflight).toHaveBeenCalledTimes(1);
    await act(async () => {
      await vi.advanceTimersByTimeAsync(PREFLIGHT_IDLE_MS);
    });
    expect(preflight).toHaveBeenCalledTimes(2);
    expect(preflight).toHaveBeenLastCalledWith(expect.objectContaining({ fields: { ...FIELDS, html } }));
    // The template's internal name changes nothing the check looks at.
    edit({ ...FIELDS, html, name: "Renamed" });
    await act(async () => {
      await vi.advanceTimersByTimeAsync(PREFLIGHT_IDLE_MS * 2);
    });
    expect(preflight).toHaveBeenCalledTimes(2);
    fireEvent.change(screen.getByLabelText("Longest name"), { target: { value: "12" } });
    await act(async () => {
      await vi.advanceTimersByTimeAsync(PREFLIGHT_IDLE_MS);
    });
    expect(preflight).toHaveBeenLastCalledWith(expect.objectContaining({ nameLimit: 12 }));
  });

  it("never lets an older reply overwrite a newer one", async () => {
    const first = deferred<PreflightReport>();
    const second = deferred<PreflightReport>();
    const preflight = vi.fn().mockReturnValueOnce(first.promise).mockReturnValueOnce(second.promise);
    const { edit } = setup(preflight);
    await act(async () => {
      await vi.advanceTimersByTimeAsync(0);
    });
    edit({ ...FIELDS, html: "<p>fixed</p>" });
    await act(async () => {
      await vi.advanceTimersByTimeAsync(PREFLIGHT_IDLE_MS);
    });
    expect(preflight).toHaveBeenCalledTimes(2);
    expect(screen.getByTestId("preflight-running").textContent).toBe("Checking…");
    // The newer answer (all clear) comes first, then the older one (problems): the newer stays.
    second.resolve(report({ counts: { error: 0, warning: 0, info: 0 }, findings: [] }));
    await flush();
    expect(screen.getByTestId("preflight-counts").textContent).toBe("0 errors · 0 warnings · 0 info");
    first.resolve(report());
    await flush();
    expect(screen.getByTestId("preflight-counts").textContent).toBe("0 errors · 0 warnings · 0 info");
    expect(screen.queryAllByTestId("preflight-item")).toHaveLength(0);
    expect(screen.getByTestId("preflight-running").textContent).toBe("");
  });

  it("drops a reply about text edited since (it would be drawn mid-typing), and asks again at the pause", async () => {
    const first = deferred<PreflightReport>();
    const preflight = vi.fn().mockReturnValueOnce(first.promise).mockResolvedValue(report({ counts: { error: 0, warning: 0, info: 0 }, findings: [] }));
    const { edit } = setup(preflight);
    await act(async () => {
      await vi.advanceTimersByTimeAsync(0);
    });
    edit({ ...FIELDS, html: "<p>typing</p>" });
    first.resolve(report());
    await flush();
    expect(screen.getByTestId("preflight-counts").textContent).toBe("Not checked yet");
    expect(screen.getByTestId("preflight-running").textContent).toBe("Checking…");
    await act(async () => {
      await vi.advanceTimersByTimeAsync(PREFLIGHT_IDLE_MS);
    });
    expect(preflight).toHaveBeenCalledTimes(2);
    expect(screen.getByTestId("preflight-counts").textContent).toBe("0 errors · 0 warnings · 0 info");
  });

  it("shows Rust's refusal of a name limit, keeping the last report", async () => {
    const preflight = vi
      .fn()
      .mockResolvedValueOnce(report())
      .mockRejectedValueOnce({ code: "invalid_input", message: "nameLimit: must be between 1 and 1000 characters", field: "nameLimit", details: {} });
    setup(preflight);
    await act(async () => {
      await vi.advanceTimersByTimeAsync(0);
    });
    fireEvent.change(screen.getByLabelText("Longest name"), { target: { value: "0" } });
    await act(async () => {
      await vi.advanceTimersByTimeAsync(PREFLIGHT_IDLE_MS);
    });
    expect(preflight).toHaveBeenLastCalledWith(expect.objectContaining({ nameLimit: 0 }));
    expect(screen.getByTestId("preflight-error").textContent).toMatch(/between 1 and 1000/);
    expect(screen.getAllByTestId("preflight-item")).toHaveLength(3);
  });
  it("drops a check Rust stopped because the text changed (superseded): no error, the next pause checks again", async () => {
    let stop: (e: unknown) => void = () => undefined;
    const stopped = new Promise<PreflightReport>((_, reject) => {
      stop = reject;
    });
    const preflight = vi
      .fn()
      .mockReturnValueOnce(stopped)
      .mockResolvedValueOnce(report());
    const { edit } = setup(preflight);
    await act(async () => {
      await vi.advanceTimersByTimeAsync(0);
    });
    expect(screen.getByTestId("preflight-running").textContent).toBe("Checking…");
    // Rust answers "superseded" (a keystroke stopped it) before the editor reports the edit.
    await act(async () => {
      stop({ code: "superseded", message: "The pre-flight was stopped: the template changed while it ran.", details: {} });
      await Promise.resolve();
    });
    expect(screen.queryByTestId("preflight-error")).toBeNull();
    expect(screen.getByTestId("preflight-running").textContent).toBe("");
    edit({ ...FIELDS, html: "<p>{{guestnotes}}!</p>" });
    await act(async () => {
      await vi.advanceTimersByTimeAsync(PREFLIGHT_IDLE_MS);
    });
    expect(preflight).toHaveBeenCalledTimes(2);
    expect(screen.queryByTestId("preflight-error")).toBeNull();
    expect(screen.getAllByTestId("preflight-item")).toHaveLength(3);
  });
});
