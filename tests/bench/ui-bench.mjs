// Side-by-side figures for the empty Tauri window (baseline) and the app with a big demo:
// cold start, memory (PSS/RSS over the app and its WebKit processes) and scroll frame times.
// Run through tests/bench/run.sh (Xvfb, tauri-driver, both binaries built in the same run).
//
// Env: BENCH_EMPTY_BIN, QFLOW_APP_BIN (absolute paths, unique to this run: the pid is found by
// its executable), BENCH_ROUNDS (cold starts per app after one discarded warm-up, default 3), BENCH_SCROLL_FRAMES (300),
// QFLOW_DEMO_ATTENDEES (read by the app), BENCH_JSON (write the figures there too).
import { execFileSync, spawn } from "node:child_process";
import { readdirSync, readFileSync, readlinkSync, writeFileSync } from "node:fs";
import { WebDriver, sleep } from "../e2e/webdriver.mjs";

const EMPTY = process.env.BENCH_EMPTY_BIN;
const APP = process.env.QFLOW_APP_BIN;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const FRAMES = Number(process.env.BENCH_SCROLL_FRAMES ?? 300);
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

/** PSS and RSS summed over `root` and its descendants (WebKitWebProcess, WebKitNetworkProcess). */
function memory(root) {
  const procs = [];
  for (const pid of descendants(root)) {
    try {
      const roll = readFileSync(`/proc/${pid}/smaps_rollup`, "utf8");
      const kb = (k) => Number(roll.match(new RegExp(`^${k}:\\s+(\\d+) kB`, "m"))?.[1] ?? 0);
      const uss = (kb("Private_Clean") + kb("Private_Dirty")) * 1024;
      procs.push({ pid, comm: stat(pid).comm, pss: kb("Pss") * 1024, rss: kb("Rss") * 1024, uss });
    } catch {
      // exited meanwhile
    }
  }
  const sum = (k) => procs.reduce((a, p) => a + p[k], 0);
  return { pss: sum("pss"), rss: sum("rss"), uss: sum("uss"), procs };
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
  const d = new WebDriver();
  await d.createSession(bin, args);
  const pid = await findPid(bin);
  const exec = startedAt(pid);
  const { at, late } = await executeAsync(d, milestones(tests), [], timeoutMs);
  const ms = Object.fromEntries(Object.entries(at).map(([k, v]) => [k, v - exec]));
  return { d, pid, exec, ms, late };
}

async function measureEmpty() {
  const starts = [];
  let mem, idle;
  for (let i = 0; i < ROUNDS; i++) {
    const r = await coldStart(EMPTY, [], { rendered: "() => window.__qflowFirstRender" }, 30_000);
    // The page stamps its own first frame; prefer it to the observer's.
    const first = await r.d.execute("return window.__qflowFirstRender;");
    starts.push(first - r.exec);
    if (i === ROUNDS - 1) {
      await sleep(2000);
      mem = memory(r.pid);
      idle = (await executeAsync(r.d, IDLE_FRAMES, [FRAMES])).deltas;
    }
    await r.d.deleteSession();
    await sleep(500);
  }
  return { starts, mem, idle };
}

async function measureApp() {
  const starts = [];
  let mem, scroll, table, late = false;
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
    late ||= r.late.includes("rows");
    if (i === ROUNDS - 1) {
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
      mem = memory(r.pid);
      scroll = await executeAsync(d, SCROLL, [FRAMES, 120]);
      await d.screenshot("bench-app-scrolled").catch(() => {});
    }
    await r.d.deleteSession();
    await sleep(500);
  }
  return { starts, steps, mem, scroll, table, late };
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

await warmUp();
const empty = await measureEmpty();
const app = await measureApp();
const demoAttendees = Number(process.env.QFLOW_DEMO_ATTENDEES ?? 2000);
const sandboxEmpty = await standaloneSandbox(0);
const sandboxFull = await standaloneSandbox(demoAttendees);
const sandboxShare = sandboxFull.pss - sandboxEmpty.pss;

const eStart = median(empty.starts);
const aStart = median(app.starts);
const frames = { empty: empty.idle, app: app.scroll.deltas };
const p = (xs, q) => pct(xs, q);
const over = (xs) => xs.filter((x) => x > 16.7 * 1.5).length;

const rows = [
  ["", "empty window", "app (--demo)", "ratio / delta", "target"],
  ["cold start, exec → first render / attendee rows (median)", fmtMs(eStart), fmtMs(aStart), `${(aStart / eStart).toFixed(2)}×`, "≤ 2×"],
  ["  app: first render → home → rows (median)", "", ["firstRender", "home", "rows"].map((k) => median(app.steps.map((x) => x[k])).toFixed(0)).join(" → ") + " ms", "", ""],
  ["cold starts (each)", empty.starts.map((x) => x.toFixed(0)).join(", "), app.starts.map((x) => x.toFixed(0)).join(", "), "", ""],
  ["PSS (app + WebKit processes)", fmtMiB(empty.mem.pss), fmtMiB(app.mem.pss), `+${fmtMiB(app.mem.pss - empty.mem.pss)}`, "≤ +80 MiB"],
  [`  of which the demo sandbox's ${demoAttendees} attendees (standalone, est.)`, "", fmtMiB(sandboxShare), `+${fmtMiB(app.mem.pss - empty.mem.pss - sandboxShare)} without`, ""],
  ["USS (private pages only: no share of libs other programs map)", fmtMiB(empty.mem.uss), fmtMiB(app.mem.uss), `+${fmtMiB(app.mem.uss - empty.mem.uss)}`, ""],
  ["RSS (double-counts shared libs)", fmtMiB(empty.mem.rss), fmtMiB(app.mem.rss), `+${fmtMiB(app.mem.rss - empty.mem.rss)}`, ""],
  ["processes", String(empty.mem.procs.length), String(app.mem.procs.length), "", ""],
  ["frame time p50 (rAF; empty: idle, app: scrolling)", fmtMs(p(frames.empty, 0.5)), fmtMs(p(frames.app, 0.5)), "", ""],
  ["frame time p95", fmtMs(p(frames.empty, 0.95)), fmtMs(p(frames.app, 0.95)), `${(p(frames.app, 0.95) / p(frames.empty, 0.95)).toFixed(2)}×`, "< 16.7 ms"],
  ["frame time max", fmtMs(Math.max(...frames.empty)), fmtMs(Math.max(...frames.app)), "", ""],
  ["frames > 25 ms (dropped)", `${over(frames.empty)} / ${frames.empty.length}`, `${over(frames.app)} / ${frames.app.length}`, "", ""],
];
const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
console.log("");
for (const [i, r] of rows.entries()) {
  console.log(r.map((cell, c) => cell.padEnd(widths[c])).join("  "));
  if (i === 0) console.log(widths.map((w) => "-".repeat(w)).join("  "));
}
console.log("");
console.log(`attendees: QFLOW_DEMO_ATTENDEES=${process.env.QFLOW_DEMO_ATTENDEES ?? "(default)"}; scrolled event: ${app.table.rowsInEvent} attendees ("${app.table.summary}")`);
console.log(
  `scroll: container ${app.scroll.container}, scrollHeight ${app.scroll.scrollHeight}px / client ${app.scroll.clientHeight}px, ` +
    `at most ${app.scroll.maxRowsInDom} rows in the DOM, ${FRAMES} frames at 120 px/frame` +
    (app.scroll.scrollHeight <= app.scroll.clientHeight + 1 ? " (nothing to scroll: the table fits)" : "") +
    (app.scroll.maxRowsInDom < app.table.rowsInEvent ? " → the table pages/virtualizes (not every row in the DOM)" : " → every row in the DOM"),
);
if (app.late) console.log("note: the attendee rows were already there when the probe ran; the app's cold start is an upper bound.");
for (const [name, m] of [["empty", empty.mem], ["app", app.mem]]) {
  console.log(`${name} processes: ${m.procs.map((x) => `${x.comm} ${fmtMiB(x.pss)} PSS / ${fmtMiB(x.uss)} USS`).join(", ")}`);
}
if (process.env.BENCH_JSON) {
  writeFileSync(process.env.BENCH_JSON, JSON.stringify({ empty, app, sandboxEmpty, sandboxFull }, null, 2));
}
