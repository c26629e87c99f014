// "Delete template": a confirmation that names the template, then one `template_delete`.
import { useEffect, useRef, useState } from "react";
import { errorBody, type ErrorBody } from "../../api";
import { ErrorNotice } from "../../components/ErrorNotice";
import type { StudioApi, Template } from "./api";

interface Props {
  template: Template;
  api: Pick<StudioApi, "remove">;
  onClose: () => void;
  onDeleted: (id: string) => void;
}

/** Delete, after a confirmation naming the template. The safe choice has the focus. */
export function DeleteTemplateDialog({ template, api, onClose, onDeleted }: Props) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorBody | null>(null);
  const keep = useRef<HTMLButtonElement>(null);
  // Parents pass a fresh onClose each render: read it through a ref so the listener is set once.
  const close = useRef(onClose);
  useEffect(() => {
    close.current = onClose;
  });
  useEffect(() => {
    keep.current?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape") close.current();
    };
    document.addEventListener("keydown", onKey);
    return () => {
      document.removeEventListener("keydown", onKey);
    };
  }, []);

  async function remove() {
    setBusy(true);
    setError(null);
    try {
      await api.remove(template.id);
      onDeleted(template.id);
    } catch (e) {
      setError(errorBody(e));
      setBusy(false);
    }
  }

  return (
    <div className="studio-backdrop">
      <div className="studio-modal" role="alertdialog" aria-label={`Delete ${template.name}`} data-testid="template-delete-confirm">
        <h2>
          Delete the template “<span data-testid="template-delete-name">{template.name}</span>”?
        </h2>
        <p>Qflow deletes it for this event; attendees already sent it keep their email. Its unsaved draft goes too. This cannot be undone.</p>
        {error && <ErrorNotice error={error} />}
        <div className="studio-modal-actions">
          <button type="button" ref={keep} className="btn btn-secondary" data-testid="template-delete-keep" onClick={onClose}>
            Keep it
          </button>
          <button
            type="button"
            className="btn studio-danger"
            data-testid="template-delete-yes"
            disabled={busy}
            onClick={() => {
              void remove();
            }}
          >
            {busy ? "Deleting…" : "Delete template"}
          </button>
        </div>
      </div>
    </div>
  );
}
