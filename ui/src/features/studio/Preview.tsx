// The preview: what one attendee will receive, rendered in Rust by the core merge engine and
// shown in a sandboxed frame: sandbox="allow-same-origin" and never allow-scripts, so nothing in
// the document runs (no scripts, handlers or javascript: URLs) and its own strict CSP applies.
// Same-origin lets this side set a typed character into the frame's text node in place instead
// of reparsing the whole document per keystroke; nothing is ever parsed into the app's own
// document. The rendered HTML is mirrored in a hidden element for tests; the inbox row is drawn here.
import { memo, useCallback, useEffect, useLayoutEffect, useRef, useState, useSyncExternalStore } from "react";
import type { PreviewResult, StudioApi } from "./api";
import type { PreviewStore } from "./previewStore";
import { PatchedText } from "./patch";
import type { TextPatch } from "../../bindings/TextPatch";
import type { EdgeCase } from "../../bindings/EdgeCase";
import type { DarkEmulation } from "../../bindings/DarkEmulation";
import { DarkPreviewToggle } from "./DarkPreviewToggle";
import type { GuestRow } from "../../bindings/GuestRow";

export type TextEdit = NonNullable<PreviewResult["textEdit"]>;
export type ElementEdit = NonNullable<PreviewResult["elementEdit"]>;
/** What Rust says the frame can do in place: set one text node, or re-parse one element. */
export type InPlaceEdit = { text: TextEdit } | { element: ElementEdit };
/** Typing pause after which in-place edits are checked against a full parse. */
const IN_PLACE_CHECK_MS = 600;

/** What the editor drives directly (ahead of React's render) when a preview reply lands. */
export interface FrameHandle {
  /** Shows `doc`: in place when `edit` turns the shown `base` into it, else by reloading the
   * frame. `mark` is a performance mark set when the frame shows `doc`. True = in place. */
  show: (doc: PatchedText, edit?: InPlaceEdit | null, base?: PatchedText, mark?: string) => boolean;
  /** Shows `text` in the rendered-html mirror now (patched in place when it follows what is
   * shown), ahead of the pane's next render. */
  mirror: (text: PatchedText) => void;
}

/** Re-parses the content of the frame's element (the frame's own parser, in that element's
 * context: no script runs, the frame's sandbox and CSP apply) if it still has the child count
 * Rust saw. */
export function applyElementEdit(doc: Document | null, edit: ElementEdit): boolean {
  const el = doc?.getElementsByTagName(edit.tag).item(edit.index);
  if (!el || el.childNodes.length !== edit.children) return false;
  el.innerHTML = edit.html;
  return true;
}

function applyInPlace(doc: Document | null, edit: InPlaceEdit): boolean {
  return "text" in edit ? applyTextEdit(doc, edit.text) : applyElementEdit(doc, edit.element);
}

/** Sets `edit.new` into the frame's text node if it still reads `edit.old`. */
export function applyTextEdit(doc: Document | null, edit: TextEdit): boolean {
  const el = doc?.getElementsByTagName(edit.tag).item(edit.index);
  const node = el?.childNodes.item(edit.child);
  if (!node || node.nodeType !== Node.TEXT_NODE) return false;
  const text = node as Text;
  if (text.data !== edit.old) return false;
  text.data = edit.new;
  return true;
}

const EMPTY = PatchedText.of("");

/** The mirror's text is kept in text nodes of this many characters (its textContent reads as
 * one string): a keystroke's patch copies one of them, not the whole ~0.8 MB (~1 ms). */
const MIRROR_CHUNK = 8192;

export function setMirrorText(el: HTMLElement, text: string): void {
  const doc = el.ownerDocument;
  const frag = doc.createDocumentFragment();
  for (let i = 0; i < text.length; i += MIRROR_CHUNK) frag.appendChild(doc.createTextNode(text.slice(i, i + MIRROR_CHUNK)));
  el.replaceChildren(frag);
}

/** Applies `p` (offsets in the whole text) in the one text node it falls in; false when it
 * spans two of them (then the text is set again whole). */
export function patchMirror(el: HTMLElement, p: TextPatch): boolean {
  let start = 0;
  for (let n = el.firstChild; n; n = n.nextSibling) {
    if (!(n instanceof Text)) return false;
    const end = start + n.length;
    if (p.from <= end) {
      if (p.to > end) return false;
      n.replaceData(p.from - start, p.to - p.from, p.insert);
      return true;
    }
    start = end;
  }
  return false;
}

export type Recipient = { kind: "guest"; id: string; label: string } | { kind: "edge"; edge: EdgeCase; label: string };

interface Props {
  eventId: string;
  store: PreviewStore;
  attachPdf: boolean;
  recipient: Recipient | null;
  onRecipient: (r: Recipient) => void;
  edgeCases: { kind: EdgeCase; label: string }[];
  dark: DarkEmulation;
  onDark: (mode: DarkEmulation) => void;
  remoteAllowed: boolean;
  onAllowRemote: () => void;
  api: Pick<StudioApi, "guestsPage">;
  onFrame?: (h: FrameHandle) => void;
}

export function Preview(props: Props) {
  const preview = useSyncExternalStore(props.store.subscribe, props.store.get);
  const p = { ...props, preview, pending: preview === null };
  const [width, setWidth] = useState<"desktop" | "mobile">("desktop");
  const [tab, setTab] = useState<"email" | "pdf">("email");
  const showPdf = Boolean(p.attachPdf && tab === "pdf" && p.preview?.pdfDocument);
  const pdf = showPdf ? p.preview?.pdf : null;
  const doc = pdf ? pdf.document : (p.preview?.document ?? EMPTY);
  const mirror = pdf ? pdf.mirror : (p.preview?.mirror ?? EMPTY);

  // The frame's document is set here, not through a srcDoc prop: an in-place edit leaves the
  // attribute behind the content, and React would skip a reload to a string it already set.
  const frameEl = useRef<HTMLIFrameElement>(null);
  const shown = useRef({ doc: EMPTY, ready: false, mark: "", scrollY: 0 });
  const check = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const reload = useCallback((f: HTMLIFrameElement, next: PatchedText, mark: string) => {
    // Keep the reader's place: a reload would otherwise jump to the top.
    shown.current = { doc: next, ready: false, mark, scrollY: f.contentWindow?.scrollY ?? 0 };
    f.srcdoc = next.value;
  }, []);
  const show = useCallback(
    (next: PatchedText, edit?: InPlaceEdit | null, base?: PatchedText, mark?: string) => {
      const f = frameEl.current;
      const cur = shown.current;
      if (!f || cur.doc === next) return cur.doc === next;
      if (edit && cur.ready && base !== undefined && cur.doc === base && applyInPlace(f.contentDocument, edit)) {
        shown.current = { ...cur, doc: next };
        if (mark) performance.mark(mark);
        // Once typing pauses, check the frame against a full parse (the edit's target was
        // found by a tokenizer, not a parser) and reload it if they differ.
        clearTimeout(check.current);
        check.current = setTimeout(() => {
          const now = shown.current;
          if (!now.ready || frameEl.current !== f) return;
          const parsed = new DOMParser().parseFromString(now.doc.value, "text/html");
          const live = f.contentDocument?.body;
          if (!live || !parsed.body.isEqualNode(live)) reload(f, now.doc, "");
        }, IN_PLACE_CHECK_MS);
        return true;
      }
      reload(f, next, mark ?? "");
      return false;
    },
    [reload],
  );
  const onFrameLoad = useCallback(() => {
    const cur = shown.current;
    cur.ready = true;
    if (cur.scrollY) frameEl.current?.contentWindow?.scrollTo(0, cur.scrollY);
    if (cur.mark) performance.mark(cur.mark);
    cur.mark = "";
  }, []);
  useEffect(
    () => () => {
      clearTimeout(check.current);
    },
    [],
  );
  // The mirror is set here, not as React children: a keystroke's reply patches one of its text
  // nodes in place instead of React setting a new ~0.8 MB string.
  const mirrorEl = useRef<HTMLPreElement>(null);
  const mirrorShown = useRef<PatchedText | null>(null);
  const showMirror = useCallback((next: PatchedText) => {
    const el = mirrorEl.current;
    if (!el || mirrorShown.current === next) return;
    const step = next.stepFrom(mirrorShown.current);
    if (!step || !patchMirror(el, step)) setMirrorText(el, next.value);
    mirrorShown.current = next;
  }, []);
  const { onFrame } = p;
  useLayoutEffect(() => {
    onFrame?.({ show, mirror: showMirror });
  }, [onFrame, show, showMirror]);
  useLayoutEffect(() => {
    show(doc);
  }, [doc, show]);
  useLayoutEffect(() => {
    showMirror(mirror);
  }, [mirror, showMirror]);

  return (
    <section className="studio-preview" aria-label="Preview" data-testid="studio-preview">
      <div className="preview-toolbar">
        <RecipientPicker eventId={p.eventId} recipient={p.recipient} onRecipient={p.onRecipient} edgeCases={p.edgeCases} api={p.api} />
        <div className="seg" role="group" aria-label="Preview width">
          <button type="button" className={`seg-btn${width === "desktop" ? " seg-on" : ""}`} data-testid="preview-desktop" aria-pressed={width === "desktop"} onClick={() => { setWidth("desktop"); }}>
            Desktop
          </button>
          <button type="button" className={`seg-btn${width === "mobile" ? " seg-on" : ""}`} data-testid="preview-mobile" aria-pressed={width === "mobile"} onClick={() => { setWidth("mobile"); }}>
            Mobile
          </button>
        </div>
        <DarkPreviewToggle value={p.dark} onChange={p.onDark} />
      </div>

      <div className="inbox-row" data-testid="inbox-row">
        <div className="inbox-from" title={p.preview?.fromAddress}>{p.preview?.fromName ?? "…"}</div>
        <div className="inbox-text">
          <div className="inbox-subject" data-testid="preview-subject">{p.preview?.subject ?? ""}</div>
          <div className="inbox-pre muted small" data-testid="preview-preheader">{p.preview?.preheader ?? ""}</div>
        </div>
      </div>

      {p.attachPdf && (
        <div className="tabs" role="tablist">
          <button type="button" role="tab" aria-selected={tab === "email"} className={`tab${tab === "email" ? " tab-on" : ""}`} data-testid="tab-email" onClick={() => { setTab("email"); }}>
            Email body
          </button>
          <button type="button" role="tab" aria-selected={tab === "pdf"} className={`tab${tab === "pdf" ? " tab-on" : ""}`} data-testid="tab-pdf" onClick={() => { setTab("pdf"); }}>
            PDF
          </button>
        </div>
      )}

      {p.preview && p.preview.remoteImages > 0 && !p.remoteAllowed && (
        <div className="preview-banner" data-testid="remote-images-blocked">
          <span>
            {p.preview.remoteImages} remote image{p.preview.remoteImages === 1 ? "" : "s"} blocked.
          </span>
          <button type="button" className="btn btn-ghost btn-small" data-testid="allow-remote" onClick={p.onAllowRemote}>
            Load them for this template
          </button>
        </div>
      )}
      {p.preview && p.preview.noData.length > 0 && (
        <div className="preview-banner" data-testid="no-data">
          No value for this attendee, shipped literally: <span className="mono">{p.preview.noData.join(" ")}</span>
        </div>
      )}

      <div className={`frame-wrap${width === "mobile" ? " frame-mobile" : ""}${p.pending ? " frame-pending" : ""}`}>
        <iframe
          title="Email preview"
          data-testid="preview-frame"
          ref={frameEl}
          sandbox="allow-same-origin"
          referrerPolicy="no-referrer"
          onLoad={onFrameLoad}
          className="preview-frame"
        />
      </div>
      <p className="muted small preview-foot" data-testid="preview-recipient">
        {p.preview ? `For ${p.preview.recipient} · merged in ${(p.preview.mergeMicros / 1000).toFixed(2)} ms by the send engine` : "Rendering…"}
      </p>
      {/* Tests read the rendered HTML here (not the frame's DOM, which the parser normalises). */}
      <pre hidden data-testid="preview-html" ref={mirrorEl} />
    </section>
  );
}

// Memo: the pane re-renders per keystroke's reply; the picker's props do not change with it.
const RecipientPicker = memo(function RecipientPicker({ eventId, recipient, onRecipient, edgeCases, api }: Pick<Props, "eventId" | "recipient" | "onRecipient" | "edgeCases" | "api">) {
  const [open, setOpen] = useState(false);
  const [query, setQuery] = useState("");
  const [rows, setRows] = useState<GuestRow[]>([]);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!open) return;
    let live = true;
    const t = setTimeout(() => {
      api
        .guestsPage({ eventId, query, offset: 0, limit: 8, refresh: false })
        .then((page) => {
          if (live) {
            setRows(page.rows);
            setError(null);
          }
        })
        .catch((e: unknown) => {
          if (live) setError(e instanceof Error ? e.message : String(e));
        });
    }, 150);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [open, query, eventId, api]);

  return (
    <div className="picker">
      <button type="button" className="btn btn-secondary btn-small picker-btn" data-testid="recipient-picker" aria-expanded={open} onClick={() => { setOpen(!open); }}>
        <span className="muted">Preview as</span> <strong>{recipient?.label ?? "…"}</strong> ▾
      </button>
      {open && (
        <div className="picker-pop" data-testid="recipient-pop">
          <input
            className="input"
            autoFocus
            placeholder="Search attendees by name, email, barcode…"
            value={query}
            data-testid="recipient-search"
            onChange={(e) => { setQuery(e.target.value); }}
          />
          {error && <p className="small danger">{error}</p>}
          <ul className="picker-list">
            {rows.map((g) => (
              <li key={g.id}>
                <button
                  type="button"
                  className="picker-item"
                  data-testid="recipient-option"
                  onClick={() => {
                    onRecipient({ kind: "guest", id: g.id, label: `${g.firstName} ${g.lastName}`.trim() || g.email });
                    setOpen(false);
                  }}
                >
                  <span>{`${g.firstName} ${g.lastName}`}</span> <span className="muted small">{g.email}</span>
                </button>
              </li>
            ))}
          </ul>
          <p className="picker-head small muted">Edge cases</p>
          <ul className="picker-list">
            {edgeCases.map((c) => (
              <li key={c.kind}>
                <button
                  type="button"
                  className="picker-item"
                  data-testid={`edge-${c.kind}`}
                  onClick={() => {
                    onRecipient({ kind: "edge", edge: c.kind, label: c.label });
                    setOpen(false);
                  }}
                >
                  {c.label}
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
});
