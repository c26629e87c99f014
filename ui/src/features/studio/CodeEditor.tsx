// CodeMirror 6 for template HTML (and a one-line variant for the subject): HTML highlighting,
// folding, search, `{{` completion of the core's merge tokens with the preview attendee's
// values, and diagnostics placed from the core linter's offsets (never a second linter in TS).
import { useEffect, useRef } from "react";
import { autocompletion, completionStatus, startCompletion, type Completion, type CompletionContext, type CompletionResult } from "@codemirror/autocomplete";
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import { html } from "@codemirror/lang-html";
import { bracketMatching, defaultHighlightStyle, foldGutter, HighlightStyle, foldKeymap, indentOnInput, syntaxHighlighting } from "@codemirror/language";
import { lintGutter, setDiagnostics, type Diagnostic } from "@codemirror/lint";
import { highlightSelectionMatches, search, searchKeymap } from "@codemirror/search";
import { EditorState, Prec, type Extension, type Transaction } from "@codemirror/state";
import {
  drawSelection,
  EditorView,
  highlightActiveLine,
  highlightActiveLineGutter,
  keymap,
  lineNumbers,
  placeholder as placeholderExt,
  tooltips,
} from "@codemirror/view";
import type { EditorIssue } from "./api";
import type { ChangeKind, Selection } from "./history";

/** A merge token as offered by completion. */
export interface TokenOption {
  name: string;
  description: string;
  /** The preview attendee's value; null = no data (left literal). */
  value: string | null;
}

export interface CodeEditorHandle {
  /** Core lint issues for this field, computed for `forText` (ignored if the text moved on). */
  setIssues: (issues: EditorIssue[], forText: string) => void;
  /** Mark every occurrence of these URLs as errors (spam_check_failed). */
  flagUrls: (urls: string[], message: string) => void;
  setValue: (text: string) => void;
  replace: (from: number, to: number, text: string) => void;
  focusAt: (pos: number) => void;
  /** Cursor to a 1-based line and column (clamped to the document), scrolled into view. */
  focusLine: (line: number, col: number) => void;
  /** Places the selection (and scrolls to it) without taking the focus. */
  select: (sel: Selection) => void;
  view: () => EditorView | null;
}

/** How a change was made, for the studio history's grouping. */
export interface ChangeInfo {
  kind: ChangeKind;
  before: Selection;
  after: Selection;
}

/** Undo handled outside the editor (the studio's one history); CodeMirror keeps none then. */
export interface ExternalUndo {
  undo: () => void;
  redo: () => void;
}

interface Props {
  initial: string;
  onChange: (text: string, info: ChangeInfo) => void;
  tokens: { current: TokenOption[] };
  /** Given: Mod-z / Mod-Shift-z / Mod-y go here instead of CodeMirror's own history. */
  undo?: ExternalUndo;
  singleLine?: boolean;
  testId: string;
  label: string;
  placeholder?: string;
  onReady?: (h: CodeEditorHandle) => void;
}

/** `{{…` before the cursor → completion of every token, replacing through a following `}}`. */
export function tokenCompletions(ctx: CompletionContext, tokens: TokenOption[]): CompletionResult | null {
  const before = ctx.matchBefore(/\{\{[A-Za-z0-9_]*$/);
  if (!before) return null;
  const after = ctx.state.sliceDoc(ctx.pos, ctx.pos + 2);
  const to = after === "}}" ? ctx.pos + 2 : ctx.pos;
  return {
    from: before.from,
    to,
    options: tokens.map(
      (t, i): Completion => ({
        // Keep the guide's order (firstname first) instead of alphabetical.
        boost: Math.max(-99, 99 - i),
        label: `{{${t.name}}}`,
        detail: t.value === null ? "(no data)" : t.value === "" ? "(empty)" : oneLine(t.value),
        info: t.description,
        type: "variable",
      }),
    ),
    validFor: /^\{\{[A-Za-z0-9_]*$/,
  };
}

function oneLine(s: string): string {
  if (s.startsWith("data:image/")) return "QR image (rendered locally)";
  const flat = s.replace(/\s+/g, " ");
  return flat.length > 40 ? `${flat.slice(0, 40)}…` : flat;
}

/** Core issues → CodeMirror diagnostics, with the did-you-mean quick fix. */
export function toDiagnostics(issues: EditorIssue[], docLength: number): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const i of issues) {
    const from = Math.min(i.from ?? 0, docLength);
    const to = Math.max(from, Math.min(i.to ?? from, docLength));
    const d: Diagnostic = {
      from,
      to,
      severity: i.severity === "info" ? "info" : i.severity,
      source: i.rule,
      message: i.message,
    };
    const fix = i.suggestion;
    if (i.rule === "unknown-token" && fix) {
      if (!i.message.includes(fix)) d.message = `${i.message} Did you mean ${fix}?`;
      d.actions = [
        {
          name: `Replace with ${fix}`,
          apply(view, f, t) {
            view.dispatch({ changes: { from: f, to: t, insert: fix } });
          },
        },
      ];
    }
    out.push(d);
  }
  return out;
}

/** CodeMirror's default token colours are made for a white page: with `light-dark()` each gets a
 * dark-theme twin (4.5:1 or more on --surface and the active line), picked by the color-scheme
 * the theme sets on the page. */
const DARK_TOKEN: Record<string, string> = {
  "#404740": "#b8c0b8",
  "#708": "#d98cff",
  "#219": "#7fb4ff",
  "#164": "#7ee2a8",
  "#a11": "#ff8a80",
  "#e40": "#ffab70",
  "#00f": "#93a8ff",
  "#30a": "#c5a3ff",
  "#085": "#5fd7a7",
  "#167": "#6fd3e3",
  "#256": "#7fc8e0",
  "#00c": "#93a8ff",
  "#940": "#e0a86b",
  "#f00": "#ff7b7b",
};
const highlightStyle = HighlightStyle.define(
  defaultHighlightStyle.specs.map((s) => {
    const dark = typeof s.color === "string" ? DARK_TOKEN[s.color] : undefined;
    return dark ? { ...s, color: `light-dark(${String(s.color)}, ${dark})` } : s;
  }),
);

const theme = EditorView.theme({
  "&": { fontSize: "13px", height: "100%", backgroundColor: "var(--surface)", color: "var(--text)" },
  ".cm-scroller": { fontFamily: "var(--mono)", overflow: "auto" },
  ".cm-gutters": { backgroundColor: "var(--surface-2)", color: "var(--muted)", borderRight: "1px solid var(--border)" },
  "&.cm-focused": { outline: "2px solid var(--accent)" },
  ".cm-activeLine": { backgroundColor: "color-mix(in srgb, var(--accent-soft) 45%, transparent)" },
  ".cm-activeLineGutter": { backgroundColor: "var(--accent-soft)" },
});

/** Typing and deleting group into bursts in the history; paste, completion, fixes stand alone. */
export function changeKind(trs: readonly Transaction[]): ChangeKind {
  const edits = trs.filter((t) => t.docChanged);
  if (edits.length > 0 && edits.every((t) => t.isUserEvent("input.type"))) return "type";
  if (edits.length > 0 && edits.every((t) => t.isUserEvent("delete"))) return "delete";
  return "other";
}

const sel = (s: EditorState): Selection => ({ anchor: s.selection.main.anchor, head: s.selection.main.head });

/** A typed character goes into the document as a transaction at `beforeinput`, instead of
 * letting WebKit edit the DOM first and CodeMirror read the change back from it: the keystroke
 * (and the preview request it starts) is handled ~1 ms sooner. Compositions (IME, dead keys)
 * and anything but plain inserted text keep CodeMirror's own path; input handlers
 * (`EditorView.inputHandler`) still see the text first. */
export const typedText = EditorView.domEventHandlers({
  beforeinput(e, view) {
    const text = e.data;
    if (e.inputType !== "insertText" || !text || text.includes("\n") || e.isComposing || view.composing || view.state.readOnly) return false;
    const { from, to } = view.state.selection.main;
    let tr: Transaction | null = null;
    const insert = () => (tr ??= view.state.update(view.state.replaceSelection(text), { userEvent: "input.type", scrollIntoView: true }));
    e.preventDefault();
    if (!view.state.facet(EditorView.inputHandler).some((h) => h(view, from, to, text, insert))) view.dispatch(insert());
    return true;
  },
});

/** The text before a cursor that completion answers: `{{` and a token name being typed. */
const TOKEN_BEFORE = /\{\{[A-Za-z0-9_]*$/;
/** A token name is short: the text before the cursor looked at. */
const TOKEN_LOOKBACK = 64;

/** Completion opens when typing makes the text before the cursor `{{…`, and only then
 * (autocompletion's own `activateOnTyping` queries the sources ~100 ms after every typed
 * character, and that query's answer is a second editor update per keystroke, landing on the
 * next one: ~2 ms of main-thread work per key at typing speed). Once open, typing filters it
 * as before. */
const tokenTrigger = EditorView.updateListener.of((u) => {
  if (!u.docChanged || !u.transactions.some((t) => t.isUserEvent("input.type")) || completionStatus(u.state) !== null) return;
  const { head, empty } = u.state.selection.main;
  if (!empty || !TOKEN_BEFORE.test(u.state.sliceDoc(Math.max(0, head - TOKEN_LOOKBACK), head))) return;
  // Not from inside this update: a new transaction once it is done (a microtask, so no other
  // event, e.g. the next key, comes between).
  queueMicrotask(() => {
    if (completionStatus(u.view.state) === null) startCompletion(u.view);
  });
});

/** `{{` completion of `tokens` (read when it opens), opened by `tokenTrigger`. */
export function tokenCompletion(tokens: { current: TokenOption[] }): Extension {
  return [autocompletion({ override: [(ctx) => tokenCompletions(ctx, tokens.current)], activateOnTyping: false, icons: false }), tokenTrigger];
}

export function CodeEditor({ initial, onChange, tokens, undo, singleLine = false, testId, label, placeholder, onReady }: Props) {
  const host = useRef<HTMLDivElement>(null);
  const viewRef = useRef<EditorView | null>(null);
  // Callbacks may change between renders; the editor reads the latest through refs.
  const onChangeRef = useRef(onChange);
  const onReadyRef = useRef(onReady);
  const initialRef = useRef(initial);
  const undoRef = useRef(undo);
  const externalUndo = undo !== undefined;
  useEffect(() => {
    onChangeRef.current = onChange;
    onReadyRef.current = onReady;
    undoRef.current = undo;
  });

  useEffect(() => {
    // StrictMode mounts twice: create only when none exists, destroy in cleanup.
    if (!host.current || viewRef.current) return;
    const exts: Extension[] = [
      externalUndo
        ? Prec.high(
            keymap.of([
              { key: "Mod-z", preventDefault: true, run: () => { undoRef.current?.undo(); return true; } },
              { key: "Mod-Shift-z", preventDefault: true, run: () => { undoRef.current?.redo(); return true; } },
              { key: "Mod-y", preventDefault: true, run: () => { undoRef.current?.redo(); return true; } },
            ]),
          )
        : history(),
      drawSelection(),
      tooltips({ parent: document.body }),
      tokenCompletion(tokens),
      keymap.of([...defaultKeymap, ...(externalUndo ? [] : historyKeymap), ...searchKeymap]),
      highlightSelectionMatches(),
      search({ top: true }),
      theme,
      typedText,
      EditorView.contentAttributes.of({ "aria-label": label, "data-testid": `${testId}-content` }),
    ];
    if (placeholder) exts.push(placeholderExt(placeholder));
    if (singleLine) {
      // One header line: newlines typed or pasted become spaces.
      exts.push(
        EditorState.transactionFilter.of((tr) => {
          if (!tr.docChanged || !tr.newDoc.toString().includes("\n")) return tr;
          return [tr, { changes: { from: 0, to: tr.newDoc.length, insert: tr.newDoc.toString().replace(/\r?\n/g, " ") }, sequential: true }];
        }),
      );
    } else {
      exts.push(
        lineNumbers(),
        highlightActiveLineGutter(),
        highlightActiveLine(),
        foldGutter(),
        lintGutter(),
        indentOnInput(),
        bracketMatching(),
        html({ autoCloseTags: false }),
        syntaxHighlighting(highlightStyle, { fallback: true }),
        EditorView.lineWrapping,
        keymap.of([...foldKeymap, indentWithTab]),
      );
    }
    const view = new EditorView({
      parent: host.current,
      state: EditorState.create({ doc: initialRef.current, extensions: exts }),
      // The change is reported before the view redraws, so work it starts (the preview
      // request) overlaps the redraw.
      dispatchTransactions: (trs, v) => {
        const first = trs[0];
        const last = trs[trs.length - 1];
        const changed = Boolean(first && last && trs.some((t) => t.docChanged));
        // `newSelection`, not `state.selection`: the new state (its syntax tree parsed again) is
        // built by the view's update below, after the preview request has left.
        if (first && last && changed) onChangeRef.current(last.newDoc.toString(), { kind: changeKind(trs), before: sel(first.startState), after: { anchor: last.newSelection.main.anchor, head: last.newSelection.main.head } });
        v.update(trs);
        // For tests/bench/studio-bench.mjs: the editor's own redraw of the keystroke.
        if (changed) performance.mark(`editor-updated-${testId}`);
      },
    });
    viewRef.current = view;
    const handle: CodeEditorHandle = {
      setIssues(issues, forText) {
        const v = viewRef.current;
        if (!v || v.state.doc.toString() !== forText) return;
        v.dispatch(setDiagnostics(v.state, toDiagnostics(issues, v.state.doc.length)));
      },
      flagUrls(urls, message) {
        const v = viewRef.current;
        if (!v) return;
        const text = v.state.doc.toString();
        const diags: Diagnostic[] = [];
        for (const url of urls) {
          for (let at = text.indexOf(url); at >= 0 && url; at = text.indexOf(url, at + url.length)) {
            diags.push({ from: at, to: at + url.length, severity: "error", source: "spam_check_failed", message });
          }
        }
        v.dispatch(setDiagnostics(v.state, diags));
      },
      setValue(text) {
        const v = viewRef.current;
        const cur = v?.state.doc.toString();
        if (!v || cur === undefined || cur === text) return;
        // Only the changed range: the cursor and scroll position elsewhere stay where they are.
        const max = Math.min(cur.length, text.length);
        let pre = 0;
        while (pre < max && cur.charCodeAt(pre) === text.charCodeAt(pre)) pre++;
        let suf = 0;
        while (suf < max - pre && cur.charCodeAt(cur.length - 1 - suf) === text.charCodeAt(text.length - 1 - suf)) suf++;
        v.dispatch({ changes: { from: pre, to: cur.length - suf, insert: text.slice(pre, text.length - suf) } });
      },
      replace(from, to, text) {
        viewRef.current?.dispatch({ changes: { from, to, insert: text } });
      },
      focusAt(pos) {
        const v = viewRef.current;
        if (!v) return;
        const p = Math.min(pos, v.state.doc.length);
        v.dispatch({ selection: { anchor: p }, scrollIntoView: true });
        v.focus();
      },
      focusLine(line, col) {
        const v = viewRef.current;
        if (!v) return;
        const l = v.state.doc.line(Math.min(Math.max(line, 1), v.state.doc.lines));
        handle.focusAt(Math.min(l.from + Math.max(col - 1, 0), l.to));
      },
      select(s) {
        const v = viewRef.current;
        if (!v) return;
        const len = v.state.doc.length;
        v.dispatch({ selection: { anchor: Math.min(s.anchor, len), head: Math.min(s.head, len) }, scrollIntoView: true });
      },
      view: () => viewRef.current,
    };
    onReadyRef.current?.(handle);
    return () => {
      view.destroy();
      viewRef.current = null;
    };
  }, [tokens, singleLine, testId, label, placeholder, externalUndo]);

  return <div ref={host} className={singleLine ? "cm-host cm-host-line" : "cm-host"} data-testid={testId} />;
}
