// Light and dark follow the OS (prefers-color-scheme in styles.css); the palette can pin one.
// The choice lives in localStorage (just "light" or "dark"; nothing else is stored).
import { useSyncExternalStore } from "react";

export type ThemeChoice = "system" | "light" | "dark";

export const THEME_KEY = "qflow.theme";

const listeners = new Set<() => void>();

export function loadTheme(): ThemeChoice {
  try {
    const v = localStorage.getItem(THEME_KEY);
    return v === "light" || v === "dark" ? v : "system";
  } catch {
    return "system";
  }
}

/** Pin (or unpin, with "system") the theme: `data-theme` on <html> overrides the media query. */
export function applyTheme(choice: ThemeChoice, root: HTMLElement = document.documentElement) {
  if (choice === "system") delete root.dataset.theme;
  else root.dataset.theme = choice;
}

export function setTheme(choice: ThemeChoice) {
  try {
    if (choice === "system") localStorage.removeItem(THEME_KEY);
    else localStorage.setItem(THEME_KEY, choice);
  } catch {
    // Storage unavailable: the choice still applies until the app closes.
  }
  applyTheme(choice);
  for (const l of listeners) l();
}

/** The theme in effect now (resolving "system" through the media query). */
export function effectiveTheme(choice: ThemeChoice = loadTheme()): "light" | "dark" {
  if (choice !== "system") return choice;
  return typeof window.matchMedia === "function" && window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
}

function subscribe(fn: () => void) {
  listeners.add(fn);
  return () => {
    listeners.delete(fn);
  };
}

export function useThemeChoice(): ThemeChoice {
  return useSyncExternalStore(subscribe, loadTheme, loadTheme);
}
