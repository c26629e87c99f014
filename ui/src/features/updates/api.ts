// "Check for updates": Rust downloads and verifies the package before anything is asked
// (src-tauri/app/updates.rs); installing restarts the app.
import { call } from "../../api";
import type { UpdateCheck } from "../../bindings/UpdateCheck";

export type { UpdateCheck };

export const updatesApi = {
  check: () => call("update_check"),
  install: () => call("update_install"),
};

export type UpdatesApi = typeof updatesApi;
