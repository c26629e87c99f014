//! qflow-core: everything about Qflow that is true without a UI.
//!
//! No Tauri, no windows, no CLI parsing here. The app's commands and the CLI are thin layers
//! over these modules; the sandbox crate is the fake Qflow the tests talk to.

// `Error::Api` carries the API's error (message, next step, details) inline on purpose: one
// shape for IPC and the CLI. Boxing it would complicate every match for no measurable gain.
#![allow(clippy::result_large_err)]

pub mod api;
pub mod auth;
pub mod budget;
pub mod clock;
pub mod dns;
pub mod dns_export;
pub mod errors;
pub mod fsio;
pub mod guest_list;
pub mod heap;
pub mod http;
pub mod import;
pub mod merge;
pub mod models;
pub mod ops;
pub mod preflight;
pub mod profiles;
pub mod secrets;
pub mod session;
pub mod store;
/// Sandbox sessions for the unit tests and the benches; not in the shipped binary.
#[cfg(any(test, feature = "test-support"))]
#[doc(hidden)]
pub mod test_support;
pub mod text;
pub mod validate;
pub mod webhook;

pub use errors::{ApiError, Error, ErrorBody, Result};
pub use secrets::Secret;

/// The guide's production endpoints.
pub const DEFAULT_API_BASE: &str = "https://api-uksouth-01.qflowhub.io";
pub const DEFAULT_IDENTITY_URL: &str = "https://identity.qflowhub.io/core/connect/token";
/// The OAuth scope the guide's password grant asks for.
pub const OAUTH_SCOPE: &str = "qflowapi openid offline_access";
