// The saved-profile commands (declared in src-tauri/app/commands.rs; core's ops::account).
import { call } from "../../api";
import type { ProfileEntry } from "../../bindings/ProfileEntry";

export type { ProfileEntry };

export const profilesApi = {
  list: () => call("profiles_list"),
  /** Sign in with the profile's keychain secrets (nothing typed). */
  signIn: (name: string) => call("profile_sign_in", { name }),
  /** Remove the profile's secrets from the keychain and its settings from this computer. */
  forget: (name: string) => call("profile_forget", { name }),
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
