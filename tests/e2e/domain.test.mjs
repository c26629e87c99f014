// Domain checklist in the demo: the seeded unverified domain, the local DNS check, Qflow's
// reasons next to each record, "publishing" the records, verified; then delete and the wizard
// with an IDN. Runs under tests/e2e/run.sh (pattern: "domain:").
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { WebDriver, sleep, stepper } from "./webdriver.mjs";

const APP = process.env.QFLOW_APP_BIN ?? "target/debug/qflow-console";
const tid = (id) => `[data-testid="${id}"]`;
const d = new WebDriver();

const step = stepper(d, "domain-failed-");

const texts = (els) => Promise.all(els.map((e) => d.textContent(e)));
const attrs = (els, name) => Promise.all(els.map((e) => d.attribute(e, name)));
// The home nav's pill next to "Domain" follows the domain screen.
const pillStatus = async (want) =>
  d.waitFor(tid("domain-pill"), { until: async (els) => (await d.attribute(els[0], "data-status")) === want });

before(async () => {
  await step("start", () => d.createSession(APP));
});

after(async () => {
  await d.deleteSession().catch((e) => console.error(`deleteSession: ${e.message}`));
});

test("domain: checklist, DNS check, reasons per record, verified, then a fresh IDN domain", async () => {
  await step("signin", async () => {
    await d.signInDemo();
    await d.click((await d.waitFor(tid("nav-domain")))[0]);
  });

  await step("checklist", async () => {
    const records = await d.waitFor(tid("checklist-record"), { until: (els) => els.length === 3 });
    const hosts = await attrs(records, "data-host");
    assert.ok(hosts.every((h) => h.endsWith(".events.example.com")), JSON.stringify(hosts));
    const [status] = await d.waitFor(tid("domain-status"));
    assert.equal(await d.attribute(status, "data-status"), "waiting_for_dns");
    await pillStatus("waiting_for_dns");
    // Relative names by default; the full form on request.
    assert.match((await texts(await d.findAll(tid("record-host"))))[0], /^em\d{4}$/);
    await d.click((await d.find(tid("host-form-full"))));
    assert.match((await texts(await d.findAll(tid("record-host"))))[0], /^em\d{4}\.events\.example\.com$/);
    // Copy confirms only after the clipboard write resolved.
    const [copy] = await d.findAll(tid("copy-value"));
    await d.click(copy);
    await d.waitFor(tid("copy-value"), { until: async (els) => (await d.attribute(els[0], "data-state")) !== "idle" });
    assert.equal(await d.attribute((await d.findAll(tid("copy-value")))[0], "data-state"), "copied");
    await d.screenshot("domain-checklist");
  });

  await step("precheck-and-reasons", async () => {
    await d.click(await d.find(tid("domain-precheck")));
    const checks = await d.waitFor(tid("record-check"), { until: (els) => els.length === 3 });
    assert.deepEqual(await attrs(checks, "data-status"), ["missing", "missing", "missing"]);
    await d.click(await d.find(tid("domain-verify")));
    const reasons = await d.waitFor(tid("record-reason"), { until: (els) => els.length === 3 });
    const rt = await texts(reasons);
    const hosts = await attrs(await d.findAll(tid("checklist-record")), "data-host");
    rt.forEach((t, i) => assert.ok(t.includes(hosts[i]), `reason ${i} next to its record: ${t}`));
    await d.screenshot("domain-reasons");
  });

  await step("verified", async () => {
    await d.click(await d.find(tid("domain-demo-publish")));
    await d.waitFor(tid("domain-message"), { until: async (els) => ((await d.textContent(els[0])) ?? "").includes("Demo") });
    await d.click(await d.find(tid("domain-precheck")));
    await d.waitFor(tid("record-check"), { until: async (els) => (await attrs(els, "data-status")).every((s) => s === "ok") });
    await d.click(await d.find(tid("domain-verify")));
    await d.waitFor(tid("domain-status"), { until: async (els) => (await d.attribute(els[0], "data-status")) === "verified" });
    const [pill] = await pillStatus("verified");
    assert.equal(await d.textContent(pill), "verified");
    await d.click(await d.find(tid("domain-export")));
    await d.waitFor(tid("export-text"));
    await d.click(await d.find(tid("export-tab-bind")));
    await sleep(200);
    await d.screenshot("domain-verified");
  });

  await step("delete-and-wizard", async () => {
    await d.click(await d.find(tid("domain-delete")));
    const [confirm] = await d.waitFor(tid("domain-confirm"));
    assert.match(await d.textContent(confirm), /new DNS records/);
    await d.click(await d.find(tid("domain-confirm-yes")));
    const [input] = await d.waitFor(tid("domain-input"));
    await pillStatus("not_set_up");
    await d.sendKeys(input, "https://x.com/y");
    const [problem] = await d.waitFor(tid("domain-input-problem"));
    assert.match(await d.textContent(problem), /without the scheme/);
    await d.execute("document.querySelector('[data-testid=domain-input]').select()");
    await d.sendKeys(input, "Bücher.example");
    const [idn] = await d.waitFor(tid("domain-idn"));
    assert.match(await d.textContent(idn), /xn--bcher-kva\.example/);
    await d.screenshot("domain-wizard");
    await d.click(await d.find(tid("domain-create")));
    await d.waitFor(tid("checklist-record"), { until: (els) => els.length === 3 });
    const [name] = await d.waitFor(tid("domain-name"));
    assert.match(await d.textContent(name), /bücher\.example.*xn--bcher-kva\.example/);
    await d.screenshot("domain-new-idn");
  });
});
