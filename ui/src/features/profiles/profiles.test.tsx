import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { SignedIn } from "../../api";
import type { ProfileEntry } from "./api";
import { ProfileSwitcher } from "./ProfileSwitcher";
import { SavedProfiles } from "./SavedProfiles";

const entry = (name: string, over: Partial<ProfileEntry> = {}): ProfileEntry => ({
  name,
  username: `${name.toLowerCase()}@example.com`,
  clientId: `cid-${name}`,
  apiBase: `https://${name.toLowerCase()}.example`,
  identityUrl: `https://id.${name.toLowerCase()}.example/token`,
  hasSecrets: true,
  current: false,
  lastUsed: false,
  ...over,
});

const who = (profile: string, demo = false): SignedIn => ({ profile, username: `${profile.toLowerCase()}@example.com`, apiBase: "https://x.example", demo });

function mockApi(list: ProfileEntry[]) {
  return {
    list: vi.fn().mockResolvedValue(list),
    signIn: vi.fn((name: string) => Promise.resolve(who(name))),
    forget: vi.fn().mockResolvedValue(null),
  };
}

describe("SavedProfiles", () => {
  afterEach(cleanup);

  it("signs in with a saved profile in one click, without typing", async () => {
    const api = mockApi([entry("Production"), entry("Staging")]);
    const onSignedIn = vi.fn();
    render(<SavedProfiles api={api} onSignedIn={onSignedIn} onPrefill={vi.fn()} />);
    const rows = await screen.findAllByTestId("saved-profile");
    expect(rows.map((r) => r.getAttribute("data-profile"))).toEqual(["Production", "Staging"]);
    expect(rows[1]?.textContent).toContain("staging@example.com · staging.example");
    fireEvent.click(screen.getAllByTestId("profile-sign-in")[1] as HTMLElement);
    await waitFor(() => {
      expect(onSignedIn).toHaveBeenCalledWith(who("Staging"));
    });
    expect(api.signIn).toHaveBeenCalledWith("Staging");
  });

  it("offers the form for a profile whose secrets are gone, and after a refused sign-in", async () => {
    const api = mockApi([entry("Production", { hasSecrets: false }), entry("Staging")]);
    api.signIn.mockRejectedValueOnce({ code: "sign_in_failed", message: "The password was refused.", nextStep: "Type it again." });
    const onPrefill = vi.fn();
    render(<SavedProfiles api={api} onSignedIn={vi.fn()} onPrefill={onPrefill} />);
    fireEvent.click(await screen.findByTestId("profile-prefill"));
    expect(onPrefill).toHaveBeenLastCalledWith(entry("Production", { hasSecrets: false }));
    fireEvent.click(screen.getByTestId("profile-sign-in"));
    expect((await screen.findByRole("alert")).getAttribute("data-code")).toBe("sign_in_failed");
    expect(onPrefill).toHaveBeenLastCalledWith(entry("Staging"));
  });

  it("forgets a profile only after a confirmation naming it", async () => {
    const api = mockApi([entry("Staging")]);
    render(<SavedProfiles api={api} onSignedIn={vi.fn()} onPrefill={vi.fn()} />);
    fireEvent.click(await screen.findByTestId("profile-forget"));
    expect(api.forget).not.toHaveBeenCalled();
    const yes = screen.getByTestId("profile-forget-yes");
    expect(yes.textContent).toBe("Forget Staging");
    api.list.mockResolvedValue([]);
    fireEvent.click(yes);
    await waitFor(() => {
      expect(screen.queryByTestId("saved-profiles")).toBeNull();
    });
    expect(api.forget).toHaveBeenCalledWith("Staging");
  });

  it("shows nothing when no profile is saved", async () => {
    const api = mockApi([]);
    const { container } = render(<SavedProfiles api={api} onSignedIn={vi.fn()} onPrefill={vi.fn()} />);
    await waitFor(() => {
      expect(api.list).toHaveBeenCalled();
    });
    expect(container.textContent).toBe("");
  });
});

describe("ProfileSwitcher", () => {
  afterEach(cleanup);

  it("switches to another saved profile; one without secrets cannot be picked", async () => {
    const api = mockApi([entry("Production", { current: true }), entry("Staging"), entry("Old", { hasSecrets: false })]);
    const onSwitched = vi.fn();
    render(<ProfileSwitcher who={who("Production")} api={api} onSwitched={onSwitched} />);
    fireEvent.click(screen.getByTestId("profile-switch"));
    const items = await screen.findAllByTestId("profile-menu-item");
    expect(items.map((i) => i.getAttribute("data-profile"))).toEqual(["Staging", "Old"]);
    expect((items[1] as HTMLButtonElement).disabled).toBe(true);
    expect(items[1]?.textContent).toContain("needs sign-in");
    fireEvent.click(items[0] as HTMLElement);
    await waitFor(() => {
      expect(onSwitched).toHaveBeenCalledWith(who("Staging"));
    });
    expect(screen.queryByTestId("profile-menu")).toBeNull();
  });

  it("has the list before the menu opens, so no item moves under the pointer", async () => {
    const api = mockApi([entry("Production", { current: true }), entry("Staging")]);
    render(<ProfileSwitcher who={who("Production")} api={api} onSwitched={vi.fn()} onAddProfile={vi.fn()} />);
    await waitFor(() => {
      expect(api.list).toHaveBeenCalledTimes(1);
    });
    await Promise.resolve();
    // The refresh on open never resolves: what shows is what was loaded at mount.
    api.list.mockReturnValue(new Promise<ProfileEntry[]>(() => undefined));
    fireEvent.click(screen.getByTestId("profile-switch"));
    const menu = screen.getByTestId("profile-menu");
    expect(screen.queryByText(/Loading profiles/)).toBeNull();
    expect([...menu.querySelectorAll("button")].map((b) => b.dataset.testid)).toEqual(["profile-menu-item", "profile-add", "profile-forget-current"]);
  });

  it("signs out and forgets the current profile", async () => {
    const api = mockApi([entry("Production", { current: true })]);
    const onSwitched = vi.fn();
    render(<ProfileSwitcher who={who("Production")} api={api} onSwitched={onSwitched} />);
    fireEvent.click(screen.getByTestId("profile-switch"));
    expect(await screen.findByText(/No other saved profile/)).toBeTruthy();
    expect(screen.queryByTestId("profile-add")).toBeNull();
    fireEvent.click(screen.getByTestId("profile-forget-current"));
    await waitFor(() => {
      expect(onSwitched).toHaveBeenCalledWith(null);
    });
    expect(api.forget).toHaveBeenCalledWith("Production");
  });

  it("opens the form for another account without forgetting this one", async () => {
    const api = mockApi([entry("Production")]);
    const onAddProfile = vi.fn();
    render(<ProfileSwitcher who={who("Production")} api={api} onSwitched={vi.fn()} onAddProfile={onAddProfile} />);
    fireEvent.click(screen.getByTestId("profile-switch"));
    fireEvent.click(await screen.findByTestId("profile-add"));
    expect(onAddProfile).toHaveBeenCalledTimes(1);
    expect(api.forget).not.toHaveBeenCalled();
    expect(screen.queryByTestId("profile-menu")).toBeNull();
  });

  it("in the demo lists every saved profile and offers no forget", async () => {
    const api = mockApi([entry("Production")]);
    render(<ProfileSwitcher who={who("demo", true)} api={api} onSwitched={vi.fn()} />);
    fireEvent.click(screen.getByTestId("profile-switch"));
    expect(await screen.findAllByTestId("profile-menu-item")).toHaveLength(1);
    expect(screen.queryByTestId("profile-forget-current")).toBeNull();
  });
});
