import { describe, expect, it } from "vitest";
import { markPreview, PREVIEW_MARKS_KEPT, previewMark } from "./marks";

const previewMarks = () => performance.getEntriesByType("mark").filter((m) => m.name.startsWith("preview-"));

describe("preview marks", () => {
  it("keeps those of the latest previews only, with their detail", () => {
    const previews = PREVIEW_MARKS_KEPT * 3;
    for (let n = 1; n <= previews; n++) {
      markPreview("start", n, { debounceMs: 0 });
      performance.mark(previewMark("frame", n));
      markPreview("end", n, { mergeMicros: n });
    }
    // Three per preview for the last PREVIEW_MARKS_KEPT, not for all of them.
    expect(previewMarks()).toHaveLength(3 * PREVIEW_MARKS_KEPT);
    expect(performance.getEntriesByName(previewMark("start", previews - PREVIEW_MARKS_KEPT))).toHaveLength(0);
    const last = performance.getEntriesByName(previewMark("end", previews))[0] as PerformanceMark;
    expect(last.detail).toEqual({ mergeMicros: previews });
    expect(performance.getEntriesByName(previewMark("frame", previews - PREVIEW_MARKS_KEPT + 1))).toHaveLength(1);
  });
});
