// A small line diff (LCS) for comparing a saved version with the editor. Templates are a few
// hundred lines at most; beyond MAX_CELLS it falls back to "all removed, all added".
export interface DiffLine {
  op: "+" | "-" | " ";
  text: string;
}

const MAX_CELLS = 4_000_000;

export function lineDiff(before: string, after: string): DiffLine[] {
  const a = before.split("\n");
  const b = after.split("\n");
  if (a.length * b.length > MAX_CELLS) {
    return [...a.map((text) => ({ op: "-" as const, text })), ...b.map((text) => ({ op: "+" as const, text }))];
  }
  // lcs[i][j] = LCS length of a[i..] and b[j..].
  const w = b.length + 1;
  const lcs = new Uint32Array((a.length + 1) * w);
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i * w + j] = a[i] === b[j] ? (lcs[(i + 1) * w + j + 1] ?? 0) + 1 : Math.max(lcs[(i + 1) * w + j] ?? 0, lcs[i * w + j + 1] ?? 0);
    }
  }
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      out.push({ op: " ", text: a[i] ?? "" });
      i++;
      j++;
    } else if ((lcs[(i + 1) * w + j] ?? 0) >= (lcs[i * w + j + 1] ?? 0)) {
      out.push({ op: "-", text: a[i] ?? "" });
      i++;
    } else {
      out.push({ op: "+", text: b[j] ?? "" });
      j++;
    }
  }
  for (; i < a.length; i++) out.push({ op: "-", text: a[i] ?? "" });
  for (; j < b.length; j++) out.push({ op: "+", text: b[j] ?? "" });
  return out;
}
