// One template: fields, the code editors, the live preview, the lint panel and saving.
// Rust does the work (merge, lint, the partial-update payload, the domain check); this file
// wires it to the screen.
import { useCallback, useEffect, useRef, useState } from "react";
import { flushSync } from "react-dom";
import { codeIs, errorBody, type ErrorBody } from "../../api";
import { ErrorNotice } from "../../components/ErrorNotice";
import { CodeEditor, type ChangeInfo, type CodeEditorHandle, type TokenOption } from "./CodeEditor";
import { FullWidthToggle, UndoRedo, useFullWidth } from "./EditToolbar";
import type { DocState } from "./history";
import { docOf, useStudioHistory } from "./useStudioHistory";
import { Preview, type FrameHandle, type Recipient } from "./Preview";
import type { EditorIssue, PreviewRequest, PreviewResult, StudioApi, StudioSetup, Template, TemplateEdit, TemplateVersion } from "./api";
import { PatchedText, textPatch } from "./patch";
import { lineDiff } from "./diff";
import { Latest, PreviewStore } from "./previewStore";
import { PreflightPanel } from "./PreflightPanel";
import type { PreflightFinding } from "../../bindings/PreflightFinding";
import type { AttendeeRef } from "../../bindings/AttendeeRef";
import { ImportExport, TestSend } from "./StudioTools";
import { VisualEditor, type VisualHandle } from "./VisualEditor";
import { markPreview, previewMark } from "./marks";
import type { DarkEmulation } from "../../bindings/DarkEmulation";

export function editFromTemplate(t: Template): TemplateEdit {
  return {
    name: t.name,
    subject: t.subject ?? "",
    html: t.html,
    fromAddress: t.fromAddress ?? "",
    fromName: t.fromName ?? "",
    replyTo: t.replyTo ?? "",
    attachPdf: t.attachPdf,
    emailBody: t.emailBody ?? "",
  };
}

export function sameEdit(a: TemplateEdit, b: TemplateEdit): boolean {
  return (Object.keys(a) as (keyof TemplateEdit)[]).every((k) => a[k] === b[k]);
}

/** Markup compared without formatting whitespace (what a rewrite check should ignore). */
export function normalizeHtml(h: string): string {
  return h.replace(/>\s+</g, "><").replace(/\s+/g, " ").trim();
}

export const NEW_TEMPLATE_HTML = `<h1>Hi {{firstname}}!</h1>
<p>Your ticket for {{event}} on {{date}} at {{starttime}} is below.</p>
<p><img src="{{barcode_qr}}" alt="Ticket QR code for {{fullname}}" width="160" height="160" /></p>
<p>See you there.</p>
<p style="font-size:12px;color:#666">Don't want these emails? <a href="mailto:events@example.com?subject=unsubscribe">Unsubscribe</a></p>
`;

const DRAFT_EVERY_MS = 3000;
/** Lint when typing pauses this long (the preview itself is not debounced). */
const LINT_IDLE_MS = 250;
/** Typed html reaches React state when typing pauses this long: one studio render per pause,
 * not per keystroke (the preview, lint and drafts read it at once from refs; a click or a key
 * outside the editor brings it in first, so every control acts on what the editor shows). */
const HTML_STATE_IDLE_MS = 250;

interface Props {
  eventId: string;
  templateId: string;
  original: Template | null;
  initial: TemplateEdit;
  setup: StudioSetup;
  api: StudioApi;
  onSaved: (t: Template) => void;
  onClose: () => void;
  onOpenDomain: () => void;
}

type Pending = { kind: "close" } | null;

export function TemplateEditor({ eventId, templateId, original: firstOriginal, initial, setup, api, onSaved, onClose, onOpenDomain }: Props) {
  const [original, setOriginal] = useState<Template | null>(firstOriginal);
  const [baseline, setBaseline] = useState<TemplateEdit>(firstOriginal ? editFromTemplate(firstOriginal) : { ...initial, html: "", name: "" });
  const [fields, setFields] = useState<TemplateEdit>(initial);
  // The reply goes to the preview pane through a store (only it re-renders per keystroke);
  // this component keeps the lint findings.
  const [previewStore] = useState(() => new PreviewStore());
  // The fields for the pre-flight panel: it re-times its check on each change without re-rendering.
  const [preflightFields] = useState(() => new Latest(initial));
  const [issues, setIssues] = useState<EditorIssue[]>([]);
  const [previewError, setPreviewError] = useState<ErrorBody | null>(null);
  // Set only when shown: a no-op setPreviewError(null) per keystroke could still queue a render.
  const errorShown = useRef(false);
  const [recipient, setRecipient] = useState<Recipient | null>(null);
  const [dark, setDark] = useState<DarkEmulation>("off");
  const [remoteAllowed, setRemoteAllowed] = useState(() => localStorage.getItem(`qflow.studio.remote.${templateId}`) === "1");
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<ErrorBody | null>(null);
  const [savedNote, setSavedNote] = useState<string | null>(null);
  const [confirmSave, setConfirmSave] = useState(false);
  const [leaving, setLeaving] = useState<Pending>(null);
  const [draftAt, setDraftAt] = useState<string | null>(null);
  const [savedCount, setSavedCount] = useState(0);
  const [mode, setMode] = useState<"code" | "visual">("code");
  // Visual mode: GrapesJS's export of the untouched HTML, while the user decides on a rewrite.
  const [rewrite, setRewrite] = useState<string | null>(null);
  const visualAccepted = useRef(false);
  const visual = useRef<VisualHandle | null>(null);
  const [wide, toggleWide] = useFullWidth();

  const dirty = !sameEdit(fields, baseline);
  const tokens = useRef<TokenOption[]>(setup.tokens.map((t) => ({ ...t, value: null })));
  const editors = useRef<Partial<Record<"html" | "subject" | "emailBody", CodeEditorHandle>>>({});
  const onApplied = useCallback((state: DocState) => {
    setFields((f) => ({ ...f, ...state }));
    setSavedNote(null);
  }, []);
  const { history, record, undo, redo, externalUndo, root } = useStudioHistory({ initial, editors, visual, mode, onApplied });
  const seq = useRef(0);

  // The preview attendee: the event's first attendee, else a built-in sample.
  useEffect(() => {
    let live = true;
    api
      .guestsPage({ eventId, query: "", offset: 0, limit: 1, refresh: false })
      .then((page) => {
        const g = page.rows[0];
        if (!live) return;
        setRecipient(
          g ? { kind: "guest", id: g.id, label: `${g.firstName} ${g.lastName}`.trim() || g.email } : { kind: "edge", edge: "zeroPlusOnes", label: "Sample attendee" },
        );
      })
      .catch(() => {
        if (live) setRecipient({ kind: "edge", edge: "zeroPlusOnes", label: "Sample attendee" });
      });
    return () => {
      live = false;
    };
  }, [api, eventId]);

  // Live preview: the same Rust merge engine as the send path. No debounce: one request in
  // flight, and the newest edit goes out when it returns (fast typing coalesces). Rust keeps
  // this editor's html and last output (the session), so a keystroke sends the changed range
  // and gets patches back. Lint runs when typing pauses, off the keystroke path. A keystroke
  // in the HTML editor sends its request before React re-renders (the render overlaps the
  // round trip), and the reply goes into the frame before React renders the rest.
  const session = useRef(crypto.randomUUID());
  const held = useRef<{ html: string; document: PatchedText; mirror: PatchedText } | null>(null);
  const frame = useRef<FrameHandle | null>(null);
  // Which reply last asked for the pane (a deferred one gives way to a newer one).
  const paneSet = useRef(0);
  const inflight = useRef(false);
  const again = useRef<{ lint: boolean } | null>(null);
  const inputs = useRef({ fields, recipient, dark, remoteAllowed });
  const lastSent = useRef<{ inputs: typeof inputs.current; lint: boolean } | null>(null);
  // When the HTML editor last reported a change (the bench's keystroke-handling stage).
  const changedAt = useRef(0);
  // A keystroke's html reaches React state when typing pauses (HTML_STATE_IDLE_MS); until
  // then the refs, the preview and save read it from here.
  const pendingHtml = useRef<string | null>(null);
  const withPending = (f: TemplateEdit) => (pendingHtml.current === null ? f : { ...f, html: pendingHtml.current });
  const flushHtml = useRef<() => void>(() => undefined);
  const flushTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => {
    inputs.current = { fields: withPending(fields), recipient, dark, remoteAllowed };
  });
  const runPreview = useRef<(lint: boolean) => void>(() => undefined);
  useEffect(() => {
    runPreview.current = (lint: boolean) => {
      const now = inputs.current;
      const last = lastSent.current;
      // Already asked for (the keystroke path sent it before this render's effect).
      if (last && (last.lint || !lint) && sameInputs(last.inputs, now)) return;
      if (inflight.current) {
        again.current = { lint: lint || (again.current?.lint ?? false) };
        return;
      }
      const { fields: sent, recipient: rc, dark: dk, remoteAllowed: ra } = now;
      if (!rc) return;
      inflight.current = true;
      again.current = null;
      lastSent.current = { inputs: now, lint };
      const mine = ++seq.current;
      // The PDF tab needs the full html: no session while attachPdf is on.
      const base = sent.attachPdf ? null : held.current;
      const patch = base ? textPatch(base.html, sent.html) : undefined;
      const req: PreviewRequest = {
        eventId,
        fields: patch ? { ...sent, html: "" } : sent,
        guestId: rc.kind === "guest" ? rc.id : undefined,
        edgeCase: rc.kind === "edge" ? rc.edge : undefined,
        allowRemoteImages: ra,
        dark: dk,
        session: sent.attachPdf ? undefined : session.current,
        htmlPatch: patch,
        lint,
      };
      const shown = (r: PreviewResult, inTask: boolean) => {
        // Patched in place of copied: the whole texts are built only when something reads them.
        const document = base && r.documentPatch ? base.document.with(r.documentPatch) : PatchedText.of(r.document);
        const mirror = base && r.htmlPatch ? base.mirror.with(r.htmlPatch) : PatchedText.of(r.emailBody ?? r.html);
        held.current = sent.attachPdf ? null : { html: sent.html, document, mirror };
        // The stages and merge share for tests/bench/studio-bench.mjs (`preview-frame-N`: the
        // frame shows it, in place at once or when a reloaded document has loaded).
        const inPlace = r.textEdit ? { text: r.textEdit } : r.elementEdit ? { element: r.elementEdit } : null;
        markPreview("end", mine, { mergeMicros: r.mergeMicros, lintMicros: r.lintMicros, serverMicros: r.serverMicros, textEdit: inPlace !== null });
        if (!sent.attachPdf) {
          frame.current?.show(document, inPlace, base?.document, previewMark("frame", mine));
          frame.current?.mirror(mirror);
        }
        tokens.current = r.tokenValues;
        const pane = () => {
          previewStore.set({
            ...r,
            document,
            mirror,
            pdf: sent.attachPdf && r.pdfDocument ? { document: PatchedText.of(r.pdfDocument), mirror: PatchedText.of(r.html) } : null,
          });
        };
        const paneSeq = ++paneSet.current;
        // The rest of the pane (inbox row, banners): inside the keystroke's task it renders
        // once the frame with the key is drawn (not to delay the editor's echo); an async reply
        // commits it now, ahead of anything else React has queued.
        if (inTask)
          requestAnimationFrame(() => {
            setTimeout(() => {
              if (paneSet.current === paneSeq) pane();
            }, 0);
          });
        else flushSync(pane);
        if (errorShown.current) {
          errorShown.current = false;
          setPreviewError(null);
        }
        if (r.linted) {
          setIssues(r.issues);
          const by = (f: EditorIssue["field"]) => r.issues.filter((i) => i.field === f);
          editors.current.html?.setIssues(by("html"), sent.html);
          editors.current.subject?.setIssues(by("subject"), sent.subject);
          editors.current.emailBody?.setIssues(by("emailBody"), sent.emailBody);
        }
      };
      const failed = (e: unknown) => {
        const body = errorBody(e);
        held.current = null;
        lastSent.current = null;
        // Rust lost the session (e.g. a concurrent request): start over with the full html.
        if (body.field === "htmlPatch") again.current = { lint: lint || (again.current?.lint ?? false) };
        else {
          errorShown.current = true;
          setPreviewError(body);
        }
      };
      const settled = () => {
        inflight.current = false;
        const next = again.current;
        if (next) runPreview.current(next.lint);
      };
      markPreview("start", mine, { debounceMs: 0, changedAt: changedAt.current });
      // A keystroke (a patch, no lint): answered inside its own task when Rust can, so the
      // frame shows it in the same frame as the editor; else, and for everything else, async.
      if (patch && !lint) {
        // Answered (or refused) here unless the synchronous way is not open now.
        let answered = true;
        try {
          const answer = api.previewNow(req);
          if (answer) shown(answer, true);
          else answered = false;
        } catch (e) {
          failed(e);
        }
        if (answered) {
          settled();
          return;
        }
      }
      api
        .preview(req)
        .then((r) => {
          shown(r, false);
        })
        .catch(failed)
        .finally(settled);
    };
  }, [api, eventId, previewStore]);
  // After every change, typed html included (which reaches React state only at a pause): the
  // preview at once, lint and the pre-flight re-timed to the next pause.
  const lintTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const afterChange = useCallback(() => {
    runPreview.current(false);
    clearTimeout(lintTimer.current);
    lintTimer.current = setTimeout(() => {
      runPreview.current(true);
    }, LINT_IDLE_MS);
    preflightFields.set(inputs.current.fields);
  }, [preflightFields]);
  useEffect(() => {
    afterChange();
    return () => {
      clearTimeout(lintTimer.current);
    };
  }, [fields, recipient, dark, remoteAllowed, afterChange]);

  // Drafts: saved locally every few seconds while there are unsaved changes.
  const lastDraft = useRef<TemplateEdit | null>(null);
  const latest = useRef({ fields, dirty, original });
  useEffect(() => {
    latest.current = { fields: withPending(fields), dirty: dirty || pendingHtml.current !== null, original };
  });
  useEffect(() => {
    const timer = setInterval(() => {
      const { fields: f, dirty: d, original: o } = latest.current;
      if (!d || (lastDraft.current && sameEdit(lastDraft.current, f))) return;
      lastDraft.current = f;
      api
        .draftSave({ templateId, eventId, original: o, fields: f })
        .then((dr) => {
          setDraftAt(new Date(dr.savedAt).toLocaleTimeString());
        })
        .catch(() => {
          lastDraft.current = null;
        });
    }, DRAFT_EVERY_MS);
    return () => {
      clearInterval(timer);
    };
  }, [api, eventId, templateId]);

  // Leaving through the side navigation unmounts the editor: keep what was typed as a draft.
  const discarded = useRef(false);
  useEffect(
    () => () => {
      clearTimeout(flushTimer.current);
      const { fields: f, dirty: d, original: o } = latest.current;
      if (d && !discarded.current && !(lastDraft.current && sameEdit(lastDraft.current, f))) {
        void api.draftSave({ templateId, eventId, original: o, fields: f }).catch(() => undefined);
      }
    },
    [api, eventId, templateId],
  );

  // Closing the window with unsaved changes asks first (the draft is kept either way).
  useEffect(() => {
    if (!dirty) return;
    const onBeforeUnload = (e: BeforeUnloadEvent) => {
      e.preventDefault();
    };
    window.addEventListener("beforeunload", onBeforeUnload);
    return () => {
      window.removeEventListener("beforeunload", onBeforeUnload);
    };
  }, [dirty]);

  const set = useCallback(<K extends keyof TemplateEdit>(k: K, v: TemplateEdit[K]) => {
    setFields((f) => ({ ...f, [k]: v }));
    setSavedNote(null);
  }, []);
  useEffect(() => {
    flushHtml.current = () => {
      const v = pendingHtml.current;
      if (v === null) return;
      pendingHtml.current = null;
      set("html", v);
    };
  }, [set]);
  const onHtml = useCallback((v: string, info: ChangeInfo) => {
    record("html", v, info.kind, info);
    changedAt.current = performance.now();
    pendingHtml.current = v;
    inputs.current = { ...inputs.current, fields: { ...inputs.current.fields, html: v } };
    latest.current = { ...latest.current, fields: { ...latest.current.fields, html: v }, dirty: true };
    afterChange();
    clearTimeout(flushTimer.current);
    flushTimer.current = setTimeout(() => {
      flushHtml.current();
    }, HTML_STATE_IDLE_MS);
  }, [record, afterChange]);
  const onFrame = useCallback((h: FrameHandle) => {
    frame.current = h;
  }, []);
  const onSubject = useCallback((v: string, info: ChangeInfo) => {
    record("subject", v, info.kind, info);
    set("subject", v);
  }, [record, set]);
  const onEmailBody = useCallback((v: string, info: ChangeInfo) => {
    record("emailBody", v, info.kind, info);
    set("emailBody", v);
  }, [record, set]);

  const blocking = issues.filter((i) => i.severity !== "info");

  const doSave = useCallback(async () => {
    setConfirmSave(false);
    setSaving(true);
    setSaveError(null);
    try {
      // What the editor shows, typed a moment ago or not yet in React state.
      const r = await api.save({ eventId, templateId, original: original, fields: withPending(fields) });
      setOriginal(r.template);
      setBaseline(editFromTemplate(r.template));
      setFields(editFromTemplate(r.template));
      lastDraft.current = null;
      history.seal();
      setDraftAt(null);
      setSavedNote(`Saved at ${new Date().toLocaleTimeString()} · local version #${r.version.id}`);
      setSavedCount((n) => n + 1);
      onSaved(r.template);
      return true;
    } catch (e) {
      const body = errorBody(e);
      setSaveError(body);
      if (codeIs(body.code, "spam_check_failed")) {
        const urls = flaggedUrls(body);
        editors.current.html?.flagUrls(urls, "Flagged as unsafe by Qflow's URL scan: remove this URL.");
        editors.current.emailBody?.flagUrls(urls, "Flagged as unsafe by Qflow's URL scan: remove this URL.");
      }
      return false;
    } finally {
      setSaving(false);
    }
  }, [api, eventId, templateId, original, fields, onSaved, history]);

  const toCode = useCallback(() => {
    history.seal();
    setMode("code");
    setRewrite(null);
    visualAccepted.current = false;
    // The code editor stayed mounted: show it what visual mode produced.
    editors.current.html?.setValue(latest.current.fields.html);
  }, [history]);
  const onVisualLoad = useCallback((exported: string) => {
    if (normalizeHtml(exported) === normalizeHtml(latest.current.fields.html)) {
      visualAccepted.current = true;
    } else {
      setRewrite(exported);
    }
  }, []);
  const onVisualChange = useCallback(
    (h: string) => {
      if (!visualAccepted.current) return;
      record("html", h, "visual");
      set("html", h);
    },
    [record, set],
  );
  const onVisualReady = useCallback((h: VisualHandle | null) => {
    visual.current = h;
  }, []);

  const restoreVersion = (v: TemplateEdit) => {
    // One step for the whole restore (the editors' reports below are then the present).
    history.record(docOf(v), { field: "html", kind: "other", at: performance.now() });
    editors.current.html?.setValue(v.html);
    editors.current.subject?.setValue(v.subject);
    editors.current.emailBody?.setValue(v.emailBody);
    visual.current?.setHtml(v.html);
    setFields(v);
  };

  const trySave = () => {
    if (blocking.length > 0) setConfirmSave(true);
    else void doSave();
  };

  const jump = (i: EditorIssue) => {
    const ed = i.field === "html" ? editors.current.html : i.field === "subject" ? editors.current.subject : i.field === "emailBody" ? editors.current.emailBody : undefined;
    if (ed && i.from !== null) ed.focusAt(i.from);
  };
  // Pre-flight: a finding's line (visual mode switches to code first), an attendee to preview.
  const toLine = useCallback(
    (f: PreflightFinding) => {
      if (f.line === null) return;
      const { line, col } = f;
      if (f.field === "fromAddress") {
        document.getElementById("f-fromAddress")?.focus();
        return;
      }
      const go = () => editors.current[f.field as "html" | "subject" | "emailBody"]?.focusLine(line, col ?? 1);
      if (f.field === "html" && mode === "visual") {
        toCode();
        // Shown again after this render.
        setTimeout(go, 0);
      } else go();
    },
    [mode, toCode],
  );
  const previewAs = useCallback((a: AttendeeRef) => {
    setRecipient({ kind: "guest", id: a.id, label: a.name || a.id });
  }, []);
  const fix = (i: EditorIssue) => {
    const ed = i.field === "html" ? editors.current.html : i.field === "subject" ? editors.current.subject : editors.current.emailBody;
    if (ed && i.suggestion && i.from !== null && i.to !== null) ed.replace(i.from, i.to, i.suggestion);
  };

  const fullWidth = mode === "visual" && wide;

  const close = () => {
    if (dirty) setLeaving({ kind: "close" });
    else onClose();
  };

  return (
    <div
      className="studio-editor"
      data-testid="studio-editor"
      ref={root}
      onPointerDownCapture={() => {
        flushHtml.current();
      }}
      onKeyDownCapture={(e) => {
        if (!(e.target instanceof Element && e.target.closest(".cm-content"))) flushHtml.current();
      }}
    >
      <header className="studio-head">
        {/* The page's heading for screen readers; the name box shows it to everyone. */}
        <h1 className="visually-hidden">{original ? `Template: ${fields.name}` : "New template"}</h1>
        <button type="button" className="btn btn-ghost btn-small" data-testid="studio-back" onClick={close}>
          ← Templates
        </button>
        <input
          className="input studio-name"
          aria-label="Template name"
          placeholder="Template name (internal)"
          data-testid="field-name"
          value={fields.name}
          onChange={(e) => { set("name", e.target.value); }}
        />
        <span className="muted small" data-testid="studio-status" role="status">
          {saving ? "Saving…" : savedNote ?? (dirty ? `Unsaved changes${draftAt ? ` · draft kept ${draftAt}` : ""}` : original ? "Saved" : "New template")}
        </span>
        <button type="button" className="btn btn-primary" data-testid="studio-save" disabled={saving || !fields.name.trim()} onClick={trySave}>
          {saving ? "Saving…" : original ? "Save" : "Create"}
        </button>
      </header>

      {saveError && <SaveErrorNotice error={saveError} onRetry={() => void doSave()} onOpenDomain={onOpenDomain} onDismiss={() => { setSaveError(null); }} />}

      {confirmSave && (
        <div className="notice notice-warn" role="alertdialog" data-testid="lint-confirm">
          <div className="notice-body">
            <p className="notice-message">
              {blocking.length} problem{blocking.length === 1 ? "" : "s"} found (listed under Checks). Tokens that do not match ship literally to every recipient.
            </p>
          </div>
          <button type="button" className="btn btn-secondary btn-small" data-testid="lint-keep-editing" onClick={() => { setConfirmSave(false); }}>
            Keep editing
          </button>
          <button type="button" className="btn btn-primary btn-small" data-testid="lint-save-anyway" onClick={() => void doSave()}>
            Save anyway
          </button>
        </div>
      )}

      {leaving && (
        <div className="notice notice-warn" role="alertdialog" data-testid="leave-confirm">
          <div className="notice-body">
            <p className="notice-message">This template has unsaved changes. A local draft is kept and offered back next time.</p>
          </div>
          <button type="button" className="btn btn-secondary btn-small" data-testid="leave-cancel" onClick={() => { setLeaving(null); }}>
            Keep editing
          </button>
          <button
            type="button"
            className="btn btn-secondary btn-small"
            data-testid="leave-discard"
            onClick={() => {
              discarded.current = true;
              void api.draftDelete(templateId).catch(() => undefined);
              onClose();
            }}
          >
            Discard changes
          </button>
          <button
            type="button"
            className="btn btn-primary btn-small"
            data-testid="leave-keep-draft"
            onClick={() => {
              const { fields: f, original: o } = latest.current;
              void api
                .draftSave({ templateId, eventId, original: o, fields: f })
                .catch(() => undefined)
                .finally(onClose);
            }}
          >
            Leave, keep draft
          </button>
        </div>
      )}

      <div className={`studio-body${fullWidth ? " studio-wide" : ""}`} data-testid="studio-body">
        <div className="studio-left">
          <div className="field">
            <label htmlFor="studio-subject">Subject</label>
            <div id="studio-subject">
              <CodeEditor
                initial={initial.subject}
                onChange={onSubject}
                undo={externalUndo}
                tokens={tokens}
                singleLine
                testId="editor-subject"
                label="Subject"
                placeholder="Your ticket for {{event}}, {{firstname}}"
                onReady={(h) => { editors.current.subject = h; }}
              />
            </div>
          </div>
          <details className="studio-sender" open={Boolean(fields.fromAddress || fields.fromName || fields.replyTo || fields.attachPdf)}>
            <summary>Sender and PDF</summary>
            <div className="grid-3">
              <Field label="From address" id="fromAddress" value={fields.fromAddress} onChange={(v) => { set("fromAddress", v); }} placeholder={setup.verifiedDomain ? `events@${setup.verifiedDomain}` : "default: support@qflow.email"} hint={setup.verifiedDomain ? `Must be under ${setup.verifiedDomain}` : "No verified domain: leave empty"} />
              <Field label="From name" id="fromName" value={fields.fromName} onChange={(v) => { set("fromName", v); }} placeholder="Acme Events" />
              <Field label="Reply-To" id="replyTo" value={fields.replyTo} onChange={(v) => { set("replyTo", v); }} placeholder="support@example.com" />
            </div>
            <label className="check">
              <input type="checkbox" data-testid="field-attachPdf" checked={fields.attachPdf} onChange={(e) => { set("attachPdf", e.target.checked); }} /> Attach a PDF rendered from the HTML
              <span className="hint"> (adds ~1-2 s per send and deliverability risk)</span>
            </label>
          </details>

          <div className="editor-label">
            <span>{fields.attachPdf ? "HTML (PDF attachment)" : "HTML email body"}</span>
            <span className="muted small">{mode === "code" ? <>Type {"{{"} for merge tokens · Ctrl+F to search</> : "Click or drag a block; click text to edit it"}</span>
            <UndoRedo history={history} onUndo={undo} onRedo={redo} />
            {mode === "visual" && <FullWidthToggle wide={wide} onToggle={toggleWide} />}
            <div className="seg" role="group" aria-label="Editing mode">
              <button type="button" className={`seg-btn${mode === "code" ? " seg-on" : ""}`} data-testid="mode-code" aria-pressed={mode === "code"} onClick={toCode}>
                Code
              </button>
              <button
                type="button"
                className={`seg-btn${mode === "visual" ? " seg-on" : ""}`}
                data-testid="mode-visual"
                aria-pressed={mode === "visual"}
                onClick={() => {
                  visualAccepted.current = false;
                  history.seal();
                  setMode("visual");
                }}
              >
                Visual
              </button>
            </div>
          </div>
          {rewrite !== null && (
            <div className="notice notice-warn rewrite" role="alertdialog" data-testid="rewrite-confirm">
              <div className="notice-body">
                <p className="notice-message">Visual mode would rewrite your HTML. These are the differences:</p>
                <pre className="diff">
                  {lineDiff(fields.html, rewrite)
                    .filter((l) => l.op !== " ")
                    .map((l, i) => (
                      <span key={i} className={l.op === "+" ? "diff-add" : "diff-del"}>{`${l.op} ${l.text}\n`}</span>
                    ))}
                </pre>
              </div>
              <div className="rewrite-actions">
                <button type="button" className="btn btn-secondary btn-small" data-testid="rewrite-keep-code" onClick={toCode}>
                  Keep my code
                </button>
                <button
                  type="button"
                  className="btn btn-primary btn-small"
                  data-testid="rewrite-accept"
                  onClick={() => {
                    visualAccepted.current = true;
                    record("html", rewrite, "other");
                    set("html", rewrite);
                    setRewrite(null);
                  }}
                >
                  Use visual mode
                </button>
              </div>
            </div>
          )}
          <div className="editor-main" hidden={mode !== "code"}>
            <CodeEditor initial={initial.html} onChange={onHtml} undo={externalUndo} tokens={tokens} testId="editor-html" label="Template HTML" onReady={(h) => { editors.current.html = h; }} />
          </div>
          {mode === "visual" && (
            <div className="editor-visual">
              <VisualEditor initial={fields.html} tokens={setup.tokens} onLoad={onVisualLoad} onChange={onVisualChange} onUndo={undo} onRedo={redo} onReady={onVisualReady} />
            </div>
          )}

          {fields.attachPdf && (
            <>
              <div className="editor-label">
                <span>Email body (courier mode)</span>
                <span className="muted small">Empty = “Please find your invitation attached.”</span>
              </div>
              <div className="editor-small">
                <CodeEditor initial={initial.emailBody} onChange={onEmailBody} undo={externalUndo} tokens={tokens} testId="editor-emailBody" label="Email body" onReady={(h) => { editors.current.emailBody = h; }} />
              </div>
            </>
          )}

          <LintPanel issues={issues} onJump={jump} onFix={fix} highlight={confirmSave} />
          <TestSend eventId={eventId} templateId={templateId} saved={original !== null && !dirty} onSave={doSave} recipient={recipient} api={api} />
          <ImportExport
            eventId={eventId}
            templateId={templateId}
            fields={fields}
            api={api}
            onImport={(r) => {
              if (r.kind === "html") {
                editors.current.html?.setValue(r.edit.html);
                set("html", r.edit.html);
              } else restoreVersion(r.edit);
            }}
          />
          {original && <VersionsPanel api={api} templateId={templateId} current={fields} savedCount={savedCount} onRestore={restoreVersion} />}
          {/* Last in the column: its report grows it after open and edits without moving the controls above. */}
          <PreflightPanel api={api} eventId={eventId} fields={preflightFields} mode={mode} onLine={toLine} onAttendee={previewAs} />
        </div>

        <div className="studio-right" hidden={fullWidth}>
          {previewError && <ErrorNotice error={previewError} />}
          <Preview
            eventId={eventId}
            store={previewStore}
            attachPdf={fields.attachPdf}
            recipient={recipient}
            onRecipient={setRecipient}
            edgeCases={setup.edgeCases}
            dark={dark}
            onDark={setDark}
            remoteAllowed={remoteAllowed}
            onAllowRemote={() => {
              localStorage.setItem(`qflow.studio.remote.${templateId}`, "1");
              setRemoteAllowed(true);
            }}
            api={api}
            onFrame={onFrame}
          />
        </div>
      </div>
    </div>
  );
}

type PreviewInputs = { fields: TemplateEdit; recipient: Recipient | null; dark: DarkEmulation; remoteAllowed: boolean };
function sameInputs(a: PreviewInputs, b: PreviewInputs): boolean {
  return a.recipient === b.recipient && a.dark === b.dark && a.remoteAllowed === b.remoteAllowed && sameEdit(a.fields, b.fields);
}

function Field({ label, id, value, onChange, placeholder, hint }: { label: string; id: string; value: string; onChange: (v: string) => void; placeholder?: string; hint?: string }) {
  return (
    <div className="field">
      <label htmlFor={`f-${id}`}>{label}</label>
      <input id={`f-${id}`} className="input" data-testid={`field-${id}`} value={value} placeholder={placeholder} onChange={(e) => { onChange(e.target.value); }} />
      {hint && <span className="hint">{hint}</span>}
    </div>
  );
}

function flaggedUrls(body: ErrorBody): string[] {
  const list = body.details.flaggedUrls;
  if (!Array.isArray(list)) return [];
  return list.map((u: unknown) => (typeof u === "object" && u !== null && typeof (u as { url?: unknown }).url === "string" ? (u as { url: string }).url : "")).filter(Boolean);
}

function SaveErrorNotice({ error, onRetry, onOpenDomain, onDismiss }: { error: ErrorBody; onRetry: () => void; onOpenDomain: () => void; onDismiss: () => void }) {
  if (codeIs(error.code, "fromaddress_domain_not_verified")) {
    const verified = typeof error.details.verifiedDomain === "string" ? error.details.verifiedDomain : null;
    return (
      <div className="notice notice-error" role="alert" data-testid="save-error" data-code={error.code}>
        <div className="notice-body">
          <p className="notice-message">{error.message}</p>
          <p className="notice-next">
            Qflow only sends from addresses under a custom domain you have verified
            {verified ? ` (yours: ${verified})` : " (this account has none yet)"}. Clear “From address” to use the default sender, or finish the domain checklist first.
            {error.details.checkedLocally === true ? " Nothing was sent." : ""}
          </p>
        </div>
        <button type="button" className="btn btn-secondary btn-small" data-testid="open-domain" onClick={onOpenDomain}>
          Open the domain checklist
        </button>
        <button type="button" className="btn btn-ghost btn-small" onClick={onDismiss}>
          Dismiss
        </button>
      </div>
    );
  }
  if (codeIs(error.code, "spam_check_failed")) {
    const urls = flaggedUrls(error);
    return (
      <div className="notice notice-error" role="alert" data-testid="save-error" data-code={error.code}>
        <div className="notice-body">
          <p className="notice-message">{error.message}</p>
          <ul className="flagged" data-testid="flagged-urls">
            {urls.map((u) => (
              <li key={u} className="mono">{u}</li>
            ))}
          </ul>
          <p className="notice-next">The URLs are underlined in the editor: remove them and save again.</p>
        </div>
        <button type="button" className="btn btn-ghost btn-small" onClick={onDismiss}>
          Dismiss
        </button>
      </div>
    );
  }
  if (codeIs(error.code, "fromaddress_validation_unavailable") || error.status === 502) {
    return (
      <div className="notice notice-error" role="alert" data-testid="save-error" data-code={error.code}>
        <div className="notice-body">
          <p className="notice-message">{error.message}</p>
          <p className="notice-next">{error.nextStep}</p>
        </div>
        <button type="button" className="btn btn-primary btn-small" data-testid="save-retry" onClick={onRetry}>
          Retry
        </button>
      </div>
    );
  }
  return <ErrorNotice error={error} onDismiss={onDismiss} />;
}

const SEVERITY_LABEL = { error: "Error", warning: "Warning", info: "Tip" } as const;

function LintPanel({ issues, onJump, onFix, highlight }: { issues: EditorIssue[]; onJump: (i: EditorIssue) => void; onFix: (i: EditorIssue) => void; highlight: boolean }) {
  return (
    <section className={`lint-panel${highlight ? " lint-panel-hot" : ""}`} aria-label="Checks" data-testid="lint-panel">
      <h2 className="lint-title">
        Checks <span className="muted small">{issues.length === 0 ? "all clear" : `${issues.length} found`}</span>
      </h2>
      <ul className="lint-list">
        {issues.map((i, n) => (
          <li key={`${i.rule}-${i.field}-${String(i.from)}-${String(n)}`} className={`lint-item lint-${i.severity}`} data-testid="lint-item" data-rule={i.rule}>
            <span className={`lint-sev lint-sev-${i.severity}`}>{SEVERITY_LABEL[i.severity]}</span>
            <button type="button" className="lint-msg" onClick={() => { onJump(i); }} title="Show in the editor">
              <span className="muted small">
                {i.field}
                {i.line !== null ? `:${String(i.line)}` : ""}
              </span>{" "}
              {i.message}
            </button>
            {i.rule === "unknown-token" && i.suggestion && (
              <button type="button" className="btn btn-secondary btn-small" data-testid="lint-fix" onClick={() => { onFix(i); }}>
                Use {i.suggestion}
              </button>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

function VersionsPanel({ api, templateId, current, savedCount, onRestore }: { api: StudioApi; templateId: string; current: TemplateEdit; savedCount: number; onRestore: (v: TemplateEdit) => void }) {
  const [versions, setVersions] = useState<TemplateVersion[]>([]);
  const [compare, setCompare] = useState<number | null>(null);
  useEffect(() => {
    let live = true;
    api
      .versions(templateId)
      .then((v) => {
        if (live) setVersions(v);
      })
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [api, templateId, savedCount]);
  if (versions.length === 0) return null;
  const shown = versions.find((v) => v.id === compare);
  const shownEdit = shown ? editFromTemplate(shown.json as Template) : null;
  return (
    <details className="lint-panel versions" data-testid="versions-panel">
      <summary className="lint-title">
        Saved versions <span className="muted small">{versions.length} kept on this computer</span>
      </summary>
      <ul className="lint-list">
        {versions.map((v) => (
          <li key={v.id} className="version-item" data-testid="version-item">
            <span className="small">
              #{v.id} · {new Date(v.savedAt).toLocaleString()}
            </span>
            <button type="button" className="btn btn-ghost btn-small" onClick={() => { setCompare(compare === v.id ? null : v.id); }}>
              {compare === v.id ? "Hide changes" : "Compare"}
            </button>
            <button type="button" className="btn btn-secondary btn-small" data-testid="version-restore" onClick={() => { onRestore(editFromTemplate(v.json as Template)); }}>
              Restore
            </button>
          </li>
        ))}
      </ul>
      {shownEdit && (
        <pre className="diff" data-testid="version-diff">
          {shownEdit.subject !== current.subject && <span className="diff-del">{`- subject: ${shownEdit.subject}\n`}</span>}
          {shownEdit.subject !== current.subject && <span className="diff-add">{`+ subject: ${current.subject}\n`}</span>}
          {lineDiff(shownEdit.html, current.html).map((l, i) => (
            <span key={i} className={l.op === "+" ? "diff-add" : l.op === "-" ? "diff-del" : "diff-same"}>{`${l.op} ${l.text}\n`}</span>
          ))}
        </pre>
      )}
    </details>
  );
}
