//! No import cycles: between the Rust modules of each crate (`src-tauri/` app and CLI, core,
//! sandbox) and between the UI's TypeScript files. A cycle is where "who depends on whom" stops
//! meaning anything: each side can only be understood (and tested) with the other.
//!
//! Rust: every `crate::…`, `super::…` and `self::…` path in a module is an edge to the module it
//! names. A module using its own ancestor or descendant is nesting, not a cycle; any other edge is
//! lifted to the two siblings under the common ancestor (so `api::request → auth` and
//! `auth → api` make the cycle `api ↔ auth`). TypeScript: relative `import`/`export … from`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn files(dir: &Path, ext: &[&str], out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if p.is_dir() {
            if !matches!(name, "node_modules" | "bindings" | "target" | "dist") {
                files(&p, ext, out);
            }
        } else if ext.iter().any(|x| name.ends_with(x)) {
            out.push(p);
        }
    }
}

/// Strongly connected components with more than one member (Tarjan).
fn cycles(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    struct T<'a> {
        g: &'a BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on: BTreeSet<&'a str>,
        next: usize,
        out: Vec<Vec<String>>,
    }
    fn visit<'a>(t: &mut T<'a>, v: &'a str) {
        t.index.insert(v, t.next);
        t.low.insert(v, t.next);
        t.next += 1;
        t.stack.push(v);
        t.on.insert(v);
        if let Some(ws) = t.g.get(v) {
            for w in ws {
                let w = w.as_str();
                if !t.index.contains_key(w) {
                    visit(t, w);
                    let lw = t.low[w];
                    let lv = t.low.get_mut(v).unwrap();
                    *lv = (*lv).min(lw);
                } else if t.on.contains(w) {
                    let iw = t.index[w];
                    let lv = t.low.get_mut(v).unwrap();
                    *lv = (*lv).min(iw);
                }
            }
        }
        if t.low[v] == t.index[v] {
            let mut comp = Vec::new();
            while let Some(w) = t.stack.pop() {
                t.on.remove(w);
                comp.push(w.to_owned());
                if w == v {
                    break;
                }
            }
            if comp.len() > 1 {
                comp.sort();
                t.out.push(comp);
            }
        }
    }
    let mut t = T {
        g: graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on: BTreeSet::new(),
        next: 0,
        out: Vec::new(),
    };
    let nodes: Vec<&str> = graph.keys().map(String::as_str).collect();
    for v in nodes {
        if !t.index.contains_key(v) {
            visit(&mut t, v);
        }
    }
    t.out
}

/// The module path of a Rust file under `src` (`a/b.rs` and `a/b/mod.rs` → `[a, b]`).
fn module_of(src: &Path, file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(src).expect("under src");
    let mut parts: Vec<String> = rel
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    let last = parts.pop().unwrap_or_default();
    let stem = last.trim_end_matches(".rs");
    if !matches!(stem, "mod" | "lib" | "main") {
        parts.push(stem.to_owned());
    }
    parts
}

/// The source without its `#[cfg(test)]` items (a `mod tests { … }` block, a test helper).
fn without_test_items(text: &str) -> String {
    let mut out = String::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        if line.trim() != "#[cfg(test)]" {
            out.push_str(line);
            out.push('\n');
            continue;
        }
        // Skip the next item: up to its closing brace (or its `;` for `mod tests;`).
        let mut depth = 0i32;
        let mut opened = false;
        for l in lines.by_ref() {
            depth += l.matches('{').count() as i32 - l.matches('}').count() as i32;
            opened |= l.contains('{');
            if (opened && depth <= 0) || (!opened && l.trim_end().ends_with(';')) {
                break;
            }
        }
    }
    out
}

/// Paths such as `crate::a::b`, `super::super::c` and `self::d` in Rust source (comments and
/// strings are not told apart: a false edge would show up as a cycle to look at, never hide one).
fn rust_paths(text: &str) -> Vec<(String, Vec<String>)> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    for start in ["crate::", "super::", "self::"] {
        let mut from = 0;
        while let Some(i) = text[from..].find(start) {
            let at = from + i;
            from = at + start.len();
            if at > 0 && (bytes[at - 1].is_ascii_alphanumeric() || bytes[at - 1] == b'_') {
                continue;
            }
            let tail: String = text[at..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == ':')
                .collect();
            let segs: Vec<String> = tail
                .split("::")
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect();
            if let Some((head, rest)) = segs.split_first() {
                out.push((head.clone(), rest.to_vec()));
            }
        }
    }
    out
}

fn rust_cycles(src: &Path) -> Vec<Vec<String>> {
    let mut list = Vec::new();
    files(src, &[".rs"], &mut list);
    let modules: BTreeSet<Vec<String>> = list.iter().map(|f| module_of(src, f)).collect();
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for f in &list {
        let me = module_of(src, f);
        let name = f.file_name().and_then(|n| n.to_str()).unwrap_or("");
        // Tests sit on top of what they test: their uses are not the module's dependencies.
        if name == "tests.rs" || name.ends_with("_tests.rs") {
            continue;
        }
        let text = without_test_items(&std::fs::read_to_string(f).unwrap_or_default());
        // Inline `mod tests { … }` blocks use `super::` for their file: resolve from the file.
        for (head, rest) in rust_paths(&text) {
            let mut target = match head.as_str() {
                "crate" => Vec::new(),
                "self" => me.clone(),
                _ => {
                    let mut t = me.clone();
                    t.pop();
                    t
                }
            };
            let mut rest = rest.as_slice();
            while let Some(("super", r)) = rest.split_first().map(|(a, r)| (a.as_str(), r)) {
                target.pop();
                rest = r;
            }
            // The longest prefix that is a module file.
            for seg in rest {
                let mut next = target.clone();
                next.push(seg.clone());
                if modules.contains(&next) {
                    target = next;
                } else {
                    break;
                }
            }
            // Test-only helpers exist only in test builds: no cycle through them can ship.
            if me.iter().chain(&target).any(|m| m == "test_support") {
                continue;
            }
            let common = me.iter().zip(&target).take_while(|(a, b)| a == b).count();
            if common == me.len() || common == target.len() {
                continue; // nesting: a module and its ancestor or descendant
            }
            let a = me[..=common].join("::");
            let b = target[..=common].join("::");
            graph.entry(a).or_default().insert(b);
        }
    }
    cycles(&graph)
}

/// `import … from "./x"` / `export … from "../y"` edges between the UI's files.
fn ts_cycles(src: &Path) -> Vec<Vec<String>> {
    let mut list = Vec::new();
    files(src, &[".ts", ".tsx"], &mut list);
    let known: BTreeSet<PathBuf> = list.iter().cloned().collect();
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for f in &list {
        let text = std::fs::read_to_string(f).unwrap_or_default();
        let me = f.strip_prefix(src).unwrap().to_string_lossy().into_owned();
        for line in text.lines() {
            let l = line.trim_start();
            if !(l.starts_with("import") || l.starts_with("export") || l.starts_with("} from")) {
                continue;
            }
            let Some(i) = l.find(" from \"").or_else(|| l.find(" from '")) else {
                continue;
            };
            let spec: String = l[i + 7..]
                .chars()
                .take_while(|c| *c != '"' && *c != '\'')
                .collect();
            if !spec.starts_with('.') {
                continue;
            }
            let base = f.parent().unwrap().join(&spec);
            let candidates = [
                base.with_extension("ts"),
                base.with_extension("tsx"),
                base.join("index.ts"),
                base.join("index.tsx"),
                base.clone(),
            ];
            if let Some(t) = candidates.iter().find(|c| known.contains(&normalize(c))) {
                let t = normalize(t)
                    .strip_prefix(src)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                graph.entry(me.clone()).or_default().insert(t);
            }
        }
    }
    cycles(&graph)
}

fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

#[test]
fn the_rust_crates_have_no_module_cycles() {
    let r = root();
    let mut found = Vec::new();
    for src in ["src-tauri", "src-tauri/core/src", "src-tauri/sandbox/src"] {
        let dir = r.join(src);
        // The root package's `src-tauri` holds the other crates' folders too: leave them out.
        let c = if src == "src-tauri" {
            let mut all = Vec::new();
            for sub in ["app", "cli"] {
                all.push(dir.join(sub));
            }
            rust_cycles_in(&dir, &all)
        } else {
            rust_cycles(&dir)
        };
        for cycle in c {
            found.push(format!("{src}: {}", cycle.join(" ↔ ")));
        }
    }
    assert!(found.is_empty(), "module cycles:\n{}", found.join("\n"));
}

/// `rust_cycles` over the given sub-folders of `src` (plus its own top-level files).
fn rust_cycles_in(src: &Path, subs: &[PathBuf]) -> Vec<Vec<String>> {
    let tmp = tempfile::tempdir().expect("temp dir");
    for entry in std::fs::read_dir(src).unwrap().flatten() {
        let p = entry.path();
        if p.is_file() && p.extension().is_some_and(|e| e == "rs") {
            std::fs::copy(&p, tmp.path().join(p.file_name().unwrap())).unwrap();
        }
    }
    for sub in subs {
        let mut list = Vec::new();
        files(sub, &[".rs"], &mut list);
        for f in list {
            let to = tmp.path().join(f.strip_prefix(src).unwrap());
            std::fs::create_dir_all(to.parent().unwrap()).unwrap();
            std::fs::copy(&f, to).unwrap();
        }
    }
    rust_cycles(tmp.path())
}

#[test]
fn the_ui_has_no_import_cycles() {
    let c = ts_cycles(&root().join("ui/src"));
    let shown: Vec<String> = c.iter().map(|c| c.join(" ↔ ")).collect();
    assert!(shown.is_empty(), "import cycles:\n{}", shown.join("\n"));
}

#[test]
fn the_checker_finds_a_cycle() {
    let tmp = tempfile::tempdir().unwrap();
    let w = |p: &str, t: &str| {
        let f = tmp.path().join(p);
        std::fs::create_dir_all(f.parent().unwrap()).unwrap();
        std::fs::write(f, t).unwrap();
    };
    w("lib.rs", "mod api; mod auth;");
    w("api/mod.rs", "mod request; pub struct Client;");
    w(
        "api/request.rs",
        "use crate::auth::Token; use super::Client;",
    );
    w("auth.rs", "use crate::api::Client; pub struct Token;");
    assert_eq!(rust_cycles(tmp.path()), vec![vec!["api", "auth"]]);
    w("auth.rs", "pub struct Token;");
    assert!(rust_cycles(tmp.path()).is_empty());
    // A test of auth may use api and anything else: not a cycle of the modules.
    w(
        "auth.rs",
        "pub struct Token;\n#[cfg(test)]\nmod tests {\n    use crate::api::Client;\n}\n",
    );
    assert!(rust_cycles(tmp.path()).is_empty());

    w("ui/a.ts", "import { b } from \"./b\";");
    w("ui/b.tsx", "import { a } from \"./a\";");
    assert_eq!(
        ts_cycles(&tmp.path().join("ui")),
        vec![vec!["a.ts", "b.tsx"]]
    );
}
