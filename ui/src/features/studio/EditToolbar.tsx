// The editing toolbar beside the mode switch: Undo/Redo on the studio's one history, and
// the full-width switch of visual mode. Subscribed to the history on their own, so typing
// re-renders them only when undo/redo becomes (un)available.
import { useCallback, useState, useSyncExternalStore } from "react";
import type { DocHistory } from "./history";

export function UndoRedo({ history, onUndo, onRedo }: { history: DocHistory; onUndo: () => void; onRedo: () => void }) {
  useSyncExternalStore(history.subscribe, history.getSnapshot);
  return (
    <div className="seg" role="group" aria-label="History">
      <button type="button" className="seg-btn" data-testid="studio-undo" aria-label="Undo" title="Undo (Ctrl+Z)" disabled={!history.canUndo} onClick={onUndo}>
        ↶ Undo
      </button>
      <button type="button" className="seg-btn" data-testid="studio-redo" aria-label="Redo" title="Redo (Ctrl+Shift+Z)" disabled={!history.canRedo} onClick={onRedo}>
        ↷ Redo
      </button>
    </div>
  );
}

const WIDE_KEY = "qflow.studio.visualFullWidth";

/** Full-width visual mode, remembered for this session (sessionStorage). */
export function useFullWidth(): [boolean, () => void] {
  const [wide, setWide] = useState(() => sessionStorage.getItem(WIDE_KEY) === "1");
  const toggle = useCallback(() => {
    setWide((w) => {
      sessionStorage.setItem(WIDE_KEY, w ? "0" : "1");
      return !w;
    });
  }, []);
  return [wide, toggle];
}

export function FullWidthToggle({ wide, onToggle }: { wide: boolean; onToggle: () => void }) {
  return (
    <button
      type="button"
      className="btn btn-secondary btn-small"
      data-testid="visual-full-width"
      data-wide={wide ? "1" : "0"}
      title={wide ? "Show the preview beside the editor" : "Give the visual editor the whole width (hides the preview)"}
      onClick={onToggle}
    >
      {wide ? "Show preview" : "Full width"}
    </button>
  );
}
