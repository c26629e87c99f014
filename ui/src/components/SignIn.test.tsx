import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { CommandError, type AppInfo, type SignedIn } from "../api";
import { SignIn, fieldFor } from "./SignIn";

const info: AppInfo = { version: "0.1.0", demo: false, profile: "default", signedIn: null, saved: null };
const who: SignedIn = { profile: "default", username: "ops@example.com", apiBase: "https://api.example", demo: false };

function type(testId: string, value: string) {
  fireEvent.change(screen.getByTestId(testId), { target: { value } });
}

function valueOf(testId: string): string {
  return screen.getByTestId<HTMLInputElement>(testId).value;
}

describe("SignIn", () => {
  afterEach(cleanup);

  it("sends the form once and clears the secrets", async () => {
    const signIn = vi.fn().mockResolvedValue(who);
    const onSignedIn = vi.fn();
    render(<SignIn info={info} api={{ signIn, demoSignIn: vi.fn() }} onSignedIn={onSignedIn} />);
    type("signin-username", "ops@example.com");
    type("signin-password", "pw-1");
    type("signin-clientId", "cid");
    type("signin-clientSecret", "cs-1");
    type("signin-clientKey", "ck-1");
    fireEvent.submit(screen.getByTestId("signin-form"));
    await waitFor(() => {
      expect(onSignedIn).toHaveBeenCalledWith(who);
    });
    expect(signIn).toHaveBeenCalledTimes(1);
    expect(signIn.mock.calls[0]?.[0]).toMatchObject({
      profile: "default",
      username: "ops@example.com",
      clientId: "cid",
      password: "pw-1",
      clientSecret: "cs-1",
      clientKey: "ck-1",
    });
    for (const id of ["signin-password", "signin-clientSecret", "signin-clientKey"]) {
      expect(valueOf(id)).toBe("");
      expect(screen.getByTestId(id).getAttribute("type")).toBe("password");
    }
    expect(valueOf("signin-username")).toBe("ops@example.com");
  });

  it("shows Rust's message and marks the field for invalid_input", async () => {
    const signIn = vi.fn().mockRejectedValue(
      new CommandError("sign_in", {
        code: "invalid_input",
        message: "client-id: is required (supplied by Qflow support)",
        nextStep: "Correct client-id and try again. Nothing was sent.",
        field: "client-id",
        details: {},
      }),
    );
    render(<SignIn info={info} api={{ signIn, demoSignIn: vi.fn() }} onSignedIn={vi.fn()} />);
    type("signin-password", "secret");
    fireEvent.submit(screen.getByTestId("signin-form"));
    const alert = await screen.findByRole("alert");
    expect(alert.getAttribute("data-code")).toBe("invalid_input");
    expect(alert.textContent).toContain("client-id: is required");
    expect(alert.textContent).toContain("Nothing was sent.");
    expect(screen.getByTestId("signin-clientId").getAttribute("aria-invalid")).toBe("true");
    expect(valueOf("signin-password")).toBe("");
  });

  it("renders hostile text as text", async () => {
    const demoSignIn = vi.fn().mockRejectedValue({ code: "sign_in_failed", message: "<img src=x onerror=alert(1)>", nextStep: "" });
    const { container } = render(<SignIn info={info} api={{ signIn: vi.fn(), demoSignIn }} onSignedIn={vi.fn()} />);
    fireEvent.click(screen.getByTestId("try-demo"));
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("<img src=x onerror=alert(1)>");
    expect(container.querySelector("img[src=x]")).toBeNull();
  });

  it("prefills the saved profile and starts the demo", async () => {
    const demoSignIn = vi.fn().mockResolvedValue({ ...who, demo: true });
    const onSignedIn = vi.fn();
    const saved = { name: "work", apiBase: "https://a.example", identityUrl: "https://i.example/t", clientId: "c1", username: "u@x" };
    render(<SignIn info={{ ...info, saved }} api={{ signIn: vi.fn(), demoSignIn }} onSignedIn={onSignedIn} />);
    expect(valueOf("signin-profile")).toBe("work");
    expect(valueOf("signin-clientId")).toBe("c1");
    fireEvent.click(screen.getByTestId("try-demo"));
    await waitFor(() => {
      expect(onSignedIn).toHaveBeenCalledWith({ ...who, demo: true });
    });
  });

  it("maps Rust's field spellings to inputs", () => {
    expect(fieldFor("client-id")).toBe("clientId");
    expect(fieldFor("client secret")).toBe("clientSecret");
    expect(fieldFor("api-base")).toBe("apiBase");
    expect(fieldFor("identityUrl")).toBe("identityUrl");
    expect(fieldFor("environment")).toBeNull();
    expect(fieldFor(null)).toBeNull();
  });
});
