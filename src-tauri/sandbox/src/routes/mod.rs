//! One module per resource of the guide's Reference.

pub(crate) mod domain;
pub(crate) mod events;
pub(crate) mod guests;
pub(crate) mod send;
pub(crate) mod templates;
pub(crate) mod webhook;
