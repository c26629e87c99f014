// Attendee import in the window, against the sandbox served by the CLI (it keeps its state
// while the app is killed and started again): a 2,000-row CSV with 3 bad rows and 5 attendees
// already in the event → mapping, the whole-file check (lines, skip/update), the dry run, the
// paced import with progress; the app is killed mid-import, started again (same data dir and
// keychain), offers to resume, and finishes: every row exactly once at the sandbox (checked
// through the CLI's `guests list --json`); the offer is in the event's attendee pane too, and
// resumed from there. Runs under tests/e2e/run.sh.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { after, before, test } from "node:test";
import { WebDriver, cliEnv, signInWithForm, startCliSandbox, stepper } from "./webdriver.mjs";

const APP = process.env.QFLOW_APP_BIN ?? "target/debug/qflow-console";
const OPEN_PATH = process.env.QFLOW_E2E_OPEN_PATH;
const SAVE_PATH = process.env.QFLOW_E2E_SAVE_PATH;
const tid = (id) => `[data-testid="${id}"]`;
const d = new WebDriver();
const step = stepper(d, "import-failed-");
let sandbox;
let creds;
let eventId;
let present = [];

/** The CLI against the same sandbox (headless credentials from the environment). */
function cli(args) {
  const env = cliEnv(creds);
  const r = spawnSync(APP, [...args, "--json"], { encoding: "utf8", env });
  assert.equal(r.status, 0, `${args.join(" ")}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

const guests = () => cli(["guests", "list", eventId]);

async function openEvent() {
  const [row] = await d.waitFor(`${tid("event-row")}[data-event-id="${eventId}"]`, { timeoutMs: 30_000 });
  await d.click(row);
  await d.waitFor(tid("import-start"));
}

const theme = (t) => d.execute(`document.documentElement.dataset.theme = ${JSON.stringify(t)};`);

/** 2,000 rows: 1,992 new people, 3 bad rows (lines 101, 702, 1503) and 5 already in the event. */
function writeCsv() {
  const lines = ["First Name,Last Name,E-mail,Tags,Badge colour"];
  let n = 0;
  for (let i = 0; lines.length < 2001; i++) {
    const line = lines.length + 1;
    if (line === 101) lines.push("Bad,Email,not-an-email,,red");
    else if (line === 702) lines.push(",No First Name,nofirst@example.com,,red");
    else if (line === 1503) lines.push("Dup,Person,import.person.7@example.com,,red"); // line 9 has it
    else if (line >= 1997) {
      const g = present[line - 1997];
      lines.push(`${g.firstName} Updated,${g.lastName},${g.email},Imported,blue`);
    } else lines.push(`Person ${n},Import,import.person.${n++}@example.com,Guest,green`);
  }
  writeFileSync(OPEN_PATH, lines.join("\n") + "\n");
  return n; // new people
}

let newPeople = 0;
let before0 = 0;

before(async () => {
  assert.ok(OPEN_PATH && SAVE_PATH, "run under tests/e2e/run.sh (QFLOW_E2E_OPEN_PATH)");
  ({ child: sandbox, creds } = await startCliSandbox(APP, 60));
  const now = new Date();
  const day = (n) => new Date(now.getTime() + n * 86_400_000).toISOString().slice(0, 10);
  const events = cli(["events", "list", "--from", day(-60), "--to", day(200)]);
  eventId = events[0].id;
  const list = guests();
  before0 = list.length;
  present = list.filter((g) => g.email && g.email.includes("@")).slice(0, 5);
  assert.equal(present.length, 5, "the seed has 5 attendees with an email");
  newPeople = writeCsv();
  assert.equal(newPeople, 1992);
  await step("start", () => d.createSession(APP));
});

after(async () => {
  await d.deleteSession().catch((e) => console.error(`deleteSession: ${e.message}`));
  sandbox?.kill("SIGTERM");
});

test("import: map, check, dry run, import; killed mid-way, resumed: every row exactly once", async () => {
  await step("sign in", async () => {
    await signInWithForm(d, creds);
    await openEvent();
  });

  await step("mapping", async () => {
    await d.click((await d.waitFor(tid("import-start")))[0]);
    await d.waitFor(tid("import-mapping"));
    await d.waitText(tid("import-unmatched"), /1 column is not an attendee field/);
    await d.screenshot("import-mapping");
    await theme("dark");
    await d.screenshot("import-mapping-dark");
    await theme("light");
    // Leave the unknown column out (Rust applies the mapping and previews again).
    const [sel] = await d.waitFor(tid("import-map-Badge colour"));
    await d.execute("const s = arguments[0]; s.value = ''; s.dispatchEvent(new Event('change', { bubbles: true }));", [
      { "element-6066-11e4-a52e-4f735466cecf": sel },
    ]);
    await d.waitText(tid("import-mapping"), /Every column has a field/);
  });

  await step("validation", async () => {
    await d.click((await d.waitFor(tid("import-check-start")))[0]);
    await d.waitText(tid("import-dry-run"), /^1,992 to create, 5 already present \(skip\), 3 rows with errors$/, 30_000);
    const errors = await d.textContent((await d.waitFor(tid("import-errors")))[0]);
    for (const l of ["Line 101", "Line 702", "Line 1503"]) assert.ok(errors.includes(l), `${l} in ${errors}`);
    assert.match(errors, /also on line 9/);
    const presentText = await d.textContent((await d.waitFor(tid("import-present")))[0]);
    for (const g of present) assert.ok(presentText.includes(g.email), g.email);
    assert.equal(await d.attribute((await d.find(tid("import-go"))), "disabled"), "true", "errors block until skipped");
    await d.click((await d.waitFor(tid("import-skip-invalid")))[0]);
    await d.waitFor(tid("import-go"), { until: async ([b]) => b && (await d.attribute(b, "disabled")) === null });
    await d.screenshot("import-validation");
    await theme("dark");
    await d.screenshot("import-validation-dark");
    await theme("light");
  });

  await step("progress, then killed", async () => {
    await d.click((await d.waitFor(tid("import-go")))[0]);
    await d.waitFor(tid("import-progress"));
    await d.waitText(tid("import-count"), /call [2-5] of 10/, 30_000);
    await d.screenshot("import-progress");
    await theme("dark");
    await d.screenshot("import-progress-dark");
    // Kill the app mid-import (the WebDriver session ends the process).
    await d.deleteSession();
    const mid = guests().length - before0;
    assert.ok(mid > 0 && mid < newPeople, `part of the file was imported before the kill (${mid})`);
  });

  await step("restart and resume", async () => {
    await d.createSession(APP); // same data dir and keychain: the session comes back
    await d.waitFor(tid("home"), { timeoutMs: 30_000 });
    await d.waitText(tid("import-offer"), /stopped before it finished/, 30_000);
    await d.screenshot("import-resume-offer");
    // Opening the event's attendee pane offers it there too (Rust lists that event's).
    await openEvent();
    await d.waitText(tid("import-offer-event"), /stopped before it finished/, 30_000);
    // Offered once on screen: the sign-in offer leaves it to the pane.
    await d.waitFor(tid("import-offer"), { until: (els) => els.length === 0 });
    await d.screenshot("import-resume-offer-pane");
    await theme("dark");
    await d.screenshot("import-resume-offer-pane-dark");
    await theme("light");
    await d.click((await d.waitFor(tid("import-offer-event-resume")))[0]);
    await d.waitFor(tid("import-progress"));
    await d.waitText(tid("import-state"), /Finished/, 60_000);
    await d.waitFor(tid("import-summary"));
    const summary = await d.textContent((await d.find(tid("import-summary"))));
    assert.match(summary, /imported by an earlier run/);
    assert.match(summary, /5 already present \(skipped\)/);
    assert.match(summary, /3 rows with errors left out/);
    await d.screenshot("import-summary");
    await theme("dark");
    await d.screenshot("import-summary-dark");
    await theme("light");
  });

  await step("report", async () => {
    await d.click((await d.waitFor(tid("import-report-save")))[0]);
    await d.waitText(tid("import-report-saved"), /3 rows saved/);
    const { readFileSync, statSync } = await import("node:fs");
    const csv = readFileSync(SAVE_PATH, "utf8").trim().split("\n");
    assert.equal(csv[0], "line,name,email,state,problem");
    assert.deepEqual(
      csv.slice(1).map((l) => l.split(",")[0]),
      ["101", "702", "1503"],
    );
    assert.equal(statSync(SAVE_PATH).mode & 0o777, 0o600, "the report is private");
  });

  await step("exactly once at the sandbox", () => {
    const list = guests();
    assert.equal(list.length, before0 + newPeople, "1,992 created, nobody twice");
    const perEmail = new Map();
    for (const g of list) perEmail.set(g.email.toLowerCase(), (perEmail.get(g.email.toLowerCase()) ?? 0) + 1);
    for (let i = 0; i < newPeople; i++) assert.equal(perEmail.get(`import.person.${i}@example.com`), 1, `person ${i}`);
    for (const g of present) {
      assert.equal(perEmail.get(g.email.toLowerCase()), 1, g.email);
      const now = list.find((x) => x.id === g.id);
      assert.equal(now.firstName, g.firstName, "skip left the attendee as it was");
    }
    assert.equal(perEmail.get("nofirst@example.com"), undefined, "bad rows were not sent");
  });
});
