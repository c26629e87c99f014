// One undo history for the whole studio document, whichever editor made the change.
//
// The model: the studio owns undo. The code editors run without CodeMirror's history() and
// send Ctrl+Z / Ctrl+Shift+Z here, GrapesJS's UndoManager keys are replaced by the same
// calls, and the toolbar buttons call it too. Two histories (CodeMirror's per field and
// GrapesJS's) could not be kept in step across a mode switch (each sees the other's work as
// one foreign replace), so there is one. It stays as fine-grained as CodeMirror's in code mode:
// a burst is grouped the way CodeMirror groups it (same field, same kind of edit, less than
// GROUP_MS apart, continuing at the cursor), and each step brings back the selection the edit
// started or ended with.
// States are whole documents: strings are shared between neighbouring states, and the depth
// and total size are capped (oldest dropped first).

export interface DocState {
  html: string;
  subject: string;
  emailBody: string;
}
export type DocField = keyof DocState;

export interface Selection {
  anchor: number;
  head: number;
}

/** What made a change: typing and deleting group into bursts; anything else stands alone. */
export type ChangeKind = "type" | "delete" | "visual" | "other";

export interface Change {
  field: DocField;
  kind: ChangeKind;
  /** ms timestamp (performance.now() or Date.now(), as long as it is the same clock). */
  at: number;
  /** The selection before and after the edit, when a code editor made it. */
  before?: Selection;
  after?: Selection;
}

/** What undo/redo hands back: the state to show and where to put the cursor. */
export interface Step {
  state: DocState;
  field: DocField;
  selection?: Selection;
}

interface Entry {
  before: DocState;
  after: DocState;
  field: DocField;
  kind: ChangeKind;
  lastAt: number;
  selBefore?: Selection;
  selAfter?: Selection;
}

export const GROUP_MS = 500;
export const MAX_DEPTH = 200;
/** About 16 MB of UTF-16: a 100 KB template keeps ~80 steps, a small one MAX_DEPTH. */
export const MAX_CHARS = 8_000_000;

const size = (s: DocState) => s.html.length + s.subject.length + s.emailBody.length;
export const sameState = (a: DocState, b: DocState) => a.html === b.html && a.subject === b.subject && a.emailBody === b.emailBody;

export interface Limits {
  depth: number;
  chars: number;
  groupMs: number;
}

export class DocHistory {
  private current: DocState;
  private readonly limits: Limits;
  private done: Entry[] = [];
  private undone: Entry[] = [];
  private sealed = true;
  private chars = 0;
  private listeners = new Set<() => void>();
  private snapshot = "00";

  constructor(initial: DocState, limits: Partial<Limits> = {}) {
    this.current = initial;
    this.limits = { depth: MAX_DEPTH, chars: MAX_CHARS, groupMs: GROUP_MS, ...limits };
  }

  get present(): DocState {
    return this.current;
  }

  /** Records `next` as the new present; false when it is the present already (no entry). */
  record(next: DocState, c: Change): boolean {
    if (sameState(next, this.current)) return false;
    const top = this.done[this.done.length - 1];
    const joins =
      !this.sealed &&
      top !== undefined &&
      top.field === c.field &&
      top.kind === c.kind &&
      c.kind !== "other" &&
      c.at - top.lastAt < this.limits.groupMs &&
      // Typing elsewhere (the cursor moved since the last edit) starts a new step.
      (c.before === undefined || top.selAfter === undefined || c.before.head === top.selAfter.head);
    if (joins) {
      this.chars += size(next) - size(top.after);
      top.after = next;
      top.lastAt = c.at;
      top.selAfter = c.after;
    } else {
      this.done.push({ before: this.current, after: next, field: c.field, kind: c.kind, lastAt: c.at, selBefore: c.before, selAfter: c.after });
      this.chars += size(next);
    }
    this.sealed = c.kind === "other";
    this.current = next;
    this.undone = [];
    this.trim();
    this.notify();
    return true;
  }

  /** The next change starts a new step (a mode switch, a save, focus moving elsewhere). */
  seal(): void {
    this.sealed = true;
  }

  /** Replaces the present without a step (a state the user did not make, e.g. after a save). */
  reset(state: DocState): void {
    this.current = state;
    this.sealed = true;
  }

  undo(): Step | null {
    const e = this.done.pop();
    if (!e) return null;
    this.undone.push(e);
    this.current = e.before;
    this.chars -= size(e.after);
    this.sealed = true;
    this.notify();
    return { state: e.before, field: e.field, selection: e.selBefore };
  }

  redo(): Step | null {
    const e = this.undone.pop();
    if (!e) return null;
    this.done.push(e);
    this.current = e.after;
    this.chars += size(e.after);
    this.sealed = true;
    this.notify();
    return { state: e.after, field: e.field, selection: e.selAfter };
  }

  get canUndo(): boolean {
    return this.done.length > 0;
  }
  get canRedo(): boolean {
    return this.undone.length > 0;
  }
  get depth(): number {
    return this.done.length;
  }

  /** For useSyncExternalStore: changes only when canUndo/canRedo flip. */
  getSnapshot = (): string => this.snapshot;
  subscribe = (l: () => void): (() => void) => {
    this.listeners.add(l);
    return () => {
      this.listeners.delete(l);
    };
  };

  private trim(): void {
    while (this.done.length > 1 && (this.done.length > this.limits.depth || this.chars > this.limits.chars)) {
      const gone = this.done.shift();
      if (gone) this.chars -= size(gone.after);
    }
  }

  private notify(): void {
    const next = `${this.canUndo ? 1 : 0}${this.canRedo ? 1 : 0}`;
    if (next === this.snapshot) return;
    this.snapshot = next;
    for (const l of this.listeners) l();
  }
}

/** Ctrl/Cmd+Z → undo; Ctrl/Cmd+Shift+Z or Ctrl/Cmd+Y → redo; anything else null. */
export function undoKey(e: Pick<KeyboardEvent, "key" | "ctrlKey" | "metaKey" | "shiftKey" | "altKey">): "undo" | "redo" | null {
  if (!(e.ctrlKey || e.metaKey) || e.altKey) return null;
  const k = e.key.toLowerCase();
  if (k === "z") return e.shiftKey ? "redo" : "undo";
  if (k === "y" && !e.shiftKey) return "redo";
  return null;
}
