import type { ScanProblem } from "./api";

const LABEL: Record<string, string> = {
  conflict: "Conflict",
  failed: "Refused",
  outcome_unknown: "Not confirmed",
};

/** Check-ins that did not simply go through: listed until someone reads them. */
export function ScanProblems({ problems, onDismiss }: { problems: ScanProblem[]; onDismiss: (id: number) => void }) {
  return (
    <section className="scan-problems" aria-label="Check-ins that need a look" data-testid="scan-problems">
      <h3>
        {problems.length} check-in{problems.length === 1 ? "" : "s"} need{problems.length === 1 ? "s" : ""} a look
      </h3>
      <ul>
        {problems.map((p) => (
          <li key={p.id} data-testid="scan-problem" data-state={p.state}>
            <span className="scan-problem-kind">{LABEL[p.state] ?? p.state}</span>
            <span className="scan-problem-name">{p.name}</span>
            <span className="scan-problem-text">{p.message}</span>
            <button
              type="button"
              className="btn btn-ghost btn-small"
              onClick={() => {
                onDismiss(p.id);
              }}
            >
              Dismiss
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
