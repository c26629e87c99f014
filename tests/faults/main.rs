//! The fault-injection suite: every write the window and the CLI can make, under each of the
//! sandbox's faults, each case on its own sandbox. Every case asserts what reached Qflow (the
//! sandbox's request log and queued emails: never two emails for one click), that the answer
//! the user sees is honest (done / refused / outcome unknown, with a next step that never
//! advises a blind repeat of a send), and that nothing typed is lost. The table of all cases
//! is printed on stderr and written to `target/fault-table.md`.
//!
//! The window's path is the app's JSON `dispatch` (as the UI calls it); the CLI's is the real
//! binary. Sends (desk resend, add with send) go through both; the rest through the window.
//! The CLI's webhook commands run the same `core::ops::webhooks`; its domain commands and
//! `template push` call the same API client directly (same retries and unknown outcomes, but
//! not the window's domain read-back or the studio's drafts). Bulk import is CLI-only.
//!
//! Revoked tokens: before the operation, and for the bulk job mid-run (after its first email).
//!
//! An edge 429 makes the client hold every request for 60 s (Cloudflare's block): those cases
//! run first and in parallel, so the suite takes about 70 s.

#![allow(clippy::result_large_err)] // the one error shape, returned once per call

mod cli;
#[path = "../cli_common/mod.rs"]
mod cli_common;
mod faults;
mod window;

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use faults::{Fault, Op, Row};

/// Cases at once: the edge-429 ones mostly wait.
const PARALLEL: usize = 24;

#[test]
fn every_write_under_every_fault_sends_at_most_once_and_says_what_happened() {
    // Process-wide, set before any thread or client exists: the window's data folder and its
    // request timeout (the "slow" fault answers after it).
    let data = tempfile::tempdir().unwrap();
    std::env::set_var("QFLOW_DATA_DIR", data.path());
    std::env::set_var("QFLOW_HTTP_TIMEOUT_SECS", faults::TIMEOUT_SECS.to_string());

    let mut cases: Vec<(Op, Fault)> = Vec::new();
    for fault in Fault::ALL {
        for op in Op::ALL {
            cases.push((op, fault));
        }
    }
    // The 60 s waits first, so that they overlap everything else.
    cases.sort_by_key(|(_, f)| *f != Fault::Edge429);
    let started = Instant::now();
    let queue = Arc::new(Mutex::new(
        cases.into_iter().enumerate().collect::<Vec<_>>(),
    ));
    let rows = Arc::new(Mutex::new(Vec::<(usize, Row)>::new()));
    let failures = Arc::new(Mutex::new(Vec::<String>::new()));
    let workers: Vec<_> = (0..PARALLEL)
        .map(|_| {
            let (queue, rows, failures) = (queue.clone(), rows.clone(), failures.clone());
            std::thread::spawn(move || loop {
                let next = queue.lock().unwrap().pop();
                let Some((i, (op, fault))) = next else { return };
                let seed = 1000 + i as u64;
                match std::panic::catch_unwind(|| faults::run_case(op, fault, seed)) {
                    Ok(row) => rows.lock().unwrap().push((i, row)),
                    Err(e) => {
                        let why = e
                            .downcast_ref::<String>()
                            .cloned()
                            .or_else(|| e.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                            .unwrap_or_default();
                        failures.lock().unwrap().push(format!(
                            "{} × {}: {why}",
                            op.label(),
                            fault.label()
                        ));
                    }
                }
            })
        })
        .collect();
    for w in workers {
        w.join().unwrap();
    }
    let mut rows = std::mem::take(&mut *rows.lock().unwrap());
    let place = |op: Op| Op::ALL.iter().position(|o| *o == op);
    rows.sort_by_key(|(_, r)| (place(r.op), r.fault as usize));
    let table = faults::table(rows.iter().map(|(_, r)| r));
    // The table with --nocapture; the summary always (written past the test harness's capture).
    eprintln!("{table}");
    let out = std::env::var_os("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target"))
        .join("fault-table.md");
    let written = std::fs::write(&out, &table).is_ok();
    let emails: usize = rows.iter().map(|(_, r)| r.emails).sum();
    let _ = writeln!(
        std::io::stderr(),
        "fault suite: {} cases passed, {} failed, {emails} emails queued, in {:.0?}{}",
        rows.len(),
        failures.lock().unwrap().len(),
        started.elapsed(),
        if written {
            format!("; table in {}", out.display())
        } else {
            String::new()
        }
    );
    let failures = failures.lock().unwrap();
    assert!(
        failures.is_empty(),
        "{} case(s) failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
