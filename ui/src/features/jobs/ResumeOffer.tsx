// The bar offering a job that did not finish (bulk resend, attendee import): resume it or
// discard it, never resumed by itself.
import { useState, type ReactNode } from "react";
import { errorBody, type ErrorBody } from "../../api";
import { ErrorNotice } from "../../components/ErrorNotice";

interface Props<S> {
  /** `data-testid` of the bar; its buttons are `<testId>-resume` and `<testId>-discard`. */
  testId: string;
  resumeLabel: string;
  /** In the page's flow (an attendee pane) rather than floating at the window's corner. */
  inline?: boolean;
  /** What stopped, in words. */
  children: ReactNode;
  resume: () => Promise<S>;
  discard: () => Promise<unknown>;
  onResumed: (s: S) => void;
  onDiscarded: () => void;
}

export function ResumeOfferBar<S>({ testId, resumeLabel, inline = false, children, resume, discard, onResumed, onDiscarded }: Props<S>) {
  const [error, setError] = useState<ErrorBody | null>(null);
  const failed = (e: unknown) => {
    setError(errorBody(e));
  };
  return (
    <div className={inline ? "bulk-offer is-inline" : "bulk-offer"} role="status" data-testid={testId}>
      <span>{children}</span>
      <button
        type="button"
        className="btn btn-primary btn-small"
        data-testid={`${testId}-resume`}
        onClick={() => {
          resume()
            .then((s) => {
              setError(null);
              onResumed(s);
            })
            .catch(failed);
        }}
      >
        {resumeLabel}
      </button>
      <button
        type="button"
        className="btn btn-ghost btn-small"
        data-testid={`${testId}-discard`}
        onClick={() => {
          discard()
            .then(() => {
              setError(null);
              onDiscarded();
            })
            .catch(failed);
        }}
      >
        Discard
      </button>
      {error && <ErrorNotice error={error} />}
    </div>
  );
}
