import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { CommandError } from "../../api";
import type { UpdateCheck } from "./api";
import { UpdateButton } from "./UpdateButton";

const offer: UpdateCheck = {
  current: "0.1.0",
  summary: "Qflow Console 0.1.1 is available.",
  offer: { version: "0.1.1", notes: null, question: "Install Qflow Console 0.1.1 now? You have 0.1.0." },
};

afterEach(cleanup);

describe("UpdateButton", () => {
  it("asks nothing until clicked, then asks before installing", async () => {
    const api = { check: vi.fn().mockResolvedValue(offer), install: vi.fn().mockResolvedValue(null) };
    render(<UpdateButton api={api} />);
    expect(api.check).not.toHaveBeenCalled();
    fireEvent.click(screen.getByTestId("update-check"));
    await screen.findByTestId("update-question");
    expect(api.install).not.toHaveBeenCalled();
    const install = screen.getByTestId("update-install");
    expect(document.activeElement).toBe(install);
    fireEvent.click(install);
    await waitFor(() => {
      expect(api.install).toHaveBeenCalledTimes(1);
    });
  });

  it("shows a refusal as Rust worded it, and Esc closes the dialog", async () => {
    const refused = new CommandError("update_check", {
      code: "update_refused",
      message: "The update was refused: its signature does not match this app's update key.",
      nextStep: "Nothing was installed and this version keeps working.",
      details: {},
    });
    const api = { check: vi.fn().mockRejectedValue(refused), install: vi.fn() };
    render(<UpdateButton api={api} />);
    fireEvent.click(screen.getByTestId("update-check"));
    const notice = await screen.findByTestId("error-notice");
    expect(notice.dataset.code).toBe("update_refused");
    expect(screen.queryByTestId("update-install")).toBeNull();
    fireEvent.keyDown(screen.getByTestId("update-dialog"), { key: "Escape" });
    expect(screen.queryByTestId("update-dialog")).toBeNull();
  });
});
