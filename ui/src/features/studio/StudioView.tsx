// The "Templates" section: pick an event, see its templates, open one in the editor (or start
// a new one). Drafts left by a crash or an unsaved exit are offered back here.
import { useCallback, useEffect, useRef, useState } from "react";
import { errorBody, type ErrorBody } from "../../api";
import { ErrorNotice } from "../../components/ErrorNotice";
import { studioApi as defaultApi, type Draft, type EventRow, type StudioApi, type StudioSetup, type Template, type TemplateEdit } from "./api";
import { DeleteTemplateDialog } from "./DeleteTemplateDialog";
import { editFromTemplate, NEW_TEMPLATE_HTML, TemplateEditor } from "./TemplateEditor";
import "./studio.css";

interface Open {
  templateId: string;
  original: Template | null;
  initial: TemplateEdit;
  key: number;
}

interface Props {
  api?: StudioApi;
  onOpenDomain?: () => void;
}

function draftFields(d: Draft): TemplateEdit | null {
  const j = d.json as { fields?: TemplateEdit } | null;
  return j?.fields && typeof j.fields.html === "string" ? j.fields : null;
}

function draftOriginal(d: Draft): Template | null {
  const j = d.json as { original?: Template | null } | null;
  return j?.original ?? null;
}

export function StudioView({ api = defaultApi, onOpenDomain = () => undefined }: Props) {
  const [events, setEvents] = useState<EventRow[] | null>(null);
  const [eventId, setEventId] = useState<string>("");
  const [templates, setTemplates] = useState<Template[] | null>(null);
  const [drafts, setDrafts] = useState<Draft[]>([]);
  const [setup, setSetup] = useState<StudioSetup | null>(null);
  const [open, setOpen] = useState<Open | null>(null);
  const [error, setError] = useState<ErrorBody | null>(null);
  const [reload, setReload] = useState(0);
  const [deleting, setDeleting] = useState<Template | null>(null);
  // A fresh editor (remount) per open.
  const opened = useRef(0);

  useEffect(() => {
    let live = true;
    void api.prepareSync();
    Promise.all([api.eventsList(), api.setup()])
      .then(([evs, s]) => {
        if (!live) return;
        setEvents(evs);
        setSetup(s);
        setEventId((cur) => cur || (evs[0]?.id ?? ""));
      })
      .catch((e: unknown) => {
        if (live) setError(errorBody(e));
      });
    return () => {
      live = false;
    };
  }, [api]);

  useEffect(() => {
    if (!eventId) return;
    let live = true;
    Promise.all([api.templatesList(eventId), api.draftsList(eventId)])
      .then(([ts, ds]) => {
        if (!live) return;
        setTemplates(ts);
        setDrafts(ds);
      })
      .catch((e: unknown) => {
        if (live) setError(errorBody(e));
      });
    return () => {
      live = false;
    };
  }, [api, eventId, reload]);

  const openTemplate = useCallback(
    async (t: Template) => {
      try {
        // Fresh from Qflow: the partial-update diff is against what is stored now.
        const fresh = await api.templateGet(t.id);
        setOpen({ templateId: fresh.id, original: fresh, initial: editFromTemplate(fresh), key: ++opened.current });
      } catch (e) {
        setError(errorBody(e));
      }
    },
    [api],
  );

  const newTemplate = () => {
    setOpen({
      templateId: crypto.randomUUID(),
      original: null,
      initial: { name: "New ticket email", subject: "Your ticket for {{event}}, {{firstname}}", html: NEW_TEMPLATE_HTML, fromAddress: "", fromName: "", replyTo: "", attachPdf: false, emailBody: "" },
      key: ++opened.current,
    });
  };

  const restore = (d: Draft) => {
    const f = draftFields(d);
    if (!f) return;
    setOpen({ templateId: d.templateId, original: draftOriginal(d), initial: f, key: ++opened.current });
  };

  const discard = (d: Draft) => {
    void api.draftDelete(d.templateId).then(() => {
      setDrafts((ds) => ds.filter((x) => x.templateId !== d.templateId));
    });
  };

  if (open && setup) {
    return (
      <TemplateEditor
        key={open.key}
        eventId={eventId}
        templateId={open.templateId}
        original={open.original}
        initial={open.initial}
        setup={setup}
        api={api}
        onOpenDomain={onOpenDomain}
        onSaved={() => undefined}
        onClose={() => {
          setOpen(null);
          setReload((n) => n + 1);
        }}
      />
    );
  }

  const eventTitle = events?.find((e) => e.id === eventId)?.title ?? "";
  return (
    <div className="studio-list" data-testid="studio-list">
      <div className="pane-header">
        <div>
          <h1>Templates</h1>
          <p className="muted">Email content with merge tokens, one set per event. Previewed with a real attendee before anything is sent.</p>
        </div>
        <button type="button" className="btn btn-primary" data-testid="template-new" disabled={!eventId || !setup} onClick={newTemplate}>
          New template
        </button>
      </div>
      {error && <ErrorNotice error={error} onDismiss={() => { setError(null); }} />}
      <div className="field studio-event">
        <label htmlFor="studio-event">Event</label>
        <select id="studio-event" className="input" data-testid="studio-event" value={eventId} onChange={(e) => {
            setTemplates(null);
            setEventId(e.target.value);
          }}>
          {(events ?? []).map((e) => (
            <option key={e.id} value={e.id}>
              {e.title} — {e.startTime.slice(0, 10)}
            </option>
          ))}
        </select>
      </div>

      {drafts.map((d) => {
        const f = draftFields(d);
        return (
          <div key={d.templateId} className="notice notice-warn" data-testid="draft-offer">
            <div className="notice-body">
              <p className="notice-message">
                Unsaved draft of “{f?.name ?? "a template"}” from {new Date(d.savedAt).toLocaleString()}.
              </p>
              <p className="notice-next">It was kept when the editor closed without saving (or the app stopped).</p>
            </div>
            <button type="button" className="btn btn-primary btn-small" data-testid="draft-restore" onClick={() => { restore(d); }}>
              Restore
            </button>
            <button type="button" className="btn btn-ghost btn-small" data-testid="draft-discard" onClick={() => { discard(d); }}>
              Discard
            </button>
          </div>
        );
      })}

      {templates === null ? (
        <p className="muted pad">Loading templates…</p>
      ) : templates.length === 0 ? (
        <p className="muted pad" data-testid="templates-empty">
          No templates for {eventTitle} yet. Create one to send tickets.
        </p>
      ) : (
        <ul className="template-list" data-testid="template-list">
          {templates.map((t) => (
            <li key={t.id} className="template-row">
              <button type="button" className="template-item" data-testid="template-item" data-id={t.id} onClick={() => void openTemplate(t)}>
                <span className="template-name">{t.name}</span>
                <span className="muted small template-subject">{t.subject ?? ""}</span>
                <span className="template-badges">
                  {t.attachPdf && <span className="badge">PDF</span>}
                  {t.fromAddress && <span className="badge">{t.fromAddress}</span>}
                </span>
              </button>
              <button
                type="button"
                className="btn btn-ghost btn-small"
                data-testid="template-delete"
                aria-label={`Delete template ${t.name}`}
                title="Delete template"
                onClick={() => {
                  setDeleting(t);
                }}
              >
                Delete…
              </button>
            </li>
          ))}
        </ul>
      )}
      {deleting && (
        <DeleteTemplateDialog
          template={deleting}
          api={api}
          onClose={() => {
            setDeleting(null);
          }}
          onDeleted={(id) => {
            setDeleting(null);
            setTemplates((ts) => ts?.filter((x) => x.id !== id) ?? null);
            setDrafts((ds) => ds.filter((d) => d.templateId !== id));
          }}
        />
      )}
    </div>
  );
}
