import { act, cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { GuestDetail, ResendResult } from "./api";
import { ResendTicket } from "./ResendTicket";
import { SendError } from "./SendOutcome";

const guest: GuestDetail = {
  id: "g1",
  eventId: "e1",
  firstName: "Zoë",
  lastName: "Ødegård",
  otherNames: null,
  email: "zoe@example.com",
  barcode: "QF1",
  plusOnes: null,
  additionalInfo: null,
  tags: null,
  tickets: null,
  sessions: null,
  customFields: [],
  checkedIn: false,
  checkInTime: null,
  extra: [],
  qrDataUrl: null,
};

function fakeApi() {
  let release: (r: ResendResult) => void = () => {};
  const api = {
    resendOptions: vi.fn(() =>
      Promise.resolve({ templates: [{ id: "t1", name: "Ticket", subject: "Your ticket" }], defaultTemplateId: "t1", defaultReason: "newest" }),
    ),
    resendPreview: vi.fn(() =>
      Promise.resolve({ to: guest.email, subject: "Your ticket, Zoë", document: "<!doctype html><p>Hi</p>", unknownTokens: [], attachPdf: false, recentDuplicate: null, preflight: null }),
    ),
    resend: vi.fn(
      () =>
        new Promise<ResendResult>((r) => {
          release = r;
        }),
    ),
    emailCheck: vi.fn(() => Promise.resolve({ problem: null, suggestion: null })),
  };
  return { api, release: (r: ResendResult) => { release(r); } };
}

describe("desk", () => {
  afterEach(cleanup);

  it("explains a suppressed recipient in words, never JSON", () => {
    render(
      <SendError
        error={{
          status: 422,
          code: "previous_send_permanently_failed",
          message: "m",
          nextStep: "n",
          details: { failureType: "spam_reported", lastFailureAt: "2026-04-12T14:32:00Z", lastFailureReason: "user clicked spam" },
        }}
      />,
    );
    const text = screen.getByTestId("suppression-explainer").textContent;
    expect(text).toContain("marked an earlier email as spam on 12 April 2026");
    expect(text).toContain("user clicked spam");
    expect(text).toContain("support@qflow.io");
    expect(text).not.toMatch(/[{}]|failureType/);
  });

  it("says honestly when the outcome is unknown", () => {
    render(<SendError error={{ code: "outcome_unknown", message: "m", nextStep: "n", details: {} }} />);
    expect(screen.getByTestId("outcome-unknown").textContent).toContain("don’t know whether");
  });

  it("previews in a sandboxed frame, confirms, and cannot double-send", async () => {
    const { api, release } = fakeApi();
    const onSent = vi.fn();
    render(<ResendTicket guest={guest} api={api} onSent={onSent} />);
    const frame = await screen.findByTestId("preview-frame");
    expect(frame.getAttribute("sandbox")).toBe("");
    expect(frame.getAttribute("srcdoc")).toContain("<p>Hi</p>");
    fireEvent.click(await screen.findByTestId("resend-start"));
    const send = screen.getByTestId("resend-send");
    fireEvent.click(send);
    fireEvent.click(send);
    await waitFor(() => {
      expect(screen.getByTestId<HTMLButtonElement>("resend-send").disabled).toBe(true);
    });
    expect(api.resend).toHaveBeenCalledTimes(1);
    expect(api.resend).toHaveBeenCalledWith({ guestId: "g1", templateId: "t1", newEmail: undefined, confirmDuplicate: false });
    act(() => {
      release({ status: "queued", attendeeInvitationId: "i1", correlationId: "desk-resend-1", to: guest.email });
    });
    expect((await screen.findByTestId("resend-result")).textContent).toContain("queued");
    expect(onSent).toHaveBeenCalled();
  });
});
