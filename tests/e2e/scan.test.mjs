// Scan to check in, through the real window against the CLI's sandbox (a real profile signed in
// through the form): (a) 20 barcodes typed as a keyboard-wedge scanner types them (fast keys +
// Enter) — 17 new, one already checked in, one of another event, one unknown — give the right
// answer each time and 17 check-ins at Qflow; undo works. (b) Offline: 10 scans wait with their
// time, survive a restart of the app, and reach Qflow in scan order when the network is back.
// Qflow's state is read with the CLI (`guests list --json`), as a script would.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { WebDriver, cliEnv, signInWithForm, sleep, startCliSandbox, stepper } from "./webdriver.mjs";

const APP = process.env.QFLOW_APP_BIN ?? "target/debug/qflow-console";
const tid = (id) => `[data-testid="${id}"]`;
const EL = "element-6066-11e4-a52e-4f735466cecf";
const d = new WebDriver();
let sandbox;
let creds;
const step = stepper(d, "scan-failed-");

/** The CLI against the sandbox, headless (credentials from the environment, nothing written). */
function cli(...args) {
  const env = cliEnv(creds, { QFLOW_DATA_DIR: mkdtempSync(join(tmpdir(), "scan-cli-")) });
  const r = spawnSync(APP, ["--json", ...args], { encoding: "utf8", env, timeout: 60_000 });
  assert.equal(r.status, 0, `cli ${args.join(" ")}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

const guests = (eventId) => cli("guests", "list", eventId);

async function theme(name) {
  await d.execute(`localStorage.setItem('qflow.theme', '${name}'); document.documentElement.dataset.theme = '${name}';`);
}

async function openEvent(re) {
  const open = await d.findAll(tid("scan-close"));
  if (open.length > 0) {
    await d.click(open[0]);
    await d.waitFor(tid("scan-mode"), { until: (els) => els.length === 0 });
  }
  let rows = await d.waitFor(tid("event-row"), { until: (els) => els.length >= 3, timeoutMs: 5_000 }).catch(() => null);
  if (!rows) {
    // Loaded while the network was gone (after the offline restart): reload.
    await d.click((await d.waitFor(tid("events-refresh")))[0]);
    rows = await d.waitFor(tid("event-row"), { until: (els) => els.length >= 3, timeoutMs: 30_000 });
  }
  for (const r of rows) {
    if (re.test(await d.textContent(r))) {
      await d.click(r);
      await d.waitText(tid("attendees-title"), re);
      return;
    }
  }
  throw new Error(`no event row matching ${re}`);
}

async function openScan() {
  await d.click((await d.waitFor(tid("scan-open")))[0]);
  await d.waitFor(tid("scan-mode"));
  // The list is indexed when the counts show.
  await d.waitText(tid("scan-counts"), /checked in/, 30_000);
  return (await d.waitFor(tid("scan-input")))[0];
}

/** Type as a scanner does: the barcode and Enter (the WebDriver Enter key; a wedge scanner
 * sends a key press, not a newline character), as fast as the driver goes. */
const scanKeys = (input, barcode) => d.sendKeys(input, `${barcode}\uE007`);

async function answered(n) {
  await d.waitFor(tid("scan-answer"), {
    timeoutMs: 30_000,
    until: async ([el]) => el && Number(await d.attribute(el, "data-count")) >= n,
  });
}

async function headline() {
  return (await d.textContent((await d.findAll(tid("scan-headline")))[0])).trim();
}

let london;
let newYork;
let fresh; // attendees of London not checked in, with a barcode

before(async () => {
  ({ child: sandbox, creds } = await startCliSandbox(APP, 600));
  const events = cli("events", "list", "--from", "2020-01-01", "--to", "2035-12-31");
  london = events.find((e) => e.title.includes("London"));
  newYork = events.find((e) => e.title.includes("New York"));
  assert.ok(london && newYork, "the demo events");
  fresh = guests(london.id).filter((g) => !g.checkedIn && g.barcode);
  assert.ok(fresh.length >= 30, `enough attendees to scan (${fresh.length})`);
  await step("start", () => d.createSession(APP));
  await step("sign-in", () => signInWithForm(d, creds));
});

after(async () => {
  sandbox?.kill("SIGTERM");
  await d.execute("localStorage.removeItem('qflow.theme');").catch(() => {});
  await d.deleteSession().catch((e) => console.error(`deleteSession: ${e.message}`));
});

test("20 scans typed as a scanner types them: the right answer each time, 17 check-ins at Qflow, undo", async () => {
  const before = guests(london.id).filter((g) => g.checkedIn).length;
  const already = guests(london.id).find((g) => g.checkedIn && g.barcode);
  const other = guests(newYork.id).find((g) => g.barcode);
  const scans = [
    ...fresh.slice(0, 8).map((g) => ({ code: g.barcode, want: "Checked in" })),
    { code: already.barcode, want: "Already checked in" },
    ...fresh.slice(8, 14).map((g) => ({ code: g.barcode, want: "Checked in" })),
    { code: other.barcode, want: "Not on this event's list" },
    ...fresh.slice(14, 16).map((g) => ({ code: g.barcode, want: "Checked in" })),
    { code: "NOT-A-TICKET-42", want: "Unknown barcode" },
    { code: fresh[16].barcode, want: "Checked in" },
  ];
  assert.equal(scans.length, 20);
  await theme("light");
  await openEvent(/London/);
  const input = await step("open", openScan);

  await step("scan-20", async () => {
    const t0 = Date.now();
    for (const s of scans) await scanKeys(input, s.code);
    await answered(20);
    console.log(`20 scans typed and answered in ${Date.now() - t0} ms`);
    const items = await d.findAll(`${tid("scan-history")} li`);
    const got = [];
    for (const li of items) got.push(await d.textContent(li));
    got.reverse(); // newest first on screen
    assert.equal(got.length, 20);
    scans.forEach((s, i) => {
      assert.ok(got[i].startsWith(s.want), `scan ${i + 1} (${s.code}): ${got[i]}`);
      assert.ok(got[i].includes(s.code), `scan ${i + 1} names its barcode: ${got[i]}`);
    });
    assert.match(got[15], /New York/, "names the event the ticket is for");
    assert.match(got[8], /another desk/);
  });

  await step("synced", async () => {
    await d.waitText(tid("scan-waiting"), /Everything is synced/, 60_000);
    const now = guests(london.id);
    assert.equal(now.filter((g) => g.checkedIn).length, before + 17, "17 check-ins at Qflow");
    for (const s of scans.filter((x) => x.want === "Checked in")) {
      assert.ok(now.find((g) => g.barcode === s.code).checkedIn, `${s.code} checked in`);
    }
    assert.ok(!guests(newYork.id).find((g) => g.id === other.id).checkedIn, "the other event's attendee untouched");
  });

  // Each answer on screen, light and dark.
  const shots = [
    ["already", already.barcode, "Already checked in"],
    ["other-event", other.barcode, "Not on this event's list"],
    ["unknown", "NOT-A-TICKET-42", "Unknown barcode"],
  ];
  let n = 20;
  for (const t of ["light", "dark"]) {
    await theme(t);
    for (const [name, code, want] of shots) {
      await step(`shot-${name}-${t}`, async () => {
        await scanKeys((await d.findAll(tid("scan-input")))[0], code);
        await answered(++n);
        assert.equal(await headline(), want);
        await d.screenshot(`scan-${name}-${t}`);
      });
    }
  }

  await step("undo", async () => {
    const g = fresh[17];
    await theme("light");
    await scanKeys((await d.findAll(tid("scan-input")))[0], g.barcode);
    await answered(++n);
    assert.equal(await headline(), "Checked in");
    await d.waitFor(tid("scan-undo"));
    await d.screenshot("scan-checked-in-light");
    await theme("dark");
    await d.screenshot("scan-checked-in-dark");
    await theme("light");
    await d.click((await d.findAll(tid("scan-undo")))[0]);
    await d.waitText(tid("scan-detail"), /^Undone/);
    await d.waitText(tid("scan-waiting"), /Everything is synced/, 60_000);
    assert.ok(!guests(london.id).find((x) => x.id === g.id).checkedIn, "undone at Qflow");
    // The scan input keeps the focus after the click.
    assert.equal(await d.execute("return document.activeElement?.dataset?.testid;"), "scan-input");
  });
});

test("offline: 10 scans wait with their time, survive a restart, and reach Qflow in scan order", async () => {
  const ten = fresh.slice(18, 28);
  await step("offline-scan", async () => {
    sandbox.stdin.write("offline\n");
    const input = (await d.findAll(tid("scan-input")))[0];
    let n = Number(await d.attribute((await d.findAll(tid("scan-answer")))[0], "data-count"));
    for (const g of ten) {
      await scanKeys(input, g.barcode);
      await sleep(150); // scanned at distinct times
    }
    await answered(n + 10);
    n += 10;
    const items = await d.findAll(`${tid("scan-history")} li`);
    for (const li of items.slice(0, 10)) assert.match(await d.textContent(li), /^Checked in/);
    await d.waitText(tid("scan-sync"), /No network/, 30_000);
    await d.waitText(tid("scan-waiting"), /^10 waiting to sync$/, 10_000);
    await theme("light");
    await d.screenshot("scan-offline-light");
    await theme("dark");
    await d.screenshot("scan-offline-dark");
    await theme("light");
  });

  await step("restart", async () => {
    await d.deleteSession();
    await sleep(1000);
    await d.createSession(APP);
    await d.waitFor(tid("home"), { timeoutMs: 30_000 });
    await d.waitText(tid("scan-waiting-badge"), /^10 waiting to sync$/, 20_000);
    await d.screenshot("scan-waiting-after-restart");
  });

  await step("online", async () => {
    sandbox.stdin.write("online\n");
    await d.waitFor(tid("scan-waiting-badge"), { timeoutMs: 90_000, until: (els) => els.length === 0 });
    const now = guests(london.id);
    const times = ten.map((g) => {
      const q = now.find((x) => x.id === g.id);
      assert.ok(q.checkedIn, `${g.barcode} checked in at Qflow`);
      return Date.parse(q.checkInTime);
    });
    for (let i = 1; i < times.length; i++) assert.ok(times[i - 1] <= times[i], `in scan order: ${times.join(", ")}`);
  });
});

test("conflicts (checked in elsewhere first, attendee deleted) are listed and shown loudly", async () => {
  const [elsewhere, deleted] = [fresh[28], fresh[29]];
  await openEvent(/London/);
  const input = await step("open-again", openScan);
  await step("conflicts", async () => {
    cli("guest", "checkin", elsewhere.id);
    cli("guest", "delete", deleted.id);
    // Qflow stamps whole seconds: a check-in well before ours.
    await sleep(2500);
    let n = Number(await d.attribute((await d.findAll(tid("scan-answer")))[0], "data-count"));
    await scanKeys(input, elsewhere.barcode);
    await answered(++n);
    // The 30 s re-read of the list may already know (then it is answered as such, no conflict).
    const knew = (await headline()) === "Already checked in";
    await scanKeys(input, deleted.barcode);
    await answered(++n);
    assert.equal(await headline(), "Checked in", "answered from the local list at once");
    const want = knew ? 1 : 2;
    await d.waitFor(`${tid("scan-problem")}`, { timeoutMs: 30_000, until: (els) => els.length >= want });
    const text = await d.textContent((await d.findAll(tid("scan-problems")))[0]);
    assert.match(text, /deleted/);
    if (!knew) assert.match(text, /Checked in elsewhere at/);
    await d.waitFor(tid("scan-alert"));
    await theme("light");
    await d.screenshot("scan-conflicts-light");
    await theme("dark");
    await d.screenshot("scan-conflicts-dark");
    await theme("light");
  });
});
