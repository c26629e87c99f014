// Saved profiles against the sandbox served by the CLI: sign in as "Production", add "Staging"
// without losing Production's secrets, switch back from the top bar without typing, sign out
// (only that profile's secrets leave the keychain), one-click sign-in from the saved list, and
// "sign out and forget" (nothing left in the keychain). Runs under tests/e2e/run.sh.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { after, before, test } from "node:test";
import { WebDriver, startCliSandbox, stepper } from "./webdriver.mjs";

const APP = process.env.QFLOW_APP_BIN ?? "target/debug/qflow-console";
const SERVICE = process.env.QFLOW_KEYRING_SERVICE;
const tid = (id) => `[data-testid="${id}"]`;
const d = new WebDriver();
const step = stepper(d, "profiles-failed-");
let sandbox;
let creds;

/** Keychain entries of this run's service, by their `username` attribute (never the secrets). */
function keychainUsers() {
  const r = spawnSync("secret-tool", ["search", "--all", "service", SERVICE], { encoding: "utf8" });
  return [...r.stderr.matchAll(/^attribute\.username = (.*)$/gm)].map((m) => m[1]).sort();
}

async function fill(field, text) {
  const [el] = await d.waitFor(tid(`signin-${field}`));
  await d.click(el);
  await d.sendKeys(el, "\uE009a\uE009\uE003");
  await d.sendKeys(el, text);
}

async function signInWithForm(profile, username) {
  await d.waitFor(tid("signin-form"), { timeoutMs: 30_000 });
  const [advanced] = await d.waitFor(".advanced summary");
  const open = await d.execute("return arguments[0].parentElement.open;", [{ "element-6066-11e4-a52e-4f735466cecf": advanced }]);
  if (!open) await d.click(advanced);
  await fill("apiBase", creds.apiBase);
  await fill("identityUrl", creds.identityUrl);
  await fill("profile", profile);
  await fill("username", username);
  await fill("clientId", creds.clientId);
  await fill("password", creds.password);
  await fill("clientSecret", creds.clientSecret);
  await fill("clientKey", creds.clientKey);
  await d.click((await d.waitFor(tid("signin-submit")))[0]);
  await signedInAs(profile);
}

/** Open the top bar's profile menu and wait until its items are in place. */
async function openProfileMenu() {
  await d.click(await d.find(tid("profile-switch")));
  await d.waitFor(tid("profile-menu"), {
    until: async ([menu]) => menu && !(await d.textContent(menu)).includes("Loading profiles"),
  });
}

async function signedInAs(profile) {
  await d.waitFor(tid("who-profile"), {
    timeoutMs: 30_000,
    until: async ([el]) => el && (await d.textContent(el)) === profile,
  });
  await d.waitFor(`${tid("event-list")}, ${tid("events-empty")}`, { timeoutMs: 30_000 });
}

const secretsOf = (profile) => [`${profile}/client_key`, `${profile}/client_secret`, `${profile}/password`];

before(async () => {
  assert.ok(SERVICE, "run under tests/e2e/run.sh (QFLOW_KEYRING_SERVICE)");
  ({ child: sandbox, creds } = await startCliSandbox(APP, 60));
  await step("start", () => d.createSession(APP));
});

after(async () => {
  await d.deleteSession().catch((e) => console.error(`deleteSession: ${e.message}`));
  sandbox?.kill("SIGTERM");
});

test("profiles: two saved accounts, switch without typing, sign out and forget", async () => {
  await step("production", async () => {
    await signInWithForm("Production", creds.username);
    assert.deepEqual(keychainUsers(), secretsOf("Production"));
  });

  await step("add staging", async () => {
    await openProfileMenu();
    await d.click((await d.waitFor(tid("profile-add")))[0]);
    // Production stays saved, one click away.
    await d.waitFor(`${tid("saved-profile")}[data-profile="Production"] ${tid("profile-sign-in")}`);
    await d.screenshot("profiles-add-another");
    await signInWithForm("Staging", "other@qflow.example");
    assert.deepEqual(keychainUsers(), [...secretsOf("Production"), ...secretsOf("Staging")]);
  });

  await step("switch", async () => {
    await openProfileMenu();
    const [item] = await d.waitFor(`${tid("profile-menu-item")}[data-profile="Production"]`);
    await d.screenshot("profiles-switch-menu");
    await d.click(item);
    await signedInAs("Production");
    await d.screenshot("profiles-switched");
  });

  await step("sign out", async () => {
    await d.click(await d.find(tid("sign-out")));
    await d.waitFor(tid("signin-form"), { timeoutMs: 20_000 });
    assert.deepEqual(keychainUsers(), secretsOf("Staging"), "sign-out removes only this profile's secrets");
    await d.waitFor(`${tid("saved-profile")}[data-profile="Production"] ${tid("profile-prefill")}`);
    await d.waitFor(`${tid("saved-profile")}[data-profile="Staging"] ${tid("profile-sign-in")}`);
    await d.screenshot("profiles-signin-list");
  });

  await step("one-click sign-in", async () => {
    await d.click(await d.find(`${tid("saved-profile")}[data-profile="Staging"] ${tid("profile-sign-in")}`));
    await signedInAs("Staging");
  });

  await step("forget", async () => {
    await openProfileMenu();
    await d.click((await d.waitFor(tid("profile-forget-current")))[0]);
    await d.waitFor(tid("signin-form"), { timeoutMs: 20_000 });
    assert.deepEqual(keychainUsers(), [], "nothing left in the keychain");
    // The saved list loads after the form shows.
    await d.waitFor(tid("saved-profile"));
    const names = await d.execute(`return [...document.querySelectorAll('[data-testid="saved-profile"]')].map((e) => e.dataset.profile);`, [], { retry: true });
    assert.deepEqual(names, ["Production"]);
    await d.screenshot("profiles-forgotten");
  });
});
