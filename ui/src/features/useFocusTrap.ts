// Tab and Shift+Tab stay inside an open dialog (the WAI-ARIA modal dialog pattern): from its last
// stop Tab goes to its first, and back. Only the topmost open dialog traps (a confirmation over a
// dialog). Where focus goes on open and what Escape does stay each dialog's own.
import { useLayoutEffect, type RefObject } from "react";

const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]):not([type="hidden"]), select:not([disabled]), textarea:not([disabled]), iframe, [contenteditable="true"], [tabindex]:not([tabindex="-1"])';

/** The dialog's Tab stops, in document order. */
export function tabStops(root: HTMLElement): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>(FOCUSABLE)].filter(
    (el) => el.tabIndex >= 0 && !el.closest("[hidden], [inert]") && visible(el),
  );
}

/** Rendered and not `visibility: hidden` (WebKit has checkVisibility; jsdom, for the tests, none). */
function visible(el: HTMLElement): boolean {
  const check = (el as { checkVisibility?: (o?: { visibilityProperty?: boolean }) => boolean }).checkVisibility;
  return check ? check.call(el, { visibilityProperty: true }) : true;
}

/** Tab or Shift+Tab. WebKitGTK reports Shift+Tab (GTK's ISO_Left_Tab) with key "Unidentified":
 * only `code` says Tab. */
function isTabKey(e: { key: string; code: string }): boolean {
  return e.key === "Tab" || e.code === "Tab";
}

const open: HTMLElement[] = [];

/** The last opened dialog that holds no other open one (a dialog inside a dialog opens with it:
 * its effects run first). */
function topmost(): HTMLElement | undefined {
  return open.findLast((r) => !open.some((o) => o !== r && r.contains(o)));
}

function onKey(e: KeyboardEvent) {
  const root = topmost();
  if (!isTabKey(e) || !root || e.defaultPrevented) return;
  const stops = tabStops(root);
  const here = document.activeElement;
  const [first, last] = [stops.at(0), stops.at(-1)];
  if (!first || !last) {
    e.preventDefault();
    return;
  }
  const inside = here instanceof Node && root.contains(here);
  if (!inside || (e.shiftKey ? here === first : here === last)) {
    e.preventDefault();
    (e.shiftKey ? last : first).focus();
  }
}

/** Trap Tab inside `ref`'s element while it is mounted (and `active`: for a dialog its component
 * renders only at times). */
export function useFocusTrap(ref: RefObject<HTMLElement | null>, active = true) {
  useLayoutEffect(() => {
    const root = ref.current;
    if (!root || !active) return;
    if (open.length === 0) document.addEventListener("keydown", onKey);
    open.push(root);
    return () => {
      open.splice(open.lastIndexOf(root), 1);
      if (open.length === 0) document.removeEventListener("keydown", onKey);
    };
  }, [ref, active]);
}
