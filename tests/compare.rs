//! The comparison table and growth paths on real pairs: every row's A, B and Δ must agree with
//! each side's own `top` (itself checked against pprof) and with pprof's `-diff_base` table;
//! statuses, Δ%, normalize, several files per side, filters on both sides, the CI gate, and the
//! `--output` profile read back.

mod common;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use profdiff::compare::{self, Comparison, SortBy, Status};
use profdiff::{Profile, top};

fn fixture(name: &str) -> PathBuf {
    common::fixtures_dir().join("profiles").join(name)
}

fn example(name: &str) -> PathBuf {
    common::repo_dir().join("examples").join(name)
}

fn prepared(paths: &[PathBuf]) -> Profile {
    let profiles = paths
        .iter()
        .map(|p| common::load(p).expect("load"))
        .collect();
    top::prepare(profiles, false).expect("prepare")
}

fn full_options(flags: &str) -> compare::Options {
    let mut f = common::parse_pprof_flags(flags);
    f.top.graph.node_fraction = 0.0;
    compare::Options {
        top: f.top,
        normalize: false,
        sort: SortBy::DeltaFlat,
    }
}

/// name → (flat, cum) of one side's own untrimmed top table.
fn top_values(p: &Profile, opts: &top::Options) -> HashMap<String, (i64, i64)> {
    let mut o = opts.clone();
    o.graph.node_fraction = 0.0;
    let t = top::top(p, &o).expect("top");
    let mut map: HashMap<String, (i64, i64)> = HashMap::new();
    for r in t.rows {
        let e = map.entry(r.name).or_default();
        e.0 += r.flat;
        e.1 += r.cum;
    }
    map
}

/// Checks a comparison against each side's top and against pprof's -diff_base semantics.
fn check_against_tops(a: &Profile, b: &Profile, c: &Comparison, opts: &compare::Options) {
    let (a_top, b_top) = (top_values(a, &opts.top), top_values(b, &opts.top));
    assert_eq!(c.rows.len(), {
        let mut names: Vec<&String> = a_top.keys().chain(b_top.keys()).collect();
        names.sort();
        names.dedup();
        names.len()
    });
    for r in &c.rows {
        let (a_flat, a_cum) = a_top.get(&r.name).copied().unwrap_or_default();
        let (b_flat, b_cum) = b_top.get(&r.name).copied().unwrap_or_default();
        assert_eq!((r.a_flat, r.a_cum), (a_flat, a_cum), "A of {}", r.name);
        assert_eq!((r.b_flat, r.b_cum), (b_flat, b_cum), "B of {}", r.name);
        let want = match (a_top.contains_key(&r.name), b_top.contains_key(&r.name)) {
            (false, true) => Status::New,
            (true, false) => Status::Gone,
            _ if r.delta_flat() > 0 || (r.delta_flat() == 0 && r.delta_cum() > 0) => Status::Grew,
            _ if r.delta_flat() < 0 || (r.delta_flat() == 0 && r.delta_cum() < 0) => Status::Shrank,
            _ => Status::Same,
        };
        assert_eq!(r.status, want, "status of {}", r.name);
    }
    // Sorted by |Δflat| descending.
    for w in c.rows.windows(2) {
        assert!(w[0].delta_flat().unsigned_abs() >= w[1].delta_flat().unsigned_abs());
    }
}

/// Δ per name equals what pprof's -diff_base table shows for that name.
fn check_against_diff_base(a_files: &[PathBuf], b_files: &[PathBuf], c: &Comparison) {
    let base = top::Base {
        profiles: a_files.iter().map(|p| common::load(p).unwrap()).collect(),
        mode: top::BaseMode::Compare,
        normalize: false,
    };
    let sources = b_files.iter().map(|p| common::load(p).unwrap()).collect();
    let merged = top::prepare_with_base(sources, Some(base), false).unwrap();
    let diff = top_values(&merged, &top::Options::default());
    for r in &c.rows {
        let (flat, cum) = diff.get(&r.name).copied().unwrap_or_default();
        assert_eq!(
            (r.delta_flat(), r.delta_cum()),
            (flat, cum),
            "Δ of {}",
            r.name
        );
    }
}

#[test]
fn heap_pair_rows_match_each_side_and_pprofs_diff_base() {
    let (a_files, b_files) = (vec![fixture("heap.pb.gz")], vec![fixture("heap2.pb.gz")]);
    let (a, b) = (prepared(&a_files), prepared(&b_files));
    for flags in [
        "",
        "-sample_index=alloc_space",
        "-lines",
        "-focus=main -hide=runtime",
    ] {
        let opts = full_options(flags);
        let c = compare::compare(&a, &b, &opts).expect("compare");
        check_against_tops(&a, &b, &c, &opts);
        if flags.is_empty() {
            check_against_diff_base(&a_files, &b_files, &c);
        }
        assert!(c.rows.iter().any(|r| r.status == Status::Grew), "{flags}");
        // Allocation totals only accumulate within one process; in-use space also shrinks.
        let alloc = flags.contains("alloc_");
        assert_eq!(
            c.rows.iter().any(|r| r.status == Status::Shrank),
            !alloc,
            "{flags}"
        );
    }
}

#[test]
fn cpu_pair_has_new_and_gone_functions() {
    let (a_files, b_files) = (vec![fixture("cpu.pb.gz")], vec![fixture("cpu2.pb.gz")]);
    let (a, b) = (prepared(&a_files), prepared(&b_files));
    let opts = full_options("");
    let c = compare::compare(&a, &b, &opts).expect("compare");
    check_against_tops(&a, &b, &c, &opts);
    check_against_diff_base(&a_files, &b_files, &c);
    let new: Vec<&str> = c
        .rows
        .iter()
        .filter(|r| r.status == Status::New)
        .map(|r| r.name.as_str())
        .collect();
    let gone: Vec<&str> = c
        .rows
        .iter()
        .filter(|r| r.status == Status::Gone)
        .map(|r| r.name.as_str())
        .collect();
    assert!(
        !new.is_empty() && !gone.is_empty(),
        "new {new:?} gone {gone:?}"
    );
    for r in c.rows.iter().filter(|r| r.status == Status::New) {
        assert_eq!((r.a_flat, r.a_cum), (0, 0));
        assert_eq!(r.delta_pct_text, if r.b_flat == 0 { "0%" } else { "new" });
    }
    for r in c.rows.iter().filter(|r| r.status == Status::Gone) {
        assert_eq!((r.b_flat, r.b_cum), (0, 0));
        if r.a_flat != 0 {
            assert_eq!(r.delta_pct_text, "-100%");
        }
    }
}

#[test]
fn example_pair_shows_flate_writers_growing_under_the_metrics_handler() {
    let (a, b) = (
        prepared(&[example("gateway-a.pb.gz")]),
        prepared(&[example("gateway-b.pb.gz")]),
    );
    let c = compare::compare(&a, &b, &compare::Options::default()).expect("compare");
    assert_eq!(c.sample_type, "inuse_space");
    let top3: Vec<&str> = c.rows.iter().take(3).map(|r| r.name.as_str()).collect();
    assert!(top3.contains(&"compress/flate.NewWriter"), "{top3:?}");
    let flate = c
        .rows
        .iter()
        .find(|r| r.name == "compress/flate.NewWriter")
        .unwrap();
    assert_eq!(flate.status, Status::New);
    assert_eq!(flate.delta_pct_text, "new");
    assert!(c.delta_total > 20 << 20, "Δtotal {}", c.delta_total);
    assert!(c.delta_total_pct_text.starts_with('+'));

    let p = compare::paths(&a, &b, &compare::PathOptions::default()).expect("paths");
    let first = p
        .nodes
        .iter()
        .find(|n| n.rank == Some(1))
        .expect("ranked path");
    assert_eq!(first.name, "compress/flate.NewWriter");
    // The handler path sits above it: its ancestors in the folded tree.
    let at = p.nodes.iter().position(|n| n.rank == Some(1)).unwrap();
    let mut ancestors = Vec::new();
    let mut depth = first.depth;
    for n in p.nodes[..at].iter().rev() {
        if n.depth < depth {
            ancestors.push(n.name.as_str());
            depth = n.depth;
        }
    }
    for want in [
        "main.(*metricsHandler).ServeHTTP",
        "main.(*encoder).Encode",
        "compress/gzip.(*Writer).Write",
    ] {
        assert!(
            ancestors.contains(&want),
            "{want} not above the top path: {ancestors:?}"
        );
    }
    // Each path node's A and B are the call-tree weights of that exact prefix, so a parent
    // carries at least what its children do.
    for (i, n) in p.nodes.iter().enumerate() {
        let children: i64 = p.nodes[i + 1..]
            .iter()
            .take_while(|m| m.depth > n.depth)
            .filter(|m| m.depth == n.depth + 1)
            .map(|m| m.b)
            .sum();
        assert!(n.b >= children, "{}: {} < {}", n.name, n.b, children);
    }
}

#[test]
fn normalize_scales_a_to_bs_total() {
    let (a, b) = (
        prepared(&[fixture("cpu.pb.gz")]),
        prepared(&[fixture("cpu2.pb.gz")]),
    );
    let opts = compare::Options {
        normalize: true,
        ..full_options("")
    };
    let c = compare::compare(&a, &b, &opts).expect("compare");
    assert!(c.normalized);
    // After scaling, A's total equals B's up to pprof's per-sample rounding.
    let diff = (c.a.total - c.b.total).abs();
    assert!(
        diff * 1000 < c.b.total,
        "A {} vs B {}",
        c.a.total,
        c.b.total
    );
    let plain = compare::compare(&a, &b, &full_options("")).expect("compare");
    assert_ne!(plain.a.total, c.a.total);
}

#[test]
fn several_files_per_side_merge() {
    let a_files = vec![fixture("heap.pb.gz"), fixture("heap2.pb.gz")];
    let b_files = vec![fixture("heap2.pb.gz")];
    let (a, b) = (prepared(&a_files), prepared(&b_files));
    let opts = full_options("");
    let c = compare::compare(&a, &b, &opts).expect("compare");
    check_against_tops(&a, &b, &c, &opts);
    let heap = prepared(&[fixture("heap.pb.gz")]);
    let heap2 = prepared(&[fixture("heap2.pb.gz")]);
    let total = |p: &Profile| top::top(p, &top::Options::default()).unwrap().total;
    assert_eq!(c.a.total, total(&heap) + total(&heap2));
    assert_eq!(c.b.total, total(&heap2));
}

#[test]
fn filters_apply_to_both_sides() {
    let (a, b) = (
        prepared(&[fixture("cpu.pb.gz")]),
        prepared(&[fixture("cpu2.pb.gz")]),
    );
    let opts = full_options("-tagfocus=worker=a -hide=runtime");
    let c = compare::compare(&a, &b, &opts).expect("compare");
    check_against_tops(&a, &b, &c, &opts);
    assert!(c.rows.iter().all(|r| !r.name.starts_with("runtime.")));
    assert_eq!(c.active_filters, ["hide=runtime", "tagfocus=worker=a"]);
}

#[test]
fn incompatible_pairs_name_both_sides() {
    let (heap, cpu) = (
        prepared(&[fixture("heap.pb.gz")]),
        prepared(&[fixture("cpu.pb.gz")]),
    );
    let err = compare::compare(&heap, &cpu, &compare::Options::default()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "A and B cannot be compared: profiles have empty common sample type list (no sample type in common: \
         [alloc_objects/count alloc_space/bytes inuse_objects/count inuse_space/bytes] vs [samples/count cpu/nanoseconds])"
    );
    // Same type names, units of different families.
    let mut odd = heap.clone();
    for t in &mut odd.sample_types {
        t.unit = "nanoseconds".to_string();
    }
    let err = compare::compare(&heap, &odd, &compare::Options::default()).unwrap_err();
    assert!(
        err.to_string().contains(
            "incompatible types: {alloc_objects count 0 0} {alloc_objects nanoseconds 0 0}"
        ),
        "{err}"
    );
    // Compatible units of different scale are converted: kilobytes against bytes.
    let mut kb = heap.clone();
    for t in &mut kb.sample_types {
        if t.unit == "bytes" {
            t.unit = "kilobytes".to_string();
        }
    }
    let c = compare::compare(&kb, &heap, &compare::Options::default()).expect("compatible units");
    assert_eq!(c.sample_unit, "bytes");
    assert_eq!(c.a.total, c.b.total * 1024);
}

fn profdiff(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_profdiff"))
        .args(args)
        .current_dir(common::repo_dir())
        .output()
        .expect("run profdiff")
}

#[test]
fn output_profile_reads_back_as_the_diff_base_table() {
    let dir = std::env::temp_dir().join(format!("profdiff-out-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join("diff.pb.gz");
    let a = fixture("heap.pb.gz");
    let b = fixture("heap2.pb.gz");
    let run = profdiff(&[
        "diff",
        a.to_str().unwrap(),
        b.to_str().unwrap(),
        "--output",
        out.to_str().unwrap(),
    ]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let golden = common::read_golden(&common::fixtures_dir().join("golden/heap-diff.txt"));
    // Our reading of the file…
    let ours =
        common::top_text(vec![common::load(&out).unwrap()], &common::Flags::default()).unwrap();
    common::compare_text(&golden, &ours).expect("profdiff top of the --output file");
    // …and pprof's, where Go is installed.
    if let Some(text) = pprof_top(&out) {
        common::compare_text(&golden, &text).expect("go tool pprof -top of the --output file");
    } else {
        eprintln!("go not installed: --output not read back by go tool pprof");
    }
}

fn pprof_top(file: &Path) -> Option<String> {
    let out = Command::new("go")
        .args(["tool", "pprof", "-top", "-symbolize=none"])
        .arg(file)
        .env("TZ", "UTC")
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn fail_if_exits_3_naming_what_tripped() {
    let a = example("gateway-a.pb.gz");
    let b = example("gateway-b.pb.gz");
    let (a, b) = (a.to_str().unwrap(), b.to_str().unwrap());
    let run = profdiff(&["diff", a, b, "--fail-if", "total>+10%"]);
    assert_eq!(run.status.code(), Some(3));
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(
        err.starts_with(
            "profdiff: --fail-if tripped: total>+10%: total changed by +31.41MB (+161.23%)"
        ),
        "{err}"
    );
    let run = profdiff(&["diff", a, b, "--fail-if", "'compress/flate.NewWriter'>+1MB"]);
    assert_eq!(run.status.code(), Some(3));
    let run = profdiff(&[
        "diff",
        a,
        b,
        "--fail-if",
        "total>+500%,'compress/flate.NewWriter'<0",
    ]);
    assert_eq!(
        run.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let run = profdiff(&["diff", a, b, "--fail-if", "total>+10ms"]);
    assert_eq!(run.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&run.stderr).contains("does not measure bytes"));
}

#[test]
fn formats_carry_the_same_rows() {
    let a = example("gateway-a.pb.gz");
    let b = example("gateway-b.pb.gz");
    let (a, b) = (a.to_str().unwrap(), b.to_str().unwrap());
    let json = profdiff(&["diff", a, b, "--format=json"]);
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).expect("json");
    assert_eq!(v["schemaVersion"], 1);
    assert_eq!(v["kind"], "diff");
    let rows = v["rows"].as_array().unwrap();
    let csv = String::from_utf8(profdiff(&["diff", a, b, "--format=csv"]).stdout).unwrap();
    assert_eq!(csv.lines().count(), rows.len() + 1);
    assert!(csv.starts_with("name,A flat,B flat,Δflat,Δ%,A cum,B cum,Δcum,status,"));
    let md = String::from_utf8(profdiff(&["diff", a, b, "--format=markdown"]).stdout).unwrap();
    assert!(md.contains("| compress/flate.NewWriter |"));
    let top_json = profdiff(&["top", "--format=json", b]);
    let v: serde_json::Value = serde_json::from_slice(&top_json.stdout).expect("json");
    let text = String::from_utf8(profdiff(&["top", b]).stdout).unwrap();
    assert_eq!(v["text"], text);
    let paths = profdiff(&["paths", a, b, "--format=json", "--top=3"]);
    let v: serde_json::Value = serde_json::from_slice(&paths.stdout).expect("json");
    let ranked = v["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| !n["rank"].is_null())
        .count();
    assert_eq!(ranked, 3);
}

#[test]
fn peek_shows_callers_and_callees_with_both_sides() {
    let (a, b) = (
        prepared(&[example("gateway-a.pb.gz")]),
        prepared(&[example("gateway-b.pb.gz")]),
    );
    let p = compare::peek(
        Some(&a),
        Some(&b),
        "compress/flate.NewWriter",
        &compare::Options::default(),
    )
    .expect("peek");
    assert!(p.has_a && p.has_b);
    let c = compare::compare(&a, &b, &full_options("")).expect("compare");
    let row = c
        .rows
        .iter()
        .find(|r| r.name == "compress/flate.NewWriter")
        .unwrap();
    assert_eq!(
        (p.a_flat, p.b_flat, p.a_cum, p.b_cum),
        (row.a_flat, row.b_flat, row.a_cum, row.b_cum)
    );
    // Its only caller carries all of its weight; its callees carry what it did not allocate itself.
    assert_eq!(p.callers.len(), 1);
    assert_eq!(p.callers[0].name, "compress/gzip.(*Writer).Write");
    assert_eq!(p.callers[0].b, p.b_cum);
    let callees: i64 = p.callees.iter().map(|e| e.b).sum();
    assert_eq!(p.b_flat + callees, p.b_cum);
    // One side only: B is empty.
    let one = compare::peek(
        Some(&b),
        None,
        "compress/flate.NewWriter",
        &compare::Options::default(),
    )
    .unwrap();
    assert!(one.has_a && !one.has_b);
    assert_eq!(one.a_cum, p.b_cum);
    // The CLI prints the same structure.
    let a_path = example("gateway-a.pb.gz");
    let b_path = example("gateway-b.pb.gz");
    let out = profdiff(&[
        "peek",
        "--name",
        "compress/flate.NewWriter",
        a_path.to_str().unwrap(),
        b_path.to_str().unwrap(),
        "--format=json",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["callers"][0]["name"], "compress/gzip.(*Writer).Write");
    assert_eq!(v["bCum"], p.b_cum);
}
