import { beforeEach, describe, expect, it, vi } from "vitest";

const invoke = vi.fn();
vi.mock("@tauri-apps/api/core", () => ({ invoke: (...args: unknown[]) => invoke(...args) as unknown }));

const { api, CommandError, errorBody, toErrorBody } = await import("./api");

describe("api", () => {
  beforeEach(() => {
    invoke.mockReset();
  });

  it("passes the request under `req` and returns the answer", async () => {
    invoke.mockResolvedValueOnce({ eventId: "e", total: 1, matched: 1, offset: 0, rows: [] });
    const req = { eventId: "e", query: "vip", offset: 0, limit: 50, refresh: false };
    const page = await api.guestsPage(req);
    expect(invoke).toHaveBeenCalledWith("guests_page", { req });
    expect(page.total).toBe(1);
  });

  it("turns a Rust ErrorBody into a CommandError keeping code, next step and details", async () => {
    invoke.mockRejectedValueOnce({
      status: 422,
      code: "previous_send_permanently_failed",
      message: "This recipient cannot be emailed.",
      nextStep: "Sending again will not help.",
      endpoint: "POST /api/comms/send",
      details: { failureType: "spam_reported" },
    });
    const err = await api.eventsList().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CommandError);
    const ce = err as InstanceType<typeof CommandError>;
    expect(ce.code).toBe("previous_send_permanently_failed");
    expect(ce.command).toBe("events_list");
    expect(ce.body.nextStep).toBe("Sending again will not help.");
    expect(ce.body.details).toEqual({ failureType: "spam_reported" });
    // Omitted optionals stay absent, as the generated type says.
    expect(ce.body.field).toBeUndefined();
    expect(ce.body.status).toBe(422);
  });

  it("maps Tauri's own string rejections to ipc_error", async () => {
    invoke.mockRejectedValueOnce("command sign_in not found");
    const err = await api.signOut().catch((e: unknown) => e);
    const body = errorBody(err);
    expect(body.code).toBe("ipc_error");
    expect(body.message).toContain("command sign_in not found");
    expect(body.nextStep).not.toBe("");
  });

  it("never trusts a malformed rejection", () => {
    expect(toErrorBody(null).code).toBe("ipc_error");
    expect(toErrorBody({ code: 7 }).code).toBe("ipc_error");
    expect(toErrorBody(new Error("boom")).message).toContain("boom");
    const b = toErrorBody({ code: "invalid_input", message: "limit: too big", field: "limit" });
    expect(b).toMatchObject({ code: "invalid_input", field: "limit", nextStep: "", details: {} });
  });
});
