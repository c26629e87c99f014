// Step 1: the first rows of the file with the column each fills; unmatched columns can be
// mapped to a field or left out (the mapping is applied in Rust: `import_preview`).
import type { CsvPreview, ImportChoices } from "./api";

interface Props {
  fileName: string;
  preview: CsvPreview;
  choices: ImportChoices;
  onMap: (header: string, field: string | null) => void;
}

const LEAVE_OUT = "";
const AUTO = "__auto__";

export function ImportMapping({ fileName, preview, choices, onMap }: Props) {
  const unmatched = preview.columns.filter((c) => !c.field && !c.ignored).length;
  return (
    <div data-testid="import-mapping">
      <p className="muted small">
        <strong>{fileName}</strong>: {preview.columns.length} columns.{" "}
        {unmatched > 0 ? (
          <span className="import-warn" data-testid="import-unmatched">
            {unmatched} column{unmatched === 1 ? " is" : "s are"} not an attendee field: map {unmatched === 1 ? "it" : "them"} or leave{" "}
            {unmatched === 1 ? "it" : "them"} out.
          </span>
        ) : (
          "Every column has a field."
        )}
      </p>
      <div className="import-preview">
        <table className="table import-table">
          <thead>
            <tr>
              {preview.columns.map((c) => (
                <th key={c.header} className={!c.field && !c.ignored ? "import-col-unmatched" : undefined}>
                  <div className="import-header">{c.header}</div>
                  <select
                    aria-label={`Field for column ${c.header}`}
                    data-testid={`import-map-${c.header}`}
                    value={c.byHand ? (c.ignored ? LEAVE_OUT : (choices.overrides[c.header] ?? AUTO)) : AUTO}
                    onChange={(e) => {
                      onMap(c.header, e.target.value === AUTO ? null : e.target.value);
                    }}
                  >
                    <option value={AUTO}>{c.byHand || !c.field ? (c.field ? "(by name)" : "— not a field —") : `${c.field} (by name)`}</option>
                    {preview.knownFields.map((f) => (
                      <option key={f} value={f}>
                        {f}
                      </option>
                    ))}
                    <option value={LEAVE_OUT}>Leave out</option>
                  </select>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {preview.rows.map((r, i) => (
              <tr key={i}>
                {preview.columns.map((c, j) => (
                  <td key={c.header} className={c.ignored ? "import-cell-ignored" : undefined}>
                    {r[j] ?? ""}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
