// The jobs a crash, a kill or a sign-out left unfinished (bulk resend, attendee import), as
// Rust lists them, read once per `api`; `drop` removes the first (resumed or discarded).
import { useEffect, useState } from "react";

export function useUnfinished<J>(api: { unfinished: () => Promise<J[]> }) {
  const [jobs, setJobs] = useState<J[]>([]);
  useEffect(() => {
    let live = true;
    api
      .unfinished()
      .then((j) => {
        if (live) setJobs(j);
      })
      .catch(() => {});
    return () => {
      live = false;
    };
  }, [api]);
  const drop = () => {
    setJobs((j) => j.slice(1));
  };
  return { job: jobs[0], drop };
}
