// The attendees not checked in, searched and paged in Rust (the attendee table's page with
// `checkedIn: false`). `version` changes when the numbers refresh: the page is re-read.
import { useEffect, useState } from "react";
import { errorBody, type ErrorBody, type GuestsPage } from "../../api";
import { ErrorNotice } from "../../components/ErrorNotice";
import { NO_SHOW_PAGE, type ArrivalsApi } from "./api";
import { formatCount } from "../../format";

interface Props {
  eventId: string;
  api: ArrivalsApi;
  version: string;
}

export function NoShows({ eventId, api, version }: Props) {
  const [query, setQuery] = useState("");
  const [debounced, setDebounced] = useState("");
  const [offset, setOffset] = useState(0);
  const [page, setPage] = useState<GuestsPage | null>(null);
  const [error, setError] = useState<ErrorBody | null>(null);

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
    api.noShows(eventId, debounced, offset).then(
      (p) => {
        if (!live) return;
        setPage(p);
        setError(null);
      },
      (e: unknown) => {
        if (live) setError(errorBody(e));
      },
    );
    return () => {
      live = false;
    };
  }, [api, eventId, debounced, offset, version]);

  const matched = page?.matched ?? 0;
  return (
    <section className="arrivals-section" aria-labelledby="no-shows-title" data-testid="no-shows">
      <div className="arrivals-section-head">
        <h3 id="no-shows-title">Not checked in</h3>
        <input
          type="search"
          className="search"
          placeholder="Search name, email, barcode or tag"
          aria-label="Search attendees not checked in"
          data-testid="no-shows-search"
          value={query}
          onChange={(e) => {
            setQuery(e.target.value);
          }}
        />
      </div>
      {error && <ErrorNotice error={error} />}
      {page && (
        <>
          <p className="muted small" data-testid="no-shows-summary" aria-live="polite">
            {matched === 0
              ? debounced
                ? `Nobody not checked in matches “${debounced}”`
                : "Everyone is checked in"
              : `${formatCount(offset + 1)}–${formatCount(Math.min(offset + NO_SHOW_PAGE, matched))} of ${formatCount(matched)}`}
          </p>
          {page.rows.length > 0 && (
            <table className="table arrivals-no-shows">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Email</th>
                  <th scope="col">Barcode</th>
                  <th scope="col">Tags</th>
                </tr>
              </thead>
              <tbody>
                {page.rows.map((g) => (
                  <tr key={g.id} data-testid="no-show-row">
                    <td>
                      {g.firstName} {g.lastName}
                    </td>
                    <td>{g.email}</td>
                    <td className="mono">{g.barcode ?? ""}</td>
                    <td>{g.tags ?? ""}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {matched > NO_SHOW_PAGE && (
            <div className="arrivals-pager">
              <button
                type="button"
                className="btn btn-ghost btn-small"
                disabled={offset === 0}
                onClick={() => {
                  setOffset((o) => Math.max(0, o - NO_SHOW_PAGE));
                }}
              >
                Previous
              </button>
              <button
                type="button"
                className="btn btn-ghost btn-small"
                data-testid="no-shows-next"
                disabled={offset + NO_SHOW_PAGE >= matched}
                onClick={() => {
                  setOffset((o) => o + NO_SHOW_PAGE);
                }}
              >
                Next
              </button>
            </div>
          )}
        </>
      )}
    </section>
  );
}
