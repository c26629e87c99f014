import { useCallback, useEffect, useRef, useState } from "react";
import { errorBody, type Api, type ErrorBody, type EventRow, type GuestsPage } from "../api";
import { AddAttendee } from "../features/desk/AddAttendee";
import { AttendeePanel } from "../features/desk/AttendeePanel";
import { deskApi as realDeskApi, type DeskApi, type GuestSendStatus } from "../features/desk/api";
import { STATUS_LABEL, statusClass } from "../features/desk/format";
import "../features/desk/desk.css";
import { formatEventRange } from "../format";
import { ErrorNotice } from "./ErrorNotice";

export const PAGE_SIZE = 50;

interface Props {
  event: EventRow;
  api: Pick<Api, "guestsPage">;
  desk?: DeskApi;
}

type CheckedFilter = "" | "in" | "out";

/** One page at a time, filtered in Rust: the whole list never crosses IPC. */
export function AttendeeTable({ event, api, desk = realDeskApi }: Props) {
  const [query, setQuery] = useState("");
  const [checked, setChecked] = useState<CheckedFilter>("");
  const [tag, setTag] = useState("");
  // Bumped after an edit in the panel: re-read the page from Rust's (updated) cache.
  const [version, setVersion] = useState(0);
  const [openId, setOpenId] = useState<string | null>(null);
  const [adding, setAdding] = useState(false);
  const [statuses, setStatuses] = useState<Map<string, GuestSendStatus>>(new Map());
  const searchRef = useRef<HTMLInputElement>(null);
  const lastRow = useRef<string | null>(null);
  const [debounced, setDebounced] = useState("");
  const [offset, setOffset] = useState(0);
  const [refresh, setRefresh] = useState(0);
  // Only the request right after "Reload" refetches from Qflow; paging uses Rust's cache.
  const refetch = useRef(false);
  const [page, setPage] = useState<GuestsPage | null>(null);
  const [error, setError] = useState<ErrorBody | null>(null);
  // Which request the shown page (or error) answers; loading = the current one has not answered.
  const wanted = `${event.id}|${debounced}|${offset}|${refresh}|${checked}|${tag}|${version}`;
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
    const key = `${event.id}|${debounced}|${offset}|${refresh}|${checked}|${tag}|${version}`;
    api
      .guestsPage({
        eventId: event.id,
        query: debounced,
        offset,
        limit: PAGE_SIZE,
        refresh: reload,
        checkedIn: checked === "" ? undefined : checked === "in",
        tag: tag || undefined,
      })
      .then((p) => {
        if (!live) return;
        setPage(p);
        setError(null);
        // The last send this app knows, from the local log (no request to Qflow).
        desk
          .sendStatuses(p.rows.map((r) => r.id))
          .then((list) => {
            if (live) setStatuses(new Map(list.map((s) => [s.guestId, s])));
          })
          .catch(() => {});
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
  }, [api, desk, event.id, debounced, offset, refresh, checked, tag, version]);

  // `/` focuses the search (unless typing somewhere already).
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement | null;
      const typing = t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT" || t.isContentEditable);
      if (e.key === "/" && !typing && !e.ctrlKey && !e.metaKey && !e.altKey) {
        e.preventDefault();
        searchRef.current?.focus();
      }
    };
    document.addEventListener("keydown", onKey);
    return () => {
      document.removeEventListener("keydown", onKey);
    };
  }, []);

  const open = (id: string) => {
    lastRow.current = id;
    setOpenId(id);
  };
  const closePanel = useCallback(() => {
    setOpenId(null);
    // Back to the row the panel was opened from.
    const id = lastRow.current;
    if (id) requestAnimationFrame(() => document.querySelector<HTMLElement>(`[data-guest-id="${id}"]`)?.focus());
  }, []);
  const changed = useCallback(() => {
    setVersion((n) => n + 1);
  }, []);
  const closeAdd = useCallback(() => {
    setAdding(false);
  }, []);

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
        <div className="pane-actions">
        <button type="button" className="btn btn-primary btn-small" data-testid="add-start" onClick={() => { setAdding(true); }}>
          Add attendee
        </button>
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
      </div>
      <div className="toolbar">
        <input
          type="search"
          className="search"
          ref={searchRef}
          placeholder="Search name, email, barcode or tag  ( / )"
          aria-label="Search attendees"
          data-testid="attendee-search"
          value={query}
          onChange={(e) => {
            setQuery(e.target.value);
          }}
        />
        <select
          className="filter"
          aria-label="Check-in filter"
          data-testid="filter-checkin"
          value={checked}
          onChange={(e) => {
            setChecked(e.target.value as CheckedFilter);
            setOffset(0);
          }}
        >
          <option value="">Everyone</option>
          <option value="in">Checked in</option>
          <option value="out">Not checked in</option>
        </select>
        <select
          className="filter"
          aria-label="Tag filter"
          data-testid="filter-tag"
          value={tag}
          onChange={(e) => {
            setTag(e.target.value);
            setOffset(0);
          }}
        >
          <option value="">All tags</option>
          {page?.tags.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
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
            <col className="col-send" />
          </colgroup>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Email</th>
              <th scope="col">Barcode</th>
              <th scope="col">Tags</th>
              <th scope="col">Check-in</th>
              <th scope="col">Last send</th>
            </tr>
          </thead>
          <tbody>
            {page?.rows.map((g) => (
              <tr
                key={g.id}
                data-testid="attendee-row"
                data-guest-id={g.id}
                tabIndex={0}
                className={`row-open${g.id === openId ? " row-selected" : ""}`}
                aria-selected={g.id === openId}
                onClick={() => {
                  open(g.id);
                }}
                onKeyDown={(e) => {
                  if (e.key === "Enter") {
                    e.preventDefault();
                    open(g.id);
                  }
                }}
              >
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
                <td data-testid="send-status">
                  {(() => {
                    const s = statuses.get(g.id);
                    return s ? (
                      <span className={`send-status ${statusClass(s.status)}`} title={s.at}>
                        {STATUS_LABEL[s.status] ?? s.status}
                      </span>
                    ) : (
                      <span className="muted">—</span>
                    );
                  })()}
                </td>
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
      {openId && <AttendeePanel key={openId} guestId={openId} eventTitle={event.title} api={desk} onClose={closePanel} onChanged={changed} />}
      {adding && (
        <AddAttendee
          eventId={event.id}
          eventTitle={event.title}
          api={desk}
          onClose={closeAdd}
          onAdded={(added) => {
            setAdding(false);
            changed();
            open(added.guest.id);
          }}
        />
      )}
    </div>
  );
}
