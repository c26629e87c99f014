//! `ui/src/bindings` is exactly what the declared commands generate: the TypeScript of every
//! request, response and pushed event type reachable from `src-tauri/app/commands.rs` (no list
//! of types kept by hand), the error shape, and `commands.ts`, the map that types the UI's
//! `call`. A file no command reaches is stale. `cargo test` (ts-rs) also rewrites the type
//! files; `UPDATE_BINDINGS=1 cargo test -p qflow-console --test bindings_fresh` rewrites them all
//! and removes stale ones.

use std::collections::BTreeMap;
use std::path::Path;

use qflow_console::app::commands;
use qflow_console::app::declare::Describe;
use ts_rs::Config;

fn generated() -> BTreeMap<String, String> {
    // Every IPC type is a core type, exported as core's crate does.
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let cfg = Config::from_env().with_out_dir(root.join("src-tauri/core/bindings"));
    let mut d = Describe::new(cfg);
    commands::describe(&mut d);
    // Every command's error.
    d.ts::<qflow_core::ErrorBody>();
    let mut out = d.files.clone();
    out.insert("commands.ts".to_owned(), d.commands_ts());
    out
}

#[test]
fn checked_in_bindings_match_the_rust_types() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("ui/src/bindings");
    let want = generated();
    let update = std::env::var_os("UPDATE_BINDINGS").is_some_and(|v| v == "1");
    let mut problems = Vec::new();

    for (name, text) in &want {
        // All bindings live in one folder: an import leaving it is a type defined outside core
        // (the app defines no IPC types; move it to core, or `#[ts(inline)]` it).
        if text.contains("from \"../") {
            problems.push(format!("{name}: imports from outside ui/src/bindings"));
        }
        let path = dir.join(name);
        match std::fs::read_to_string(&path) {
            Ok(have) if &have == text => {}
            Ok(_) if update => std::fs::write(&path, text).unwrap(),
            Err(_) if update => std::fs::write(&path, text).unwrap(),
            Ok(_) => problems.push(format!("{name}: differs from the Rust type")),
            Err(_) => problems.push(format!("{name}: missing")),
        }
    }
    let used = used_by_the_ui(&dir, &want);
    for entry in std::fs::read_dir(&dir).expect("ui/src/bindings exists") {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        if name.ends_with(".ts") && !want.contains_key(&name) && !used.contains(&name) {
            if update {
                std::fs::remove_file(dir.join(&name)).unwrap();
            } else {
                problems.push(format!(
                    "{name}: no declared command or event reaches it and no UI file imports it (stale: remove it, or drop the type's #[ts(export)])"
                ));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "ui/src/bindings is out of date:\n  {}\nRegenerate: UPDATE_BINDINGS=1 cargo test -p qflow-console --test bindings_fresh, then commit ui/src/bindings.",
        problems.join("\n  ")
    );
}

/// Binding files the UI imports itself (a type shown inline in a command's answer, say), and
/// the binding files those import: kept even where no command names them. ts-rs rewrites them
/// on every `cargo test`, and `make test` fails on any drift.
fn used_by_the_ui(
    dir: &Path,
    want: &BTreeMap<String, String>,
) -> std::collections::BTreeSet<String> {
    fn imports(text: &str, out: &mut Vec<String>) {
        for line in text.lines() {
            let Some(i) = line.find(" from \"") else {
                continue;
            };
            let spec: String = line[i + 7..].chars().take_while(|c| *c != '"').collect();
            if let Some(pos) = spec.rfind("bindings/") {
                out.push(format!("{}.ts", &spec[pos + 9..]));
            } else if let Some(name) = spec.strip_prefix("./") {
                out.push(format!("{name}.ts"));
            }
        }
    }
    fn walk(dir: &Path, bindings: &Path, out: &mut Vec<String>) {
        for e in std::fs::read_dir(dir).unwrap().flatten() {
            let p = e.path();
            if p == bindings {
                continue;
            }
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            if p.is_dir() {
                walk(&p, bindings, out);
            } else if name.ends_with(".ts") || name.ends_with(".tsx") {
                let text = std::fs::read_to_string(&p).unwrap();
                let mut found = Vec::new();
                imports(&text, &mut found);
                // Only `…/bindings/X` imports count from outside the folder.
                out.extend(
                    found.into_iter().filter(|f| {
                        text.contains(&format!("bindings/{}", f.trim_end_matches(".ts")))
                    }),
                );
            }
        }
    }
    let mut queue = Vec::new();
    walk(dir.parent().unwrap(), dir, &mut queue);
    queue.extend(want.keys().cloned());
    let mut seen = std::collections::BTreeSet::new();
    while let Some(f) = queue.pop() {
        if !seen.insert(f.clone()) {
            continue;
        }
        if let Ok(text) = std::fs::read_to_string(dir.join(&f)) {
            imports(&text, &mut queue);
        }
    }
    seen
}

/// Every name the UI passes to `call(…)` is declared (the TS map makes a wrong one fail `tsc`;
/// this says the same from the Rust side, and catches a command no UI code calls).
#[test]
fn every_declared_command_is_called_by_the_ui_and_nothing_else_is_called() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("ui/src");
    let mut text = String::new();
    fn walk(dir: &Path, out: &mut String) {
        for e in std::fs::read_dir(dir).unwrap().flatten() {
            let p = e.path();
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            if p.is_dir() {
                if name != "bindings" {
                    walk(&p, out);
                }
            } else if (name.ends_with(".ts") || name.ends_with(".tsx"))
                && !name.contains(".test.")
                && !name.contains(".typecheck.")
            {
                out.push_str(&std::fs::read_to_string(&p).unwrap());
            }
        }
    }
    walk(&src, &mut text);
    let mut called = std::collections::BTreeSet::new();
    for (i, _) in text.match_indices("call(\"") {
        let rest = &text[i + 6..];
        let name: String = rest.chars().take_while(|c| *c != '"').collect();
        called.insert(name);
    }
    let declared: std::collections::BTreeSet<String> =
        commands::NAMES.iter().map(|s| s.to_string()).collect();
    let undeclared: Vec<_> = called.difference(&declared).collect();
    assert!(
        undeclared.is_empty(),
        "the UI calls undeclared commands: {undeclared:?}"
    );
    let unused: Vec<_> = declared.difference(&called).collect();
    assert!(
        unused.is_empty(),
        "declared but never called by the UI: {unused:?}"
    );
}
