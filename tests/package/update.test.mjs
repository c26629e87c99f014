// Version N installed from its .deb updates itself to N+1 (tests/package/update.sh builds both and
// installs N): "Check for updates" finds N+1 on a loopback server, the package is verified against
// a throwaway key, the user is asked (screenshot), "Install" installs it with dpkg and the app
// restarts into N+1 — a new process of the new binary with its window.
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { appWrapper, keyPair, sign, startUpdateServer } from "../e2e/update-server.mjs";
import { stepper, WebDriver } from "../e2e/webdriver.mjs";

const N1_DEB = process.env.QFLOW_UPDATE_N1_DEB;
const N1 = process.env.QFLOW_UPDATE_N1_VERSION;
const BIN = "/usr/bin/qflow-console";
const tid = (id) => `[data-testid="${id}"]`;
const d = new WebDriver();
const work = mkdtempSync(join(tmpdir(), "qflow-update-"));
const mark = `qflow-update-test-${process.pid}`;
let srv;

/** Our app processes only: those whose environment carries this run's marker. */
function markedPids() {
  const pids = [];
  for (const p of readdirSync("/proc").filter((n) => /^\d+$/.test(n))) {
    try {
      if (readFileSync(`/proc/${p}/environ`, "latin1").split("\0").includes(`QFLOW_E2E_MARK=${mark}`)) pids.push(Number(p));
    } catch {
      // gone, or not ours to read
    }
  }
  return pids;
}

/** The binary `pid` runs ("… (deleted)" once replaced), or null when it has gone. */
function exeOf(pid) {
  try {
    return readlinkSync(`/proc/${pid}/exe`);
  } catch {
    return null;
  }
}

async function until(what, fn, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

after(async () => {
  await d.deleteSession().catch(() => {});
  for (const pid of markedPids()) {
    try {
      process.kill(pid);
    } catch {
      // already gone
    }
  }
  srv?.server.close();
  rmSync(work, { recursive: true, force: true });
});

test("N installed from its package updates itself to N+1 and restarts into it", async (t) => {
  if (!N1_DEB) {
    t.skip("run through tests/package/update.sh (make test-update)");
    return;
  }
  const step = stepper(d, "update-failed-");
  const [key, pub] = keyPair(work, "test.key");
  const artifact = readFileSync(N1_DEB);
  const signature = sign(key, N1_DEB, N1);
  srv = await startUpdateServer(() => ({ manifest: srv.manifest(N1, signature), artifact }));
  const current = spawnSync(BIN, ["--version"], { encoding: "utf8" }).stdout.trim();

  let before;
  await step("offer", async () => {
    await d.createSession(appWrapper(work, BIN, pub, srv.endpoint, { QFLOW_E2E_MARK: mark }), ["--demo"]);
    await d.waitFor(tid("attendee-row"), { timeoutMs: 30_000 });
    assert.deepEqual(srv.requests, [], "nothing asked before 'Check for updates'");
    await d.click((await d.waitFor(tid("update-check")))[0]);
    const q = await d.waitText(tid("update-question"), new RegExp(`Install Qflow Console ${N1.replaceAll(".", "\\.")} now\\?`), 60_000);
    assert.match(q, new RegExp(`You have ${current.split(" ")[1].replaceAll(".", "\\.")}\\.`));
    await d.screenshot("update-installed-prompt");
    before = markedPids();
    assert.ok(before.length > 0, "the app runs with this run's marker");
  });

  await step("install", async () => {
    // Installing ends this process (restart): the session goes with it.
    await d.click((await d.findAll(tid("update-install")))[0]);
    await until("dpkg lists N+1", () => spawnSync("dpkg-query", ["-W", "-f=${Version}", "qflow-console"], { encoding: "utf8" }).stdout === N1);
    const after = await until("a new app process of the new binary", () => {
      const fresh = markedPids().filter((p) => !before.includes(p));
      return fresh.find((p) => exeOf(p) === BIN);
    });
    await until("its window", () => /"Qflow Console"/.test(execFileSync("xwininfo", ["-root", "-tree"], { encoding: "utf8" })));
    assert.equal(spawnSync(BIN, ["--version"], { encoding: "utf8" }).stdout.trim(), `qflow-console ${N1}`);
    await until("N has exited", () => !before.some((p) => exeOf(p)?.startsWith(BIN)), 15_000);
    console.log(`restarted into ${N1} as pid ${after}`);
  });

  await step("n+1 window", async () => {
    // The restarted N+1 is not the driver's: end it, then open the installed N+1 in a session of
    // its own and ask its window which version it is (the update server still offers N+1).
    for (const pid of markedPids()) process.kill(pid);
    await until("the restarted app has exited", () => markedPids().length === 0, 15_000);
    await d.deleteSession().catch(() => {});
    await d.createSession(appWrapper(work, BIN, pub, srv.endpoint, { QFLOW_E2E_MARK: mark }), ["--demo"]);
    await d.waitFor(tid("attendee-row"), { timeoutMs: 30_000 });
    await d.click((await d.waitFor(tid("update-check")))[0]);
    await d.waitText(tid("update-summary"), new RegExp(`Qflow Console ${N1.replaceAll(".", "\\.")} is up to date\\.`), 60_000);
    assert.equal((await d.findAll(tid("update-install"))).length, 0, "N+1 is not offered to itself");
    await d.screenshot("update-installed-n1");
  });
});
