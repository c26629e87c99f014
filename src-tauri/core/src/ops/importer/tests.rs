//! The window's import against the sandbox (real HTTP on 127.0.0.1), through a `Ctx` as the
//! window builds it: validation with line numbers, duplicates in the file, attendees already
//! in the event (skip / update), the report, and a resume after an interruption that creates
//! nobody twice.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use qflow_sandbox::{Sandbox, SandboxConfig};
use serde_json::Value;

use super::*;
use crate::api::Budget;
use crate::ops::ctx::{Ctx, PushEvent, StoreLocation};
use crate::ops::import_run::ExistingMode;
use crate::test_support::{self, Pushed};

const BULK: &str = "/api/guests/";

async fn sandbox() -> Sandbox {
    test_support::quiet_sandbox(30).await
}

/// A session at `limit` requests a minute (the runner's pace is a minute / limit).
fn session(sb: &Sandbox, store: StoreLocation, limit: u32) -> (Arc<Ctx>, Pushed) {
    test_support::pushing_session(sb, store, Some(Budget::new(limit)))
}

/// The London event and its attendees.
async fn london(cx: &Ctx) -> (Uuid, Vec<Guest>) {
    let event = test_support::event_titled(cx, "London").await;
    (event, cx.client.guests_list(event).await.unwrap())
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

fn people(n: usize, tag: &str) -> String {
    let mut s = String::from("First Name,last_name,E-mail,Tags,Shoe size\n");
    for i in 0..n {
        s.push_str(&format!(
            "Ann {i},Lee {tag},ann.{tag}.{i}@example.com,VIP,42\n"
        ));
    }
    s
}

fn open_req(event: Uuid) -> ImportOpenRequest {
    ImportOpenRequest {
        event_id: event.to_string(),
    }
}

fn leave_out_shoe_size(existing: ExistingMode, skip_invalid: bool) -> ImportChoices {
    ImportChoices {
        overrides: HashMap::from([("Shoe size".to_owned(), String::new())]),
        existing,
        skip_invalid,
    }
}

/// The push that ends the import.
async fn last_push(rx: &mut Pushed) -> Value {
    loop {
        let (name, v) = rx.recv().await.expect("the runner reports until it ends");
        if name == ImportStatus::NAME
            && (v["summary"].is_object() || v["progress"]["state"] == "interrupted")
        {
            return v;
        }
    }
}

fn per_email(guests: &[Guest], needle: &str) -> HashMap<String, usize> {
    let mut m = HashMap::new();
    for g in guests.iter().filter(|g| g.email.contains(needle)) {
        *m.entry(g.email.to_lowercase()).or_default() += 1;
    }
    m
}

#[tokio::test]
async fn the_whole_file_is_checked_with_lines_duplicates_and_attendees_already_there() {
    let sb = sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let (cx, _rx) = session(&sb, StoreLocation::Memory, 6000);
    let (event, existing) = london(&cx).await;
    let present: Vec<&Guest> = existing
        .iter()
        .filter(|g| g.email.contains('@') && g.email != qflow_sandbox::SUPPRESSED_EMAIL)
        .take(2)
        .collect();
    let mut text = people(10, "v");
    text.push_str("Bad,Row,not-an-email,,\n"); // line 12
    text.push_str("Dup,Row,ANN.v.3@example.com,,\n"); // line 13: line 5 has it
    for g in &present {
        text.push_str(&format!(
            "New {},Name,{},Speaker,\n",
            g.first_name,
            g.email.to_uppercase()
        ));
    }
    let path = write(dir.path(), "people.csv", &text);

    let file = import_open(&cx, &path, open_req(event)).await.unwrap();
    assert_eq!(file.file_name, "people.csv");
    let shoe = &file.preview.columns[4];
    assert_eq!(
        (shoe.header.as_str(), shoe.field.as_deref()),
        ("Shoe size", None)
    );
    assert_eq!(file.preview.columns[0].field.as_deref(), Some("firstName"));
    assert_eq!(file.preview.rows.len(), PREVIEW_ROWS);

    // Unmapped, the unknown column blocks everything.
    let v = import_validate(&cx, ImportChoices::default())
        .await
        .unwrap();
    assert!(!v.can_start);
    assert!(v
        .errors
        .iter()
        .any(|e| e.row.is_none() && e.message.contains("Shoe size")));

    // Left out by hand: the preview says so, and only the rows' own problems are left.
    let p = import_preview(&cx, leave_out_shoe_size(ExistingMode::Skip, false))
        .await
        .unwrap();
    assert!(p.columns[4].ignored && p.columns[4].by_hand);
    let v = import_validate(&cx, leave_out_shoe_size(ExistingMode::Skip, false))
        .await
        .unwrap();
    let lines: Vec<(u64, Option<&str>)> = v
        .errors
        .iter()
        .map(|e| (e.line, e.column.as_deref()))
        .collect();
    assert_eq!(lines, [(12, Some("email")), (13, Some("email"))]);
    assert!(
        v.errors[1].message.contains("also on line 5"),
        "{:?}",
        v.errors
    );
    assert_eq!(
        v.present.iter().map(|p| p.line).collect::<Vec<_>>(),
        [14, 15]
    );
    assert_eq!(
        v.dry_run.summary,
        "10 to create, 2 already present (skip), 2 rows with errors"
    );
    assert!(!v.can_start, "errors block unless skipped");
    assert!(v.blocked_reason.unwrap().contains("line 12"));

    let v = import_validate(&cx, leave_out_shoe_size(ExistingMode::Update, true))
        .await
        .unwrap();
    assert!(v.can_start);
    assert_eq!((v.dry_run.to_create, v.dry_run.to_update), (10, 2));
    assert_eq!(
        v.dry_run.summary,
        "10 to create, 2 already present (update), 2 rows with errors"
    );
    assert_eq!(sb.requests("POST", BULK), 0, "nothing sent while checking");
}

#[tokio::test]
async fn skip_or_update_attendees_already_there_and_report_the_rest() {
    let sb = sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let (cx, mut rx) = session(&sb, StoreLocation::Memory, 6000);
    let (event, existing) = london(&cx).await;
    let before = existing.len();
    let target = existing
        .iter()
        .find(|g| g.email.contains('@') && g.email != qflow_sandbox::SUPPRESSED_EMAIL)
        .unwrap()
        .clone();
    let mut text = people(5, "u");
    text.push_str("Bad,Row,not-an-email,,\n"); // line 7
    text.push_str(&format!("Renamed,Person,{},Speaker,\n", target.email));
    let path = write(dir.path(), "people.csv", &text);
    import_open(&cx, &path, open_req(event)).await.unwrap();

    // Skip: the attendee stays as Qflow has it.
    import_start(&cx, leave_out_shoe_size(ExistingMode::Skip, true))
        .await
        .unwrap();
    let v = last_push(&mut rx).await;
    assert_eq!(v["summary"]["created"], 5, "{v}");
    assert_eq!(v["summary"]["alreadyPresent"], 1);
    assert_eq!(v["summary"]["skipped"], 1);
    let after = cx.client.guests_list(event).await.unwrap();
    assert_eq!(after.len(), before + 5);
    let same = after.iter().find(|g| g.id == target.id).unwrap();
    assert_eq!(same.first_name, target.first_name);

    // Update (the same file again): nobody created again, the attendee renamed.
    import_start(&cx, leave_out_shoe_size(ExistingMode::Update, true))
        .await
        .unwrap();
    let v = last_push(&mut rx).await;
    assert_eq!(v["summary"]["created"], 0, "{v}");
    assert_eq!(v["summary"]["alreadyImported"], 5);
    assert_eq!(v["summary"]["updated"], 1);
    let after = cx.client.guests_list(event).await.unwrap();
    assert_eq!(after.len(), before + 5);
    let renamed = after.iter().find(|g| g.id == target.id).unwrap();
    assert_eq!(
        (renamed.first_name.as_str(), renamed.tags.as_deref()),
        ("Renamed", Some("Speaker"))
    );
    assert_eq!(
        renamed.barcode, target.barcode,
        "fields the file lacks are kept"
    );

    // The report: the invalid row, with its line; written private.
    assert_eq!(v["reportTotal"], 1);
    assert_eq!(v["report"][0]["line"], 7);
    let out = dir.path().join("report.csv");
    let w = import_report_write(&cx, &out).await.unwrap();
    assert_eq!(w.rows, 1);
    let csv = std::fs::read_to_string(&out).unwrap();
    assert!(
        csv.starts_with("line,name,email,state,problem\n7,"),
        "{csv}"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&out).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
}

#[tokio::test]
async fn an_interrupted_import_is_offered_and_resumed_creating_nobody_twice() {
    let sb = sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("local.db");
    // 30/min: one call every 2 s, time to stop after the first.
    let (cx, mut rx) = session(&sb, StoreLocation::File(db.clone()), 30);
    let (event, existing) = london(&cx).await;
    let before = existing.len();
    let path = write(dir.path(), "people.csv", &people(650, "r"));
    import_open(&cx, &path, open_req(event)).await.unwrap();
    import_start(&cx, leave_out_shoe_size(ExistingMode::Skip, false))
        .await
        .unwrap();
    loop {
        let (name, v) = rx.recv().await.unwrap();
        if name == ImportStatus::NAME && v["progress"]["callsDone"] == 1 {
            break;
        }
    }
    // The app goes away (sign-out, window closed): the runner stops before its next call.
    cx.close();
    let v = last_push(&mut rx).await;
    assert_eq!(v["progress"]["state"], "interrupted", "{v}");
    assert_eq!(sb.requests("POST", BULK), 1);

    // As if the second call had reached Qflow but its answer was lost (a kill mid-request):
    // its rows are created at Qflow and still `sending` locally.
    let plan = crate::import::plan_import_mapped(
        &std::fs::read(&path).unwrap(),
        event,
        &leave_out_shoe_size(ExistingMode::Skip, false).overrides,
    );
    let key = progress_key(&plan, event);
    cx.client
        .guests_bulk_create(event, &plan.rows[200..400])
        .await
        .unwrap();
    {
        let store = Store::open(&db).unwrap();
        for i in 200..400 {
            store
                .import_set_state(&key, i, ImportRowState::Sending, None)
                .unwrap();
        }
    }

    // The next start offers it; resuming sends the 450 rows left (same ids) and nobody twice.
    let (next, mut rx) = session(&sb, StoreLocation::File(db), 120);
    let offers = import_unfinished(&next).await.unwrap();
    assert_eq!(offers.len(), 1, "{offers:?}");
    assert_eq!((offers[0].remaining, offers[0].total), (450, 650));
    assert_eq!(offers[0].file_name, "people.csv");
    // Opening an event's attendee pane offers only the imports into that event.
    let for_event = |id: String| {
        import_unfinished_for(&next, crate::ops::desk::EventIdRequest { event_id: id })
    };
    assert_eq!(for_event(event.to_string()).await.unwrap(), offers);
    let other = test_support::event_titled(&next, "New York").await;
    assert!(for_event(other.to_string()).await.unwrap().is_empty());
    let bad = for_event("not-an-id".into()).await.unwrap_err();
    assert_eq!(bad.body().field.as_deref(), Some("eventId"), "{bad:?}");
    let bulk_before = sb.requests("POST", BULK);
    import_continue(
        &next,
        ImportKeyRequest {
            key: offers[0].key.clone(),
        },
    )
    .await
    .unwrap();
    let v = last_push(&mut rx).await;
    assert_eq!(v["progress"]["state"], "finished", "{v}");
    assert_eq!(v["summary"]["alreadyImported"], 200);
    assert_eq!(v["summary"]["created"], 450);
    assert_eq!(
        sb.requests("POST", BULK) - bulk_before,
        3,
        "450 rows = 200 + 200 + 50"
    );
    let after = next.client.guests_list(event).await.unwrap();
    assert_eq!(after.len(), before + 650, "nobody created twice");
    let counts = per_email(&after, ".r.");
    assert_eq!(counts.len(), 650);
    assert!(counts.values().all(|&n| n == 1));
    assert!(import_unfinished(&next).await.unwrap().is_empty());
}

#[tokio::test]
async fn pause_resume_and_cancel_between_calls() {
    let sb = sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let (cx, mut rx) = session(&sb, StoreLocation::Memory, 120);
    let (event, _) = london(&cx).await;
    let path = write(dir.path(), "people.csv", &people(600, "p"));
    import_open(&cx, &path, open_req(event)).await.unwrap();
    let first = import_start(&cx, leave_out_shoe_size(ExistingMode::Skip, false))
        .await
        .unwrap();
    assert!(
        import_start(&cx, leave_out_shoe_size(ExistingMode::Skip, false))
            .await
            .is_err(),
        "one import at a time"
    );
    import_pause(&cx).await.unwrap();
    loop {
        let (name, v) = rx.recv().await.unwrap();
        if name == ImportStatus::NAME && v["progress"]["state"] == "paused" {
            break;
        }
    }
    let calls = sb.requests("POST", BULK);
    tokio::time::sleep(std::time::Duration::from_millis(800)).await;
    assert_eq!(
        sb.requests("POST", BULK),
        calls,
        "nothing sent while paused"
    );
    import_resume(&cx).await.unwrap();
    import_cancel(&cx).await.unwrap();
    let v = last_push(&mut rx).await;
    assert_eq!(v["progress"]["state"], "cancelled", "{v}");
    assert!(v["summary"]["notSent"].as_u64().unwrap() > 0);
    assert_eq!(v["key"], first.key);
    assert!(
        import_unfinished(&cx).await.unwrap().is_empty(),
        "a cancelled import is not offered"
    );
}

/// Benchmark (issue 14): 13,000 rows against the sandbox *with* its rate limits, at the app's
/// default budget (58/min). Reports the achieved requests a minute, the share of
/// the budget used and the 429s (every 429 is an extra request at the sandbox). Slow (~80 s):
/// `cargo test -p qflow-core --lib bench_import_13000 -- --ignored --nocapture`
/// (`tests/bench/import-bench.sh`).
#[tokio::test]
#[ignore = "benchmark: ~80 s"]
async fn bench_import_13000_rows_within_the_budget() {
    let sb = Sandbox::start(SandboxConfig {
        attendees: 30,
        rate_limits: true,
        ..SandboxConfig::default()
    })
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    // The event is looked up by another session (its own budget): the measured one starts
    // with an empty window, at the app's default limit.
    let (event, _) = london(&session(&sb, StoreLocation::Memory, 6000).0).await;
    let (cx, mut rx) = session(
        &sb,
        StoreLocation::Memory,
        crate::budget::DEFAULT_LIMIT_PER_MINUTE,
    );
    let path = write(dir.path(), "big.csv", &people(13_000, "b"));
    import_open(&cx, &path, open_req(event)).await.unwrap();
    let limit = cx.client.budget().limit();
    import_start(&cx, leave_out_shoe_size(ExistingMode::Skip, false))
        .await
        .unwrap();
    // From the answer of the first call to the answer of the last: calls - 1 paced intervals.
    let (mut first, mut last) = (None, None);
    let v = loop {
        let (name, v) = rx.recv().await.expect("the runner reports until it ends");
        if name != ImportStatus::NAME {
            continue;
        }
        let done = v["progress"]["callsDone"].as_u64().unwrap();
        if done == 1 && first.is_none() {
            first = Some(std::time::Instant::now());
        }
        if done == v["progress"]["callsTotal"].as_u64().unwrap() && last.is_none() {
            last = Some(std::time::Instant::now());
        }
        if v["summary"].is_object() || v["progress"]["state"] == "interrupted" {
            break v;
        }
    };
    assert_eq!(v["progress"]["state"], "finished", "{v}");
    let span = (last.unwrap() - first.unwrap()).as_secs_f64();
    let calls = v["progress"]["callsTotal"].as_u64().unwrap() as usize;
    let requests = sb.requests("POST", BULK);
    let rate_limited = requests - calls;
    let per_minute = (calls - 1) as f64 * 60.0 / span;
    let share = per_minute / limit as f64 * 100.0;
    println!(
        "bench import: {} rows, {calls} calls, {:.1} s from the first answer to the last = \
         {per_minute:.1} requests/min ({share:.1} % of the app's {limit}/min budget; {:.1} % of \
         the API's 60/min), {rate_limited} × 429",
        13_000,
        span,
        per_minute / 60.0 * 100.0,
    );
    assert_eq!(rate_limited, 0, "no 429");
    // The issue's target is the API's rate, not ours.
    let api_share = per_minute / 60.0 * 100.0;
    assert!(api_share >= 95.0, "{api_share:.1} % of the API's 60/min");
}
