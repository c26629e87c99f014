//! Operations the CLI and the app both run, built from the lower modules: logged sends,
//! attendee search, event-time labels, reading user files with line/column errors, and the
//! paced, resumable CSV import runner.

pub mod account;
pub mod arrivals;
pub mod bulk;
pub mod checkin;
pub mod connection;
pub mod ctx;
pub mod desk;
pub mod display;
pub mod domain;
pub mod events;
pub mod files;
pub mod guests;
pub mod import_run;
pub mod importer;
pub mod qr;
pub mod recheck;
pub mod send;
pub mod studio;
pub mod updates;
pub mod webhooks;
