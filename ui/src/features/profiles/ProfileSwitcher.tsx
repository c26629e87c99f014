import { useEffect, useRef, useState } from "react";
import { errorBody, type ErrorBody, type SignedIn } from "../../api";
import { ErrorNotice } from "../../components/ErrorNotice";
import { hostOf, type ProfileEntry, type ProfilesApi } from "./api";
import "./profiles.css";

interface Props {
  who: SignedIn;
  api: ProfilesApi;
  /** Signed in to another profile (or, after "forget", to none). */
  onSwitched: (who: SignedIn | null) => void;
  /** Open the sign-in form for another account; this profile's secrets stay saved. */
  onAddProfile?: () => void;
}

/** The top bar's profile menu: switch to another saved profile without typing, or sign out
 * and forget this one. */
export function ProfileSwitcher({ who, api, onSwitched, onAddProfile }: Props) {
  const [open, setOpen] = useState(false);
  const [profiles, setProfiles] = useState<ProfileEntry[] | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<ErrorBody | null>(null);
  const root = useRef<HTMLDivElement>(null);

  // Loaded on mount and refreshed on every open, so the menu opens with its items in place:
  // a list arriving after the menu is shown would push "Sign out and forget" under the pointer.
  useEffect(() => {
    let live = true;
    api
      .list()
      .then((l) => {
        if (live) setProfiles(l);
      })
      .catch((e: unknown) => {
        if (live) setError(errorBody(e));
      });
    return () => {
      live = false;
    };
  }, [api, open]);

  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape") setOpen(false);
    };
    const onClick = (e: MouseEvent) => {
      if (root.current && !root.current.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener("keydown", onKey);
    document.addEventListener("mousedown", onClick);
    return () => {
      document.removeEventListener("keydown", onKey);
      document.removeEventListener("mousedown", onClick);
    };
  }, [open]);

  async function run(name: string, f: () => Promise<SignedIn | null>) {
    setBusy(name);
    setError(null);
    try {
      const next = await f();
      setOpen(false);
      onSwitched(next);
    } catch (e) {
      setError(errorBody(e));
    } finally {
      setBusy(null);
    }
  }

  const others = profiles?.filter((p) => who.demo || p.name !== who.profile) ?? [];

  return (
    <div className="profile-switcher" ref={root}>
      <button type="button" className="btn btn-ghost" data-testid="profile-switch" aria-haspopup="menu" aria-expanded={open} onClick={() => { setOpen((o) => !o); }}>
        Switch profile <span className="caret" aria-hidden="true" />
      </button>
      {open && (
        <div className="profile-menu" role="menu" data-testid="profile-menu">
          {error && <ErrorNotice error={error} />}
          {profiles === null && !error && <p className="muted small pad-s">Loading profiles…</p>}
          {profiles !== null && others.length === 0 && <p className="muted small pad-s">No other saved profile yet.</p>}
          {others.map((p) => (
            <button
              key={p.name}
              type="button"
              role="menuitem"
              className="profile-menu-item"
              data-testid="profile-menu-item"
              data-profile={p.name}
              disabled={!p.hasSecrets || busy !== null}
              title={p.hasSecrets ? undefined : "Its secrets are not in the keychain: sign out and enter them"}
              onClick={() => void run(p.name, () => api.signIn(p.name))}
            >
              <span className="saved-profile-name">{busy === p.name ? `Switching to ${p.name}…` : p.name}</span>
              <span className="muted small">
                {p.username} · {hostOf(p.apiBase)}
                {p.hasSecrets ? "" : " · needs sign-in"}
              </span>
            </button>
          ))}
          {onAddProfile && (
            <button
              type="button"
              role="menuitem"
              className="profile-menu-item profile-menu-add"
              data-testid="profile-add"
              disabled={busy !== null}
              onClick={() => {
                setOpen(false);
                onAddProfile();
              }}
            >
              Add another profile…
              <span className="muted small">Sign in to another account; saved profiles stay</span>
            </button>
          )}
          {!who.demo && (
            <button
              type="button"
              role="menuitem"
              className="profile-menu-item profile-menu-danger"
              data-testid="profile-forget-current"
              disabled={busy !== null}
              onClick={() =>
                void run(who.profile, async () => {
                  await api.forget(who.profile);
                  return null;
                })
              }
            >
              Sign out and forget “{who.profile}”
              <span className="muted small">Removes its secrets from the keychain and its settings</span>
            </button>
          )}
        </div>
      )}
    </div>
  );
}
