import { useEffect, useState } from "react";
import { scanApi as realApi, type ScanApi, type ScanQueue } from "./api";

/** `14 waiting to sync` in the top bar, on every screen, while scans wait for Qflow (after a
 * restart too: asking starts the queue's sender). Local, no request. */
export function WaitingBadge({ api = realApi }: { api?: ScanApi }) {
  const [q, setQ] = useState<ScanQueue | null>(null);
  useEffect(() => {
    let live = true;
    const read = () => {
      api
        .queue()
        .then((v) => {
          if (live) setQ(v);
        })
        .catch(() => {});
    };
    read();
    const timer = setInterval(read, 3000);
    const unlisten = api.onUpdate(read);
    return () => {
      live = false;
      clearInterval(timer);
      void unlisten.then((f) => {
        f();
      });
    };
  }, [api]);
  if (!q || q.waiting === 0) return null;
  return (
    <span
      className={`badge ${q.offline ? "badge-demo" : ""}`}
      data-testid="scan-waiting-badge"
      title={q.offline ? "No network: these check-ins are kept and sent in scan order when it is back" : "Check-ins being sent to Qflow"}
    >
      {q.waitingLabel}
    </span>
  );
}
