import { useRef, useState } from "react";
import { errorBody, type ErrorBody } from "../../api";
import { ErrorNotice } from "../../components/ErrorNotice";
import { useFocusTrap } from "../useFocusTrap";
import type { UpdateCheck, UpdatesApi } from "./api";
import "./updates.css";

type State =
  | { kind: "idle" }
  | { kind: "checking" }
  | { kind: "answer"; check: UpdateCheck }
  | { kind: "installing"; check: UpdateCheck }
  | { kind: "failed"; error: ErrorBody };

/** Looks for an update only when clicked (never on its own); a verified one is offered in a
 * dialog that asks before installing. */
export function UpdateButton({ api }: { api: UpdatesApi }) {
  const [state, setState] = useState<State>({ kind: "idle" });
  const open = state.kind !== "idle" && state.kind !== "checking";
  const dialogRef = useRef<HTMLDivElement>(null);
  useFocusTrap(dialogRef, open);
  const close = () => {
    setState({ kind: "idle" });
  };

  async function check() {
    setState({ kind: "checking" });
    try {
      setState({ kind: "answer", check: await api.check() });
    } catch (e) {
      setState({ kind: "failed", error: errorBody(e) });
    }
  }

  async function install(c: UpdateCheck) {
    setState({ kind: "installing", check: c });
    try {
      await api.install(); // on success the app restarts into the new version
    } catch (e) {
      setState({ kind: "failed", error: errorBody(e) });
    }
  }

  const busy = state.kind === "checking" || state.kind === "installing";
  return (
    <>
      <button type="button" className="btn btn-ghost" data-testid="update-check" disabled={busy} onClick={() => void check()}>
        {state.kind === "checking" ? "Checking…" : "Check for updates"}
      </button>
      {open && (
        <div className="modal-backdrop">
          <div
            className="modal update-dialog"
            ref={dialogRef}
            role="dialog"
            aria-modal="true"
            aria-labelledby="update-title"
            data-testid="update-dialog"
            onKeyDown={(e) => {
              if (e.key === "Escape" && state.kind !== "installing") close();
            }}
          >
            <h2 id="update-title">Updates</h2>
            {state.kind === "failed" && <ErrorNotice error={state.error} />}
            {(state.kind === "answer" || state.kind === "installing") && (
              <>
                <p data-testid="update-summary" role="status">
                  {state.check.summary}
                </p>
                {state.check.offer && (
                  <>
                    <p data-testid="update-question">{state.check.offer.question}</p>
                    {state.check.offer.notes && (
                      <p className="muted" data-testid="update-notes">
                        {state.check.offer.notes}
                      </p>
                    )}
                  </>
                )}
              </>
            )}
            <div className="actions">
              {(state.kind === "answer" || state.kind === "installing") && state.check.offer && (
                <button
                  type="button"
                  className="btn btn-primary"
                  data-testid="update-install"
                  autoFocus
                  disabled={state.kind === "installing"}
                  onClick={() => void install(state.check)}
                >
                  {state.kind === "installing" ? "Installing…" : `Install ${state.check.offer.version} and restart`}
                </button>
              )}
              <button
                type="button"
                className="btn btn-ghost"
                data-testid="update-close"
                autoFocus={!(state.kind === "answer" && state.check.offer)}
                disabled={state.kind === "installing"}
                onClick={close}
              >
                {state.kind === "answer" && state.check.offer ? "Not now" : "Close"}
              </button>
            </div>
          </div>
        </div>
      )}
    </>
  );
}
