//! Trends over the fixture series (tests/fixtures/series: one Go process writing a heap and a
//! goroutine profile at each of 8 ticks, leaking through leakRecord / leakedReader, steady in
//! steadyBuffer / steadyWorker, churning in churnScratch / churnWorker): the verdicts, every
//! value against each snapshot's own `top` and against `go tool pprof`'s goldens, ordering,
//! the JSON shape, the gate and refusals, through the library and the binary.

mod common;

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::{Command, Output};

use profdiff::compare::SortBy;
use profdiff::graph::Granularity;
use profdiff::trend::{self, Order, Trend, Verdict};
use profdiff::{Profile, report, top, units};

fn series_dir() -> PathBuf {
    common::fixtures_dir().join("series")
}

/// The snapshot files of one kind, in name order (heap-01 … heap-08).
fn files(kind: &str) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(series_dir().join("profiles"))
        .expect("series profiles")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(&format!("{kind}-")))
        .collect();
    names.sort();
    assert!(names.len() >= 6, "{kind}: {names:?}");
    names
}

fn prepared(name: &str) -> Profile {
    let p = common::load(&series_dir().join("profiles").join(name)).expect("load");
    top::prepare(vec![p], false).expect("prepare")
}

fn load_series(kind: &str) -> Vec<(String, Profile)> {
    files(kind)
        .into_iter()
        .map(|f| (f.clone(), prepared(&f)))
        .collect()
}

fn run_trend(series: &[(String, Profile)], opts: &trend::Options) -> Trend {
    let snaps: Vec<(&str, &Profile)> = series.iter().map(|(n, p)| (n.as_str(), p)).collect();
    trend::trend(&snaps, opts).expect("trend")
}

fn options(flags: &str) -> trend::Options {
    let f = common::parse_pprof_flags(flags);
    trend::Options {
        top: f.top,
        sort: SortBy::DeltaFlat,
        ..trend::Options::default()
    }
}

fn verdict_of(t: &Trend, name: &str) -> Verdict {
    t.rows
        .iter()
        .find(|r| r.name == name)
        .unwrap_or_else(|| panic!("{name} not in the trend"))
        .verdict
}

#[test]
fn the_heap_leak_is_ranked_first_and_growing() {
    let series = load_series("heap");
    for si in ["inuse_space", "inuse_objects"] {
        let t = run_trend(&series, &options(&format!("-sample_index={si}")));
        if si == "inuse_space" {
            assert_eq!(t.rows[0].name, "main.leakRecord");
            assert!(t.rows[0].slope > 0.0);
        }
        // In objects the leaked goroutines' stacks (runtime.malg) outgrow it: one 64 KiB
        // object per tick against three goroutines.
        assert_eq!(verdict_of(&t, "main.leakRecord"), Verdict::Growing, "{si}");
        assert_eq!(verdict_of(&t, "main.steadyBuffer"), Verdict::Steady, "{si}");
        assert_ne!(
            verdict_of(&t, "main.churnScratch"),
            Verdict::Growing,
            "{si}"
        );
    }
    // 64 KiB more per tick, exactly: MemProfileRate is 1.
    let t = run_trend(&series, &options(""));
    let leak = &t.rows[0];
    let n = leak.values.len() as i64;
    assert_eq!(leak.values[0], 64 << 10);
    assert_eq!(leak.delta, (n - 1) * (64 << 10));
    assert_eq!(leak.first_text, "64kB");
    assert_eq!(t.slope_unit, trend::SlopeUnit::PerHour);
    // The ticks are about a second apart: 64 KiB per second is about 225 MiB per hour.
    let per_hour = 64.0 * 1024.0 * 3600.0;
    assert!(
        (leak.slope / per_hour - 1.0).abs() < 0.3,
        "slope {} vs {per_hour}",
        leak.slope
    );
    // By cum, the leak is still the top grower among main's functions.
    let mut by_cum = options("-focus=main\\.");
    by_cum.sort = SortBy::DeltaCum;
    let t = run_trend(&series, &by_cum);
    assert_eq!(verdict_of(&t, "main.leakRecord"), Verdict::Growing);
    assert_ne!(verdict_of(&t, "main.churnScratch"), Verdict::Growing);
}

#[test]
fn the_goroutine_leak_is_ranked_first_and_growing() {
    let series = load_series("goroutine");
    // Hiding the runtime's frames puts each goroutine's count on its own function.
    let t = run_trend(&series, &options("-hide=runtime"));
    assert_eq!(t.rows[0].name, "main.leakedReader");
    assert_eq!(t.rows[0].verdict, Verdict::Growing);
    let n = t.rows[0].values.len() as i64;
    assert_eq!(t.rows[0].values, (1..=n).map(|i| 3 * i).collect::<Vec<_>>());
    assert_eq!(verdict_of(&t, "main.steadyWorker"), Verdict::Steady);
    assert_ne!(verdict_of(&t, "main.churnWorker"), Verdict::Growing);
    // Without hiding, the leak shows in cum.
    let mut by_cum = options("");
    by_cum.sort = SortBy::DeltaCum;
    let t = run_trend(&series, &by_cum);
    assert_eq!(verdict_of(&t, "main.leakedReader"), Verdict::Growing);
    assert_eq!(verdict_of(&t, "main.steadyWorker"), Verdict::Steady);
    assert_ne!(verdict_of(&t, "main.churnWorker"), Verdict::Growing);
}

/// name → (flat, cum) of a snapshot's own untrimmed top table.
fn top_values(p: &Profile, opts: &top::Options) -> HashMap<String, (i64, i64)> {
    let mut o = opts.clone();
    o.graph.node_fraction = 0.0;
    o.graph.node_count = 0;
    let mut map: HashMap<String, (i64, i64)> = HashMap::new();
    for r in top::top(p, &o).expect("top").rows {
        let e = map.entry(r.name).or_default();
        e.0 += r.flat;
        e.1 += r.cum;
    }
    map
}

#[test]
fn every_value_is_the_snapshots_own_top() {
    let cases = [
        ("heap", ""),
        ("heap", "-sample_index=alloc_space"),
        ("heap", "-lines"),
        ("heap", "-files"),
        ("heap", "-focus=main -hide=runtime"),
        ("goroutine", ""),
        ("goroutine", "-hide=runtime"),
        ("goroutine", "-addresses"),
    ];
    for (kind, flags) in cases {
        let series = load_series(kind);
        let mut opts = options(flags);
        opts.top.graph.node_fraction = 0.0;
        let t = run_trend(&series, &opts);
        for (i, (file, p)) in series.iter().enumerate() {
            let own = top_values(p, &opts.top);
            let total = top::top(p, &opts.top).expect("top").total;
            assert_eq!(t.snapshots[i].total, total, "{kind} {flags} {file}");
            assert_eq!(t.snapshots[i].file, *file);
            for r in &t.rows {
                let want = own.get(&r.name).copied().unwrap_or((0, 0));
                assert_eq!(
                    (r.flat[i], r.cum[i]),
                    want,
                    "{kind} {flags} {file} {}",
                    r.name
                );
            }
            // And no node of the snapshot is missing from the trend.
            for name in own.keys() {
                assert!(t.rows.iter().any(|r| &r.name == name), "{file}: {name}");
            }
        }
    }
}

/// Rows of a pprof `-top` golden: (flat, cum, name) as printed.
fn golden_rows(text: &str) -> Vec<(String, String, String)> {
    text.lines()
        .skip_while(|l| !l.trim_start().starts_with("flat  flat%"))
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            let name = f[5..].join(" ");
            let name = name.trim_end_matches(" (inline)").to_string();
            (f[0].to_string(), f[3].to_string(), name)
        })
        .collect()
}

#[test]
fn every_value_equals_go_tool_pprof_on_each_snapshot() {
    let manifest = series_dir().join("golden/cases.tsv");
    let mut checked = 0;
    for row in common::read_tsv(&manifest) {
        let (case, file, flags) = (&row[0], &row[1], &row[2]);
        let kind = file.split('-').next().expect("kind");
        let golden = common::read_golden(&series_dir().join(format!("golden/{case}.txt")));
        let series = load_series(kind);
        let i = series.iter().position(|(f, _)| f == file).expect("file");
        // profdiff's own top of the snapshot is pprof's, to the byte ...
        let f = common::parse_pprof_flags(flags);
        let own = common::top_text(
            vec![common::load(&series_dir().join("profiles").join(file)).expect("load")],
            &f,
        )
        .expect("top");
        common::compare_text(&golden, &own).unwrap_or_else(|e| panic!("{case}: {e}"));
        // ... and the trend's values at that snapshot, in the golden's unit, are its cells.
        let t = run_trend(&series, &options(flags));
        let unit = top::top(&series[i].1, &f.top).expect("top").output_unit;
        for (flat, cum, name) in golden_rows(&golden) {
            let r = t.rows.iter().find(|r| r.name == name);
            let r = r.unwrap_or_else(|| panic!("{case}: {name} not in the trend"));
            let text = |v: i64| units::scaled_label(v, &t.sample_unit, &unit);
            assert_eq!(text(r.flat[i]), flat, "{case}: flat of {name}");
            assert_eq!(text(r.cum[i]), cum, "{case}: cum of {name}");
        }
        checked += 1;
    }
    assert!(checked >= 16, "only {checked} goldens");
}

#[test]
fn snapshots_are_ordered_by_time_unless_told_otherwise() {
    let mut series = load_series("heap");
    series.reverse();
    let t = run_trend(&series, &options(""));
    let names: Vec<&str> = t.snapshots.iter().map(|s| s.file.as_str()).collect();
    assert_eq!(names, files("heap"));
    assert_eq!(t.rows[0].name, "main.leakRecord");
    // --order=args keeps the reversed order: the leak now shrinks.
    let mut args = options("");
    args.order = Order::Args;
    let t = run_trend(&series, &args);
    assert_eq!(t.snapshots[0].file, *files("heap").last().expect("files"));
    assert_eq!(verdict_of(&t, "main.leakRecord"), Verdict::Shrinking);
    // Without times, the given order holds and slopes are per snapshot.
    let mut timeless = load_series("heap");
    for (_, p) in &mut timeless {
        p.time_nanos = 0;
    }
    timeless.swap(0, 1);
    let t = run_trend(&timeless, &options(""));
    assert_eq!(t.snapshots[0].file, files("heap")[1]);
    assert_eq!(t.slope_unit, trend::SlopeUnit::PerSnapshot);
    let leak = t
        .rows
        .iter()
        .find(|r| r.name == "main.leakRecord")
        .expect("leak");
    assert_eq!(leak.verdict, Verdict::Growing);
}

#[test]
fn options_apply_to_every_snapshot() {
    let series = load_series("heap");
    let mut opts = options("-nodecount=3");
    opts.top.graph.granularity = Granularity::Functions;
    let t = run_trend(&series, &opts);
    assert_eq!(t.rows.len(), 3);
    assert_eq!(t.orig_count + t.dropped_rows, {
        let mut all = options("-nodefraction=0");
        all.top.graph.node_count = 0;
        run_trend(&series, &all).rows.len()
    });
    // Normalized, every snapshot's total is the last one's.
    let mut norm = options("");
    norm.normalize = true;
    let t = run_trend(&series, &norm);
    let last = t.snapshots.last().expect("snapshots").total;
    for s in &t.snapshots {
        assert!((s.total - last).abs() <= 64, "{} vs {last}", s.total);
    }
    assert!(t.normalized);
}

#[test]
fn json_has_the_documented_shape() {
    let series = load_series("heap");
    let t = run_trend(&series, &options(""));
    let v: serde_json::Value =
        serde_json::from_str(&report::trend(&t, report::Format::Json)).expect("json");
    assert_eq!(v["kind"], "trend");
    assert_eq!(v["schemaVersion"], 1);
    let snaps = v["snapshots"].as_array().expect("snapshots");
    assert_eq!(snaps.len(), series.len());
    for (s, (file, p)) in snaps.iter().zip(&series) {
        assert_eq!(s["file"], file.as_str());
        assert_eq!(s["timeNanos"].as_i64(), Some(p.time_nanos));
        assert!(s["time"].as_str().expect("time").ends_with(" UTC"));
        assert!(s["total"].as_i64().expect("total") > 0);
    }
    let row = &v["rows"][0];
    assert_eq!(row["name"], "main.leakRecord");
    assert_eq!(row["verdict"], "GROWING");
    assert_eq!(
        row["values"].as_array().expect("values").len(),
        series.len()
    );
    assert!(row["slope"].as_f64().expect("slope") > 0.0);
    assert_eq!(row["delta"].as_i64(), Some(t.rows[0].delta));
    assert_eq!(v["slopeUnit"], "hour");
    assert_eq!(v["key"], "flat");
    assert!(
        v["text"]
            .as_str()
            .expect("text")
            .contains("main.leakRecord")
    );
}

fn profdiff(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_profdiff"))
        .args(args)
        .current_dir(series_dir().join("profiles"))
        .output()
        .expect("run profdiff")
}

fn heap_args<'a>(files: &'a [String], extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec!["trend"];
    args.extend_from_slice(extra);
    args.extend(files.iter().map(String::as_str));
    args
}

#[test]
fn the_cli_prints_every_format_and_gates_with_exit_3() {
    let heap = files("heap");
    let o = profdiff(&heap_args(&heap, &[]));
    assert!(o.status.success());
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.starts_with("Type: inuse_space\nSeries: 8 snapshots, ordered by profile time"));
    let leak_line = text
        .lines()
        .find(|l| l.ends_with("main.leakRecord"))
        .expect("leak row");
    assert!(leak_line.contains("GROWING") && leak_line.contains("▁▂▃▄▅▆▇█"));
    for format in ["markdown", "csv", "json"] {
        let o = profdiff(&heap_args(&heap, &["--format", format]));
        assert!(o.status.success(), "{format}");
        assert!(String::from_utf8_lossy(&o.stdout).contains("main.leakRecord"));
    }

    let o = profdiff(&heap_args(&heap, &["--fail-if=growing>256kB"]));
    assert_eq!(o.status.code(), Some(3));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("growing>256kB: main.leakRecord (GROWING) changed by +448kB"),
        "{err}"
    );
    // Under the threshold, and the diff grammar on first → last.
    let o = profdiff(&heap_args(&heap, &["--fail-if=growing>1MB"]));
    assert_eq!(o.status.code(), Some(0));
    let o = profdiff(&heap_args(&heap, &["--fail-if=main.leakRecord>+400kB"]));
    assert_eq!(o.status.code(), Some(3));
    let o = profdiff(&heap_args(&heap, &["--fail-if=total>+1000%"]));
    assert_eq!(o.status.code(), Some(0));
    let gor = files("goroutine");
    let o = profdiff(&heap_args(
        &gor,
        &["--hide=runtime", "--fail-if=growing>10"],
    ));
    assert_eq!(o.status.code(), Some(3));
}

#[test]
fn the_cli_refuses_mixed_kinds_and_single_files() {
    let cpu = common::fixtures_dir().join("profiles/cpu.pb.gz");
    let cpu = cpu.to_str().expect("path");
    let o = profdiff(&["trend", "heap-01.pb.gz", "heap-02.pb.gz", cpu]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("profdiff: a series needs profiles of one kind"));
    assert!(err.contains("heap-0") && err.contains("cpu.pb.gz"), "{err}");
    assert!(err.contains("inuse_space/bytes") && err.contains("cpu/nanoseconds"));
    let o = profdiff(&["trend", "heap-01.pb.gz"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("at least 2 profiles"));
    let o = profdiff(&["trend", "heap-01.pb.gz", "nosuch.pb.gz"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).starts_with("profdiff: nosuch.pb.gz: "));
}

#[test]
fn the_workspace_loads_a_series_and_compares_its_first_and_last() {
    use profdiff::options::ViewOptions;
    use profdiff::workspace::{Workspace, WorkspaceError};

    let dir = series_dir().join("profiles");
    let mut names = files("heap");
    names.reverse(); // given out of order: the trend orders them by time
    let bytes: Vec<Vec<u8>> = names
        .iter()
        .map(|n| std::fs::read(dir.join(n)).expect("read"))
        .collect();
    let input: Vec<(String, &[u8])> = names
        .iter()
        .cloned()
        .zip(bytes.iter().map(Vec::as_slice))
        .collect();
    let mut ws = Workspace::new(profdiff::Limits::default());
    let summary = ws.load_series(&input, &mut |_| {}).expect("series");
    assert_eq!(summary.count, names.len());
    let report = ws.trend(&ViewOptions::default()).expect("trend");
    assert_eq!(report.kind, "trend");
    assert_eq!(report.rows[0].name, "main.leakRecord");
    assert_eq!(report.rows[0].verdict, "GROWING");
    assert_eq!(report.snapshots[0].file, files("heap")[0]);
    let text = ws
        .export_trend(&ViewOptions::default(), "text")
        .expect("export");
    assert_eq!(text, report.text);

    // First and last in time order become A and B.
    let pair = ws
        .compare_first_last(&ViewOptions::default())
        .expect("pair");
    assert_eq!(pair.a.expect("a").files, vec![files("heap")[0].clone()]);
    assert_eq!(
        pair.b.expect("b").files,
        vec![files("heap").last().expect("last").clone()]
    );
    let diff = ws.compare(&ViewOptions::default()).expect("compare");
    let leak = diff
        .rows
        .iter()
        .find(|r| r.name == "main.leakRecord")
        .expect("leak");
    assert_eq!(leak.delta_flat, report.rows[0].delta);

    // A series of mixed kinds is refused at load, naming both files; the old one stays.
    let cpu = std::fs::read(common::fixtures_dir().join("profiles/cpu.pb.gz")).expect("cpu");
    let mixed = vec![
        (names[0].clone(), bytes[0].as_slice()),
        ("cpu.pb.gz".to_string(), cpu.as_slice()),
    ];
    let err = ws
        .load_series(&mixed, &mut |_| {})
        .expect_err("mixed kinds");
    assert!(matches!(err, WorkspaceError::Trend(_)));
    let message = err.to_string();
    assert!(
        message.contains(&names[0]) && message.contains("cpu.pb.gz"),
        "{message}"
    );
    assert!(ws.trend(&ViewOptions::default()).is_ok());
}
