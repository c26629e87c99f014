// What door mode, scan mode and Arrivals share as full-screen modes over the desk.
import { useEffect, type RefObject } from "react";

interface Options {
  /** A class on <body> while open: the app behind is hidden, not just covered (WebKitGTK paints
   * overlay scrollbars on top). */
  bodyClass?: string;
}

/** Focus `first` on open; Escape closes, caught first and stopped (the attendee panel under the
 * mode closes on Esc too); focus goes back where it was on close. */
export function useFullScreenMode(onClose: () => void, first: RefObject<HTMLElement | null>, { bodyClass }: Options = {}) {
  useEffect(() => {
    const back = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (bodyClass) document.body.classList.add(bodyClass);
    first.current?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape") {
        e.preventDefault();
        e.stopImmediatePropagation();
        onClose();
      }
    };
    window.addEventListener("keydown", onKey, true);
    return () => {
      window.removeEventListener("keydown", onKey, true);
      if (bodyClass) document.body.classList.remove(bodyClass);
      back?.focus();
    };
  }, [onClose, first, bodyClass]);
}
