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
  get: () => call("domain_get"),
  /** Status at a glance, for the home screen. */
  status: () => call("domain_status"),
  validate: (domain: string) => call("domain_validate", { domain }),
  create: (domain: string) => call("domain_create", { domain }),
  verify: () => call("domain_verify"),
  activate: () => call("domain_activate"),
  deactivate: () => call("domain_deactivate"),
  remove: () => call("domain_delete"),
  exportRecords: () => call("domain_export"),
  precheck: () => call("domain_precheck"),
  demoPublishDns: () => call("demo_publish_dns"),
};

export type DomainApi = typeof domainApi;
