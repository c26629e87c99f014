// The Arrivals screen for one event: checked in / expected, arrivals per 5 minutes, the peak,
// email health, targeted resends (handed to the table's resend-to-selected) and the no-show
// list. Every number comes from Rust (core ops::arrivals); this only draws them. While open it
// asks again every REFRESH_MS; Rust answers from its cache and reloads at most every 30 s.
import { useCallback, useEffect, useRef, useState } from "react";
import { createPortal } from "react-dom";
import { useFullScreenMode } from "../useFullScreenMode";
import { errorBody, type ErrorBody, type EventRow } from "../../api";
import { ErrorNotice } from "../../components/ErrorNotice";
import { ArrivalsChart } from "./ArrivalsChart";
import { NoShows } from "./NoShows";
import { arrivalsApi as realApi, type ArrivalsApi, type ArrivalsReport, type ResendTarget } from "./api";
import "./arrivals.css";
import { formatCount } from "../../format";
import { formatTimeSeconds } from "../desk/format";
import { useFocusTrap } from "../useFocusTrap";

/** How often the open screen asks Rust again. */
export const REFRESH_MS = 10_000;

interface Props {
  event: EventRow;
  onClose: () => void;
  /** A targeted resend's attendees: the table selects them for resend-to-selected. */
  onSelect: (ids: string[]) => void;
  api?: ArrivalsApi;
}

const HEALTH: [keyof ArrivalsReport["health"], string][] = [
  ["sent", "Sent"],
  ["delivered", "Delivered"],
  ["opened", "Opened"],
  ["bounced", "Bounced"],
  ["failed", "Failed"],
  ["unknown", "Outcome unknown"],
  ["neverSent", "Never sent"],
];

const pct = (n: number, of: number) => (of === 0 ? 0 : Math.round((n / of) * 100));

export function ArrivalsScreen({ event, onClose, onSelect, api = realApi }: Props) {
  const dialogRef = useRef<HTMLDivElement>(null);
  useFocusTrap(dialogRef);
  const [report, setReport] = useState<ArrivalsReport | null>(null);
  const [error, setError] = useState<ErrorBody | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const headRef = useRef<HTMLHeadingElement>(null);

  const load = useCallback(
    (refresh: boolean) =>
      api.report(event.id, refresh).then(
        (r) => {
          setReport(r);
          setError(null);
        },
        (e: unknown) => {
          setError(errorBody(e));
        },
      ),
    [api, event.id],
  );

  useEffect(() => {
    void load(false);
    const t = setInterval(() => {
      void load(true);
    }, REFRESH_MS);
    return () => {
      clearInterval(t);
    };
  }, [load]);

  useFullScreenMode(onClose, headRef);

  const exportCsv = () => {
    setBusy(true);
    api
      .exportCsv(event.id)
      .then((w) => {
        setNote(w ? `Saved ${w.rows} rows to ${w.path}` : null);
        setError(null);
      })
      .catch((e: unknown) => {
        setError(errorBody(e));
      })
      .finally(() => {
        setBusy(false);
      });
  };

  const select = (target: ResendTarget) => {
    setBusy(true);
    api
      .select(event.id, target)
      .then(onSelect)
      .catch((e: unknown) => {
        setError(errorBody(e));
      })
      .finally(() => {
        setBusy(false);
      });
  };

  const r = report;
  return createPortal(
    <div className="arrivals-backdrop">
      <div className="arrivals" ref={dialogRef} role="dialog" aria-modal="true" aria-labelledby="arrivals-title" data-testid="arrivals">
        <div className="arrivals-head">
          <div>
            <h2 id="arrivals-title" tabIndex={-1} ref={headRef}>
              Arrivals · {event.title}
            </h2>
            <p className="muted small" data-testid="arrivals-asof">
              {r ? `Times in ${r.timeZoneId} · updated ${formatTimeSeconds(r.asOf)}` : "Loading…"}
              {r?.zoneNote ? ` · ${r.zoneNote}` : ""}
            </p>
            {r?.reloadNote && (
              <p className="muted small" data-testid="arrivals-reload-note" role="status">
                {r.reloadNote}
              </p>
            )}
          </div>
          <div className="pane-actions">
            <button type="button" className="btn btn-ghost btn-small" data-testid="arrivals-export" disabled={!r || busy} onClick={exportCsv}>
              Export CSV
            </button>
            <button type="button" className="btn btn-ghost btn-small" data-testid="arrivals-close" onClick={onClose}>
              Close (Esc)
            </button>
          </div>
        </div>
        {error && <ErrorNotice error={error} />}
        {note && (
          <p className="hint" data-testid="arrivals-saved" role="status">
            {note}
          </p>
        )}
        {r && (
          <>
            <div className="arrivals-stats">
              <div className="arrivals-stat" data-testid="arrivals-checked-in">
                <span className="arrivals-big">
                  {formatCount(r.checkedIn)} / {formatCount(r.expected)}
                </span>
                <span className="muted">checked in ({pct(r.checkedIn, r.expected)}%)</span>
              </div>
              <div className="arrivals-stat" data-testid="arrivals-no-shows">
                <span className="arrivals-big">{formatCount(r.noShows)}</span>
                <span className="muted">not checked in</span>
              </div>
              <div className="arrivals-stat" data-testid="arrivals-peak">
                <span className="arrivals-big">{r.peak ? r.peak.count : "—"}</span>
                <span className="muted">{r.peak ? `peak, ${r.peak.date} ${r.peak.time} (5 min)` : "no arrivals yet"}</span>
              </div>
            </div>
            {(r.untimed > 0 || r.earlier > 0) && (
              <p className="muted small">
                {r.untimed > 0 && `${r.untimed} checked in without a time (not in the chart). `}
                {r.earlier > 0 && `${r.earlier} arrived before the first slot shown.`}
              </p>
            )}
            <section className="arrivals-section" aria-labelledby="arrivals-chart-title">
              <h3 id="arrivals-chart-title">Arrivals per 5 minutes</h3>
              <ArrivalsChart buckets={r.buckets} peak={r.peak} zone={r.timeZoneId} />
            </section>
            <section className="arrivals-section" aria-labelledby="arrivals-health-title" data-testid="arrivals-health">
              <h3 id="arrivals-health-title">Email health</h3>
              <p className="muted small">Each attendee counted once, by the most recent email to them, from this computer’s delivery timeline.</p>
              <dl className="arrivals-health">
                {HEALTH.map(([k, label]) => (
                  <div key={k} className={`health-${k}`} data-testid={`health-${k}`}>
                    <dt>{label}</dt>
                    <dd>{formatCount(r.health[k])}</dd>
                  </div>
                ))}
              </dl>
            </section>
            <section className="arrivals-section" aria-labelledby="arrivals-resend-title">
              <h3 id="arrivals-resend-title">Resend to…</h3>
              <p className="muted small">Selects these attendees in the table; review and confirm there with “Resend to selected”.</p>
              <div className="arrivals-targets">
                {r.targets.map((t) => (
                  <button
                    key={t.target}
                    type="button"
                    className="btn btn-ghost btn-small"
                    data-testid={`target-${t.target}`}
                    disabled={busy || t.count === 0}
                    onClick={() => {
                      select(t.target);
                    }}
                  >
                    {t.label} ({formatCount(t.count)})
                  </button>
                ))}
              </div>
            </section>
            <NoShows eventId={event.id} api={api} version={r.asOf} />
          </>
        )}
      </div>
    </div>,
    document.body,
  );
}
