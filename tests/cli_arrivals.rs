//! `event arrivals` through the real binary against the sandbox, and the window's `arrivals`
//! command over the same sandbox and data dir: the same numbers from the same core code, the
//! CSV written private, and the same answer to a bad id.

#![allow(clippy::result_large_err)] // the one error shape, returned once per call

mod cli_common;

use cli_common::{window, Env};
use qflow_console::app::commands::dispatch;
use serde_json::{json, Value};

/// The report without what differs between two calls (when, and whether it reloaded).
fn numbers(mut v: Value) -> Value {
    let o = v.as_object_mut().unwrap();
    o.remove("asOf");
    o.remove("reloaded");
    o.remove("noShowList");
    v
}

#[test]
fn the_cli_and_the_window_give_the_same_arrivals() {
    let env = Env::start();
    // The event with the most check-ins.
    let (event, inside) = env
        .events()
        .iter()
        .map(|e| {
            let id = e["id"].as_str().unwrap().to_owned();
            let n = env
                .guests(&id)
                .iter()
                .filter(|g| g["checkedIn"] == json!(true))
                .count();
            (id, n)
        })
        .max_by_key(|(_, n)| *n)
        .unwrap();
    assert!(inside > 0, "the seed has check-ins");
    let csv = env.data.path().join("out").join("arrivals.csv");
    let out = env
        .run(&[
            "event",
            "arrivals",
            "--event",
            &event,
            "--csv",
            csv.to_str().unwrap(),
            "--no-shows",
            "--json",
        ])
        .ok();
    let cli = out.json();
    assert_eq!(cli["checkedIn"], json!(inside));
    assert!(out.stderr.contains("Wrote "), "{out:?}");
    let no_shows = cli["noShowList"].as_array().unwrap();
    assert_eq!(json!(no_shows.len()), cli["noShows"]);
    assert!(no_shows.iter().all(|g| g["checkedIn"] == json!(false)));

    let st = window(&env);
    let win = env
        .rt
        .block_on(dispatch(
            &st,
            "arrivals",
            json!({ "eventId": event, "refresh": false }),
        ))
        .unwrap();
    assert_eq!(numbers(cli.clone()), numbers(win.clone()));
    let picked = env
        .rt
        .block_on(dispatch(
            &st,
            "arrivals_select",
            json!({ "eventId": event, "target": "not_checked_in" }),
        ))
        .unwrap();
    assert_eq!(json!(picked.as_array().unwrap().len()), win["noShows"]);

    // The CSV: private, one table, the same numbers.
    let text = std::fs::read_to_string(&csv).unwrap();
    assert!(text.starts_with("section,item,value\n"), "{text}");
    assert!(
        text.contains(&format!("summary,checked_in,{inside}\n")),
        "{text}"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&csv).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }

    // Human output names the zone and the count.
    let human = env.run(&["event", "arrivals", "--event", &event]).ok();
    assert!(
        human
            .stdout
            .contains(&format!("{inside} of {}", win["expected"])),
        "{human:?}"
    );
    assert!(human.stdout.contains(win["timeZoneId"].as_str().unwrap()));

    // A bad id: exit 2, the same code as the window.
    let bad = env.run(&["event", "arrivals", "--event", "nope", "--json"]);
    assert_eq!(bad.code, 2, "{bad:?}");
    let cli_err: Value = serde_json::from_str(&bad.stdout)
        .or_else(|_| serde_json::from_str(&bad.stderr))
        .unwrap();
    let cli_err = cli_err.get("error").cloned().unwrap_or(cli_err);
    let win_err = env
        .rt
        .block_on(dispatch(
            &st,
            "arrivals",
            json!({ "eventId": "nope", "refresh": false }),
        ))
        .unwrap_err();
    assert_eq!(cli_err["code"], win_err.code.as_str());
}
