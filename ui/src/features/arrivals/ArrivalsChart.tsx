// Arrivals per 5 minutes as an inline SVG bar chart drawn from Rust's slots (no counting here),
// with the same numbers as a table for screen readers and anyone who prefers one.
import type { ArrivalBucket } from "./api";

const W = 720;
const H = 180;
const AXIS = 22;
const TOP = 14;
/** Widest slot (px of the viewBox). */
const MAX_SLOT = 36;
/** At most this many time labels under the bars. */
const LABELS = 8;

interface Props {
  buckets: ArrivalBucket[];
  peak: ArrivalBucket | null;
  zone: string;
}

export function ArrivalsChart({ buckets, peak, zone }: Props) {
  const first = buckets.at(0);
  const last = buckets.at(-1);
  if (!first || !last) {
    return (
      <p className="muted" data-testid="arrivals-chart-empty">
        No arrivals yet.
      </p>
    );
  }
  const max = Math.max(1, ...buckets.map((b) => b.count));
  // Few slots stay narrow bars from the left instead of stretching across the chart.
  const slot = Math.min(W / buckets.length, MAX_SLOT);
  const bar = Math.max(1, slot * 0.8);
  const every = Math.max(1, Math.ceil(buckets.length / LABELS));
  const plot = H - AXIS - TOP;
  const summary = `Arrivals per 5 minutes from ${first.time} to ${last.time} (${zone})${
    peak ? `; the peak is ${peak.count} at ${peak.time}` : ""
  }.`;
  return (
    <figure className="arrivals-chart" data-testid="arrivals-chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={summary} preserveAspectRatio="xMidYMid meet">
        <line className="chart-axis" x1={0} x2={W} y1={H - AXIS} y2={H - AXIS} />
        <text className="chart-label" x={2} y={TOP - 3}>
          {max}
        </text>
        {buckets.map((b, i) => {
          const h = (b.count / max) * plot;
          const isPeak = peak !== null && b.start === peak.start;
          return (
            <rect
              key={b.start}
              className={isPeak ? "chart-bar chart-peak" : "chart-bar"}
              data-testid="arrivals-bar"
              data-count={b.count}
              x={i * slot + (slot - bar) / 2}
              y={H - AXIS - h}
              width={bar}
              height={h}
            >
              <title>{`${b.date} ${b.time}: ${b.count}`}</title>
            </rect>
          );
        })}
        {buckets.map((b, i) =>
          i % every === 0 ? (
            <text key={`l-${b.start}`} className="chart-label" x={i * slot + slot / 2} y={H - 6} textAnchor="middle">
              {b.time}
            </text>
          ) : null,
        )}
      </svg>
      <figcaption className="muted small">{summary}</figcaption>
      <details className="arrivals-table-alt">
        <summary>Arrivals as a table</summary>
        <table className="table" data-testid="arrivals-table">
          <thead>
            <tr>
              <th scope="col">From ({zone})</th>
              <th scope="col">Arrivals</th>
            </tr>
          </thead>
          <tbody>
            {buckets.map((b) => (
              <tr key={b.start}>
                <td>
                  {b.date} {b.time}
                </td>
                <td>{b.count}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
