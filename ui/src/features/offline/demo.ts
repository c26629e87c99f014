// The demo's offline switch, as palette actions (the demo only: Rust refuses it otherwise).
import type { PaletteItem } from "../palette/Palette";
import { feelApi } from "./api";
import type { OfflineMonitor } from "./offline";

export function demoOfflineActions(monitor: OfflineMonitor, api = feelApi): PaletteItem[] {
  return [
    {
      id: "demo-offline",
      label: "Demo: simulate offline",
      keywords: "network disconnect",
      group: "Actions",
      run: () => {
        // The probe fails like any request would, and that failure raises the banner.
        void api
          .demoSetOffline({ offline: true })
          .then(() => api.connectionProbe())
          .catch(() => {});
      },
    },
    {
      id: "demo-online",
      label: "Demo: back online",
      keywords: "network reconnect",
      group: "Actions",
      run: () => {
        void api
          .demoSetOffline({ offline: false })
          .then(() => monitor.probeNow())
          .catch(() => {});
      },
    },
  ];
}
