// Typed wrappers for the saved-profile commands (src-tauri/app/profiles.rs).
import { call, type SignedIn } from "../../api";
import type { ProfileEntry } from "../../bindings/ProfileEntry";

export type { ProfileEntry };

export const profilesApi = {
  list: () => call<ProfileEntry[]>("profiles_list"),
  /** Sign in with the profile's keychain secrets (nothing typed). */
  signIn: (name: string) => call<SignedIn>("profile_sign_in", { req: { name } }),
  /** Remove the profile's secrets from the keychain and its settings from this computer. */
  forget: (name: string) => call<null>("profile_forget", { req: { name } }),
};

export type ProfilesApi = typeof profilesApi;

/** "api-uksouth-01.qflowhub.io" from the API base, for telling Production from Staging. */
export function hostOf(apiBase: string): string {
  try {
    return new URL(apiBase).host;
  } catch {
    return apiBase;
  }
}
