import type { PreviewResult } from "./api";

/** The latest value, for listeners that must not re-render on each change. */
export class Latest<T> {
  private listeners = new Set<() => void>();
  constructor(private value: T) {}
  get = (): T => this.value;
  set(v: T): void {
    if (v === this.value) return;
    this.value = v;
    for (const l of this.listeners) l();
  }
  subscribe = (l: () => void): (() => void) => {
    this.listeners.add(l);
    return () => {
      this.listeners.delete(l);
    };
  };
}

/** The latest preview reply, for the preview pane to subscribe to. */
export class PreviewStore extends Latest<PreviewResult | null> {
  constructor() {
    super(null);
  }
}
