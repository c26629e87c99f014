import { useState } from "react";
import "./events.css";

export interface Range {
  from: string;
  to: string;
}

const pad = (n: number) => String(n).padStart(2, "0");
const day = (d: Date) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;

/** The list's default: 30 days back to 6 months ahead. */
export function defaultRange(now = new Date()): Range {
  const from = new Date(now.getFullYear(), now.getMonth(), now.getDate() - 30);
  const to = new Date(now.getFullYear(), now.getMonth() + 6, now.getDate());
  return { from: day(from), to: day(to) };
}

/** The dates the event list covers (YYYY-MM-DD); Rust checks them. */
export function RangeBar({ range, onApply }: { range: Range; onApply: (r: Range) => void }) {
  const [draft, setDraft] = useState(range);
  const changed = draft.from !== range.from || draft.to !== range.to;
  return (
    <form
      className="ev-range"
      data-testid="events-range"
      onSubmit={(e) => {
        e.preventDefault();
        onApply({ from: draft.from.trim(), to: draft.to.trim() });
      }}
    >
      <div className="field">
        <label htmlFor="events-from">From</label>
        <input id="events-from" data-testid="events-from" value={draft.from} placeholder="YYYY-MM-DD" onChange={(e) => { setDraft({ ...draft, from: e.target.value }); }} />
      </div>
      <div className="field">
        <label htmlFor="events-to">To</label>
        <input id="events-to" data-testid="events-to" value={draft.to} placeholder="YYYY-MM-DD" onChange={(e) => { setDraft({ ...draft, to: e.target.value }); }} />
      </div>
      <button type="submit" className="btn btn-secondary btn-small" data-testid="events-range-apply" disabled={!changed}>
        Show
      </button>
    </form>
  );
}
