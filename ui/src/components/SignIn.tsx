import { useId, useState, type SyntheticEvent } from "react";
import { errorBody, type Api, type AppInfo, type ErrorBody, type SignedIn } from "../api";
import { ErrorNotice } from "./ErrorNotice";
import { Logo } from "./Logo";
import { profilesApi as realProfilesApi, type ProfilesApi } from "../features/profiles/api";
import { SavedProfiles } from "../features/profiles/SavedProfiles";

type Field = "profile" | "username" | "clientId" | "password" | "clientSecret" | "clientKey" | "apiBase" | "identityUrl";

/** Rust names fields in several spellings ("client-id", "client secret", "apiBase"): compare
 * letters only. */
export function fieldFor(name: string | null): Field | null {
  if (!name) return null;
  const key = name.toLowerCase().replace(/[^a-z]/g, "");
  const all: Field[] = ["profile", "username", "clientId", "password", "clientSecret", "clientKey", "apiBase", "identityUrl"];
  return all.find((f) => f.toLowerCase() === key) ?? null;
}

interface Props {
  info: AppInfo;
  api: Pick<Api, "signIn" | "demoSignIn">;
  onSignedIn: (who: SignedIn) => void;
  initialError?: ErrorBody | null;
  profilesApi?: ProfilesApi;
}

export function SignIn({ info, api, onSignedIn, initialError = null, profilesApi = realProfilesApi }: Props) {
  const saved = info.saved;
  const [profile, setProfile] = useState(saved?.name ?? info.profile);
  const [username, setUsername] = useState(saved?.username ?? "");
  const [clientId, setClientId] = useState(saved?.clientId ?? "");
  const [apiBase, setApiBase] = useState(saved?.apiBase ?? "");
  const [identityUrl, setIdentityUrl] = useState(saved?.identityUrl ?? "");
  // Secrets live in these three states only until submit.
  const [password, setPassword] = useState("");
  const [clientSecret, setClientSecret] = useState("");
  const [clientKey, setClientKey] = useState("");
  const [busy, setBusy] = useState<"form" | "demo" | null>(null);
  const [error, setError] = useState<ErrorBody | null>(initialError);
  const id = useId();
  const bad = fieldFor(error?.field ?? null);

  async function submit(ev: SyntheticEvent) {
    ev.preventDefault();
    setBusy("form");
    setError(null);
    const req = { profile, apiBase, identityUrl, clientId, username, password, clientSecret, clientKey };
    setPassword("");
    setClientSecret("");
    setClientKey("");
    try {
      onSignedIn(await api.signIn(req));
    } catch (e) {
      setError(errorBody(e));
    } finally {
      setBusy(null);
    }
  }

  async function demo() {
    setBusy("demo");
    setError(null);
    try {
      onSignedIn(await api.demoSignIn());
    } catch (e) {
      setError(errorBody(e));
    } finally {
      setBusy(null);
    }
  }

  const input = (f: Field, label: string, value: string, set: (v: string) => void, opts: { type?: string; hint?: string; autoComplete?: string } = {}) => (
    <div className={`field${bad === f ? " field-invalid" : ""}`}>
      <label htmlFor={`${id}-${f}`}>{label}</label>
      <input
        id={`${id}-${f}`}
        name={f}
        data-testid={`signin-${f}`}
        type={opts.type ?? "text"}
        value={value}
        autoComplete={opts.autoComplete ?? "off"}
        spellCheck={false}
        aria-invalid={bad === f}
        onChange={(e) => {
          set(e.target.value);
        }}
      />
      {opts.hint && <small className="hint">{opts.hint}</small>}
    </div>
  );

  return (
    <main className="signin" data-testid="signin-screen">
      <div className="signin-card">
        <header className="signin-header">
          <Logo size={40} />
          <div>
            <h1>Qflow Console</h1>
            <p className="muted">Event staff console for the Qflow API</p>
          </div>
        </header>

        <section className="demo-callout">
          <div>
            <h2>New here?</h2>
            <p className="muted">Explore with sample events and attendees. Nothing leaves this computer.</p>
          </div>
          <button
            type="button"
            className="btn btn-primary btn-large"
            data-testid="try-demo"
            disabled={busy !== null}
            onClick={() => void demo()}
          >
            {busy === "demo" ? "Starting the demo…" : "Try the demo"}
          </button>
        </section>

        <SavedProfiles
          api={profilesApi}
          disabled={busy !== null}
          onSignedIn={onSignedIn}
          onPrefill={(p) => {
            setProfile(p.name);
            setUsername(p.username);
            setClientId(p.clientId);
            setApiBase(p.apiBase);
            setIdentityUrl(p.identityUrl);
            setError(null);
          }}
        />

        {error && <ErrorNotice error={error} onDismiss={() => { setError(null); }} />}

        <form className="signin-form" onSubmit={(e) => void submit(e)} data-testid="signin-form" noValidate>
          <h2>Sign in to your Qflow account</h2>
          <div className="grid-2">
            {input("username", "Username", username, setUsername, { autoComplete: "username" })}
            {input("password", "Password", password, setPassword, { type: "password", autoComplete: "current-password" })}
            {input("clientId", "Client ID", clientId, setClientId, { hint: "Supplied by Qflow support" })}
            {input("clientSecret", "Client secret", clientSecret, setClientSecret, { type: "password" })}
            {input("clientKey", "Client key", clientKey, setClientKey, { type: "password", hint: "Sent as X-Qflow-Client-Key" })}
            {input("profile", "Profile name", profile, setProfile, { hint: "Lets you keep several accounts" })}
          </div>
          <details className="advanced" open={bad === "apiBase" || bad === "identityUrl" ? true : undefined}>
            <summary>Advanced</summary>
            <div className="grid-2">
              {input("apiBase", "API base URL", apiBase, setApiBase, { hint: "Empty: https://api-uksouth-01.qflowhub.io" })}
              {input("identityUrl", "Identity (token) URL", identityUrl, setIdentityUrl, { hint: "Empty: the production identity server" })}
            </div>
          </details>
          <p className="muted small">
            Password, client secret and client key go to your system keychain and are never shown again.
          </p>
          <div className="actions">
            <button type="submit" className="btn btn-secondary" data-testid="signin-submit" disabled={busy !== null}>
              {busy === "form" ? "Signing in…" : "Sign in"}
            </button>
          </div>
        </form>
      </div>
    </main>
  );
}
