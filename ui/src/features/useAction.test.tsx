import { act, renderHook, waitFor } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { useAction, useLoad } from "./useAction";

describe("useAction", () => {
  it("names the running action, returns its value, and shows a failure as the error shape", async () => {
    const { result } = renderHook(() => useAction());
    let release = () => {};
    let got: Promise<number | undefined> = Promise.resolve(undefined);
    act(() => {
      got = result.current.run("save", () => new Promise<number>((r) => (release = () => { r(7); })));
    });
    expect(result.current.busy).toBe("save");
    await act(async () => {
      release();
      expect(await got).toBe(7);
    });
    expect(result.current.busy).toBeNull();
    const fail = vi.fn<() => Promise<number>>().mockRejectedValue({ code: "x", message: "No." });
    let failed: number | undefined = 0;
    await act(async () => {
      failed = await result.current.run("verify", fail);
    });
    expect(failed).toBeUndefined();
    expect(result.current.error?.code).toBe("x");
  });
});

describe("useLoad", () => {
  it("loads once per key and ignores an answer that lands after unmount", async () => {
    const onValue = vi.fn();
    let answer: (v: string) => void = () => undefined;
    const load = vi.fn(() => new Promise<string>((r) => (answer = r)));
    const { rerender, unmount } = renderHook(({ k }) => { useLoad(k, load, onValue, vi.fn()); }, { initialProps: { k: 1 } });
    rerender({ k: 1 });
    expect(load).toHaveBeenCalledTimes(1);
    answer("first");
    await waitFor(() => {
      expect(onValue).toHaveBeenCalledWith("first");
    });
    rerender({ k: 2 });
    expect(load).toHaveBeenCalledTimes(2);
    unmount();
    answer("late");
    await Promise.resolve();
    expect(onValue).toHaveBeenCalledTimes(1);
  });
});
