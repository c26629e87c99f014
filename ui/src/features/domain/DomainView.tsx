import { useCallback, useEffect, useState } from "react";
import { errorBody } from "../../api";
import { ErrorNotice } from "../../components/ErrorNotice";
import { CopyButton } from "../CopyButton";
import type { CopyFn } from "../copy";
import { useAction, useLoad } from "../useAction";
import type {
  ChecklistRecord,
  DomainApi,
  DomainExport,
  DomainGlance,
  DomainInput,
  DomainView as View,
  PrecheckReport,
  RecordCheck,
  RecordReason,
} from "./api";
import { RecheckPanel, type RecheckShown } from "./Recheck";
import type { RecheckApi, RecheckUpdate } from "./recheck";
import "./domain.css";

const GLANCE: Record<DomainGlance, { text: string; cls: string }> = {
  not_set_up: { text: "Not set up", cls: "st-muted" },
  waiting_for_dns: { text: "Waiting for DNS", cls: "st-wait" },
  verified: { text: "Verified", cls: "st-ok" },
  disabled: { text: "Disabled", cls: "st-muted" },
};

export function GlanceBadge({ status }: { status: DomainGlance }) {
  const g = GLANCE[status];
  return (
    <span className={`status-pill ${g.cls}`} data-testid="domain-status" data-status={status}>
      {g.text}
    </span>
  );
}

const CHECK_TEXT: Record<RecordCheck["status"], string> = {
  ok: "Found, correct",
  missing: "Nothing published yet",
  wrong_target: "Points to the wrong target",
  a_record_instead: "Address record instead of CNAME",
  zone_appended_twice: "Domain appended twice",
  trailing_dot_issue: "Final dot missing on the value",
  proxied: "Proxied (Cloudflare orange cloud)",
  lookup_failed: "Could not look it up",
  not_checked: "Not checked",
};

type HostForm = "relative" | "full";
type Confirm = "deactivate" | "delete" | null;

interface Props {
  api: DomainApi;
  copy?: CopyFn;
  /** The background recheck (absent: the screen only checks when asked). */
  recheck?: RecheckApi;
}

export function DomainView({ api, copy, recheck }: Props) {
  const [view, setView] = useState<View | null>(null);
  const { error, setError, busy, run } = useAction();
  const [message, setMessage] = useState<string | null>(null);
  const [precheck, setPrecheck] = useState<PrecheckReport | null>(null);
  const [reasons, setReasons] = useState<RecordReason[] | null>(null);
  const [form, setForm] = useState<HostForm>("relative");
  const [confirm, setConfirm] = useState<Confirm>(null);
  const [exported, setExported] = useState<DomainExport | null>(null);
  const [rechecking, setRechecking] = useState<RecheckShown | null>(null);
  const [banner, setBanner] = useState<string | null>(null);

  // Newest update wins (the answer to start can land after the first event).
  const applyRecheck = useCallback((u: RecheckUpdate) => {
    setRechecking((prev) => (prev && prev.u.seq > u.seq ? prev : { u, at: Date.now() }));
    const next = u.view;
    if (next) {
      setView((prev) => (prev && prev.domain === next.domain && u.phase !== "off" ? { ...next, notice: prev.notice } : prev));
    }
    if (u.reasons && u.phase !== "off") setReasons(u.reasons);
    if (u.verifiedBanner) {
      setBanner(u.verifiedBanner);
      setMessage(null); // the banner says what matters now
    }
  }, []);

  useEffect(() => {
    if (!recheck) return;
    let live = true;
    let unlisten: (() => void) | null = null;
    recheck.onUpdate(applyRecheck).then(
      (f) => {
        if (live) unlisten = f;
        else f();
      },
      () => {
        // Without the event the screen still works; Verify answers directly.
      },
    );
    return () => {
      live = false;
      unlisten?.();
      recheck.leave().catch(() => undefined);
    };
  }, [recheck, applyRecheck]);

  const waitingForDns = view?.status === "waiting_for_dns";
  const domainName = view?.domain;
  useEffect(() => {
    if (!recheck || !waitingForDns || !domainName) return;
    let live = true;
    recheck.start(true).then(
      (u) => {
        if (live) applyRecheck(u);
      },
      (e: unknown) => {
        if (live) setError(errorBody(e));
      },
    );
    return () => {
      live = false;
    };
  }, [recheck, waitingForDns, domainName, applyRecheck, setError]);

  useLoad(api, () => api.get(), setView, setError);

  const reset = (v: View, msg: string | null) => {
    setView(v);
    setMessage(msg);
    setPrecheck(null);
    setReasons(null);
    setExported(null);
    setConfirm(null);
  };

  const action = (what: string, f: () => Promise<{ view: View; reasons: RecordReason[]; message: string }>) => {
    void run(what, async () => {
      const r = await f();
      setView(r.view);
      setReasons(r.reasons);
      setMessage(r.message);
      setConfirm(null);
    });
  };

  if (!view) {
    return (
      <section className="domain" data-testid="domain-view">
        <h1>Sending domain</h1>
        {error ? <ErrorNotice error={error} /> : <p className="muted">Loading…</p>}
      </section>
    );
  }

  return (
    <section className="domain" data-testid="domain-view">
      <header className="domain-head">
        <div>
          <h1>Sending domain</h1>
          <p className="muted">
            Send from your own domain instead of the default sender (support@qflow.email): three CNAME records at your DNS
            provider, then one verify.
          </p>
        </div>
        <GlanceBadge status={view.status} />
      </header>
      {error && (
        <ErrorNotice
          error={error}
          onDismiss={() => {
            setError(null);
          }}
        />
      )}
      {view.notice && (
        <p className="info-box" data-testid="domain-notice">
          {view.notice}
        </p>
      )}
      {banner && view.status === "verified" && (
        <div className="verified-banner" role="status" data-testid="domain-verified-banner">
          <strong>✓ {banner}</strong>
          <span> — Qflow confirmed the three records; emails can now come from your domain.</span>
        </div>
      )}
      {message && (
        <p className="info-box" data-testid="domain-message">
          {message}
        </p>
      )}

      {view.status === "not_set_up" || !view.domain ? (
        <Wizard
          api={api}
          busy={busy === "create"}
          onCreate={(d) => {
            void run("create", async () => {
              reset(await api.create(d), null);
            });
          }}
        />
      ) : (
        <>
          <div className="domain-name" data-testid="domain-name">
            <strong>{view.domainUnicode}</strong>
            {view.domainUnicode !== view.domain && <span className="muted"> (in DNS: {view.domain})</span>}
          </div>
          <HostFormPicker form={form} setForm={setForm} />
          <Checklist
            records={view.records}
            form={form}
            checks={precheck?.checks ?? null}
            reasons={reasons}
            copy={copy}
          />
          {precheck?.provider && (
            <div className="info-box" data-testid="provider-tip">
              <strong>Your DNS is at {precheck.provider.name}.</strong> {precheck.provider.tip}
            </div>
          )}
          {precheck && (
            <p className="muted" data-testid="precheck-summary">
              {precheck.allOk
                ? "All three records are published correctly where this computer looks. Verify with Qflow next."
                : "Local DNS check: fix the records marked above, wait a few minutes, and check again."}
            </p>
          )}
          <div className="domain-actions">
            <button
              type="button"
              className="btn btn-secondary"
              data-testid="domain-precheck"
              disabled={busy !== null}
              onClick={() => {
                void run("precheck", async () => {
                  setPrecheck(await api.precheck());
                });
              }}
            >
              {busy === "precheck" ? "Checking DNS…" : "Check DNS"}
            </button>
            <button
              type="button"
              className="btn btn-primary"
              data-testid="domain-verify"
              disabled={busy !== null}
              onClick={() => {
                action("verify", api.verify);
              }}
            >
              {busy === "verify" ? "Asking Qflow…" : "Verify with Qflow"}
            </button>
            {view.demo && !view.verified && (
              <button
                type="button"
                className="btn btn-ghost"
                data-testid="domain-demo-publish"
                disabled={busy !== null}
                title="Demo only: the sandbox pretends your DNS admin published the records"
                onClick={() => {
                  void run("publish", async () => {
                    setView(await api.demoPublishDns());
                    setMessage(
                      recheck
                        ? "Demo: the sandbox now sees the three records as published. Check DNS or verify, or just wait: the app asks Qflow again on its own."
                        : "Demo: the sandbox now sees the three records as published. Check DNS or verify.",
                    );
                  });
                }}
              >
                Demo: publish the records for me
              </button>
            )}
          </div>
          {recheck && rechecking && (waitingForDns || rechecking.u.phase !== "off") && (
            <RecheckPanel
              shown={rechecking}
              busy={busy !== null}
              onCheckNow={() => {
                void run("recheck", async () => {
                  applyRecheck(await recheck.now());
                });
              }}
              onToggle={(on) => {
                void run("background", async () => {
                  applyRecheck(await recheck.setBackground(on));
                });
              }}
            />
          )}
          <Lifecycle
            view={view}
            busy={busy}
            confirm={confirm}
            setConfirm={setConfirm}
            onActivate={() => {
              action("activate", api.activate);
            }}
            onDeactivate={() => {
              action("deactivate", api.deactivate);
            }}
            onDelete={() => {
              void run("delete", async () => {
                reset(await api.remove(), null);
              });
            }}
          />
          <section className="dns-admin">
            <h2>Send to my DNS admin</h2>
            <p className="muted">Instructions, a zone-file snippet and a CSV with both host forms, ready to paste into an email or ticket.</p>
            {!exported ? (
              <button
                type="button"
                className="btn btn-secondary"
                data-testid="domain-export"
                disabled={busy !== null}
                onClick={() => {
                  void run("export", async () => {
                    setExported(await api.exportRecords());
                  });
                }}
              >
                Prepare instructions
              </button>
            ) : (
              <Exports exported={exported} copy={copy} />
            )}
          </section>
        </>
      )}
    </section>
  );
}

function Wizard({ api, busy, onCreate }: { api: DomainApi; busy: boolean; onCreate: (d: string) => void }) {
  const [text, setText] = useState("");
  const [checked, setInput] = useState<DomainInput | null>(null);
  const [problemText, setProblem] = useState<string | null>(null);
  useEffect(() => {
    if (!text.trim()) return;
    let live = true;
    const t = window.setTimeout(() => {
      api.validate(text).then(
        (d) => {
          if (live) {
            setInput(d);
            setProblem(null);
          }
        },
        (e: unknown) => {
          if (live) {
            setInput(null);
            setProblem(errorBody(e).message);
          }
        },
      );
    }, 200);
    return () => {
      live = false;
      window.clearTimeout(t);
    };
  }, [api, text]);
  // Stale results for an emptied box are not shown.
  const input = text.trim() ? checked : null;
  const problem = text.trim() ? problemText : null;
  return (
    <form
      className="domain-wizard"
      data-testid="domain-wizard"
      onSubmit={(e) => {
        e.preventDefault();
        onCreate(text);
      }}
    >
      <h2>1. Your domain</h2>
      <div className={`field${problem ? " field-invalid" : ""}`}>
        <label htmlFor="domain-input">Domain emails should come from (the apex, e.g. yourbrand.com)</label>
        <input
          id="domain-input"
          data-testid="domain-input"
          value={text}
          placeholder="yourbrand.com"
          autoComplete="off"
          spellCheck={false}
          onChange={(e) => {
            setText(e.target.value);
          }}
        />
        {problem && (
          <span className="field-error" data-testid="domain-input-problem">
            {problem}
          </span>
        )}
        {input?.isIdn && (
          <span className="hint" data-testid="domain-idn">
            Shown as {input.unicode}; DNS and Qflow use {input.ascii}.
          </span>
        )}
      </div>
      <button type="submit" className="btn btn-primary" data-testid="domain-create" disabled={busy || !input}>
        {busy ? "Creating…" : "Create the DNS records"}
      </button>
    </form>
  );
}

function HostFormPicker({ form, setForm }: { form: HostForm; setForm: (f: HostForm) => void }) {
  return (
    <fieldset className="host-form" data-testid="host-form">
      <legend>Host names as your DNS provider wants them</legend>
      <label>
        <input
          type="radio"
          name="host-form"
          checked={form === "relative"}
          data-testid="host-form-relative"
          onChange={() => {
            setForm("relative");
          }}
        />
        <span>
          Relative to the zone (<code>em1234</code>) — when the host box already shows your domain after it
          (Cloudflare, GoDaddy, Namecheap, Route 53, most web panels)
        </span>
      </label>
      <label>
        <input
          type="radio"
          name="host-form"
          checked={form === "full"}
          data-testid="host-form-full"
          onChange={() => {
            setForm("full");
          }}
        />
        <span>
          Full name (<code>em1234.yourbrand.com</code>) — when the provider asks for the complete name
        </span>
      </label>
    </fieldset>
  );
}

function Checklist({
  records,
  form,
  checks,
  reasons,
  copy,
}: {
  records: ChecklistRecord[];
  form: HostForm;
  checks: RecordCheck[] | null;
  reasons: RecordReason[] | null;
  copy?: CopyFn;
}) {
  const unmatched = reasons?.filter((r) => !r.host && !r.valid) ?? [];
  return (
    <>
      <ol className="checklist" data-testid="checklist">
        {records.map((r, i) => {
          const check = checks?.find((c) => c.host === r.fullHost);
          const reason = reasons?.find((x) => x.host === r.fullHost);
          const host = form === "relative" ? r.relativeHost : r.fullHost;
          const done = check?.status === "ok" || r.valid || (reasons !== null && !reason);
          return (
            <li key={r.fullHost} className={`record${done ? " record-done" : ""}`} data-testid="checklist-record" data-host={r.fullHost}>
              <div className="record-head">
                <span className="record-tick" aria-hidden="true">
                  {done ? "✓" : i + 1}
                </span>
                <span className="record-type">{r.recordType}</span>
                <span className="muted">{r.reasonName === "mail_cname" ? "mail routing" : "DKIM signing"}</span>
              </div>
              <dl className="record-fields">
                <dt>Host</dt>
                <dd>
                  <code data-testid="record-host">{host}</code>
                  <CopyButton text={host} what={`host of record ${i + 1}`} copy={copy} testId="copy-host" />
                  {r.unicodeHost !== r.fullHost && form === "full" && <span className="muted"> ({r.unicodeHost})</span>}
                </dd>
                <dt>Value</dt>
                <dd>
                  <code data-testid="record-value">{r.value}</code>
                  <CopyButton text={r.value} what={`value of record ${i + 1}`} copy={copy} testId="copy-value" />
                  <span className="hint"> zone-file style tools: end it with a dot</span>
                </dd>
              </dl>
              {check && (
                <div className={`record-check check-${check.status}`} data-testid="record-check" data-status={check.status}>
                  <strong>{CHECK_TEXT[check.status]}</strong>
                  {check.found && <span className="muted"> — found {check.found}</span>}
                  {check.status !== "ok" && <p>{check.advice}</p>}
                </div>
              )}
              {reason && (
                <div className={`record-reason${reason.valid ? " reason-ok" : ""}`} data-testid="record-reason">
                  <strong>Qflow says ({reason.name}):</strong> {reason.reason ?? (reason.valid ? "valid" : "not valid yet")}
                </div>
              )}
            </li>
          );
        })}
      </ol>
      {unmatched.map((r) => (
        <p key={r.name} className="record-reason" data-testid="record-reason-other">
          <strong>Qflow says ({r.name}):</strong> {r.reason ?? "not valid yet"}
        </p>
      ))}
    </>
  );
}

function Lifecycle({
  view,
  busy,
  confirm,
  setConfirm,
  onActivate,
  onDeactivate,
  onDelete,
}: {
  view: View;
  busy: string | null;
  confirm: Confirm;
  setConfirm: (c: Confirm) => void;
  onActivate: () => void;
  onDeactivate: () => void;
  onDelete: () => void;
}) {
  return (
    <section className="lifecycle">
      <h2>Sending from {view.domainUnicode}</h2>
      <ul className="consequences muted">
        <li>
          <strong>Activate</strong> turns sending from your domain back on without a DNS recheck. Qflow refuses it (409
          domain_not_verified) until a verify has succeeded once.
        </li>
        <li>
          <strong>Deactivate</strong> keeps the setup but sends fall back to the default sender at once — useful when you
          suspect DNS problems hurt deliverability.
        </li>
        <li>
          <strong>Delete</strong> removes the domain here and at SendGrid; setting it up again gives new records to
          publish. Only one domain per account: creating another while one exists is refused (409
          domain_already_configured).
        </li>
      </ul>
      <div className="domain-actions">
        <button type="button" className="btn btn-secondary" data-testid="domain-activate" disabled={busy !== null || view.enabled} onClick={onActivate}>
          Activate
        </button>
        <button
          type="button"
          className="btn btn-secondary"
          data-testid="domain-deactivate"
          disabled={busy !== null || !view.enabled}
          onClick={() => {
            setConfirm("deactivate");
          }}
        >
          Deactivate…
        </button>
        <button
          type="button"
          className="btn btn-danger-solid"
          data-testid="domain-delete"
          disabled={busy !== null}
          onClick={() => {
            setConfirm("delete");
          }}
        >
          Delete…
        </button>
      </div>
      {confirm && (
        <div className="confirm-box" role="alertdialog" aria-labelledby="domain-confirm-text" data-testid="domain-confirm">
          <p id="domain-confirm-text">
            {confirm === "deactivate"
              ? `Deactivate ${view.domainUnicode ?? ""}? Emails will come from support@qflow.email until you activate again; templates with a From address on your domain keep working but send from the default sender.`
              : `Delete ${view.domainUnicode ?? ""}? Sends fall back to the default sender, and setting up a domain again means new DNS records for your DNS admin.`}
          </p>
          <div className="domain-actions">
            <button type="button" className="btn btn-danger-solid" data-testid="domain-confirm-yes" onClick={confirm === "delete" ? onDelete : onDeactivate}>
              {confirm === "delete" ? "Delete the domain" : "Deactivate"}
            </button>
            <button
              type="button"
              className="btn btn-ghost"
              onClick={() => {
                setConfirm(null);
              }}
            >
              Keep it
            </button>
          </div>
        </div>
      )}
    </section>
  );
}

function Exports({ exported, copy }: { exported: DomainExport; copy?: CopyFn }) {
  const [tab, setTab] = useState<"text" | "bind" | "csv">("text");
  const text = tab === "text" ? exported.plainText : tab === "bind" ? exported.bind : exported.csv;
  return (
    <div className="exports" data-testid="domain-exports">
      <div className="tabs">
        <div className="tab-list" role="tablist" aria-label="Export format">
          {(
            [
              ["text", "Email text"],
              ["bind", "BIND zone file"],
              ["csv", "CSV"],
            ] as const
          ).map(([id, label]) => (
            <button
              key={id}
              type="button"
              role="tab"
              aria-selected={tab === id}
              className={`tab${tab === id ? " tab-active" : ""}`}
              data-testid={`export-tab-${id}`}
              onClick={() => {
                setTab(id);
              }}
            >
              {label}
            </button>
          ))}
        </div>
        <CopyButton text={text} what="these instructions" copy={copy} testId="copy-export" />
      </div>
      <textarea className="export-text" readOnly value={text} rows={12} aria-label="DNS records to send" data-testid="export-text" />
    </div>
  );
}
