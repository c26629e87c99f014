// Signing in with real credentials through the form: a wrong password is refused with Rust's
// explanation; the right ones land in the real Secret Service (never in the profile file);
// signing out removes them. Qflow is the sandbox served by the CLI on 127.0.0.1.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { WebDriver, appLog, startCliSandbox, stepper } from "./webdriver.mjs";

const APP = process.env.QFLOW_APP_BIN ?? "target/debug/qflow-console";
const SERVICE = process.env.QFLOW_KEYRING_SERVICE;
const tid = (id) => `[data-testid="${id}"]`;
const d = new WebDriver();
let sandbox;
let creds;

const step = stepper(d, "failed-");

/** The keychain entries of this run's service, as their `username` attributes (secret-tool
 * prints attributes on stderr; the secrets on stdout are never looked at). */
function keychainUsers() {
  const r = spawnSync("secret-tool", ["search", "--all", "service", SERVICE], { encoding: "utf8" });
  return [...r.stderr.matchAll(/^attribute\.username = (.*)$/gm)].map((m) => m[1]).sort();
}

async function fill(field, text) {
  const [el] = await d.waitFor(tid(`signin-${field}`));
  await d.click(el);
  await d.sendKeys(el, text);
}

before(async () => {
  assert.ok(SERVICE, "run under tests/e2e/run.sh (QFLOW_KEYRING_SERVICE)");
  ({ child: sandbox, creds } = await startCliSandbox(APP, 120));
  await step("start", () => d.createSession(APP));
});

after(async () => {
  await d.deleteSession().catch((e) => console.error(`deleteSession: ${e.message}`));
  sandbox?.kill("SIGTERM");
});

test("a wrong password is refused with what to do next, and the secrets are cleared", async () => {
  await step("wrong-password", async () => {
    await d.waitFor(tid("signin-form"), { timeoutMs: 30_000 });
    const [advanced] = await d.waitFor(".advanced summary");
    await d.click(advanced);
    await fill("apiBase", creds.apiBase);
    await fill("identityUrl", creds.identityUrl);
    await fill("username", creds.username);
    await fill("clientId", creds.clientId);
    await fill("password", "not-the-password");
    await fill("clientSecret", creds.clientSecret);
    await fill("clientKey", creds.clientKey);
    await d.click((await d.waitFor(tid("signin-submit")))[0]);
    const [alert] = await d.waitFor(tid("error-notice"), { timeoutMs: 20_000 });
    assert.equal(await d.attribute(alert, "data-code"), "sign_in_failed");
    assert.match(await d.textContent(alert), /password/i);
    for (const f of ["password", "clientSecret", "clientKey"]) {
      const [el] = await d.waitFor(tid(`signin-${f}`));
      assert.equal(await d.execute("return arguments[0].value;", [{ "element-6066-11e4-a52e-4f735466cecf": el }], { retry: true }), "", f);
    }
    assert.deepEqual(keychainUsers(), [], "nothing is stored when the sign-in fails");
    await d.screenshot("signin-error");
  });
});

test("the right credentials sign in and go to the keychain only; sign-out removes them", async () => {
  await step("sign-in", async () => {
    await fill("password", creds.password);
    await fill("clientSecret", creds.clientSecret);
    await fill("clientKey", creds.clientKey);
    await d.click((await d.waitFor(tid("signin-submit")))[0]);
    await d.waitFor(tid("home"), { timeoutMs: 30_000 });
    assert.equal((await d.findAll(tid("demo-badge"))).length, 0, "no Demo badge for a real profile");
    assert.equal(await d.text((await d.waitFor(tid("who-profile")))[0]), "default");
    await d.waitFor(tid("event-row"), { until: (els) => els.length === 3 });

    assert.deepEqual(keychainUsers(), ["default/client_key", "default/client_secret", "default/password"]);
    const profiles = readFileSync(join(process.env.QFLOW_DATA_DIR, "profiles.json"), "utf8");
    assert.match(profiles, /qflow-console-demo/, "client id is saved in the profile");
    for (const secret of [creds.password, creds.clientSecret, creds.clientKey]) {
      assert.ok(!profiles.includes(secret), "no secret in profiles.json");
      assert.ok(!appLog().includes(secret), "no secret in the app's output");
    }
  });

  await step("sign-out", async () => {
    await d.click((await d.waitFor(tid("sign-out")))[0]);
    await d.waitFor(tid("signin-form"), { timeoutMs: 20_000 });
    assert.deepEqual(keychainUsers(), [], "sign-out removes the secrets");
    // The non-secret settings stay, so the form comes back prefilled.
    const [user] = await d.waitFor(tid("signin-username"));
    assert.equal(await d.execute("return arguments[0].value;", [{ "element-6066-11e4-a52e-4f735466cecf": user }], { retry: true }), creds.username);
  });
});
