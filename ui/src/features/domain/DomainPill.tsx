// The sending domain's state at a glance (home screen nav), kept current by the domain screen.
import { useCallback, useEffect, useMemo, useState } from "react";
import type { DomainApi, DomainGlance, DomainStatusInfo, DomainView } from "./api";
import type { RecheckApi } from "./recheck";
import "./pill.css";

const SHORT: Record<DomainGlance, string> = {
  not_set_up: "not set up",
  waiting_for_dns: "waiting for DNS",
  verified: "verified",
  disabled: "disabled",
};

function glanceOf(v: DomainView): DomainStatusInfo {
  return { status: v.status, label: v.label, domain: v.domainUnicode };
}

/** `api` with every answer that carries the domain's state also reported to `onView`. */
export function reportingDomainApi(api: DomainApi, onView: (g: DomainStatusInfo) => void): DomainApi {
  const view = async (p: Promise<DomainView>) => {
    const v = await p;
    onView(glanceOf(v));
    return v;
  };
  const action = async (p: ReturnType<DomainApi["verify"]>) => {
    const r = await p;
    onView(glanceOf(r.view));
    return r;
  };
  return {
    ...api,
    get: () => view(api.get()),
    create: (d) => view(api.create(d)),
    remove: () => view(api.remove()),
    demoPublishDns: () => view(api.demoPublishDns()),
    verify: () => action(api.verify()),
    activate: () => action(api.activate()),
    deactivate: () => action(api.deactivate()),
  };
}

/** The glance (null until known or if it cannot be read) and the api to hand to DomainView.
 * With `recheck`, the background recheck's answers update it too, and a recheck left on in the
 * background resumes at sign-in. */
export function useDomainGlance(api: DomainApi, recheck?: RecheckApi): { glance: DomainStatusInfo | null; api: DomainApi } {
  const [state, setState] = useState<{ glance: DomainStatusInfo; fromScreen: boolean } | null>(null);
  const onView = useCallback((glance: DomainStatusInfo) => {
    setState({ glance, fromScreen: true });
  }, []);
  useEffect(() => {
    let live = true;
    api.status().then(
      (g) => {
        // The screen's answers are newer than this initial request, which may land after them.
        if (live) setState((prev) => (prev?.fromScreen ? prev : { glance: g, fromScreen: false }));
      },
      () => {
        // No pill rather than a wrong one; the domain screen shows the error itself.
      },
    );
    return () => {
      live = false;
    };
  }, [api]);
  useEffect(() => {
    if (!recheck) return;
    let live = true;
    let unlisten: (() => void) | null = null;
    recheck
      .onUpdate((u) => {
        if (live && u.view && u.phase !== "off") onView(glanceOf(u.view));
      })
      .then(
        (f) => {
          if (live) unlisten = f;
          else f();
        },
        () => undefined,
      );
    // Only starts when "keep checking in the background" is on and the domain waits for DNS.
    recheck.start(false).catch(() => undefined);
    return () => {
      live = false;
      unlisten?.();
    };
  }, [recheck, onView]);
  const reporting = useMemo(() => reportingDomainApi(api, onView), [api, onView]);
  return { glance: state?.glance ?? null, api: reporting };
}

export function DomainPill({ glance }: { glance: DomainStatusInfo | null }) {
  if (!glance) return null;
  const title = glance.domain ? `${glance.domain}: ${glance.label}` : glance.label;
  return (
    <span className={`nav-pill nav-pill-${glance.status}`} data-testid="domain-pill" data-status={glance.status} title={title}>
      {SHORT[glance.status]}
    </span>
  );
}
