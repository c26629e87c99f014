// The domain recheck in the demo: the checklist opens, the app says when it asks Qflow again,
// the background toggle is stored, the DNS admin "publishes" (demo button), and the app finds
// out on its own: the verified banner and the nav pill, without anyone clicking Verify.
// Uses the real cadence (first check 30 s after the last user action) unless
// QFLOW_RECHECK_STEPS is set for the app. Runs under tests/e2e/run.sh (pattern: "domain-recheck:").
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { WebDriver, sleep, stepper } from "./webdriver.mjs";

const APP = process.env.QFLOW_APP_BIN ?? "target/debug/qflow-console";
const tid = (id) => `[data-testid="${id}"]`;
const d = new WebDriver();

const step = stepper(d, "domain-recheck-failed-");

const waitText = (css, re, timeoutMs) => d.waitText(css, re, timeoutMs);

const checked = async () => d.execute(`return document.querySelector('${tid("recheck-background")}').checked;`);

before(async () => {
  await step("start", () => d.createSession(APP));
});

after(async () => {
  await d.deleteSession().catch((e) => console.error(`deleteSession: ${e.message}`));
});

test("domain-recheck: the app rechecks on its own and shows the verified banner without a Verify click", async () => {
  await step("signin", async () => {
    await d.signInDemo();
    await d.click((await d.waitFor(tid("nav-domain")))[0]);
  });

  await step("waiting", async () => {
    await d.waitFor(tid("checklist-record"), { until: (els) => els.length === 3 });
    const [panel] = await d.waitFor(tid("domain-recheck"));
    assert.equal(await d.attribute(panel, "data-phase"), "waiting");
    await waitText(tid("recheck-status"), /next check in \d+ s/);
    assert.equal(await checked(), false, "background rechecking is off by default");
    await sleep(1200); // the countdown has ticked
    await d.screenshot("domain-recheck-waiting");
  });

  await step("background-toggle-is-stored", async () => {
    await d.click(await d.find(tid("recheck-background")));
    await d.waitFor(tid("recheck-background"), { until: async () => (await checked()) === true });
    // Leave the screen and come back: the setting comes from Rust, not from the old page.
    await d.click(await d.find(tid("nav-events")));
    await d.waitFor(tid("home"));
    await d.click(await d.find(tid("nav-domain")));
    await d.waitFor(tid("recheck-background"));
    assert.equal(await checked(), true);
    await d.click(await d.find(tid("recheck-background")));
    await d.waitFor(tid("recheck-background"), { until: async () => (await checked()) === false });
  });

  await step("verified-on-its-own", async () => {
    await d.click(await d.find(tid("domain-demo-publish")));
    await waitText(tid("domain-message"), /Demo/);
    // Publishing starts the cadence over: the next check (30 s) finds the records.
    await waitText(tid("recheck-status"), /next check in/);
    const banner = await waitText(tid("domain-verified-banner"), /events\.example\.com is verified/, 90_000);
    assert.match(banner, /emails can now come from your domain/);
    const [status] = await d.waitFor(tid("domain-status"));
    assert.equal(await d.attribute(status, "data-status"), "verified");
    await d.waitFor(tid("domain-pill"), { until: async (els) => (await d.attribute(els[0], "data-status")) === "verified" });
    // The checks' answers tick the records.
    const records = await d.findAll(tid("checklist-record"));
    const classes = await Promise.all(records.map((r) => d.attribute(r, "class")));
    assert.ok(classes.every((c) => c.includes("record-done")), JSON.stringify(classes));
    await sleep(200);
    await d.screenshot("domain-recheck-verified");
  });
});
