import { describe, expect, it } from "vitest";
import { installImmediate } from "./immediate";

const tick = () => new Promise((r) => setTimeout(r, 20));

describe("installImmediate", () => {
  it("leaves a host that has setImmediate alone", () => {
    const own = () => 0;
    const host = { setImmediate: own };
    expect(installImmediate(host, window)).toBe(false);
    expect(host.setImmediate).toBe(own);
  });

  it("runs callbacks in order with their arguments, after the current task, and not cleared ones", async () => {
    const host: { setImmediate?: unknown; clearImmediate?: unknown } = {};
    expect(installImmediate(host, window)).toBe(true);
    const set = host.setImmediate as (fn: (...a: unknown[]) => void, ...a: unknown[]) => number;
    const clear = host.clearImmediate as (id: number) => void;
    const ran: unknown[] = [];
    set((a, b) => ran.push([a, b]), 1, 2);
    const gone = set(() => ran.push("cleared"));
    set(() => ran.push("third"));
    clear(gone);
    expect(ran).toEqual([]);
    await tick();
    expect(ran).toEqual([[1, 2], "third"]);
  });

  it("lets other window messages through", async () => {
    const host: { setImmediate?: unknown } = {};
    installImmediate(host, window);
    const seen: unknown[] = [];
    const listener = (e: MessageEvent) => seen.push(e.data);
    window.addEventListener("message", listener);
    window.postMessage("someone else's", "*");
    (host.setImmediate as (fn: () => void) => number)(() => seen.push("ours ran"));
    await tick();
    window.removeEventListener("message", listener);
    expect(seen).toEqual(["someone else's", "ours ran"]);
  });
});
