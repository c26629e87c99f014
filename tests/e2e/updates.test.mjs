// "Check for updates" against a loopback update server, with a throwaway key pair made by the
// Tauri CLI (`tauri signer generate`): nothing is looked up until asked (not even in the demo);
// a package signed with the key is verified, then offered with a question; a tampered package,
// a manifest that inflates the signed version, and a package signed with another key are refused
// with a clear message. (Installing and restarting into N+1: tests/package/update.sh, `make test-update`.)
//
// The debug app takes the key and the address from QFLOW_E2E_UPDATE_PUBKEY/_ENDPOINT (release
// builds never read them); it inherits tauri-driver's environment, so it is started through a
// small wrapper script that sets them.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, before, test } from "node:test";
import { appWrapper, keyPair, sign, startUpdateServer } from "./update-server.mjs";
import { stepper, WebDriver } from "./webdriver.mjs";

const APP = resolve(process.env.QFLOW_APP_BIN ?? "target/debug/qflow-console");
const tid = (id) => `[data-testid="${id}"]`;
const d = new WebDriver();
const step = stepper(d, "updates-failed-");
const work = mkdtempSync(join(tmpdir(), "qflow-updates-"));
const NEXT = "0.1.1";

let srv;
/** What the server answers now: { manifest, artifact }, or null (404). */
let answer = null;
let scenarios = {};

before(async () => {
  const [key, pub] = keyPair(work, "test.key");
  const [otherKey] = keyPair(work, "other.key");
  // The package itself is never installed here (see the header): any bytes do.
  const pkg = join(work, `qflow-console_${NEXT}_amd64.deb`);
  writeFileSync(pkg, `qflow-console ${NEXT} test package ${"x".repeat(4096)}`);
  const bytes = readFileSync(pkg);
  const good = sign(key, pkg, NEXT);
  const foreign = sign(otherKey, pkg, NEXT);
  srv = await startUpdateServer(() => answer);
  const tampered = Buffer.from(bytes);
  tampered[tampered.length - 1] ^= 1;
  scenarios = {
    good: { manifest: srv.manifest(NEXT, good), artifact: bytes },
    tamperedArtifact: { manifest: srv.manifest(NEXT, good), artifact: tampered },
    inflatedVersion: { manifest: srv.manifest("0.2.0", good), artifact: bytes },
    otherKey: { manifest: srv.manifest(NEXT, foreign), artifact: bytes },
  };
  await step("start", () => d.createSession(appWrapper(work, APP, pub, srv.endpoint), ["--demo"]));
  await step("demo", () => d.waitFor(tid("attendee-row"), { timeoutMs: 30_000 }));
});

after(async () => {
  await d.deleteSession().catch((e) => console.error(`deleteSession: ${e.message}`));
  srv?.server.close();
  rmSync(work, { recursive: true, force: true });
});

async function check(scenario) {
  answer = scenarios[scenario];
  srv.requests.length = 0;
  await d.click((await d.waitFor(tid("update-check")))[0]);
  return (await d.waitFor(tid("update-dialog"), { timeoutMs: 30_000 }))[0];
}

async function closeDialog() {
  await d.click((await d.waitFor(tid("update-close")))[0]);
  await d.waitFor(tid("update-dialog"), { until: (els) => els.length === 0 });
}

test("the demo does not look for updates until asked", async () => {
  // Start-up and the demo's first list are done: nothing may have asked the update server.
  await new Promise((r) => setTimeout(r, 1500));
  assert.deepEqual(srv.requests, [], "no update request before 'Check for updates'");
});

test("a signed update is verified, then offered with a question (light and dark)", async () => {
  await step("offer", async () => {
    await check("good");
    const q = await d.waitText(tid("update-question"), /Install Qflow Console 0\.1\.1 now\?/);
    assert.match(q, /You have 0\.1\.0\./);
    assert.deepEqual(srv.requests, ["/latest.json", "/pkg.deb"], "the package was downloaded (and verified) before asking");
    assert.match(await d.text((await d.findAll(tid("update-install")))[0]), /Install 0\.1\.1 and restart/);
    assert.equal(await d.text((await d.findAll(tid("update-notes")))[0]), "Faster start-up.");
    await d.screenshot("updates-offer-light");
    await d.execute("document.documentElement.dataset.theme = 'dark';");
    await d.screenshot("updates-offer-dark");
    await d.execute("delete document.documentElement.dataset.theme;");
    await closeDialog(); // "Not now": nothing installed
  });
});

for (const [scenario, code, re] of [
  ["tamperedArtifact", "update_refused", /signature does not match this app's update key/],
  ["otherKey", "update_refused", /signature does not match this app's update key/],
  ["inflatedVersion", "update_refused", /signed for version 0\.1\.1 but the update endpoint announced version 0\.2\.0/],
]) {
  test(`${scenario}: refused with a clear message, nothing offered`, async () => {
    await step(scenario, async () => {
      await check(scenario);
      const [notice] = await d.waitFor(tid("error-notice"));
      assert.equal(await d.attribute(notice, "data-code"), code);
      const text = await d.textContent(notice);
      assert.match(text, re);
      assert.match(text, /Nothing was installed/);
      assert.equal((await d.findAll(tid("update-install"))).length, 0, "no install button");
      if (scenario === "tamperedArtifact") await d.screenshot("updates-refused");
      await closeDialog();
    });
  });
}
