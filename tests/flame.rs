//! Flame graphs: the folded stacks of the project's fixtures against `go tool pprof -traces`
//! (each distinct stack's value is the sum of the traces pprof lists for it, inlined frames as
//! frames of their own), their sums against the totals, and the SVG's escaping.

mod common;

use std::collections::BTreeMap;
use std::process::Command;

use profdiff::flame::{self, ViewRequest};
use profdiff::report::flame as render;
use profdiff::top;

const FIXTURES: [&str; 9] = [
    "allocs",
    "block",
    "block2",
    "cpu",
    "cpu2",
    "goroutine",
    "heap",
    "heap2",
    "mutex",
];

fn flame_of(name: &str) -> flame::Flame {
    let path = common::fixtures_dir().join(format!("profiles/{name}.pb.gz"));
    let raw = common::load(&path).expect("fixture decodes");
    let prepared = top::prepare(vec![raw], false).expect("fixture prepares");
    flame::build(&prepared, None, &flame::Options::default()).expect("flame builds")
}

/// `stack value` lines → stack → value.
fn parse_folded(text: &str) -> BTreeMap<String, i64> {
    let mut out = BTreeMap::new();
    for line in text.lines() {
        let (stack, value) = line.rsplit_once(' ').expect("a value on every line");
        let v: i64 = value.parse().expect("an integer value");
        assert!(
            out.insert(stack.to_string(), v).is_none(),
            "stack listed twice: {stack}"
        );
    }
    out
}

fn go_available() -> bool {
    Command::new("go")
        .arg("version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// `go tool pprof -traces` folded: frames leaf first become root first, `(inline)` marks
/// dropped, values summed per stack, zero stacks left out.
fn pprof_traces_folded(name: &str, unit: &str) -> BTreeMap<String, i64> {
    let path = common::fixtures_dir().join(format!("profiles/{name}.pb.gz"));
    let mut cmd = Command::new("go");
    cmd.args(["tool", "pprof", "-traces"]);
    match unit {
        "bytes" => {
            cmd.arg("-unit=B");
        }
        "nanoseconds" => {
            cmd.arg("-unit=ns");
        }
        _ => {}
    }
    let out = cmd.arg(&path).output().expect("go tool pprof runs");
    assert!(out.status.success(), "go tool pprof -traces {name} failed");
    let text = String::from_utf8(out.stdout).expect("utf-8 output");
    let mut stacks = BTreeMap::new();
    let mut frames: Vec<String> = Vec::new();
    let mut value: Option<i64> = None;
    let mut flush = |frames: &mut Vec<String>, value: &mut Option<i64>| {
        if let Some(v) = value.take() {
            frames.reverse();
            *stacks.entry(frames.join(";")).or_insert(0) += v;
        }
        frames.clear();
    };
    for line in text.lines().skip_while(|l| !l.starts_with("-----------+")) {
        if line.starts_with("-----------+") {
            flush(&mut frames, &mut value);
            continue;
        }
        let frame = |s: &str| s.trim().trim_end_matches(" (inline)").to_string();
        if line.starts_with(&" ".repeat(13)) {
            frames.push(frame(line));
            continue;
        }
        let t = line.trim_start();
        let first = t.split(' ').next().unwrap_or("");
        if first.ends_with(':') {
            continue; // a label line
        }
        let (v, name) = t.split_once("   ").expect("value, three spaces, frame");
        let digits: String = v.chars().take_while(|c| c.is_ascii_digit()).collect();
        value = Some(digits.parse().expect("a numeric trace value"));
        frames.push(frame(name));
    }
    flush(&mut frames, &mut value);
    stacks.retain(|_, v| *v != 0);
    stacks
}

#[test]
fn folded_sums_to_the_total() {
    for name in FIXTURES {
        let f = flame_of(name);
        let folded = parse_folded(&render::folded(&f));
        let sum: i64 = folded.values().sum();
        assert_eq!(sum, f.totals[0], "{name}: folded values sum to the total");
    }
}

#[test]
fn folded_stacks_equal_pprof_traces() {
    if !go_available() {
        eprintln!("go is not installed: folded stacks not compared with go tool pprof -traces");
        return;
    }
    for name in FIXTURES {
        let f = flame_of(name);
        let ours = parse_folded(&render::folded(&f));
        let theirs = pprof_traces_folded(name, &f.sample_unit);
        assert!(!theirs.is_empty(), "{name}: pprof listed traces");
        assert_eq!(ours, theirs, "{name}: folded stacks against -traces");
        eprintln!("{name}: {} stacks equal go tool pprof -traces", ours.len());
    }
}

#[test]
fn two_sides_fold_as_difffolded_reads_them() {
    let a = flame_of("heap");
    let path = |n: &str| common::fixtures_dir().join(format!("profiles/{n}.pb.gz"));
    let prep = |n: &str| top::prepare(vec![common::load(&path(n)).expect("decodes")], false);
    let (pa, pb) = (
        prep("heap").expect("prepares"),
        prep("heap2").expect("prepares"),
    );
    let both = flame::build(&pa, Some(&pb), &flame::Options::default()).expect("builds");
    let text = render::folded(&both);
    let (mut sa, mut sb) = (0i64, 0i64);
    for line in text.lines() {
        let mut parts = line.rsplitn(3, ' ');
        sb += parts.next().and_then(|v| v.parse::<i64>().ok()).expect("B");
        sa += parts.next().and_then(|v| v.parse::<i64>().ok()).expect("A");
    }
    assert_eq!((sa, sb), (both.totals[0], both.totals[1]));
    assert_eq!(sa, a.totals[0]);
}

#[test]
fn svg_is_self_contained_and_views_are_culled() {
    let f = flame_of("cpu");
    let svg = render::svg(&f, &ViewRequest::default(), false, "cpu <&> \"title\"");
    assert!(svg.contains("cpu &lt;&amp;&gt; &quot;title&quot;"));
    for bad in ["href=", "url(", "@import", "<image", "<!DOCTYPE"] {
        assert!(!svg.contains(bad), "no {bad}");
    }
    let all = f.view(&ViewRequest::default());
    let culled = f.view(&ViewRequest {
        min_fraction: 0.05,
        ..ViewRequest::default()
    });
    assert!(culled.frames.len() < all.frames.len());
    let span = culled.span as f64;
    let base = culled.base as usize;
    for i in 0..culled.frames.len() {
        assert!(culled.cum[base][i] as f64 >= 0.05 * span);
    }
}

#[test]
fn inverted_stacks_are_the_stacks_reversed() {
    for name in ["cpu", "heap"] {
        let path = common::fixtures_dir().join(format!("profiles/{name}.pb.gz"));
        let prepared =
            top::prepare(vec![common::load(&path).expect("decodes")], false).expect("prepares");
        let build = |inverted| {
            let opts = flame::Options {
                inverted,
                ..flame::Options::default()
            };
            flame::build(&prepared, None, &opts).expect("builds")
        };
        let reversed: BTreeMap<String, i64> = parse_folded(&render::folded(&build(false)))
            .into_iter()
            .map(|(stack, v)| (stack.split(';').rev().collect::<Vec<_>>().join(";"), v))
            .fold(BTreeMap::new(), |mut m, (k, v)| {
                *m.entry(k).or_insert(0) += v;
                m
            });
        let inverted = parse_folded(&render::folded(&build(true)));
        assert_eq!(inverted, reversed, "{name}: bottom-up stacks");
    }
}
