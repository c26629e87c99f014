import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { DomainPill, useDomainGlance } from "./DomainPill";
import { DomainView } from "./DomainView";
import type { DomainApi, DomainView as View } from "./api";

const waiting: View = {
  status: "waiting_for_dns",
  label: "Waiting for DNS",
  domain: "xn--brnd-loa.com",
  domainUnicode: "bränd.com",
  verified: false,
  enabled: false,
  records: [],
  demo: false,
  notice: null,
};
const verified: View = { ...waiting, status: "verified", label: "Verified: emails can come from your domain", verified: true, enabled: true };

function fakeApi(over: Partial<DomainApi> = {}): DomainApi {
  const no = () => Promise.reject(new Error("not in this test"));
  return {
    get: vi.fn().mockResolvedValue(waiting),
    status: vi.fn().mockResolvedValue({ status: "not_set_up", label: "Not set up", domain: null }),
    validate: no,
    create: no,
    verify: vi.fn().mockResolvedValue({ view: verified, reasons: [], message: "Verified." }),
    activate: no,
    deactivate: no,
    remove: no,
    exportRecords: no,
    precheck: no,
    demoPublishDns: no,
    ...over,
  };
}

/** Home's wiring: the pill in the nav, the domain screen with the reporting api. */
function Harness({ api, open }: { api: DomainApi; open: boolean }) {
  const domain = useDomainGlance(api);
  return (
    <>
      <DomainPill glance={domain.glance} />
      {open && <DomainView api={domain.api} />}
    </>
  );
}

describe("DomainPill", () => {
  afterEach(cleanup);

  it("shows the status from domain_status, and nothing if it cannot be read", async () => {
    render(<Harness api={fakeApi()} open={false} />);
    await waitFor(() => {
      expect(screen.getByTestId("domain-pill").textContent).toBe("not set up");
    });
    cleanup();
    render(<Harness api={fakeApi({ status: () => Promise.reject(new Error("offline")) })} open={false} />);
    await new Promise((r) => setTimeout(r, 20));
    expect(screen.queryByTestId("domain-pill")).toBeNull();
  });

  it("follows what the domain screen learns: opened, then verified", async () => {
    const api = fakeApi();
    render(<Harness api={api} open={true} />);
    await waitFor(() => {
      expect(screen.getByTestId("domain-pill").getAttribute("data-status")).toBe("waiting_for_dns");
    });
    expect(screen.getByTestId("domain-pill").title).toContain("bränd.com");
    fireEvent.click(await screen.findByTestId("domain-verify"));
    await waitFor(() => {
      expect(screen.getByTestId("domain-pill").textContent).toBe("verified");
    });
    expect(api.verify).toHaveBeenCalledTimes(1);
  });
});
