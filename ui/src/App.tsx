import { Suspense, useEffect, useState } from "react";
import { api as realApi, errorBody, type Api, type AppInfo, type ErrorBody, type SignedIn } from "./api";
import { ErrorNotice } from "./components/ErrorNotice";
import { Home } from "./components/Home";
import { PAGE_SIZE } from "./components/AttendeeTable";
import { defaultEvent } from "./components/EventsView";
import { defaultRange } from "./features/events/RangeBar";
import { preferredDeskEvent } from "./features/palette/bus";
import { preloadDesk } from "./startup";
import { lazyNamed } from "./lazyNamed";

/** At start-up the splash stays at most this long for the desk's first rows. */
const START_WAIT_MS = 300;
/** The splash shows only if start-up takes longer than this: a quick start goes from the empty
 * window straight to the desk, without a frame of splash (and its spinner) on the way. */
const SPLASH_DELAY_MS = 250;

// Not on the way to the desk: loaded when the sign-in form is needed.
const SignIn = lazyNamed(() => import("./components/SignIn"), "SignIn");

type Phase =
  | { kind: "loading"; note: string }
  | { kind: "failed"; error: ErrorBody }
  | { kind: "signin"; info: AppInfo; error: ErrorBody | null }
  | { kind: "home"; info: AppInfo; who: SignedIn };

/** Start-up's first requests: the events and the first attendees (so the desk opens with its
 * rows instead of two request round trips later; with --demo Rust is signing in already and
 * these wait for it; otherwise they fail as not signed in and are asked again once signed in),
 * and app_info. main.tsx asks them before React's first render (its render and effects each
 * wait for a task): they are then under way while the bundle's first render runs. */
export interface Boot {
  early: Promise<boolean>;
  info: Promise<AppInfo>;
}

const preloadFor = (api: Api) => () =>
  preloadDesk(api, defaultRange(), PAGE_SIZE, (rows) => preferredDeskEvent(rows.map((r) => r.id)) ?? defaultEvent(rows));

export function bootRequests(api: Api): Boot {
  const early = preloadFor(api)();
  void early.then(() => performance.mark("qflow:preloaded"));
  const info = api.appInfo();
  // Read by the App's effect; an unread failure is not an unhandled rejection.
  info.catch(() => {});
  return { early, info };
}

/** Start-up: already signed in → home; `--demo` → sign in to the sandbox; a saved profile →
 * resume it; else the sign-in form. */
export function App({ api = realApi, boot }: { api?: Api; boot?: Boot }) {
  const [phase, setPhase] = useState<Phase>({ kind: "loading", note: "Starting…" });
  const [signingOut, setSigningOut] = useState(false);
  const [splash, setSplash] = useState(false);
  useEffect(() => {
    const t = setTimeout(() => {
      setSplash(true);
    }, SPLASH_DELAY_MS);
    return () => {
      clearTimeout(t);
    };
  }, []);

  useEffect(() => {
    let live = true;
    const go = (p: Phase) => {
      if (live) setPhase(p);
    };
    const preload = preloadFor(api);
    const { early, info: infoAnswer } = boot ?? bootRequests(api);
    const home = async (info: AppInfo, who: SignedIn) => {
      const ready = early.then((ok) => ok || preload());
      await Promise.race([ready, new Promise((r) => setTimeout(r, START_WAIT_MS))]);
      go({ kind: "home", info, who });
    };
    void (async () => {
      let info: AppInfo;
      try {
        info = await infoAnswer;
        performance.mark("qflow:app-info");
      } catch (e) {
        go({ kind: "failed", error: errorBody(e) });
        return;
      }
      if (info.signedIn) {
        await home(info, info.signedIn);
        return;
      }
      try {
        if (info.demo) {
          go({ kind: "loading", note: "Starting the demo…" });
          const who = await api.demoSignIn();
          await home(info, who);
          return;
        }
        const who = await api.resumeSession();
        if (who) await home(info, who);
        else go({ kind: "signin", info, error: null });
      } catch (e) {
        go({ kind: "signin", info, error: errorBody(e) });
      }
    })();
    return () => {
      live = false;
    };
  }, [api, boot]);

  async function signOut(info: AppInfo) {
    setSigningOut(true);
    try {
      await api.signOut();
      setPhase({ kind: "signin", info: await api.appInfo(), error: null });
    } catch (e) {
      setPhase({ kind: "signin", info, error: errorBody(e) });
    } finally {
      setSigningOut(false);
    }
  }

  switch (phase.kind) {
    case "loading":
      if (!splash) return null;
      return (
        <div className="splash" data-testid="splash">
          <div className="spinner" aria-hidden="true" />
          <p className="muted">{phase.note}</p>
        </div>
      );
    case "failed":
      return (
        <div className="splash">
          <ErrorNotice error={phase.error} />
        </div>
      );
    case "signin":
      return (
        <Suspense fallback={null}>
          <SignIn
            info={phase.info}
            api={api}
            initialError={phase.error}
            onSignedIn={(who) => {
              setPhase({ kind: "home", info: phase.info, who });
            }}
          />
        </Suspense>
      );
    case "home":
      return (
        <Home
          // Another profile is another account: every screen starts afresh.
          key={`${phase.who.profile}@${phase.who.apiBase}`}
          who={phase.who}
          api={api}
          onSwitched={(who) => {
            if (who) {
              setPhase({ kind: "home", info: phase.info, who });
              return;
            }
            void api.appInfo().then(
              (info) => { setPhase({ kind: "signin", info, error: null }); },
              (e: unknown) => { setPhase({ kind: "signin", info: phase.info, error: errorBody(e) }); },
            );
          }}
          onAddProfile={() => {
            // The session and every saved secret stay until another sign-in replaces it.
            setPhase({ kind: "signin", info: { ...phase.info, saved: null, profile: "" }, error: null });
          }}
          signingOut={signingOut}
          onSignOut={() => {
            void signOut(phase.info);
          }}
        />
      );
  }
}
