//! The runner every property goes through: case count from the environment, timing, one
//! summary line, shrunk failures persisted.

use std::fmt::Debug;
use std::time::Instant;

use proptest::strategy::Strategy;
use proptest::test_runner::{
    Config, FileFailurePersistence, RngAlgorithm, TestCaseError, TestRng, TestRunner,
};

/// `PROPTEST_CASES` if set, else `short`.
pub fn cases(short: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(short)
}

/// Runs `test` on `cases(short)` inputs from `strategy`; panics with the shrunk input on a
/// failure (a panic inside `test` counts as one). `source` is the caller's `file!()`.
pub fn run<S>(
    source: &'static str,
    name: &str,
    short: u32,
    strategy: S,
    test: impl Fn(S::Value) -> Result<(), TestCaseError>,
) where
    S: Strategy,
    S::Value: Debug,
{
    let config = Config {
        cases: cases(short),
        source_file: Some(source),
        failure_persistence: Some(Box::new(FileFailurePersistence::WithSource("regressions"))),
        // Shrinking a slow property (HTTP) must not take longer than the run itself.
        max_shrink_iters: 2048,
        ..Config::default()
    };
    let seeded = std::env::var("PROPTEST_SEED")
        .ok()
        .and_then(|s| s.parse::<u64>().ok());
    let mut runner = match seeded {
        // Reproducible runs on request; otherwise a fresh seed each time (wider coverage).
        Some(seed) => {
            let mut bytes = [0u8; 32];
            bytes[..8].copy_from_slice(&seed.to_le_bytes());
            TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &bytes))
        }
        None => TestRunner::new(config),
    };
    let count = std::cell::Cell::new(0u64);
    let t0 = Instant::now();
    let result = runner.run(&strategy, |v| {
        count.set(count.get() + 1);
        test(v)
    });
    let secs = t0.elapsed().as_secs_f64();
    println!(
        "property {name}: {} cases, {secs:.2} s, failures: {}",
        count.get(),
        u8::from(result.is_err())
    );
    if let Err(e) = result {
        panic!("property {name} failed: {e}");
    }
}
