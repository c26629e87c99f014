import { memo, Suspense, useCallback, useEffect, useRef, useState, type RefObject } from "react";
import { errorBody, type Api, type ErrorBody, type EventRow, type GuestRow } from "../api";
import { ImportAttendees as ImportAttendeesButton } from "../features/import/ImportAttendees";
import { ImportResumeOffer } from "../features/import/ImportResumeOffer";
import { deskApi as realDeskApi, type DeskApi, type GuestSendStatus } from "../features/desk/api";
import { STATUS_LABEL, statusClass } from "../features/desk/format";
import { statusTitle, useUnsettledStatusPoll } from "../features/desk/statusPoll";
import "../features/desk/desk.css";
import { useDeskTable } from "../features/palette/bus";
import { formatCount, formatEventRange } from "../format";
import { ErrorNotice } from "./ErrorNotice";
import { BulkResend as BulkResendBar } from "../features/bulk/BulkResend";
import { bulkApi } from "../features/bulk/api";
import { useSelection } from "../features/bulk/useSelection";
import { dropPage, firstPageRequest, peekPage } from "../startup";
import { lazyNamed } from "../lazyNamed";

// Opened on demand: not parsed and run before the desk's first frame.
const ScanMode = lazyNamed(() => import("../features/scan/ScanMode"), "ScanMode");
const ArrivalsScreen = lazyNamed(() => import("../features/arrivals/ArrivalsScreen"), "ArrivalsScreen");
const AttendeePanel = lazyNamed(() => import("../features/desk/AttendeePanel"), "AttendeePanel");
const AddAttendee = lazyNamed(() => import("../features/desk/AddAttendee"), "AddAttendee");
// Their props do not change while scrolling: a scroll frame does not render them again.
const BulkResend = memo(BulkResendBar);
const ImportAttendees = memo(ImportAttendeesButton);

/** Rows per guests_page request: one cached window of the filtered list. */
export const PAGE_SIZE = 100;
/** Fixed row height (px; matches `.table-virtual tbody tr` in desk.css). */
export const ROW_HEIGHT = 36;
/** Rows rendered beyond each edge of the viewport. */
const OVERSCAN = 6;
/** Scrolling re-renders the table once per this many rows (rendering that many more), not per
 * row. A frame's cost grows with the rows it mounts, so smaller blocks keep the peak low: scroll
 * frame p95 17–19 ms with 8, 14–15 ms with 4 (the same session, 900 frames each). */
const BLOCK = 4;
/** Viewport height when the container has none yet (first render, jsdom). */
const FALLBACK_VIEWPORT = 720;
/** Before the viewport is measured (the first frame): the window's height, which the table's
 * viewport never exceeds, so the rows in view are all there. */
const firstFrameViewport = () => (window.innerHeight > 0 ? window.innerHeight : FALLBACK_VIEWPORT);

interface Props {
  event: EventRow;
  api: Pick<Api, "guestsPage">;
  desk?: DeskApi;
  /** Called when the first answer (rows or an error) is in: start-up work can wait for it. */
  onSettled?: () => void;
}

type CheckedFilter = "" | "in" | "out";

/** What a row can ask of the table; kept in a ref so rows stay memoized while scrolling. */
interface RowActions {
  open: (id: string) => void;
  toggle: (id: string, index: number, shift: boolean) => void;
  /** The row took the focus: it becomes the grid's one tab stop. */
  focused: (id: string) => void;
  /** Home, End, PageUp or PageDown from row `index`: the focus goes there, scrolled to. */
  jump: (key: string, index: number) => void;
}

interface RowProps {
  g: GuestRow;
  index: number;
  isOpen: boolean;
  selected: boolean;
  status: GuestSendStatus | undefined;
  actions: RefObject<RowActions>;
  /** The grid's one row in the Tab order (roving tabindex); the others are reached by arrows. */
  tabStop: boolean;
}

/** One attendee row. Memoized: a scroll frame renders only the rows that came into view. */
const AttendeeRow = memo(function AttendeeRow({ g, index, isOpen, selected, status, actions, tabStop }: RowProps) {
  return (
    <tr
      data-testid="attendee-row"
      data-guest-id={g.id}
      tabIndex={tabStop ? 0 : -1}
      onFocus={(e) => {
        if (e.target === e.currentTarget) actions.current.focused(g.id);
      }}
      className={`row-open${isOpen ? " row-selected" : ""}`}
      aria-selected={isOpen}
      // Row 1 is the header; the list is virtualized, so each row says where it is in the whole.
      aria-rowindex={index + 2}
      onClick={() => {
        actions.current.open(g.id);
      }}
      onKeyDown={(e) => {
        if (e.key === "Enter") {
          e.preventDefault();
          actions.current.open(g.id);
        } else if (e.key === "Home" || e.key === "End" || e.key === "PageUp" || e.key === "PageDown") {
          e.preventDefault();
          actions.current.jump(e.key, index);
        } else if (e.key === "ArrowDown" || e.key === "ArrowUp") {
          // Up and down the grid; scrolling the next row into view renders the rows beyond it.
          e.preventDefault();
          const next = e.key === "ArrowDown" ? e.currentTarget.nextElementSibling : e.currentTarget.previousElementSibling;
          if (next instanceof HTMLElement && next.dataset.guestId) {
            next.focus();
            next.scrollIntoView({ block: "nearest" });
          }
        }
      }}
    >
      <td
        className="cell-select"
        onClick={(e) => {
          // Selecting is not opening the row.
          e.stopPropagation();
          actions.current.toggle(g.id, index, e.shiftKey);
        }}
      >
        <input
          type="checkbox"
          aria-label={`Select ${g.firstName} ${g.lastName}`}
          data-testid="row-select"
          tabIndex={tabStop ? 0 : -1}
          checked={selected}
          onChange={() => {}}
          onKeyDown={(e) => {
            e.stopPropagation();
          }}
        />
      </td>
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
        {status ? (
          <span className={`send-status ${statusClass(status.status)}`} title={statusTitle(status)} data-status={status.status}>
            {STATUS_LABEL[status.status] ?? status.status}
          </span>
        ) : (
          <span className="muted">—</span>
        )}
      </td>
    </tr>
  );
});

/** Quiet time after the last scroll event before the summary shows the new range. Rewriting it
 * in every scroll frame cost ~3 ms of each frame (scroll frame p50 12 → 9 ms without it, side by
 * side), and a polite live region should not announce sixty ranges a second. */
const SUMMARY_SETTLE_MS = 100;
/** A long scroll in motion (the scrollbar dragged) still shows where it is this often. */
const SUMMARY_MOVING_MS = 500;

/** "101–120 of 22,500": follows the scroll itself (a jump at once, a scroll in motion twice a
 * second and once it rests), so the table need not. */
function ScrollSummary({
  scrollRef,
  filterKey,
  visibleCount,
  info,
  query,
  loading,
}: {
  scrollRef: RefObject<HTMLDivElement | null>;
  filterKey: string;
  visibleCount: number;
  info: ListInfo | null;
  query: string;
  loading: boolean;
}) {
  const [pos, setPos] = useState({ filter: filterKey, row: 0 });
  useEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    let shownAt = 0;
    const show = () => {
      shownAt = performance.now();
      const row = Math.floor(el.scrollTop / ROW_HEIGHT);
      setPos((old) => (old.filter === filterKey && old.row === row ? old : { filter: filterKey, row }));
    };
    let settle: ReturnType<typeof setTimeout> | undefined;
    const onScroll = () => {
      // A scroll from rest (a jump: End, PageDown, a search hit) shows at once; the frames of a
      // scroll in motion wait until it rests, or until it has moved for SUMMARY_MOVING_MS.
      if (settle === undefined || performance.now() - shownAt >= SUMMARY_MOVING_MS) show();
      clearTimeout(settle);
      settle = setTimeout(() => {
        settle = undefined;
        show();
      }, SUMMARY_SETTLE_MS);
    };
    el.addEventListener("scroll", onScroll, { passive: true });
    return () => {
      clearTimeout(settle);
      el.removeEventListener("scroll", onScroll);
    };
  }, [scrollRef, filterKey]);
  const firstVisible = pos.filter === filterKey ? pos.row : 0;
  const matched = info?.matched ?? 0;
  const first = matched > 0 ? Math.min(firstVisible + 1, matched) : 0;
  const last = Math.min(firstVisible + visibleCount, matched);
  return (
    <span className="muted small" data-testid="attendee-summary" aria-live="polite">
      {info
        ? info.matched === 0
          ? query
            ? `No attendees match “${query}” (of ${formatCount(info.total)})`
            : info.total === 0
              ? "No attendees yet"
              : `No attendees match these filters (of ${formatCount(info.total)})`
          : `${formatCount(first)}–${formatCount(last)} of ${formatCount(info.matched)}${
              info.matched !== info.total ? ` matching (${formatCount(info.total)} in total)` : ""
            }`
        : loading
          ? "Loading attendees…"
          : ""}
    </span>
  );
}

/** What one filter's windows share: counts and tags from the latest answer. */
interface ListInfo {
  total: number;
  matched: number;
  tags: string[];
}

/**
 * One scroll container over the whole filtered list, filtered in Rust. Only the rows in view
 * (plus a small overscan) are in the DOM, and only the windows of PAGE_SIZE rows they fall in
 * are fetched (then cached): the whole list never crosses IPC.
 */
export function AttendeeTable({ event, api, desk = realDeskApi, onSettled }: Props) {
  const [query, setQuery] = useState("");
  const [checked, setChecked] = useState<CheckedFilter>("");
  const [tag, setTag] = useState("");
  // Bumped after an edit in the panel: re-read the windows from Rust's (updated) cache.
  const [version, setVersion] = useState(0);
  const [openId, setOpenId] = useState<string | null>(null);
  const [adding, setAdding] = useState(false);
  const [arrivals, setArrivals] = useState(false);
  const [scanning, setScanning] = useState(false);
  const selection = useSelection();
  const [statuses, setStatuses] = useState<Map<string, GuestSendStatus>>(new Map());
  useUnsettledStatusPoll(desk, statuses, setStatuses);
  const searchRef = useRef<HTMLInputElement>(null);
  const scrollRef = useRef<HTMLDivElement>(null);
  const lastRow = useRef<string | null>(null);
  const [debounced, setDebounced] = useState("");
  const [refresh, setRefresh] = useState(0);
  // Only the request right after "Reload" refetches from Qflow; the others use Rust's cache.
  const refetch = useRef(false);
  // The filter the cached windows answer; a new one starts over at the top.
  const filterKey = `${event.id}|${debounced}|${checked}|${tag}`;
  const cacheKey = `${filterKey}|${refresh}|${version}`;
  // The first window, when start-up already fetched it (startup.ts): rows in the first frame.
  const [preloaded] = useState(() => peekPage(api, firstPageRequest(event.id, PAGE_SIZE)));
  const [windows, setWindows] = useState<{ key: string; pages: Map<number, GuestRow[]>; info: ListInfo | null }>(() => ({
    key: cacheKey,
    pages: new Map(preloaded ? [[0, preloaded.rows]] : []),
    info: preloaded ? { total: preloaded.total, matched: preloaded.matched, tags: preloaded.tags } : null,
  }));
  const inFlight = useRef(new Set<string>());
  const [error, setError] = useState<ErrorBody | null>(null);
  // The first row of the block in view, for the filter it was scrolled under (a new filter
  // starts at 0).
  const [scrolled, setScrolled] = useState({ filter: filterKey, row: 0 });
  const firstVisible = scrolled.filter === filterKey ? scrolled.row : 0;
  // Null until measured: the first frame renders only the rows that can be in view; the
  // overscan comes with the next render, once the rows are painted.
  const [viewport, setViewport] = useState<number | null>(null);

  const onSettledRef = useRef(onSettled);
  useEffect(() => {
    onSettledRef.current = onSettled;
  }, [onSettled]);
  const latestKey = useRef(cacheKey);
  useEffect(() => {
    latestKey.current = cacheKey;
  }, [cacheKey]);
  const current = windows.key === cacheKey ? windows : null;
  // After an edit or reload, the same filter's previous windows stay on screen until the new ones come.
  const shown = current ?? (windows.key.startsWith(`${filterKey}|`) ? windows : null);
  const info = shown?.info ?? null;
  const matched = info?.matched ?? 0;

  useEffect(() => {
    const t = setTimeout(() => {
      setDebounced(query.trim());
    }, 200);
    return () => {
      clearTimeout(t);
    };
  }, [query]);

  // A new filter: back to the top.
  useEffect(() => {
    if (scrollRef.current) scrollRef.current.scrollTop = 0;
  }, [filterKey]);

  // Track the viewport's height (window resizes, panel open).
  useEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    const measure = () => {
      setViewport(el.clientHeight || FALLBACK_VIEWPORT);
    };
    measure();
    if (typeof ResizeObserver === "undefined") return;
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => {
      ro.disconnect();
    };
  }, []);

  const visibleCount = Math.ceil((viewport ?? firstFrameViewport()) / ROW_HEIGHT);
  const rowCount = info ? matched : 0;
  const start = Math.max(0, firstVisible - OVERSCAN);
  const beyond = viewport === null ? 0 : BLOCK + OVERSCAN;
  const end = info ? Math.min(rowCount, firstVisible + visibleCount + beyond) : PAGE_SIZE;
  const firstPage = Math.floor(start / PAGE_SIZE);
  const lastPage = Math.max(firstPage, Math.floor(Math.max(end - 1, 0) / PAGE_SIZE));
  const missing: number[] = [];
  for (let p = firstPage; p <= lastPage; p++) if (!current?.pages.has(p)) missing.push(p);
  const loading = missing.length > 0;
  // Within half a window of the next (or previous) one: fetch it before it scrolls into view.
  const ahead = info ? Math.floor(Math.min(rowCount - 1, end + PAGE_SIZE / 2) / PAGE_SIZE) : lastPage;
  const behind = Math.floor(Math.max(0, start - PAGE_SIZE / 2) / PAGE_SIZE);
  for (const p of [ahead, behind]) if (p >= 0 && !missing.includes(p) && !current?.pages.has(p)) missing.push(p);
  const missingKey = missing.join(",");

  // The last send this app knows for these rows, from the local log (no request to Qflow).
  const loadStatuses = useCallback(
    (rows: GuestRow[]) => {
      if (rows.length === 0) return;
      desk
        .sendStatuses(rows.map((r) => r.id))
        .then((list) => {
          setStatuses((old) => {
            const next = new Map(old);
            for (const s of list) next.set(s.guestId, s);
            return next;
          });
        })
        .catch(() => {});
    },
    [desk],
  );

  // Start-up's window was used: later tables ask Rust (whose cache answers); settle as a fetch would.
  useEffect(() => {
    dropPage(api);
    if (!preloaded) return;
    onSettledRef.current?.();
    loadStatuses(preloaded.rows);
  }, [api, preloaded, loadStatuses]);

  // Fetch the windows in view that are not cached yet.
  useEffect(() => {
    if (!missingKey) return;
    let live = true;
    const reload = refetch.current;
    // After "Reload", one request refetches from Qflow; the rest wait for it (this effect reruns).
    const wanted = missingKey.split(",").map(Number).slice(0, reload ? 1 : undefined);
    refetch.current = false;
    for (const p of wanted) {
      const flightKey = `${cacheKey}#${p}`;
      if (inFlight.current.has(flightKey)) continue;
      inFlight.current.add(flightKey);
      api
        .guestsPage({
          eventId: event.id,
          query: debounced,
          offset: p * PAGE_SIZE,
          limit: PAGE_SIZE,
          refresh: reload,
          checkedIn: checked === "" ? undefined : checked === "in",
          tag: tag || undefined,
        })
        .then((page) => {
          // An answer for a filter no longer shown.
          if (latestKey.current !== cacheKey) return;
          setWindows((w) => {
            const pages = new Map(w.key === cacheKey ? w.pages : []);
            pages.set(p, page.rows);
            return { key: cacheKey, pages, info: { total: page.total, matched: page.matched, tags: page.tags } };
          });
          setError(null);
          onSettledRef.current?.();
          loadStatuses(page.rows);
        })
        .catch((e: unknown) => {
          onSettledRef.current?.();
          if (live) setError(errorBody(e));
        })
        .finally(() => {
          inFlight.current.delete(flightKey);
        });
    }
    return () => {
      live = false;
    };
  }, [api, event.id, debounced, checked, tag, cacheKey, missingKey, loadStatuses]);

  const onScroll = useCallback(() => {
    const el = scrollRef.current;
    if (!el) return;
    const exact = Math.floor(el.scrollTop / ROW_HEIGHT);
    const row = exact - (exact % BLOCK);
    setScrolled((old) => (old.filter === filterKey && old.row === row ? old : { filter: filterKey, row }));
  }, [filterKey]);

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
  const closeScan = useCallback(() => {
    setScanning(false);
    // Check-ins made while scanning show in the table.
    changed();
  }, [changed]);
  const closeAdd = useCallback(() => {
    setAdding(false);
  }, []);
  const closeArrivals = useCallback(() => {
    setArrivals(false);
  }, []);
  // The row last focused holds the grid's tab stop; when it is not in the page (scrolled away,
  // filtered out), the open row or else the first row shown does.
  const [activeId, setActiveId] = useState<string | null>(null);
  const rowActions = useRef<RowActions>({ open: () => {}, toggle: () => {}, focused: setActiveId, jump: () => {} });
  // A row index the keyboard asked for, focused once it is in the page (scrolled to, loaded).
  const focusWanted = useRef<number | null>(null);
  useEffect(() => {
    const want = focusWanted.current;
    if (want === null) return;
    const row = scrollRef.current?.querySelector<HTMLElement>(`[data-testid="attendee-row"][aria-rowindex="${want + 2}"]`);
    if (!row) return;
    focusWanted.current = null;
    row.focus();
    row.scrollIntoView({ block: "nearest" });
  });
  useEffect(() => {
    rowActions.current = {
      ...rowActions.current,
      jump: (key, index) => {
        const el = scrollRef.current;
        if (!el || rowCount === 0) return;
        const page = Math.max(1, visibleCount - 1);
        const to = key === "Home" ? 0 : key === "End" ? rowCount - 1 : key === "PageUp" ? Math.max(0, index - page) : Math.min(rowCount - 1, index + page);
        focusWanted.current = to;
        // Scroll so the row is in view; the scroll renders (and loads) the rows there.
        const top = to * ROW_HEIGHT;
        if (top < el.scrollTop) el.scrollTop = top;
        else if (top + ROW_HEIGHT > el.scrollTop + el.clientHeight) el.scrollTop = top + ROW_HEIGHT - el.clientHeight;
        onScroll();
      },
      open,
      toggle: (id, index, shift) => {
        selection.toggle(id, index, shift, (i) => shown?.pages.get(Math.floor(i / PAGE_SIZE))?.[i % PAGE_SIZE]?.id);
      },
    };
  });
  // The command palette: it searches this event and can open an attendee or fill the search.
  useDeskTable(event, (r) => {
    if (r.kind === "open") {
      open(r.guestId);
    } else {
      setQuery(r.query);
      searchRef.current?.focus();
    }
  });

  const rows: { index: number; row: GuestRow | undefined }[] = [];
  for (let i = start; i < Math.min(end, rowCount); i++) {
    rows.push({ index: i, row: shown?.pages.get(Math.floor(i / PAGE_SIZE))?.[i % PAGE_SIZE] });
  }
  const inPage = (id: string | null) => id !== null && rows.some((r) => r.row?.id === id);
  const tabStopId = inPage(activeId) ? activeId : inPage(openId) ? openId : (rows.find((r) => r.row)?.row?.id ?? null);
  const topSpace = start * ROW_HEIGHT;
  const bottomSpace = Math.max(0, rowCount - Math.max(end, start)) * ROW_HEIGHT;

  return (
    <div className="attendees" data-testid="attendees">
      <div className="pane-header">
        <div>
          <h2 data-testid="attendees-title">{event.title}</h2>
          <p className="muted small">
            {event.when ?? `${formatEventRange(event.startTime, event.endTime)} · ${event.timeZoneId}`}
          </p>
        </div>
        <div className="pane-actions">
        <button type="button" className="btn btn-primary btn-small" data-testid="scan-open" onClick={() => { setScanning(true); }}>
          Scan to check in
        </button>
        <button type="button" className="btn btn-primary btn-small" data-testid="add-start" onClick={() => { setAdding(true); }}>
          Add attendee
        </button>
        <button type="button" className="btn btn-ghost btn-small" data-testid="arrivals-open" onClick={() => { setArrivals(true); }}>
          Arrivals
        </button>
        <ImportAttendees eventId={event.id} eventTitle={event.title} onDone={changed} />
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
      <ImportResumeOffer key={event.id} eventId={event.id} onDone={changed} />
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
          }}
        >
          <option value="">All tags</option>
          {info?.tags.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
<ScrollSummary
          scrollRef={scrollRef}
          filterKey={filterKey}
          visibleCount={visibleCount}
          info={info}
          query={debounced}
          loading={loading}
        />
      </div>
      <BulkResend eventId={event.id} selected={selection.selected} onClear={selection.clear} onDone={changed} />
      {error && <ErrorNotice error={error} />}
      <div
        className={`table-wrap${loading && !info ? " is-loading" : ""}`}
        ref={scrollRef}
        onScroll={onScroll}
        data-testid="attendee-scroll"
      >
        {/* A grid of every matching attendee (plus the header row), though only the rows in
            view are in the page: aria-rowcount is Rust's count, aria-rowindex each row's place. */}
        <table
          className="table table-virtual"
          data-testid="attendee-table"
          role="grid"
          aria-label={`Attendees of ${event.title}`}
          aria-rowcount={info ? matched + 1 : undefined}
        >
          <colgroup>
            <col className="col-select" />
            <col className="col-name" />
            <col className="col-email" />
            <col className="col-barcode" />
            <col className="col-tags" />
            <col className="col-checkin" />
            <col className="col-send" />
          </colgroup>
          <thead>
            <tr aria-rowindex={1}>
              <th scope="col" className="cell-select">
                <input
                  type="checkbox"
                  aria-label="Select every attendee matching the filters"
                  data-testid="select-all"
                  checked={matched > 0 && selection.selected.size >= matched}
                  onChange={(e) => {
                    if (!e.target.checked) {
                      selection.clear();
                      return;
                    }
                    bulkApi
                      .selectFiltered({ eventId: event.id, query: debounced, checkedIn: checked === "" ? undefined : checked === "in", tag: tag || undefined })
                      .then(selection.setAll)
                      .catch((err: unknown) => {
                        setError(errorBody(err));
                      });
                  }}
                />
              </th>
              <th scope="col">Name</th>
              <th scope="col">Email</th>
              <th scope="col">Barcode</th>
              <th scope="col">Tags</th>
              <th scope="col">Check-in</th>
              <th scope="col">Last send</th>
            </tr>
          </thead>
          <tbody>
            {topSpace > 0 && (
              <tr className="row-spacer" aria-hidden="true" style={{ height: topSpace }}>
                <td colSpan={7} />
              </tr>
            )}
            {rows.map(({ index, row: g }) =>
              !g ? (
                <tr key={`pending-${index}`} className="row-pending" aria-hidden="true">
                  <td colSpan={7} />
                </tr>
              ) : (
              <AttendeeRow
                key={g.id}
                g={g}
                index={index}
                isOpen={g.id === openId}
                selected={selection.selected.has(g.id)}
                status={statuses.get(g.id)}
                actions={rowActions}
                tabStop={g.id === tabStopId}
              />
              ),
            )}
            {bottomSpace > 0 && (
              <tr className="row-spacer" aria-hidden="true" style={{ height: bottomSpace }}>
                <td colSpan={7} />
              </tr>
            )}
          </tbody>
        </table>
      </div>
      {openId && (
        <Suspense fallback={null}>
          <AttendeePanel key={openId} guestId={openId} eventTitle={event.title} api={desk} onClose={closePanel} onChanged={changed} />
        </Suspense>
      )}
      {arrivals && (
        <Suspense fallback={null}>
        <ArrivalsScreen
          event={event}
          onClose={closeArrivals}
          onSelect={(ids) => {
            // A targeted resend: the table's selection, reviewed with "Resend to selected".
            selection.setAll(ids);
            setArrivals(false);
          }}
        />
        </Suspense>
      )}
      {scanning && (
        <Suspense fallback={null}>
          <ScanMode eventId={event.id} eventTitle={event.title} onClose={closeScan} />
        </Suspense>
      )}
      {adding && (
        <Suspense fallback={null}>
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
        </Suspense>
      )}
    </div>
  );
}
