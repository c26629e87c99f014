// The installed .deb (tests/package/run.sh installs it first): the desktop entry's Exec line opens
// the window, the CLI is on PATH and talks to the sandbox, and purging the package removes every
// file it installed while the user's data stays.
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { delimiter, join } from "node:path";
import { after, test } from "node:test";
import { startCliSandbox, stepper, WebDriver } from "../e2e/webdriver.mjs";

const PKG = "qflow-console";
const FILES = process.env.QFLOW_PACKAGE_FILES;
const tid = (id) => `[data-testid="${id}"]`;
const d = new WebDriver();
let sandbox;

after(async () => {
  await d.deleteSession().catch(() => {});
  sandbox?.child.kill();
});

/** The `[Desktop Entry]` group's keys. */
function desktopEntry(path) {
  const entry = {};
  let inGroup = false;
  for (const line of readFileSync(path, "utf8").split("\n")) {
    if (/^\[.*\]$/.test(line.trim())) inGroup = line.trim() === "[Desktop Entry]";
    else if (inGroup && /^[A-Za-z0-9-]+=/.test(line)) entry[line.slice(0, line.indexOf("="))] = line.slice(line.indexOf("=") + 1);
  }
  return entry;
}

/** Exec's words without field codes (%f, %U, …), per the Desktop Entry spec's quoting. */
function execWords(exec) {
  const words = exec.match(/"(?:[^"\\]|\\.)*"|\S+/g) ?? [];
  return words.map((w) => (w.startsWith('"') ? w.slice(1, -1).replace(/\\(.)/g, "$1") : w)).filter((w) => !/^%[a-zA-Z]$/.test(w));
}

/** What a shell would run for `cmd`: PATH lookup like the desktop launcher does. */
function which(cmd) {
  if (cmd.includes("/")) return cmd;
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    const p = join(dir, cmd);
    if (existsSync(p) && statSync(p).isFile()) return p;
  }
  return null;
}

function listTree(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true }).map(String).sort();
}

test("installed package: desktop entry → window, CLI on PATH, purge leaves only the user's data", async (t) => {
  if (!FILES) {
    t.skip("run through tests/package/run.sh (it installs the .deb first)");
    return;
  }
  const step = stepper(d, "package-failed-");
  const files = readFileSync(FILES, "utf8").split("\n").filter(Boolean);

  const desktop = files.find((f) => f.startsWith("/usr/share/applications/") && f.endsWith(".desktop"));
  assert.ok(desktop, `the package installs a desktop entry (files: ${files.join(", ")})`);
  const entry = desktopEntry(desktop);
  assert.equal(entry.Type, "Application");
  assert.equal(entry.Name, "Qflow Console");
  assert.ok(
    files.some((f) => f.startsWith("/usr/share/icons/hicolor/") && f.endsWith(`/apps/${entry.Icon}.png`)),
    `the entry's icon ${entry.Icon} is installed`,
  );
  const [cmd, ...args] = execWords(entry.Exec ?? "");
  const bin = which(cmd);
  assert.equal(bin, "/usr/bin/qflow-console", `Exec=${entry.Exec} runs the installed binary from PATH`);
  assert.ok(files.includes(bin));

  await step("window", async () => {
    await d.createSession(bin, args);
    await d.waitFor(tid("try-demo"), { timeoutMs: 30_000 });
    // A real top-level X window with the product's title, not only a WebDriver session.
    const tree = execFileSync("xwininfo", ["-root", "-tree"], { encoding: "utf8" });
    assert.match(tree, /"Qflow Console"/, "an X window titled Qflow Console");
    await d.screenshot("package-installed-signin");
    await d.signInDemo();
    await d.waitFor(tid("attendee-row"));
    await d.screenshot("package-installed-home");
    await d.deleteSession();
  });

  await step("cli", async () => {
    const v = spawnSync("qflow-console", ["--version"], { encoding: "utf8" });
    assert.equal(v.status, 0, v.stderr);
    assert.equal(v.stdout.trim(), `qflow-console ${process.env.QFLOW_PACKAGE_VERSION}`);

    sandbox = await startCliSandbox("qflow-console", 20);
    const c = sandbox.creds;
    const out = spawnSync("qflow-console", ["events", "list", "--from", "2000-01-01", "--to", "2100-12-31", "--json"], {
      encoding: "utf8",
      env: {
        ...process.env,
        QFLOW_API_BASE: c.apiBase,
        QFLOW_IDENTITY_URL: c.identityUrl,
        QFLOW_CLIENT_ID: c.clientId,
        QFLOW_CLIENT_SECRET: c.clientSecret,
        QFLOW_USERNAME: c.username,
        QFLOW_PASSWORD: c.password,
        QFLOW_CLIENT_KEY: c.clientKey,
      },
    });
    assert.equal(out.status, 0, out.stderr);
    assert.equal(JSON.parse(out.stdout).length, 3, "the sandbox's three events");
    // A saved sign-in: the user's data (profile in QFLOW_DATA_DIR, secrets in the test keychain),
    // which removing the package must not touch.
    const login = spawnSync(
      "qflow-console",
      ["login", "--stdin", "--username", c.username, "--client-id", c.clientId, "--api-base", c.apiBase, "--identity-url", c.identityUrl],
      { encoding: "utf8", input: `${c.password}\n${c.clientSecret}\n${c.clientKey}\n` },
    );
    assert.equal(login.status, 0, login.stderr);
    sandbox.child.kill();
    sandbox = null;
  });

  await step("purge", async () => {
    const dataDir = process.env.QFLOW_DATA_DIR;
    const userData = listTree(dataDir);
    assert.ok(userData.length > 0, `the user's data is in ${dataDir}`);
    execFileSync("dpkg", ["--purge", PKG], { stdio: "inherit" });
    const status = spawnSync("dpkg-query", ["-W", "-f=${Status}", PKG], { encoding: "utf8" });
    assert.ok(status.status !== 0 || !/installed/.test(status.stdout.replace("not-installed", "")), `dpkg still lists ${PKG}: ${status.stdout}`);
    const left = files.filter((f) => existsSync(f) && !statSync(f).isDirectory());
    assert.deepEqual(left, [], "every file the package installed is gone");
    assert.equal(which("qflow-console"), null, "qflow-console is no longer on PATH");
    assert.deepEqual(listTree(dataDir), userData, "the user's data is untouched");
  });
});
