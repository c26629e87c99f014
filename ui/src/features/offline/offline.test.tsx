import { act, cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { ErrorBody } from "../../api";
import { OfflineBanner } from "./OfflineBanner";
import { OfflineMonitor, probeDelay } from "./offline";

const NET: ErrorBody = { code: "network_unreachable", message: "Could not reach Qflow", nextStep: "Check the network.", details: {} };
const netError = () => Object.assign(new Error("down"), { body: NET });

vi.mock("@tauri-apps/api/core", () => ({
  invoke: vi.fn((cmd: string) =>
    // Rust rejects with an ErrorBody; an Error carrying the same fields reads the same.
    Promise.reject(Object.assign(new Error("x"), cmd === "events_list" ? { code: "network_unreachable", message: "down", nextStep: "" } : { code: "boom", message: "x" })),
  ),
}));

describe("offline monitor", () => {
  afterEach(() => {
    vi.useRealTimers();
    cleanup();
  });

  it("backs off from 2 s, doubling, to at most 30 s", () => {
    expect([0, 1, 2, 3, 4, 5, 9].map(probeDelay)).toEqual([2000, 4000, 8000, 16000, 30000, 30000, 30000]);
  });

  it("goes offline only on network_unreachable, probes with back-off and comes back on a success", async () => {
    vi.useFakeTimers();
    let up = false;
    const probe = vi.fn(() => (up ? Promise.resolve(null) : Promise.reject(netError())));
    const m = new OfflineMonitor(probe);
    m.report({ ...NET, code: "not_found" });
    expect(m.get().offline).toBe(false);

    m.report(NET);
    expect(m.get()).toMatchObject({ offline: true, failedProbes: 0 });
    m.report(NET); // already offline: no second timer
    await vi.advanceTimersByTimeAsync(1999);
    expect(probe).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(probe).toHaveBeenCalledTimes(1);
    expect(m.get()).toMatchObject({ offline: true, failedProbes: 1, probing: false });

    await vi.advanceTimersByTimeAsync(3999);
    expect(probe).toHaveBeenCalledTimes(1);
    up = true;
    await vi.advanceTimersByTimeAsync(1);
    expect(probe).toHaveBeenCalledTimes(2);
    expect(m.get().offline).toBe(false);
    // Back online: no more probes.
    await vi.advanceTimersByTimeAsync(60_000);
    expect(probe).toHaveBeenCalledTimes(2);
  });

  it("stops when the probe fails for another reason (signed out)", async () => {
    const m = new OfflineMonitor(() => Promise.reject(Object.assign(new Error("x"), { body: { ...NET, code: "not_signed_in" } })));
    m.report(NET);
    await m.probeNow();
    expect(m.get().offline).toBe(false);
  });

  it("hears network failures of any command through call()", async () => {
    const { call } = await import("../../api");
    const { appOfflineMonitor } = await import("./api");
    const m = appOfflineMonitor();
    await expect(call("events_list", { from: null, to: null })).rejects.toMatchObject({ code: "network_unreachable" });
    expect(m.get().offline).toBe(true);
    m.reset();
    // @ts-expect-error: not a declared command (Tauri would refuse it at run time too)
    await expect(call("other")).rejects.toMatchObject({ code: "boom" });
    expect(m.get().offline).toBe(false);
  });

  it("the banner shows while offline, 'Try now' probes, and it goes away when back", async () => {
    let up = false;
    const probe = vi.fn(() => (up ? Promise.resolve(null) : Promise.reject(netError())));
    const m = new OfflineMonitor(probe);
    render(<OfflineBanner monitor={m} />);
    expect(screen.queryByTestId("offline-banner")).toBeNull();
    act(() => {
      m.report(NET);
    });
    expect(screen.getByTestId("offline-banner").textContent).toContain("Offline");
    expect(screen.getByTestId("offline-next").textContent).toMatch(/Checking again in 2 s/);
    up = true;
    await act(async () => {
      fireEvent.click(screen.getByTestId("offline-retry"));
      await Promise.resolve();
    });
    expect(probe).toHaveBeenCalledTimes(1);
    expect(screen.queryByTestId("offline-banner")).toBeNull();
    m.reset();
  });
});
