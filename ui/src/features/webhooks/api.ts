// Typed wrappers for the webhook commands (src-tauri/app/webhooks.rs).
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import { call } from "../../api";
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
  overview: () => call<WebhookOverview>("webhook_overview"),
  urlCheck: (url: string) => call<UrlCheck>("webhook_url_check", { req: { url, confirmPrivate: false } }),
  set: (url: string, confirmPrivate: boolean) => call<WebhookOverview>("webhook_set", { req: { url, confirmPrivate } }),
  rotate: () => call<WebhookOverview>("webhook_rotate"),
  test: () => call<WebhookOverview>("webhook_test"),
  remove: () => call<WebhookOverview>("webhook_delete"),
  revealSecret: () => call<RevealedSecret>("webhook_reveal_secret"),
  receiverStart: (port: number) => call<WebhookOverview>("receiver_start", { req: { port } }),
  receiverStop: () => call<WebhookOverview>("receiver_stop"),
  feed: (eventType: string | null) => call<WebhookFeed>("webhook_feed", { req: { eventType, limit: 100 } }),
  diagnose: (req: DiagnoseRequest) => call<Diagnosis>("webhook_diagnose", { req }),
  /** One attendee's sends and delivery events (oldest first); for the attendee panel too. */
  attendeeTimeline: (attendeeId: string) => call<TimelineEntry[]>("attendee_timeline", { req: { attendeeId } }),
  /** Pushed by the receiver for every delivery it handles (accepted, duplicate, rejected). */
  onFeed: (f: (p: FeedPing) => void): Promise<UnlistenFn> =>
    listen<FeedPing>("webhook-feed", (e) => {
      f(e.payload);
    }),
};

export type WebhookApi = typeof webhookApi;
