// Typed wrappers for the webhook commands (src-tauri/app/webhooks.rs).
import type { UnlistenFn } from "@tauri-apps/api/event";
import { call, listenTo } from "../../api";
import type { FeedPing } from "../../bindings/FeedPing";
import type { Diagnosis } from "../../bindings/Diagnosis";
import type { DiagnoseRequest } from "../../bindings/DiagnoseRequest";
import type { RevealedSecret } from "../../bindings/RevealedSecret";
import type { TimelineEntry } from "../../bindings/TimelineEntry";
import type { UrlCheck } from "../../bindings/UrlCheck";
import type { WebhookFeed } from "../../bindings/WebhookFeed";
import type { WebhookOverview } from "../../bindings/WebhookOverview";

export type { FeedPing };
export type { Diagnosis, DiagnoseRequest, RevealedSecret, TimelineEntry, UrlCheck, WebhookFeed, WebhookOverview };
export type { WebhookEventRecord } from "../../bindings/WebhookEventRecord";

export const webhookApi = {
  overview: () => call("webhook_overview"),
  urlCheck: (url: string) => call("webhook_url_check", { url, confirmPrivate: false }),
  set: (url: string, confirmPrivate: boolean) => call("webhook_set", { url, confirmPrivate }),
  rotate: () => call("webhook_rotate"),
  test: () => call("webhook_test"),
  remove: () => call("webhook_delete"),
  revealSecret: () => call("webhook_reveal_secret"),
  receiverStart: (port: number) => call("receiver_start", { port }),
  receiverStop: () => call("receiver_stop"),
  feed: (eventType: string | null) => call("webhook_feed", { eventType, limit: 100 }),
  diagnose: (req: DiagnoseRequest) => call("webhook_diagnose", req),
  /** One attendee's sends and delivery events (oldest first); for the attendee panel too. */
  attendeeTimeline: (attendeeId: string) => call("attendee_timeline", { attendeeId }),
  /** Pushed by the receiver for every delivery it handles (accepted, duplicate, rejected). */
  onFeed: (f: (p: FeedPing) => void): Promise<UnlistenFn> =>
    listenTo("webhook-feed", f),
};

export type WebhookApi = typeof webhookApi;
