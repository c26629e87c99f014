//! An empty Tauri 2 window: the baseline the app's start-up time and memory are compared with.

fn main() {
    if let Err(e) = tauri::Builder::default().run(tauri::generate_context!()) {
        eprintln!("qflow-bench-empty-window: could not open the window: {e}");
        std::process::exit(1);
    }
}
