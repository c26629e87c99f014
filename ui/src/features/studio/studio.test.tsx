import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { act, cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { CompletionContext, completionStatus } from "@codemirror/autocomplete";
import { EditorState } from "@codemirror/state";
import { EditorView } from "@codemirror/view";
import { toDiagnostics, tokenCompletion, tokenCompletions, typedText, type TokenOption } from "./CodeEditor";
import { StudioView } from "./StudioView";
import { tokenImagePlaceholder } from "./VisualEditor";
import { ImportExport, RemoveTestAttendees, TestSend } from "./StudioTools";
import { CommandError, type ErrorBody } from "../../api";
import { editFromTemplate, sameEdit } from "./TemplateEditor";
import { applyPatch, commonPrefix, commonSuffix, composePatch, PatchedText, textPatch } from "./patch";
import { applyElementEdit, applyTextEdit, patchMirror, setMirrorText } from "./Preview";
import type { EditorIssue, PreflightReport, PreviewRequest, PreviewResult, StudioApi, Template } from "./api";

// jsdom has no layout: CodeMirror measures text ranges.
beforeAll(() => {
  const empty = { length: 0, item: () => null, [Symbol.iterator]: function* () {} } as unknown as DOMRectList;
  Range.prototype.getClientRects = () => empty;
  Range.prototype.getBoundingClientRect = () => new DOMRect(0, 0, 0, 0);
});
afterEach(cleanup);

const TOKENS: TokenOption[] = [
  { name: "firstname", description: "Attendee's first name", value: "Ana" },
  { name: "guestnotes", description: "Notes", value: null },
];

function ctxAt(doc: string, pos = doc.length) {
  return new CompletionContext(EditorState.create({ doc }), pos, false);
}

describe("token completion", () => {
  it("opens after {{ with every token, its value and description", () => {
    const r = tokenCompletions(ctxAt("<p>Hi {{"), TOKENS);
    expect(r?.from).toBe(6);
    expect(r?.options.map((o) => o.label)).toEqual(["{{firstname}}", "{{guestnotes}}"]);
    expect(r?.options[0]?.detail).toBe("Ana");
    expect(r?.options[1]?.detail).toBe("(no data)");
    expect(r?.options[0]?.info).toBe("Attendee's first name");
  });

  it("replaces through an existing closing }}", () => {
    const r = tokenCompletions(ctxAt("{{fir}}", 5), TOKENS);
    expect(r?.to).toBe(7);
  });

  it("stays closed without {{", () => {
    expect(tokenCompletions(ctxAt("<p>Hi {"), TOKENS)).toBeNull();
  });
});

describe("token completion trigger", () => {
  function editor(doc: string) {
    return new EditorView({
      parent: document.body,
      state: EditorState.create({
        doc,
        selection: { anchor: doc.length },
        extensions: [tokenCompletion({ current: TOKENS })],
      }),
    });
  }
  const type = (view: EditorView, text: string) => {
    view.dispatch(view.state.update(view.state.replaceSelection(text), { userEvent: "input.type" }));
  };

  it("opens completion when typing makes {{ before the cursor", async () => {
    const view = editor("<p>Hi {");
    type(view, "{");
    await waitFor(() => {
      expect(completionStatus(view.state)).toBe("active");
    });
    view.destroy();
  });

  it("queries nothing for other typed text (no second update per keystroke)", async () => {
    const view = editor("<p>Hi");
    type(view, " there {");
    const seen = view.state;
    await new Promise((r) => setTimeout(r, 250));
    expect(completionStatus(view.state)).toBeNull();
    // Nothing was dispatched after the typed character (no query, no answer).
    expect(view.state).toBe(seen);
    view.destroy();
  });
});

describe("diagnostics from core lint", () => {
  const issue: EditorIssue = {
    rule: "unknown-token",
    severity: "error",
    field: "html",
    message: "Unknown token {{firstnam}}.",
    from: 3,
    to: 15,
    line: 1,
    suggestion: "{{firstname}}",
  };

  it("places the issue and offers the did-you-mean fix", () => {
    const [d] = toDiagnostics([issue], 40);
    expect(d?.from).toBe(3);
    expect(d?.to).toBe(15);
    expect(d?.message).toBe("Unknown token {{firstnam}}. Did you mean {{firstname}}?");
    expect(d?.actions?.[0]?.name).toBe("Replace with {{firstname}}");
  });

  it("does not repeat a suggestion the core message already makes", () => {
    const [d] = toDiagnostics([{ ...issue, message: "Did you mean {{firstname}}?" }], 40);
    expect(d?.message).toBe("Did you mean {{firstname}}?");
  });

  it("clamps stale offsets to the document", () => {
    const [d] = toDiagnostics([issue], 10);
    expect(d?.from).toBe(3);
    expect(d?.to).toBe(10);
  });
});

const TEMPLATE: Template = {
  id: "7bc31757-5a82-4d7a-8767-bb508f6d3481",
  eventId: "e1",
  name: "Welcome ticket",
  subject: "Your ticket for {{event}}",
  html: "<h1>Hi {{firstname}}!</h1>",
  fromAddress: null,
  fromName: "Acme",
  replyTo: null,
  attachPdf: false,
  emailBody: null,
  created: null,
};

function preview(html: string): PreviewResult {
  return {
    subject: "Your ticket for Tokyo",
    html,
    emailBody: null,
    document: `<!DOCTYPE html>${html}`,
    pdfDocument: null,
    preheader: "Hi Ana!",
    fromName: "Acme",
    fromAddress: "support@qflow.email",
    issues: [],
    noData: [],
    tokenValues: [],
    remoteImages: 0,
    recipient: "Ana Souza <ana@example.com>",
    mergeMicros: 12,
    lintMicros: 3,
    serverMicros: 20,
    linted: true,
  };
}

/** One finding at html line 1, column 8, about one attendee. */
const PREFLIGHT: PreflightReport = {
  attendees: 2,
  nameLimit: 40,
  counts: { error: 0, warning: 1, info: 0 },
  size: { bytes: 30, limit: 104448, attendee: null },
  imageCount: 0,
  findings: [
    { rule: "long-value", severity: "warning", message: "{{firstname}} is longer than 40 characters for 1 attendees (longest 52).", field: "html", line: 1, col: 8, offset: 7, attendees: [{ id: "g9", name: "Maximiliana Wolfeschlegelsteinhausenbergerdorff" }], attendeeTotal: 1, clients: [], suggestion: null },
  ],
};

function fakeApi(): StudioApi {
  return {
    eventsList: vi.fn().mockResolvedValue([{ id: "e1", title: "Tokyo Developer Day", startTime: "2026-06-01T10:00:00", endTime: "2026-06-01T17:00:00", timeZoneId: "Asia/Tokyo", attendeeCount: null }]),
    guestsPage: vi.fn().mockResolvedValue({ eventId: "e1", total: 1, matched: 1, offset: 0, rows: [{ id: "g1", firstName: "Ana", lastName: "Souza", email: "ana@example.com", barcode: null, tags: null, checkedIn: false }] }),
    templatesList: vi.fn().mockResolvedValue([TEMPLATE]),
    templateGet: vi.fn().mockResolvedValue(TEMPLATE),
    setup: vi.fn().mockResolvedValue({ tokens: [{ name: "firstname", description: "First name" }], edgeCases: [{ kind: "htmlLooking", label: "HTML-looking values" }], verifiedDomain: null }),
    preview: vi.fn().mockResolvedValue(preview("<h1>Hi Ana!</h1>")),
    previewNow: vi.fn().mockReturnValue(null),
    prepareSync: vi.fn().mockResolvedValue(undefined),
    preflight: vi.fn().mockResolvedValue(PREFLIGHT),
    save: vi.fn(),
    remove: vi.fn().mockResolvedValue(null),
    draftSave: vi.fn().mockResolvedValue({ templateId: TEMPLATE.id, json: {}, savedAt: new Date().toISOString() }),
    draftsList: vi.fn().mockResolvedValue([]),
    draftDelete: vi.fn().mockResolvedValue(true),
    versions: vi.fn().mockResolvedValue([]),
    testSend: vi.fn().mockResolvedValue({ status: "queued", attendeeInvitationId: "i1", correlationId: "studio-test-1", to: "Test (Qflow Console) <me@example.com>", testGuestId: "t1" }),
    importText: vi.fn(),
    exportJson: vi.fn().mockResolvedValue("{}"),
    exportFile: vi.fn().mockResolvedValue({ path: "/tmp/t.html", bytes: 10 }),
    importFile: vi.fn().mockResolvedValue(null),
    testAttendees: vi.fn().mockResolvedValue([]),
    removeTestAttendees: vi.fn(),
  };
}

/** The studio with the test template open in the editor. */
async function openTemplate(): Promise<StudioApi> {
  const api = fakeApi();
  render(<StudioView api={api} />);
  fireEvent.click(await screen.findByText("Welcome ticket"));
  await screen.findByTestId("studio-editor");
  return api;
}

describe("StudioView", () => {
  it("lists the event's templates and previews the opened one for a real attendee", async () => {
    const api = fakeApi();
    render(<StudioView api={api} />);
    const item = await screen.findByText("Welcome ticket");
    await act(async () => {
      fireEvent.click(item);
      await Promise.resolve();
    });
    await screen.findByTestId("studio-editor");
    await waitFor(() => {
      expect(screen.getByTestId("preview-html").textContent).toBe("<h1>Hi Ana!</h1>");
    });
    // The first request carries the whole html; later ones only the changed range.
    const req = (api.preview as ReturnType<typeof vi.fn>).mock.calls[0]?.[0] as { guestId?: string; fields: { html: string } };
    expect(req.guestId).toBe("g1");
    expect(req.fields.html).toBe(TEMPLATE.html);
    // Same-origin (the editor sets typed text into the frame in place) and never scripts.
    expect(screen.getByTestId("preview-frame").getAttribute("sandbox")).toBe("allow-same-origin");
    expect(screen.getByTestId("preview-subject").textContent).toBe("Your ticket for Tokyo");
  });

  it("offers drafts back", async () => {
    const api = fakeApi();
    (api.draftsList as ReturnType<typeof vi.fn>).mockResolvedValue([
      { templateId: TEMPLATE.id, savedAt: new Date().toISOString(), json: { eventId: "e1", original: TEMPLATE, fields: { ...editFromTemplate(TEMPLATE), html: "<p>draft</p>" } } },
    ]);
    render(<StudioView api={api} />);
    fireEvent.click(await screen.findByTestId("draft-restore"));
    await screen.findByTestId("studio-editor");
    expect(screen.getByTestId("studio-status").textContent).toMatch(/Unsaved changes/);
  });
});

describe("Delete template", () => {
  it("asks first, naming the template, and deletes nothing until confirmed", async () => {
    const api = fakeApi();
    render(<StudioView api={api} />);
    await screen.findByText("Welcome ticket");
    fireEvent.click(screen.getByTestId("template-delete"));
    const dialog = await screen.findByTestId("template-delete-confirm");
    expect(dialog.textContent).toContain("Delete the template “Welcome ticket”?");
    expect(dialog.getAttribute("role")).toBe("alertdialog");
    // The safe choice has the focus; keeping it closes the dialog and sends nothing.
    expect(document.activeElement).toBe(screen.getByTestId("template-delete-keep"));
    fireEvent.click(screen.getByTestId("template-delete-keep"));
    expect(screen.queryByTestId("template-delete-confirm")).toBeNull();
    expect(api.remove).not.toHaveBeenCalled();
    expect(screen.getByText("Welcome ticket")).toBeTruthy();
  });

  it("deletes the confirmed template once and drops it from the list", async () => {
    const api = fakeApi();
    render(<StudioView api={api} />);
    await screen.findByText("Welcome ticket");
    fireEvent.click(screen.getByTestId("template-delete"));
    fireEvent.click(await screen.findByTestId("template-delete-yes"));
    await waitFor(() => {
      expect(screen.queryByTestId("template-delete-confirm")).toBeNull();
    });
    expect(api.remove).toHaveBeenCalledTimes(1);
    expect(api.remove).toHaveBeenCalledWith(TEMPLATE.id);
    expect(screen.queryByText("Welcome ticket")).toBeNull();
  });

  it("keeps the dialog open with the error when Qflow refuses", async () => {
    const api = fakeApi();
    (api.remove as ReturnType<typeof vi.fn>).mockRejectedValueOnce(
      new CommandError("template_delete", { code: "not_found", message: "No such template.", details: {} } as ErrorBody),
    );
    render(<StudioView api={api} />);
    await screen.findByText("Welcome ticket");
    fireEvent.click(screen.getByTestId("template-delete"));
    fireEvent.click(await screen.findByTestId("template-delete-yes"));
    await screen.findByText(/No such template/);
    expect(screen.getByTestId("template-delete-confirm")).toBeTruthy();
    expect(screen.getByTestId("template-item").textContent).toContain("Welcome ticket");
  });
});

describe("StudioTools", () => {
  const guest = { kind: "guest" as const, id: "g1", label: "Ana Souza" };

  it("asks to save an unsaved template before a test send, then sends once", async () => {
    const api = fakeApi();
    const onSave = vi.fn().mockResolvedValue(true);
    render(<TestSend eventId="e1" templateId="t1" saved={false} onSave={onSave} recipient={guest} api={api} />);
    fireEvent.click(screen.getByTestId("test-send-btn"));
    expect(api.testSend).not.toHaveBeenCalled();
    fireEvent.click(await screen.findByTestId("test-save-and-send"));
    await screen.findByTestId("test-sent");
    expect(onSave).toHaveBeenCalledTimes(1);
    expect(api.testSend).toHaveBeenCalledTimes(1);
    expect((api.testSend as ReturnType<typeof vi.fn>).mock.calls[0]?.[0]).toMatchObject({ guestId: "g1", templateId: "t1" });
  });

  it("sends to me through a reused test attendee and explains a lost answer", async () => {
    const api = fakeApi();
    (api.testSend as ReturnType<typeof vi.fn>).mockRejectedValueOnce(
      new CommandError("template_test_send", { code: "outcome_unknown", message: "lost", details: {} } as ErrorBody),
    );
    render(<TestSend eventId="e1" templateId="t1" saved onSave={vi.fn()} recipient={null} api={api} />);
    fireEvent.change(screen.getByTestId("test-email"), { target: { value: "me@example.com" } });
    fireEvent.click(screen.getByTestId("test-send-btn"));
    await screen.findByTestId("outcome-unknown");
    fireEvent.click(screen.getByTestId("test-send-btn"));
    await screen.findByTestId("test-sent");
    const calls = (api.testSend as ReturnType<typeof vi.fn>).mock.calls.map((c) => c[0] as { testGuestId: string; testEmail: string });
    expect(calls[0]?.testEmail).toBe("me@example.com");
    expect(calls[0]?.testGuestId).toBeTruthy();
    expect(calls[1]?.testGuestId).toBe(calls[0]?.testGuestId);
  });

  it("imports pasted text through Rust and shows its line/column error", async () => {
    const api = fakeApi();
    (api.importText as ReturnType<typeof vi.fn>)
      .mockRejectedValueOnce(new CommandError("template_import", { code: "invalid_input", message: "pasted.json: line 2, column 3: expected value", details: {} } as ErrorBody))
      .mockResolvedValueOnce({ kind: "html", edit: { ...editFromTemplate(TEMPLATE), html: "<p>x</p>" }, notes: [] });
    const onImport = vi.fn();
    render(<ImportExport eventId="e1" templateId="t1" fields={editFromTemplate(TEMPLATE)} onImport={onImport} api={api} />);
    fireEvent.click(screen.getByTestId("import-open"));
    fireEvent.change(screen.getByTestId("import-text"), { target: { value: "{\n  x" } });
    fireEvent.click(screen.getByTestId("import-apply"));
    await screen.findByText(/line 2, column 3/);
    expect(onImport).not.toHaveBeenCalled();
    fireEvent.change(screen.getByTestId("import-text"), { target: { value: "<p>x</p>" } });
    fireEvent.click(screen.getByTestId("import-apply"));
    await screen.findByTestId("import-notes");
    expect(onImport).toHaveBeenCalledTimes(1);
  });
});

describe("edit helpers", () => {
  it("maps nulls to empty fields and compares all fields", () => {
    const e = editFromTemplate(TEMPLATE);
    expect(e.fromAddress).toBe("");
    expect(sameEdit(e, { ...e })).toBe(true);
    expect(sameEdit(e, { ...e, replyTo: "x" })).toBe(false);
  });
});

describe("lineDiff", () => {
  it("keeps common lines and marks removed and added ones", async () => {
    const { lineDiff } = await import("./diff");
    expect(lineDiff("a\nb\nc", "a\nx\nc")).toEqual([
      { op: " ", text: "a" },
      { op: "-", text: "b" },
      { op: "+", text: "x" },
      { op: " ", text: "c" },
    ]);
    expect(lineDiff("", "a").filter((l) => l.op !== " ")).toEqual([
      { op: "-", text: "" },
      { op: "+", text: "a" },
    ]);
  });
});

describe("preview patches", () => {
  it("sends and applies only the changed range (UTF-16, like Rust's TextPatch)", () => {
    const cases: [string, string][] = [
      ["<p>Typed: </p>", "<p>Typed: T</p>"],
      ["abc", "abc"],
      ["", "x"],
      ["aaaa", "aa"],
      ["Zoë 😀 end", "Zoë 😀😀 end"],
      ["x😀y", "xy"],
      ["a😀b", "a😁b"],
    ];
    for (const [a, b] of cases) {
      const p = textPatch(a, b);
      expect(applyPatch(a, p)).toBe(b);
      // Never splits a surrogate pair (Rust could not place such an offset).
      expect(p.insert.length === 0 || !/^[\udc00-\udfff]/.test(p.insert)).toBe(true);
    }
    expect(textPatch("<p>Typed: </p>", "<p>Typed: T</p>")).toEqual({ from: 10, to: 10, insert: "T" });
  });

  it("finds the same common ends as a character-by-character scan, at every length and place", () => {
    const naivePrefix = (a: string, b: string, max: number) => {
      let n = 0;
      while (n < max && a.charCodeAt(n) === b.charCodeAt(n)) n++;
      return n;
    };
    const naiveSuffix = (a: string, b: string, max: number) => {
      let n = 0;
      while (n < max && a.charCodeAt(a.length - 1 - n) === b.charCodeAt(b.length - 1 - n)) n++;
      return n;
    };
    // Lengths around the chunk sizes (4096 halved down to 1), the edit anywhere in them.
    const base = "<td>{{firstname}} Zoë 😀</td>\n".repeat(400);
    for (const len of [0, 1, 2, 3, 7, 8, 9, 4095, 4096, 4097, 8191, 8193, 12_000]) {
      const a = base.slice(0, len);
      for (const at of [0, 1, len >> 1, len - 1, len].filter((x) => x >= 0 && x <= len)) {
        for (const [cut, ins] of [[0, "x"], [1, ""], [1, "yz"], [3, "😀"]] as const) {
          const b = a.slice(0, at) + ins + a.slice(Math.min(len, at + cut));
          const max = Math.min(a.length, b.length);
          expect(commonPrefix(a, b, max)).toBe(naivePrefix(a, b, max));
          expect(commonSuffix(a, b, max)).toBe(naiveSuffix(a, b, max));
          const p = textPatch(a, b);
          expect(applyPatch(a, p)).toBe(b);
          // The smallest range: what a character scan finds (up to a surrogate pair's half).
          expect(p.from).toBeGreaterThanOrEqual(naivePrefix(a, b, max) - 1);
        }
      }
    }
  });
});

describe("typed text (beforeinput)", () => {
  const typeInto = (view: EditorView, init: Partial<InputEventInit>) => {
    const e = new InputEvent("beforeinput", { inputType: "insertText", bubbles: true, cancelable: true, ...init });
    view.contentDOM.dispatchEvent(e);
    return e;
  };

  it("inserts a typed character as a typing transaction, over the selection, without the DOM edit", () => {
    const events: (string | undefined)[] = [];
    const view = new EditorView({
      parent: document.body,
      state: EditorState.create({ doc: "<p>Typed: </p>", selection: { anchor: 10 }, extensions: [typedText] }),
      dispatchTransactions: (trs, v) => {
        for (const t of trs) events.push(t.isUserEvent("input.type") ? "input.type" : undefined);
        v.update(trs);
      },
    });
    const e = typeInto(view, { data: "T" });
    expect(e.defaultPrevented).toBe(true);
    expect(view.state.doc.toString()).toBe("<p>Typed: T</p>");
    expect(view.state.selection.main.head).toBe(11);
    expect(events).toEqual(["input.type"]);
    view.dispatch({ selection: { anchor: 3, head: 8 } });
    typeInto(view, { data: "x" });
    expect(view.state.doc.toString()).toBe("<p>x: T</p>");
    view.destroy();
  });

  it("leaves compositions, line breaks and other input to CodeMirror", () => {
    const view = new EditorView({ parent: document.body, state: EditorState.create({ doc: "ab", extensions: [typedText] }) });
    expect(typeInto(view, { data: "x", isComposing: true }).defaultPrevented).toBe(false);
    expect(typeInto(view, { data: "\n" }).defaultPrevented).toBe(false);
    expect(typeInto(view, { inputType: "deleteContentBackward" }).defaultPrevented).toBe(false);
    expect(view.state.doc.toString()).toBe("ab");
    view.destroy();
  });
});

describe("patched texts (the preview document and mirror per keystroke)", () => {
  // A small deterministic generator: the same cases on every run.
  let seed = 7;
  const rnd = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  const randomPatch = (s: string) => {
    const from = rnd(s.length + 1);
    const to = from + rnd(Math.min(6, s.length - from) + 1);
    return { from, to, insert: "xyz<b>ë".slice(0, rnd(7)) };
  };

  it("composes two patches into the one patch that makes the same text", () => {
    for (let i = 0; i < 2000; i++) {
      const base = "0123456789abcdefghij".slice(0, rnd(21));
      const p1 = randomPatch(base);
      const s1 = applyPatch(base, p1);
      const p2 = randomPatch(s1);
      const c = composePatch(base, p1, p2);
      expect(applyPatch(base, c)).toBe(applyPatch(s1, p2));
    }
  });

  it("keeps the mirror's text in chunks that read as the patched text", () => {
    const el = document.createElement("pre");
    let plain = "<td>Zoë 😀 {{firstname}}</td>".repeat(1200);
    setMirrorText(el, plain);
    expect(el.childNodes.length).toBeGreaterThan(3);
    let whole = 0;
    for (let i = 0; i < 400; i++) {
      const from = rnd(plain.length + 1);
      const p = { from, to: from + rnd(Math.min(40, plain.length - from) + 1), insert: "ab<i>".slice(0, rnd(6)) };
      plain = applyPatch(plain, p);
      if (!patchMirror(el, p)) {
        whole++;
        setMirrorText(el, plain);
      }
      expect(el.textContent).toBe(plain);
    }
    // Almost every patch falls inside one chunk.
    expect(whole).toBeLessThan(20);
    setMirrorText(el, "");
    expect(el.textContent).toBe("");
    expect(patchMirror(el, { from: 0, to: 0, insert: "x" })).toBe(false);
  });

  it("reads as every patch applied in turn, and names the one step from the text before", () => {
    let plain = "<p>Typed: </p>".repeat(50);
    let t = PatchedText.of(plain);
    for (let i = 0; i < 300; i++) {
      const p = randomPatch(plain);
      const before = t;
      t = t.with(p);
      plain = applyPatch(plain, p);
      expect(t.stepFrom(before)).toEqual(p);
      expect(t.stepFrom(null)).toBeNull();
      // Read now and then (a reload, the pause check): the same text either way.
      if (i % 7 === 0) expect(t.value).toBe(plain);
    }
    expect(t.value).toBe(plain);
  });
});

describe("RemoveTestAttendees", () => {
  it("confirms with the count and names, deletes the listed ids and reports", async () => {
    const list = [
      { id: "t1", name: "Test (Qflow Console)", email: "one@example.com" },
      { id: "t2", name: "Test (Qflow Console)", email: "two@example.com" },
    ];
    const api = {
      testAttendees: vi.fn().mockResolvedValue(list),
      removeTestAttendees: vi.fn().mockResolvedValue({ removed: list, failed: [], skipped: 0 }),
    };
    render(<RemoveTestAttendees eventId="e1" api={api} />);
    fireEvent.click(screen.getByTestId("remove-tests-btn"));
    const confirm = await screen.findByTestId("remove-tests-confirm");
    expect(confirm.textContent).toContain("Delete 2 test attendees tagged qflow-console-test");
    expect(confirm.textContent).toContain("two@example.com");
    expect(api.removeTestAttendees).not.toHaveBeenCalled();
    fireEvent.click(screen.getByTestId("remove-tests-yes"));
    const done = await screen.findByTestId("remove-tests-result");
    expect(done.textContent).toContain("Deleted 2 test attendees.");
    expect(api.removeTestAttendees).toHaveBeenCalledWith("e1", ["t1", "t2"]);
  });

  it("says so when there are none, and deletes nothing", async () => {
    const api = { testAttendees: vi.fn().mockResolvedValue([]), removeTestAttendees: vi.fn() };
    render(<RemoveTestAttendees eventId="e1" api={api} />);
    fireEvent.click(screen.getByTestId("remove-tests-btn"));
    await screen.findByTestId("remove-tests-none");
    expect(api.removeTestAttendees).not.toHaveBeenCalled();
  });
});

describe("applyTextEdit", () => {
  it("sets the typed text into the named text node only while it reads the expected old text", () => {
    const doc = new DOMParser().parseFromString("<table><tr><td><p>One <b>bold</b> tail</p></td></tr></table><p>Typed: </p>", "text/html");
    expect(applyTextEdit(doc, { tag: "p", index: 1, child: 0, old: "Typed: ", new: "Typed: T" })).toBe(true);
    expect(doc.getElementsByTagName("p")[1]?.textContent).toBe("Typed: T");
    expect(applyTextEdit(doc, { tag: "p", index: 0, child: 2, old: " tail", new: " tails" })).toBe(true);
    expect(doc.getElementsByTagName("p")[0]?.textContent).toBe("One bold tails");
    // Stale, missing or not a text node: refused, nothing changed (the frame reloads instead).
    expect(applyTextEdit(doc, { tag: "p", index: 1, child: 0, old: "Typed: ", new: "x" })).toBe(false);
    expect(applyTextEdit(doc, { tag: "p", index: 0, child: 1, old: "bold", new: "x" })).toBe(false);
    expect(applyTextEdit(doc, { tag: "h1", index: 0, child: 0, old: "", new: "x" })).toBe(false);
    expect(applyTextEdit(null, { tag: "p", index: 0, child: 0, old: "One ", new: "x" })).toBe(false);
    expect(doc.body.textContent).toBe("One bold tailsTyped: T");
  });
});

describe("studio undo/redo", () => {
  async function openEditor() {
    await openTemplate();
    const view = async (id: string) => {
      const v = EditorView.findFromDOM(await screen.findByTestId(id));
      if (!v) throw new Error(`no editor ${id}`);
      return v;
    };
    return { html: await view("editor-html-content"), subject: await view("editor-subject-content") };
  }
  const typeAt = (v: EditorView, text: string) => {
    act(() => {
      v.dispatch({ changes: { from: v.state.doc.length, insert: text }, userEvent: "input.type" });
    });
  };

  it("steps back through changes of both editors in the order they were made, by button and by key", async () => {
    const { html, subject } = await openEditor();
    const undo = screen.getByRole("button", { name: "Undo" });
    const redo = screen.getByRole("button", { name: "Redo" });
    expect(undo).toHaveProperty("disabled", true);
    typeAt(html, "<p>x</p>");
    typeAt(subject, "!");
    expect(subject.state.doc.toString()).toBe("Your ticket for {{event}}!");
    fireEvent.click(undo);
    expect(subject.state.doc.toString()).toBe("Your ticket for {{event}}");
    expect(html.state.doc.toString()).toBe("<h1>Hi {{firstname}}!</h1><p>x</p>");
    // Ctrl+Z in the subject editor undoes the HTML change: one history, not one per editor.
    fireEvent.keyDown(subject.contentDOM, { key: "z", code: "KeyZ", keyCode: 90, ctrlKey: true });
    expect(html.state.doc.toString()).toBe(TEMPLATE.html);
    expect(undo).toHaveProperty("disabled", true);
    fireEvent.click(redo);
    expect(html.state.doc.toString()).toBe("<h1>Hi {{firstname}}!</h1><p>x</p>");
    fireEvent.keyDown(html.contentDOM, { key: "Z", code: "KeyZ", keyCode: 90, ctrlKey: true, shiftKey: true });
    expect(subject.state.doc.toString()).toBe("Your ticket for {{event}}!");
    expect(redo).toHaveProperty("disabled", true);
  });
});

describe("save", () => {
  it("saves what the editor shows, typed a moment before (not yet in React state)", async () => {
    const api = fakeApi();
    const save = api.save as ReturnType<typeof vi.fn>;
    save.mockResolvedValue({ template: { ...TEMPLATE, html: `${TEMPLATE.html}!` }, version: { id: 2 } });
    render(<StudioView api={api} />);
    fireEvent.click(await screen.findByText("Welcome ticket"));
    await screen.findByTestId("studio-editor");
    const html = EditorView.findFromDOM(await screen.findByTestId("editor-html-content"));
    if (!html) throw new Error("no html editor");
    act(() => {
      html.dispatch({ changes: { from: html.state.doc.length, insert: "!" }, userEvent: "input.type" });
    });
    await act(async () => {
      fireEvent.click(screen.getByTestId("studio-save"));
      await Promise.resolve();
    });
    expect(save).toHaveBeenCalledTimes(1);
    expect((save.mock.calls[0]?.[0] as { fields: { html: string } }).fields.html).toBe(`${TEMPLATE.html}!`);
  });
});

describe("work that waits for a pause in typing", () => {
  it("lints and pre-flights only once typing pauses, however long it goes on", async () => {
    const api = await openTemplate();
    const html = EditorView.findFromDOM(await screen.findByTestId("editor-html-content"));
    if (!html) throw new Error("no html editor");
    const preview = api.preview as ReturnType<typeof vi.fn>;
    const preflight = api.preflight as ReturnType<typeof vi.fn>;
    const wait = (ms: number) => act(() => new Promise((r) => setTimeout(r, ms)));
    const type = (ch: string) => {
      act(() => {
        html.dispatch({ changes: { from: html.state.doc.length, insert: ch }, userEvent: "input.type" });
      });
    };
    await wait(1000);
    const lints = () => preview.mock.calls.filter((c) => (c[0] as { lint: boolean }).lint).length;
    const [lintsBefore, preflightsBefore] = [lints(), preflight.mock.calls.length];
    // A short pause (the typed html reaches React state), then steady typing longer than
    // both idle delays: neither runs mid-typing.
    type("a");
    await wait(150);
    for (const ch of "bcdefghijklm") {
      type(ch);
      await wait(70);
    }
    expect(lints()).toBe(lintsBefore);
    expect(preflight.mock.calls.length).toBe(preflightsBefore);
    await wait(1000);
    expect(lints()).toBe(lintsBefore + 1);
    expect(preflight.mock.calls.length).toBe(preflightsBefore + 1);
    expect((preflight.mock.calls.at(-1)?.[0] as { fields: { html: string } }).fields.html).toBe(`${TEMPLATE.html}abcdefghijklm`);
  });
});

describe("a keystroke's preview", () => {
  async function typing() {
    const api = await openTemplate();
    const html = EditorView.findFromDOM(await screen.findByTestId("editor-html-content"));
    if (!html) throw new Error("no html editor");
    // The first preview and the lint at the pause have come back: nothing in flight.
    await act(() => new Promise((r) => setTimeout(r, 1000)));
    expect(screen.getByTestId("preview-html").textContent).toBe("<h1>Hi Ana!</h1>");
    const type = (ch: string) => {
      act(() => {
        html.dispatch({ changes: { from: html.state.doc.length, insert: ch }, userEvent: "input.type" });
      });
    };
    const mirror = "<h1>Hi Ana!</h1>";
    const typed = (insert: string): PreviewResult => ({
      ...preview(""),
      document: "",
      documentPatch: { from: mirror.length + "<!DOCTYPE html>".length, to: mirror.length + "<!DOCTYPE html>".length, insert },
      htmlPatch: { from: mirror.length, to: mirror.length, insert },
      linted: false,
    });
    return { api, type, typed, now: api.previewNow as ReturnType<typeof vi.fn>, later: api.preview as ReturnType<typeof vi.fn> };
  }

  it("is shown within the keystroke's own task when Rust answers at once", async () => {
    const { type, typed, now, later } = await typing();
    now.mockImplementation(() => typed("!"));
    const asyncCalls = later.mock.calls.length;
    type("!");
    // No await: an async reply could not have been handled yet.
    expect(screen.getByTestId("preview-html").textContent).toBe("<h1>Hi Ana!</h1>!");
    expect(now).toHaveBeenCalledTimes(1);
    expect((now.mock.calls[0]?.[0] as PreviewRequest).htmlPatch).toEqual({ from: TEMPLATE.html.length, to: TEMPLATE.html.length, insert: "!" });
    expect(later.mock.calls.length).toBe(asyncCalls);
  });

  it("goes the async way when the synchronous one is not open, and starts over in full when Rust lost the session", async () => {
    const { type, now, later } = await typing();
    const asyncCalls = later.mock.calls.length;
    now.mockReturnValue(null);
    type("!");
    expect(later.mock.calls.length).toBe(asyncCalls + 1);
    expect((later.mock.calls.at(-1)?.[0] as PreviewRequest).htmlPatch).toBeDefined();
    await act(() => new Promise((r) => setTimeout(r, 50)));
    now.mockImplementation(() => {
      throw new CommandError("template_preview", { code: "invalid_input", message: "htmlPatch: the preview session is gone or out of step: send the full html", nextStep: "", field: "htmlPatch", details: {} });
    });
    type("?");
    // At once, the whole html, async (it may have to load the event).
    expect(later.mock.calls.length).toBe(asyncCalls + 2);
    const full = later.mock.calls.at(-1)?.[0] as PreviewRequest;
    expect(full.htmlPatch).toBeUndefined();
    expect(full.fields.html).toBe(`${TEMPLATE.html}!?`);
    expect(screen.queryByRole("alert")).toBeNull();
  });
});

describe("dark preview", () => {
  it("asks Rust for the chosen emulation and offers both kinds", async () => {
    const api = fakeApi();
    render(<StudioView api={api} />);
    fireEvent.click(await screen.findByText("Welcome ticket"));
    const select = await screen.findByTestId<HTMLSelectElement>("preview-dark");
    expect([...select.options].map((o) => o.value)).toEqual(["off", "invert", "scheme"]);
    const calls = () => (api.preview as ReturnType<typeof vi.fn>).mock.calls.map((c) => (c[0] as { dark: string }).dark);
    await waitFor(() => {
      expect(calls()).toContain("off");
    });
    fireEvent.change(select, { target: { value: "scheme" } });
    await waitFor(() => {
      expect(calls()).toContain("scheme");
    });
    expect(screen.getByLabelText(/Dark mode/)).toBe(select);
  });
});

describe("applyElementEdit", () => {
  it("re-parses the named element's content only while it has the child count Rust saw, running nothing", () => {
    const doc = new DOMParser().parseFromString("<table><tr><td>Hi <b>x</b></td></tr></table><p>One</p><p>Typed: ", "text/html");
    expect(applyElementEdit(doc, { tag: "p", index: 1, children: 1, html: "Typed: <b>bo" })).toBe(true);
    expect(doc.getElementsByTagName("p")[1]?.innerHTML).toBe("Typed: <b>bo</b>");
    expect(applyElementEdit(doc, { tag: "td", index: 0, children: 2, html: 'Hi <span style="color:#c00">x</span>' })).toBe(true);
    expect(doc.querySelector("td span")?.getAttribute("style")).toBe("color:#c00");
    // Stale (another child count) or missing: refused, nothing changed (the frame reloads instead).
    expect(applyElementEdit(doc, { tag: "p", index: 1, children: 5, html: "x" })).toBe(false);
    expect(applyElementEdit(doc, { tag: "h1", index: 0, children: 0, html: "x" })).toBe(false);
    expect(applyElementEdit(null, { tag: "p", index: 0, children: 1, html: "x" })).toBe(false);
    expect(doc.getElementsByTagName("p")[1]?.innerHTML).toBe("Typed: <b>bo</b>");
  });
});

describe("pre-flight in the editor", () => {
  it("puts the cursor on a finding's line and previews as a finding's attendee", async () => {
    const api = fakeApi();
    render(<StudioView api={api} />);
    fireEvent.click(await screen.findByText("Welcome ticket"));
    const line = await screen.findByTestId("preflight-line");
    expect(screen.getByTestId("preflight-counts").textContent).toBe("0 errors · 1 warning · 0 info");
    const html = EditorView.findFromDOM(screen.getByTestId("editor-html-content"));
    if (!html) throw new Error("no html editor");
    fireEvent.click(line);
    expect(html.state.selection.main.head).toBe(7);
    expect(html.hasFocus).toBe(true);
    fireEvent.click(screen.getByRole("button", { name: "Preview as Maximiliana Wolfeschlegelsteinhausenbergerdorff" }));
    await waitFor(() => {
      expect(api.preview).toHaveBeenLastCalledWith(expect.objectContaining({ guestId: "g9" }));
    });
    expect(screen.getByTestId("recipient-picker").textContent).toContain("Maximiliana");
  });
});

describe("tokenImagePlaceholder", () => {
  it("stands in for an image whose src is a merge token, and for nothing else", () => {
    expect(tokenImagePlaceholder("{{barcode_qr}}")).toContain(">Ticket QR<");
    expect(tokenImagePlaceholder(" {{ logo_url }} ")).toContain(">{{logo_url}}<");
    for (const src of ["https://example.com/a.png", "data:image/png;base64,AA", "x{{barcode_qr}}", "{{barcode_qr}} x", "", undefined]) {
      expect(tokenImagePlaceholder(src)).toBeNull();
    }
  });
});
