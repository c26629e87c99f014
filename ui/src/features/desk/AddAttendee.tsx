import { useEffect, useRef, useState } from "react";
import { codeIs, errorBody, type ErrorBody } from "../../api";
import { ErrorNotice } from "../../components/ErrorNotice";
import type { DeskApi, GuestAdded, TemplateOption } from "./api";
import { SendError } from "./SendOutcome";
import { useFocusTrap } from "../useFocusTrap";

interface Props {
  eventId: string;
  eventTitle: string;
  api: Pick<DeskApi, "eventTemplates" | "emailCheck" | "guestAdd">;
  onClose: () => void;
  onAdded: (added: GuestAdded) => void;
}

function newId(): string {
  return crypto.randomUUID();
}

/** Add an attendee, optionally sending a template in the same call. The id is made once per
 * form, so pressing Add again after a network failure can never create a second attendee or a
 * second email. */
export function AddAttendee({ eventId, eventTitle, api, onClose, onAdded }: Props) {
  const dialogRef = useRef<HTMLFormElement>(null);
  useFocusTrap(dialogRef);
  const [id] = useState(newId);
  const [form, setForm] = useState({ firstName: "", lastName: "", email: "", tags: "", templateId: "" });
  const [templates, setTemplates] = useState<TemplateOption[] | null>(null);
  const [check, setCheck] = useState<{ email: string; suggestion: string | null; problem: string | null } | null>(null);
  const [keepEmail, setKeepEmail] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorBody | null>(null);
  const first = useRef<HTMLInputElement>(null);

  useEffect(() => {
    first.current?.focus();
    let live = true;
    api
      .eventTemplates(eventId)
      .then((t) => {
        if (live) setTemplates(t);
      })
      .catch(() => {
        if (live) setTemplates([]);
      });
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape") onClose();
    };
    document.addEventListener("keydown", onKey);
    return () => {
      live = false;
      document.removeEventListener("keydown", onKey);
    };
  }, [api, eventId, onClose]);

  useEffect(() => {
    const email = form.email.trim();
    if (!email) return;
    let live = true;
    const t = setTimeout(() => {
      api
        .emailCheck(email)
        .then((c) => {
          if (live) setCheck({ email, suggestion: c.suggestion, problem: c.problem });
        })
        .catch(() => {});
    }, 250);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [api, form.email]);

  // Only the answer about the address as it is now counts.
  const current = check && check.email === form.email.trim() ? check : null;
  const suggestion = current?.suggestion ?? null;
  const problem = current?.problem ?? null;

  const set = (k: keyof typeof form) => (e: { target: { value: string } }) => {
    setForm({ ...form, [k]: e.target.value });
    if (k === "email") setKeepEmail(false);
  };

  async function submit() {
    setBusy(true);
    setError(null);
    try {
      const added = await api.guestAdd({
        id,
        eventId,
        firstName: form.firstName,
        lastName: form.lastName,
        email: form.email,
        tags: form.tags,
        templateId: form.templateId || undefined,
        keepEmail,
      });
      onAdded(added);
    } catch (e) {
      setError(errorBody(e));
    } finally {
      setBusy(false);
    }
  }

  const blocked = busy || !!problem || (!!suggestion && !keepEmail);

  return (
    <div className="modal-backdrop">
      <form
        className="modal"
        ref={dialogRef} role="dialog"
        aria-label="Add attendee"
        data-testid="add-attendee"
        onSubmit={(e) => {
          e.preventDefault();
          if (!blocked) void submit();
        }}
      >
        <h2>Add attendee</h2>
        <p className="muted small">To {eventTitle}</p>
        <div className="add-grid">
          <div className={`field${error?.field === "firstName" ? " field-invalid" : ""}`}>
            <label htmlFor="add-first">First name</label>
            <input id="add-first" ref={first} data-testid="add-firstName" value={form.firstName} onChange={set("firstName")} required />
          </div>
          <div className={`field${error?.field === "lastName" ? " field-invalid" : ""}`}>
            <label htmlFor="add-last">Last name</label>
            <input id="add-last" data-testid="add-lastName" value={form.lastName} onChange={set("lastName")} required />
          </div>
          <div className={`field add-wide${problem || error?.field === "email" ? " field-invalid" : ""}`}>
            <label htmlFor="add-email">Email</label>
            <input id="add-email" type="email" data-testid="add-email" value={form.email} onChange={set("email")} required />
            {problem && <span className="hint desk-error-text">{problem}</span>}
            {suggestion && !problem && (
              <span className="hint desk-suggestion" data-testid="add-suggestion">
                Did you mean <strong>{suggestion}</strong>?{" "}
                <button type="button" className="btn btn-secondary btn-small" data-testid="add-use-suggestion" onClick={() => { setForm({ ...form, email: suggestion }); }}>
                  Use {suggestion}
                </button>{" "}
                <button type="button" className="btn btn-ghost btn-small" data-testid="add-keep-email" disabled={keepEmail} onClick={() => { setKeepEmail(true); }}>
                  {keepEmail ? "Keeping as typed" : "Keep as typed"}
                </button>
              </span>
            )}
          </div>
          <div className="field add-wide">
            <label htmlFor="add-tags">Tags (comma-separated, optional)</label>
            <input id="add-tags" data-testid="add-tags" value={form.tags} onChange={set("tags")} />
          </div>
          <div className="field add-wide">
            <label htmlFor="add-template">Send a ticket now</label>
            <select id="add-template" data-testid="add-template" value={form.templateId} onChange={set("templateId")}>
              <option value="">Don’t send an email</option>
              {templates?.map((t) => (
                <option key={t.id} value={t.id}>
                  {t.name}
                </option>
              ))}
            </select>
            <span className="hint">With a template, Qflow creates the attendee and queues the email in one call.</span>
          </div>
        </div>
        {error && (codeIs(error.code, "invalid_input") ? <ErrorNotice error={error} /> : <SendError error={error} />)}
        {error && !codeIs(error.code, "invalid_input") && <p className="hint">Pressing Add again is safe: it cannot create a second attendee or email.</p>}
        <div className="resend-actions">
          <button type="button" className="btn btn-secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" data-testid="add-submit" disabled={blocked}>
            {busy ? "Adding…" : form.templateId ? "Add and send" : "Add attendee"}
          </button>
        </div>
      </form>
    </div>
  );
}
