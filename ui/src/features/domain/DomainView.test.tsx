import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { DomainView } from "./DomainView";
import type { DomainApi, DomainView as View } from "./api";

const rec = (h: string, v: string, name: string) => ({
  recordType: "CNAME",
  fullHost: `${h}.brand.com`,
  relativeHost: h,
  unicodeHost: `${h}.brand.com`,
  value: v,
  valueWithDot: `${v}.`,
  reasonName: name,
  valid: false,
});

const view: View = {
  status: "waiting_for_dns",
  label: "Waiting for DNS",
  domain: "brand.com",
  domainUnicode: "brand.com",
  verified: false,
  enabled: false,
  records: [rec("em8291", "u1.wl1.sendgrid.net", "mail_cname"), rec("s1._domainkey", "s1.domainkey.u1.wl1.sendgrid.net", "dkim1")],
  demo: false,
  notice: null,
};

function fakeApi(over: Partial<DomainApi> = {}): DomainApi {
  const no = () => Promise.reject(new Error("not in this test"));
  return {
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
    ...over,
  };
}

describe("DomainView", () => {
  afterEach(cleanup);

  it("shows both host forms and says Copied only after the write resolved", async () => {
    let resolve: () => void = () => undefined;
    const copy = vi.fn(() => new Promise<void>((r) => (resolve = r)));
    render(<DomainView api={fakeApi()} copy={copy} />);
    await waitFor(() => {
      expect(screen.getAllByTestId("record-host").map((e) => e.textContent)).toEqual(["em8291", "s1._domainkey"]);
    });
    fireEvent.click(screen.getByTestId("host-form-full"));
    expect(screen.getAllByTestId("record-host")[0]?.textContent).toBe("em8291.brand.com");
    const [btn] = screen.getAllByTestId("copy-host");
    if (!btn) throw new Error("no copy button");
    fireEvent.click(btn);
    expect(copy).toHaveBeenCalledWith("em8291.brand.com");
    expect(btn.textContent).toBe("Copy");
    resolve();
    await waitFor(() => {
      expect(btn.textContent).toBe("Copied");
    });
  });

  it("puts each verify reason and pre-check result next to its record", async () => {
    const api = fakeApi({
      verify: vi.fn().mockResolvedValue({
        view,
        message: "Not verified yet",
        reasons: [{ host: "s1._domainkey.brand.com", name: "dkim1", valid: false, reason: 'Expected CNAME for "s1._domainkey.brand.com"' }],
      }),
      precheck: vi.fn().mockResolvedValue({
        domain: "brand.com",
        allOk: false,
        provider: { id: "cloudflare", name: "Cloudflare", tip: "Set DNS only.", nameservers: [] },
        checks: [{ host: "em8291.brand.com", recordType: "CNAME", expected: "u1.wl1.sendgrid.net", found: "A 104.21.3.4", status: "proxied", advice: "Turn off the proxy." }],
      }),
    });
    render(<DomainView api={api} />);
    await waitFor(() => screen.getByTestId("domain-verify"));
    fireEvent.click(screen.getByTestId("domain-verify"));
    await waitFor(() => screen.getByTestId("record-reason"));
    const records = screen.getAllByTestId("checklist-record");
    expect(records[1]?.textContent).toContain("Expected CNAME");
    expect(records[0]?.textContent).not.toContain("Expected CNAME");
    fireEvent.click(screen.getByTestId("domain-precheck"));
    await waitFor(() => screen.getByTestId("record-check"));
    expect(screen.getAllByTestId("checklist-record")[0]?.textContent).toContain("Turn off the proxy.");
    expect(screen.getByTestId("provider-tip").textContent).toContain("Cloudflare");
  });
});
