// The first run of a new user: the sign-in screen, "Try the demo", and the signed-in home with
// the sandbox's seeded events and a page of attendees. Runs under tests/e2e/run.sh.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { WebDriver, stepper } from "./webdriver.mjs";

const APP = process.env.QFLOW_APP_BIN ?? "target/debug/qflow-console";
const SEEDED = ["Spring Partner Summit London", "Qflow Customer Conference New York", "Tokyo Developer Day"];
const tid = (id) => `[data-testid="${id}"]`;

const d = new WebDriver();

const step = stepper(d, "failed-");

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

test("search and scrolling ask Rust for matching windows", async () => {
  await step("search", async () => {
    const [summary] = await d.waitFor(tid("attendee-summary"));
    const total = Number((await d.text(summary)).match(/of ([\d,]+)/)[1].replace(/,/g, ""));
    assert.ok(total > 50, `the first event has more than one screenful (${total})`);

    // Every row is the fixed height the virtual scroller computes with.
    const heights = await d.execute(
      "return [...document.querySelectorAll('[data-testid=\"attendee-row\"]')].map((r) => r.getBoundingClientRect().height)",
    );
    assert.ok(heights.length > 0 && heights.every((h) => Math.abs(h - 36) < 0.5), `row heights ${JSON.stringify(heights)}`);

    // Scroll to the end: the last window comes from Rust, and the DOM still holds only a screenful.
    await d.execute("const el = document.querySelector('[data-testid=\"attendee-scroll\"]'); el.scrollTop = el.scrollHeight;");
    const totalText = total.toLocaleString("en-GB");
    await d.waitFor(tid("attendee-summary"), {
      until: async ([s]) => s && new RegExp(`^[\\d,]+–${totalText} of ${totalText}$`).test(await d.text(s)),
    });
    await d.waitFor(tid("attendee-row"), {
      until: (els) => els.length > 0 && els.length < 60,
    });

    // Search by the first attendee's email: the summary says how many match out of the total.
    const [firstEmail] = await d.waitFor(`${tid("attendee-row")} td:nth-child(3)`);
    const email = await d.textContent(firstEmail);
    assert.match(email, /@/, `first row email cell: ${JSON.stringify(email)}`);
    const [search] = await d.waitFor(tid("attendee-search"));
    await d.click(search);
    await d.sendKeys(search, email);
    await d.waitFor(tid("attendee-summary"), {
      until: async ([s]) => s && /^1–\d+ of \d+ matching/.test(await d.text(s)),
    });
    const rows = await d.findAll(tid("attendee-row"));
    const emails = await Promise.all(rows.map(async (r) => (await d.textContent(r)).toLowerCase()));
    assert.ok(emails.length >= 1 && emails.every((t) => t.includes(email.toLowerCase())), JSON.stringify(emails));
    await d.screenshot("home-search");
  });
});
