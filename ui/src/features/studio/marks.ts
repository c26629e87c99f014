// The preview's performance marks, read by tests/bench/studio-bench.mjs right after each
// keystroke. User-timing marks stay in the page until cleared: a day of typing would keep
// three per keystroke, so those of older previews are cleared as new ones start.

/** Previews whose marks are kept (the bench needs only the latest). */
export const PREVIEW_MARKS_KEPT = 200;

const STAGES = ["start", "end", "frame"] as const;

/** The name of preview `n`'s mark for `stage` (the frame's is set by the preview pane). */
export const previewMark = (stage: (typeof STAGES)[number], n: number) => `preview-${stage}-${n}`;

/** Marks `stage` of preview `n`; a start clears the marks of the preview PREVIEW_MARKS_KEPT before. */
export function markPreview(stage: "start" | "end", n: number, detail: Record<string, unknown>) {
  performance.mark(previewMark(stage, n), { detail });
  if (stage === "start") for (const s of STAGES) performance.clearMarks(previewMark(s, n - PREVIEW_MARKS_KEPT));
}
