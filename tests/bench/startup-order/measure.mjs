// Part of tests/bench/startup-order.sh: starts BIN --demo with the shim, waits until its first
// list is loaded and shown, reads which pages of BIN's code the window and the demo's sandbox
// process have mapped (/proc/PID/pagemap), and writes the functions on those pages to OUT.
//
//   node measure.mjs BIN SHIM OUT
import { execFileSync, spawn } from "node:child_process";
import { closeSync, existsSync, openSync, readFileSync, readSync, readdirSync, writeFileSync } from "node:fs";

const [bin, shim, out] = process.argv.slice(2);
const PAGE = 4096;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const app = spawn(bin, ["--demo"], {
  env: { ...process.env, LD_PRELOAD: shim, QFLOW_ORDER_EXE: bin },
  stdio: ["ignore", "ignore", "inherit"],
});
try {
  // The window's start-up as make bench-ui measures it: the page loaded and the default event's
  // whole list in, then the background loads (the other events' counts) settled.
  const marks = process.env.QFLOW_STARTUP_MARKS;
  const deadline = Date.now() + 180_000;
  const has = (m) => existsSync(marks) && readFileSync(marks, "utf8").includes(`${m} `);
  while (!(has("page-finished") && has("demo-list-loaded"))) {
    if (Date.now() > deadline) throw new Error("the demo did not load its list in 3 minutes");
    if (app.exitCode !== null) throw new Error(`the app exited (${app.exitCode})`);
    await sleep(200);
  }
  await sleep(8000);

  const sandbox = readdirSync("/proc")
    .filter((p) => /^\d+$/.test(p))
    .find((p) => {
      try {
        const stat = readFileSync(`/proc/${p}/stat`, "utf8");
        return stat.includes("(qflow-sandbox)") && stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1] === String(app.pid);
      } catch {
        return false;
      }
    });
  if (!sandbox) throw new Error("no demo sandbox process (qflow-sandbox) under the app");

  const functions = textFunctions(bin);
  const win = functionsOn(mappedPages(app.pid, bin), functions);
  const child = functionsOn(mappedPages(Number(sandbox), bin), functions);
  const childOnly = [...child].filter((f) => !win.has(f));
  const names = [...[...win].sort((a, b) => a.addr - b.addr), ...childOnly.sort((a, b) => a.addr - b.addr)].map((f) => f.name);
  const mib = (set) => ([...set].reduce((a, f) => a + f.size, 0) / 2 ** 20).toFixed(1);
  console.log(`startup-order: the window ran ${win.size} functions (${mib(win)} MiB), the demo's sandbox ${childOnly.length} more (${mib(childOnly)} MiB), of ${functions.length}`);
  writeFileSync(out, names.join("\n") + "\n");
} finally {
  app.kill("SIGTERM");
}

/** Text symbols of `bin`: name, file offset, size. */
function textFunctions(file) {
  // File offset = address − (vaddr − offset) of the executable segment.
  const seg = execFileSync("readelf", ["-lW", file], { encoding: "utf8" })
    .split("\n")
    .find((l) => /^\s*LOAD\b.*\bR E\b/.test(l))
    ?.trim()
    .split(/\s+/);
  if (!seg) throw new Error(`${file}: no executable segment`);
  const shift = Number.parseInt(seg[2], 16) - Number.parseInt(seg[1], 16);
  const nm = execFileSync("nm", ["-S", "--defined-only", file], { encoding: "utf8", maxBuffer: 1 << 30 });
  const out = [];
  for (const line of nm.split("\n")) {
    const [addr, size, kind, name] = line.split(" ");
    if (!name || !/^[tTwW]$/.test(kind)) continue;
    out.push({ name, addr: Number.parseInt(addr, 16) - shift, size: Number.parseInt(size, 16) });
  }
  if (out.length === 0) throw new Error(`${file} has no symbols (a stripped build?)`);
  return out;
}

/** File offsets of the pages of `file`'s code that `pid` has mapped. */
function mappedPages(pid, file) {
  const pages = new Set();
  const pagemap = openSync(`/proc/${pid}/pagemap`, "r");
  try {
    for (const line of readFileSync(`/proc/${pid}/maps`, "utf8").split("\n")) {
      const m = line.match(/^([0-9a-f]+)-([0-9a-f]+) (\S+) ([0-9a-f]+) \S+ \S+\s+(.*)$/);
      if (!m || m[5] !== file || !m[3].includes("x")) continue;
      const [from, to, offset] = [m[1], m[2], m[4]].map((x) => Number.parseInt(x, 16));
      const entries = Buffer.alloc(((to - from) / PAGE) * 8);
      readSync(pagemap, entries, 0, entries.length, (from / PAGE) * 8);
      for (let i = 0; i < entries.length / 8; i++) {
        if (entries.readBigUInt64LE(i * 8) >> 63n) pages.add(offset + i * PAGE);
      }
    }
  } finally {
    closeSync(pagemap);
  }
  return pages;
}

/** The functions with a byte on one of `pages`. */
function functionsOn(pages, functions) {
  const on = new Set();
  for (const f of functions) {
    const first = Math.floor(f.addr / PAGE) * PAGE;
    for (let p = first; p < f.addr + Math.max(f.size, 1); p += PAGE) {
      if (pages.has(p)) {
        on.add(f);
        break;
      }
    }
  }
  return on;
}
