// The registration desk against the demo sandbox: find someone by part of a non-ASCII name,
// open their panel, resend (→ "queued"), check in, the suppressed attendee's explainer, and
// add an attendee with a template (→ exactly one send). Runs under tests/e2e/run.sh.
import assert from "node:assert/strict";
import { test } from "node:test";
import { WebDriver, sleep, stepper, demoSession } from "./webdriver.mjs";

const APP = process.env.QFLOW_APP_BIN ?? "target/debug/qflow-console";
const tid = (id) => `[data-testid="${id}"]`;
const d = new WebDriver();

const step = stepper(d, "desk-failed-");

const waitText = (css, re, timeoutMs) => d.waitText(css, re, timeoutMs);

/** Scroll to the middle first: the panel's sticky header would otherwise cover the target. */
async function press(el) {
  await d.execute("arguments[0].scrollIntoView({ block: 'center' });", [{ "element-6066-11e4-a52e-4f735466cecf": el }]);
  await d.click(el);
}

async function search(text) {
  const [box] = await d.waitFor(tid("attendee-search"));
  await d.click(box);
  // Clear the way React sees it (WebDriver clear does not fire `input`).
  await d.sendKeys(box, "\uE009a\uE009\uE003");
  await d.sendKeys(box, text);
}

async function openFirstRow(re) {
  await d.waitFor(tid("attendee-row"), {
    // Rows re-render while a search settles: a stale row is "not yet".
    until: async (rows) => rows.length > 0 && (await Promise.all(rows.map((r) => d.textContent(r))).catch(() => [""])).every((t) => re.test(t)),
  });
  // WebKitWebDriver finds a <tr> "not interactable": click its name cell (the first cell holds
  // the bulk-selection checkbox).
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

async function resendFromPanel() {
  await d.waitFor(tid("resend-preview"), { timeoutMs: 30_000 });
  const [start] = await d.waitFor(tid("resend-start"), { until: async ([b]) => b && (await d.attribute(b, "disabled")) === null });
  await press(start);
  const [send] = await d.waitFor(tid("resend-send"));
  await press(send);
}

demoSession(d, step, APP, async () => {
  await d.waitFor(tid("attendee-row"), { timeoutMs: 30_000 });
});

// The app's own words on the first screen stay within the UI font (styles.css --font): a glyph
// it lacks (an arrow, a tick, "▾") makes WebKitGTK search every installed font before the first
// frame (bench-ui's start-up). Attendee data is not ours to choose: rows are left out.
const IN_UI_FONT = /^[\u0020-\u007e\u00a0-\u017f\u2013\u2014\u2018-\u201e\u2022\u2026\u2212]*$/u;

test("desk: the first screen's own words use no glyph outside the UI font; light and dark", async () => {
  await step("first screen", async () => {
    const chrome = await d.execute(
      `return [...document.querySelectorAll(".topbar, .sidenav, .pane-header, .toolbar, thead, button:not([data-testid=event-row])")]
         .map((el) => el.innerText).join(" ");`,
    );
    assert.ok(chrome.includes("Switch profile"), "the top bar was read");
    const outside = [...new Set([...chrome.replace(/\s/g, " ")].filter((c) => !IN_UI_FONT.test(c)))];
    assert.deepEqual(outside, [], `characters the UI font lacks: ${outside.join(" ")}`);
    // The profile menu's triangle is drawn by CSS instead.
    const [caret] = await d.findAll(`${tid("profile-switch")} .caret`);
    assert.ok(caret, "the profile switch shows its caret");
    const size = await d.execute("const r = arguments[0].getBoundingClientRect(); return [r.width, r.height];", [{ "element-6066-11e4-a52e-4f735466cecf": caret }]);
    assert.deepEqual(size, [8, 5]);
    for (const theme of ["light", "dark"]) {
      await d.execute(`document.documentElement.dataset.theme = ${JSON.stringify(theme)};`);
      await sleep(150);
      await d.screenshot(`desk-first-screen-${theme}`);
    }
    await d.execute("delete document.documentElement.dataset.theme;");
  });
});

test("desk: find by part of a non-ASCII name, resend → queued, check in", async () => {
  await step("search", async () => {
    await search("Łuka");
    await waitText(tid("attendee-summary"), /matching/);
    await d.screenshot("desk-search");
  });
  await step("panel", async () => {
    await openFirstRow(/Łukasz/);
    const [qr] = await d.waitFor(tid("panel-qr"));
    assert.match(await d.attribute(qr, "src"), /^data:image\/svg\+xml;base64,/);
    await d.screenshot("desk-panel");
  });
  await step("resend", async () => {
    await d.waitFor(tid("resend-preview"), { timeoutMs: 30_000 });
    const [frame] = await d.waitFor(tid("preview-frame"));
    assert.equal(await d.attribute(frame, "sandbox"), "", "the preview frame is fully sandboxed");
    const subject = await waitText(tid("preview-subject"), /\S/);
    assert.doesNotMatch(subject, /\{\{/, "tokens are merged");
    await resendFromPanel();
    await waitText(tid("resend-result"), /queued/);
    await waitText(tid("history"), /Queued/);
    assert.equal((await d.findAll(tid("history-item"))).length, 1);
    await d.screenshot("desk-resend");
  });
  await step("duplicate", async () => {
    // The same template again within 10 minutes: the app warns before sending.
    await d.waitFor(tid("resend-duplicate"), { timeoutMs: 10_000 });
  });
  await step("checkin", async () => {
    const [toggle] = await d.waitFor(tid("checkin-toggle"));
    const before = await d.textContent(toggle);
    await press(toggle);
    const want = before.includes("Check in") ? /Checked in/ : /Not checked in/;
    await waitText(tid("panel-checkin-state"), want);
    await d.screenshot("desk-checkin");
  });
  await step("esc", async () => {
    const [panel] = await d.waitFor(tid("attendee-panel"));
    await d.sendKeys(panel, "\uE00C");
    await d.waitFor(tid("attendee-panel"), { until: (els) => els.length === 0 });
    // The table now shows the send this app made (or how far its delivery has got since).
    await waitText(`${tid("attendee-row")} ${tid("send-status")}`, /Queued|Sent|Delivered|Opened/);
  });
});

test("desk: the suppressed attendee gets the explainer, not JSON", async () => {
  await step("suppressed", async () => {
    const events = await d.waitFor(tid("event-row"), { until: (els) => els.length >= 3 });
    let ny = null;
    for (const e of events) if ((await d.textContent(e)).includes("New York")) ny = e;
    assert.ok(ny, "the New York event");
    await d.click(ny);
    await waitText(tid("attendees-title"), /New York/);
    await search("suppressed@example.com");
    await openFirstRow(/suppressed@example\.com/);
    await resendFromPanel();
    const text = await waitText(tid("suppression-explainer"), /won’t help/);
    assert.match(text, /spam/);
    assert.match(text, /support@qflow\.io/);
    assert.doesNotMatch(text, /[{}]|failureType/, "no raw JSON");
    await waitText(tid("history"), /Refused/);
    await d.screenshot("desk-suppressed");
    const [panel] = await d.waitFor(tid("attendee-panel"));
    await d.sendKeys(panel, "\uE00C");
    await d.waitFor(tid("attendee-panel"), { until: (els) => els.length === 0 });
  });
});

test("desk: add an attendee with a template → one send", async () => {
  await step("add", async () => {
    const [add] = await d.waitFor(tid("add-start"));
    await d.click(add);
    await d.waitFor(tid("add-attendee"));
    await d.sendKeys((await d.waitFor(tid("add-firstName")))[0], "Łucja");
    await d.sendKeys((await d.waitFor(tid("add-lastName")))[0], "Nowak-Żak");
    await d.sendKeys((await d.waitFor(tid("add-email")))[0], "lucja@gmial.com");
    await waitText(tid("add-suggestion"), /lucja@gmail\.com/);
    const [submit] = await d.waitFor(tid("add-submit"));
    assert.notEqual(await d.attribute(submit, "disabled"), null, "a typo blocks Add until resolved");
    await d.screenshot("desk-add-typo");
    await d.click((await d.waitFor(tid("add-use-suggestion")))[0]);
    const [option] = await d.waitFor(`${tid("add-template")} option:nth-child(2)`);
    await d.click(option);
    await sleep(300);
    await d.waitFor(tid("add-submit"), { until: async ([b]) => b && (await d.attribute(b, "disabled")) === null });
    await d.click((await d.findAll(tid("add-submit")))[0]);
    await d.waitFor(tid("attendee-panel"), { timeoutMs: 30_000 });
    await waitText(tid("panel-name"), /Łucja Nowak-Żak/);
    await waitText(tid("history"), /Queued/);
    assert.equal((await d.findAll(tid("history-item"))).length, 1, "exactly one send");
    await d.screenshot("desk-added");
  });
});
