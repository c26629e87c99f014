// The preview's text patches: the one replaced range between what Rust holds and what the
// editor has (UTF-16 offsets, as Rust's `TextPatch`). On the keystroke path: the common ends
// of two ~100 KB strings are found with native string compares of shrinking chunks (about 50
// of them), not one character at a time (~1 ms per keystroke in WebKitGTK).
import type { TextPatch } from "../../bindings/TextPatch";

/** First chunk compared; halved down to one character. */
const CHUNK = 4096;

/** Length of the longest common prefix of `a` and `b` (at most `max`). */
export function commonPrefix(a: string, b: string, max = Math.min(a.length, b.length)): number {
  let n = 0;
  for (let step = CHUNK; step > 0; step >>= 1) {
    while (n + step <= max && a.slice(n, n + step) === b.slice(n, n + step)) n += step;
  }
  return n;
}

/** Length of the longest common suffix of `a` and `b` (at most `max`). */
export function commonSuffix(a: string, b: string, max = Math.min(a.length, b.length)): number {
  let n = 0;
  for (let step = CHUNK; step > 0; step >>= 1) {
    while (n + step <= max && a.slice(a.length - n - step, a.length - n) === b.slice(b.length - n - step, b.length - n)) n += step;
  }
  return n;
}

/** The one replaced range turning `a` into `b`, never inside a surrogate pair (Rust places
 * offsets on whole characters). */
export function textPatch(a: string, b: string): TextPatch {
  const max = Math.min(a.length, b.length);
  let pre = commonPrefix(a, b, max);
  if (pre > 0 && isHigh(a.charCodeAt(pre - 1))) pre--;
  let suf = commonSuffix(a, b, max - pre);
  if (suf > 0 && isLow(a.charCodeAt(a.length - suf))) suf--;
  return { from: pre, to: a.length - suf, insert: b.slice(pre, b.length - suf) };
}

const isHigh = (c: number) => c >= 0xd800 && c <= 0xdbff;
const isLow = (c: number) => c >= 0xdc00 && c <= 0xdfff;

export function applyPatch(s: string, p: TextPatch): string {
  return s.slice(0, p.from) + p.insert + s.slice(p.to);
}

/** `p1` then `p2` (in the text `p1` made) as one patch of `base`; only the edited span is
 * copied, never the whole text. */
export function composePatch(base: string, p1: TextPatch, p2: TextPatch): TextPatch {
  const n1 = p1.insert.length;
  const grown = n1 - (p1.to - p1.from);
  const from = Math.min(p1.from, p2.from);
  // The span's end in the text p1 made: after p1's insert, and after p2's range.
  const end = Math.max(p1.from + n1, p2.to);
  const to = end - grown;
  const mid = base.slice(from, p1.from) + p1.insert + base.slice(p1.to, to);
  return { from, to, insert: mid.slice(0, p2.from - from) + p2.insert + mid.slice(p2.to - from) };
}

/** Edits kept composed beyond this many characters are applied (one copy of the text). */
const MAX_COMPOSED = 64 * 1024;

/** A large text (the ~0.8 MB preview document and its mirror) and the edits since it was last
 * read, composed into one patch: a keystroke costs the size of the edit, and the whole text is
 * built only when something reads it (a reload, the check once typing pauses). */
export class PatchedText {
  /** The text this one was made from by one `with`, and that patch (one step back only). */
  private prev: PatchedText | null = null;
  private step: TextPatch | null = null;

  /** The text is `base` with `edit` applied; once read, `base` is the whole text (no edit). */
  private constructor(
    private base: string,
    private edit: TextPatch | null,
  ) {}

  static of(text: string): PatchedText {
    return new PatchedText(text, null);
  }

  get value(): string {
    if (this.edit) {
      this.base = applyPatch(this.base, this.edit);
      this.edit = null;
    }
    return this.base;
  }

  with(p: TextPatch): PatchedText {
    let next: PatchedText;
    if (!this.edit) next = new PatchedText(this.base, p);
    else {
      const c = composePatch(this.base, this.edit, p);
      next = c.insert.length > MAX_COMPOSED ? PatchedText.of(applyPatch(this.base, c)) : new PatchedText(this.base, c);
    }
    // Only one step back is kept (no chain through every keystroke's text).
    this.prev = null;
    this.step = null;
    next.prev = this;
    next.step = p;
    return next;
  }

  /** The patch that turned `from` into this text, if this was made from it by one `with`. */
  stepFrom(from: PatchedText | null): TextPatch | null {
    return from !== null && this.prev === from ? this.step : null;
  }
}
