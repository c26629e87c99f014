import { afterEach, describe, expect, it, vi } from "vitest";

const invoke = vi.fn();
vi.mock("@tauri-apps/api/core", () => ({
  invoke: (...args: unknown[]) => invoke(...args) as unknown,
  convertFileSrc: (path: string, protocol: string) => `${protocol}://localhost/${path}`,
}));

/** What the page's XMLHttpRequest saw and what it answers (Tauri's IPC protocol). */
const wire = { opened: [] as unknown[], headers: {} as Record<string, string>, sent: "", status: 200, answer: "null", response: "ok", throws: false };
class FakeXhr {
  status = 0;
  responseText = "";
  open(...args: unknown[]) {
    wire.opened = args;
  }
  setRequestHeader(k: string, v: string) {
    wire.headers[k] = v;
  }
  send(body: string) {
    if (wire.throws) throw new DOMException("refused", "NetworkError");
    wire.sent = body;
    this.status = wire.status;
    this.responseText = wire.answer;
  }
  getResponseHeader(k: string) {
    return k === "Tauri-Response" ? wire.response : null;
  }
}
vi.stubGlobal("XMLHttpRequest", FakeXhr);

const { callSync, prepareSync } = await import("./invokeSync");
const { CommandError } = await import("./api");

afterEach(() => {
  Object.assign(wire, { opened: [], headers: {}, sent: "", status: 200, answer: "null", response: "ok", throws: false });
});

describe("callSync", () => {
  it("is closed until the key has come, then calls the command synchronously with it", async () => {
    wire.answer = '{"version":"1"}';
    expect(callSync("app_info")).toBeNull();
    expect(wire.opened).toEqual([]);
    invoke.mockResolvedValueOnce("the-key");
    await prepareSync();
    expect(invoke).toHaveBeenCalledWith("ipc_invoke_key", undefined);
    expect(callSync("app_info")).toEqual({ version: "1" });
    expect(wire.opened).toEqual(["POST", "ipc://localhost/app_info", false]);
    expect(wire.headers["Tauri-Invoke-Key"]).toBe("the-key");
    expect(wire.headers["Content-Type"]).toBe("application/json");
  });

  it("passes the request under `req`, throws a command's error as `call` does, and is null when the request did not reach the command", async () => {
    invoke.mockResolvedValueOnce("the-key");
    await prepareSync();
    const req = { templateId: "t1" };
    callSync("template_get", req);
    expect(JSON.parse(wire.sent)).toEqual({ req });

    Object.assign(wire, { response: "error", answer: JSON.stringify({ code: "not_found", message: "No such template.", nextStep: "Reload the list." }) });
    const err = (() => {
      try {
        callSync("template_get", req);
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(err).toBeInstanceOf(CommandError);
    expect((err as InstanceType<typeof CommandError>).body.nextStep).toBe("Reload the list.");

    Object.assign(wire, { response: "", status: 500, answer: "failed to parse" });
    expect(callSync("template_get", req)).toBeNull();
    wire.throws = true;
    expect(callSync("template_get", req)).toBeNull();
  });
});
