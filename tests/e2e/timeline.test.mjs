// The delivery timeline against the demo sandbox, whose signed webhooks reach the app's built-in
// receiver (wired at sign-in): resend a ticket and watch sent → delivered → opened appear on the
// attendee's timeline and "Opened" in the table's status column; an attendee on the sandbox's
// bounce domain shows "Bounced" with the reason in plain words. Runs under tests/e2e/run.sh.
import assert from "node:assert/strict";
import { test } from "node:test";
import { WebDriver, sleep, stepper, demoSession } from "./webdriver.mjs";

const APP = process.env.QFLOW_APP_BIN ?? "target/debug/qflow-console";
const tid = (id) => `[data-testid="${id}"]`;
const d = new WebDriver();

const step = stepper(d, "timeline-failed-");

const waitText = (css, re, timeoutMs) => d.waitText(css, re, timeoutMs);

/** The event types shown under the newest send, in order. */
async function newestEvents() {
  return d.execute(
    `const item = document.querySelector('[data-testid="history-item"]');
     return item ? [...item.querySelectorAll('[data-testid="history-event"]')].map((e) => e.dataset.event) : [];`,
  );
}

/** Wait until the newest send's events include `want`; returns them. */
async function waitEvent(want, timeoutMs = 30_000) {
  const until = Date.now() + timeoutMs;
  let seen = [];
  while (Date.now() < until) {
    seen = await newestEvents();
    if (seen.includes(want)) return seen;
    await sleep(250);
  }
  throw new Error(`no "${want}" on the timeline; saw ${JSON.stringify(seen)}`);
}

async function press(el) {
  await d.execute("arguments[0].scrollIntoView({ block: 'center' });", [{ "element-6066-11e4-a52e-4f735466cecf": el }]);
  await d.click(el);
}

async function search(text) {
  const [box] = await d.waitFor(tid("attendee-search"));
  await d.click(box);
  await d.sendKeys(box, "\uE009a\uE009\uE003");
  await d.sendKeys(box, text);
}

/** The rows' text in one script: rows re-render while a search settles (no stale elements). */
async function rowTexts() {
  return d.execute(`return [...document.querySelectorAll('[data-testid="attendee-row"]')].map((r) => r.textContent);`);
}

async function openFirstRow(re) {
  const until = Date.now() + 20_000;
  let texts = [];
  while (Date.now() < until) {
    texts = await rowTexts();
    if (texts.length > 0 && texts.every((t) => re.test(t))) break;
    await sleep(250);
  }
  assert.ok(texts.length > 0 && texts.every((t) => re.test(t)), `rows never all matched ${re}: ${JSON.stringify(texts.slice(0, 3))}`);
  // The name cell (a <tr> is "not interactable" for WebKitWebDriver; other cells may hold controls).
  let cell = null;
  for (const td of await d.findAll(`${tid("attendee-row")} td`)) {
    if (re.test(await d.textContent(td))) {
      cell = td;
      break;
    }
  }
  assert.ok(cell, "the first row's name cell");
  await d.click(cell);
  await d.waitFor(tid("attendee-panel"));
  await waitText(`${tid("attendee-panel")} .panel-head`, re);
}

async function closePanel() {
  const [panel] = await d.waitFor(tid("attendee-panel"));
  await d.sendKeys(panel, "\uE00C");
  await d.waitFor(tid("attendee-panel"), { until: (els) => els.length === 0 });
}

/** The first row's status pill: its text and tooltip. */
async function rowStatus() {
  return d.execute(
    `const s = document.querySelector('[data-testid="attendee-row"] [data-testid="send-status"] .send-status');
     return s ? { text: s.textContent, title: s.getAttribute("title") } : null;`,
  );
}

async function waitRowStatus(re, timeoutMs = 20_000) {
  const until = Date.now() + timeoutMs;
  let last = null;
  while (Date.now() < until) {
    last = await rowStatus();
    if (last && re.test(last.text)) return last;
    await sleep(250);
  }
  throw new Error(`status column never matched ${re}; last ${JSON.stringify(last)}`);
}

demoSession(d, step, APP, async () => {
  await d.waitFor(tid("attendee-row"), { timeoutMs: 30_000 });
});

test("timeline: resend → sent → delivered → opened on the timeline and in the status column", async () => {
  await step("open", async () => {
    await search("Søren");
    await openFirstRow(/Søren/);
    await waitText(tid("history-empty"), /No sends/);
  });
  await step("resend", async () => {
    await d.waitFor(tid("resend-preview"), { timeoutMs: 30_000 });
    const [start] = await d.waitFor(tid("resend-start"), { until: async ([b]) => b && (await d.attribute(b, "disabled")) === null });
    await press(start);
    const [send] = await d.waitFor(tid("resend-send"));
    await press(send);
    await waitText(tid("resend-result"), /queued/);
  });
  await step("sent", async () => {
    await waitEvent("sent");
    await waitText(tid("history-result"), /Queued/);
  });
  await step("opened", async () => {
    // The panel polls the local store: no reload, no click.
    const seen = await waitEvent("opened");
    assert.deepEqual(seen, ["sent", "delivered", "opened"]);
    assert.equal((await d.findAll(tid("history-item"))).length, 1, "one send, its events under it");
    await waitText(tid("history-state"), /Opened/);
    const [list] = await d.findAll(tid("history"));
    await d.execute("arguments[0].scrollIntoView({ block: 'center' });", [{ "element-6066-11e4-a52e-4f735466cecf": list }]);
    await d.screenshot("timeline-opened");
  });
  await step("column", async () => {
    await closePanel();
    const st = await waitRowStatus(/Opened/);
    assert.match(st.title, /^Opened · /);
    await d.screenshot("timeline-status");
  });
});

test("timeline: a bounce-domain attendee shows Bounced with the reason in plain words", async () => {
  await step("add", async () => {
    const [add] = await d.waitFor(tid("add-start"));
    await d.click(add);
    await d.waitFor(tid("add-attendee"));
    await d.sendKeys((await d.waitFor(tid("add-firstName")))[0], "Bruno");
    await d.sendKeys((await d.waitFor(tid("add-lastName")))[0], "Bounce");
    await d.sendKeys((await d.waitFor(tid("add-email")))[0], "nobody@bounce.example");
    const [option] = await d.waitFor(`${tid("add-template")} option:nth-child(2)`);
    await d.click(option);
    await sleep(300);
    await d.waitFor(tid("add-submit"), { until: async ([b]) => b && (await d.attribute(b, "disabled")) === null, timeoutMs: 15_000 });
    await d.click((await d.findAll(tid("add-submit")))[0]);
    await d.waitFor(tid("attendee-panel"), { timeoutMs: 30_000 });
    await waitText(tid("panel-name"), /Bruno Bounce/);
  });
  await step("bounced", async () => {
    const seen = await waitEvent("bounced");
    assert.deepEqual(seen, ["sent", "bounced"]);
    await waitText(tid("history-state"), /Bounced/);
    await waitText(tid("history-reason"), /does not exist/);
    const [list] = await d.findAll(tid("history"));
    await d.execute("arguments[0].scrollIntoView({ block: 'center' });", [{ "element-6066-11e4-a52e-4f735466cecf": list }]);
    await d.screenshot("timeline-bounced");
  });
  await step("column", async () => {
    await closePanel();
    await search("bounce.example");
    const st = await waitRowStatus(/Bounced/);
    assert.match(st.title, /does not exist/);
  });
});
