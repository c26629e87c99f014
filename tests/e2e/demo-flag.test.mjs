// `qflow-console --demo` opens already signed in to the embedded sandbox.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { WebDriver } from "./webdriver.mjs";

const APP = process.env.QFLOW_APP_BIN ?? "target/debug/qflow-console";
const tid = (id) => `[data-testid="${id}"]`;
const d = new WebDriver();

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
