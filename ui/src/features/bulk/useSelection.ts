// The attendee table's multi-select: click toggles, shift-click selects the range from the last
// clicked row (over the rows loaded so far), "select all" takes ids computed in Rust.
import { useCallback, useRef, useState } from "react";

export interface Selection {
  selected: ReadonlySet<string>;
  /** `idAt(i)`: the id of row `i` of the filtered list, when loaded. */
  toggle: (id: string, index: number, shift: boolean, idAt: (i: number) => string | undefined) => void;
  setAll: (ids: string[]) => void;
  clear: () => void;
}

export function useSelection(): Selection {
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const anchor = useRef<number | null>(null);
  const toggle = useCallback(
    (id: string, index: number, shift: boolean, idAt: (i: number) => string | undefined) => {
      // Read the anchor now: the updater runs later, after it has moved to `index`.
      const from = anchor.current;
      setSelected((old) => {
        const next = new Set(old);
        if (shift && from !== null) {
          // The range takes the clicked row's new state.
          const on = !old.has(id);
          for (let i = Math.min(from, index); i <= Math.max(from, index); i++) {
            const rid = idAt(i);
            if (!rid) continue;
            if (on) next.add(rid);
            else next.delete(rid);
          }
        } else if (next.has(id)) {
          next.delete(id);
        } else {
          next.add(id);
        }
        return next;
      });
      anchor.current = index;
    },
    [],
  );
  const setAll = useCallback((ids: string[]) => {
    setSelected(new Set(ids));
  }, []);
  const clear = useCallback(() => {
    anchor.current = null;
    setSelected(new Set());
  }, []);
  return { selected, toggle, setAll, clear };
}
