// Runs the workspace's test binaries, several at a time, as `cargo test --workspace` would run
// them one after another: each in its package's folder. Most of them wait on sandboxes and child
// processes, so running them side by side saves CI most of a minute (make test-rust). Output is
// buffered per binary and printed in cargo's order.
//
//   node tests/support/run-tests.mjs ARTIFACTS [--skip-binary NAME] [--first NAME,…] [--last NAME,…] [-- TEST ARGS...]
//
// ARTIFACTS: the JSON lines of `cargo test --no-run --message-format=json…`. Runs what
// `cargo test` runs: lib, bin and integration-test targets (not benches or examples).
// TEST_JOBS (default 3) binaries at once; those named by --first (the longest) start first, so
// that none of them is left running alone at the end; those named by --last run after all the
// others have finished (readers of files other tests write: ts-rs rewrites ui/src/bindings).
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname } from "node:path";

const [artifacts, ...rest] = process.argv.slice(2);
const dash = rest.indexOf("--");
const own = dash < 0 ? rest : rest.slice(0, dash);
const testArgs = dash < 0 ? [] : rest.slice(dash + 1);
const after = (flag) => own.flatMap((a, i) => (own[i - 1] === flag ? [a] : []));
const skip = new Set(after("--skip-binary"));
const first = after("--first").flatMap((a) => a.split(","));
const last = after("--last").flatMap((a) => a.split(","));
const jobs = Math.max(1, Number(process.env.TEST_JOBS ?? 3));

const bins = [];
for (const line of readFileSync(artifacts, "utf8").split("\n")) {
  if (!line.startsWith("{")) continue;
  const m = JSON.parse(line);
  if (m.reason !== "compiler-artifact" || !m.executable || !m.profile?.test) continue;
  const kind = m.target.kind[0];
  if (kind !== "lib" && kind !== "bin" && kind !== "test") continue;
  if (skip.has(m.target.name)) continue;
  bins.push({ name: m.target.name, kind, src: m.target.src_path, exe: m.executable, dir: dirname(m.manifest_path) });
}
if (bins.length === 0) {
  console.error("run-tests: no test binaries in " + artifacts);
  process.exit(1);
}
const rank = (b) => (first.includes(b.name) ? first.indexOf(b.name) : first.length);
const all = bins.map((b, i) => i).sort((a, b) => rank(bins[a]) - rank(bins[b]) || a - b);
const order = all.filter((i) => !last.includes(bins[i].name));
const atTheEnd = all.filter((i) => last.includes(bins[i].name));

function run(b) {
  return new Promise((resolve) => {
    const started = Date.now();
    // cargo sets more (CARGO_PKG_*), but only this one is read at run time by our tests.
    const env = { ...process.env, CARGO_MANIFEST_DIR: b.dir };
    const child = spawn(b.exe, testArgs, { cwd: b.dir, env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    child.on("close", (code, signal) => resolve({ out, code: code ?? 1, signal, secs: (Date.now() - started) / 1000 }));
    child.on("error", (e) => resolve({ out: String(e), code: 1, signal: null, secs: 0 }));
  });
}

const results = new Array(bins.length);
let next = 0;
async function worker() {
  while (next < order.length) {
    const i = order[next++];
    results[i] = await run(bins[i]);
  }
}
const t0 = Date.now();
await Promise.all(Array.from({ length: Math.min(jobs, order.length) }, worker));
for (const i of atTheEnd) results[i] = await run(bins[i]);

const failed = [];
for (const [i, b] of bins.entries()) {
  const r = results[i];
  const what = b.kind === "test" ? b.src.replace(b.dir + "/", "") : `unittests ${b.src.replace(b.dir + "/", "")}`;
  console.log(`     Running ${what} (${b.exe.replace(process.cwd() + "/", "")}) [${r.secs.toFixed(1)} s]`);
  process.stdout.write(r.out);
  if (r.code !== 0) failed.push(`${what} (${b.name}): exit ${r.signal ?? r.code}`);
}
console.log(`run-tests: ${bins.length} test binaries, ${jobs} at a time, in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
if (failed.length) {
  console.log("run-tests: FAILED:\n  " + failed.join("\n  "));
  process.exit(1);
}
