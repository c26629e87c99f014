import { useEffect, useRef, useState } from "react";
import { errorBody, type Api, type ErrorBody, type EventRow, type GuestsPage } from "../api";
import { formatEventRange } from "../format";
import { ErrorNotice } from "./ErrorNotice";

export const PAGE_SIZE = 50;

interface Props {
  event: EventRow;
  api: Pick<Api, "guestsPage">;
}

/** One page at a time, filtered in Rust: the whole list never crosses IPC. */
export function AttendeeTable({ event, api }: Props) {
  const [query, setQuery] = useState("");
  const [debounced, setDebounced] = useState("");
  const [offset, setOffset] = useState(0);
  const [refresh, setRefresh] = useState(0);
  // Only the request right after "Reload" refetches from Qflow; paging uses Rust's cache.
  const refetch = useRef(false);
  const [page, setPage] = useState<GuestsPage | null>(null);
  const [error, setError] = useState<ErrorBody | null>(null);
  // Which request the shown page (or error) answers; loading = the current one has not answered.
  const wanted = `${event.id}|${debounced}|${offset}|${refresh}`;
  const [answered, setAnswered] = useState<string | null>(null);
  const loading = answered !== wanted;

  useEffect(() => {
    const t = setTimeout(() => {
      setDebounced(query.trim());
      setOffset(0);
    }, 200);
    return () => {
      clearTimeout(t);
    };
  }, [query]);

  useEffect(() => {
    let live = true;
    const reload = refetch.current;
    refetch.current = false;
    const key = `${event.id}|${debounced}|${offset}|${refresh}`;
    api
      .guestsPage({ eventId: event.id, query: debounced, offset, limit: PAGE_SIZE, refresh: reload })
      .then((p) => {
        if (!live) return;
        setPage(p);
        setError(null);
      })
      .catch((e: unknown) => {
        if (live) setError(errorBody(e));
      })
      .finally(() => {
        if (live) setAnswered(key);
      });
    return () => {
      live = false;
    };
  }, [api, event.id, debounced, offset, refresh]);

  const first = page && page.matched > 0 ? page.offset + 1 : 0;
  const last = page ? page.offset + page.rows.length : 0;

  return (
    <div className="attendees" data-testid="attendees">
      <div className="pane-header">
        <div>
          <h2 data-testid="attendees-title">{event.title}</h2>
          <p className="muted small">
            {formatEventRange(event.startTime, event.endTime)} · {event.timeZoneId}
          </p>
        </div>
        <button
          type="button"
          className="btn btn-ghost btn-small"
          data-testid="attendees-refresh"
          onClick={() => {
            refetch.current = true;
            setRefresh((n) => n + 1);
          }}
        >
          Reload
        </button>
      </div>
      <div className="toolbar">
        <input
          type="search"
          className="search"
          placeholder="Search name, email, barcode or tag"
          aria-label="Search attendees"
          data-testid="attendee-search"
          value={query}
          onChange={(e) => {
            setQuery(e.target.value);
          }}
        />
        <span className="muted small" data-testid="attendee-summary" aria-live="polite">
          {page
            ? page.matched === 0
              ? debounced
                ? `No attendees match “${debounced}” (of ${page.total.toLocaleString("en-GB")})`
                : "No attendees yet"
              : `${first.toLocaleString("en-GB")}–${last.toLocaleString("en-GB")} of ${page.matched.toLocaleString("en-GB")}${
                  page.matched !== page.total ? ` matching (${page.total.toLocaleString("en-GB")} in total)` : ""
                }`
            : loading
              ? "Loading attendees…"
              : ""}
        </span>
      </div>
      {error && <ErrorNotice error={error} />}
      <div className={`table-wrap${loading ? " is-loading" : ""}`}>
        <table className="table" data-testid="attendee-table">
          <colgroup>
            <col className="col-name" />
            <col className="col-email" />
            <col className="col-barcode" />
            <col className="col-tags" />
            <col className="col-checkin" />
          </colgroup>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Email</th>
              <th scope="col">Barcode</th>
              <th scope="col">Tags</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {page?.rows.map((g) => (
              <tr key={g.id} data-testid="attendee-row" data-guest-id={g.id}>
                <td className="cell-name" title={`${g.firstName} ${g.lastName}`}>
                  {g.firstName} {g.lastName}
                </td>
                <td title={g.email}>{g.email}</td>
                <td className="mono">{g.barcode ?? ""}</td>
                <td title={g.tags ?? undefined}>
                  {(g.tags ?? "")
                    .split(",")
                    .map((t) => t.trim())
                    .filter(Boolean)
                    .map((t) => (
                      <span key={t} className="chip">
                        {t}
                      </span>
                    ))}
                </td>
                <td>{g.checkedIn ? <span className="status-in">Checked in</span> : <span className="muted">—</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="pager">
        <button
          type="button"
          className="btn btn-ghost btn-small"
          data-testid="page-prev"
          disabled={loading || offset === 0}
          onClick={() => {
            setOffset(Math.max(0, offset - PAGE_SIZE));
          }}
        >
          Previous
        </button>
        <button
          type="button"
          className="btn btn-ghost btn-small"
          data-testid="page-next"
          disabled={loading || !page || last >= page.matched}
          onClick={() => {
            setOffset(offset + PAGE_SIZE);
          }}
        >
          Next
        </button>
      </div>
    </div>
  );
}
