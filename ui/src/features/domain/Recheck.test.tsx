import { act, cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { DomainView } from "./DomainView";
import type { DomainApi, DomainView as View } from "./api";
import { waitText, type RecheckApi, type RecheckUpdate } from "./recheck";

const view: View = {
  status: "waiting_for_dns",
  label: "Waiting for DNS",
  domain: "brand.com",
  domainUnicode: "brand.com",
  verified: false,
  enabled: false,
  records: [
    {
      recordType: "CNAME",
      fullHost: "em8291.brand.com",
      relativeHost: "em8291",
      unicodeHost: "em8291.brand.com",
      value: "u1.wl1.sendgrid.net",
      valueWithDot: "u1.wl1.sendgrid.net.",
      reasonName: "mail_cname",
      valid: false,
    },
  ],
  demo: true,
  notice: null,
};

const update = (over: Partial<RecheckUpdate>): RecheckUpdate => ({
  seq: 1,
  phase: "waiting",
  checks: 0,
  nextInMs: 30_000,
  background: false,
  stopReason: null,
  message: null,
  view,
  reasons: null,
  verifiedBanner: null,
  ...over,
});

function fakes() {
  const no = () => Promise.reject(new Error("not in this test"));
  const api: DomainApi = {
    get: vi.fn().mockResolvedValue(view),
    status: no,
    validate: no,
    create: no,
    verify: no,
    activate: no,
    deactivate: no,
    remove: no,
    exportRecords: no,
    precheck: no,
    demoPublishDns: no,
  };
  let push: (u: RecheckUpdate) => void = () => undefined;
  const unlisten = vi.fn();
  const recheck: RecheckApi = {
    start: vi.fn().mockResolvedValue(update({})),
    leave: vi.fn().mockResolvedValue(null),
    now: vi.fn().mockResolvedValue(update({ seq: 2, phase: "checking", nextInMs: null })),
    setBackground: vi.fn((on: boolean) => Promise.resolve(update({ seq: 3, background: on }))),
    onUpdate: vi.fn((f: (u: RecheckUpdate) => void) => {
      push = f;
      return Promise.resolve(unlisten);
    }),
  };
  const send = (u: RecheckUpdate) => {
    act(() => {
      push(u);
    });
  };
  return { api, recheck, unlisten, push: send };
}

describe("domain recheck", () => {
  afterEach(cleanup);

  it("formats waits", () => {
    expect([waitText(40_000), waitText(120_000), waitText(90_000), waitText(200)]).toEqual(["40 s", "2 min", "1 min 30 s", "1 s"]);
  });

  it("shows the countdown, then the verified banner pushed by Rust, and leaves on unmount", async () => {
    const f = fakes();
    const { unmount } = render(<DomainView api={f.api} recheck={f.recheck} />);
    await waitFor(() => {
      expect(screen.getByTestId("recheck-status").textContent).toContain("next check in 30 s");
    });
    expect(f.recheck.start).toHaveBeenCalledWith(true);
    expect(screen.queryByTestId("domain-verified-banner")).toBeNull();

    f.push(update({ seq: 5, phase: "checking", checks: 0, nextInMs: null }));
    expect(screen.getByTestId("recheck-status").textContent).toBe("Checking with Qflow…");
    // An older update arriving late does not win.
    f.push(update({ seq: 4, phase: "waiting" }));
    expect(screen.getByTestId("recheck-status").textContent).toBe("Checking with Qflow…");

    f.push(
      update({
        seq: 6,
        phase: "stopped",
        checks: 1,
        stopReason: "verified",
        view: { ...view, status: "verified", label: "Verified", verified: true, enabled: true },
        reasons: [],
        verifiedBanner: "brand.com is verified",
      }),
    );
    expect(screen.getByTestId("domain-verified-banner").textContent).toContain("brand.com is verified");
    expect(screen.getByTestId("domain-status").dataset.status).toBe("verified");

    unmount();
    expect(f.unlisten).toHaveBeenCalled();
    expect(f.recheck.leave).toHaveBeenCalled();
  });

  it("stores the background toggle through Rust", async () => {
    const f = fakes();
    render(<DomainView api={f.api} recheck={f.recheck} />);
    const box = await waitFor(() => screen.getByTestId<HTMLInputElement>("recheck-background"));
    expect(box.checked).toBe(false);
    fireEvent.click(box);
    await waitFor(() => {
      expect(screen.getByTestId<HTMLInputElement>("recheck-background").checked).toBe(true);
    });
    expect(f.recheck.setBackground).toHaveBeenCalledWith(true);
  });
});
