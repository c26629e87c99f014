import { useEffect, useRef, useState } from "react";
import { copyText, type CopyFn } from "./copy";

/** Copies `text`; says "Copied" only after the clipboard write resolved. */
export function CopyButton({
  text,
  label = "Copy",
  what,
  copy = copyText,
  testId,
}: {
  text: string;
  label?: string;
  /** For screen readers: what is copied. */
  what: string;
  copy?: CopyFn;
  testId?: string;
}) {
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");
  const timer = useRef<number | undefined>(undefined);
  useEffect(() => () => { window.clearTimeout(timer.current); }, []);
  const onClick = () => {
    copy(text).then(
      () => {
        setState("copied");
        window.clearTimeout(timer.current);
        timer.current = window.setTimeout(() => {
          setState("idle");
        }, 2000);
      },
      () => {
        setState("failed");
      },
    );
  };
  const shown = state === "copied" ? "Copied" : state === "failed" ? "Copy failed — select and copy by hand" : label;
  return (
    <button
      type="button"
      className={`btn btn-ghost btn-small copy-btn${state === "copied" ? " copy-ok" : ""}`}
      // The visible words first (speech input users say them), then what is copied.
      aria-label={`${shown} (${what})`}
      data-testid={testId}
      data-state={state}
      onClick={onClick}
    >
      {shown}
    </button>
  );
}
