//! `guests import`: validation first (line numbers, nothing sent), chunks of ≤ 200, progress on
//! stderr, resumable, never creating anyone twice.

use crate::cli_common;
use cli_common::Env;
use qflow_core::import::plan_import;
use qflow_core::ops::import_run::progress_key;
use qflow_core::store::{ImportRowState, Store, DB_FILE};

fn csv(rows: usize, tag: &str) -> String {
    let mut s = String::from("\u{feff}First Name,last_name,E-mail,Tags\n");
    for i in 0..rows {
        s.push_str(&format!(
            "Zoë {i},\"Ødegård, {tag}\",zoe.{tag}.{i}@example.com,VIP\n"
        ));
    }
    s
}

fn bulk_requests(env: &Env) -> usize {
    env.sandbox.requests("POST", "/api/guests/")
}

#[test]
fn imports_in_chunks_and_a_rerun_sends_nothing() {
    let env = Env::start();
    let event = env.event_id(2);
    let before = env.guests(&event).len();
    let file = env.write("people.csv", &csv(450, "a"));

    let out = env.run(&["guests", "import", &event, &file]).ok();
    assert_eq!(bulk_requests(&env), 3, "450 rows = 200 + 200 + 50");
    assert!(
        out.stderr.contains("imported 200/450")
            && out
                .stderr
                .contains("imported 450/450 attendee(s) (3/3 chunks)"),
        "{}",
        out.stderr
    );
    assert!(
        out.stdout.contains("created:") && out.stdout.contains("450"),
        "{}",
        out.stdout
    );
    let after = env.guests(&event);
    assert_eq!(after.len(), before + 450);
    assert!(after
        .iter()
        .any(|g| g["lastName"] == "Ødegård, a" && g["tags"] == "VIP"));

    let v = env
        .run(&["guests", "import", &event, &file, "--json"])
        .ok()
        .json();
    assert_eq!(v["created"], 0);
    assert_eq!(v["alreadyImported"], 450);
    assert_eq!(
        bulk_requests(&env),
        3,
        "a finished import sends nothing again"
    );
    assert_eq!(env.guests(&event).len(), before + 450);
}

#[test]
fn a_run_interrupted_after_the_first_chunk_resumes_with_the_rest() {
    let env = Env::start();
    let event = env.event_id(2);
    let before = env.guests(&event).len();
    let text = csv(450, "b");
    let file = env.write("people.csv", &text);

    // Simulate a crash after chunk 1 was sent and recorded: send those 200 ourselves (through
    // the CLI, via a 200-row file with the same people) and mark them created in the store.
    let first = env.write("first.csv", &csv(200, "b"));
    env.run(&["guests", "import", &event, &first]).ok();
    assert_eq!(bulk_requests(&env), 1);
    let plan = plan_import(text.as_bytes(), uuid::Uuid::parse_str(&event).unwrap());
    let key = progress_key(&plan, plan.rows[0].event_id);
    let store = Store::open(&env.data.path().join(DB_FILE)).unwrap();
    store
        .import_register_ids(&key, &plan.rows.iter().map(|g| g.id).collect::<Vec<_>>())
        .unwrap();
    for i in 0..200 {
        store
            .import_set_state(&key, i, ImportRowState::Created, None)
            .unwrap();
    }
    // Row 200 was "sending" when the process died: it is sent again (same id).
    store
        .import_set_state(&key, 200, ImportRowState::Sending, None)
        .unwrap();
    drop(store);

    let v = env
        .run(&["guests", "import", &event, &file, "--json"])
        .ok()
        .json();
    assert_eq!(v["alreadyImported"], 200);
    assert_eq!(v["created"], 250);
    assert_eq!(
        bulk_requests(&env),
        1 + 2,
        "only the remaining 250 rows, in two chunks"
    );
    assert_eq!(
        env.guests(&event).len(),
        before + 450,
        "nobody created twice"
    );
}

#[test]
fn invalid_rows_block_the_import_unless_skipped() {
    let env = Env::start();
    let event = env.event_id(2);
    let mut text = csv(5, "c");
    text.push_str("Bad,Row,not-an-email,\n");
    let file = env.write("bad.csv", &text);
    let out = env.run(&["guests", "import", &event, &file]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr.contains("line 7, column email"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("--skip-invalid"), "{}", out.stderr);
    assert_eq!(bulk_requests(&env), 0);
    assert_eq!(
        env.sandbox.token_requests(),
        1,
        "only the event lookup signed in"
    );

    let v = env
        .run(&[
            "guests",
            "import",
            &event,
            &file,
            "--skip-invalid",
            "--json",
        ])
        .ok()
        .json();
    assert_eq!(v["created"], 5);
    assert_eq!(v["skipped"], 1);

    // An unknown column is a file error: it cannot be skipped.
    let file = env.write(
        "cols.csv",
        "firstName,lastName,email,shoe size\nA,B,a@example.com,42\n",
    );
    let out = env.run(&["guests", "import", &event, &file, "--skip-invalid"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr.contains("line 1") && out.stderr.contains("shoe size"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_file_over_the_size_cap_is_refused_with_what_to_do() {
    let env = Env::start();
    let event = env.event_id(2);
    let file = env.write("huge.csv", "firstName,lastName,email\n");
    // Sparse: only the size matters (the file is refused before it is read).
    std::fs::OpenOptions::new()
        .write(true)
        .open(&file)
        .unwrap()
        .set_len(qflow_core::import::MAX_FILE_BYTES + 1)
        .unwrap();
    let out = env.run(&["guests", "import", &event, &file]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr.contains("20.0 MB") && out.stderr.contains("split it"),
        "{}",
        out.stderr
    );
    assert_eq!(bulk_requests(&env), 0);
}

#[test]
fn existing_attendees_are_skipped_or_updated_columns_mapped_and_the_report_written() {
    let env = Env::start();
    let event = env.event_id(2);
    let before = env.guests(&event);
    let target = before
        .iter()
        .find(|g| g["email"].as_str().is_some_and(|e| e.contains('@')))
        .unwrap()
        .clone();
    let email = target["email"].as_str().unwrap();
    let text = format!(
        "Given,Family,Mail,Shoe size\nAnn,Lee,ann.m@example.com,40\nBad,Row,nope,41\nNew,Name,{email},42\n"
    );
    let file = env.write("people.csv", &text);
    let map = [
        "--map",
        "Given=firstName",
        "--map",
        "Family=last name",
        "--map",
        "Mail=email",
        "--map",
        "Shoe size=",
    ];
    let report = env.data.path().join("not-imported.csv");
    let report_arg = report.to_string_lossy().into_owned();

    // Skip (the default): the attendee is left alone; the dry run says so first.
    let mut args = vec!["guests", "import", &event, &file, "--skip-invalid"];
    args.extend(map);
    args.extend(["--report", &report_arg]);
    let out = env.run(&args).ok();
    assert!(
        out.stderr
            .contains("1 to create, 1 already present (skip), 1 row with errors"),
        "{}",
        out.stderr
    );
    let csv = std::fs::read_to_string(&report).unwrap();
    assert!(
        csv.starts_with("line,name,email,state,problem\n3,,,invalid,email:"),
        "{csv}"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&report).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
    let after = env.guests(&event);
    assert_eq!(after.len(), before.len() + 1);
    let same = after.iter().find(|g| g["id"] == target["id"]).unwrap();
    assert_eq!(same["firstName"], target["firstName"]);

    // Update: nobody created again, the attendee gets the file's values.
    let mut args = vec!["guests", "import", &event, &file, "--skip-invalid"];
    args.extend(map);
    args.extend(["--existing", "update", "--json"]);
    let v = env.run(&args).ok().json();
    assert_eq!(
        (v["created"].as_u64(), v["updated"].as_u64()),
        (Some(0), Some(1))
    );
    let after = env.guests(&event);
    assert_eq!(after.len(), before.len() + 1);
    let renamed = after.iter().find(|g| g["id"] == target["id"]).unwrap();
    assert_eq!(renamed["firstName"], "New");

    // Bad choices are usage errors, before anything is read or sent.
    let out = env.run(&["guests", "import", &event, &file, "--existing", "merge"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("not skip or update"), "{}", out.stderr);
    let out = env.run(&["guests", "import", &event, &file, "--map", "Given"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("HEADER=FIELD"), "{}", out.stderr);
}
