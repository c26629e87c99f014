import { useEffect, useState } from "react";
import { errorBody, type ErrorBody, type SignedIn } from "../../api";
import { ErrorNotice } from "../../components/ErrorNotice";
import { hostOf, type ProfileEntry, type ProfilesApi } from "./api";
import "./profiles.css";

interface Props {
  api: ProfilesApi;
  onSignedIn: (who: SignedIn) => void;
  /** A profile whose secrets are not saved: fill the form with its settings. */
  onPrefill: (p: ProfileEntry) => void;
  disabled?: boolean;
}

/** The sign-in screen's list of saved profiles: one click signs in with the keychain's
 * secrets; "Forget" removes them and the profile's settings. Hidden when there are none. */
export function SavedProfiles({ api, onSignedIn, onPrefill, disabled = false }: Props) {
  const [profiles, setProfiles] = useState<ProfileEntry[]>([]);
  const [busy, setBusy] = useState<string | null>(null);
  const [confirm, setConfirm] = useState<string | null>(null);
  const [error, setError] = useState<ErrorBody | null>(null);
  const [reload, setReload] = useState(0);

  useEffect(() => {
    let live = true;
    api
      .list()
      .then((list) => {
        if (live) setProfiles(list);
      })
      .catch(() => {
        // No list (unreadable file): the form still works.
        if (live) setProfiles([]);
      });
    return () => {
      live = false;
    };
  }, [api, reload]);

  async function signIn(p: ProfileEntry) {
    setBusy(p.name);
    setError(null);
    try {
      onSignedIn(await api.signIn(p.name));
    } catch (e) {
      setError(errorBody(e));
      // The form gets the profile's settings: retyping the secrets is the way on.
      onPrefill(p);
      setReload((n) => n + 1);
    } finally {
      setBusy(null);
    }
  }

  async function forget(name: string) {
    setBusy(name);
    setError(null);
    try {
      await api.forget(name);
      setConfirm(null);
      setReload((n) => n + 1);
    } catch (e) {
      setError(errorBody(e));
    } finally {
      setBusy(null);
    }
  }

  if (profiles.length === 0 && !error) return null;

  return (
    <section className="saved-profiles" data-testid="saved-profiles" aria-label="Saved profiles">
      <h2>Saved profiles</h2>
      {error && <ErrorNotice error={error} onDismiss={() => { setError(null); }} />}
      <ul>
        {profiles.map((p) => (
          <li key={p.name} className="saved-profile" data-testid="saved-profile" data-profile={p.name}>
            <div className="saved-profile-who">
              <span className="saved-profile-name">
                {p.name}
                {p.current && <span className="saved-profile-now small">signed in now</span>}
              </span>
              <span className="muted small">
                {p.username} · {hostOf(p.apiBase)}
              </span>
            </div>
            {confirm === p.name ? (
              <div className="saved-profile-actions" role="alertdialog" aria-label={`Forget ${p.name}`}>
                <span className="small">Remove {p.name}’s secrets from the keychain and its settings?</span>
                <button type="button" className="btn btn-secondary btn-small" onClick={() => { setConfirm(null); }}>
                  Keep
                </button>
                <button type="button" className="btn btn-small btn-danger-solid" data-testid="profile-forget-yes" disabled={busy !== null} onClick={() => void forget(p.name)}>
                  Forget {p.name}
                </button>
              </div>
            ) : (
              <div className="saved-profile-actions">
                {p.hasSecrets ? (
                  <button type="button" className="btn btn-primary btn-small" data-testid="profile-sign-in" disabled={disabled || busy !== null} onClick={() => void signIn(p)}>
                    {busy === p.name ? "Signing in…" : "Sign in"}
                  </button>
                ) : (
                  <button type="button" className="btn btn-secondary btn-small" data-testid="profile-prefill" title="Its secrets are not in the keychain: type them once more" disabled={disabled || busy !== null} onClick={() => { onPrefill(p); }}>
                    Enter secrets
                  </button>
                )}
                <button type="button" className="btn btn-ghost btn-small" data-testid="profile-forget" disabled={busy !== null} onClick={() => { setConfirm(p.name); }}>
                  Forget…
                </button>
              </div>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
