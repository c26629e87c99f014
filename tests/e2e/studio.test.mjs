// The template studio with the real app against the embedded sandbox: type a token in code
// mode and see the attendee's value in the preview, the lint flags a typo token (and fixes
// it), save and read the template back from the sandbox, and an injected script in a template
// and in an attendee's name never runs; undo/redo across code and visual mode, full-width
// visual mode, and the two dark-mode previews. Runs under tests/e2e/run.sh.
import assert from "node:assert/strict";
import fs from "node:fs";
import { test } from "node:test";
import { sleep, WebDriver, stepper, demoSession } from "./webdriver.mjs";

const APP = process.env.QFLOW_APP_BIN ?? "target/debug/qflow-console";
const tid = (id) => `[data-testid="${id}"]`;
const CTRL = "\uE009";
const END = "\uE010";
const RELEASE = "\uE000";

const d = new WebDriver();

const step = stepper(d, "failed-studio-");

const escapeHtml = (s) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");

/** The rendered HTML the last preview command returned (mirrored outside the sandboxed frame). */
async function previewHtml() {
  const [el] = await d.waitFor(tid("preview-html"));
  return d.textContent(el);
}

async function waitPreview(pred, what) {
  const deadline = Date.now() + 15_000;
  let last = "";
  while (Date.now() < deadline) {
    last = await previewHtml();
    if (pred(last)) return last;
    await sleep(200);
  }
  throw new Error(`preview never showed ${what}; last: ${last.slice(0, 400)}`);
}

/** Type at the end of the HTML editor (send keys types at the start of contenteditable). */
async function typeAtEnd(text) {
  const [content] = await d.waitFor(tid("editor-html-content"));
  await d.click(content);
  await d.sendKeys(content, `${CTRL}${END}${RELEASE}`);
  await d.sendKeys(content, text);
}

let title = "";

demoSession(d, step, APP, async () => {
  title = await d.execute("return document.title;");
  const [nav] = await d.waitFor(tid("nav-templates"));
  await d.click(nav);
  await d.waitFor(tid("studio-list"));
});

const NAME = `E2E ticket ${Date.now().toString(36)}`;

/** Save (past the lint question), go back to the list, reopen the template named `name` as
 * read back from the sandbox, and return its stored HTML as the code editor shows it. */
async function saveAndReopen(name) {
  const [save] = await d.waitFor(tid("studio-save"));
  await d.click(save);
  const confirm = await d.findAll(tid("lint-save-anyway"));
  if (confirm.length) await d.click(confirm[0]);
  await d.waitFor(tid("studio-status"), { until: async ([el]) => el && /^Saved at/.test(await d.textContent(el)) });
  const [back] = await d.waitFor(tid("studio-back"));
  await d.click(back);
  const items = await d.waitFor(tid("template-item"), {
    until: async (els) => (await Promise.all(els.map((e) => d.textContent(e)))).some((t) => t.includes(name)),
  });
  for (const el of items) {
    if ((await d.textContent(el)).includes(name)) {
      await d.click(el);
      break;
    }
  }
  const [content] = await d.waitFor(tid("editor-html-content"));
  return d.textContent(content);
}

test("studio: a typed token shows the attendee's value; lint flags and fixes a typo; save reads back", async () => {
  await step("new", async () => {
    const [create] = await d.waitFor(tid("template-new"));
    await d.click(create);
    await d.waitFor(tid("studio-editor"));
    const [name] = await d.waitFor(tid("field-name"));
    await d.click(name);
    await d.sendKeys(name, `${CTRL}a${RELEASE}\uE003`);
    await d.sendKeys(name, NAME);
    await d.waitFor(tid("field-name"), { until: async ([el]) => el && (await d.execute("return arguments[0].value;", [{ "element-6066-11e4-a52e-4f735466cecf": el }])) === NAME });
    // The first attendee of the event is the preview recipient.
    await d.waitFor(tid("preview-recipient"), { until: async ([el]) => el && /^For .+</.test(await d.textContent(el)) });
  });

  let firstName = "";
  await step("token", async () => {
    const [picker] = await d.waitFor(tid("recipient-picker"));
    const label = (await d.textContent(picker)).replace(/^Preview as\s*/, "").replace(/\s*▾\s*$/, "");
    firstName = label.split(" ")[0];
    assert.ok(firstName, `recipient label: ${label}`);

    await typeAtEnd("<p>E2E {{");
    // `{{` opens the completion of every token with the attendee's value.
    await d.waitFor(".cm-tooltip-autocomplete li", { until: (els) => els.length >= 19 });
    const [first] = await d.waitFor(".cm-tooltip-autocomplete li");
    // The guide's order, firstname first, with the attendee's value beside it.
    assert.equal(await d.textContent(first), `{{firstname}}${firstName}`);
    await d.screenshot("studio-code");
    const [content] = await d.waitFor(tid("editor-html-content"));
    await d.sendKeys(content, "firstname}}</p>");
    const html = await waitPreview((h) => h.includes(`<p>E2E ${escapeHtml(firstName)}</p>`), `E2E ${firstName}`);
    assert.ok(!html.includes("{{firstname}}"), "every {{firstname}} replaced");
  });

  await step("lint", async () => {
    const [content] = await d.waitFor(tid("editor-html-content"));
    await d.sendKeys(content, "<p>{{firstnam}}</p>");
    const [item] = await d.waitFor(`${tid("lint-item")}[data-rule="unknown-token"]`);
    assert.match(await d.textContent(item), /firstnam/);
    assert.match(await d.textContent(item), /\{\{firstname\}\}/, "did you mean");
    await d.waitFor(".cm-lintRange-warning, .cm-lintRange-error");
    await d.screenshot("studio-lint");
    const [fix] = await d.waitFor(tid("lint-fix"));
    await d.click(fix);
    await d.waitFor(`${tid("lint-item")}[data-rule="unknown-token"]`, { until: (els) => els.length === 0 });
    await waitPreview((h) => h.includes(`<p>${escapeHtml(firstName)}</p>`), "the fixed token replaced");
    await d.screenshot("studio-lint-fixed");
  });

  await step("save", async () => {
    const text = await saveAndReopen(NAME);
    assert.ok(text.includes("<p>E2E {{firstname}}</p>") && text.includes("<p>{{firstname}}</p>"), `stored html: ${text}`);
    await waitPreview((h) => h.includes(`<p>E2E ${escapeHtml(firstName)}</p>`), "the saved template rendered");
    const [status] = await d.waitFor(tid("studio-status"));
    assert.equal(await d.textContent(status), "Saved");
    await d.screenshot("studio-saved");
  });

  await step("test-send", async () => {
    // Saved: the test goes to the preview attendee, then to "me" through a tagged test attendee.
    const [send] = await d.waitFor(tid("test-send-btn"));
    await d.click(send);
    const [sent] = await d.waitFor(tid("test-sent"), { timeoutMs: 15_000 });
    assert.match(await d.textContent(sent), /Test queued for .+</);
    const [me] = await d.waitFor(tid("test-to-me"));
    await d.click(me);
    const [email] = await d.waitFor(tid("test-email"));
    await d.click(email);
    await d.sendKeys(email, "me@gmial.com");
    await d.click(send);
    // A likely typo is refused before anything is sent, with a way to keep it.
    await d.waitFor(tid("test-keep-email"));
    await d.sendKeys(email, `${CTRL}a${RELEASE}\uE003`);
    await d.sendKeys(email, "me@example.com");
    await d.click(send);
    await d.waitFor(tid("test-sent"), { until: async ([el]) => el && /Test \(Qflow Console\) <me@example\.com>/.test(await d.textContent(el)), timeoutMs: 15_000 });
    // Scroll the left pane only (scrollIntoView would scroll the whole window too).
    await d.execute(
      `const el = document.querySelector('[data-testid="test-sent"]'), pane = document.querySelector(".studio-left");
       pane.scrollTop += el.getBoundingClientRect().top - pane.getBoundingClientRect().top - 300;`,
    );
    await d.screenshot("studio-test-send");
  });

  await step("import-export", async () => {
    const [copy] = await d.waitFor(tid("copy-json"));
    await d.click(copy);
    await d.waitFor(tid("copy-json"), { until: async ([el]) => el && (await d.attribute(el, "data-state")) === "copied" });
    const [open] = await d.waitFor(tid("import-open"));
    await d.click(open);
    const [box] = await d.waitFor(tid("import-text"));
    await d.sendKeys(box, '{"name": "x", "html" 1}');
    const [apply] = await d.waitFor(tid("import-apply"));
    await d.click(apply);
    await d.waitFor(".notice", { until: async (els) => (await Promise.all(els.map((e) => d.textContent(e)))).some((t) => /pasted\.json: line 1, column \d+: expected `:`/.test(t)) });
    await d.screenshot("studio-import-error");
    // Back to the top of the left pane for the next tests (they click into the editor).
    await d.click(open);
    await d.execute("document.querySelector('.studio-left').scrollTop = 0;");
  });

  await step("mobile", async () => {
    const [mobile] = await d.waitFor(tid("preview-mobile"));
    await d.click(mobile);
    await sleep(300);
    await d.screenshot("studio-mobile");
    const [desktop] = await d.waitFor(tid("preview-desktop"));
    await d.click(desktop);
  });

  await step("remove-test-attendees", async () => {
    const [btn] = await d.waitFor(tid("remove-tests-btn"));
    await d.click(btn);
    const [confirm] = await d.waitFor(tid("remove-tests-confirm"), { timeoutMs: 15_000 });
    // The test send above created exactly one test attendee (me@example.com).
    assert.match(await d.textContent(confirm), /Delete 1 test attendee tagged qflow-console-test/);
    assert.match(await d.textContent(confirm), /me@example\.com/);
    await d.execute(
      `const el = document.querySelector('[data-testid="remove-tests-confirm"]'), pane = document.querySelector(".studio-left");
       pane.scrollTop += el.getBoundingClientRect().top - pane.getBoundingClientRect().top - 300;`,
    );
    await d.screenshot("studio-remove-tests-confirm");
    await d.click((await d.waitFor(tid("remove-tests-yes")))[0]);
    const [done] = await d.waitFor(tid("remove-tests-result"), { timeoutMs: 15_000 });
    assert.match(await d.textContent(done), /^Deleted 1 test attendee\./);
    await d.screenshot("studio-remove-tests-done");
    // Gone from the sandbox: asking again finds none.
    await d.click((await d.waitFor(tid("remove-tests-btn")))[0]);
    await d.waitFor(tid("remove-tests-none"), { timeoutMs: 15_000 });
  });

  await step("export-import-file", async () => {
    // QFLOW_E2E_SAVE_PATH / QFLOW_E2E_OPEN_PATH (set by run.sh) stand in for the native
    // dialogs, which WebKitWebDriver cannot drive; Rust still writes and reads the files.
    const savePath = process.env.QFLOW_E2E_SAVE_PATH;
    const openPath = process.env.QFLOW_E2E_OPEN_PATH;
    assert.ok(savePath && openPath, "run.sh sets QFLOW_E2E_SAVE_PATH and QFLOW_E2E_OPEN_PATH");
    fs.rmSync(savePath, { force: true });
    await d.click((await d.waitFor(tid("export-json")))[0]);
    const [written] = await d.waitFor(tid("export-written"), { timeoutMs: 15_000 });
    assert.match(await d.textContent(written), /^Saved .+ \(\d+\.\d KB\)\.$/);
    const json = JSON.parse(fs.readFileSync(savePath, "utf8"));
    assert.match(json.html, /\{\{firstname\}\}/);
    assert.equal(typeof json.name, "string");
    await d.click((await d.waitFor(tid("export-html")))[0]);
    await d.waitFor(tid("export-written"), { until: async ([el]) => el && /Saved/.test(await d.textContent(el)) });
    assert.equal(fs.readFileSync(savePath, "utf8"), json.html, ".html export is the HTML as typed");
    await d.screenshot("studio-export-file");

    // Import: a broken JSON file is refused with line and column; an .html file replaces the body.
    fs.writeFileSync(openPath, '{\n  "name": "x",\n  "html" 1\n}');
    await d.click((await d.waitFor(tid("import-file")))[0]);
    await d.waitFor(".notice", { until: async (els) => (await Promise.all(els.map((e) => d.textContent(e)))).some((t) => /line 3, column \d+/.test(t)) });
    fs.writeFileSync(openPath, "<p>From a file for {{firstname}}</p>");
    await d.click((await d.waitFor(tid("import-file")))[0]);
    await d.waitFor(tid("import-notes"), { until: async ([el]) => el && /HTML imported into the body from /.test(await d.textContent(el)) });
    await waitPreview((h) => h.startsWith("<p>From a file for ") && !h.includes("{{firstname}}"), "the imported file's HTML merged");
    // Back to the top of the left pane for the next tests (they click into the editor).
    await d.execute("document.querySelector('.studio-left').scrollTop = 0;");
  });
});

test("studio: a script in the template or in an attendee's name never runs", async () => {
  await step("inject", async () => {
    await d.execute("window.__pwned = undefined;");
    await typeAtEnd(
      `<script>window.top.__pwned='template';document.title='pwned-template'</script>` +
        `<img src="x" alt="x" onerror="window.top.__pwned='img';document.title='pwned-img'">` +
        `<a href="javascript:document.title='pwned-link'" id="jl">link</a>` +
        `<p>N {{firstname}} {{lastname}}</p>`,
    );
    // The attendee with HTML-looking values (a <script> first name, an onerror last name).
    const [picker] = await d.waitFor(tid("recipient-picker"));
    await d.click(picker);
    const [edge] = await d.waitFor(tid("edge-htmlLooking"));
    await d.click(edge);
    const html = await waitPreview(
      (h) => h.includes("&lt;script&gt;document.title=&#39;pwned-guest&#39;&lt;/script&gt;"),
      "the escaped attendee name",
    );
    // The template's own markup reaches the frame as written; the attendee's is text.
    assert.ok(html.includes("<script>window.top.__pwned='template'"), "template script present in the document");
    assert.ok(!html.includes("<img src=x onerror"), "attendee markup escaped");
    const [frame] = await d.waitFor(tid("preview-frame"));
    assert.equal(await d.attribute(frame, "sandbox"), "allow-same-origin", "no scripts (same-origin only for in-place text edits)");
    await sleep(1500);
    assert.equal(await d.execute("return document.title;"), title, "nothing changed the app's title");
    assert.equal(await d.execute("return window.__pwned === undefined;"), true, "no script reached the app");
    // Clicking into the frame (where the javascript: link is) does nothing either.
    await d.click(frame);
    await sleep(500);
    assert.equal(await d.execute("return document.title;"), title);
    await d.screenshot("studio-injection");
  });
});

test("studio: visual mode inserts a block that shows up in the code and the preview", async () => {
  await step("visual-open", async () => {
    // Leave the injected template without saving, start a new one.
    const [back] = await d.findAll(tid("studio-back"));
    if (back) {
      await d.click(back);
      const [discard] = await d.waitFor(tid("leave-discard"));
      await d.click(discard);
    }
    const [create] = await d.waitFor(tid("template-new"));
    await d.click(create);
    await d.waitFor(tid("studio-editor"));
    const [visual] = await d.waitFor(tid("mode-visual"));
    await d.click(visual);
    await d.waitFor(tid("block-qf-divider"), { timeoutMs: 30_000 });
    // GrapesJS re-exports the starter HTML (inlined styles): the user sees the diff and chooses.
    const confirm = await d.waitFor(tid("rewrite-confirm"), { timeoutMs: 5_000 }).catch(() => []);
    if (confirm.length) {
      await d.screenshot("studio-rewrite");
      const [accept] = await d.waitFor(tid("rewrite-accept"));
      await d.click(accept);
    }
  });

  await step("visual-insert", async () => {
    const [divider] = await d.waitFor(tid("block-qf-divider"));
    await d.click(divider);
    const [button] = await d.waitFor(tid("block-qf-button"));
    await d.click(button);
    await waitPreview((h) => h.includes("<hr") && h.includes("Add to calendar"), "the inserted divider and button");
    await d.screenshot("studio-visual");
    assert.equal(await d.execute("return document.title;"), title);
    const [code] = await d.waitFor(tid("mode-code"));
    await d.click(code);
    const [content] = await d.waitFor(tid("editor-html-content"));
    const text = await d.textContent(content);
    assert.ok(text.includes("<hr") && text.includes("Add to calendar"), `code after visual: ${text.slice(0, 300)}`);
    // The canvas shows a stand-in for the ticket QR; the template keeps the token.
    assert.ok(text.includes('src="{{barcode_qr}}"'), `the QR token after visual: ${text.slice(0, 300)}`);
  });

  await step("visual-save", async () => {
    // Built without HTML, saved, and read back from the sandbox with the blocks in it.
    const visualName = `${NAME} visual`;
    const [name] = await d.waitFor(tid("field-name"));
    await d.click(name);
    await d.sendKeys(name, `${CTRL}a${RELEASE}\uE003`);
    await d.sendKeys(name, visualName);
    const stored = await saveAndReopen(visualName);
    assert.ok(stored.includes("<hr") && stored.includes("Add to calendar"), `stored html: ${stored.slice(0, 300)}`);
    await waitPreview((h) => h.includes("Add to calendar"), "the saved visual template rendered");
    await d.screenshot("studio-visual-saved");
  });
});

/** Mouse actions at viewport coordinates (GrapesJS drags with mouse events: nativeDnD off). */
async function mouse(steps) {
  const actions = steps.flatMap((s) =>
    s.move ? [{ type: "pointerMove", duration: s.ms ?? 0, origin: "viewport", x: s.move[0], y: s.move[1] }] : s.down ? [{ type: "pointerDown", button: 0 }] : s.up ? [{ type: "pointerUp", button: 0 }] : [{ type: "pause", duration: s.pause }],
  );
  await d.cmd("POST", "/actions", { actions: [{ type: "pointer", id: "mouse", parameters: { pointerType: "mouse" }, actions }] }, { retry: false });
  await d.cmd("DELETE", "/actions", undefined, { retry: true });
}

/** Viewport box of the canvas element whose own text starts with `text`. */
const canvasBox = (text) =>
  d.execute(
    `const f = document.querySelector('.gjs-frame'); const doc = f && f.contentDocument;
     const el = doc && [...doc.body.querySelectorAll('*')].find((e) => e.children.length === 0 && e.textContent.trim().startsWith(arguments[0]));
     if (!el) return null;
     const r = el.getBoundingClientRect(), fr = f.getBoundingClientRect();
     return { x: Math.round(fr.left + r.left + Math.min(30, r.width / 2)), top: Math.round(fr.top + r.top), bottom: Math.round(fr.top + r.bottom) };`,
    [text],
  );

/** The HTML editor's text (what the code editor holds now). */
async function codeText() {
  const [content] = await d.waitFor(tid("editor-html-content"));
  return d.textContent(content);
}

/** Picks a dark-mode emulation in the preview toolbar (a <select>: click its option). */
async function pickDark(value) {
  const [opt] = await d.waitFor(`${tid("preview-dark")} option[value="${value}"]`);
  await d.click(opt);
  await d.waitFor(tid("preview-dark"), { until: async ([el]) => el && (await d.execute("return arguments[0].value;", [{ "element-6066-11e4-a52e-4f735466cecf": el }])) === value });
}

/** Reads computed styles inside the preview frame (same-origin sandbox, no scripts in it). */
const frameStyle = (sel, prop) =>
  d.execute(
    `const doc = document.querySelector('[data-testid="preview-frame"]').contentDocument;
     const el = doc && doc.querySelector(arguments[0]);
     return el ? getComputedStyle(el).getPropertyValue(arguments[1]) : null;`,
    [sel, prop],
  );

test("studio: undo survives mode switches; full-width visual mode; both dark previews", async () => {
  await step("undo-across-modes", async () => {
    // The saved visual template is open in code mode. A typed change, then a block in visual mode.
    const before = await codeText();
    await typeAtEnd("<p>UNDO-ME</p>");
    await waitPreview((h) => h.includes("UNDO-ME"), "the typed paragraph");
    const [visual] = await d.waitFor(tid("mode-visual"));
    await d.click(visual);
    await d.waitFor(tid("block-qf-spacer"), { timeoutMs: 30_000 });
    assert.equal((await d.findAll(tid("rewrite-confirm"))).length, 0, "a saved visual template round-trips");
    // Move the heading below the first paragraph (both at the top of the canvas, in view):
    // select it, drag its toolbar's move handle.
    await d.execute("document.querySelector('.studio-left').scrollTop = 0;");
    await sleep(500);
    const heading = await canvasBox("Hi {{firstname}}");
    assert.ok(heading, "the heading is in the canvas");
    await mouse([{ move: [heading.x, Math.round((heading.top + heading.bottom) / 2)] }, { down: true }, { pause: 50 }, { up: true }]);
    const [handle] = await d.waitFor(".gjs-toolbar-item.gjs-no-touch-actions");
    const h = await d.execute("const r = arguments[0].getBoundingClientRect(); return { x: Math.round(r.left + r.width / 2), y: Math.round(r.top + r.height / 2) };", [{ "element-6066-11e4-a52e-4f735466cecf": handle }]);
    const target = await canvasBox("Your ticket for");
    assert.ok(target, "the first paragraph is in the canvas");
    await mouse([
      { move: [h.x, h.y] },
      { down: true },
      { pause: 100 },
      { move: [target.x, target.top + 2], ms: 250 },
      { move: [target.x, target.bottom - 2], ms: 250 },
      { pause: 200 },
      { up: true },
    ]);
    const moved = (x) => x.indexOf("<h1") > x.indexOf("is below.");
    await waitPreview(moved, "the heading moved below the first paragraph");
    const [code] = await d.waitFor(tid("mode-code"));
    await d.click(code);
    await d.waitFor(tid("editor-html-content"), { until: async ([el]) => el && moved(await d.textContent(el)) });
    // Ctrl+Z (focus on the mode button: the studio's listener) and the toolbar button.
    await d.sendKeys(code, `${CTRL}z${RELEASE}`);
    await d.waitFor(tid("editor-html-content"), { until: async ([el]) => el && !moved(await d.textContent(el)) });
    assert.ok((await codeText()).includes("UNDO-ME"), "the first undo takes back the move only (one step for the drag)");
    const [undo] = await d.waitFor(tid("studio-undo"));
    await d.click(undo);
    await d.waitFor(tid("editor-html-content"), { until: async ([el]) => el && !(await d.textContent(el)).includes("UNDO-ME") });
    assert.equal(await codeText(), before, "both changes undone, in order");
    await waitPreview((x) => !x.includes("UNDO-ME"), "the preview without either change");
    const [redo] = await d.waitFor(tid("studio-redo"));
    await d.click(redo);
    await d.click(redo);
    await d.waitFor(tid("editor-html-content"), { until: async ([el]) => el && moved(await d.textContent(el)) });
    await d.screenshot("studio-undo-redo");
  });

  await step("full-width", async () => {
    const [visual] = await d.waitFor(tid("mode-visual"));
    await d.click(visual);
    await d.waitFor(tid("block-qf-spacer"), { timeoutMs: 30_000 });
    const [wide] = await d.waitFor(tid("visual-full-width"));
    assert.equal(await d.textContent(wide), "Full width");
    await d.click(wide);
    await d.waitFor(tid("visual-full-width"), { until: async ([el]) => el && (await d.textContent(el)) === "Show preview" });
    const hidden = await d.execute("return document.querySelector('.studio-right').offsetParent === null;");
    assert.equal(hidden, true, "the preview is hidden");
    const widths = await d.execute("return [document.querySelector('.editor-visual').getBoundingClientRect().width, document.querySelector('[data-testid=studio-body]').getBoundingClientRect().width];");
    assert.ok(widths[0] > widths[1] * 0.9, `visual editor ${String(widths[0])} of ${String(widths[1])}`);
    assert.equal(await d.execute("return sessionStorage.getItem('qflow.studio.visualFullWidth');"), "1");
    await sleep(500);
    await d.screenshot("studio-visual-full-width");
    // The starter's ticket QR is a merge token: the canvas shows a labelled stand-in, not
    // GrapesJS's "image missing" sign.
    const qr = await d.execute(`const doc = document.querySelector(".gjs-frame").contentDocument;
      const img = [...doc.querySelectorAll("img")].find((i) => (i.getAttribute("alt") || "").startsWith("Ticket QR"));
      if (!img) return "no QR image in the canvas";
      const [head, data] = img.src.split(",");
      return head.endsWith(";base64") ? atob(data) : decodeURIComponent(data);`);
    assert.ok(String(qr).includes(">Ticket QR<"), `the canvas QR shows: ${String(qr).slice(0, 200)}`);
    await d.execute("document.documentElement.dataset.theme = 'dark';");
    await sleep(300);
    await d.screenshot("studio-visual-full-width-dark");
    await d.execute("delete document.documentElement.dataset.theme;");
    // Undo in visual mode puts the state before the move into the canvas (and the preview).
    await d.click((await d.waitFor(tid("studio-undo")))[0]);
    await d.waitFor(".gjs-frame", {
      until: async () => {
        const [a, b] = [await canvasBox("Hi {{firstname}}"), await canvasBox("Your ticket for")];
        return Boolean(a && b && a.top < b.top);
      },
    });
    await waitPreview((x) => x.includes("UNDO-ME") && x.indexOf("<h1") < x.indexOf("is below."), "the heading back on top");
    // Remembered through a mode switch; "Show preview" brings the preview back.
    const [code] = await d.waitFor(tid("mode-code"));
    await d.click(code);
    assert.equal(await d.execute("return document.querySelector('.studio-right').offsetParent === null;"), false, "code mode keeps the preview");
    await d.click((await d.waitFor(tid("mode-visual")))[0]);
    await d.waitFor(tid("visual-full-width"), { until: async ([el]) => el && (await d.textContent(el)) === "Show preview" });
    await d.click((await d.waitFor(tid("visual-full-width")))[0]);
    await d.waitFor(tid("visual-full-width"), { until: async ([el]) => el && (await d.textContent(el)) === "Full width" });
    assert.equal(await d.execute("return document.querySelector('.studio-right').offsetParent === null;"), false);
    await d.click((await d.waitFor(tid("mode-code")))[0]);
  });

  await step("dark-previews", async () => {
    // The template's own dark rule, for the prefers-color-scheme emulation.
    await typeAtEnd('<style>@media (prefers-color-scheme: dark){.dk{color:#ffd54f}}</style><p class="dk">DARK-STYLED</p>');
    await waitPreview((h) => h.includes("DARK-STYLED"), "the dark-styled paragraph");
    assert.equal(await frameStyle(".dk", "color"), "rgb(0, 0, 0)", "light: the dark rule does not apply");

    await pickDark("invert");
    await d.waitFor(tid("preview-frame"), { until: async () => /invert/.test((await frameStyle("html", "filter")) ?? "") });
    // Images are inverted back: the QR keeps dark modules on white.
    assert.match((await frameStyle("img", "filter")) ?? "", /invert/);
    assert.equal(await frameStyle(".dk", "color"), "rgb(0, 0, 0)", "inversion does not apply the template's dark rules");
    await sleep(400);
    await d.screenshot("studio-dark-invert");
    await d.execute("document.documentElement.dataset.theme = 'dark';");
    await sleep(300);
    await d.screenshot("studio-dark-invert-app-dark");
    await d.execute("delete document.documentElement.dataset.theme;");

    await pickDark("scheme");
    await d.waitFor(tid("preview-frame"), { until: async () => (await frameStyle(".dk", "color")) === "rgb(255, 213, 79)" });
    assert.equal(await frameStyle("html", "background-color"), "rgb(28, 28, 30)");
    assert.equal(await frameStyle("img", "filter"), "none", "images untouched");
    await sleep(400);
    await d.screenshot("studio-dark-scheme");
    await d.execute("document.documentElement.dataset.theme = 'dark';");
    await sleep(300);
    await d.screenshot("studio-dark-scheme-app-dark");
    await d.execute("delete document.documentElement.dataset.theme;");

    await pickDark("off");
    await d.waitFor(tid("preview-frame"), { until: async () => (await frameStyle(".dk", "color")) === "rgb(0, 0, 0)" });    // Leave without saving these edits (the next test starts from the list).
    await d.click((await d.waitFor(tid("studio-back")))[0]);
    await d.click((await d.waitFor(tid("leave-discard")))[0]);
    await d.waitFor(tid("template-new"));
  });
});

test("studio: a template is deleted only after a confirmation that names it", async () => {
  const el = (id) => ({ "element-6066-11e4-a52e-4f735466cecf": id });
  /** The list's delete button of the template named `name` (none: null). */
  async function deleteButton(name) {
    for (const b of await d.findAll(tid("template-delete"))) {
      const label = await d.execute("return arguments[0].getAttribute('aria-label');", [el(b)]);
      if (label === `Delete template ${name}`) return b;
    }
    return null;
  }
  await step("delete-confirm", async () => {
    const back = await d.findAll(tid("studio-back"));
    if (back.length) await d.click(back[0]);
    await d.waitFor(tid("template-delete"));
    const button = await deleteButton(NAME);
    assert.ok(button, `the saved template "${NAME}" has a delete button`);
    await d.click(button);
    await d.waitText(tid("template-delete-name"), new RegExp(`^${NAME}$`));
    // The safe choice has the focus.
    const focused = await d.execute("return document.activeElement?.dataset?.testid ?? '';");
    assert.equal(focused, "template-delete-keep");
    await d.screenshot("studio-delete-confirm");
  });
  await step("delete-keep", async () => {
    const [keep] = await d.waitFor(tid("template-delete-keep"));
    await d.click(keep);
    await d.waitFor(tid("template-delete-confirm"), { until: (els) => els.length === 0 });
    assert.ok(await deleteButton(NAME), "kept: still listed");
  });
  await step("delete", async () => {
    await d.click(await deleteButton(NAME));
    const [yes] = await d.waitFor(tid("template-delete-yes"));
    await d.click(yes);
    await d.waitFor(tid("template-delete-confirm"), { until: (els) => els.length === 0 });
    // Gone from the list; the other template (named "… visual") stays.
    const deadline = Date.now() + 15_000;
    while ((await deleteButton(NAME)) !== null) {
      assert.ok(Date.now() < deadline, `"${NAME}" is still listed`);
      await sleep(200);
    }
    assert.ok(await deleteButton(`${NAME} visual`), "only the named template went");
    await d.screenshot("studio-deleted");
  });
});
