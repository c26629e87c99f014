// "Send a test" and import/export. Rust does the work (send_logged, the test attendee, the
// template-file parsing); this file wires it to the screen.
import { useState } from "react";
import { errorBody, type ErrorBody } from "../../api";
import { ErrorNotice } from "../../components/ErrorNotice";
import { CopyButton } from "../CopyButton";
import { copyText } from "../copy";
import { SendError } from "../desk/SendOutcome";
import type { StudioApi, TemplateEdit, TemplateImport, TestAttendee, TestAttendeesRemoved, TestSendResult } from "./api";
import type { Recipient } from "./Preview";

/** The tag on test attendees (same as TEST_TAG in src-tauri/app/studio.rs). */
export const TEST_TAG = "qflow-console-test";

/** One test attendee per event and address, reused across sends (client-generated id). */
function testGuestId(eventId: string, email: string): string {
  const key = `qflow.studio.testGuest.${eventId}.${email.trim().toLowerCase()}`;
  let id = localStorage.getItem(key);
  if (!id) {
    id = crypto.randomUUID();
    localStorage.setItem(key, id);
  }
  return id;
}

interface TestSendProps {
  eventId: string;
  templateId: string;
  /** The template exists on Qflow and has no unsaved changes. */
  saved: boolean;
  /** Saves; resolves true when it worked. */
  onSave: () => Promise<boolean>;
  recipient: Recipient | null;
  api: StudioApi;
}

export function TestSend({ eventId, templateId, saved, onSave, recipient, api }: TestSendProps) {
  const guest = recipient?.kind === "guest" ? recipient : null;
  // Until the user picks, follow the preview: its attendee when it is a real one.
  const [to, setTo] = useState<"guest" | "me" | null>(null);
  const [email, setEmail] = useState(() => localStorage.getItem("qflow.studio.testEmail") ?? "");
  const [keep, setKeep] = useState(false);
  const [askSave, setAskSave] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorBody | null>(null);
  const [done, setDone] = useState<TestSendResult | null>(null);
  const target = (to ?? (guest ? "guest" : "me")) === "guest" && guest ? "guest" : "me";

  const send = async () => {
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      const r = await api.testSend(
        target === "guest"
          ? { eventId, templateId, guestId: guest?.id, keepEmail: false }
          : { eventId, templateId, testEmail: email.trim(), testGuestId: testGuestId(eventId, email), keepEmail: keep },
      );
      if (target === "me") localStorage.setItem("qflow.studio.testEmail", email.trim());
      setDone(r);
    } catch (e) {
      setError(errorBody(e));
    } finally {
      setBusy(false);
    }
  };
  const start = () => {
    if (!saved) setAskSave(true);
    else void send();
  };
  const typo = error?.message.includes("did you mean") ?? false;

  return (
    <section className="studio-tools" data-testid="test-send">
      <h3>Send a test</h3>
      <div className="tools-row" role="radiogroup" aria-label="Send the test to">
        <label>
          <input type="radio" name="test-to" checked={target === "guest"} disabled={!guest} onChange={() => { setTo("guest"); }} />
          {guest ? ` The preview attendee: ${guest.label}` : " The preview attendee (pick a real attendee in the preview)"}
        </label>
        <label>
          <input type="radio" name="test-to" data-testid="test-to-me" checked={target === "me"} onChange={() => { setTo("me"); }} /> Me, through a test
          attendee
        </label>
      </div>
      {target === "me" && (
        <div className="field">
          <label htmlFor="test-email">Your email address</label>
          <input
            id="test-email"
            className="input"
            type="email"
            data-testid="test-email"
            value={email}
            onChange={(e) => {
              setEmail(e.target.value);
              setKeep(false);
            }}
          />
          <span className="hint">
            The app adds an attendee “Test (Qflow Console)” tagged <span className="mono">{TEST_TAG}</span> to this event; “Remove test attendees”
            below deletes them.
          </span>
        </div>
      )}
      {askSave && (
        <div className="notice" role="alertdialog" data-testid="test-save-first">
          <div className="notice-body">
            <p className="notice-message">Save first?</p>
            <p>A test sends the template as saved on Qflow, and this one has unsaved changes{saved ? "" : " or was never saved"}.</p>
            <button type="button" className="btn btn-secondary btn-small" onClick={() => { setAskSave(false); }}>
              Cancel
            </button>{" "}
            <button
              type="button"
              className="btn btn-primary btn-small"
              data-testid="test-save-and-send"
              onClick={() => {
                setAskSave(false);
                void onSave().then((ok) => {
                  if (ok) void send();
                });
              }}
            >
              Save and send
            </button>
          </div>
        </div>
      )}
      <button type="button" className="btn btn-secondary" data-testid="test-send-btn" disabled={busy || (target === "me" && !email.trim())} onClick={start}>
        {busy ? "Sending…" : "Send test"}
      </button>
      {error && <SendError error={error} />}
      {error && typo && (
        <label className="small">
          <input type="checkbox" data-testid="test-keep-email" checked={keep} onChange={(e) => { setKeep(e.target.checked); }} /> The address is right: send to
          it as typed
        </label>
      )}
      {done && (
        <p className="tools-ok" role="status" data-testid="test-sent">
          Test {done.status} for {done.to}. Sent once (not retried); reference <span className="mono">{done.correlationId}</span>.
        </p>
      )}
      <RemoveTestAttendees eventId={eventId} api={api} />
    </section>
  );
}

/** One click: list the event's attendees tagged qflow-console-test, confirm with the count, delete, report. */
export function RemoveTestAttendees({ eventId, api }: { eventId: string; api: Pick<StudioApi, "testAttendees" | "removeTestAttendees"> }) {
  const [found, setFound] = useState<TestAttendee[] | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorBody | null>(null);
  const [result, setResult] = useState<TestAttendeesRemoved | null>(null);
  const find = async () => {
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      setFound(await api.testAttendees(eventId));
    } catch (e) {
      setError(errorBody(e));
    } finally {
      setBusy(false);
    }
  };
  const remove = async (list: TestAttendee[]) => {
    setBusy(true);
    setError(null);
    try {
      setResult(await api.removeTestAttendees(eventId, list.map((a) => a.id)));
      setFound(null);
    } catch (e) {
      setError(errorBody(e));
    } finally {
      setBusy(false);
    }
  };
  const n = found?.length ?? 0;
  return (
    <div className="remove-tests" data-testid="remove-tests">
      <button type="button" className="btn btn-ghost btn-small" data-testid="remove-tests-btn" disabled={busy} onClick={() => void find()}>
        {busy && !found ? "Looking…" : "Remove test attendees…"}
      </button>
      {found && n === 0 && (
        <p className="small muted" role="status" data-testid="remove-tests-none">
          No attendees tagged <span className="mono">{TEST_TAG}</span> in this event.
        </p>
      )}
      {found && n > 0 && (
        <div className="notice notice-warn" role="alertdialog" data-testid="remove-tests-confirm">
          <div className="notice-body">
            <p className="notice-message">
              Delete {n} test attendee{n === 1 ? "" : "s"} tagged <span className="mono">{TEST_TAG}</span> from this event?
            </p>
            <ul className="small">
              {found.slice(0, 5).map((a) => (
                <li key={a.id}>
                  {a.name} <span className="muted">{a.email}</span>
                </li>
              ))}
              {n > 5 && <li className="muted">and {n - 5} more</li>}
            </ul>
            <p className="small muted">Attendees without the tag are never touched. Sends already logged on this computer stay in the log.</p>
            <div className="rewrite-actions">
              <button type="button" className="btn btn-secondary btn-small" onClick={() => { setFound(null); }}>
                Cancel
              </button>
              <button type="button" className="btn btn-danger-solid btn-small" data-testid="remove-tests-yes" disabled={busy} onClick={() => void remove(found)}>
                {busy ? "Deleting…" : `Delete ${n}`}
              </button>
            </div>
          </div>
        </div>
      )}
      {result && (
        <p className={result.failed.length ? "small danger" : "tools-ok"} role="status" data-testid="remove-tests-result">
          Deleted {result.removed.length} test attendee{result.removed.length === 1 ? "" : "s"}.
          {result.skipped > 0 ? ` ${result.skipped} no longer tagged, left alone.` : ""}
          {result.failed.map((f) => ` ${f.attendee.email}: ${f.error.message} ${f.error.nextStep}`).join("")}
        </p>
      )}
      {error && <ErrorNotice error={error} />}
    </div>
  );
}

interface ImportExportProps {
  eventId: string;
  templateId: string;
  fields: TemplateEdit;
  onImport: (r: TemplateImport) => void;
  api: StudioApi;
}

/** Export to a file (save dialog; Rust writes it) or the clipboard; import from a file (open dialog; Rust reads it) or by pasting. */
export function ImportExport({ eventId, templateId, fields, onImport, api }: ImportExportProps) {
  const [open, setOpen] = useState(false);
  const [text, setText] = useState("");
  const [error, setError] = useState<ErrorBody | null>(null);
  const [notes, setNotes] = useState<string[]>([]);
  const [written, setWritten] = useState<string | null>(null);
  const exportFile = async (format: "html" | "json") => {
    setError(null);
    setWritten(null);
    try {
      const w = await api.exportFile({ eventId, templateId, fields, format });
      if (w) setWritten(`Saved ${w.path} (${(w.bytes / 1024).toFixed(1)} KB).`);
    } catch (e) {
      setError(errorBody(e));
    }
  };
  const importFile = async () => {
    setError(null);
    setNotes([]);
    try {
      const r = await api.importFile(eventId);
      if (!r) return;
      onImport(r.import);
      setNotes([`${r.import.kind === "html" ? "HTML imported into the body" : "Template JSON imported into all fields"} from ${r.path}.`, ...r.import.notes]);
    } catch (e) {
      setError(errorBody(e));
    }
  };
  const doImport = async () => {
    setError(null);
    setNotes([]);
    try {
      const r = await api.importText(eventId, text);
      onImport(r);
      setNotes([r.kind === "html" ? "HTML imported into the body." : "Template JSON imported into all fields.", ...r.notes]);
      setText("");
    } catch (e) {
      setError(errorBody(e));
    }
  };
  return (
    <section className="studio-tools" data-testid="import-export">
      <h3>Import / export</h3>
      <div className="tools-row">
        <button type="button" className="btn btn-secondary btn-small" data-testid="export-html" onClick={() => void exportFile("html")}>
          Export .html…
        </button>
        <button type="button" className="btn btn-secondary btn-small" data-testid="export-json" onClick={() => void exportFile("json")}>
          Export .json…
        </button>
        <button type="button" className="btn btn-secondary btn-small" data-testid="import-file" onClick={() => void importFile()}>
          Import file…
        </button>
      </div>
      <div className="tools-row">
        <CopyButton text={fields.html} label="Copy HTML" what="the template HTML" testId="copy-html" />
        <CopyButton
          text=""
          label="Copy JSON"
          what="the template as JSON (the file format of `template push`)"
          testId="copy-json"
          copy={async () => {
            await copyText(await api.exportJson({ eventId, templateId, fields }));
          }}
        />
        <button type="button" className="btn btn-ghost btn-small" data-testid="import-open" aria-expanded={open} onClick={() => { setOpen(!open); }}>
          Paste to import…
        </button>
      </div>
      {open && (
        <div className="field">
          <label htmlFor="import-text">Paste the contents of a .html file or template .json</label>
          <textarea
            id="import-text"
            className="input mono"
            rows={6}
            data-testid="import-text"
            value={text}
            onChange={(e) => { setText(e.target.value); }}
          />
          <span className="hint">HTML replaces the body only; JSON replaces every field. Save afterwards to keep it.</span>
          <div>
            <button type="button" className="btn btn-secondary btn-small" data-testid="import-apply" disabled={!text.trim()} onClick={() => void doImport()}>
              Import
            </button>
          </div>
        </div>
      )}
      {written && (
        <p className="tools-ok" role="status" data-testid="export-written">
          {written}
        </p>
      )}
      {error && <ErrorNotice error={error} />}
      {notes.length > 0 && (
        <ul className="small muted" data-testid="import-notes">
          {notes.map((n) => (
            <li key={n}>{n}</li>
          ))}
        </ul>
      )}
    </section>
  );
}
