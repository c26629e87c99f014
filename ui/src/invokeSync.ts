// One command answered synchronously: a keystroke's preview. An async reply is handled only
// after the keystroke's task and the frame that draws it (~10 ms here), so the preview lagged
// the editor by a frame; answered inside the keystroke's task, both change in the same frame.
// A synchronous XMLHttpRequest to Tauri's IPC protocol, with the invoke key Tauri checks on
// every call (asked once, kept in this module). Only for commands Rust answers without
// waiting on anything: core's keystroke preview reads nothing but its session's caches.
import { convertFileSrc } from "@tauri-apps/api/core";
import { call, commandFailed, type Answer, type CallArgs } from "./api";
import type { Commands } from "./bindings/commands";

let key: string | null = null;
let asking: Promise<void> | null = null;

/** Asks for the key once. Until it has come, `callSync` answers null (call the async way). */
export function prepareSync(): Promise<void> {
  asking ??= call("ipc_invoke_key").then(
    (k) => {
      key = k;
    },
    () => {
      asking = null;
    },
  );
  return asking;
}

/** The command's answer; null when the synchronous way is not open (no key yet, or the
 * request did not reach the command): then call it the async way, which reports why.
 * A command's own error is thrown as a `CommandError`, as `call` does. */
export function callSync<K extends keyof Commands>(command: K, ...args: CallArgs<K>): Answer<K> | null {
  if (key === null) return null;
  const x = new XMLHttpRequest();
  try {
    x.open("POST", convertFileSrc(command, "ipc"), false);
    x.setRequestHeader("Content-Type", "application/json");
    // Callback ids are for async replies; a synchronous one comes back in the response.
    x.setRequestHeader("Tauri-Callback", "0");
    x.setRequestHeader("Tauri-Error", "0");
    x.setRequestHeader("Tauri-Invoke-Key", key);
    x.send(JSON.stringify(args.length > 0 ? { req: args[0] } : {}));
  } catch {
    return null;
  }
  if (x.status !== 200) return null;
  const body: unknown = JSON.parse(x.responseText);
  if (x.getResponseHeader("Tauri-Response") === "ok") return body as Answer<K>;
  throw commandFailed(command, body);
}
