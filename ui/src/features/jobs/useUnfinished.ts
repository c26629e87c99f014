// The jobs a crash, a kill or a sign-out left unfinished (bulk resend, attendee import), as
// Rust lists them, read once per `source`; `drop` removes one (resumed or discarded).
import { useCallback, useEffect, useState } from "react";

export function useUnfinished<J>(source: { unfinished: () => Promise<J[]> }) {
  const [jobs, setJobs] = useState<J[]>([]);
  useEffect(() => {
    let live = true;
    source
      .unfinished()
      .then((j) => {
        if (live) setJobs(j);
      })
      .catch(() => {});
    return () => {
      live = false;
    };
  }, [source]);
  /** Without `which`: the first (the one offered). */
  const drop = useCallback((which?: (j: J) => boolean) => {
    setJobs((list) => (which ? list.filter((j) => !which(j)) : list.slice(1)));
  }, []);
  return { jobs, job: jobs[0], drop };
}
