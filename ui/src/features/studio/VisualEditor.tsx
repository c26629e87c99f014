// Visual mode: GrapesJS with the newsletter preset, for staff who do not write HTML. Blocks
// (text, heading, image, button, ticket QR, divider, two columns, spacer) and a token palette;
// clicking a block appends it, dragging works with mouse events (nativeDnD: false: native
// HTML5 drag into the canvas frame fails in WebKitGTK). Nothing is stored by GrapesJS
// (storageManager: false): the HTML goes back to the studio, which saves through Rust.
// Undo is the studio's (history.ts): GrapesJS's undo keys and buttons are routed there.
import { useEffect, useRef, useState } from "react";
import type { Editor } from "grapesjs";
import "grapesjs/dist/css/grapes.min.css";
import { undoKey } from "./history";

/** What the studio drives: showing a state from its history. */
export interface VisualHandle {
  /** Replaces the content without reporting it back as a change. */
  setHtml: (html: string) => void;
}

interface Props {
  initial: string;
  tokens: { name: string; description: string }[];
  /** The HTML GrapesJS exports (CSS inlined for email clients). */
  onChange: (html: string) => void;
  /** Once loaded: the export of the untouched input (differs when GrapesJS rewrote it). */
  onLoad: (exported: string) => void;
  onUndo: () => void;
  onRedo: () => void;
  onReady?: (h: VisualHandle | null) => void;
}

const INLINED = "gjs-get-inlined-html";

function exportHtml(editor: Editor): string {
  const inlined: unknown = editor.runCommand(INLINED);
  const html = typeof inlined === "string" ? inlined : editor.getHtml();
  // The template is a fragment: drop the wrapper's <body> GrapesJS adds.
  return html.replace(/^\s*<body[^>]*>/i, "").replace(/<\/body>\s*$/i, "");
}

const BLOCKS: { id: string; label: string; content: string | Record<string, unknown> }[] = [
  { id: "qf-heading", label: "Heading", content: `<h1 style="font-family:Arial,sans-serif;">Hi {{firstname}}!</h1>` },
  { id: "qf-text", label: "Text", content: `<p style="font-family:Arial,sans-serif;font-size:15px;">Your ticket for {{event}} on {{date}}.</p>` },
  { id: "qf-image", label: "Image", content: { type: "image", attributes: { alt: "Image" }, style: { "max-width": "100%" } } },
  {
    id: "qf-button",
    label: "Button",
    content: `<a href="https://example.com" style="display:inline-block;padding:12px 20px;background:#4338ca;color:#ffffff;border-radius:6px;text-decoration:none;font-family:Arial,sans-serif;">Add to calendar</a>`,
  },
  { id: "qf-qr", label: "Ticket QR", content: `<img src="{{barcode_qr}}" alt="Ticket QR code for {{fullname}}" width="160" height="160" />` },
  { id: "qf-divider", label: "Divider", content: `<hr style="border:0;border-top:1px solid #dddddd;margin:16px 0;" />` },
  {
    id: "qf-columns",
    label: "Two columns",
    content: `<table style="width:100%;border-collapse:collapse;"><tr><td style="width:50%;padding:8px;vertical-align:top;"><p>Left column</p></td><td style="width:50%;padding:8px;vertical-align:top;"><p>Right column</p></td></tr></table>`,
  },
  { id: "qf-spacer", label: "Spacer", content: `<div style="height:24px;line-height:24px;">&nbsp;</div>` },
];

/** What the canvas shows for an image whose src is a merge token (`{{barcode_qr}}` has a value
 * only once merged for an attendee): a labelled stand-in, not GrapesJS's "image missing"
 * sign. Null for any other src. Canvas only: the template keeps the token. */
export function tokenImagePlaceholder(src: string | undefined): string | null {
  const m = /^\s*\{\{\s*([A-Za-z_][\w.]*)\s*\}\}\s*$/.exec(src ?? "");
  if (!m) return null;
  const name = m[1] ?? "";
  const qr = name === "barcode_qr";
  const finder = (x: number, y: number) => `<rect x="${x}" y="${y}" width="36" height="36" fill="none" stroke="#555" stroke-width="8"/><rect x="${x + 12}" y="${y + 12}" width="12" height="12" fill="#555"/>`;
  const art = qr ? finder(16, 16) + finder(108, 16) + finder(16, 108) : `<rect x="16" y="16" width="128" height="100" fill="none" stroke="#999" stroke-width="4" stroke-dasharray="8 6"/>`;
  const label = qr ? "Ticket QR" : `{{${name}}}`;
  const note = qr ? "each attendee's own" : "merged per attendee";
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 160 160" width="160" height="160"><rect width="160" height="160" fill="#f4f4f5"/>${art}` +
    `<text x="80" y="${qr ? 84 : 134}" font-family="Arial,sans-serif" font-size="13" text-anchor="middle" fill="#333">${label}</text>` +
    `<text x="80" y="${qr ? 100 : 150}" font-family="Arial,sans-serif" font-size="10" text-anchor="middle" fill="#666">${note}</text></svg>`
  );
}

/** Gives every image whose src is a merge token its stand-in in the canvas. */
function showTokenImages(editor: Editor): void {
  for (const c of editor.getWrapper()?.find("img") ?? []) {
    const svg = tokenImagePlaceholder(c.getAttributes().src as string | undefined);
    if (!svg) continue;
    // The model's fallback (GrapesJS shows it when the src fails to load; not a change to the
    // template: no "update", no undo step), and the element now, in case it already failed.
    c.set("fallback", svg, { avoidStore: true });
    const el = c.getEl();
    // The canvas is another document: its elements are not this window's HTMLImageElement.
    if (el?.tagName === "IMG") (el as HTMLImageElement).src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
  }
}

type PresetFn = (editor: Editor, opts: Record<string, unknown>) => void;

/** The preset ships as UMD: under Vite its plugin is `default` or `default.default`. */
function presetPlugin(mod: unknown): PresetFn {
  let m: unknown = mod;
  for (let i = 0; i < 3 && typeof m !== "function"; i++) {
    m = (m as { default?: unknown } | null)?.default;
  }
  if (typeof m !== "function") throw new Error("grapesjs-preset-newsletter did not load");
  return m as PresetFn;
}

/** Names for the panel buttons GrapesJS and the preset leave without a title (icons only). */
const BUTTON_NAMES: Record<string, string> = {
  undo: "Undo",
  redo: "Redo",
  "gjs-open-import-template": "Import HTML",
  "gjs-toggle-images": "Show or hide images",
  "canvas-clear": "Clear the canvas",
};

/** Name each panel button (most show only an icon): its title, GrapesJS's own title for its id,
 * ours, or the id in words. The DOM holds no id: a panel's button elements follow its models. */
function nameButtons(editor: Editor) {
  for (const panel of editor.Panels.getPanels().models) {
    const el = (panel.view as { el?: unknown } | undefined)?.el;
    if (!(el instanceof HTMLElement)) continue;
    const els = el.querySelectorAll<HTMLElement>(".gjs-pn-btn");
    const models = panel.buttons.models;
    if (els.length !== models.length) continue;
    models.forEach((b, i) => {
      const btn = els[i];
      if (!btn || btn.getAttribute("title") || btn.getAttribute("aria-label")) return;
      const id = String(b.id);
      const attrs = (b.get("attributes") ?? {}) as Record<string, unknown>;
      const own = editor.I18n.t(`panels.buttons.titles.${id}`) as unknown;
      const name =
        (typeof attrs.title === "string" && attrs.title) || (typeof own === "string" && own) || BUTTON_NAMES[id] || id.replace(/^gjs-/, "").replace(/[-_]/g, " ");
      if (name) btn.setAttribute("aria-label", name);
    });
  }
}

/** GrapesJS draws its panel buttons and blocks as plain elements: give each a button's role, a
 * name, a place in the Tab order and Enter/Space, as they appear. */
function keyboardReachable(root: HTMLElement): () => void {
  const mark = () => {
    for (const el of root.querySelectorAll<HTMLElement>(".gjs-pn-btn:not([tabindex]), .gjs-block:not([tabindex])")) {
      // An empty placeholder (no icon, no words) is not a control.
      if (el.childElementCount === 0 && !el.textContent.trim()) continue;
      el.tabIndex = 0;
      el.setAttribute("role", "button");
      const name = el.getAttribute("title") ?? el.textContent.trim();
      if (name && !el.getAttribute("aria-label")) el.setAttribute("aria-label", name);
      el.addEventListener("keydown", (e) => {
        if (e.key === "Enter" || e.key === " ") {
          e.preventDefault();
          el.click();
        }
      });
    }
  };
  mark();
  const mo = new MutationObserver(mark);
  mo.observe(root, { childList: true, subtree: true });
  return () => {
    mo.disconnect();
  };
}

export function VisualEditor({ initial, tokens, onChange, onLoad, onUndo, onRedo, onReady }: Props) {
  const host = useRef<HTMLDivElement>(null);
  const [failed, setFailed] = useState<string | null>(null);
  const editorRef = useRef<Editor | null>(null);
  const props = useRef({ initial, tokens, onChange, onLoad, onUndo, onRedo, onReady });
  useEffect(() => {
    props.current = { initial, tokens, onChange, onLoad, onUndo, onRedo, onReady };
  });

  useEffect(() => {
    // StrictMode mounts twice: one editor per host, destroyed in cleanup.
    let cancelled = false;
    let unmark = () => {};
    Promise.all([import("grapesjs"), import("grapesjs-preset-newsletter")]).then(([gjs, preset]) => {
      if (cancelled || !host.current || editorRef.current) return;
      const editor = gjs.default.init({
        container: host.current,
        height: "100%",
        width: "auto",
        fromElement: false,
        components: props.current.initial,
        storageManager: false,
        // No "* { box-sizing }" reset inlined into every element of the email.
        protectedCss: "",
        nativeDnD: false,
        // Only our blocks (the list), not the preset's sample sections.
        plugins: [(ed: Editor) => { presetPlugin(preset)(ed, { blocks: [], showStylesOnChange: false }); }],
        blockManager: { appendOnClick: true },
        assetManager: { upload: false },
      });
      const bm = editor.Blocks;
      for (const b of BLOCKS) bm.add(b.id, { label: b.label, category: "Blocks", content: b.content, attributes: { "data-testid": `block-${b.id}` } });
      for (const t of props.current.tokens) {
        bm.add(`qf-token-${t.name}`, {
          label: `{{${t.name}}}`,
          category: "Merge tokens",
          content: { type: "text", tagName: "span", content: `{{${t.name}}}` },
          attributes: { title: t.description, "data-testid": `block-token-${t.name}` },
        });
      }
      // The preset's undo/redo buttons run these commands; the keys are handled below.
      editor.Commands.add("core:undo", { run: () => { props.current.onUndo(); } });
      editor.Commands.add("core:redo", { run: () => { props.current.onRedo(); } });
      editor.Keymaps.remove("core:undo");
      editor.Keymaps.remove("core:redo");
      editorRef.current = editor;
      // GrapesJS reports changes on a zero timeout: a state set from the history is skipped
      // until that has run.
      let applying = false;
      editor.on("load", () => {
        if (cancelled) return;
        // GrapesJS's own markup: a name for the canvas frame, and its scrolling side panel
        // (blocks, layers, styles) reachable by keyboard.
        editor.Canvas.getFrameEl().setAttribute("title", "Email canvas");
        nameButtons(editor);
        if (host.current) unmark = keyboardReachable(host.current);
        const views = host.current?.querySelector(".gjs-pn-views-container");
        if (views) {
          views.setAttribute("tabindex", "0");
          views.setAttribute("role", "region");
          views.setAttribute("aria-label", "Blocks and settings");
        }
        showTokenImages(editor);
        // Adding a tree fires this for each of its components (a whole template on apply):
        // one walk of the canvas per burst, not one per component.
        let tokenImagesQueued = false;
        editor.on("component:add", () => {
          if (tokenImagesQueued) return;
          tokenImagesQueued = true;
          queueMicrotask(() => {
            tokenImagesQueued = false;
            showTokenImages(editor);
          });
        });
        props.current.onLoad(exportHtml(editor));
        editor.on("update", () => {
          if (!applying) props.current.onChange(exportHtml(editor));
        });
        // Keys in the canvas frame never reach the studio's listener. While text is being
        // edited the browser's own undo works inside it.
        editor.Canvas.getDocument()?.addEventListener("keydown", (e) => {
          const k = undoKey(e);
          if (!k || e.defaultPrevented || editor.getEditing()) return;
          e.preventDefault();
          if (k === "undo") props.current.onUndo();
          else props.current.onRedo();
        });
        props.current.onReady?.({
          setHtml(html) {
            if (exportHtml(editor) === html) return;
            applying = true;
            editor.select();
            editor.Css.clear();
            editor.setComponents(html);
            showTokenImages(editor);
            setTimeout(() => {
              applying = false;
            }, 0);
          },
        });
      });
    }).catch((e: unknown) => {
      if (!cancelled) setFailed(e instanceof Error ? e.message : String(e));
    });
    return () => {
      cancelled = true;
      unmark();
      props.current.onReady?.(null);
      editorRef.current?.destroy();
      editorRef.current = null;
    };
  }, []);

  return (
    <div className="visual-wrap" data-testid="visual-editor">
      {failed && (
        <p className="notice notice-error" role="alert" data-testid="visual-failed">
          The visual editor could not start: {failed}. Use code mode.
        </p>
      )}
      <div ref={host} className="visual-host" />
    </div>
  );
}
