// Typed wrappers for the desk commands (src-tauri/app/desk.rs).
import { call } from "../../api";
import type { CheckInRequest } from "../../bindings/CheckInRequest";
import type { EmailCheck } from "../../bindings/EmailCheck";
import type { GuestAddRequest } from "../../bindings/GuestAddRequest";
import type { GuestAdded } from "../../bindings/GuestAdded";
import type { GuestDetail } from "../../bindings/GuestDetail";
import type { GuestEdit } from "../../bindings/GuestEdit";
import type { GuestSendStatus } from "../../bindings/GuestSendStatus";
import type { HistoryItem } from "../../bindings/HistoryItem";
import type { ResendOptions } from "../../bindings/ResendOptions";
import type { ResendPreview } from "../../bindings/ResendPreview";
import type { ResendPreviewRequest } from "../../bindings/ResendPreviewRequest";
import type { ResendRequest } from "../../bindings/ResendRequest";
import type { ResendResult } from "../../bindings/ResendResult";
import type { TemplateOption } from "../../bindings/TemplateOption";

export type {
  CheckInRequest,
  EmailCheck,
  GuestAddRequest,
  GuestAdded,
  GuestDetail,
  GuestEdit,
  GuestSendStatus,
  HistoryItem,
  ResendOptions,
  ResendPreview,
  ResendPreviewRequest,
  ResendRequest,
  ResendResult,
  TemplateOption,
};

export const deskApi = {
  guestDetail: (guestId: string) => call("guest_detail", { guestId }),
  guestSave: (req: GuestEdit) => call("guest_save", req),
  guestCheckIn: (req: CheckInRequest) => call("guest_check_in", req),
  guestDelete: (guestId: string) => call("guest_delete", { guestId }),
  guestHistory: (guestId: string) => call("guest_history", { guestId }),
  resendOptions: (guestId: string) => call("resend_options", { guestId }),
  resendPreview: (req: ResendPreviewRequest) => call("resend_preview", req),
  resend: (req: ResendRequest) => call("resend", req),
  emailCheck: (email: string) => call("email_check", { email }),
  guestAdd: (req: GuestAddRequest) => call("guest_add", req),
  eventTemplates: (eventId: string) => call("event_templates", { eventId }),
  sendStatuses: (guestIds: string[]) => call("send_statuses", { guestIds }),
};

export type DeskApi = typeof deskApi;
