import { useEffect, useState } from "react";
import { errorBody, type ErrorBody } from "../../api";
import { ErrorNotice } from "../../components/ErrorNotice";
import { CopyButton } from "../CopyButton";
import type { CopyFn } from "../copy";
import { useAction, useLoad } from "../useAction";
import type { Diagnosis, UrlCheck, WebhookApi, WebhookEventRecord, WebhookFeed, WebhookOverview } from "./api";
import { formatInstantSeconds } from "../desk/format";
import "../domain/domain.css";
import "./webhooks.css";

interface Props {
  api: WebhookApi;
  copy?: CopyFn;
  /** Fallback feed refresh; deliveries are pushed as `webhook-feed` events (tests use a short one). */
  pollMs?: number;
}

export function WebhooksView({ api, copy, pollMs = 15_000 }: Props) {
  const [o, setO] = useState<WebhookOverview | null>(null);
  const { error, setError, busy, run } = useAction();
  const [revealed, setRevealed] = useState<string | null>(null);
  const [confirmRotate, setConfirmRotate] = useState(false);

  useLoad(api, () => api.overview(), setO, setError);

  const update = (what: string, f: () => Promise<WebhookOverview>) => {
    void run(what, async () => {
      setO(await f());
      setRevealed(null);
      setConfirmRotate(false);
    });
  };

  return (
    <section className="webhooks" data-testid="webhooks-view">
      <header className="wh-head">
        <div>
          <h1>Webhooks</h1>
          <p className="muted">Qflow posts signed events (sent, delivered, opened, bounced…) to one URL. This is how you see what happened to each email.</p>
        </div>
        {o?.demo && <span className="status-pill st-wait">Demo: wired to the built-in receiver</span>}
      </header>
      {error && (
        <ErrorNotice
          error={error}
          onDismiss={() => {
            setError(null);
          }}
        />
      )}
      {o?.message && (
        <p className="info-box" data-testid="webhook-message">
          {o.message}
        </p>
      )}
      {!o ? (
        !error && <p className="muted">Loading…</p>
      ) : (
        <>
          <div className="wh-grid">
            <div className="card">
              <h2>Receiver URL</h2>
              <p data-testid="webhook-url">
                {o.url ? <code>{o.url}</code> : <span className="muted">No webhook configured: Qflow sends no events.</span>}
              </p>
              <UrlForm api={api} demo={o.demo} busy={busy !== null} onSet={(url, confirm) => { update("set", () => api.set(url, confirm)); }} />
            </div>
            <div className="card">
              <h2>Signing secret</h2>
              <p data-testid="webhook-secret-state">
                {o.secretStored
                  ? o.secretInMemoryOnly
                    ? "Held in memory for this demo session only (not in the keychain); gone when the app closes."
                    : "Stored in the system keychain. It is never shown unless you reveal it."
                  : "No secret stored: set the URL or rotate to get one."}
              </p>
              {revealed ? (
                <div className="secret-box" data-testid="webhook-secret-revealed">
                  <code>{revealed}</code>
                  <CopyButton text={revealed} what="webhook secret" copy={copy} testId="copy-secret" />
                  <p className="hint">Shown once. Paste it into your receiver's configuration, then leave this screen.</p>
                </div>
              ) : (
                o.revealAvailable && (
                  <button
                    type="button"
                    className="btn btn-ghost"
                    data-testid="webhook-reveal"
                    disabled={busy !== null}
                    onClick={() => {
                      void run("reveal", async () => {
                        setRevealed((await api.revealSecret()).secret);
                        setO({ ...o, revealAvailable: false });
                      });
                    }}
                  >
                    Reveal once to copy…
                  </button>
                )
              )}
              <div className="domain-actions">
                <button
                  type="button"
                  className="btn btn-secondary"
                  data-testid="webhook-rotate"
                  disabled={busy !== null || !o.url}
                  onClick={() => {
                    setConfirmRotate(true);
                  }}
                >
                  Rotate…
                </button>
                <button type="button" className="btn btn-secondary" data-testid="webhook-test" disabled={busy !== null || !o.url} onClick={() => { update("test", api.test); }}>
                  {busy === "test" ? "Sending…" : "Send test event"}
                </button>
                <button type="button" className="btn btn-danger-solid" data-testid="webhook-delete" disabled={busy !== null || !o.url} onClick={() => { update("delete", api.remove); }}>
                  Delete
                </button>
              </div>
              {confirmRotate && (
                <div className="confirm-box" role="alertdialog" aria-labelledby="webhook-rotate-text" data-testid="webhook-rotate-confirm">
                  <p id="webhook-rotate-text">
                    The current secret stops working at once: a receiver still using it rejects every event until it has
                    the new one. The new secret is stored {o.secretInMemoryOnly ? "in memory (demo)" : "in the keychain"} and
                    a test event is sent.
                  </p>
                  <div className="domain-actions">
                    <button type="button" className="btn btn-danger-solid" data-testid="webhook-rotate-yes" onClick={() => { update("rotate", api.rotate); }}>
                      Rotate now
                    </button>
                    <button
                      type="button"
                      className="btn btn-ghost"
                      onClick={() => {
                        setConfirmRotate(false);
                      }}
                    >
                      Cancel
                    </button>
                  </div>
                </div>
              )}
            </div>
          </div>
          <Receiver o={o} busy={busy !== null} onStart={(p) => { update("start", () => api.receiverStart(p)); }} onStop={() => { update("stop", api.receiverStop); }} />
          <Feed api={api} pollMs={pollMs} />
          <Checker api={api} hasStored={o.secretStored} />
        </>
      )}
    </section>
  );
}

function UrlForm({ api, demo, busy, onSet }: { api: WebhookApi; demo: boolean; busy: boolean; onSet: (url: string, confirm: boolean) => void }) {
  const [url, setUrl] = useState("");
  const [checked, setCheck] = useState<UrlCheck | null>(null);
  const [confirm, setConfirm] = useState(false);
  useEffect(() => {
    if (!url.trim()) return;
    let live = true;
    const t = window.setTimeout(() => {
      api.urlCheck(url).then(
        (c) => {
          if (live) setCheck(c);
        },
        () => {
          if (live) setCheck(null);
        },
      );
    }, 200);
    return () => {
      live = false;
      window.clearTimeout(t);
    };
  }, [api, url]);
  const check = url.trim() ? checked : null;
  return (
    <form
      className="url-form"
      onSubmit={(e) => {
        e.preventDefault();
        onSet(url, confirm);
      }}
    >
      <div className={`field${check?.problem ? " field-invalid" : ""}`}>
        <label htmlFor="webhook-url-input">New URL (https://{demo ? ", or http:// to this computer in the demo" : ""})</label>
        <input
          id="webhook-url-input"
          data-testid="webhook-url-input"
          value={url}
          placeholder="https://hooks.yourbrand.com/qflow"
          spellCheck={false}
          onChange={(e) => {
            setUrl(e.target.value);
            setConfirm(false);
          }}
        />
        {check?.problem && <span className="field-error">{check.problem}</span>}
        {check?.warning && (
          <label className="warn" data-testid="webhook-url-warning">
            <input
              type="checkbox"
              checked={confirm}
              onChange={(e) => {
                setConfirm(e.target.checked);
              }}
            />{" "}
            {check.warning} Set it anyway.
          </label>
        )}
      </div>
      <p className="hint">Setting a URL issues a new secret; the previous one stops working.</p>
      <button type="submit" className="btn btn-primary" data-testid="webhook-set" disabled={busy || !check?.ok || (!!check.warning && !confirm)}>
        Set URL
      </button>
    </form>
  );
}

function Receiver({ o, busy, onStart, onStop }: { o: WebhookOverview; busy: boolean; onStart: (port: number) => void; onStop: () => void }) {
  const [port, setPort] = useState("8787");
  return (
    <div className="card" data-testid="receiver">
      <h2>Built-in receiver</h2>
      <p className="muted">
        A local listener that checks each event's signature (constant time), drops retries of the same event id, and
        stores every event on this computer before answering. A signed event that arrives after the 300 s window (Qflow
        retrying after the receiver was down) is kept and marked late. Off by default; put your reverse proxy or tunnel
        in front of it.
      </p>
      {o.receiver.running ? (
        <p data-testid="receiver-running">
          Listening on <code>{o.receiver.localUrl}</code>{" "}
          {!o.demo && (
            <button type="button" className="btn btn-ghost btn-small" disabled={busy} onClick={onStop}>
              Stop
            </button>
          )}
        </p>
      ) : (
        <div className="domain-actions">
          <label>
            Port{" "}
            <input
              className="port-input"
              value={port}
              inputMode="numeric"
              onChange={(e) => {
                setPort(e.target.value);
              }}
            />
          </label>
          <button type="button" className="btn btn-secondary" data-testid="receiver-start" disabled={busy || !/^\d{1,5}$/.test(port)} onClick={() => { onStart(Number(port)); }}>
            Start receiver
          </button>
        </div>
      )}
    </div>
  );
}

function Feed({ api, pollMs }: { api: WebhookApi; pollMs: number }) {
  const [type, setType] = useState("");
  const [feed, setFeed] = useState<WebhookFeed | null>(null);
  const [error, setError] = useState<ErrorBody | null>(null);
  useEffect(() => {
    let live = true;
    const load = () => {
      api.feed(type || null).then(
        (f) => {
          if (live) {
            setFeed(f);
            setError(null);
          }
        },
        (e: unknown) => {
          if (live) setError(errorBody(e));
        },
      );
    };
    load();
    // Each delivery is pushed from Rust; the slow poll only catches what a push may have missed.
    // A burst of deliveries costs one reload per 250 ms, not one per event.
    let unlisten: (() => void) | null = null;
    let soon: number | null = null;
    const onPush = () => {
      soon ??= window.setTimeout(() => {
        soon = null;
        load();
      }, 250);
    };
    api.onFeed(onPush).then(
      (f) => {
        if (live) unlisten = f;
        else f();
      },
      () => undefined,
    );
    const t = window.setInterval(load, pollMs);
    return () => {
      live = false;
      unlisten?.();
      if (soon !== null) window.clearTimeout(soon);
      window.clearInterval(t);
    };
  }, [api, type, pollMs]);
  return (
    <div className="card" data-testid="webhook-feed">
      <div className="feed-head">
        <h2>Live events</h2>
        <label>
          Show{" "}
          <select
            data-testid="feed-filter"
            value={type}
            onChange={(e) => {
              setType(e.target.value);
            }}
          >
            <option value="">all events</option>
            {feed?.eventTypes.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </label>
        <span className="muted">{feed ? `${String(feed.total)} stored` : ""}</span>
      </div>
      {error && <ErrorNotice error={error} />}
      {feed && feed.rejected.length > 0 && (
        <p className="record-reason" data-testid="feed-rejected">
          {feed.rejected.length} delivery(ies) rejected (401). Latest: {feed.rejected[0]?.reason} — {feed.rejected[0]?.detail}
        </p>
      )}
      {feed && feed.events.length === 0 ? (
        <p className="muted" data-testid="feed-empty">
          No events yet. Send a test event, or resend a ticket and watch sent → delivered → opened arrive.
        </p>
      ) : (
        <table className="feed-table">
          <thead>
            <tr>
              <th>Time</th>
              <th>Event</th>
              <th>Status</th>
              <th>Attendee</th>
              <th>Correlation id</th>
            </tr>
          </thead>
          <tbody>
            {feed?.events.map((e) => (
              <tr key={e.id} data-testid="feed-row" data-event={e.eventType} data-arrival={e.arrival}>
                <td>
                  {e.timestamp ? formatInstantSeconds(new Date(e.timestamp * 1000).toISOString()) : formatInstantSeconds(e.receivedAt)}
                  <ArrivalBadge e={e} />
                </td>
                <td>
                  <span className={`ev ev-${e.eventType.replace("comms.", "")}`}>{e.eventType}</span>
                  {!e.knownType && <span className="muted"> (new type)</span>}
                </td>
                <td>
                  {e.status ?? "—"}
                  {e.error && <span className="muted"> ({e.error})</span>}
                </td>
                <td className="mono">{e.attendeeId ? e.attendeeId.slice(0, 8) + "…" : "—"}</td>
                <td>{e.correlationId ?? "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

/** Kept although it came late (a retry after the receiver was down) or ahead of this computer's clock. */
function ArrivalBadge({ e }: { e: WebhookEventRecord }) {
  if (e.arrival === "on_time") return null;
  return (
    <div className="arrival" data-testid="feed-arrival" data-arrival={e.arrival}>
      <span className={`arrival-badge arrival-${e.arrival}`}>{e.arrival === "late" ? "Late" : "Clock skew"}</span>{" "}
      <span className="muted">{e.arrivalNote}</span>
    </div>
  );
}

function Checker({ api, hasStored }: { api: WebhookApi; hasStored: boolean }) {
  const [body, setBody] = useState("");
  const [signature, setSignature] = useState("");
  const [timestamp, setTimestamp] = useState("");
  const [secret, setSecret] = useState("");
  const [useStored, setUseStored] = useState(hasStored);
  const [d, setD] = useState<Diagnosis | null>(null);
  const [error, setError] = useState<ErrorBody | null>(null);
  return (
    <form
      className="card checker"
      data-testid="sig-checker"
      onSubmit={(e) => {
        e.preventDefault();
        setError(null);
        api.diagnose({ body, signature, timestamp, secret: useStored ? null : secret, useStored }).then(setD, (x: unknown) => {
          setD(null);
          setError(errorBody(x));
        });
      }}
    >
      <h2>Signature checker</h2>
      <p className="muted">Paste a delivery your own receiver rejected: the raw body exactly as received, and the two headers.</p>
      <div className="field">
        <label htmlFor="sig-body">Raw body</label>
        <textarea id="sig-body" data-testid="sig-body" rows={4} value={body} onChange={(e) => { setBody(e.target.value); }} spellCheck={false} />
      </div>
      <div className="grid-2">
        <div className="field">
          <label htmlFor="sig-signature">X-Qflow-Signature</label>
          <input id="sig-signature" data-testid="sig-signature" value={signature} onChange={(e) => { setSignature(e.target.value); }} spellCheck={false} />
        </div>
        <div className="field">
          <label htmlFor="sig-timestamp">X-Qflow-Timestamp</label>
          <input id="sig-timestamp" data-testid="sig-timestamp" value={timestamp} onChange={(e) => { setTimestamp(e.target.value); }} />
        </div>
      </div>
      <label className="use-stored">
        <input type="checkbox" checked={useStored} disabled={!hasStored} onChange={(e) => { setUseStored(e.target.checked); }} /> Use the stored secret
      </label>
      {!useStored && (
        <div className="field">
          <label htmlFor="sig-secret">Secret</label>
          <input id="sig-secret" type="password" autoComplete="off" value={secret} onChange={(e) => { setSecret(e.target.value); }} />
        </div>
      )}
      <button type="submit" className="btn btn-primary" data-testid="sig-check">
        Check
      </button>
      {error && <ErrorNotice error={error} />}
      {d && (
        <div className={`verdict ${d.verdict.valid ? "verdict-ok" : "verdict-bad"}`} data-testid="sig-verdict" data-valid={String(d.verdict.valid)}>
          <strong>{d.verdict.valid ? "Valid" : `Invalid: ${d.verdict.reason ?? ""}`}</strong> — {d.verdict.detail}
          {d.findings.length > 0 && (
            <ul>
              {d.findings.map((f) => (
                <li key={f.code + f.message} data-testid="sig-finding" data-code={f.code}>
                  {f.message}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </form>
  );
}
