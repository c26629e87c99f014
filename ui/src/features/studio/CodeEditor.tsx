// CodeMirror 6 for template HTML (and a one-line variant for the subject): HTML highlighting,
// folding, search, `{{` completion of the core's merge tokens with the preview attendee's
// values, and diagnostics placed from the core linter's offsets (never a second linter in TS).
import { useEffect, useRef } from "react";
import { autocompletion, type Completion, type CompletionContext, type CompletionResult } from "@codemirror/autocomplete";
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import { html } from "@codemirror/lang-html";
import { bracketMatching, defaultHighlightStyle, foldGutter, foldKeymap, indentOnInput, syntaxHighlighting } from "@codemirror/language";
import { lintGutter, setDiagnostics, type Diagnostic } from "@codemirror/lint";
import { highlightSelectionMatches, search, searchKeymap } from "@codemirror/search";
import { EditorState, type Extension } from "@codemirror/state";
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
  view: () => EditorView | null;
}

interface Props {
  initial: string;
  onChange: (text: string) => void;
  tokens: { current: TokenOption[] };
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

const theme = EditorView.theme({
  "&": { fontSize: "13px", height: "100%", backgroundColor: "var(--surface)", color: "var(--text)" },
  ".cm-scroller": { fontFamily: "var(--mono)", overflow: "auto" },
  ".cm-gutters": { backgroundColor: "var(--surface-2)", color: "var(--muted)", borderRight: "1px solid var(--border)" },
  "&.cm-focused": { outline: "2px solid var(--accent)" },
  ".cm-activeLine": { backgroundColor: "color-mix(in srgb, var(--accent-soft) 45%, transparent)" },
  ".cm-activeLineGutter": { backgroundColor: "var(--accent-soft)" },
});

export function CodeEditor({ initial, onChange, tokens, singleLine = false, testId, label, placeholder, onReady }: Props) {
  const host = useRef<HTMLDivElement>(null);
  const viewRef = useRef<EditorView | null>(null);
  // Callbacks may change between renders; the editor reads the latest through refs.
  const onChangeRef = useRef(onChange);
  const onReadyRef = useRef(onReady);
  const initialRef = useRef(initial);
  useEffect(() => {
    onChangeRef.current = onChange;
    onReadyRef.current = onReady;
  });

  useEffect(() => {
    // StrictMode mounts twice: create only when none exists, destroy in cleanup.
    if (!host.current || viewRef.current) return;
    const exts: Extension[] = [
      history(),
      drawSelection(),
      tooltips({ parent: document.body }),
      autocompletion({ override: [(ctx) => tokenCompletions(ctx, tokens.current)], activateOnTyping: true, icons: false }),
      keymap.of([...defaultKeymap, ...historyKeymap, ...searchKeymap]),
      highlightSelectionMatches(),
      search({ top: true }),
      theme,
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
        syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
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
        const doc = trs[trs.length - 1]?.newDoc;
        const changed = Boolean(doc && trs.some((t) => t.docChanged));
        if (doc && changed) onChangeRef.current(doc.toString());
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
        if (!v || v.state.doc.toString() === text) return;
        v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: text } });
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
      view: () => viewRef.current,
    };
    onReadyRef.current?.(handle);
    return () => {
      view.destroy();
      viewRef.current = null;
    };
  }, [tokens, singleLine, testId, label, placeholder]);

  return <div ref={host} className={singleLine ? "cm-host cm-host-line" : "cm-host"} data-testid={testId} />;
}
