import type { ErrorBody } from "../api";

/** One error, as Rust described it: what happened, then what to do next. */
export function ErrorNotice({ error, onDismiss }: { error: ErrorBody; onDismiss?: () => void }) {
  return (
    <div className="notice notice-error" role="alert" data-testid="error-notice" data-code={error.code}>
      <div className="notice-body">
        <p className="notice-message">{error.message}</p>
        {error.nextStep && <p className="notice-next">{error.nextStep}</p>}
      </div>
      {onDismiss && (
        <button type="button" className="btn btn-ghost btn-small" onClick={onDismiss} aria-label="Dismiss">
          Dismiss
        </button>
      )}
    </div>
  );
}
