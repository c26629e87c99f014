// `qflow-console --demo` opens already signed in to the embedded sandbox, which runs in a child
// process of the window (src-tauri/app/demo_child.rs): the demo's domain flow works across the
// two processes (the "records published" switch is shared), and the child ends with the window.
import assert from "node:assert/strict";
import { readdirSync, readFileSync, readlinkSync, realpathSync } from "node:fs";
import { after, before, test } from "node:test";
import { WebDriver, sleep } from "./webdriver.mjs";

const APP = process.env.QFLOW_APP_BIN ?? "target/debug/qflow-console";
const tid = (id) => `[data-testid="${id}"]`;
const d = new WebDriver();

/** Running processes: pid, parent pid, name, executable. */
function processes() {
  const out = [];
  for (const name of readdirSync("/proc").filter((n) => /^\d+$/.test(n))) {
    try {
      const s = readFileSync(`/proc/${name}/stat`, "utf8");
      const close = s.lastIndexOf(")");
      const ppid = Number(s.slice(close + 2).split(" ")[1]);
      out.push({ pid: Number(name), ppid, comm: s.slice(s.indexOf("(") + 1, close), exe: readlinkSync(`/proc/${name}/exe`) });
    } catch {
      // gone, or not ours to read
    }
  }
  return out;
}

let sandboxPid = null;

before(async () => {
  await d.createSession(APP, ["--demo"]);
});

after(async () => {
  await d.deleteSession().catch((e) => console.error(`deleteSession: ${e.message}`));
});

test("--demo skips the sign-in screen", async () => {
  await d.waitFor(tid("home"), { timeoutMs: 30_000 });
  assert.equal(await d.text((await d.waitFor(tid("demo-badge")))[0]), "Demo");
  await d.waitFor(tid("event-row"), { until: (els) => els.length === 3 });
  assert.equal((await d.findAll(tid("signin-form"))).length, 0);
  await d.waitFor(tid("attendee-row"));
});

test("--demo: the sandbox is the window's child process, and the demo domain flow crosses it", async () => {
  const all = processes();
  // This test's binary only: other runs on the machine (benches, other suites) have their own
  // qflow-console --demo and qflow-sandbox children.
  const bin = realpathSync(APP);
  const app = all.filter((p) => p.exe === bin && p.comm !== "qflow-sandbox");
  const child = all.find((p) => p.comm === "qflow-sandbox" && app.some((a) => a.pid === p.ppid));
  assert.ok(child, `no qflow-sandbox child of the app: ${JSON.stringify(all.filter((p) => p.exe.includes("qflow")))}`);
  sandboxPid = child.pid;

  await d.click((await d.waitFor(tid("nav-domain")))[0]);
  const [status] = await d.waitFor(tid("domain-status"));
  assert.equal(await d.attribute(status, "data-status"), "waiting_for_dns");
  // "Publishing" flips the switch on the window's side; the child's /domain/verify reads it.
  await d.click(await d.find(tid("domain-demo-publish")));
  await d.waitFor(tid("domain-message"), { until: async (els) => ((await d.textContent(els[0])) ?? "").includes("Demo") });
  await d.click(await d.find(tid("domain-precheck")));
  await d.waitFor(tid("record-check"), { until: async (els) => (await Promise.all(els.map((e) => d.attribute(e, "data-status")))).every((s) => s === "ok") });
  await d.click(await d.find(tid("domain-verify")));
  await d.waitFor(tid("domain-status"), { until: async (els) => (await d.attribute(els[0], "data-status")) === "verified" });
  await d.screenshot("demo-flag-domain-verified");
});

test("--demo: the sandbox's process ends with the window", async () => {
  assert.ok(sandboxPid, "the previous test found the child");
  await d.deleteSession();
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline && processes().some((p) => p.pid === sandboxPid && p.comm === "qflow-sandbox")) await sleep(100);
  assert.ok(!processes().some((p) => p.pid === sandboxPid && p.comm === "qflow-sandbox"), `qflow-sandbox ${sandboxPid} outlived the window`);
});
