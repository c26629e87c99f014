// Side-by-side figures for the empty Tauri window (baseline) and the app with a big demo:
// cold start, memory (PSS/RSS over the app and its WebKit processes) and scroll frame times.
// Run through tests/bench/run.sh (Xvfb, tauri-driver, both binaries built in the same run).
//
// Env: BENCH_EMPTY_BIN, QFLOW_APP_BIN (absolute paths, unique to this run: the pid is found by
// its executable), BENCH_RUNS (whole runs, each against its own empty-window figures, default 3),
// BENCH_ROUNDS (cold starts per app after one discarded warm-up, default 3), BENCH_SCROLL_FRAMES (300),
// QFLOW_DEMO_ATTENDEES (read by the app), BENCH_JSON (write the figures there too),
// BENCH_ONLY=start (cold starts only: no memory, scroll or sandbox figures; for quick iterations),
// QFLOW_STARTUP_MARKS (a file the app appends its Rust-side start-up marks to; run.sh sets it).
import { execFileSync, spawn } from "node:child_process";
import { readdirSync, readFileSync, readlinkSync, writeFileSync } from "node:fs";
import { WebDriver, sleep } from "../e2e/webdriver.mjs";

const EMPTY = process.env.BENCH_EMPTY_BIN;
const APP = process.env.QFLOW_APP_BIN;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const FRAMES = Number(process.env.BENCH_SCROLL_FRAMES ?? 300);
const START_ONLY = process.env.BENCH_ONLY === "start";
const MARKS_FILE = process.env.QFLOW_STARTUP_MARKS;
const MIB = 1024 * 1024;
const tid = (id) => `[data-testid="${id}"]`;

const CLK_TCK = Number(execFileSync("getconf", ["CLK_TCK"]).toString().trim());

// ---- /proc -------------------------------------------------------------------------------

/** Fields of /proc/PID/stat after the command name (which may hold spaces). */
function stat(pid) {
  const s = readFileSync(`/proc/${pid}/stat`, "utf8");
  const close = s.lastIndexOf(")");
  return { comm: s.slice(s.indexOf("(") + 1, close), rest: s.slice(close + 2).split(" ") };
}

function pids() {
  return readdirSync("/proc").filter((n) => /^\d+$/.test(n)).map(Number);
}

/** The running process whose executable is `bin` (unique per run). */
async function findPid(bin, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const pid of pids()) {
      try {
        if (readlinkSync(`/proc/${pid}/exe`) === bin) return pid;
      } catch {
        // gone, or not ours to read
      }
    }
    await sleep(20);
  }
  throw new Error(`no process runs ${bin}`);
}

/** Wall-clock ms of the process's exec (10 ms resolution: clock ticks since boot). */
function startedAt(pid) {
  const startTicks = Number(stat(pid).rest[19]); // field 22 of stat
  const uptimeMs = Number(readFileSync("/proc/uptime", "utf8").split(" ")[0]) * 1000;
  const bootMs = Date.now() - uptimeMs;
  return bootMs + (startTicks / CLK_TCK) * 1000;
}

function descendants(root) {
  const children = new Map();
  for (const pid of pids()) {
    try {
      const ppid = Number(stat(pid).rest[1]);
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push(pid);
    } catch {
      // exited meanwhile
    }
  }
  const out = [];
  const queue = [root];
  while (queue.length) {
    const p = queue.shift();
    out.push(p);
    queue.push(...(children.get(p) ?? []));
  }
  return out;
}

/** What a mapping is, for the per-mapping breakdown: the executable, WebKit's and JSC's code,
 * ICU, Mesa's software GL (LLVM), fonts, glibc's main heap, anonymous memory (other heaps, the JS
 * heap, JIT code, stacks), shared memory (X and WebKit buffers), or another library. */
function mappingKind(name, exe) {
  if (!name) return "anon (heaps, JS heap, JIT, stacks)";
  if (name === exe) return "the executable";
  if (name === "[heap]") return "[heap] (glibc main heap)";
  if (name.startsWith("[")) return "anon (heaps, JS heap, JIT, stacks)";
  for (const [re, kind] of [
    [/libwebkit2gtk/, "libwebkit2gtk"],
    [/libjavascriptcoregtk/, "libjavascriptcoregtk"],
    [/libicu/, "ICU (libicu*, libicudata)"],
    [/libLLVM|swrast_dri|libgallium/, "Mesa software GL (LLVM)"],
    [/\/fonts\/|\.(ttf|otf|ttc)$/, "fonts"],
    [/^\/(SYSV|memfd:|dev\/shm)/, "shared memory (X, WebKit buffers)"],
  ]) {
    if (re.test(name)) return kind;
  }
  return "other libraries";
}

/** PSS (bytes) of one process by kind of mapping (/proc/PID/smaps). */
function pssByMapping(pid) {
  const exe = readlinkSync(`/proc/${pid}/exe`);
  const out = {};
  let kind = null;
  for (const line of readFileSync(`/proc/${pid}/smaps`, "utf8").split("\n")) {
    const m = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \d+\s*(.*)$/.exec(line);
    if (m) kind = mappingKind(m[1].replace(/ \(deleted\)$/, ""), exe);
    else if (kind && line.startsWith("Pss:")) out[kind] = (out[kind] ?? 0) + Number(line.split(/\s+/)[1]) * 1024;
  }
  return out;
}

/** The demo's sandbox (the fake Qflow server) runs in a child process of the app named this
 * (src-tauri/app/demo_child.rs). In real use Qflow is a remote server: its private pages (USS:
 * the fake server's data and heap) are left out of the app's figure and printed on their own,
 * labelled lines. Its share of the pages it shares (it was forked from the app: the executable,
 * the libraries) IS counted for the app: without the child the app's processes would carry those
 * pages alone, so leaving that share out would make the app look smaller while nothing was freed. */
const SANDBOX_COMM = "qflow-sandbox";

/** PSS and RSS summed over `root` and its descendants (WebKitWebProcess, WebKitNetworkProcess),
 * but for the demo sandbox's process, summed apart in `sandbox` (null when there is none). */
function memory(root) {
  const all = processes(root);
  const sum = (list, k) => list.reduce((a, p) => a + p[k], 0);
  const procs = all.filter((p) => p.comm !== SANDBOX_COMM);
  const demo = all.filter((p) => p.comm === SANDBOX_COMM);
  const sandbox = demo.length ? { pss: sum(demo, "pss"), rss: sum(demo, "rss"), uss: sum(demo, "uss"), procs: demo } : null;
  // The child's share of shared pages, given back to the app (see SANDBOX_COMM).
  const sharedShare = sandbox ? sandbox.pss - sandbox.uss : 0;
  return { pss: sum(procs, "pss") + sharedShare, sharedShare, rss: sum(procs, "rss"), uss: sum(procs, "uss"), anon: sum(procs, "anon"), file: sum(procs, "file"), procs, sandbox };
}

function processes(root) {
  const procs = [];
  for (const pid of descendants(root)) {
    try {
      const roll = readFileSync(`/proc/${pid}/smaps_rollup`, "utf8");
      const kb = (k) => Number(roll.match(new RegExp(`^${k}:\\s+(\\d+) kB`, "m"))?.[1] ?? 0);
      const uss = (kb("Private_Clean") + kb("Private_Dirty")) * 1024;
      // Pss_Anon: heaps, JS heap, stacks; Pss_File: mapped code and data of the binary and libs.
      procs.push({ pid, comm: stat(pid).comm, pss: kb("Pss") * 1024, rss: kb("Rss") * 1024, uss, anon: kb("Pss_Anon") * 1024, file: kb("Pss_File") * 1024, maps: pssByMapping(pid) });
    } catch {
      // exited meanwhile
    }
  }
  return procs;
}

// ---- in the webview ------------------------------------------------------------------------

/** An async script: for each named test, Date.now() at the first frame after it holds; resolves
 * once the last one holds. `late` lists those already true when the probe started. Tests are
 * checked on every DOM change and on every frame (a page may change only a global, with no DOM
 * change after the probe starts). */
const milestones = (tests) => `
  const done = arguments[arguments.length - 1];
  const tests = { ${Object.entries(tests).map(([k, v]) => `${JSON.stringify(k)}: ${v}`).join(", ")} };
  const at = {}, late = [];
  let pending = Object.keys(tests).length;
  const hit = (name, time) => {
    at[name] = time;
    if (--pending === 0) { obs.disconnect(); done({ at, late }); }
  };
  // inFrame: called from a frame callback, so this frame is the first to show it.
  const check = (first, inFrame) => {
    for (const [name, test] of Object.entries(tests)) {
      if (name in at) continue;
      let ok = false;
      try { ok = !!test(); } catch { ok = false; }
      if (!ok) continue;
      if (first) late.push(name);
      if (inFrame) { hit(name, Date.now()); continue; }
      at[name] = null;
      requestAnimationFrame(() => hit(name, Date.now()));
    }
  };
  const obs = new MutationObserver(() => check(false, false));
  obs.observe(document.documentElement, { childList: true, subtree: true, attributes: true, characterData: true });
  check(true, false);
  const poll = () => {
    if (pending === 0) return;
    check(false, true);
    requestAnimationFrame(poll);
  };
  requestAnimationFrame(poll);
`;

/** Scroll the attendee table's scroll container one step per frame; rAF deltas in ms. */
const SCROLL = `
  const [frames, step] = [arguments[0], arguments[1]];
  const done = arguments[arguments.length - 1];
  const row = document.querySelector('[data-testid="attendee-row"]');
  const scrollable = (el) => el.scrollHeight > el.clientHeight + 1 && /(auto|scroll)/.test(getComputedStyle(el).overflowY);
  let el = row && row.parentElement;
  while (el && el !== document.body && !scrollable(el)) el = el.parentElement;
  if (!el || el === document.body) el = document.scrollingElement;
  const name = el === document.scrollingElement ? "document" : el.tagName.toLowerCase() + (el.className ? "." + String(el.className).split(" ").join(".") : "") + (el.dataset.testid ? "[data-testid=" + el.dataset.testid + "]" : "");
  const max = el.scrollHeight - el.clientHeight;
  const deltas = [];
  let last = null, n = 0, dir = 1, top = 0, rowsSeen = 0;
  el.scrollTop = 0;
  function tick(t) {
    if (last !== null) deltas.push(t - last);
    last = t;
    rowsSeen = Math.max(rowsSeen, document.querySelectorAll('[data-testid="attendee-row"]').length);
    if (n++ >= frames) {
      done({ deltas, container: name, scrollHeight: el.scrollHeight, clientHeight: el.clientHeight, maxRowsInDom: rowsSeen, reachedEnd: top >= max - 1 });
      return;
    }
    if (max > 0) {
      top += dir * step;
      if (top >= max) { top = max; dir = -1; }
      if (top <= 0) { top = 0; dir = 1; }
      el.scrollTop = top;
    }
    requestAnimationFrame(tick);
  }
  requestAnimationFrame(tick);
`;

/** rAF deltas of an idle page: what the compositor delivers at best. */
const IDLE_FRAMES = `
  const frames = arguments[0];
  const done = arguments[arguments.length - 1];
  const deltas = [];
  let last = null;
  function tick(t) {
    if (last !== null) deltas.push(t - last);
    last = t;
    if (deltas.length >= frames) { done({ deltas }); return; }
    requestAnimationFrame(tick);
  }
  requestAnimationFrame(tick);
`;

/** Where the page's start went, in the page's own clock: when the webview began loading it
 * (timeOrigin, wall clock), its scripts and DOMContentLoaded, and the app's own marks. */
const PAGE_TIMING = `
  const n = performance.getEntriesByType("navigation")[0] || {};
  const scripts = performance.getEntriesByType("resource")
    .filter((r) => /\\.(js|css)$/.test(r.name))
    .map((r) => ({ name: r.name.split("/").pop(), end: r.responseEnd }));
  const marks = Object.fromEntries(performance.getEntriesByType("mark").map((m) => [m.name, m.startTime]));
  return { origin: performance.timeOrigin, responseEnd: n.responseEnd ?? null, dcl: n.domContentLoadedEventEnd ?? null, scripts, marks };
`;

async function executeAsync(d, script, args = [], timeoutMs = 120_000) {
  await d.cmd("POST", "/timeouts", { script: timeoutMs });
  return d.cmd("POST", "/execute/async", { script, args }, { retry: false, timeoutMs: timeoutMs + 10_000 });
}

// ---- figures -----------------------------------------------------------------------------

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.round((s.length - 1) * p))] : NaN;
};
const median = (xs) => pct(xs, 0.5);

/** One cold start of `bin`: ms from exec to the first frame after each milestone. */
async function coldStart(bin, args, tests, timeoutMs) {
  if (MARKS_FILE) writeFileSync(MARKS_FILE, "");
  const d = new WebDriver();
  await d.createSession(bin, args);
  const pid = await findPid(bin);
  const exec = startedAt(pid);
  const { at, late } = await executeAsync(d, milestones(tests), [], timeoutMs);
  const ms = Object.fromEntries(Object.entries(at).map(([k, v]) => [k, v - exec]));
  // exec → the webview starts loading the page → HTML → DOMContentLoaded (its scripts parsed and
  // run) → the app's marks; all ms since exec.
  const t = await d.execute(PAGE_TIMING);
  const since = (rel) => (rel == null || !Number.isFinite(rel) || rel <= 0 ? null : t.origin + rel - exec);
  ms.pageStart = t.origin - exec;
  ms.html = since(t.responseEnd);
  ms.dcl = since(t.dcl);
  for (const [k, v] of Object.entries(t.marks)) ms[k] = since(v);
  // The app's Rust side (app/marks.rs): "name epoch_ms" lines, first of each name.
  if (MARKS_FILE) {
    for (const line of readFileSync(MARKS_FILE, "utf8").split("\n")) {
      const [name, at] = line.split(" ");
      if (name && !(`rust:${name}` in ms)) ms[`rust:${name}`] = Number(at) - exec;
    }
  }
  return { d, pid, exec, ms, late, scripts: t.scripts };
}

async function measureEmpty() {
  const starts = [];
  const steps = [];
  let mem, idle;
  for (let i = 0; i < ROUNDS; i++) {
    const r = await coldStart(EMPTY, [], { rendered: "() => window.__qflowFirstRender" }, 30_000);
    // The page stamps its own first frame; prefer it to the observer's.
    const first = await r.d.execute("return window.__qflowFirstRender;");
    starts.push(first - r.exec);
    r.ms.rendered = first - r.exec;
    steps.push(r.ms);
    if (i === ROUNDS - 1 && !START_ONLY) {
      await sleep(2000);
      mem = memory(r.pid);
      idle = (await executeAsync(r.d, IDLE_FRAMES, [FRAMES])).deltas;
    }
    await r.d.deleteSession();
    await sleep(500);
  }
  return { starts, steps, mem, idle };
}

async function measureApp() {
  const starts = [];
  let mem, memEmpty, memUndriven, memScrolled, memSettled, scroll, table, scripts, late = false;
  const steps = [];
  const tests = {
    firstRender: "() => document.getElementById('root')?.childElementCount > 0",
    home: "() => document.querySelector('[data-testid=\"home\"]')",
    rows: "() => document.querySelector('[data-testid=\"attendee-row\"]')",
  };
  for (let i = 0; i < ROUNDS; i++) {
    const r = await coldStart(APP, ["--demo"], tests, 180_000);
    starts.push(r.ms.rows);
    steps.push(r.ms);
    scripts = r.scripts;
    late ||= r.late.includes("rows");
    if (i === ROUNDS - 1 && !START_ONLY) {
      const d = r.d;
      // Every list loaded (the attendee counts load them all in the background), then settle.
      await d.waitFor(tid("event-count"), {
        timeoutMs: 180_000,
        until: async (els) => els.length >= 3 && (await Promise.all(els.map((e) => d.textContent(e)))).every((t) => /\d/.test(t)),
      });
      // The biggest event's table.
      const counts = await Promise.all((await d.findAll(tid("event-count"))).map((e) => d.textContent(e)));
      const sizes = counts.map((t) => Number((t.match(/[\d,]+/)?.[0] ?? "0").replace(/,/g, "")));
      const biggest = sizes.indexOf(Math.max(...sizes));
      const rows = await d.findAll(tid("event-row"));
      await d.click(rows[biggest]);
      await d.waitFor(tid("attendee-row"), { timeoutMs: 60_000 });
      await sleep(1500);
      const summary = await d.textContent((await d.findAll(tid("attendee-summary")))[0]);
      table = { rowsInEvent: sizes[biggest], summary: summary.trim() };
      ({ app: mem, empty: memEmpty } = await memoryBesideEmpty(r.pid));
      memUndriven = await memoryBesideEmpty(r.pid, { driven: false });
      scroll = await executeAsync(d, SCROLL, [FRAMES, 120]);
      // As a user sees it once the scroll rests (a moving scroll's summary catches up then).
      await sleep(300);
      await d.screenshot("bench-app-scrolled").catch(() => {});
      // Again once scrolled (the table has fetched the windows it passed), and after 10 s idle:
      // garbage (JS, DOM) that the collectors have not returned yet vs memory the app holds.
      memScrolled = await memoryBesideEmpty(r.pid);
      await sleep(10_000);
      memSettled = await memoryBesideEmpty(r.pid);
    }
    await r.d.deleteSession();
    await sleep(500);
  }
  return { starts, steps, mem, memEmpty, memUndriven, memScrolled, memSettled, scroll, table, scripts, late };
}

/** PSS of the app (`appPid`) and of an empty window started beside it, sampled at the same
 * moments. Pages of shared libraries (libwebkit2gtk, ICU, fonts) count in PSS divided by how
 * many processes map them, so two figures taken minutes apart differ by whatever else ran on
 * the machine meanwhile (other WebKit apps): side by side, both see the same sharers.
 *
 * Both run under a WebDriver session, the empty window through its own tauri-driver
 * (BENCH_EMPTY_DRIVER_PORT; one session per driver): WebKit's automation costs each window about
 * 4 MiB (the session in the main and web processes), which is not the app's. `driven: false`
 * starts the empty window without one, as this bench did before (the automation then counts
 * against the app only). */
async function memoryBesideEmpty(appPid, { driven = true } = {}) {
  let session = null;
  let emptyPid;
  let child = null;
  try {
    if (driven) {
      session = new WebDriver({
        driverUrl: `http://127.0.0.1:${process.env.BENCH_EMPTY_DRIVER_PORT}`,
        nativeUrl: `http://127.0.0.1:${process.env.BENCH_EMPTY_NATIVE_PORT}`,
      });
      await session.createSession(EMPTY, []);
      await session.waitFor("h1", { timeoutMs: 20_000 });
      // The app's cold-start sessions are over: this is the only empty window running.
      emptyPid = await findPid(EMPTY);
    } else {
      child = spawn(EMPTY, [], { stdio: "ignore" });
      emptyPid = child.pid;
    }
    // Its web process up and the page shown, then settled like the app.
    const deadline = Date.now() + 20_000;
    while (descendants(emptyPid).length < 3 && Date.now() < deadline) await sleep(50);
    await sleep(2500);
    const samples = [];
    for (let i = 0; i < 3; i++) {
      samples.push({ app: memory(appPid), empty: memory(emptyPid) });
      await sleep(300);
    }
    // The sample with the median difference.
    samples.sort((a, b) => a.app.pss - a.empty.pss - (b.app.pss - b.empty.pss));
    return samples[1];
  } finally {
    if (session) await session.deleteSession().catch(() => {});
    child?.kill("SIGTERM");
    await sleep(500);
  }
}

/** PSS of `qflow-console sandbox --attendees N` on its own: the demo sandbox's share. */
async function standaloneSandbox(attendees) {
  const child = spawn(APP, ["sandbox", "--attendees", String(attendees)], { stdio: ["ignore", "pipe", "ignore"] });
  try {
    await new Promise((resolve, reject) => {
      let out = "";
      const timer = setTimeout(() => reject(new Error(`sandbox --attendees ${attendees} did not start`)), 120_000);
      child.stdout.on("data", (b) => {
        out += b;
        if (/http:\/\/127\.0\.0\.1:\d+/.test(out)) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.on("exit", (code) => reject(new Error(`sandbox exited with ${code}`)));
    });
    await sleep(1000);
    return memory(child.pid);
  } finally {
    child.kill("SIGTERM");
  }
}

const fmtMs = (x) => (Number.isFinite(x) ? `${x.toFixed(1)} ms` : "n/a");
const fmtMiB = (x) => `${(x / MIB).toFixed(1)} MiB`;

/** One discarded start per app first: the page cache then holds both binaries and WebKit. */
async function warmUp() {
  for (const [bin, args] of [[EMPTY, []], [APP, ["--demo"]]]) {
    const d = new WebDriver();
    await d.createSession(bin, args);
    await d.waitFor(bin === APP ? tid("attendee-row") : "h1", { timeoutMs: 180_000 });
    await d.deleteSession();
    await sleep(500);
  }
}


// Targets (issue 16 item 4), against the empty window measured in the same run.
const TARGET = { startRatio: 1.5, pssDeltaMiB: 50, p95Ms: 16.7 };
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const demoAttendees = Number(process.env.QFLOW_DEMO_ATTENDEES ?? 2000);
const p = (xs, q) => pct(xs, q);
const over = (xs) => xs.filter((x) => x > 16.7 * 1.5).length;
const medianOf = (steps, k) => {
  const xs = steps.map((x) => x[k]).filter((x) => x != null && Number.isFinite(x));
  return xs.length ? median(xs) : NaN;
};
const fmtStep = (x) => (Number.isFinite(x) ? x.toFixed(0) : "n/a");
const fmtDelta = (x) => `${x >= 0 ? "+" : ""}${fmtMiB(x)}`;

function printTable(rows) {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  for (const [i, r] of rows.entries()) {
    console.log(r.map((cell, c) => cell.padEnd(widths[c])).join("  ").trimEnd());
    if (i === 0) console.log(widths.map((w) => "-".repeat(w)).join("  "));
  }
}

/** One whole run: warm-up, the empty window, the app, the sandbox alone; its figures. */
async function oneRun() {
  await warmUp();
  const empty = await measureEmpty();
  const app = await measureApp();
  const sandboxEmpty = START_ONLY ? null : await standaloneSandbox(0);
  const sandboxFull = START_ONLY ? null : await standaloneSandbox(demoAttendees);
  const eStart = median(empty.starts);
  const aStart = median(app.starts);
  return {
    empty,
    app,
    sandboxEmpty,
    sandboxFull,
    figures: {
      emptyStart: eStart,
      appStart: aStart,
      startRatio: aStart / eStart,
      emptyPss: app.memEmpty?.pss ?? NaN,
      appPss: app.mem?.pss ?? NaN,
      pssDelta: START_ONLY ? NaN : app.mem.pss - app.memEmpty.pss,
      pssDeltaUndriven: START_ONLY ? NaN : app.memUndriven.app.pss - app.memUndriven.empty.pss,
      emptyIdleP95: START_ONLY ? NaN : p(empty.idle, 0.95),
      scrollP95: START_ONLY ? NaN : p(app.scroll.deltas, 0.95),
    },
  };
}

/** Where each process's MiB are, by kind of mapping (the same samples as the table above). */
function printMappings(n, ep, ap) {
  const procNames = [...new Set([...Object.keys(ep), ...Object.keys(ap)])];
  const kinds = [...new Set(procNames.flatMap((k) => [...Object.keys(ep[k]?.maps ?? {}), ...Object.keys(ap[k]?.maps ?? {})]))];
  const diff = (k, kind) => (ap[k]?.maps?.[kind] ?? 0) - (ep[k]?.maps?.[kind] ?? 0);
  const total = (kind) => procNames.reduce((a, k) => a + diff(k, kind), 0);
  kinds.sort((a, b) => Math.abs(total(b)) - Math.abs(total(a)));
  console.log(`\nrun ${n}: PSS by mapping, app − empty window (MiB; app's own PSS in brackets)`);
  const cell = (k, kind) => `${fmtDelta(diff(k, kind)).replace(" MiB", "")} (${((ap[k]?.maps?.[kind] ?? 0) / MIB).toFixed(1)})`;
  printTable([["mapping", ...procNames, "all"], ...kinds.map((kind) => [kind, ...procNames.map((k) => cell(k, kind)), fmtDelta(total(kind)).replace(" MiB", "")])]);
}

/** The breakdown of one run: where the start-up ms and the MiB went. */
function printBreakdown(r, n) {
  const { empty, app, sandboxEmpty, sandboxFull } = r;
  const eSteps = empty.steps;
  const aSteps = app.steps;
  const step = (steps, k) => medianOf(steps, k);
  const line = (label, e, a) => [label, e, a, Number.isFinite(Number.parseFloat(e)) && Number.isFinite(Number.parseFloat(a)) ? `${(Number.parseFloat(a) - Number.parseFloat(e)).toFixed(0)} ms` : ""];
  const span = (steps, from, to) => step(steps, to) - step(steps, from);
  console.log(`\nrun ${n}: where the start-up went (median of ${ROUNDS} cold starts, ms since exec; "+x" = time since the step above)`);
  const rust = (label, k) => [`  app (Rust): ${label}`, "", fmtStep(step(aSteps, `rust:${k}`)), ""];
  const ui = (label, k) => [`  app: ${label}`, "", fmtStep(step(aSteps, `qflow:${k}`)), ""];
  printTable([
    ["step", "empty window", "app (--demo)", "app − empty"],
    rust("→ main() runs (exec, dynamic linking, Rust statics)", "main"),
    rust("→ setup hook (plugins, window and webview created)", "setup"),
    rust("→ setup hook done (demo start-up spawned)", "setup-done"),
    rust("→ app built (run loop next)", "built"),
    rust("→ webview reports the page load started", "page-started"),
    rust("→ demo sandbox started (seeded)", "demo-sandbox-started"),
    rust("→ demo token (sign-in to the sandbox)", "demo-token"),
    rust("→ demo signed in (webhook receiver wired)", "demo-signed-in"),
    rust("→ default event's whole list loaded", "demo-list-loaded"),
    rust("→ webview reports the page loaded", "page-finished"),
    line("exec → webview starts loading the page (Rust start-up, WebKit processes)", fmtStep(step(eSteps, "pageStart")), fmtStep(step(aSteps, "pageStart"))),
    line("  → HTML in", fmtStep(step(eSteps, "html")), fmtStep(step(aSteps, "html"))),
    line("  → DOMContentLoaded (scripts fetched, parsed, run)", fmtStep(step(eSteps, "dcl")), fmtStep(step(aSteps, "dcl"))),
    ["  app: → main.tsx runs (bundle evaluated)", "", fmtStep(step(aSteps, "qflow:main")), ""],
    ["  app: → app_info answered (IPC)", "", fmtStep(step(aSteps, "qflow:app-info")), ""],
    ["  app: → first frame with content (splash)", "", fmtStep(step(aSteps, "firstRender")), ""],
    ["  app: → events + first 100 attendees preloaded (IPC; Rust signs in to the sandbox meanwhile)", "", fmtStep(step(aSteps, "qflow:preloaded")), ""],
    ui("→ desk renders (React render of Home starts)", "home-render"),
    ui("→ desk committed (DOM in, layout effects)", "home-commit"),
    ui("→ desk's style and layout done (forced in its layout effect)", "home-layout"),
    ui("→ a task queued at the commit ran", "home-task"),
    ui("→ desk's passive effects ran (n/a: after the rows' frame)", "home-effects"),
    ui("→ first frame callback after the commit", "home-raf"),
    ["  app: → first frame with the desk (home)", "", fmtStep(step(aSteps, "home")), ""],
    ui("→ that frame's style, layout and paint done (a task queued in its frame callback ran)", "home-painted"),
    line("  → first frame: empty window's page / the app's attendee rows", fmtStep(median(empty.starts)), fmtStep(median(app.starts))),
    ["  (app: page start → rows)", "", fmtStep(span(aSteps, "pageStart", "rows")), ""],
  ]);
  if (START_ONLY) {
    console.log(`run ${n}: cold starts (each) empty ${empty.starts.map((x) => x.toFixed(0)).join(", ")} ms; app ${app.starts.map((x) => x.toFixed(0)).join(", ")} ms`);
    if (app.scripts?.length) console.log(`run ${n}: app's scripts/styles loaded at start: ${app.scripts.map((x) => x.name).join(", ")}`);
    return;
  }
  const procs = (m) => Object.fromEntries(m.procs.map((x) => [x.comm.replace(/^qflow-.*/, "main"), x]));
  const eMem = app.memEmpty;
  const ep = procs(eMem);
  const ap = procs(app.mem);
  const names = [...new Set([...Object.keys(ep), ...Object.keys(ap)])];
  const sandboxShare = sandboxFull.pss - sandboxEmpty.pss;
  console.log(`\nrun ${n}: where the MiB went (PSS of both apps side by side at the same moments, each under a WebDriver session, the app's biggest event open; anon = heaps, JS heap, stacks; file = mapped code and data)`);
  const rows = [["process", "empty PSS (anon / file)", "app PSS (anon / file)", "app − empty"]];
  for (const k of names) {
    const e = ep[k];
    const a = ap[k];
    const cell = (x) => (x ? `${fmtMiB(x.pss)} (${fmtMiB(x.anon)} / ${fmtMiB(x.file)})` : "—");
    rows.push([k === "main" ? `main process (Rust${app.mem.sandbox ? "" : "; includes the demo sandbox"})` : k, cell(e), cell(a), fmtDelta((a?.pss ?? 0) - (e?.pss ?? 0))]);
  }
  rows.push(["all", `${fmtMiB(eMem.pss)} (${fmtMiB(eMem.anon)} / ${fmtMiB(eMem.file)})`, `${fmtMiB(app.mem.pss)} (${fmtMiB(app.mem.anon)} / ${fmtMiB(app.mem.file)})`, fmtDelta(app.mem.pss - eMem.pss)]);
  const sb = app.mem.sandbox;
  if (sb) {
    rows.push([`  "all" includes the demo sandbox process's share of the pages it shares with the app (PSS − USS of "${SANDBOX_COMM}")`, "", fmtMiB(app.mem.sharedShare), ""]);
    rows.push([`the demo sandbox's private pages (fake Qflow server, the app's child process "${SANDBOX_COMM}"; NOT in "all"; its PSS / USS)`, "", `${fmtMiB(sb.pss)} / ${fmtMiB(sb.uss)}`, ""]);
    rows.push(["all + the demo sandbox's private pages", fmtMiB(eMem.pss), fmtMiB(app.mem.pss + sb.uss), fmtDelta(app.mem.pss + sb.uss - eMem.pss)]);
  }
  rows.push([`  ${sb ? "in the sandbox's process: its" : "of which the demo sandbox's"} ${demoAttendees} attendees (standalone sandbox: ${fmtMiB(sandboxFull.pss)} − ${fmtMiB(sandboxEmpty.pss)} with none, est.)`, "", "", fmtDelta(sandboxShare)]);
  rows.push(["USS (private pages only)", fmtMiB(eMem.uss), fmtMiB(app.mem.uss), fmtDelta(app.mem.uss - eMem.uss)]);
  rows.push(["RSS (double-counts shared libs)", fmtMiB(eMem.rss), fmtMiB(app.mem.rss), fmtDelta(app.mem.rss - eMem.rss)]);
  const byProc = (m) => m.procs.map((x) => `${x.comm.replace(/^qflow-.*/, "main")} ${fmtMiB(x.pss)}`).join(", ");
  for (const [label, m] of [[`right after scrolling ${FRAMES} frames`, app.memScrolled], ["10 s later", app.memSettled]]) {
    rows.push([`${label} (side by side again; app: ${byProc(m.app)})`, fmtMiB(m.empty.pss), fmtMiB(m.app.pss), fmtDelta(m.app.pss - m.empty.pss)]);
  }
  const u = app.memUndriven;
  rows.push([`against an empty window WITHOUT a WebDriver session (the app still has one; its PSS ${fmtMiB(u.empty.pss)} here vs ${fmtMiB(eMem.pss)} with one)`, fmtMiB(u.empty.pss), fmtMiB(u.app.pss), fmtDelta(u.app.pss - u.empty.pss)]);
  rows.push([`(the empty window alone earlier in the run, its own session: ${fmtMiB(empty.mem.pss)} PSS)`, "", "", ""]);
  printTable(rows);
  printMappings(n, ep, ap);
  const fr = app.scroll.deltas;
  console.log(
    `\nrun ${n}: frames — empty idle p50/p95/max ${fmtMs(p(empty.idle, 0.5))} / ${fmtMs(p(empty.idle, 0.95))} / ${fmtMs(Math.max(...empty.idle))}, ` +
      `${over(empty.idle)}/${empty.idle.length} over 25 ms; app scrolling p50/p95/max ${fmtMs(p(fr, 0.5))} / ${fmtMs(p(fr, 0.95))} / ${fmtMs(Math.max(...fr))}, ${over(fr)}/${fr.length} over 25 ms`,
  );
  console.log(
    `run ${n}: scrolled event ${app.table.rowsInEvent} attendees ("${app.table.summary}"); container ${app.scroll.container}, ` +
      `scrollHeight ${app.scroll.scrollHeight}px / client ${app.scroll.clientHeight}px, at most ${app.scroll.maxRowsInDom} rows in the DOM, ${FRAMES} frames at 120 px/frame` +
      (app.scroll.scrollHeight <= app.scroll.clientHeight + 1 ? " (NOTHING TO SCROLL: the table fits)" : "") +
      (app.scroll.maxRowsInDom < app.table.rowsInEvent ? "" : " (EVERY ROW IN THE DOM)"),
  );
  console.log(`run ${n}: cold starts (each) empty ${empty.starts.map((x) => x.toFixed(0)).join(", ")} ms; app ${app.starts.map((x) => x.toFixed(0)).join(", ")} ms`);
  const scripts = app.scripts?.length ? app.scripts : [];
  if (scripts.length) console.log(`run ${n}: app's scripts/styles loaded at start: ${scripts.map((x) => x.name).join(", ")}`);
  if (app.late) console.log(`run ${n}: note: the attendee rows were already there when the probe ran; the app's cold start is an upper bound.`);
}

const runs = [];
for (let n = 1; n <= RUNS; n++) {
  const r = await oneRun();
  runs.push(r);
  printBreakdown(r, n);
  console.log(`load average now: ${readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ")}`);
}

const ok = (b) => (b ? "ok" : "MISSED");
const F = runs.map((r) => r.figures);
const spread = (xs, f) => `${xs.map(f).join(" / ")}`;
console.log(`\nSUMMARY: ${RUNS} run(s), app --demo with QFLOW_DEMO_ATTENDEES=${demoAttendees}, against the empty Tauri window of the same run`);
printTable([
  ["figure", ...F.map((_, i) => `run ${i + 1}`), "target", "met in every run"],
  ["cold start → first attendee rows, ratio to the empty window", ...F.map((f) => `${f.startRatio.toFixed(2)}× (${f.appStart.toFixed(0)} / ${f.emptyStart.toFixed(0)} ms)`), `≤ ${TARGET.startRatio}×`, ok(F.every((f) => f.startRatio <= TARGET.startRatio))],
  ["PSS, all processes, app − empty window", ...F.map((f) => `${fmtDelta(f.pssDelta)} (${fmtMiB(f.appPss)} / ${fmtMiB(f.emptyPss)})`), `≤ +${TARGET.pssDeltaMiB} MiB`, ok(F.every((f) => f.pssDelta <= TARGET.pssDeltaMiB * MIB))],
  ["  (information) the same with the demo sandbox's private pages counted in", ...runs.map((r) => (r.app.mem?.sandbox ? fmtDelta(r.app.mem.pss + r.app.mem.sandbox.uss - r.app.memEmpty.pss) : "no such process")), "", ""],
  ["  (information) against an empty window without a WebDriver session (the automation counted against the app only)", ...F.map((f) => fmtDelta(f.pssDeltaUndriven)), "", ""],
  ["scroll frame time p95 (empty window idle p95)", ...F.map((f) => `${fmtMs(f.scrollP95)} (${fmtMs(f.emptyIdleP95)})`), `< ${TARGET.p95Ms} ms`, ok(F.every((f) => f.scrollP95 < TARGET.p95Ms))],
]);
console.log(`spread: ratio ${spread(F, (f) => f.startRatio.toFixed(2))}; PSS delta ${spread(F, (f) => (f.pssDelta / MIB).toFixed(1))} MiB; p95 ${spread(F, (f) => f.scrollP95.toFixed(1))} ms`);
if (F.some((f) => f.emptyIdleP95 > TARGET.p95Ms)) {
  console.log("note: even the idle empty window missed 16.7 ms frames in some run: the machine was busy (load average above), frame figures are not the app's alone.");
}
if (process.env.BENCH_JSON) {
  writeFileSync(process.env.BENCH_JSON, JSON.stringify(runs, null, 2));
}
