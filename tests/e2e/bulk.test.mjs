// Resend to selected against the demo sandbox: select three attendees (one by shift-click
// range), review the count, send, watch the progress, and see "3 queued" and the table's
// status column. Runs under tests/e2e/run.sh.
import assert from "node:assert/strict";
import { test } from "node:test";
import { WebDriver, demoSession, stepper } from "./webdriver.mjs";

const APP = process.env.QFLOW_APP_BIN ?? "target/debug/qflow-console";
const tid = (id) => `[data-testid="${id}"]`;
const d = new WebDriver();
const step = stepper(d, "bulk-failed-");
const SUPPRESSED = "suppressed@example.com";

const waitText = (css, re, timeoutMs) => d.waitText(css, re, timeoutMs);

demoSession(d, step, APP, () => d.waitFor(tid("attendee-row"), { timeoutMs: 30_000, until: (rows) => rows.length >= 6 }));

test("bulk: select 3 attendees, resend to selected, see progress and 3 queued", async () => {
  let picked = [];
  await step("select", async () => {
    // Three neighbouring rows without the seeded suppressed address.
    const rows = await d.findAll(tid("attendee-row"));
    const texts = await Promise.all(rows.map((r) => d.textContent(r)));
    const first = texts.findIndex((t, i) => i + 2 < texts.length && [0, 1, 2].every((k) => !texts[i + k].includes(SUPPRESSED)));
    assert.ok(first >= 0, "three ordinary rows in view");
    const cells = await d.findAll(`${tid("attendee-row")} td.cell-select`);
    await d.click(cells[first]);
    // Shift-click selects the range from the last clicked row.
    await d.execute(
      "arguments[0].dispatchEvent(new MouseEvent('click', { bubbles: true, shiftKey: true }));",
      [{ "element-6066-11e4-a52e-4f735466cecf": cells[first + 2] }],
    );
    await waitText(tid("bulk-selected"), /^3 selected$/);
    picked = await Promise.all(rows.slice(first, first + 3).map((r) => d.attribute(r, "data-guest-id")));
    assert.equal(new Set(picked).size, 3);
    // The panel did not open: selecting is not opening.
    assert.equal((await d.findAll(tid("attendee-panel"))).length, 0);
    await d.waitFor(tid("bulk-template"), {
      until: async ([s]) => s && (await d.execute("return arguments[0].value;", [{ "element-6066-11e4-a52e-4f735466cecf": s }])) !== "",
    });
    await d.screenshot("bulk-selected");
    // Scrolled to the end, the last row clears the floating bar (nothing hides under it).
    await d.execute(`const w = document.querySelector('[data-testid="attendee-scroll"]'); w.scrollTop = w.scrollHeight;`);
    let gap = null;
    await d.waitFor(tid("attendee-table"), {
      until: async () => {
        // Once the table's last row is rendered (no spacer after it): how far it ends above the bar.
        gap = await d.execute(`
          const last = document.querySelector('[data-testid="attendee-table"] tbody > tr:last-child');
          if (!last || last.dataset.testid !== "attendee-row") return null;
          return document.querySelector('[data-testid="bulk-bar"]').getBoundingClientRect().top - last.getBoundingClientRect().bottom;
        `);
        return gap !== null;
      },
    });
    assert.ok(gap >= 0, `the last row ends ${-gap}px under the selection bar`);
    await d.screenshot("bulk-selected-end");
    await d.execute(`document.querySelector('[data-testid="attendee-scroll"]').scrollTop = 0;`);
  });
  await step("confirm", async () => {
    const [review] = await d.waitFor(tid("bulk-review"));
    await d.click(review);
    await waitText(tid("bulk-confirm-count"), /^3 of 3 selected attendees will get this email.*\(about 4 s\)/);
    await d.screenshot("bulk-confirm");
    const [start] = await d.waitFor(tid("bulk-start"));
    assert.equal(await d.textContent(start), "Send to 3");
    await d.click(start);
  });
  await step("progress", async () => {
    await d.waitFor(tid("bulk-progress"));
    await waitText(tid("bulk-count"), /of 3 done/);
    await d.screenshot("bulk-progress");
  });
  await step("summary", async () => {
    await waitText(tid("bulk-queued"), /^3 queued$/, 30_000);
    await waitText(tid("bulk-state"), /Finished/);
    await d.screenshot("bulk-summary");
    const [done] = await d.waitFor(tid("bulk-close"));
    await d.click(done);
    await d.waitFor(tid("bulk-bar"), { until: (els) => els.length === 0 });
  });
  await step("status column", async () => {
    for (const id of picked) {
      await waitText(`[data-guest-id="${id}"] ${tid("send-status")}`, /Queued|Sent|Delivered|Opened/i);
    }
    await d.screenshot("bulk-table");
  });
  await step("duplicate", async () => {
    // The same three again within 10 minutes: listed and skipped unless confirmed.
    const cells = await d.findAll(`${tid("attendee-row")} td.cell-select`);
    const rows = await d.findAll(tid("attendee-row"));
    const ids = await Promise.all(rows.map((r) => d.attribute(r, "data-guest-id")));
    for (const id of picked) await d.click(cells[ids.indexOf(id)]);
    await waitText(tid("bulk-selected"), /^3 selected$/);
    const [review] = await d.waitFor(tid("bulk-review"));
    await d.click(review);
    await waitText(tid("bulk-recent"), /3 already got this template in the last 10 minutes and will be skipped/);
    await waitText(tid("bulk-confirm-count"), /^Nothing to send/);
    const [start] = await d.waitFor(tid("bulk-start"));
    assert.notEqual(await d.attribute(start, "disabled"), null, "nothing to send unless confirmed");
    await d.screenshot("bulk-duplicate");
  });
});
