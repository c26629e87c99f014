// Events against the demo sandbox: create an event in Asia/Tokyo through the zone picker, see it
// listed with "(UTC+09:00)", a refused form naming its field, edit the title, and delete it
// through the confirmation that names it. Runs under tests/e2e/run.sh.
import assert from "node:assert/strict";
import { test } from "node:test";
import { WebDriver, sleep, stepper, demoSession } from "./webdriver.mjs";

const APP = process.env.QFLOW_APP_BIN ?? "target/debug/qflow-console";
const tid = (id) => `[data-testid="${id}"]`;
const d = new WebDriver();
const step = stepper(d, "events-failed-");

const TITLE = "Tokyo launch night";
const EDITED = "Tokyo launch night (rooftop)";
// Inside the default range (30 days back to 6 months ahead).
const day = new Date(Date.now() + 20 * 86_400_000).toISOString().slice(0, 10);

/** Replace a field's text the way React sees it (WebDriver clear does not fire `input`). */
async function fill(testId, text) {
  const [box] = await d.waitFor(tid(testId));
  await d.click(box);
  await d.sendKeys(box, "\uE009a\uE009\uE003");
  await d.sendKeys(box, text);
}

const value = (el) => d.execute("return arguments[0].value;", [{ "element-6066-11e4-a52e-4f735466cecf": el }], { retry: true });

/** The event rows' textContent, read in one script (rows re-render under the driver). */
function rowTexts() {
  return d.execute(`return [...document.querySelectorAll('[data-testid="event-row"]')].map((e) => e.textContent);`, [], { retry: true });
}

async function waitRows(pred, what, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  let last = [];
  while (Date.now() < deadline) {
    last = await rowTexts();
    if (pred(last)) return last;
    await sleep(250);
  }
  throw new Error(`${what}: not within ${timeoutMs} ms; rows ${JSON.stringify(last)}`);
}

async function waitRow(pred, what) {
  return (await waitRows((rows) => rows.some(pred), what)).find(pred);
}

demoSession(d, step, APP, async () => {
  await d.waitFor(tid("event-row"), { timeoutMs: 30_000 });
});

test("events: create in Asia/Tokyo via the zone picker, edit, delete with a named confirmation", async () => {
  await step("list", async () => {
    const texts = await rowTexts();
    assert.equal(texts.length, 3, JSON.stringify(texts));
    // Seeded events show their zone's offset.
    assert.ok(texts.some((t) => /Europe\/London \(UTC\+0[01]:00\)/.test(t)), JSON.stringify(texts));
    await d.screenshot("events-list");
  });

  await step("open form", async () => {
    await d.click(await d.find(tid("event-new")));
    await d.waitFor(tid("event-form"));
    await fill("event-title", TITLE);
    await fill("event-start", `${day} 19:00`);
    // Refused before any request, naming the field.
    await fill("event-end", `${day} 18:00`);
    await d.click(await d.find(tid("event-save")));
    const [alert] = await d.waitFor(`${tid("event-form")} [role="alert"]`);
    assert.match(await d.textContent(alert), /after the start/);
    await d.waitFor(`.field-invalid ${tid("event-end")}`);
    await d.screenshot("events-invalid");
    await fill("event-end", `${day} 23:30`);
    await d.waitFor(`.field-invalid ${tid("event-end")}`, { until: (els) => els.length === 0 });
  });

  await step("zone picker", async () => {
    await fill("zone-search", "tokyo");
    const [opt] = await d.waitFor(`${tid("zone-option")}[data-zone="Asia/Tokyo"]`);
    assert.match(await d.textContent(opt), /UTC\+09:00/);
    await d.screenshot("events-zone-picker");
    await d.click(opt);
    const [box] = await d.waitFor(tid("zone-search"), { until: async ([b]) => b && (await value(b)) === "Asia/Tokyo (UTC+09:00)" });
    assert.ok(box);
    await d.screenshot("events-form");
  });

  await step("create", async () => {
    await d.click(await d.find(tid("event-save")));
    await d.waitFor(tid("event-form"), { until: (els) => els.length === 0 });
    const row = await waitRow((t) => t.includes(TITLE), "created event listed");
    assert.match(row, /19:00–23:30 Asia\/Tokyo \(UTC\+09:00\)/);
    assert.equal((await rowTexts()).length, 4);
    await d.screenshot("events-created");
  });

  await step("edit", async () => {
    // The saved event is the selected one: its actions show under it.
    await d.click(await d.find(tid("event-edit")));
    const [title] = await d.waitFor(tid("event-title"));
    assert.equal(await value(title), TITLE);
    const [zone] = await d.waitFor(tid("zone-search"), { until: async ([b]) => b && (await value(b)) === "Asia/Tokyo (UTC+09:00)" });
    assert.ok(zone);
    await fill("event-title", EDITED);
    await d.click(await d.find(tid("event-save")));
    await d.waitFor(tid("event-form"), { until: (els) => els.length === 0 });
    const row = await waitRow((t) => t.includes(EDITED), "edited title listed");
    assert.match(row, /\(UTC\+09:00\)/);
    assert.equal((await rowTexts()).length, 4);
    await d.screenshot("events-edited");
  });

  await step("delete", async () => {
    await d.click(await d.find(tid("event-delete")));
    const [name] = await d.waitFor(tid("event-delete-name"));
    assert.equal(await d.textContent(name), EDITED);
    const [yes] = await d.waitFor(tid("event-delete-yes"));
    assert.equal(await d.textContent(yes), `Delete ${EDITED}`);
    await d.screenshot("events-delete-confirm");
    await d.click(yes);
    await d.waitFor(tid("event-delete-confirm"), { until: (els) => els.length === 0 });
    const rows = await waitRows((r) => r.length === 3, "three events left");
    assert.ok(!rows.some((t) => t.includes(TITLE)), JSON.stringify(rows));
    await d.screenshot("events-deleted");
  });
});

test("events: a renamed event shows its new name in the resend preview at once", async () => {
  const waitText = (css, re, timeoutMs) => d.waitText(css, re, timeoutMs);
  /** Open the first attendee of the selected event and return the resend preview's subject. */
  async function previewSubject() {
    const [cell] = await d.waitFor(`${tid("attendee-row")} td:nth-child(2)`, { timeoutMs: 30_000 });
    await d.click(cell);
    await d.waitFor(tid("attendee-panel"));
    await d.waitFor(tid("resend-preview"), { timeoutMs: 30_000 });
    return waitText(tid("preview-subject"), /\S/);
  }
  async function closePanel() {
    const [panel] = await d.waitFor(tid("attendee-panel"));
    await d.sendKeys(panel, "\uE00C");
    await d.waitFor(tid("attendee-panel"), { until: (els) => els.length === 0 });
  }
  let oldTitle = "";
  await step("rename-before", async () => {
    const [first] = await d.waitFor(tid("event-row"));
    await d.click(first);
    await d.click(await d.find(tid("event-edit")));
    const [title] = await d.waitFor(tid("event-title"));
    oldTitle = await value(title);
    await d.click(await d.find(tid("event-cancel")));
    await d.waitFor(tid("event-form"), { until: (els) => els.length === 0 });
    const subject = await previewSubject();
    assert.ok(subject.includes(oldTitle), `the subject names the event: ${subject}`);
    await closePanel();
  });
  await step("rename", async () => {
    await d.click(await d.find(tid("event-edit")));
    await fill("event-title", "Renamed Conference");
    await d.click(await d.find(tid("event-save")));
    await d.waitFor(tid("event-form"), { until: (els) => els.length === 0 });
    await waitRow((t) => t.includes("Renamed Conference"), "renamed event listed");
  });
  await step("rename-after", async () => {
    const subject = await previewSubject();
    assert.ok(subject.includes("Renamed Conference"), `the preview shows the new name: ${subject}`);
    assert.ok(!subject.includes(oldTitle), `the old name is gone: ${subject}`);
    await d.screenshot("events-renamed-preview");
    await closePanel();
  });
});
