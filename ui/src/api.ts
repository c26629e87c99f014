// The only door to Rust. Every command is typed with the structs ts-rs generates from the
// Rust side (src/bindings/), and every failure is an `ErrorBody` the UI switches on by `code`.
import { invoke } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import type { AppInfo } from "./bindings/AppInfo";
import type { AttendeeCount } from "./bindings/AttendeeCount";
import type { AttendeeCountsRequest } from "./bindings/AttendeeCountsRequest";
import type { Commands, Events } from "./bindings/commands";
import type { ApiCode } from "./bindings/ApiCode";
import type { ErrorBody } from "./bindings/ErrorBody";
import type { LocalCode } from "./bindings/LocalCode";
import type { EventRow } from "./bindings/EventRow";
import type { EventsListRequest } from "./bindings/EventsListRequest";
import type { GuestsPage } from "./bindings/GuestsPage";
import type { GuestsPageRequest } from "./bindings/GuestsPageRequest";
import type { SignInRequest } from "./bindings/SignInRequest";
import type { SignedIn } from "./bindings/SignedIn";

export type { AppInfo, AttendeeCount, ErrorBody, EventRow, GuestsPage, SignInRequest, SignedIn };
export type { GuestRow } from "./bindings/GuestRow";
export type { SavedProfile } from "./bindings/SavedProfile";

/** An error code the app knows (its own or the guide's): a misspelt code fails `tsc`. */
export type Code = LocalCode | ApiCode;

/** `actual` is `expected`. The UI compares codes only through this, never with a bare string. */
export function codeIs(actual: string | undefined, expected: Code): boolean {
  return actual === expected;
}

/** A failed command. `body.code` is stable; `body.message` and `body.nextStep` are for people. */
export class CommandError extends Error {
  readonly body: ErrorBody;
  readonly command: string;

  constructor(command: string, body: ErrorBody) {
    super(body.message);
    this.name = "CommandError";
    this.command = command;
    this.body = body;
  }

  get code(): string {
    return this.body.code;
  }
}

function isErrorBody(v: unknown): v is ErrorBody {
  if (typeof v !== "object" || v === null) return false;
  const o = v as Record<string, unknown>;
  return typeof o.code === "string" && typeof o.message === "string";
}

/** Whatever a rejected `invoke` carried, as an `ErrorBody`. Tauri itself rejects with plain
 * strings (unknown command, bad arguments); those become `ipc_error`. */
export function toErrorBody(e: unknown): ErrorBody {
  if (isErrorBody(e)) {
    // Rust omits absent optionals (`skip_serializing_if`); keep only well-typed fields.
    const o = e as unknown as Record<string, unknown>;
    return {
      status: typeof o.status === "number" ? o.status : undefined,
      code: e.code,
      message: e.message,
      nextStep: typeof o.nextStep === "string" ? o.nextStep : "",
      endpoint: typeof o.endpoint === "string" ? o.endpoint : undefined,
      field: typeof o.field === "string" ? o.field : undefined,
      details: typeof o.details === "object" && o.details !== null ? (o.details as Record<string, unknown>) : {},
    };
  }
  const message = typeof e === "string" ? e : e instanceof Error ? e.message : "Unknown error";
  return {
    code: "ipc_error" satisfies LocalCode,
    message: `The app could not complete the request: ${message}`,
    nextStep: "Try again; if it keeps happening, restart Qflow Console and report the message.",
    details: {},
  };
}

const failureListeners = new Set<(e: CommandError) => void>();

/** Hear of every failed command (the offline banner listens for `network_unreachable`). */
export function onCommandFailure(fn: (e: CommandError) => void): () => void {
  failureListeners.add(fn);
  return () => {
    failureListeners.delete(fn);
  };
}

/** A command's request, as declared in Rust (`src-tauri/app/commands.rs`). */
export type Request<K extends keyof Commands> = Commands[K]["req"];
/** A command's answer. */
export type Answer<K extends keyof Commands> = Commands[K]["res"];
/** The arguments after the name: none for a command without a request. */
export type CallArgs<K extends keyof Commands> = Request<K> extends null ? [] : [req: Request<K>];

/** Call a command by name. The name and the request are checked against the command map
 * generated from Rust, so a wrong name or payload fails `tsc`. */
export async function call<K extends keyof Commands>(command: K, ...args: CallArgs<K>): Promise<Answer<K>> {
  try {
    return await invoke<Answer<K>>(command, args.length > 0 ? { req: args[0] } : undefined);
  } catch (e) {
    throw commandFailed(command, e);
  }
}

/** A command's failure as a `CommandError`, told to the failure listeners first. */
export function commandFailed(command: keyof Commands, e: unknown): CommandError {
  const err = new CommandError(command, toErrorBody(e));
  for (const fn of failureListeners) fn(err);
  return err;
}

/** Hear an event Rust pushes to the window; its payload is typed by the generated event map. */
export function listenTo<K extends keyof Events>(name: K, fn: (payload: Events[K]) => void): Promise<UnlistenFn> {
  return listen<Events[K]>(name, (e) => {
    fn(e.payload);
  });
}

export const api = {
  appInfo: () => call("app_info"),
  resumeSession: () => call("resume_session"),
  demoSignIn: () => call("demo_sign_in"),
  signIn: (req: SignInRequest) => call("sign_in", req),
  signOut: () => call("sign_out"),
  eventsList: (req: EventsListRequest = { from: null, to: null }) => call("events_list", req),
  attendeeCounts: (req: AttendeeCountsRequest) => call("attendee_counts", req),
  guestsPage: (req: GuestsPageRequest) => call("guests_page", req),
};

export type Api = typeof api;

/** The `ErrorBody` inside anything thrown (a `CommandError` or not). */
export function errorBody(e: unknown): ErrorBody {
  return e instanceof CommandError ? e.body : toErrorBody(e);
}
