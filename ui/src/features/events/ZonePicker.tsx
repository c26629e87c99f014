import { useEffect, useId, useState } from "react";
import type { EventsApi, ZoneInfo } from "./api";

interface Props {
  /** The selected IANA zone id. */
  value: string;
  onChange: (id: string) => void;
  api: Pick<EventsApi, "zones">;
  invalid?: boolean;
}

/** A searchable list over every IANA zone (searched in Rust): type a city, a region or an
 * offset such as "+09", pick with the mouse or arrows + Enter. */
export function ZonePicker({ value, onChange, api, invalid = false }: Props) {
  const [query, setQuery] = useState("");
  const [open, setOpen] = useState(false);
  const [zones, setZones] = useState<ZoneInfo[]>([]);
  const [matched, setMatched] = useState(0);
  const [active, setActive] = useState(0);
  const [selected, setSelected] = useState<ZoneInfo | null>(null);
  const listId = useId();

  // The selected zone's label (with its offset now), also for a zone set from outside.
  useEffect(() => {
    if (!value || selected?.id === value) return;
    let live = true;
    api
      .zones(value, 20)
      .then((r) => {
        if (live) setSelected(r.zones.find((z) => z.id === value) ?? { id: value, offset: "", label: value });
      })
      .catch(() => {});
    return () => {
      live = false;
    };
  }, [api, value, selected]);

  useEffect(() => {
    if (!open) return;
    let live = true;
    const t = setTimeout(() => {
      api
        .zones(query, 50)
        .then((r) => {
          if (!live) return;
          setZones(r.zones);
          setMatched(r.matched);
          setActive(0);
        })
        .catch(() => {});
    }, 80);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [api, query, open]);

  function pick(z: ZoneInfo) {
    setSelected(z);
    onChange(z.id);
    setOpen(false);
    setQuery("");
  }

  return (
    <div className="zone-picker">
      <input
        id="event-zone"
        className={invalid ? "input-invalid" : undefined}
        role="combobox"
        aria-expanded={open}
        aria-controls={listId}
        aria-autocomplete="list"
        autoComplete="off"
        data-testid="zone-search"
        placeholder={selected?.label ?? "Search a city, region or offset (+09)"}
        value={open ? query : (selected?.label ?? value)}
        onFocus={() => {
          setOpen(true);
        }}
        onBlur={() => {
          // Let a click on an option land first.
          setTimeout(() => {
            setOpen(false);
          }, 150);
        }}
        onChange={(e) => {
          setQuery(e.target.value);
          setOpen(true);
        }}
        onKeyDown={(e) => {
          if (!open) return;
          if (e.key === "ArrowDown") {
            e.preventDefault();
            setActive((a) => Math.min(a + 1, zones.length - 1));
          } else if (e.key === "ArrowUp") {
            e.preventDefault();
            setActive((a) => Math.max(a - 1, 0));
          } else if (e.key === "Enter") {
            e.preventDefault();
            const z = zones[active];
            if (z) pick(z);
          } else if (e.key === "Escape") {
            e.stopPropagation();
            setOpen(false);
            setQuery("");
          }
        }}
      />
      {open && (
        <ul className="zone-list" id={listId} role="listbox" data-testid="zone-list">
          {zones.length === 0 && <li className="zone-none muted small">No time zone matches “{query}”.</li>}
          {zones.map((z, i) => (
            <li
              key={z.id}
              role="option"
              aria-selected={i === active}
              className={`zone-option${i === active ? " zone-option-active" : ""}`}
              data-testid="zone-option"
              data-zone={z.id}
              onMouseDown={(e) => {
                e.preventDefault();
                pick(z);
              }}
            >
              <span>{z.id.replace(/_/g, " ")}</span>
              <span className="muted small">UTC{z.offset}</span>
            </li>
          ))}
          {matched > zones.length && (
            <li className="zone-none muted small">
              {matched - zones.length} more: type more of the name
            </li>
          )}
        </ul>
      )}
    </div>
  );
}
