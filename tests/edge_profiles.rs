//! Hand-built edge profiles: empty stacks, negative values, recursion through inline frames,
//! an unknown mapping id, labels with value 0, zero samples, duplicate samples of opposite sign.
//!
//! The profiles are built here; `write_edge_profiles` (run by `make goldens`) writes them to
//! tests/fixtures/edge/ so that tests/fixtures/regen.sh can record `go tool pprof`'s output for
//! them. The tests compare with those goldens and check that the committed files are still what
//! this code builds.

mod common;

use std::io::Write;
use std::path::PathBuf;

use profdiff::proto;
use prost::Message;

/// Builds wire profiles with a string table managed for the caller.
struct Builder {
    p: proto::Profile,
}

impl Builder {
    fn new(types: &[(&str, &str)]) -> Builder {
        let mut b = Builder {
            p: proto::Profile {
                string_table: vec![Vec::new()],
                ..Default::default()
            },
        };
        for (ty, unit) in types {
            let vt = proto::ValueType {
                r#type: b.s(ty),
                unit: b.s(unit),
            };
            b.p.sample_type.push(vt);
        }
        b.p.time_nanos = 1_700_000_000_000_000_000;
        b
    }

    fn s(&mut self, text: &str) -> i64 {
        if let Some(i) = self
            .p
            .string_table
            .iter()
            .position(|s| s == text.as_bytes())
        {
            return i as i64;
        }
        self.p.string_table.push(text.as_bytes().to_vec());
        (self.p.string_table.len() - 1) as i64
    }

    fn mapping(&mut self, id: u64, file: &str) {
        let filename = self.s(file);
        self.p.mapping.push(proto::Mapping {
            id,
            memory_start: 0x400000,
            memory_limit: 0x800000,
            filename,
            has_functions: true,
            ..Default::default()
        });
    }

    fn function(&mut self, id: u64, name: &str, file: &str) {
        let (name, filename) = (self.s(name), self.s(file));
        self.p.function.push(proto::Function {
            id,
            name,
            system_name: name,
            filename,
            start_line: 1,
        });
    }

    /// A location with lines given innermost first as (function id, line).
    fn location(&mut self, id: u64, mapping_id: u64, address: u64, lines: &[(u64, i64)]) {
        self.p.location.push(proto::Location {
            id,
            mapping_id,
            address,
            line: lines
                .iter()
                .map(|&(function_id, line)| proto::Line {
                    function_id,
                    line,
                    column: 0,
                })
                .collect(),
            is_folded: false,
        });
    }

    fn sample(&mut self, stack: &[u64], values: &[i64], labels: &[proto::Label]) {
        self.p.sample.push(proto::Sample {
            location_id: stack.to_vec(),
            value: values.to_vec(),
            label: labels.to_vec(),
        });
    }

    fn str_label(&mut self, key: &str, value: &str) -> proto::Label {
        proto::Label {
            key: self.s(key),
            str: if value.is_empty() { 0 } else { self.s(value) },
            num: 0,
            num_unit: 0,
        }
    }

    fn num_label(&mut self, key: &str, num: i64, unit: &str) -> proto::Label {
        proto::Label {
            key: self.s(key),
            str: 0,
            num,
            num_unit: if unit.is_empty() { 0 } else { self.s(unit) },
        }
    }
}

/// A small program: main → work → {helper (inlined into work), rec → rec → rec, alloc}.
fn program(types: &[(&str, &str)]) -> Builder {
    let mut b = Builder::new(types);
    b.mapping(1, "/usr/bin/app");
    for (id, name) in [
        (1, "main.main"),
        (2, "main.work"),
        (3, "main.helper"),
        (4, "main.rec"),
        (5, "runtime.mallocgc"),
    ] {
        b.function(id, name, "/src/app/main.go");
    }
    b.location(1, 1, 0x401000, &[(1, 10)]);
    // helper inlined into work: innermost line first.
    b.location(2, 1, 0x402000, &[(3, 30), (2, 20)]);
    b.location(3, 1, 0x403000, &[(2, 22)]);
    b.location(4, 1, 0x404000, &[(4, 40)]);
    b.location(5, 1, 0x405000, &[(5, 50)]);
    b
}

/// Every edge case with its name.
fn edge_cases() -> Vec<(&'static str, proto::Profile)> {
    let mut cases = Vec::new();

    // Samples with an empty stack count in the total but in no node.
    let mut b = program(&[("cpu", "nanoseconds")]);
    b.p.duration_nanos = 5_000_000_000;
    b.sample(&[2, 1], &[100_000_000], &[]);
    b.sample(&[], &[3_000_000], &[]);
    b.sample(&[5, 3, 1], &[70_000_000], &[]);
    cases.push(("empty-stack", b.p));

    // Negative values (as in a diff profile written to disk).
    let mut b = program(&[("inuse_space", "bytes")]);
    b.sample(&[5, 3, 1], &[4096], &[]);
    b.sample(&[2, 1], &[-1536], &[]);
    b.sample(&[4, 1], &[-512], &[]);
    cases.push(("negative-values", b.p));

    // Recursion through an inline frame: rec inlined into itself at another line, and called
    // again below; cum must count rec once per sample.
    let mut b = program(&[("samples", "count")]);
    b.location(6, 1, 0x406000, &[(4, 41), (4, 42)]);
    b.sample(&[6, 4, 6, 3, 1], &[7], &[]);
    b.sample(&[2, 6, 1], &[5], &[]);
    b.sample(&[4, 4, 4, 1], &[3], &[]);
    cases.push(("recursion-inline", b.p));

    // A location whose mapping id matches no mapping: no mapping, no error.
    let mut b = program(&[("samples", "count")]);
    b.location(7, 99, 0x407000, &[]);
    b.sample(&[7, 1], &[9], &[]);
    b.sample(&[3, 1], &[4], &[]);
    cases.push(("unknown-mapping", b.p));

    // Labels with value 0 (numeric, no unit) and with an empty string are dropped by pprof;
    // labels that survive still filter.
    let mut b = program(&[("samples", "count")]);
    let zero = b.num_label("zero", 0, "");
    let empty = b.str_label("empty", "");
    let worker = b.str_label("worker", "a");
    let size = b.num_label("bytes", 2048, "bytes");
    b.sample(&[2, 1], &[10], &[zero, empty, worker]);
    b.sample(&[3, 1], &[20], &[size]);
    b.sample(&[5, 3, 1], &[30], &[worker, size]);
    cases.push(("labels-zero", b.p));

    // No samples at all.
    let b = program(&[("samples", "count"), ("cpu", "nanoseconds")]);
    cases.push(("zero-samples", b.p));

    // Duplicate stacks with opposite signs cancel when pprof merges the source.
    let mut b = program(&[("samples", "count")]);
    b.sample(&[2, 1], &[40], &[]);
    b.sample(&[2, 1], &[-40], &[]);
    b.sample(&[3, 1], &[25], &[]);
    b.sample(&[5, 3, 1], &[-5], &[]);
    cases.push(("cancelling-duplicates", b.p));

    // Values near i64::MAX: sums wrap as Go's int64 arithmetic wraps in pprof.
    let mut b = program(&[("samples", "count")]);
    b.sample(&[2, 1], &[i64::MAX - 10], &[]);
    b.sample(&[5, 3, 1], &[i64::MAX - 20], &[]);
    b.sample(&[3, 1], &[100], &[]);
    cases.push(("huge-values", b.p));

    cases
}

fn edge_dir() -> PathBuf {
    common::fixtures_dir().join("edge")
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(data).expect("in-memory write");
    enc.finish().expect("in-memory gzip")
}

/// Writes the edge profiles for regen.sh; run by `make goldens`.
#[test]
#[ignore = "writes tests/fixtures/edge; run by make goldens"]
fn write_edge_profiles() {
    std::fs::create_dir_all(edge_dir()).expect("create edge dir");
    for (name, p) in edge_cases() {
        let path = edge_dir().join(format!("{name}.pb.gz"));
        std::fs::write(&path, gzip(&p.encode_to_vec())).expect("write edge profile");
    }
}

#[test]
fn committed_edge_profiles_are_what_this_file_builds() {
    for (name, p) in edge_cases() {
        let path = edge_dir().join(format!("{name}.pb.gz"));
        let committed = common::load(&path).unwrap_or_else(|e| panic!("{name}: {e}"));
        let built = profdiff::decode(&p.encode_to_vec(), &profdiff::Limits::default())
            .expect("edge profiles are valid");
        assert_eq!(
            committed, built,
            "{name}: run `make goldens` after editing edge_cases()"
        );
    }
}

#[test]
fn edge_goldens_match_pprof() {
    let dir = common::fixtures_dir();
    let mut matched = 0;
    for row in common::read_tsv(&dir.join("golden/edge.tsv")) {
        let (case, file, flags) = (&row[0], &row[1], row.get(2).map_or("", String::as_str));
        let expected = common::read_golden(&dir.join(format!("golden/edge-{case}.txt")));
        let profile = common::load(&edge_dir().join(file)).expect(case);
        let actual = common::top_text(vec![profile], &common::parse_pprof_flags(flags))
            .unwrap_or_else(|e| panic!("{case}: {e}"));
        if let Err(e) = common::compare_text(&expected, &actual) {
            panic!("{case} ({file} {flags}): {e}");
        }
        matched += 1;
    }
    assert!(matched >= 20, "only {matched} edge goldens");
}

/// Values pprof's rules give, spelled out for the cases where they are easy to get wrong.
#[test]
fn edge_values() {
    let top = |name: &str, flags: &str| {
        let profile = common::load(&edge_dir().join(format!("{name}.pb.gz"))).expect(name);
        common::top_text(vec![profile], &common::parse_pprof_flags(flags)).expect(name)
    };
    // Empty stacks: in the total (173ms), not in any node (170ms shown).
    let text = top("empty-stack", "");
    assert!(
        text.contains("Showing nodes accounting for 170ms, 98.27% of 173ms total"),
        "{text}"
    );
    // Recursion through inline frames: rec's cum is its samples' sum, counted once each.
    let text = top("recursion-inline", "");
    assert!(
        text.contains("        10 66.67% 66.67%         15   100%  main.rec"),
        "{text}"
    );
    // Opposite-sign duplicates cancel before the total is taken: |25| + |-5| = 30.
    let text = top("cancelling-duplicates", "");
    assert!(text.contains("of 30 total"), "{text}");
}
