// The first run of a new user: the sign-in screen, "Try the demo", and the signed-in home with
// the sandbox's seeded events and a page of attendees. Runs under tests/e2e/run.sh.
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { after, before, test } from "node:test";
import { WebDriver } from "./webdriver.mjs";

const APP = process.env.QFLOW_APP_BIN ?? "target/debug/qflow-console";
const SEEDED = ["Spring Partner Summit London", "Qflow Customer Conference New York", "Tokyo Developer Day"];
const tid = (id) => `[data-testid="${id}"]`;

const d = new WebDriver();

/** The app's stderr reaches us only through tauri-driver's log. */
function appLog() {
  const f = process.env.E2E_DRIVER_LOG;
  return f && existsSync(f) ? readFileSync(f, "utf8").split("\n").slice(-60).join("\n") : "(no driver log)";
}

async function step(name, fn) {
  try {
    return await fn();
  } catch (e) {
    await d.screenshot(`failed-${name}`).catch(() => {});
    console.error(`--- step '${name}' failed; app/driver log tail:\n${appLog()}`);
    throw e;
  }
}

before(async () => {
  await step("start", () => d.createSession(APP));
});

after(async () => {
  await d.deleteSession().catch((e) => {
    console.error(`deleteSession: ${e.message}`);
  });
});

test("Try the demo signs in to the sandbox and shows its events and attendees", async () => {
  await step("signin", async () => {
    const [demo] = await d.waitFor(tid("try-demo"), { timeoutMs: 30_000 });
    assert.equal(await d.text(demo), "Try the demo");
    // Secrets are password inputs.
    for (const f of ["password", "clientSecret", "clientKey"]) {
      const [el] = await d.waitFor(tid(`signin-${f}`));
      assert.equal(await d.attribute(el, "type"), "password", f);
    }
    await d.screenshot("signin");
    await d.click(demo);
  });

  await step("home", async () => {
    await d.waitFor(tid("home"), { timeoutMs: 30_000 });
    const [badge] = await d.waitFor(tid("demo-badge"));
    assert.equal(await d.text(badge), "Demo");
    const rows = await d.waitFor(tid("event-row"), { until: (els) => els.length >= 3 });
    const titles = await Promise.all(rows.map(async (r) => (await d.text(r)).split("\n")[0]));
    assert.deepEqual(
      titles.map((t) => SEEDED.find((s) => t.includes(s)) ?? t),
      SEEDED,
      `event list: ${JSON.stringify(titles)}`,
    );
    // Attendee counts arrive in the background; the first event's table fills from Rust.
    await d.waitFor(tid("event-count"), {
      until: async (els) => els.length === 3 && (await Promise.all(els.map((e) => d.text(e)))).every((t) => /\d+ attendees?/.test(t)),
    });
    const guests = await d.waitFor(tid("attendee-row"), { until: (els) => els.length > 0 });
    assert.ok(guests.length <= 50, `one page, not the whole list (${guests.length} rows)`);
    const [summary] = await d.waitFor(tid("attendee-summary"));
    assert.match(await d.text(summary), /^1–\d+ of \d+/);
    await d.screenshot("home-demo");
  });
});
