//! The project's own fixtures (tests/fixtures, written by a stdlib-only Go program) against
//! `go tool pprof` goldens made by tests/fixtures/regen.sh: top, -cum, every sample index,
//! granularities, -noinlines, node trimming, filters, merged sources, and -diff_base / -base /
//! -normalize, including the corpus diff pairs.

mod common;

use std::path::Path;

use common::{Flags, compare_text, corpus_dir, fixtures_dir, load, read_golden, read_tsv};
use profdiff::{report, top};

/// Runs one manifest case; `dir` holds its input files.
fn run_case(dir: &Path, files: &str, flags: &Flags) -> Result<String, String> {
    let decode_all = |names: &[String]| -> Result<Vec<profdiff::Profile>, String> {
        names.iter().map(|f| load(&dir.join(f))).collect()
    };
    let sources: Vec<String> = files.split_whitespace().map(str::to_string).collect();
    let sources = decode_all(&sources)?;
    let base = if !flags.diff_base.is_empty() {
        Some((decode_all(&flags.diff_base)?, top::BaseMode::Compare))
    } else if !flags.base.is_empty() {
        Some((decode_all(&flags.base)?, top::BaseMode::Subtract))
    } else {
        None
    };
    if base.is_none() && flags.normalize {
        return Err(top::PrepareError::NormalizeWithoutBase.to_string());
    }
    let base = base.map(|(profiles, mode)| top::Base {
        profiles,
        mode,
        normalize: flags.normalize,
    });
    let prepared =
        top::prepare_with_base(sources, base, flags.raw_names).map_err(|e| e.to_string())?;
    let table = top::top(&prepared, &flags.top).map_err(|e| e.to_string())?;
    Ok(report::text::top(&table))
}

/// Checks every case of a manifest; returns how many matched.
fn check_manifest(manifest: &Path, inputs: &Path, golden_prefix: &str) -> usize {
    let golden_dir = fixtures_dir().join("golden");
    let mut failures = Vec::new();
    let mut matched = 0;
    for row in read_tsv(manifest) {
        let (case, files, flags) = (&row[0], &row[1], row.get(2).map_or("", String::as_str));
        let expected = read_golden(&golden_dir.join(format!("{golden_prefix}{case}.txt")));
        let result = run_case(inputs, files, &common::parse_pprof_flags(flags))
            .and_then(|actual| compare_text(&expected, &actual));
        match result {
            Ok(()) => matched += 1,
            Err(e) => failures.push(format!("{case} ({files} {flags}): {e}")),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases differ from go tool pprof:\n{}",
        failures.len(),
        failures.len() + matched,
        failures.join("\n")
    );
    matched
}

#[test]
fn fixture_goldens_match_pprof() {
    let dir = fixtures_dir();
    let matched = check_manifest(&dir.join("golden/cases.tsv"), &dir.join("profiles"), "");
    eprintln!("fixture conformance: {matched} goldens equal to go tool pprof's");
    assert!(matched >= 300, "only {matched} fixture cases ran");
}

#[test]
fn corpus_diff_goldens_match_pprof() {
    let Some(corpus) = corpus_dir() else {
        assert!(
            std::env::var_os("PROFDIFF_REQUIRE_CORPUS").is_none(),
            "PROFDIFF_REQUIRE_CORPUS is set but the corpus was not found"
        );
        eprintln!("corpus not found (set PROFDIFF_CORPUS): corpus diffs NOT checked");
        return;
    };
    let matched = check_manifest(
        &fixtures_dir().join("golden/corpus_diffs.tsv"),
        &corpus,
        "corpus-",
    );
    eprintln!("corpus diff conformance: {matched} goldens equal to go tool pprof's");
    assert!(matched >= 20);
}

/// Errors pprof reports for these cases, and ours: the same text where the cause is the
/// same rule; where Rust's regex engine words its error differently, the same prefix.
#[test]
fn errors_match_pprof() {
    let dir = fixtures_dir();
    for row in read_tsv(&dir.join("golden/errors.tsv")) {
        let (case, files, flags) = (&row[0], &row[1], row.get(2).map_or("", String::as_str));
        let expected = read_golden(&dir.join(format!("golden/err-{case}.txt")));
        let expected = expected.trim();
        let err = run_case(
            &dir.join("profiles"),
            files,
            &common::parse_pprof_flags(flags),
        )
        .expect_err(case);
        match case.as_str() {
            "focus-bad-regexp" => assert!(err.starts_with("parsing focus regexp: "), "{err}"),
            // pprof 1.19 fails these on units; current pprof first intersects sample types
            // by name and finds none in common, which is what we report (naming both sides).
            "diff_base-incompatible" | "base-incompatible" | "merge-incompatible" => {
                assert!(err.contains("no sample type in common"), "{case}: {err}")
            }
            _ => assert_eq!(err, expected, "{case}"),
        }
    }
}
