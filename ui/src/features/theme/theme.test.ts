import { afterEach, describe, expect, it } from "vitest";
import { applyTheme, effectiveTheme, loadTheme, setTheme, THEME_KEY } from "./theme";

/** `--name: value` pairs of the first block after `selector`. */
function vars(css: string, selector: string): Record<string, string> {
  const at = css.indexOf(selector);
  expect(at, `${selector} not found`).toBeGreaterThanOrEqual(0);
  const open = css.indexOf("{", at + selector.length - 1);
  const body = css.slice(open + 1, css.indexOf("}", open));
  const out: Record<string, string> = {};
  for (const m of body.matchAll(/(--[\w-]+):\s*([^;]+);/g)) out[m[1] ?? ""] = (m[2] ?? "").trim();
  return out;
}

const COLORS = (v: Record<string, string>) =>
  Object.fromEntries(Object.entries(v).filter(([k]) => !["--font", "--mono", "--s1", "--s2", "--s3", "--s4", "--radius"].includes(k)));

describe("theme", () => {
  afterEach(() => {
    localStorage.clear();
    delete document.documentElement.dataset.theme;
  });

  it("pinned themes carry exactly the colours of styles.css (light = :root, dark = the media block)", async () => {
    // Vitest does not load CSS (even ?raw), so read the files; no @types/node here.
    const fsName = "node:fs";
    const fs = (await import(/* @vite-ignore */ fsName)) as { readFileSync: (p: string, enc: string) => string };
    const base = fs.readFileSync("src/styles.css", "utf8");
    const pinned = fs.readFileSync("src/features/theme/theme.css", "utf8");
    const darkBlock = base.slice(base.indexOf("@media (prefers-color-scheme: dark)"));
    expect(vars(pinned, ':root[data-theme="light"]')).toEqual(COLORS(vars(base, ":root")));
    expect(vars(pinned, ':root[data-theme="dark"]')).toEqual(vars(darkBlock, ":root"));
  });

  it("defaults to the system, persists a pinned choice and forgets it again", () => {
    expect(loadTheme()).toBe("system");
    setTheme("dark");
    expect(localStorage.getItem(THEME_KEY)).toBe("dark");
    expect(document.documentElement.dataset.theme).toBe("dark");
    expect(effectiveTheme()).toBe("dark");
    setTheme("system");
    expect(localStorage.getItem(THEME_KEY)).toBeNull();
    expect(document.documentElement.dataset.theme).toBeUndefined();
  });

  it("ignores junk in storage", () => {
    localStorage.setItem(THEME_KEY, "<script>");
    expect(loadTheme()).toBe("system");
    applyTheme(loadTheme());
    expect(document.documentElement.dataset.theme).toBeUndefined();
  });
});
