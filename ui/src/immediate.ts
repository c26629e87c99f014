// React's scheduler yields between slices of work with setImmediate when there is one, else
// with a MessageChannel message. WebKitGTK routes every MessagePort message through its network
// process (a round trip of ~1 ms idle, more when that process is busy, as at start-up); a
// window message to ourselves stays in this process. Imported first by main.tsx: the
// scheduler reads setImmediate once, when it loads.

type Immediate = (fn: (...args: unknown[]) => void, ...args: unknown[]) => number;
interface Host {
  setImmediate?: unknown;
  clearImmediate?: unknown;
}

/** Gives `host` a setImmediate/clearImmediate on `win`'s own messages, unless it has one. */
export function installImmediate(host: Host, win: Pick<Window, "addEventListener" | "postMessage">): boolean {
  if (typeof host.setImmediate === "function") return false;
  // Only our own messages, in the order they were queued; anything else passes untouched.
  const token = `qflow-immediate-${Math.random().toString(36).slice(2)}`;
  const queue = new Map<number, () => void>();
  let next = 1;
  win.addEventListener("message", (e: MessageEvent) => {
    if (e.data !== token) return;
    e.stopImmediatePropagation();
    const first = queue.entries().next();
    if (first.done) return;
    const [id, run] = first.value;
    queue.delete(id);
    run();
  });
  const setImmediate: Immediate = (fn, ...args) => {
    const id = next++;
    queue.set(id, () => {
      fn(...args);
    });
    win.postMessage(token, "*");
    return id;
  };
  host.setImmediate = setImmediate;
  host.clearImmediate = (id: number) => {
    queue.delete(id);
  };
  return true;
}

installImmediate(globalThis as Host, window);
