//! The qflow-console app: thin Tauri commands (`app`) and the CLI (`cli`) over `qflow_core`.

pub mod app;
pub mod cli;
