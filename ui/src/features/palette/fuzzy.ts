// Palette matching: accent- and case-insensitive, so "lodz" finds "Łódź" and "zoe" finds "Zoë".

const EXTRA: Record<string, string> = { ł: "l", ø: "o", đ: "d", ß: "ss", æ: "ae", œ: "oe", ı: "i" };

/** Lower case without diacritics (NFD, marks dropped; a few letters NFD keeps whole). */
export function fold(s: string): string {
  return s
    .toLowerCase()
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .replace(/[łøđßæœı]/g, (c) => EXTRA[c] ?? c);
}

/** How well `query` matches `text`: 3 = a word starts with it, 2 = contains it, 1 = its letters
 * appear in order (e.g. "gtw" → "Go to Webhooks"), 0 = no match. An empty query matches all (1). */
export function score(query: string, text: string): number {
  const q = fold(query).trim();
  if (!q) return 1;
  const t = fold(text);
  const at = t.indexOf(q);
  if (at >= 0) {
    for (let i = at; i >= 0; i = t.indexOf(q, i + 1)) {
      if (i === 0 || !/[\p{L}\p{N}]/u.test(t[i - 1] ?? "")) return 3;
    }
    return 2;
  }
  let i = 0;
  for (const c of t) {
    if (c === q[i]) i++;
    if (i === q.length) return 1;
  }
  return 0;
}

export interface Scored<T> {
  item: T;
  score: number;
}

/** Items that match, best first; ties keep their order. */
export function rank<T>(query: string, items: T[], text: (t: T) => string): Scored<T>[] {
  return items
    .map((item, i) => ({ item, score: score(query, text(item)), i }))
    .filter((s) => s.score > 0)
    .sort((a, b) => b.score - a.score || a.i - b.i)
    .map(({ item, score: s }) => ({ item, score: s }));
}
