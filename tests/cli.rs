//! The `profdiff` binary itself: output equal to pprof's goldens, `info`, and bad input, which
//! must exit 1 with one line `profdiff: FILE: problem` on stderr and never panic.

mod common;

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output};

use profdiff::proto;
use prost::Message;

fn profdiff(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_profdiff"))
        .args(args)
        .current_dir(common::fixtures_dir().join("profiles"))
        .output()
        .expect("run profdiff")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn top_prints_what_pprof_prints() {
    let cases: &[(&[&str], &str)] = &[
        (&["top", "heap.pb.gz"], "heap"),
        (&["top", "--cum", "cpu.pb.gz"], "cpu-cum"),
        (
            &["top", "--sample_index=alloc_space", "heap.pb.gz"],
            "heap-si-alloc_space",
        ),
        (&["top", "--granularity=lines", "cpu.pb.gz"], "cpu-lines"),
        (
            &["top", "--diff-base=heap.pb.gz", "heap2.pb.gz"],
            "heap-diff",
        ),
        (&["top", "heap.pb.gz", "heap2.pb.gz"], "merged-heap"),
    ];
    let golden = common::fixtures_dir().join("golden");
    for (args, case) in cases {
        let expected = common::read_golden(&golden.join(format!("{case}.txt")));
        let out = profdiff(args);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        if let Err(e) = common::compare_text(&expected, &stdout(&out)) {
            panic!("{args:?}: {e}");
        }
    }
}

#[test]
fn info_lists_types_totals_and_sizes() {
    let out = profdiff(&["info", "heap.pb.gz"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    for want in [
        "alloc_objects/count",
        "inuse_space/bytes",
        "[default]",
        "Period: ",
        "Samples: ",
        "Locations: ",
        "Functions: ",
        "Mappings: ",
        "bytes (numeric)",
    ] {
        assert!(text.contains(want), "missing {want:?} in:\n{text}");
    }
    let out = profdiff(&["info", "cpu.pb.gz"]);
    let text = stdout(&out);
    assert!(text.contains("Duration: "), "{text}");
    assert!(text.contains("worker: a, b"), "{text}");
}

#[test]
fn filters_that_match_nothing_warn_on_stderr() {
    let out = profdiff(&["top", "--focus=nosuchfunction", "heap.pb.gz"]);
    assert!(out.status.success());
    assert_eq!(stderr(&out), "Focus expression matched no samples\n");
}

fn temp_file(name: &str, bytes: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("profdiff-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write temp file");
    path
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(data).expect("in-memory write");
    enc.finish().expect("in-memory gzip")
}

/// A valid one-sample profile, to be broken in one place per case.
fn valid() -> proto::Profile {
    proto::Profile {
        sample_type: vec![proto::ValueType { r#type: 1, unit: 2 }],
        sample: vec![proto::Sample {
            location_id: vec![1],
            value: vec![10],
            label: vec![],
        }],
        location: vec![proto::Location {
            id: 1,
            line: vec![proto::Line {
                function_id: 1,
                line: 3,
                column: 0,
            }],
            ..Default::default()
        }],
        function: vec![proto::Function {
            id: 1,
            name: 3,
            system_name: 3,
            filename: 0,
            start_line: 0,
        }],
        string_table: vec![
            b"".to_vec(),
            b"samples".to_vec(),
            b"count".to_vec(),
            b"main.f".to_vec(),
        ],
        ..Default::default()
    }
}

fn random_bytes(n: usize, seed: u64) -> Vec<u8> {
    let mut x = seed;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect()
}

/// Each bad input with the part of the message that says what is wrong.
fn bad_inputs() -> Vec<(&'static str, Vec<u8>, &'static str)> {
    let heap = std::fs::read(common::fixtures_dir().join("profiles/heap.pb.gz")).expect("heap");
    let mut corrupt = heap.clone();
    for b in &mut corrupt[40..80] {
        *b ^= 0x5a;
    }
    let mut cases = vec![
        ("empty", Vec::new(), "parsing profile: empty input file"),
        (
            "truncated.pb.gz",
            heap[..heap.len() / 2].to_vec(),
            "decompressing profile: ",
        ),
        ("corrupt.pb.gz", corrupt, "decompressing profile: "),
        (
            "random.bin",
            random_bytes(4096, 7),
            "parsing profile: unrecognized profile format",
        ),
        // Field 1 (sample_type, a message) sent as a varint.
        (
            "wire-type.pb",
            vec![0x08, 0x01],
            "parsing profile: unrecognized profile format",
        ),
        // Field 9 (time_nanos) with an 11-byte varint.
        (
            "overlong-varint.pb",
            [&[0x48u8][..], &[0xff; 10], &[0x01]].concat(),
            "parsing profile: unrecognized profile format",
        ),
        // Field 2 (sample) declaring 16 bytes with 1 present.
        (
            "length-past-end.pb",
            vec![0x12, 0x10, 0x01],
            "parsing profile: unrecognized profile format",
        ),
        // pprof's legacy heap text, with a record pprof refuses.
        (
            "legacy.heap",
            b"heap profile: 1: 1024 [1: 1024] @ heap/1048576\n0: 1024 [0: 0] @ 0x1\n".to_vec(),
            "parsing profile: inuse count was 0 but inuse bytes was 1024",
        ),
    ];
    let mut p = valid();
    p.sample[0].location_id = vec![9];
    cases.push((
        "dangling-location.pb",
        p.encode_to_vec(),
        "malformed profile: sample has nil location",
    ));
    let mut p = valid();
    p.location[0].line[0].function_id = 9;
    cases.push((
        "dangling-function.pb",
        p.encode_to_vec(),
        "malformed profile: location id: 1 has a line with nil function",
    ));
    let mut p = valid();
    p.function.push(p.function[0].clone());
    cases.push((
        "duplicate-function.pb",
        p.encode_to_vec(),
        "malformed profile: multiple functions with same id: 1",
    ));
    let mut p = valid();
    p.location[0].id = 0;
    p.sample[0].location_id = vec![0];
    cases.push(("zero-id.pb", p.encode_to_vec(), "malformed profile: "));
    let mut p = valid();
    p.mapping.push(proto::Mapping::default());
    cases.push((
        "zero-mapping-id.pb",
        p.encode_to_vec(),
        "malformed profile: found mapping with reserved ID=0",
    ));
    let mut p = valid();
    p.sample[0].value = vec![1, 2];
    cases.push((
        "value-count.pb",
        p.encode_to_vec(),
        "malformed profile: mismatch: sample has 2 values vs. 1 types",
    ));
    let mut p = valid();
    p.sample_type.clear();
    cases.push((
        "no-sample-types.pb",
        gzip(&p.encode_to_vec()),
        "malformed profile: missing sample type information",
    ));
    let mut p = valid();
    p.function[0].name = 99;
    cases.push((
        "string-index.pb",
        p.encode_to_vec(),
        "parsing profile: unrecognized profile format (function name refers to string 99",
    ));
    let mut p = valid();
    p.string_table[0] = b"x".to_vec();
    cases.push((
        "string-zero.pb",
        p.encode_to_vec(),
        "string_table[0] must be ''",
    ));
    cases
}

#[test]
fn bad_input_exits_1_with_one_line_naming_the_file() {
    for (name, bytes, want) in bad_inputs() {
        let path = temp_file(name, &bytes);
        for cmd in ["top", "info"] {
            let out = profdiff(&[cmd, path.to_str().expect("utf-8 temp path")]);
            let err = stderr(&out);
            assert_eq!(out.status.code(), Some(1), "{name}: {cmd}: {err}");
            assert!(!err.contains("panicked"), "{name}: {err}");
            assert_eq!(err.lines().count(), 1, "{name}: {err}");
            let prefix = format!("profdiff: {}: ", path.display());
            assert!(err.starts_with(&prefix), "{name}: {err}");
            assert!(err.contains(want), "{name}: want {want:?}, got {err}");
        }
    }
}

#[test]
fn missing_file_and_bad_options_are_one_line_errors() {
    let out = profdiff(&["top", "no-such-file.pb.gz"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "profdiff: no-such-file.pb.gz: cannot read file: No such file or directory\n"
    );
    let out = profdiff(&["top", "--sample-index=nosuch", "heap.pb.gz"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "profdiff: sample_index \"nosuch\" must be one of: [alloc_objects alloc_space inuse_objects inuse_space]\n"
    );
    let out = profdiff(&["top", "--normalize", "heap.pb.gz"]);
    assert_eq!(
        stderr(&out),
        "profdiff: must have base profile to normalize by\n"
    );
    let out = profdiff(&["top", "--max-size=1KiB", "heap.pb.gz"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("more than 1024 bytes"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_closed_pipe_is_not_an_error() {
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_profdiff"))
        .args(["top", "--nodefraction=0", "cpu.pb.gz", "cpu2.pb.gz"])
        .current_dir(common::fixtures_dir().join("profiles"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    drop(child.stdout.take());
    let out = child.wait_with_output().expect("wait");
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!stderr(&out).contains("panicked"));
}
