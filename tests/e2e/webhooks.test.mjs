// Webhooks in the demo: wired to the built-in receiver, rotate (old secret stops, test fired),
// the test event arrives in the live feed, reveal once, a late retry is kept and marked late,
// and the signature checker names a mistake. Runs under tests/e2e/run.sh (pattern: "webhooks:").
import assert from "node:assert/strict";
import { createHmac, randomUUID } from "node:crypto";
import { after, before, test } from "node:test";
import { WebDriver, stepper } from "./webdriver.mjs";

const APP = process.env.QFLOW_APP_BIN ?? "target/debug/qflow-console";
const tid = (id) => `[data-testid="${id}"]`;
const d = new WebDriver();

const step = stepper(d, "webhooks-failed-");

before(async () => {
  await step("start", () => d.createSession(APP));
});

after(async () => {
  await d.deleteSession().catch((e) => console.error(`deleteSession: ${e.message}`));
});

test("webhooks: demo receiver, rotate, test event in the feed, reveal once, checker", async () => {
  await step("signin", async () => {
    await d.signInDemo();
    await d.click((await d.waitFor(tid("nav-webhooks")))[0]);
  });

  await step("wired", async () => {
    const [url] = await d.waitFor(tid("webhook-url"), { until: async (els) => ((await d.textContent(els[0])) ?? "").includes("http://127.0.0.1:") });
    assert.match(await d.textContent(url), /^http:\/\/127\.0\.0\.1:\d+\/qflow$/);
    assert.match(await d.textContent(await d.find(tid("webhook-secret-state"))), /memory/);
    await d.waitFor(tid("receiver-running"));
  });

  await step("rotate", async () => {
    await d.click(await d.find(tid("webhook-rotate")));
    const [confirm] = await d.waitFor(tid("webhook-rotate-confirm"));
    assert.match(await d.textContent(confirm), /stops working at once/);
    await d.click(await d.find(tid("webhook-rotate-yes")));
    const [msg] = await d.waitFor(tid("webhook-message"), { until: async (els) => ((await d.textContent(els[0])) ?? "").includes("rotated") });
    assert.match(await d.textContent(msg), /test event was sent/);
    const rows = await d.waitFor(tid("feed-row"), {
      timeoutMs: 30_000,
      until: async (els) => (await Promise.all(els.map((e) => d.attribute(e, "data-event")))).includes("comms.test"),
    });
    assert.ok(rows.length >= 1);
    assert.equal((await d.findAll(tid("feed-rejected"))).length, 0, "signed with the new secret: none rejected");
    await d.screenshot("webhooks-feed");
  });

  let secret = "";
  await step("reveal-once", async () => {
    await d.click(await d.find(tid("webhook-reveal")));
    const [box] = await d.waitFor(tid("webhook-secret-revealed"));
    [secret] = (await d.textContent(box)).match(/[0-9a-f]{64}/) ?? [""];
    assert.match(secret, /^[0-9a-f]{64}$/);
    assert.equal((await d.findAll(tid("webhook-reveal"))).length, 0, "only once");
    await d.screenshot("webhooks-revealed");
  });

  await step("late-retry", async () => {
    // Qflow retrying 12.5 minutes after it created the event (the receiver was down): kept, marked late.
    const url = await d.textContent(await d.find(tid("webhook-url")));
    const body = JSON.stringify({ attendeeId: null, templateId: null, attendeeInvitationId: null, status: "delivered", error: null, correlationId: "e2e-late" });
    const res = await fetch(url, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        "X-Qflow-Webhook-Id": randomUUID(),
        "X-Qflow-Event": "comms.delivered",
        "X-Qflow-Timestamp": String(Math.floor(Date.now() / 1000) - 750),
        "X-Qflow-Signature": createHmac("sha256", secret).update(body).digest("hex"),
      },
      body,
    });
    assert.equal(res.status, 200, await res.text());
    const [badge] = await d.waitFor(tid("feed-arrival"), { timeoutMs: 20_000 });
    assert.equal(await d.attribute(badge, "data-arrival"), "late");
    assert.match(await d.textContent(badge), /^Late arrived 12 min after it was created/);
    await d.execute("document.querySelector('[data-testid=webhook-feed]').scrollIntoView()");
    await d.screenshot("webhooks-feed-late");
  });

  await step("checker", async () => {
    const body = '{"attendeeId":null,"status":"test"}';
    await d.sendKeys(await d.find(tid("sig-body")), body);
    await d.sendKeys(await d.find(tid("sig-signature")), "A".repeat(64));
    await d.sendKeys(await d.find(tid("sig-timestamp")), String(Math.floor(Date.now() / 1000) - 900));
    await d.click(await d.find(tid("sig-check")));
    const [verdict] = await d.waitFor(tid("sig-verdict"));
    assert.equal(await d.attribute(verdict, "data-valid"), "false");
    const codes = await Promise.all((await d.findAll(tid("sig-finding"))).map((f) => d.attribute(f, "data-code")));
    assert.ok(codes.includes("stale_timestamp"), JSON.stringify(codes));
    await d.execute("document.querySelector('[data-testid=sig-checker]').scrollIntoView()");
    await d.screenshot("webhooks-checker");
  });
});
