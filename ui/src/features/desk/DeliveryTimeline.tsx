import type { HistoryItem } from "./api";
import { formatInstantSeconds, formatTimeSeconds, STATUS_LABEL, statusClass } from "./format";
import { EVENT_LABEL, plainReason } from "./reasons";

/** The events' time alone when on the request's day, else with the date. */
function eventTime(iso: string, requested: string): string {
  return new Date(iso).toDateString() === new Date(requested).toDateString() ? formatTimeSeconds(iso) : formatInstantSeconds(iso);
}

/** The send request's own result. */
const RESULT: Record<string, string> = {
  queued: "Queued by Qflow",
  pending: "Sending… (waiting for Qflow’s answer)",
  error: "Refused by Qflow",
  outcome_unknown: "Outcome unknown: no answer from Qflow (it may have been sent)",
};

/** How Qflow's event was tied to this attendee (shown on hover). */
const MATCHED: Record<string, string> = {
  attendeeId: "Tied to this attendee by the event's attendeeId",
  attendeeInvitationId: "Tied to this attendee by the send's attendeeInvitationId",
  correlationId: "Tied to this attendee by the correlation id this app sent",
};

/** The request's result, or for an unknown outcome that Qflow's events settled, what settled it. */
function result(h: HistoryItem): string {
  const s = h.settled;
  if (!s) return RESULT[h.status] ?? h.status;
  const what = `Qflow reported ${s.event.replace("_", " ")} at ${eventTime(s.at, h.at)}`;
  return s.sent ? `Outcome unknown → confirmed sent: ${what}` : `Outcome unknown → settled, Qflow took it but did not deliver it: ${what}`;
}

/** What to expect next while no event has come in. */
function waiting(h: HistoryItem): string | null {
  if (h.events.length > 0 || h.kind !== "send") return null;
  if (h.status === "queued") return "Waiting for Qflow's events: “sent” usually comes within seconds, “delivered” within a minute or two.";
  if (h.status === "outcome_unknown") return "If it was sent, Qflow's events will show it here.";
  return null;
}

/** One attendee's sends, newest first, each with the delivery events Qflow reported about it. */
export function DeliveryTimeline({ history }: { history: HistoryItem[] }) {
  if (history.length === 0) {
    return (
      <p className="muted small" data-testid="history-empty">
        No sends to this attendee yet (from this app, or reported by Qflow’s webhooks).
      </p>
    );
  }
  return (
    <ol className="timeline" data-testid="history">
      {history.map((h, i) => {
        const state = h.delivery ?? h.status;
        const hint = waiting(h);
        return (
          <li key={`${h.at}-${String(i)}`} className="tl-send" data-testid="history-item" data-status={h.status} data-delivery={h.delivery ?? ""}>
            <div className="tl-head">
              <span className={`send-status ${statusClass(state)}`} data-testid="history-state">
                {STATUS_LABEL[state] ?? state}
              </span>
              <strong className="tl-template">{h.templateName ?? (h.kind === "send" ? "Template" : "Email")}</strong>
            </div>
            <div className="muted small">
              {h.kind === "send" ? (
                <>
                  Requested {formatInstantSeconds(h.at)} from this app ·{" "}
                  <span data-testid="history-result" data-settled={h.settled ? "true" : undefined}>
                    {result(h)}
                  </span>
                </>
              ) : (
                <>Sent elsewhere (known from Qflow’s events) · first seen {formatInstantSeconds(h.at)}</>
              )}
            </div>
            {h.message && <div className="small tl-message">{h.message}</div>}
            {(h.events.length > 0 || hint) && (
              <ol className="tl-events">
                {h.events.map((e, j) => {
                  const plain = e.reason ? plainReason(e.reason) : null;
                  return (
                    <li key={`${e.at}-${e.event}-${String(j)}`} className="tl-event" data-testid="history-event" data-event={e.event} title={e.matchedBy ? MATCHED[e.matchedBy] : undefined}>
                      <span className={`tl-dot ${STATUS_LABEL[e.event] ? statusClass(e.event) : "tl-dot-unknown"}`} aria-hidden="true" />
                      <time className="tl-time mono" dateTime={e.at}>
                        {eventTime(e.at, h.at)}
                      </time>
                      <span className="tl-what">
                        <span>{EVENT_LABEL[e.event] ?? `“${e.event}” (an event type this version doesn’t know)`}</span>
                        {e.reason && (
                          <>
                            {plain && (
                              <span className="small" data-testid="history-reason">
                                {plain}
                              </span>
                            )}
                            <span className="muted small mono">Server said: {e.reason}</span>
                          </>
                        )}
                      </span>
                    </li>
                  );
                })}
                {hint && <li className="tl-event muted small">{hint}</li>}
              </ol>
            )}
          </li>
        );
      })}
    </ol>
  );
}
