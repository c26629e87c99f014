// "Delete template": a confirmation that names the template, then one `template_delete`.
import { ErrorNotice } from "../../components/ErrorNotice";
import { useConfirmedDelete } from "../../components/useConfirmedDelete";
import type { StudioApi, Template } from "./api";

interface Props {
  template: Template;
  api: Pick<StudioApi, "remove">;
  onClose: () => void;
  onDeleted: (id: string) => void;
}

/** Delete, after a confirmation naming the template. The safe choice has the focus. */
export function DeleteTemplateDialog({ template, api, onClose, onDeleted }: Props) {
  const { busy, error, keep, confirm } = useConfirmedDelete(template.id, api.remove, onClose, onDeleted);


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
            className="btn btn-danger-solid"
            data-testid="template-delete-yes"
            disabled={busy}
            onClick={confirm}
          >
            {busy ? "Deleting…" : "Delete template"}
          </button>
        </div>
      </div>
    </div>
  );
}
