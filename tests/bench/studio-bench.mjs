// Template studio benchmark (figures, not a test): keystroke → preview updated on a ~100 KB
// template, for two kinds of edit typed one character at a time, each waiting for its preview:
//   text    BENCH_CHARS (200) characters of prose into a paragraph
//   markup  BENCH_MARKUP_CHARS (120) characters of tags and attributes (`<b>`, `<a href=…>`,
//           `style="…"`): most keystrokes change the document's structure, not one text node
// Timings come from performance marks, a MutationObserver and the frame's load event in the
// webview:
//   key    keydown (capture listener)           start  `preview-start-N` (request sent)
//   end    `preview-end-N` (reply, mergeMicros)  frame  the frame shows it: `preview-frame-N`
//          (set in place, or its reloaded document loaded), or for builds without that mark
//          the frame's load event (they reload the frame's whole document per keystroke)
//   dom    the rest of the preview pane (inbox row, rendered-HTML mirror) committed by React
// "Painted" = the first rendering update after it has run: a setTimeout(0) queued from its
// requestAnimationFrame callback. Not a MessageChannel message (this bench's earlier probe):
// WebKitGTK routes every port through the network process, and one new channel per
// keystroke and per preview mutation, never closed, left thousands of ports that the engine
// keeps polling: ~5,000 IPC messages a second between the web and network processes (strace:
// 41,788 sendmsg in 8 s), ~30 % of a core taken from what was being measured.
// "Preview updated" = both the frame and the rest of the pane show the keystroke: max(frame, dom).
// Builds that answer a keystroke's preview inside the keystroke's own task (a synchronous IPC
// call) change the frame before the editor's view update: "key → the page's next frame
// painted" is then the editor's echo and the preview's together, so compare it across builds.
// Printed: that figure (minus the build's debounce, if any), the merge share of it, and the
// stages (keystroke handling, IPC, Rust, lint, frame, React).
// Run: make bench-studio (or E2E_SCRIPT=tests/bench/studio-bench.mjs tests/e2e/run.sh).
import { sleep, WebDriver } from "../e2e/webdriver.mjs";

// STUDIO_BENCH_BEFORE=<binary> runs that build first, then QFLOW_APP_BIN, in one run (side by side).
const APP = process.env.QFLOW_APP_BIN ?? "target/debug/qflow-console";
const BEFORE = process.env.STUDIO_BENCH_BEFORE ?? "";
const CHARS = Number(process.env.BENCH_CHARS ?? 200);
const MARKUP_CHARS = Number(process.env.BENCH_MARKUP_CHARS ?? 120);
/** Typed after the prose: tags opened and closed, attributes typed value by value. */
const MARKUP = '<b>bold</b> <a href="https://example.com/x">link</a> <span style="color:#c00">red</span> <i>it</i> ';
// The debounce a build uses comes with its `preview-start-N` mark (detail.debounceMs); older
// builds without it used 90 ms.
const DEBOUNCE_MS = 90;
const SETTLE_MS = Number(process.env.BENCH_SETTLE_MS ?? 60);
const tid = (id) => `[data-testid="${id}"]`;
const CTRL = "\uE009";
const END = "\uE010";

/** Key presses (down in order, then up in order) to the focused element. */
function keys(down, up) {
  const actions = [...down.map((value) => ({ type: "keyDown", value })), ...up.map((value) => ({ type: "keyUp", value }))];
  return d.cmd("POST", "/actions", { actions: [{ type: "key", id: "kb", actions }] }, { retry: false });
}
const d = new WebDriver();

/** ~100 KB of realistic ticket HTML with tokens, ending in an open paragraph to type into. */
function bigTemplate() {
  const block = (i) =>
    `<table role="presentation" width="100%"><tr><td style="padding:12px;font-family:Arial,sans-serif;color:#222">` +
    `<h2>Session ${i} for {{firstname}}</h2><p>Dear {{fullname}}, your seat for {{event}} is confirmed. ` +
    `Bring the QR code below; doors open at 09:00. Questions: reply to this email.</p>` +
    `<img src="{{barcode_qr}}" alt="Ticket QR" width="120" height="120"></td></tr></table>\n`;
  let html = "<!DOCTYPE html><html><body>\n";
  for (let i = 0; html.length < 100 * 1024 - 200; i++) html += block(i);
  return `${html}<p>Typed: `;
}

function pct(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}
const fmt = (ms) => `${ms.toFixed(1)} ms`;

async function bench(app) {
  await d.createSession(app);
  try {
    const [demo] = await d.waitFor(tid("try-demo"), { timeoutMs: 30_000 });
    await d.click(demo);
    await d.waitFor(tid("home"), { timeoutMs: 30_000 });
    await d.click((await d.waitFor(tid("nav-templates")))[0]);
    await d.click((await d.waitFor(tid("template-new")))[0]);
    await d.waitFor(tid("studio-editor"));
    await d.waitFor(tid("preview-recipient"), { until: async ([el]) => el && /^For .+</.test(await d.textContent(el)) });

    // Load the big template through the import box (parsed in Rust, set into CodeMirror).
    const html = bigTemplate();
    await d.click((await d.waitFor(tid("import-open")))[0]);
    const [ta] = await d.waitFor(tid("import-text"));
    await d.execute(
      `const ta = arguments[0];
       Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, "value").set.call(ta, arguments[1]);
       ta.dispatchEvent(new Event("input", { bubbles: true }));`,
      [{ "element-6066-11e4-a52e-4f735466cecf": ta }, html],
    );
    await d.click((await d.waitFor(tid("import-apply")))[0]);
    await d.waitFor(tid("import-notes"));
    const [pre] = await d.waitFor(tid("preview-html"), { until: async ([el]) => el && (await d.textContent(el)).includes("Typed:") });
    const size = await d.execute("return new Blob([arguments[0]]).size;", [html]);

    await d.execute(
      `window.__qfBench = { keys: [], dom: [], frame: [], painted: [] };
       // Calls f once the next rendering update has painted (rAF, then the next task).
       const afterPaint = (f) => requestAnimationFrame(() => { setTimeout(f, 0); });
       document.addEventListener("keydown", () => {
         window.__qfBench.keys.push(performance.now());
         const i = window.__qfBench.keys.length - 1;
         afterPaint(() => { window.__qfBench.painted[i] = performance.now(); });
       }, true);
       // What a user sees: the first rendering update after the preview changed has painted.
       window.__qfBench.shown = [];
       const stampShown = () => {
         const at = performance.now();
         afterPaint(() => { window.__qfBench.shown.push({ at, done: performance.now() }); });
       };
       const mark = performance.mark.bind(performance);
       performance.mark = (name, opts) => {
         const m = mark(name, opts);
         if (String(name).startsWith("preview-frame-")) stampShown();
         return m;
       };
       new MutationObserver(() => { window.__qfBench.dom.push(performance.now()); stampShown(); })
         .observe(arguments[0], { childList: true, characterData: true, subtree: true });
       // The frame's own document is parsed and laid out after the commit: its load event.
       arguments[1].addEventListener("load", () => { window.__qfBench.frame.push(performance.now()); });`,
      [{ "element-6066-11e4-a52e-4f735466cecf": pre }, { "element-6066-11e4-a52e-4f735466cecf": (await d.waitFor(tid("preview-frame")))[0] }],
    );
    const [content] = await d.waitFor(tid("editor-html-content"));
    // A 100 KB editor's centre is off screen (not "interactable"): focus it and type through
    // the Actions API, which goes to the focused element.
    await d.execute("arguments[0].focus();", [{ "element-6066-11e4-a52e-4f735466cecf": content }]);
    await keys([CTRL, END], [END, CTRL]);
    await sleep(500);
    const frameEl = { "element-6066-11e4-a52e-4f735466cecf": (await d.waitFor(tid("preview-frame")))[0] };
    /** Types `typed` one key at a time, each waiting for its preview; then pauses. */
    async function phase(typed) {
      const baseKeys = await d.execute("return window.__qfBench.keys.length;");
      const rows = [];
      for (let i = 0; i < typed.length; i++) {
        await keys([typed[i]], [typed[i]]);
        // No page script while the keystroke is handled: a WebDriver execute runs on the
        // page's main thread and would delay what it measures (BENCH_SETTLE_MS=0: poll at once).
        if (SETTLE_MS > 0) await sleep(SETTLE_MS);
        const deadline = Date.now() + 10_000;
        let row = null;
        while (!row && Date.now() < deadline) {
          row = await d.execute(
            `const b = window.__qfBench, key = b.keys[arguments[0]];
             if (key === undefined) return null;
             const marks = performance.getEntriesByType("mark").filter((m) => m.startTime > key);
             const start = marks.find((m) => m.name.startsWith("preview-start-"));
             if (!start) return null;
             const n = start.name.slice("preview-start-".length);
             const end = marks.find((m) => m.name === "preview-end-" + n);
             const dom = end && b.dom.find((t) => t >= end.startTime);
             if (dom === undefined || !end) return null;
             const det = end.detail || {};
             // Builds that mark the frame say whether the reply was set in place (detail.textEdit).
             const marked = typeof det.textEdit === "boolean";
             const shown = marks.find((m) => m.name === "preview-frame-" + n);
             const load = b.frame.find((t) => t >= end.startTime);
             const frame = marked ? shown && shown.startTime : load;
             if (frame === undefined && performance.now() - dom < 1000) return null;
             const debounce = start.detail && typeof start.detail.debounceMs === "number" ? start.detail.debounceMs : ${DEBOUNCE_MS};
             const redrawn = marks.find((m) => m.name === "editor-updated-editor-html");
             const painted = b.painted[arguments[0]];
             const seen = frame === undefined ? undefined : Math.max(frame, dom);
             const shownAt = seen === undefined ? undefined : b.shown.find((p) => p.at >= seen);
             if (seen !== undefined && !shownAt && performance.now() - seen < 1000) return null;
             const changed = start.detail && typeof start.detail.changedAt === "number" && start.detail.changedAt > key ? start.detail.changedAt : null;
             return { key, shown: shownAt ? shownAt.done : null, changed, redrawn: redrawn ? redrawn.startTime : null, painted: painted ?? null, start: start.startTime, end: end.startTime, dom, frame: frame ?? null, load: load ?? null, debounce,
               inPlace: marked ? det.textEdit && load === undefined : false,
               mergeMicros: det.mergeMicros ?? null, lintMicros: det.lintMicros ?? null, serverMicros: det.serverMicros ?? null };`,
            [baseKeys + i],
          );
          if (!row) await sleep(5);
        }
        if (!row) throw new Error(`no preview update for character ${i} (${JSON.stringify(typed[i])})`);
        rows.push(row);
        // Let the next keystroke start from an idle editor (no pending debounce).
        await sleep(10);
      }

      // Builds that set edits in place check the frame against a full parse once typing pauses:
      // a reload then means an edit went wrong.
      const loadsBefore = await d.execute("return window.__qfBench.frame.length;");
      await sleep(1500);
      const reloads = (await d.execute("return window.__qfBench.frame.length;")) - loadsBefore;
      return { rows, reloads };
    }
    const text = "The quick brown fox jumps over the lazy dog ".repeat(10).slice(0, CHARS);
    const markup = MARKUP.repeat(Math.ceil(MARKUP_CHARS / MARKUP.length) + 1).slice(0, MARKUP_CHARS);
    const textPhase = await phase(text);
    // What the frame shows must be what was typed (in place or reloaded; builds whose frame is
    // cross-origin cannot be read: null), and the same as a full parse of the rendered HTML.
    const shown = await frameText(frameEl);
    if (shown !== null && !shown.includes(`Typed: ${text}`)) throw new Error(`the frame does not show the typed text: …${shown.slice(-120)}`);
    await sameAsFullParse(frameEl, "text");
    const markupPhase = MARKUP_CHARS > 0 ? await phase(markup) : null;
    if (markupPhase) await sameAsFullParse(frameEl, "markup");
    // The IPC floor: round trips of a trivial command (app_info) from the same webview.
    const ipc = await d.cmd("POST", "/execute/async", {
      script: `const done = arguments[arguments.length - 1], out = [];
       (async () => {
         for (let i = 0; i < 50; i++) {
           const t = performance.now();
           await window.__TAURI_INTERNALS__.invoke("app_info");
           out.push(performance.now() - t);
         }
       })().then(() => done(out), (e) => done({ error: String(e) }));`,
      args: [],
    });
    // The "painted" probe's own delay: setTimeout(0), idle.
    const probe = await d.cmd("POST", "/execute/async", {
      script: `const done = arguments[arguments.length - 1], st = [];
       (async () => {
         for (let i = 0; i < 30; i++) {
           const t = performance.now();
           await new Promise((r) => setTimeout(r, 0));
           st.push(performance.now() - t);
         }
       })().then(() => done(st), (e) => done({ error: String(e) }));`,
      args: [],
    });
    return {
      phases: [["text", textPhase], ...(markupPhase ? [["markup", markupPhase]] : [])],
      size,
      ipc: Array.isArray(ipc) ? ipc : [],
      probe: Array.isArray(probe) ? probe : [],
    };
  } finally {
    await d.deleteSession().catch(() => {});
  }
}

async function frameText(frame) {
  return d.execute(`try { return arguments[0].contentDocument.body.textContent; } catch (e) { return null; }`, [frame]);
}

/** Throws unless the frame's body is what a parser makes of the rendered HTML (the mirror). */
async function sameAsFullParse(frame, what) {
  const diff = await d.execute(
    `let live;
     try { live = arguments[0].contentDocument.body; } catch (e) { return null; }
     const html = document.querySelector('[data-testid="preview-html"]').textContent;
     const parsed = new DOMParser().parseFromString(html, "text/html").body;
     return parsed.isEqualNode(live) ? null : { live: live.innerHTML.slice(-200), parsed: parsed.innerHTML.slice(-200) };`,
    [frame],
  );
  if (diff) throw new Error(`after the ${what} edits the frame differs from a full parse: …${diff.live} ≠ …${diff.parsed}`);
}

function report(label, app, { phases, size, ipc, probe }) {
  return phases.map(([kind, { rows, reloads }]) => [kind, reportPhase(label, kind, app, { rows, size, reloads, ipc, probe })]);
}

function reportPhase(label, kind, app, { rows, size, reloads, ipc, probe }) {
  const sorted = (f) => rows.map(f).filter((x) => x !== null && !Number.isNaN(x)).sort((a, b) => a - b);
  // Preview updated: the frame shows the keystroke and React has committed the rest of the pane.
  const updated = (r) => (r.frame === null ? null : Math.max(r.frame, r.dom) - r.key - r.debounce);
  const noDebounce = sorted(updated);
  const painted = sorted((r) => (r.shown === null ? null : r.shown - r.key - r.debounce));
  const share = sorted((r) => (updated(r) === null ? null : (r.mergeMicros ?? 0) / 1000 / Math.max(0.001, updated(r))));
  const line = (label, xs) =>
    xs.length ? `  ${label.padEnd(58)} p50 ${fmt(pct(xs, 50)).padStart(9)}   p95 ${fmt(pct(xs, 95)).padStart(9)}` : `  ${label.padEnd(58)} (not measured by this build)`;
  const inPlace = rows.filter((r) => r.inPlace).length;
  // Answered inside the keystroke's own task (synchronously): the reply was handled before the
  // editor's view update ended.
  const inTask = rows.filter((r) => r.redrawn !== null && r.end <= r.redrawn).length;
  console.log(`studio bench [${label}, ${kind} edits]: ${rows.length} keystrokes on a ${(size / 1024).toFixed(1)} KB template (${app})`);
  console.log(line("keystroke → preview painted (what a user sees)", painted));
  console.log(line("keystroke → preview updated (frame + inbox row), no debounce", noDebounce));
  console.log(line("keystroke → preview updated, with the build's debounce", sorted((r) => (updated(r) === null ? null : updated(r) + r.debounce))));
  console.log(line("merge (core render_template, mergeMicros)", sorted((r) => (r.mergeMicros ?? 0) / 1000)));
  console.log(`  merge share of keystroke → preview updated: p50 ${(pct(share, 50) * 100).toFixed(1)} %, p95 ${(pct(share, 95) * 100).toFixed(1)} %`);
  console.log(`  frame updated in place (a text node set or one element re-parsed): ${inPlace} of ${rows.length} keystrokes`);
  console.log(`  preview answered inside the keystroke's task (before the editor's view update ended): ${inTask} of ${rows.length} keystrokes`);
  console.log(`  frame reloads after typing paused (the in-place check found a difference): ${reloads}`);
  console.log("  stages:");
  console.log(line("  key → request sent (keystroke handling; minus debounce)", sorted((r) => r.start - r.key - r.debounce)));
  console.log(line("    of which key → the editor reports the change (CodeMirror)", sorted((r) => (r.changed === null ? null : r.changed - r.key))));
  console.log(line("    key → the editor has redrawn it (CodeMirror view update)", sorted((r) => (r.redrawn === null ? null : r.redrawn - r.key))));
  console.log(line("    key → the page's next frame painted (layout + paint)", sorted((r) => (r.painted === null ? null : r.painted - r.key))));
  console.log(line("  request → reply handled (IPC + Rust + main-thread wait)", sorted((r) => r.end - r.start)));
  console.log(line("    of which Rust (serverMicros)", sorted((r) => (r.serverMicros === null ? null : r.serverMicros / 1000))));
  console.log(line("    of which lint (lintMicros)", sorted((r) => (r.lintMicros === null ? null : r.lintMicros / 1000))));
  console.log(line("  reply → frame shows it (in place, or reparse + load)", sorted((r) => (r.frame === null ? null : r.frame - r.end))));
  console.log(line("  reply → inbox row and mirror committed (React)", sorted((r) => r.dom - r.end)));
  console.log(line("  keystroke → inbox row and mirror (the pre-wave-5 end point)", sorted((r) => r.dom - r.key - r.debounce)));
  console.log(line("  IPC floor: a trivial command's round trip (app_info)", [...ipc].sort((x, y) => x - y)));
  console.log(line("  the painted probe's delay: setTimeout(0), idle", [...probe].sort((x, y) => x - y)));
  console.log(`  target (issue 15): p95 < 16 ms → updated ${pct(noDebounce, 95) < 16 ? "met" : "NOT met"}, painted ${pct(painted, 95) < 16 ? "met" : "NOT met"}`);
  const rust = sorted((r) => (r.serverMicros === null ? null : r.serverMicros / 1000));
  return {
    total: [pct(noDebounce, 50), pct(noDebounce, 95)],
    painted: painted.length ? [pct(painted, 50), pct(painted, 95)] : null,
    rust: rust.length ? [pct(rust, 50), pct(rust, 95)] : null,
  };
}

async function main() {
  const runs = BEFORE ? [["before", BEFORE], ["after", APP]] : [["this build", APP]];
  const out = [];
  const raw = [];
  for (const [label, app] of runs) {
    const r = await bench(app);
    raw.push({ label, phases: r.phases.map(([kind, ph]) => ({ kind, rows: ph.rows })) });
    out.push([label, report(label, app, r)]);
  }
  // BENCH_ROWS=<file>: every keystroke's raw stamps (ms, performance.now()) as JSON, to compare
  // the slow keystrokes with the typical ones.
  if (process.env.BENCH_ROWS) (await import("node:fs")).writeFileSync(process.env.BENCH_ROWS, JSON.stringify(raw));
  const pair = (xs) => (xs ? `${fmt(xs[0])} / ${fmt(xs[1])}` : "n/a");
  console.log(`summary, keystroke → preview updated (p50 / p95), load ${(await import("node:os")).loadavg().map((x) => x.toFixed(2)).join(" ")}:`);
  for (const [label, phases] of out) {
    for (const [kind, f] of phases) {
      console.log(
        `  ${label.padEnd(10)} ${kind.padEnd(6)} updated ${pair(f.total).padEnd(20)} painted ${pair(f.painted).padEnd(20)} Rust ${pair(f.rust).padEnd(20)} ` +
          `p95 < 16 ms: updated ${f.total[1] < 16 ? "met" : "NOT met"}, painted ${f.painted && f.painted[1] < 16 ? "met" : "NOT met"}`,
      );
    }
  }
}

main().catch((e) => {
  console.error(`studio bench failed: ${e.stack ?? e}`);
  process.exit(1);
});
