// How the preview emulates a dark-mode inbox. The document is built in Rust
// (core ops::studio::dark): "invert" inverts the colours but not images, like the Gmail app;
// "scheme" applies the template's own prefers-color-scheme: dark rules, like Apple Mail.
import type { DarkEmulation } from "../../bindings/DarkEmulation";

export const DARK_MODES: { value: DarkEmulation; label: string; hint: string }[] = [
  { value: "off", label: "Off", hint: "As a light inbox shows it" },
  { value: "invert", label: "Inverted (Gmail app)", hint: "The client inverts the colours itself; images are not inverted" },
  { value: "scheme", label: "Own dark styles (Apple Mail)", hint: "The template's @media (prefers-color-scheme: dark) rules apply on a dark background" },
];

export function DarkPreviewToggle({ value, onChange }: { value: DarkEmulation; onChange: (v: DarkEmulation) => void }) {
  const hint = DARK_MODES.find((m) => m.value === value)?.hint;
  return (
    <label className="check small dark-toggle" title={hint}>
      Dark mode
      <select
        className="input input-small"
        data-testid="preview-dark"
        value={value}
        onChange={(e) => {
          onChange(e.target.value as DarkEmulation);
        }}
      >
        {DARK_MODES.map((m) => (
          <option key={m.value} value={m.value}>
            {m.label}
          </option>
        ))}
      </select>
    </label>
  );
}
