import type { ErrorBody } from "../../api";
import { ErrorNotice } from "../../components/ErrorNotice";
import { formatUtc } from "./format";
import { codeIs } from "../../api";

const FAILURES: Record<string, string> = {
  bounced: "the receiving mail server rejected an earlier email (bounce)",
  dropped: "an earlier email was dropped before delivery",
  spam_reported: "the recipient marked an earlier email as spam",
  unsubscribed: "the recipient unsubscribed",
};

function text(v: unknown): string {
  return typeof v === "string" ? v : "";
}

/** `422 previous_send_permanently_failed` in plain words: what happened, why another send will
 * not help, and what can. Never the raw JSON. */
export function SuppressionExplainer({ error, onCorrectEmail }: { error: ErrorBody; onCorrectEmail?: () => void }) {
  const type = text(error.details.failureType);
  const at = text(error.details.lastFailureAt);
  const reason = text(error.details.lastFailureReason);
  return (
    <div className="notice notice-error desk-explainer" role="alert" data-testid="suppression-explainer">
      <div className="notice-body">
        <p className="notice-message">Qflow will not email this address</p>
        <p>
          <strong>What happened:</strong> {FAILURES[type] ?? (type ? type.replace(/_/g, " ") : "an earlier email failed permanently")}
          {at ? ` on ${formatUtc(at)}` : ""}.{reason ? ` Reason given: “${reason}”.` : ""}
        </p>
        <p>
          <strong>Why sending again won’t help:</strong> the address is on the suppression list for your account, so Qflow refuses every
          send to it — nothing was sent now either.
        </p>
        <p>
          <strong>What can help:</strong> if the address was mistyped, correct it and send to the new address. If this person really wants the
          email (they asked for it, or the failure was temporary), ask <span className="mono">support@qflow.io</span> to lift the suppression.
        </p>
        {onCorrectEmail && (
          <button type="button" className="btn btn-secondary btn-small" data-testid="correct-email" onClick={onCorrectEmail}>
            Correct the address
          </button>
        )}
      </div>
    </div>
  );
}

/** A lost answer or a Qflow server error: the email may or may not have gone out. Say so, and
 * what to check. */
export function OutcomeUnknown() {
  return (
    <div className="notice desk-warning" role="alert" data-testid="outcome-unknown">
      <div className="notice-body">
        <p className="notice-message desk-warning-title">We don’t know whether this email went out</p>
        <p>The request may have reached Qflow, but its answer did not say whether the email was queued (the connection dropped, or Qflow had a server error). It was not retried, so at most one email was sent.</p>
        <p>
          <strong>Before sending again:</strong> wait a few minutes and check the history below for delivery events (when webhooks are set up),
          or ask the attendee to look in their inbox and spam folder. If nothing arrived, send again — the app will ask you to confirm.
        </p>
      </div>
    </div>
  );
}

/** Any send failure, explained for the person at the desk. */
export function SendError({ error, onCorrectEmail }: { error: ErrorBody; onCorrectEmail?: () => void }) {
  if (codeIs(error.code, "previous_send_permanently_failed")) return <SuppressionExplainer error={error} onCorrectEmail={onCorrectEmail} />;
  if (codeIs(error.code, "outcome_unknown")) return <OutcomeUnknown />;
  return <ErrorNotice error={error} />;
}
