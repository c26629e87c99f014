// Hide the console window on Windows release builds; the CLI still works from a terminal.
#![cfg_attr(
    all(not(debug_assertions), target_os = "windows"),
    windows_subsystem = "windows"
)]

fn main() {
    std::process::exit(qflow_console::cli::main())
}
