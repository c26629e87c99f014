// Arrivals against the demo sandbox: check three people in at the desk, add two attendees whose
// mail is delivered and never opened (the sandbox's unopened.example), open Arrivals and see the
// numbers and the chart, export the CSV (QFLOW_E2E_SAVE_PATH stands in for the save dialog),
// then "Not opened" → resend-to-selected's review shows exactly those two. Light and dark
// screenshots. Runs under tests/e2e/run.sh.
import assert from "node:assert/strict";
import fs from "node:fs";
import { test } from "node:test";
import { WebDriver, demoSession, sleep, stepper } from "./webdriver.mjs";

const APP = process.env.QFLOW_APP_BIN ?? "target/debug/qflow-console";
const tid = (id) => `[data-testid="${id}"]`;
const EL = "element-6066-11e4-a52e-4f735466cecf";
const d = new WebDriver();
const step = stepper(d, "arrivals-failed-");
const waitText = (css, re, timeoutMs) => d.waitText(css, re, timeoutMs);

demoSession(d, step, APP, () => d.waitFor(tid("attendee-row"), { timeoutMs: 30_000, until: (rows) => rows.length >= 6 }));

/** The numbers the Arrivals screen shows: [checked in, expected]. */
async function shownCounts() {
  const t = await d.textContent((await d.waitFor(tid("arrivals-checked-in")))[0]);
  const m = /([\d,]+) \/ ([\d,]+)/.exec(t);
  assert.ok(m, `checked-in text: ${t}`);
  return [Number(m[1].replaceAll(",", "")), Number(m[2].replaceAll(",", ""))];
}

async function openArrivals() {
  const [open] = await d.waitFor(tid("arrivals-open"));
  assert.equal(await d.textContent(open), "Arrivals");
  await d.click(open);
  await d.waitFor(tid("arrivals-checked-in"), { timeoutMs: 20_000 });
}

async function closeArrivals() {
  await d.click((await d.waitFor(tid("arrivals-close")))[0]);
  await d.waitFor(tid("arrivals"), { until: (els) => els.length === 0 });
}

async function addUnopened(first, email) {
  await d.click((await d.waitFor(tid("add-start")))[0]);
  await d.waitFor(tid("add-attendee"));
  await d.sendKeys((await d.waitFor(tid("add-firstName")))[0], first);
  await d.sendKeys((await d.waitFor(tid("add-lastName")))[0], "Unopened");
  await d.sendKeys((await d.waitFor(tid("add-email")))[0], email);
  const [option] = await d.waitFor(`${tid("add-template")} option:nth-child(2)`);
  const templateId = await d.execute("return arguments[0].value;", [{ [EL]: option }]);
  await d.click(option);
  await sleep(300);
  await d.waitFor(tid("add-submit"), { until: async ([b]) => b && (await d.attribute(b, "disabled")) === null, timeoutMs: 15_000 });
  await d.click((await d.findAll(tid("add-submit")))[0]);
  await d.waitFor(tid("attendee-panel"), { timeoutMs: 30_000 });
  await waitText(tid("panel-name"), new RegExp(`${first} Unopened`));
  await closePanel();
  return templateId;
}

async function closePanel() {
  const [panel] = await d.waitFor(tid("attendee-panel"));
  await d.sendKeys(panel, "\uE00C");
  await d.waitFor(tid("attendee-panel"), { until: (els) => els.length === 0 });
}

/** `name-light`, `name-dark`, and scrolled to email health, targets and no-shows: `name-lower-…`. */
async function shots(name) {
  for (const theme of ["light", "dark"]) {
    await d.execute(`document.documentElement.dataset.theme = '${theme}';`);
    await d.execute(`document.querySelector('[data-testid="arrivals"]').scrollTop = 0;`);
    await sleep(200);
    await d.screenshot(`${name}-${theme}`);
    await d.execute(`document.getElementById("arrivals-health-title").scrollIntoView({ block: "start" });`);
    await sleep(200);
    await d.screenshot(`${name}-lower-${theme}`);
  }
  await d.execute("document.documentElement.dataset.theme = 'light';");
  await d.execute(`document.querySelector('[data-testid="arrivals"]').scrollTop = 0;`);
}

test("arrivals: numbers, chart, CSV, and Not opened → resend-to-selected review", async () => {
  let before = [0, 0];
  let addTemplate = "";
  await step("before", async () => {
    await openArrivals();
    before = await shownCounts();
    await closeArrivals();
  });
  await step("check in three", async () => {
    // Three rows not checked in yet (name cells: a <tr> is not clickable for WebKitWebDriver).
    const ids = await d.execute(
      `return [...document.querySelectorAll('[data-testid="attendee-row"]')]
         .filter((r) => !r.textContent.includes("Checked in")).slice(0, 3).map((r) => r.dataset.guestId);`,
    );
    assert.equal(ids.length, 3, "three attendees not checked in");
    for (const id of ids) {
      const [cell] = await d.waitFor(`[data-guest-id="${id}"] td.cell-name`);
      await d.click(cell);
      await d.waitFor(tid("attendee-panel"));
      const [toggle] = await d.waitFor(tid("checkin-toggle"));
      await waitText(tid("checkin-toggle"), /^Check in$/);
      await d.click(toggle);
      await waitText(tid("panel-checkin-state"), /Checked in/);
      await closePanel();
    }
  });
  await step("add two unopened", async () => {
    addTemplate = await addUnopened("Una", "una@unopened.example");
    await addUnopened("Otto", "otto@unopened.example");
  });
  await step("numbers and chart", async () => {
    await openArrivals();
    const now = await shownCounts();
    assert.deepEqual(now, [before[0] + 3, before[1] + 2], "three more in, two more expected");
    await waitText(tid("arrivals-no-shows"), new RegExp(`^${(now[1] - now[0]).toLocaleString("en-GB")}not checked in`));
    // The three check-ins are in the latest 5-minute bar, drawn by Rust's numbers.
    const bars = await d.execute(`return [...document.querySelectorAll('[data-testid="arrivals-bar"]')].map((b) => Number(b.dataset.count));`);
    assert.ok(bars.length >= 1, "a bar per slot");
    assert.ok(bars[bars.length - 1] >= 3, `latest slot ${bars[bars.length - 1]} holds the three check-ins`);
    await waitText(tid("arrivals-peak"), /peak/);
    // Email health from the local timeline: the two sends are delivered (never opened).
    await waitText(tid("health-delivered"), /Delivered\s*2$/, 30_000);
    await waitText(tid("health-opened"), /Opened\s*0$/);
    await waitText(tid("target-not_opened"), /^Not opened \(2\)$/);
    await shots("arrivals");
  });
  await step("export csv", async () => {
    const savePath = process.env.QFLOW_E2E_SAVE_PATH;
    assert.ok(savePath, "run.sh sets QFLOW_E2E_SAVE_PATH");
    fs.rmSync(savePath, { force: true });
    await d.click((await d.waitFor(tid("arrivals-export")))[0]);
    await waitText(tid("arrivals-saved"), /^Saved \d+ rows to /);
    const csv = fs.readFileSync(savePath, "utf8");
    const lines = csv.trim().split(/\r?\n/);
    assert.equal(lines[0], "section,item,value");
    const now = await shownCounts();
    assert.ok(lines.includes(`summary,checked_in,${now[0]}`), csv);
    assert.ok(lines.includes(`summary,expected,${now[1]}`), csv);
    assert.ok(lines.includes("email,delivered,2"), csv);
    assert.ok(lines.some((l) => /^arrivals,\d{4}-\d\d-\d\dT\d\d:\d\d:00[+-]\d\d:\d\d,\d+$/.test(l)), csv);
    assert.equal(fs.statSync(savePath).mode & 0o777, 0o600, "the export is private");
  });
  await step("not opened → review", async () => {
    await d.click((await d.waitFor(tid("target-not_opened")))[0]);
    await d.waitFor(tid("arrivals"), { until: (els) => els.length === 0 });
    await waitText(tid("bulk-selected"), /^2 selected$/);
    // Another template than the one they just got, so the duplicate guard skips nobody.
    await d.waitFor(`${tid("bulk-template")} option`, { until: (els) => els.length >= 1 });
    const other = await d.execute(
      `const s = document.querySelector('[data-testid="bulk-template"]');
       const o = [...s.options].find((o) => o.value && o.value !== arguments[0]);
       return o ? o.value : null;`,
      [addTemplate],
    );
    if (other) {
      const [opt] = await d.waitFor(`${tid("bulk-template")} option[value="${other}"]`);
      await d.click(opt);
      await sleep(200);
    }
    await d.click((await d.waitFor(tid("bulk-review")))[0]);
    if (other) {
      await waitText(tid("bulk-confirm-count"), /^2 of 2 selected attendees will get this email/);
    } else {
      await waitText(tid("bulk-recent"), /^2 already got this template/);
    }
    await d.screenshot("arrivals-resend-review");
  });
});

test("arrivals: a past event's check-ins per 5 minutes, with the peak and a table alternative", async () => {
  await step("past event", async () => {
    await d.execute(`document.querySelector('[data-testid="bulk-confirm"] .btn-ghost')?.click();`);
    await d.execute(`document.querySelector('[data-testid="bulk-clear"]')?.click();`);
    // The demo's past event (its attendees checked in around its start).
    const rows = await d.findAll(tid("event-row"));
    let picked = null;
    for (const r of rows) {
      if (/Spring Partner/.test(await d.textContent(r))) {
        picked = r;
        break;
      }
    }
    assert.ok(picked, "the demo's past event is listed");
    await d.click(picked);
    await sleep(500);
    await openArrivals();
    const [inside, expected] = await shownCounts();
    assert.ok(inside > 0 && inside <= expected, `${inside} of ${expected} checked in`);
    const bars = await d.execute(`return [...document.querySelectorAll('[data-testid="arrivals-bar"]')].map((b) => Number(b.dataset.count));`);
    assert.ok(bars.length > 3, `a bar per 5 minutes (${bars.length})`);
    const peak = Math.max(...bars);
    await waitText(tid("arrivals-peak"), new RegExp(`^${peak}peak`));
    assert.equal((await d.findAll(".chart-peak")).length, 1, "one peak bar");
    // The table alternative holds every slot.
    const rowsAlt = await d.execute(`return document.querySelectorAll('[data-testid="arrivals-table"] tbody tr').length;`);
    assert.equal(rowsAlt, bars.length);
    await shots("arrivals-past");
    await closeArrivals();
  });
});
