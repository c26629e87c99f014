import { useEffect, useMemo, useRef, useState } from "react";
import type { Api, GuestRow } from "../../api";
import { effectiveTheme, setTheme, useThemeChoice } from "../theme/theme";
import { currentDeskEvent, sendDeskRequest } from "./bus";
import { rank } from "./fuzzy";
import "./palette.css";
import { useFocusTrap } from "../useFocusTrap";

export type PaletteSection = "events" | "templates" | "domain" | "webhooks";

export interface PaletteItem {
  id: string;
  label: string;
  /** Extra words the filter matches (not shown). */
  keywords?: string;
  /** What the filter matches instead of the label (a label that echoes the query). */
  match?: string;
  /** Listed (last) even when the query does not match it. */
  always?: boolean;
  /** Shown on the right, muted. */
  hint?: string;
  group: "Actions" | "Attendees";
  run: () => void;
}

interface Props {
  api: Pick<Api, "guestsPage">;
  onNavigate: (s: PaletteSection) => void;
  onSignOut: () => void;
  /** Extra actions (the demo's offline switch). */
  extra?: PaletteItem[];
}

/** Attendee results per query (the search itself runs in Rust, over the shown event). */
const ATTENDEE_LIMIT = 6;
const SEARCH_DELAY_MS = 120;

/** Actions first when the query starts a word of theirs, then attendees, then looser matches. */
export function orderItems(query: string, actions: PaletteItem[], attendees: PaletteItem[]): PaletteItem[] {
  const ranked = rank(query, actions, (a) => `${a.match ?? a.label} ${a.keywords ?? ""}`);
  const strong = ranked.filter((r) => r.score >= 3).map((r) => r.item);
  const weak = ranked.filter((r) => r.score < 3).map((r) => r.item);
  const listed = new Set(ranked.map((r) => r.item));
  const always = actions.filter((a) => a.always && !listed.has(a));
  return [...strong, ...attendees, ...weak, ...always];
}

/** Ctrl+K (or ⌘K) anywhere opens it; Ctrl+K again or Esc closes it and gives focus back. */
export function CommandPalette(props: Props) {
  const [open, setOpen] = useState(false);
  const returnTo = useRef<HTMLElement | null>(null);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && !e.altKey && !e.shiftKey && e.key.toLowerCase() === "k") {
        e.preventDefault();
        e.stopPropagation();
        setOpen((was) => {
          if (!was) returnTo.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
          else returnTo.current?.focus();
          return !was;
        });
      }
    };
    // Capture: editors (CodeMirror) must not swallow it first.
    window.addEventListener("keydown", onKey, true);
    return () => {
      window.removeEventListener("keydown", onKey, true);
    };
  }, []);

  if (!open) return null;
  return (
    <PaletteDialog
      {...props}
      onClose={(then) => {
        // Focus goes back first, so an action that moves it (opening a panel) wins.
        returnTo.current?.focus();
        setOpen(false);
        then?.();
      }}
    />
  );
}

export function PaletteDialog({ api, onNavigate, onSignOut, extra = [], onClose }: Props & { onClose: (then?: () => void) => void }) {
  // Tab stays in the palette: its input is its only stop.
  const dialogRef = useRef<HTMLDivElement>(null);
  useFocusTrap(dialogRef);
  const [query, setQuery] = useState("");
  const [active, setActive] = useState(0);
  const [found, setFound] = useState<{ query: string; rows: GuestRow[] } | null>(null);
  const [searchError, setSearchError] = useState<string | null>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const listRef = useRef<HTMLUListElement>(null);
  const theme = useThemeChoice();
  const event = currentDeskEvent();
  const q = query.trim();

  useEffect(() => {
    inputRef.current?.focus();
  }, []);

  // Attendees by name, email, barcode or tag: asked of Rust (the shown event's cached list).
  useEffect(() => {
    if (q.length < 2 || !event) return;
    let live = true;
    const t = setTimeout(() => {
      api
        .guestsPage({ eventId: event.id, query: q, offset: 0, limit: ATTENDEE_LIMIT, refresh: false, checkedIn: undefined, tag: undefined })
        .then((page) => {
          if (!live) return;
          setFound({ query: q, rows: page.rows });
          setSearchError(null);
        })
        .catch((e: unknown) => {
          if (live) setSearchError(e instanceof Error ? e.message : "The search failed.");
        });
    }, SEARCH_DELAY_MS);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [api, event, q]);

  const items = useMemo(() => {
    const dark = effectiveTheme(theme) === "dark";
    const actions: PaletteItem[] = [
      { id: "go-home", label: "Go to Home", hint: "Events & attendees", keywords: "events attendees desk", group: "Actions", run: () => { onNavigate("events"); } },
      { id: "go-studio", label: "Go to Studio", hint: "Templates", keywords: "templates editor", group: "Actions", run: () => { onNavigate("templates"); } },
      { id: "go-domain", label: "Go to Domain", hint: "Sending domain", keywords: "dns verify", group: "Actions", run: () => { onNavigate("domain"); } },
      { id: "go-webhooks", label: "Go to Webhooks", hint: "Delivery events", keywords: "events receiver", group: "Actions", run: () => { onNavigate("webhooks"); } },
      {
        id: "search-attendees",
        label: q ? `Search attendees for “${q}”` : "Search attendees",
        match: "Search attendees",
        always: true,
        hint: event ? event.title : undefined,
        keywords: "find people guests",
        group: "Actions",
        run: () => {
          onNavigate("events");
          sendDeskRequest({ kind: "search", query: q });
        },
      },
      {
        id: "theme-toggle",
        label: dark ? "Switch to light theme" : "Switch to dark theme",
        hint: theme === "system" ? "Now following the system" : undefined,
        keywords: "theme toggle dark light mode appearance",
        group: "Actions",
        run: () => { setTheme(dark ? "light" : "dark"); },
      },
      ...(theme === "system"
        ? []
        : [{ id: "theme-system", label: "Theme: follow the system", keywords: "theme dark light mode appearance auto", group: "Actions" as const, run: () => { setTheme("system"); } }]),
      ...extra,
      { id: "sign-out", label: "Sign out", keywords: "log out logout", group: "Actions", run: onSignOut },
    ];
    const people: PaletteItem[] =
      event && found && found.query === q && q.length >= 2
        ? found.rows.map((g) => ({
            id: `guest-${g.id}`,
            label: `${g.firstName} ${g.lastName}`,
            hint: g.email,
            group: "Attendees" as const,
            run: () => {
              onNavigate("events");
              sendDeskRequest({ kind: "open", eventId: event.id, guestId: g.id });
            },
          }))
        : [];
    return orderItems(q, actions, people);
  }, [theme, q, event, found, extra, onNavigate, onSignOut]);

  // A new list: back to its first item.
  const listKey = items.map((i) => i.id).join("|");
  const [shownKey, setShownKey] = useState(listKey);
  if (shownKey !== listKey) {
    setShownKey(listKey);
    setActive(0);
  }
  const current = Math.min(active, Math.max(items.length - 1, 0));

  useEffect(() => {
    // jsdom has no scrollIntoView.
    const el = listRef.current?.querySelector(`[data-index="${String(current)}"]`) as Partial<Pick<Element, "scrollIntoView">> | null | undefined;
    el?.scrollIntoView?.({ block: "nearest" });
  }, [current]);

  function onKeyDown(e: React.KeyboardEvent) {
    switch (e.key) {
      case "ArrowDown":
      case "ArrowUp": {
        e.preventDefault();
        if (items.length === 0) return;
        const step = e.key === "ArrowDown" ? 1 : -1;
        setActive((current + step + items.length) % items.length);
        return;
      }
      case "Home":
      case "End":
        if (!e.ctrlKey) return;
        e.preventDefault();
        setActive(e.key === "Home" ? 0 : Math.max(items.length - 1, 0));
        return;
      case "Enter": {
        e.preventDefault();
        const it = items[current];
        if (it) onClose(it.run);
        return;
      }
      case "Escape":
        e.preventDefault();
        // The attendee panel closes on Esc too: this Esc is only the palette's.
        e.stopPropagation();
        e.nativeEvent.stopImmediatePropagation();
        onClose();
        return;
    }
  }

  const searching = q.length >= 2 && event !== null && (found?.query !== q) && !searchError;
  return (
    <div
      className="palette-backdrop"
      data-testid="palette-backdrop"
      onMouseDown={(e) => {
        if (e.target === e.currentTarget) onClose();
      }}
    >
      <div className="palette" ref={dialogRef} role="dialog" aria-modal="true" aria-label="Command palette" data-testid="palette" onKeyDown={onKeyDown}>
        <input
          ref={inputRef}
          className="palette-input"
          data-testid="palette-input"
          role="combobox"
          aria-expanded="true"
          aria-controls="palette-list"
          aria-activedescendant={items[current] ? `palette-opt-${String(current)}` : undefined}
          aria-autocomplete="list"
          placeholder={event ? `Type a command or an attendee in ${event.title}…` : "Type a command…"}
          value={query}
          spellCheck={false}
          autoComplete="off"
          onChange={(e) => {
            setQuery(e.target.value);
          }}
        />
        <ul className="palette-list" id="palette-list" role="listbox" aria-label="Results" ref={listRef}>
          {items.map((it, i) => {
            const header = i === 0 || items[i - 1]?.group !== it.group ? it.group : null;
            return (
              <li key={it.id} role="presentation">
                {header && (
                  <div className="palette-group muted small" role="presentation">
                    {header === "Attendees" && event ? `Attendees · ${event.title}` : header}
                  </div>
                )}
                <div
                  id={`palette-opt-${String(i)}`}
                  role="option"
                  aria-selected={i === current}
                  data-index={i}
                  data-testid="palette-item"
                  data-item-id={it.id}
                  className={`palette-item${i === current ? " palette-item-active" : ""}`}
                  onMouseMove={() => {
                    if (i !== current) setActive(i);
                  }}
                  onClick={() => {
                    onClose(it.run);
                  }}
                >
                  <span className="palette-label">{it.label}</span>
                  {it.hint && <span className="palette-hint muted small">{it.hint}</span>}
                </div>
              </li>
            );
          })}
        </ul>
        <div className="palette-foot muted small" aria-live="polite" data-testid="palette-status">
          {searchError
            ? `Attendee search failed: ${searchError}`
            : searching
              ? "Searching attendees…"
              : items.length === 0
                ? `Nothing matches “${q}”.`
                : "↑↓ to move · Enter to run · Esc to close"}
        </div>
      </div>
    </div>
  );
}
