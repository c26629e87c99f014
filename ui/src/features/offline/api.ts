// Typed wrappers for the offline commands (src-tauri/app/feel.rs).
import { call } from "../../api";
import type { DemoOfflineRequest } from "../../bindings/DemoOfflineRequest";
import { offlineMonitor, type OfflineMonitor } from "./offline";

export const feelApi = {
  connectionProbe: () => call("connection_probe"),
  demoSetOffline: (req: DemoOfflineRequest) => call("demo_set_offline", req),
};

/** The app's offline monitor, probing with `connection_probe`. */
export function appOfflineMonitor(): OfflineMonitor {
  return offlineMonitor(feelApi.connectionProbe);
}
