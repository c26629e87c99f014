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
  guestDetail: (guestId: string) => call<GuestDetail>("guest_detail", { req: { guestId } }),
  guestSave: (req: GuestEdit) => call<GuestDetail>("guest_save", { req }),
  guestCheckIn: (req: CheckInRequest) => call<GuestDetail>("guest_check_in", { req }),
  guestDelete: (guestId: string) => call<null>("guest_delete", { req: { guestId } }),
  guestHistory: (guestId: string) => call<HistoryItem[]>("guest_history", { req: { guestId } }),
  resendOptions: (guestId: string) => call<ResendOptions>("resend_options", { req: { guestId } }),
  resendPreview: (req: ResendPreviewRequest) => call<ResendPreview>("resend_preview", { req }),
  resend: (req: ResendRequest) => call<ResendResult>("resend", { req }),
  emailCheck: (email: string) => call<EmailCheck>("email_check", { req: { email } }),
  guestAdd: (req: GuestAddRequest) => call<GuestAdded>("guest_add", { req }),
  eventTemplates: (eventId: string) => call<TemplateOption[]>("event_templates", { req: { eventId } }),
  sendStatuses: (guestIds: string[]) => call<GuestSendStatus[]>("send_statuses", { req: { guestIds } }),
};

export type DeskApi = typeof deskApi;
