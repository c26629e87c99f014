// Typed wrappers for the domain commands (core `ops::domain`, shared with the CLI).
import { call } from "../../api";
import type { DomainActionResult } from "../../bindings/DomainActionResult";
import type { DomainExport } from "../../bindings/DomainExport";
import type { DomainInput } from "../../bindings/DomainInput";
import type { DomainStatusInfo } from "../../bindings/DomainStatusInfo";
import type { DomainView } from "../../bindings/DomainView";
import type { PrecheckReport } from "../../bindings/PrecheckReport";

export type { DomainActionResult, DomainExport, DomainInput, DomainStatusInfo, DomainView, PrecheckReport };
export type { ChecklistRecord } from "../../bindings/ChecklistRecord";
export type { RecordCheck } from "../../bindings/RecordCheck";
export type { RecordReason } from "../../bindings/RecordReason";
export type { DomainGlance } from "../../bindings/DomainGlance";

export const domainApi = {
  get: () => call<DomainView>("domain_get"),
  /** Status at a glance, for the home screen. */
  status: () => call<DomainStatusInfo>("domain_status"),
  validate: (domain: string) => call<DomainInput>("domain_validate", { req: { domain } }),
  create: (domain: string) => call<DomainView>("domain_create", { req: { domain } }),
  verify: () => call<DomainActionResult>("domain_verify"),
  activate: () => call<DomainActionResult>("domain_activate"),
  deactivate: () => call<DomainActionResult>("domain_deactivate"),
  remove: () => call<DomainView>("domain_delete"),
  exportRecords: () => call<DomainExport>("domain_export"),
  precheck: () => call<PrecheckReport>("domain_precheck"),
  demoPublishDns: () => call<DomainView>("demo_publish_dns"),
};

export type DomainApi = typeof domainApi;
