import { Suspense, useEffect, useLayoutEffect, useMemo, useState } from "react";
import { markOnce } from "../startup";
import type { Api, SignedIn } from "../api";
import { EventsView } from "./EventsView";
import { Logo } from "./Logo";
import { domainApi } from "../features/domain/api";
import { recheckApi } from "../features/domain/recheck";
import { DomainPill, useDomainGlance } from "../features/domain/DomainPill";
import { webhookApi } from "../features/webhooks/api";
import { ProfileSwitcher } from "../features/profiles/ProfileSwitcher";
import { profilesApi } from "../features/profiles/api";
import { CommandPalette } from "../features/palette/Palette";
import { OfflineBanner } from "../features/offline/OfflineBanner";
import { WaitingBadge } from "../features/scan/WaitingBadge";
import { BulkResumeOffer } from "../features/bulk/BulkResumeOffer";
import { ImportResumeOffer } from "../features/import/ImportResumeOffer";
import { appOfflineMonitor } from "../features/offline/api";
import { demoOfflineActions } from "../features/offline/demo";
import { UpdateButton } from "../features/updates/UpdateButton";
import { updatesApi } from "../features/updates/api";
import { lazyNamed } from "../lazyNamed";

// Loaded when first opened: the desk (the start screen) doesn't wait for CodeMirror.
const StudioView = lazyNamed(() => import("../features/studio/StudioView"), "StudioView");
const DomainView = lazyNamed(() => import("../features/domain/DomainView"), "DomainView");
const WebhooksView = lazyNamed(() => import("../features/webhooks/WebhooksView"), "WebhooksView");
const loadingSection = <p className="muted pad">Loading…</p>;

type Section = "events" | "templates" | "domain" | "webhooks";

const SECTIONS: { id: Section; label: string; ready: boolean }[] = [
  { id: "events", label: "Events & attendees", ready: true },
  { id: "templates", label: "Templates", ready: true },
  { id: "domain", label: "Domain", ready: true },
  { id: "webhooks", label: "Webhooks", ready: true },
];

interface Props {
  who: SignedIn;
  api: Pick<Api, "eventsList" | "attendeeCounts" | "guestsPage">;
  onSignOut: () => void;
  signingOut?: boolean;
  /** Switched to another saved profile, or (null) signed out and forgot this one. */
  onSwitched?: (who: SignedIn | null) => void;
  onAddProfile?: () => void;
}

export function Home({ who, api, onSignOut, signingOut = false, onSwitched, onAddProfile }: Props) {
  markOnce("qflow:home-render");
  useLayoutEffect(() => {
    markOnce("qflow:home-commit");
    // Style and layout now rather than just after (the frame needs them anyway), so that the
    // bench's breakdown shows what they cost.
    document.body.getBoundingClientRect();
    markOnce("qflow:home-layout");
    setTimeout(() => {
      markOnce("qflow:home-task");
    }, 0);
    requestAnimationFrame(() => {
      markOnce("qflow:home-raf");
      // The first task after that frame's style, layout and paint.
      setTimeout(() => {
        markOnce("qflow:home-painted");
      }, 0);
    });
  }, []);
  useEffect(() => {
    markOnce("qflow:home-effects");
  }, []);
  const [section, setSection] = useState<Section>("events");
  const current = SECTIONS.find((s) => s.id === section) ?? SECTIONS[0];
  const domain = useDomainGlance(domainApi, recheckApi);
  const paletteExtra = useMemo(() => (who.demo ? demoOfflineActions(appOfflineMonitor()) : []), [who.demo]);

  return (
    <div className="shell" data-testid="home">
      <CommandPalette api={api} onNavigate={setSection} onSignOut={onSignOut} extra={paletteExtra} />
      <OfflineBanner />
      <BulkResumeOffer />
      <ImportResumeOffer />
      <header className="topbar">
        <div className="brand">
          <Logo size={24} />
          <span className="brand-name">Qflow Console</span>
        </div>
        <div className="topbar-right">
          <WaitingBadge />
          {who.demo && (
            <span className="badge badge-demo" data-testid="demo-badge" title="Signed in to the built-in sandbox with sample data">
              Demo
            </span>
          )}
          <div className="who" data-testid="who">
            <span className="who-profile" data-testid="who-profile">{who.profile}</span>
            <span className="who-user muted">{who.username}</span>
          </div>
          <UpdateButton api={updatesApi} />
          {onSwitched && <ProfileSwitcher who={who} api={profilesApi} onSwitched={onSwitched} onAddProfile={onAddProfile} />}
          <button type="button" className="btn btn-ghost" data-testid="sign-out" disabled={signingOut} onClick={onSignOut}>
            {signingOut ? "Signing out…" : "Sign out"}
          </button>
        </div>
      </header>
      <nav className="sidenav" aria-label="Sections">
        <ul>
          {SECTIONS.map((s) => (
            <li key={s.id}>
              <button
                type="button"
                className={`nav-item${s.id === section ? " nav-item-active" : ""}`}
                data-testid={`nav-${s.id}`}
                aria-current={s.id === section ? "page" : undefined}
                onClick={() => {
                  setSection(s.id);
                }}
              >
                <span>{s.label}</span>
                {!s.ready && <span className="tag-soon">coming next</span>}
                {s.id === "domain" && <DomainPill glance={domain.glance} />}
              </button>
            </li>
          ))}
        </ul>
      </nav>
      <main className="content">
        {section === "templates" ? (
          <Suspense fallback={loadingSection}>
            <StudioView
              onOpenDomain={() => {
                setSection("domain");
              }}
            />
          </Suspense>
        ) : section === "domain" ? (
          <div className="page-scroll">
            <Suspense fallback={loadingSection}>
              <DomainView api={domain.api} recheck={recheckApi} />
            </Suspense>
          </div>
        ) : section === "webhooks" ? (
          <div className="page-scroll">
            <Suspense fallback={loadingSection}>
              <WebhooksView api={webhookApi} />
            </Suspense>
          </div>
        ) : current?.ready ? (
          <EventsView api={api} />
        ) : (
          <div className="placeholder" data-testid="placeholder">
            <h1>{current?.label}</h1>
            <p className="muted">This part of the console is coming next.</p>
          </div>
        )}
      </main>
    </div>
  );
}
