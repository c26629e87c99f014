import type { PreviewResult } from "./api";

/** The latest preview reply, for the preview pane to subscribe to. */
export class PreviewStore {
  private value: PreviewResult | null = null;
  private listeners = new Set<() => void>();
  get = (): PreviewResult | null => this.value;
  set(v: PreviewResult): void {
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
