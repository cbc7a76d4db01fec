//! Go's text profiles (tests/fixtures/gotext: two instances of the fixture generator, each
//! writing its profiles as protobuf and as text at one moment) against `go tool pprof`'s
//! goldens of the protobuf files, and Go's own runtime output.
//!
//! - heap, block, mutex and threadcreate texts: `top` equals pprof's `top` of the protobuf
//!   written at the same moment, header lines the text lacks (File, Build ID, Time) aside;
//! - goroutine text: every function the text names has the protobuf's cum;
//! - goroutine dumps (debug=2, panic, SIGQUIT): goroutine counts per state, and the cums of
//!   the functions a dump shows;
//! - `profdiff memstats` of the pair: every MemStats field of the texts, raw, in the JSON.

mod common;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{Flags, compare_text, load, parse_pprof_flags, read_golden, read_tsv, top_text};

fn gotext_dir() -> PathBuf {
    common::fixtures_dir().join("gotext")
}

/// The golden without the header lines that only a protobuf file has.
fn without_protobuf_header(golden: &str) -> String {
    golden
        .lines()
        .filter(|l| !l.starts_with("File: ") && !l.starts_with("Build ID: "))
        .map(|l| format!("{l}\n"))
        .collect()
}

fn top_of(path: &Path, flags: &Flags) -> String {
    let p = load(path).unwrap_or_else(|e| panic!("{e}"));
    top_text(vec![p], flags).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// name → cum cell of a `top` text.
fn cums(top: &str) -> HashMap<String, String> {
    top.lines()
        .skip_while(|l| !l.trim_start().starts_with("flat"))
        .skip(1)
        .filter_map(|l| {
            let cols: Vec<&str> = l.split_whitespace().collect();
            (cols.len() >= 6).then(|| (cols[5..].join(" "), cols[3].to_string()))
        })
        .collect()
}

#[test]
fn heap_block_mutex_threadcreate_texts_equal_the_protobuf_of_the_same_moment() {
    let dir = gotext_dir();
    let mut failures = Vec::new();
    let mut matched = 0;
    for row in read_tsv(&dir.join("golden/cases.tsv")) {
        let (case, file, flags) = (&row[0], &row[1], row.get(2).map_or("", String::as_str));
        let Some(stem) = file.strip_suffix(".pb.gz") else {
            continue;
        };
        if stem.ends_with("/goroutine") {
            continue;
        }
        let golden = read_golden(&dir.join(format!("golden/{case}.txt")));
        let text = dir.join(format!("{stem}.txt"));
        match compare_text(
            &without_protobuf_header(&golden),
            &top_of(&text, &parse_pprof_flags(flags)),
        ) {
            Ok(()) => matched += 1,
            Err(e) => failures.push(format!("{case} ({stem}.txt {flags}): {e}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(matched, 2 * (4 * 2 + 3 + 1), "cases checked");
}

#[test]
fn goroutine_text_names_only_functions_with_the_protobufs_cum() {
    for side in ["a", "b"] {
        let dir = gotext_dir();
        let pb = cums(&read_golden(
            &dir.join(format!("golden/{side}-goroutine-pb.txt")),
        ));
        let text = cums(&top_of(
            &dir.join(format!("{side}/goroutine.txt")),
            &parse_pprof_flags("-nodefraction=0"),
        ));
        assert!(text.len() >= 8, "{side}: {text:?}");
        for (name, cum) in &text {
            assert_eq!(pb.get(name), Some(cum), "{side}: cum of {name}");
        }
        // What the text hides and the protobuf keeps: the runtime's parking frames.
        assert!(pb.contains_key("runtime.gopark") && !text.contains_key("runtime.gopark"));
    }
}

/// Goroutines per state of a dump, through --tagfocus as a user would ask.
fn count_in_state(path: &Path, state: &str) -> i64 {
    let mut flags = parse_pprof_flags("");
    flags.top.filters.tagfocus = format!("state=^{state}$");
    let top = top_of(path, &flags);
    let line = top
        .lines()
        .find(|l| l.starts_with("Showing nodes accounting for "))
        .unwrap_or_else(|| panic!("{top}"));
    let n = line["Showing nodes accounting for ".len()..]
        .split(',')
        .next()
        .unwrap();
    n.parse().unwrap_or_else(|_| panic!("{line}"))
}

/// The generator's instances (tests/fixtures/gen/gotext.go): goroutines parked per state.
const PARKED: [(&str, [i64; 3]); 2] = [("a", [6, 3, 1]), ("b", [14, 5, 2])];

#[test]
fn goroutine_dumps_count_every_goroutine_by_state() {
    let dir = gotext_dir();
    for (side, [waiters, pollers, sleepers]) in PARKED {
        let dump = dir.join(format!("{side}/goroutine-dump.txt"));
        assert_eq!(count_in_state(&dump, "chan receive"), waiters, "{side}");
        assert_eq!(count_in_state(&dump, "select"), pollers, "{side}");
        assert_eq!(count_in_state(&dump, "sleep"), sleepers, "{side}");
        assert_eq!(count_in_state(&dump, "running"), 1, "{side}");
        // The dump holds the goroutines of the protobuf profile of the same moment.
        let pb = read_golden(&dir.join(format!("golden/{side}-goroutine-pb.txt")));
        let total = 1 + waiters + pollers + sleepers;
        assert!(pb.contains(&format!("of {total} total")), "{pb}");
    }
    let [waiters, pollers, sleepers] = PARKED[0].1;
    for crash in ["panic.txt", "sigquit.txt"] {
        let dump = dir.join("crash").join(crash);
        assert_eq!(count_in_state(&dump, "chan receive"), waiters, "{crash}");
        assert_eq!(count_in_state(&dump, "select"), pollers, "{crash}");
        assert_eq!(count_in_state(&dump, "sleep"), sleepers, "{crash}");
    }
}

#[test]
fn goroutine_dump_cums_equal_the_protobuf_for_the_functions_it_shows() {
    let dir = gotext_dir();
    for side in ["a", "b"] {
        let dump_path = dir.join(format!("{side}/goroutine-dump.txt"));
        let dump_text = std::fs::read_to_string(&dump_path).expect("dump");
        let creators: Vec<&str> = dump_text
            .lines()
            .filter_map(|l| l.strip_prefix("created by "))
            .collect();
        let pb = cums(&read_golden(
            &dir.join(format!("golden/{side}-goroutine-pb.txt")),
        ));
        let dump = cums(&top_of(&dump_path, &parse_pprof_flags("-nodefraction=0")));
        let mut compared = 0;
        for (name, cum) in &dump {
            if creators.contains(&name.as_str()) {
                continue; // the creator is the root's caller in a dump, absent from the profile
            }
            match pb.get(name) {
                Some(want) => {
                    assert_eq!(cum, want, "{side}: cum of {name}");
                    compared += 1;
                }
                // The goroutine that wrote the dump runs different code than the one that
                // wrote the profile.
                None => assert_eq!(name, "runtime/pprof.writeGoroutineStacks", "{side}"),
            }
        }
        assert!(compared >= 8, "{side}: {compared} functions compared");
    }
}

/// `# Name = value` lines of a heap text, read independently of the library.
fn memstats_lines(path: &Path) -> Vec<(String, String)> {
    let text = std::fs::read_to_string(path).expect("heap text");
    text.lines()
        .skip_while(|l| *l != "# runtime.MemStats")
        .skip(1)
        .filter_map(|l| l.strip_prefix("# ")?.split_once(" = "))
        .flat_map(|(name, value)| match value.split_once(" / ") {
            Some((inuse, sys)) => vec![
                (format!("{name}Inuse"), inuse.to_string()),
                (format!("{name}Sys"), sys.to_string()),
            ],
            None => vec![(name.to_string(), value.to_string())],
        })
        .collect()
}

fn profdiff(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_profdiff"))
        .args(args)
        .current_dir(gotext_dir())
        .output()
        .expect("run profdiff")
}

#[test]
fn memstats_of_the_pair_round_trips_every_field_to_json() {
    let out = profdiff(&["memstats", "a/heap.txt", "b/heap.txt", "--format=json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(json["kind"], "memstats");
    let rows = json["rows"].as_array().expect("rows");
    let by_name: HashMap<&str, &serde_json::Value> = rows
        .iter()
        .map(|r| (r["name"].as_str().expect("name"), r))
        .collect();
    let (a, b) = (
        memstats_lines(&gotext_dir().join("a/heap.txt")),
        memstats_lines(&gotext_dir().join("b/heap.txt")),
    );
    let mut checked = 0;
    for ((name, va), (name_b, vb)) in a.iter().zip(&b) {
        assert_eq!(name, name_b);
        if va.starts_with('[') || va == "false" || va == "true" {
            continue; // PauseNs, PauseEnd and DebugGC are not table rows
        }
        let row = by_name
            .get(name.as_str())
            .unwrap_or_else(|| panic!("row {name}"));
        assert_eq!(row["a"].to_string(), *va, "{name} of A");
        assert_eq!(row["b"].to_string(), *vb, "{name} of B");
        if let (Ok(x), Ok(y)) = (va.parse::<i64>(), vb.parse::<i64>()) {
            assert_eq!(row["delta"].as_i64(), Some(y - x), "Δ{name}");
        }
        for cell in ["aText", "bText", "deltaText"] {
            assert!(row[cell].is_string(), "{name}.{cell}");
        }
        checked += 1;
    }
    assert_eq!(checked, 27, "scalar fields (MaxRSS included)");
    assert_eq!(rows.len(), checked);
    // Sys is the sum of its parts, on both sides.
    for side in ["a", "b"] {
        let parts: i64 = json[side]["parts"]
            .as_array()
            .expect("parts")
            .iter()
            .map(|p| p["bytes"].as_i64().expect("bytes"))
            .sum();
        assert_eq!(Some(parts), json[side]["sys"].as_i64(), "{side}");
    }
}

#[test]
fn memstats_text_markdown_csv_and_the_other_commands() {
    let text = profdiff(&["memstats", "a/heap.txt", "b/heap.txt"]);
    let text = String::from_utf8_lossy(&text.stdout);
    let heap_alloc = |p: &str| {
        memstats_lines(&gotext_dir().join(p))
            .into_iter()
            .find(|(n, _)| n == "HeapAlloc")
            .map(|(_, v)| v.parse::<i64>().expect("number"))
            .expect("HeapAlloc")
    };
    let (a, b) = (heap_alloc("a/heap.txt"), heap_alloc("b/heap.txt"));
    let row = text
        .lines()
        .find(|l| l.starts_with("HeapAlloc "))
        .expect("HeapAlloc row");
    let label = |v: i64| profdiff::units::label(v, "bytes");
    assert!(row.contains(&label(a)) && row.contains(&label(b)), "{row}");
    let csv = profdiff(&["memstats", "a/heap.txt", "b/heap.txt", "--format=csv"]);
    let csv = String::from_utf8_lossy(&csv.stdout);
    assert!(csv.contains(&format!(",{a},{b},{}\r\n", b - a)), "{csv}");
    let md = profdiff(&["memstats", "a/heap.txt", "b/heap.txt", "--format=markdown"]);
    assert!(String::from_utf8_lossy(&md.stdout).contains("| HeapAlloc |"));

    let info = profdiff(&["info", "a/heap.txt"]);
    let info = String::from_utf8_lossy(&info.stdout);
    assert!(info.contains(&format!("  HeapAlloc      {a} (")), "{info}");

    let diff = profdiff(&["diff", "a/heap.txt", "b/heap.txt"]);
    let diff = String::from_utf8_lossy(&diff.stdout);
    assert!(
        diff.contains(&format!("A MemStats: HeapAlloc {},", label(a))),
        "{diff}"
    );
    assert!(
        diff.contains(&format!("B MemStats: HeapAlloc {},", label(b))),
        "{diff}"
    );
    // Protobuf sides have no MemStats: the header stays as it was, and memstats refuses.
    let diff = profdiff(&["diff", "a/heap.pb.gz", "b/heap.pb.gz"]);
    assert!(!String::from_utf8_lossy(&diff.stdout).contains("MemStats"));
    let refused = profdiff(&["memstats", "a/heap.txt", "b/heap.pb.gz"]);
    assert_eq!(refused.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("profdiff: B: b/heap.pb.gz: no runtime.MemStats"),
        "{stderr}"
    );
}

#[test]
fn texts_are_recognised_by_content_whatever_their_name() {
    let dir = std::env::temp_dir().join(format!("profdiff-gotext-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let heap = std::fs::read(gotext_dir().join("a/heap.txt")).expect("heap text");
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    std::io::Write::write_all(&mut gz, &heap).expect("gzip");
    for (name, bytes) in [
        ("heap", heap.clone()),
        ("profile.pb.gz", heap.clone()),
        ("heap.txt.gz", gz.finish().expect("gzip")),
    ] {
        std::fs::write(dir.join(name), &bytes).expect("write");
        let want = top_of(&gotext_dir().join("a/heap.txt"), &Flags::default());
        assert_eq!(top_of(&dir.join(name), &Flags::default()), want, "{name}");
    }
    std::fs::remove_dir_all(&dir).ok();
}

/// pprof's own reading of a debug=1 text (addresses only, `<unknown>` without the binary),
/// reachable with `--pprof-text`. It goes through pprof's legacy reader.
#[test]
fn pprof_text_flag_reads_texts_as_pprof_does() {
    let dir = gotext_dir();
    let mut checked = 0;
    for row in read_tsv(&dir.join("golden/cases.tsv")) {
        let (case, file) = (&row[0], &row[1]);
        if !file.ends_with(".txt") {
            continue;
        }
        let out = profdiff(&["top", "--pprof-text", file]);
        assert!(
            out.status.success(),
            "{case}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let golden = read_golden(&dir.join(format!("golden/{case}.txt")));
        compare_text(&golden, &String::from_utf8_lossy(&out.stdout))
            .unwrap_or_else(|e| panic!("{case}: {e}"));
        checked += 1;
    }
    assert_eq!(checked, 8);
}

#[test]
fn the_limits_apply_to_the_text_readers() {
    for (args, flag) in [
        (["--max-samples=3", "a/heap.txt"], "--max-samples"),
        (["--max-locations=5", "a/block.txt"], "--max-locations"),
        (["--max-functions=5", "a/goroutine.txt"], "--max-functions"),
        (
            ["--max-stack-depth=3", "a/goroutine-dump.txt"],
            "--max-stack-depth",
        ),
        (["--max-frames=10", "b/goroutine-dump.txt"], "--max-frames"),
        (
            ["--max-string-bytes=100", "crash/sigquit.txt"],
            "--max-string-bytes",
        ),
        (["--max-size=1000", "a/heap.txt"], "--max-size"),
    ] {
        let out = profdiff(&["top", args[0], args[1]]);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(stderr.contains(flag), "{args:?}: {stderr}");
    }
}
