//! The custom sending domain: the wizard's validation (apex domain, IDN in both forms), the
//! checklist (both host forms), the local DNS pre-check, "Verify with Qflow" with each reason
//! next to its record, activate / deactivate / delete, the exports for a DNS admin, and the
//! status at a glance for the home screen. The window and the CLI run these same operations.
//!
//! Every answer about the domain refreshes the session's verified-domain cache
//! (`Ctx::domain_changed`), and what the user did is told to the recheck runner through
//! [`DomainActivity`] (`ops::recheck` listens; this module never imports it).

mod activity;
mod lifecycle;
mod precheck;
mod types;
mod view;

pub use activity::{DomainAct, DomainActivity};
pub use lifecycle::{
    domain_activate, domain_create, domain_deactivate, domain_delete, domain_export, domain_get,
    domain_status, domain_validate, domain_verify,
};
pub use precheck::{demo_publish_dns, domain_precheck, precheck, DemoDns};
pub use types::{
    DomainActionResult, DomainExport, DomainGlance, DomainInput, DomainRequest, DomainStatusInfo,
    DomainView, RecordReason,
};
pub use view::{apply_status, reasons_for};

#[cfg(test)]
pub(crate) mod tests;
