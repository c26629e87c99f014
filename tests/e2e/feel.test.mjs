// Feel: the Ctrl+K palette finds an attendee by part of a non-ASCII name (Rust's search) and
// opens them; door mode shows the local QR full-screen in the light and the dark theme; the
// demo's offline switch raises the banner, cached data stays read-only and typed edits stay in
// their form, and the banner leaves once the probe gets through. Runs under tests/e2e/run.sh.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { WebDriver, stepper } from "./webdriver.mjs";

const APP = process.env.QFLOW_APP_BIN ?? "target/debug/qflow-console";
const ELEMENT = "element-6066-11e4-a52e-4f735466cecf";
const tid = (id) => `[data-testid="${id}"]`;
const d = new WebDriver();
const step = stepper(d, "feel-failed-");

const CTRL = "\uE009";
const ENTER = "\uE007";
const ESC = "\uE00C";

const waitText = (css, re, timeoutMs) => d.waitText(css, re, timeoutMs);

const gone = (css, timeoutMs = 20_000) => d.waitFor(css, { timeoutMs, until: (els) => els.length === 0 });

async function press(el) {
  await d.execute("arguments[0].scrollIntoView({ block: 'center' });", [{ [ELEMENT]: el }]);
  await d.click(el);
}

/** Ctrl+K from the element that has focus now. */
async function openPalette() {
  const focused = await d.execute("return document.activeElement;");
  await d.sendKeys(focused[ELEMENT], `${CTRL}k${CTRL}`);
  const [input] = await d.waitFor(tid("palette-input"));
  const focusedNow = await d.execute("return document.activeElement && document.activeElement.dataset.testid;");
  assert.equal(focusedNow, "palette-input", "focus moves into the palette");
  return input;
}

/** The palette's highlighted item (what Enter runs). */
async function activeItem(re, timeoutMs = 20_000) {
  return waitText(`${tid("palette-item")}[aria-selected="true"]`, re, timeoutMs);
}

/** Ctrl+K, type, wait for the wanted item to be first, Enter. */
async function runCommand(text, re) {
  const input = await openPalette();
  await d.sendKeys(input, text);
  await activeItem(re);
  await d.sendKeys(input, ENTER);
  await gone(tid("palette"));
}

before(async () => {
  await step("start", () => d.createSession(APP));
  await step("demo", async () => {
    await d.signInDemo();
    await d.waitFor(tid("attendee-row"), { timeoutMs: 30_000 });
  });
});

after(async () => {
  // Leave the theme to the system for whatever runs next in this data dir.
  await d.execute("localStorage.removeItem('qflow.theme');").catch(() => {});
  await d.deleteSession().catch((e) => {
    console.error(`deleteSession: ${e.message}`);
  });
});

test("feel: Ctrl+K finds a non-ASCII name through Rust's search and Enter opens the panel", async () => {
  await step("palette-esc", async () => {
    const [search] = await d.waitFor(tid("attendee-search"));
    await d.click(search);
    const input = await openPalette();
    await d.sendKeys(input, ESC);
    await gone(tid("palette"));
    const back = await d.execute("return document.activeElement && document.activeElement.dataset.testid;");
    assert.equal(back, "attendee-search", "Esc gives focus back");
  });
  await step("palette-find", async () => {
    const input = await openPalette();
    await d.sendKeys(input, "łukasz");
    const label = await activeItem(/Łukasz/);
    assert.match(label, /Łukasz/);
    const items = await d.findAll(tid("palette-item"));
    const first = await d.attribute(items[0], "data-item-id");
    assert.match(first, /^guest-/, "the attendee is the first result");
    await d.screenshot("feel-palette");
    await d.sendKeys(input, ENTER);
    await gone(tid("palette"));
    await d.waitFor(tid("attendee-panel"));
    await waitText(tid("panel-name"), /Łukasz/);
  });
});

test("feel: door mode shows the local QR full-screen, light and dark; Esc closes only it", async () => {
  await step("door-light", async () => {
    const [open] = await d.waitFor(tid("door-open"));
    await press(open);
    const [qr] = await d.waitFor(tid("door-qr"));
    assert.match(await d.attribute(qr, "src"), /^data:image\/svg\+xml;base64,/, "QR drawn locally, no remote fetch");
    await waitText(tid("door-name"), /Łukasz/);
    const barcode = await waitText(tid("door-barcode"), /\S/);
    const panelBarcode = await d.textContent((await d.findAll(tid("panel-barcode")))[0]);
    assert.equal(barcode.trim(), panelBarcode.trim());
    const size = await d.execute(
      "const r = document.querySelector('[data-testid=door-qr]').getBoundingClientRect(); return [r.width, window.innerHeight];",
    );
    assert.ok(size[0] >= size[1] * 0.45, `QR is large: ${size[0]}px of ${size[1]}px`);
    await d.screenshot("feel-door-light");
    const door = (await d.findAll(tid("door-close")))[0];
    await d.sendKeys(door, ESC);
    await gone(tid("door-mode"));
    await d.waitFor(tid("attendee-panel")); // Esc closed the door only
  });
  await step("door-dark", async () => {
    await d.waitFor(tid("attendee-panel"));
    await runCommand("dark theme", /Switch to dark theme/);
    assert.equal(await d.execute("return document.documentElement.dataset.theme;"), "dark");
    assert.equal(await d.execute("return localStorage.getItem('qflow.theme');"), "dark");
    const [open] = await d.waitFor(tid("door-open"));
    await press(open);
    await d.waitFor(tid("door-qr"));
    const bg = await d.execute("return getComputedStyle(document.querySelector('[data-testid=door-mode]')).backgroundColor;");
    assert.equal(bg, "rgb(0, 0, 0)", "dark door is black");
    await d.screenshot("feel-door-dark");
    await press((await d.findAll(tid("door-close")))[0]);
    await gone(tid("door-mode"));
  });
});

test("feel: offline → banner, cached rows and typed edits stay; back online → banner gone", async () => {
  await step("offline", async () => {
    await runCommand("simulate offline", /Demo: simulate offline/);
    await waitText(tid("offline-banner"), /Offline/, 30_000);
    assert.ok((await d.findAll(tid("attendee-row"))).length > 0, "cached rows stay");
  });
  await step("edit-kept", async () => {
    const [edit] = await d.waitFor(tid("edit-start"));
    await press(edit);
    const [notes] = await d.waitFor(tid("edit-additionalInfo"));
    await d.click(notes);
    await d.sendKeys(notes, " — typed offline");
    // Read-only while offline: saving waits for the connection; what was typed stays.
    const [save] = await d.waitFor(tid("edit-save"));
    assert.notEqual(await d.attribute(save, "disabled"), null, "Save is disabled offline");
    assert.notEqual(await d.attribute((await d.findAll(tid("checkin-toggle")))[0], "disabled"), null, "Check in is disabled offline");
    const value = await d.execute("return document.querySelector('[data-testid=edit-additionalInfo]').value;");
    assert.match(value, /typed offline/, "the edit stays in its form");
    await d.screenshot("feel-offline");
  });
  await step("online", async () => {
    await runCommand("back online", /Demo: back online/);
    await gone(tid("offline-banner"), 30_000);
    // The kept edit saves now.
    const [save] = await d.waitFor(tid("edit-save"), { until: async ([b]) => b && (await d.attribute(b, "disabled")) === null });
    await press(save);
    await gone(tid("edit-form"), 30_000);
    await waitText(tid("panel-fields"), /typed offline/);
    await runCommand("follow the system", /Theme: follow the system/);
    await d.screenshot("feel-online");
  });
});
