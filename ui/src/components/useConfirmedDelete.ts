// The behaviour every "Delete …?" confirmation shares: the safe choice ("Keep it") has the
// focus, Escape closes, the delete runs once and a refusal stays on screen.
import { useEffect, useRef, useState } from "react";
import { errorBody, type ErrorBody } from "../api";

export function useConfirmedDelete(id: string, remove: (id: string) => Promise<unknown>, onClose: () => void, onDeleted: (id: string) => void) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorBody | null>(null);
  const keep = useRef<HTMLButtonElement>(null);
  // Parents pass a fresh onClose each render: read it through a ref so the listener is set once.
  const close = useRef(onClose);
  useEffect(() => {
    close.current = onClose;
  });
  useEffect(() => {
    keep.current?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape") close.current();
    };
    document.addEventListener("keydown", onKey);
    return () => {
      document.removeEventListener("keydown", onKey);
    };
  }, []);

  async function run() {
    setBusy(true);
    setError(null);
    try {
      await remove(id);
      onDeleted(id);
    } catch (e) {
      setError(errorBody(e));
      setBusy(false);
    }
  }

  return { busy, error, keep, confirm: () => void run() };
}
