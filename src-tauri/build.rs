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
    }
    tauri_build::build()
}
