import type { PreviewResult } from "./api";
import type { PatchedText } from "./patch";

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

/** A preview reply as shown: the frame's document and the rendered-html mirror kept as
 * patched texts (a keystroke's reply patches them, nothing copies the whole ~0.8 MB). */
export type ShownPreview = Omit<PreviewResult, "document"> & {
  document: PatchedText;
  mirror: PatchedText;
  /** The PDF tab's document and html (courier mode, whole replies). */
  pdf: { document: PatchedText; mirror: PatchedText } | null;
};

/** The latest preview reply, for the preview pane to subscribe to. */
export class PreviewStore extends Latest<ShownPreview | null> {
  constructor() {
    super(null);
  }
}
