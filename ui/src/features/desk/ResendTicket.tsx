import { useEffect, useRef, useState } from "react";
import { errorBody, type ErrorBody } from "../../api";
import { ErrorNotice } from "../../components/ErrorNotice";
import type { DeskApi, GuestDetail, ResendOptions, ResendPreview, ResendResult } from "./api";
import { SendError } from "./SendOutcome";

interface Props {
  guest: GuestDetail;
  api: Pick<DeskApi, "resendOptions" | "resendPreview" | "resend" | "emailCheck">;
  /** After a send (or a refusal): reload history and the attendee. */
  onSent: () => void;
}

type Step = { kind: "edit" } | { kind: "confirm" } | { kind: "sending" } | { kind: "done"; result: ResendResult } | { kind: "failed"; error: ErrorBody };

/** Choose a template, see the exact email, optionally fix the address, confirm, send once. */
export function ResendTicket({ guest, api, onSent }: Props) {
  const [options, setOptions] = useState<ResendOptions | null>(null);
  const [optionsError, setOptionsError] = useState<ErrorBody | null>(null);
  const [templateId, setTemplateId] = useState("");
  const [email, setEmail] = useState(guest.email);
  const [debouncedEmail, setDebouncedEmail] = useState(guest.email);
  const [check, setCheck] = useState<{ email: string; suggestion: string | null; problem: string | null } | null>(null);
  const [preview, setPreview] = useState<ResendPreview | null>(null);
  const [previewError, setPreviewError] = useState<ErrorBody | null>(null);
  const [step, setStep] = useState<Step>({ kind: "edit" });
  // Bumped after each send so the preview's duplicate warning is re-read from the log.
  const [sends, setSends] = useState(0);
  const emailRef = useRef<HTMLInputElement>(null);
  // The button that pressed "Resend ticket…" / "Send now" goes away with its step: the focus
  // moves on with the user instead of falling back to the page (keyboard and screen readers).
  const startRef = useRef<HTMLButtonElement>(null);
  const confirming = step.kind === "confirm" || step.kind === "sending";
  const wasConfirming = useRef(false);
  useEffect(() => {
    if (wasConfirming.current && !confirming) startRef.current?.focus();
    wasConfirming.current = confirming;
  }, [confirming]);
  // One send at a time, even if a click lands before React re-renders the disabled button.
  const inFlight = useRef(false);

  useEffect(() => {
    let live = true;
    api
      .resendOptions(guest.id)
      .then((o) => {
        if (!live) return;
        setOptions(o);
        setTemplateId(o.defaultTemplateId ?? o.templates[0]?.id ?? "");
      })
      .catch((e: unknown) => {
        if (live) setOptionsError(errorBody(e));
      });
    return () => {
      live = false;
    };
  }, [api, guest.id]);

  useEffect(() => {
    const t = setTimeout(() => {
      setDebouncedEmail(email.trim());
    }, 300);
    return () => {
      clearTimeout(t);
    };
  }, [email]);

  const changed = debouncedEmail !== guest.email.trim();

  useEffect(() => {
    if (!changed) return;
    let live = true;
    api
      .emailCheck(debouncedEmail)
      .then((c) => {
        if (live) setCheck({ email: debouncedEmail, suggestion: c.suggestion, problem: c.problem });
      })
      .catch(() => {});
    return () => {
      live = false;
    };
  }, [api, debouncedEmail, changed]);

  const current = changed && check?.email === debouncedEmail ? check : null;
  const suggestion = current?.suggestion ?? null;
  const emailProblem = current?.problem ?? null;

  useEffect(() => {
    if (!templateId || emailProblem) return;
    let live = true;
    api
      .resendPreview({ guestId: guest.id, templateId, email: changed ? debouncedEmail : undefined })
      .then((p) => {
        if (!live) return;
        setPreview(p);
        setPreviewError(null);
      })
      .catch((e: unknown) => {
        if (live) setPreviewError(errorBody(e));
      });
    return () => {
      live = false;
    };
  }, [api, guest.id, templateId, debouncedEmail, changed, emailProblem, sends]);

  const template = options?.templates.find((t) => t.id === templateId);
  const duplicate = preview?.recentDuplicate ?? null;
  const sending = step.kind === "sending";

  async function send() {
    if (inFlight.current || !templateId) return;
    inFlight.current = true;
    setStep({ kind: "sending" });
    try {
      const result = await api.resend({
        guestId: guest.id,
        templateId,
        newEmail: changed ? debouncedEmail : undefined,
        confirmDuplicate: duplicate !== null,
      });
      setStep({ kind: "done", result });
    } catch (e) {
      setStep({ kind: "failed", error: errorBody(e) });
    } finally {
      inFlight.current = false;
      setSends((n) => n + 1);
      onSent();
    }
  }

  if (optionsError) return <ErrorNotice error={optionsError} />;
  if (!options) return <p className="muted small">Loading templates…</p>;
  if (options.templates.length === 0) return <p className="muted" data-testid="resend-no-templates">This event has no email templates yet.</p>;

  return (
    <div className="resend" data-testid="resend">
      <div className="resend-fields">
        <div className="field">
          <label htmlFor="resend-template">Template</label>
          <select
            id="resend-template"
            data-testid="resend-template"
            value={templateId}
            disabled={sending}
            onChange={(e) => {
              setTemplateId(e.target.value);
              setStep({ kind: "edit" });
            }}
          >
            {options.templates.map((t) => (
              <option key={t.id} value={t.id}>
                {t.name}
              </option>
            ))}
          </select>
          {templateId === options.defaultTemplateId && options.defaultReason && (
            <span className="hint" data-testid="resend-default-reason">
              {options.defaultReason === "last_sent" ? "The template last sent to this attendee from this app" : "The event’s most recent template"}
            </span>
          )}
        </div>
        <div className={`field${emailProblem ? " field-invalid" : ""}`}>
          <label htmlFor="resend-email">Send to</label>
          <input
            id="resend-email"
            ref={emailRef}
            type="email"
            data-testid="resend-email"
            value={email}
            disabled={sending}
            onChange={(e) => {
              setEmail(e.target.value);
              setStep({ kind: "edit" });
            }}
          />
          {emailProblem && <span className="hint desk-error-text">{emailProblem}</span>}
          {suggestion && (
            <span className="hint" data-testid="resend-suggestion">
              Did you mean{" "}
              <button type="button" className="link-button" onClick={() => { setEmail(suggestion); }}>
                {suggestion}
              </button>
              ?
            </span>
          )}
          {changed && !emailProblem && <span className="hint">The attendee’s address will be corrected to this before sending.</span>}
        </div>
      </div>

      {previewError && <ErrorNotice error={previewError} />}
      {preview && (
        <div className="preview" data-testid="resend-preview">
          <div className="preview-head">
            <span className="muted small">To</span> <span data-testid="preview-to">{preview.to}</span>
            <br />
            <span className="muted small">Subject</span> <strong data-testid="preview-subject">{preview.subject}</strong>
            {preview.attachPdf && <span className="chip">PDF attached</span>}
          </div>
          {preview.unknownTokens.length > 0 && (
            <p className="hint desk-error-text" data-testid="preview-unknown">
              {preview.preflight?.message ?? `Left as typed (no value or unknown): ${preview.unknownTokens.join(", ")}`}
            </p>
          )}
          {/* No scripts, no same-origin, its own CSP (see core ops::desk::preview_document). */}
          <iframe className="preview-frame" title="Email preview" sandbox="" srcDoc={preview.document} data-testid="preview-frame" />
        </div>
      )}

      {duplicate && step.kind !== "sending" && (
        <p className="notice desk-warning small" data-testid="resend-duplicate">
          This template was sent to this attendee {duplicate.minutesAgo === 0 ? "less than a minute" : `${duplicate.minutesAgo} min`} ago (
          {duplicate.status.replace(/_/g, " ")}). Check their inbox and spam folder before sending it again.
        </p>
      )}

      {step.kind === "edit" || step.kind === "failed" || step.kind === "done" ? (
        <div className="resend-actions">
          <button
            type="button"
            className="btn btn-primary"
            data-testid="resend-start"
            ref={startRef}
            disabled={!preview || !!emailProblem || !templateId}
            onClick={() => {
              setStep({ kind: "confirm" });
            }}
          >
            {step.kind === "done" ? "Send again…" : "Resend ticket…"}
          </button>
        </div>
      ) : null}

      {(step.kind === "confirm" || step.kind === "sending") && (
        <div className="confirm-box" data-testid="resend-confirm">
          <p>
            Send <strong>{template?.name}</strong> to <strong>{changed ? debouncedEmail : guest.email}</strong>
            {changed ? " (the attendee’s address is updated first)" : ""}?
          </p>
          <div className="resend-actions">
            {/* The safe choice has the focus, as in every confirmation. */}
            <button type="button" className="btn btn-secondary" disabled={sending} autoFocus onClick={() => { setStep({ kind: "edit" }); }}>
              Cancel
            </button>
            <button type="button" className="btn btn-primary" data-testid="resend-send" disabled={sending} onClick={() => void send()}>
              {sending ? "Sending…" : duplicate ? "Send again anyway" : "Send now"}
            </button>
          </div>
        </div>
      )}

      {/* Always in the page, so that a screen reader announces the outcome when it appears. */}
      <div className="resend-outcome" aria-live="polite" data-testid="resend-outcome">
      {step.kind === "sending" && <p className="visually-hidden">Sending…</p>}
      {step.kind === "done" && (
        <div className="notice desk-ok" data-testid="resend-result">
          <div className="notice-body">
            <p className="notice-message desk-ok-title">Qflow accepted the send: {step.result.status}</p>
            <p className="small">
              To {step.result.to}. Delivery is reported by Qflow’s webhooks. Reference <span className="mono">{step.result.correlationId}</span>.
            </p>
          </div>
        </div>
      )}
      {step.kind === "failed" && (
        <SendError
          error={step.error}
          onCorrectEmail={() => {
            emailRef.current?.focus();
            emailRef.current?.select();
          }}
        />
      )}
      </div>
    </div>
  );
}
