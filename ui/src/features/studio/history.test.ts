import { describe, expect, it } from "vitest";
import { DocHistory, GROUP_MS, undoKey, type Change, type DocState } from "./history";

const S0: DocState = { html: "<p>a</p>", subject: "Hi", emailBody: "" };
const html = (s: DocState, h: string): DocState => ({ ...s, html: h });
const type = (at: number, field: Change["field"] = "html"): Change => ({ field, kind: "type", at });

describe("DocHistory", () => {
  it("undoes a code edit and a visual edit made after it, in order, and redoes them", () => {
    const h = new DocHistory(S0);
    const typed = html(S0, "<p>ab</p>");
    h.record(typed, type(0));
    h.seal(); // switch to visual
    const moved = html(S0, "<hr><p>ab</p>");
    h.record(moved, { field: "html", kind: "visual", at: 10 });
    h.seal(); // back to code
    expect(h.undo()?.state).toEqual(typed);
    expect(h.undo()?.state).toEqual(S0);
    expect(h.undo()).toBeNull();
    expect(h.redo()?.state).toEqual(typed);
    expect(h.redo()?.state).toEqual(moved);
    expect(h.redo()).toBeNull();
  });

  it("groups a typing burst like CodeMirror: same field and kind, less than GROUP_MS apart", () => {
    const h = new DocHistory(S0);
    h.record(html(S0, "1"), type(0));
    h.record(html(S0, "12"), type(100));
    h.record(html(S0, "123"), type(100 + GROUP_MS - 1));
    expect(h.depth).toBe(1);
    // A pause starts a new step; so do deleting, another field and a paste.
    h.record(html(S0, "1234"), type(100 + 2 * GROUP_MS));
    h.record(html(S0, "123"), { field: "html", kind: "delete", at: 100 + 2 * GROUP_MS + 1 });
    h.record({ ...html(S0, "123"), subject: "Hi!" }, type(100 + 2 * GROUP_MS + 2, "subject"));
    h.record({ ...html(S0, "123x"), subject: "Hi!" }, { field: "html", kind: "other", at: 100 + 2 * GROUP_MS + 3 });
    h.record({ ...html(S0, "123xy"), subject: "Hi!" }, { field: "html", kind: "other", at: 100 + 2 * GROUP_MS + 4 });
    expect(h.depth).toBe(6);
    expect(h.undo()?.state.html).toBe("123x");
    expect(h.undo()?.state.html).toBe("123");
    expect(h.undo()?.state.subject).toBe("Hi");
    expect(h.undo()?.state.html).toBe("1234");
    expect(h.undo()?.state.html).toBe("123");
    expect(h.undo()?.state).toEqual(S0);
  });

  it("starts a new step when typing continues somewhere else", () => {
    const h = new DocHistory(S0);
    const at = (n: number) => ({ anchor: n, head: n });
    h.record(html(S0, "a"), { field: "html", kind: "type", at: 0, before: at(0), after: at(1) });
    h.record(html(S0, "ab"), { field: "html", kind: "type", at: 10, before: at(1), after: at(2) });
    expect(h.depth).toBe(1);
    h.record(html(S0, "xab"), { field: "html", kind: "type", at: 20, before: at(0), after: at(1) });
    expect(h.depth).toBe(2);
  });

  it("does not join across a seal (mode switch) even within GROUP_MS", () => {
    const h = new DocHistory(S0);
    h.record(html(S0, "1"), type(0));
    h.seal();
    h.record(html(S0, "12"), type(1));
    expect(h.depth).toBe(2);
  });

  it("records nothing for the present state (the editors echo what undo showed)", () => {
    const h = new DocHistory(S0);
    h.record(html(S0, "x"), type(0));
    const back = h.undo();
    expect(back?.state).toEqual(S0);
    expect(h.record({ ...S0 }, { field: "html", kind: "other", at: 1 })).toBe(false);
    expect(h.canRedo).toBe(true);
  });

  it("drops the redo steps when a new change is made after undo", () => {
    const h = new DocHistory(S0);
    h.record(html(S0, "x"), type(0));
    h.undo();
    h.record(html(S0, "y"), type(5000));
    expect(h.canRedo).toBe(false);
    expect(h.undo()?.state).toEqual(S0);
  });

  it("brings back the selection from before the step on undo and after it on redo", () => {
    const h = new DocHistory(S0);
    h.record(html(S0, "<p>ab</p>"), { field: "html", kind: "type", at: 0, before: { anchor: 4, head: 4 }, after: { anchor: 5, head: 5 } });
    h.record(html(S0, "<p>abc</p>"), { field: "html", kind: "type", at: 10, before: { anchor: 5, head: 5 }, after: { anchor: 6, head: 6 } });
    expect(h.undo()).toEqual({ state: S0, field: "html", selection: { anchor: 4, head: 4 } });
    expect(h.redo()).toEqual({ state: html(S0, "<p>abc</p>"), field: "html", selection: { anchor: 6, head: 6 } });
  });

  it("keeps at most `depth` steps, dropping the oldest", () => {
    const h = new DocHistory(S0, { depth: 3 });
    for (let i = 1; i <= 5; i++) h.record(html(S0, `v${String(i)}`), { field: "html", kind: "other", at: i });
    expect(h.depth).toBe(3);
    expect(h.undo()?.state.html).toBe("v4");
    expect(h.undo()?.state.html).toBe("v3");
    expect(h.undo()?.state.html).toBe("v2");
    expect(h.undo()).toBeNull();
  });

  it("caps the characters held, keeping at least the last step", () => {
    const big = "x".repeat(1000);
    const h = new DocHistory(S0, { chars: 2500 });
    for (let i = 0; i < 5; i++) h.record(html(S0, `${big}${String(i)}`), { field: "html", kind: "other", at: i });
    expect(h.depth).toBe(2);
    const one = new DocHistory(S0, { chars: 10 });
    one.record(html(S0, big), { field: "html", kind: "other", at: 0 });
    expect(one.depth).toBe(1);
  });

  it("notifies subscribers only when undo/redo availability changes", () => {
    const h = new DocHistory(S0);
    let calls = 0;
    const off = h.subscribe(() => calls++);
    expect(h.getSnapshot()).toBe("00");
    h.record(html(S0, "1"), type(0));
    h.record(html(S0, "12"), type(10));
    h.record(html(S0, "123"), type(5000));
    expect(calls).toBe(1);
    expect(h.getSnapshot()).toBe("10");
    h.undo();
    expect(h.getSnapshot()).toBe("11");
    off();
    h.undo();
    expect(calls).toBe(2);
  });
});

describe("undoKey", () => {
  const k = (key: string, mods: Partial<{ ctrlKey: boolean; metaKey: boolean; shiftKey: boolean; altKey: boolean }> = {}) =>
    undoKey({ key, ctrlKey: false, metaKey: false, shiftKey: false, altKey: false, ...mods });
  it("maps Ctrl/Cmd+Z to undo and Ctrl/Cmd+Shift+Z or Ctrl+Y to redo", () => {
    expect(k("z", { ctrlKey: true })).toBe("undo");
    expect(k("z", { metaKey: true })).toBe("undo");
    expect(k("Z", { ctrlKey: true, shiftKey: true })).toBe("redo");
    expect(k("y", { ctrlKey: true })).toBe("redo");
    expect(k("z")).toBeNull();
    expect(k("z", { ctrlKey: true, altKey: true })).toBeNull();
    expect(k("a", { ctrlKey: true })).toBeNull();
  });
});
