// The studio's one undo history (history.ts) wired to its editors: every change is recorded,
// undo/redo put the state into every editor (each reports it back, which records nothing as
// it is the present) and the cursor where the step was made. Keys outside the editors (a
// toolbar button, the page) come here too; the code editors and the visual canvas send
// their own, and text inputs (name, sender fields, searches) keep their native undo.
import { useCallback, useEffect, useMemo, useRef, useState, type RefObject } from "react";
import type { ChangeInfo, CodeEditorHandle, ExternalUndo } from "./CodeEditor";
import type { TemplateEdit } from "./api";
import { DocHistory, undoKey, type ChangeKind, type DocField, type DocState, type Step } from "./history";
import type { VisualHandle } from "./VisualEditor";

/** The part of the template the editors change (what undo/redo steps through). */
export const docOf = (e: TemplateEdit): DocState => ({ html: e.html, subject: e.subject, emailBody: e.emailBody });

interface Options {
  initial: TemplateEdit;
  editors: RefObject<Partial<Record<DocField, CodeEditorHandle>>>;
  visual: RefObject<VisualHandle | null>;
  mode: "code" | "visual";
  /** The state undo/redo brought back, for the component's own fields. */
  onApplied: (state: DocState) => void;
}

export function useStudioHistory({ initial, editors, visual, mode, onApplied }: Options) {
  const [history] = useState(() => new DocHistory(docOf(initial)));
  const live = useRef({ mode, onApplied });
  useEffect(() => {
    live.current = { mode, onApplied };
  });

  const record = useCallback(
    (field: DocField, value: string, kind: ChangeKind, info?: ChangeInfo) => {
      history.record({ ...history.present, [field]: value }, { field, kind, at: performance.now(), before: info?.before, after: info?.after });
    },
    [history],
  );

  const apply = useCallback(
    (step: Step | null) => {
      if (!step) return;
      const { state } = step;
      const ed = editors.current;
      ed.html?.setValue(state.html);
      ed.subject?.setValue(state.subject);
      ed.emailBody?.setValue(state.emailBody);
      visual.current?.setHtml(state.html);
      live.current.onApplied(state);
      if (step.selection && (step.field !== "html" || live.current.mode === "code")) ed[step.field]?.select(step.selection);
    },
    [editors, visual],
  );
  const undo = useCallback(() => { apply(history.undo()); }, [apply, history]);
  const redo = useCallback(() => { apply(history.redo()); }, [apply, history]);
  const externalUndo: ExternalUndo = useMemo(() => ({ undo, redo }), [undo, redo]);

  const root = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const k = undoKey(e);
      const t = e.target;
      if (!k || e.defaultPrevented || isTextInput(t)) return;
      if (t !== document.body && !(t instanceof Node && root.current?.contains(t))) return;
      e.preventDefault();
      if (k === "undo") undo();
      else redo();
    };
    document.addEventListener("keydown", onKey);
    return () => {
      document.removeEventListener("keydown", onKey);
    };
  }, [undo, redo]);

  return { history, record, undo, redo, externalUndo, root };
}

function isTextInput(t: EventTarget | null): boolean {
  if (t instanceof HTMLTextAreaElement || t instanceof HTMLSelectElement) return true;
  return t instanceof HTMLInputElement && !["checkbox", "radio", "button", "submit", "reset"].includes(t.type);
}
