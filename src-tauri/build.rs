use std::path::Path;

fn main() {
    // `generate_context!` embeds ui/dist and panics when it is missing. `make build` builds the
    // UI first; on a bare `cargo build/clippy/test` of a clean checkout we write a placeholder
    // page (ui/dist is git-ignored) so Rust work never depends on Node.
    let dist = Path::new(env!("CARGO_MANIFEST_DIR")).join("ui/dist");
    let index = dist.join("index.html");
    if !index.exists() {
        std::fs::create_dir_all(&dist).expect("create ui/dist");
        std::fs::write(
            &index,
            "<!doctype html><html lang=\"en\"><meta charset=\"utf-8\"><title>Qflow Console</title>\
             <body style=\"font-family:system-ui;padding:32px\"><h1>Qflow Console</h1>\
             <p>The user interface was not built. Run <code>make build</code> (or \
             <code>cd ui &amp;&amp; npm ci &amp;&amp; npm run build</code>, then <code>cargo build</code>).</p></body></html>\n",
        )
        .expect("write the placeholder ui/dist/index.html");
    }
    // `generate_context!` alone does not notice new UI files: re-run (and so re-embed) when
    // ui/dist changes.
    println!("cargo:rerun-if-changed=ui/dist");
    // Packed relative relocations (glibc 2.36+, binutils 2.38+): the loader then reads a few KB
    // of relocations instead of ~1.7 MB at every start.
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        println!("cargo:rustc-link-arg-bins=-Wl,-z,pack-relative-relocs");
        startup_order();
    }
    tauri_build::build()
}

/// Release builds place the functions the window runs while it starts side by side (lld's
/// symbol ordering; the list is src-tauri/startup-order.txt.gz, made by
/// tests/bench/startup-order.sh). Scattered through 15 MB of code, they made the window map 12 MB
/// of it: the kernel maps 64 KB around each page a process first runs. Names a build no longer
/// has are skipped, so a stale list costs memory, never correctness.
fn startup_order() {
    println!("cargo:rerun-if-env-changed=QFLOW_STARTUP_ORDER");
    if std::env::var("PROFILE").as_deref() != Ok("release") {
        return;
    }
    let list = match std::env::var_os("QFLOW_STARTUP_ORDER") {
        // A plain list elsewhere; set but empty: no ordering (the script's reference build).
        Some(path) if path.is_empty() => return,
        Some(path) => std::path::PathBuf::from(path),
        None => {
            let packed =
                Path::new(env!("CARGO_MANIFEST_DIR")).join("src-tauri/startup-order.txt.gz");
            if !packed.exists() {
                return;
            }
            println!("cargo:rerun-if-changed={}", packed.display());
            let list =
                Path::new(&std::env::var_os("OUT_DIR").expect("OUT_DIR")).join("startup-order.txt");
            let unpacked = std::process::Command::new("gzip")
                .arg("-dc")
                .arg(&packed)
                .output()
                .ok()
                .filter(|o| o.status.success())
                .map(|o| std::fs::write(&list, o.stdout));
            if !matches!(unpacked, Some(Ok(()))) {
                println!("cargo:warning=gzip could not unpack {}: the build's code is not ordered for start-up", packed.display());
                return;
            }
            list
        }
    };
    println!("cargo:rerun-if-changed={}", list.display());
    println!(
        "cargo:rustc-link-arg-bins=-Wl,--symbol-ordering-file={},--no-warn-symbol-ordering",
        list.display()
    );
}
