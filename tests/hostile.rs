//! A catalogue of hostile and odd inputs, each with its expected outcome, run through the CLI
//! with its time and peak memory measured. Valid ones must print what `go tool pprof` prints
//! (goldens made by tests/fixtures/regen.sh from the files `write_hostile_catalogue` writes);
//! invalid ones must exit 1 with a one-line message. Every case must stay under 2 s and 300 MB.

mod common;

use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

use profdiff::proto;
use prost::Message;

/// What a case must do.
enum Expect {
    /// Print what pprof prints (golden `hostile-<name>.txt`).
    Valid,
    /// Exit 1 with a message containing this.
    Error(&'static str),
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(data).expect("in-memory write");
    enc.finish().expect("in-memory gzip")
}

fn varint(mut v: u64, out: &mut Vec<u8>) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn field_bytes(field: u64, payload: &[u8], out: &mut Vec<u8>) {
    varint(field << 3 | 2, out);
    varint(payload.len() as u64, out);
    out.extend_from_slice(payload);
}

/// A small valid profile: main.main → main.work → main.leaf, with the given function names.
fn small(names: [&[u8]; 3]) -> proto::Profile {
    let mut strings: Vec<Vec<u8>> = vec![b"".to_vec(), b"samples".to_vec(), b"count".to_vec()];
    strings.extend(names.iter().map(|n| n.to_vec()));
    proto::Profile {
        sample_type: vec![proto::ValueType { r#type: 1, unit: 2 }],
        sample: vec![
            proto::Sample {
                location_id: vec![3, 2, 1],
                value: vec![7],
                label: vec![],
            },
            proto::Sample {
                location_id: vec![2, 1],
                value: vec![3],
                label: vec![],
            },
        ],
        location: (1..=3)
            .map(|i| proto::Location {
                id: i,
                line: vec![proto::Line {
                    function_id: i,
                    line: 10 * i as i64,
                    column: 0,
                }],
                ..Default::default()
            })
            .collect(),
        function: (1..=3)
            .map(|i| proto::Function {
                id: i,
                name: 2 + i as i64,
                system_name: 2 + i as i64,
                filename: 0,
                start_line: 0,
            })
            .collect(),
        string_table: strings,
        time_nanos: 1_700_000_000_000_000_000,
        ..Default::default()
    }
}

fn plain() -> proto::Profile {
    small([b"main.main", b"main.work", b"main.leaf"])
}

/// The catalogue: name, bytes, expectation.
fn catalogue() -> Vec<(&'static str, Vec<u8>, Expect)> {
    let raw = plain().encode_to_vec();
    let gz = gzip(&raw);
    let mut cases = Vec::new();

    // Valid but odd.
    let (head, tail) = raw.split_at(raw.len() / 2);
    cases.push((
        "multi-member.pb.gz",
        [gzip(head), gzip(tail)].concat(),
        Expect::Valid,
    ));
    cases.push(("raw.pb", raw.clone(), Expect::Valid));
    let mut unknown = raw.clone();
    field_bytes(100, b"unknown top-level field", &mut unknown);
    varint(99 << 3, &mut unknown);
    varint(12345, &mut unknown);
    cases.push(("unknown-fields.pb", unknown, Expect::Valid));
    // Samples with unpacked location ids and values.
    let mut unpacked = plain();
    unpacked.sample.clear();
    let mut bytes = unpacked.encode_to_vec();
    for (stack, value) in [(&[3u64, 2, 1][..], 7u64), (&[2, 1][..], 3)] {
        let mut sample = Vec::new();
        for &id in stack {
            varint(1 << 3, &mut sample);
            varint(id, &mut sample);
        }
        varint(2 << 3, &mut sample);
        varint(value, &mut sample);
        field_bytes(2, &sample, &mut bytes);
    }
    cases.push(("unpacked.pb", bytes, Expect::Valid));
    let mut negative = plain();
    negative.sample[1].value = vec![-3];
    cases.push((
        "negative-values.pb.gz",
        gzip(&negative.encode_to_vec()),
        Expect::Valid,
    ));
    let non_utf8 = small([b"main.main", b"main.\xff\xfeweird", b"main.leaf"]);
    cases.push((
        "non-utf8.pb.gz",
        gzip(&non_utf8.encode_to_vec()),
        Expect::Valid,
    ));
    let html = small([
        b"main.main",
        b"<img src=x onerror=window.__pwned=1>",
        b"<script>window.__pwned=2</script>",
    ]);
    cases.push((
        "html-names.pb.gz",
        gzip(&html.encode_to_vec()),
        Expect::Valid,
    ));
    // One sample 200 000 frames deep, cycling through three functions.
    let mut deep = plain();
    deep.sample = vec![proto::Sample {
        location_id: (0..200_000u64).map(|i| i % 3 + 1).collect(),
        value: vec![5],
        label: vec![],
    }];
    cases.push((
        "deep-stack.pb.gz",
        gzip(&deep.encode_to_vec()),
        Expect::Valid,
    ));

    // Invalid.
    cases.push((
        "truncated.pb.gz",
        gz[..gz.len() - 9].to_vec(),
        Expect::Error("decompressing profile: "),
    ));
    let mut corrupt = gz.clone();
    let mid = corrupt.len() / 2;
    corrupt[mid] ^= 0xff;
    corrupt[mid + 1] ^= 0xff;
    cases.push((
        "corrupt.pb.gz",
        corrupt,
        Expect::Error("decompressing profile: "),
    ));
    let overlong = [&[0x48u8][..], &[0xff; 10], &[0x01], &raw].concat();
    cases.push((
        "overlong-varint.pb",
        overlong,
        Expect::Error("unrecognized profile format"),
    ));
    let mut past_end = raw.clone();
    past_end.extend([0x2a, 0x7f, 0x01]);
    cases.push((
        "length-past-end.pb",
        past_end,
        Expect::Error("unrecognized profile format"),
    ));
    let mut wire_type = raw.clone();
    wire_type.extend([0x0d, 0, 0, 0, 0]);
    cases.push((
        "wrong-wire-type.pb",
        wire_type,
        Expect::Error("unrecognized profile format"),
    ));
    let mut p = plain();
    p.function[1].name = 500;
    cases.push((
        "string-index.pb",
        p.encode_to_vec(),
        Expect::Error("refers to string 500"),
    ));
    let mut p = plain();
    p.function[0].id = 0;
    cases.push((
        "zero-id.pb",
        p.encode_to_vec(),
        Expect::Error("found function with reserved ID=0"),
    ));
    let mut p = plain();
    p.function[2].id = 2;
    cases.push((
        "duplicate-id.pb",
        p.encode_to_vec(),
        Expect::Error("multiple functions with same id: 2"),
    ));
    let mut p = plain();
    p.sample[0].location_id.push(77);
    cases.push((
        "dangling-id.pb",
        p.encode_to_vec(),
        Expect::Error("sample has nil location"),
    ));
    let mut p = plain();
    p.sample[0].value.push(1);
    cases.push((
        "value-count.pb",
        p.encode_to_vec(),
        Expect::Error("mismatch: sample has 2 values vs. 1 types"),
    ));
    let mut p = plain();
    p.sample_type.clear();
    cases.push((
        "no-sample-types.pb",
        p.encode_to_vec(),
        Expect::Error("missing sample type information"),
    ));
    let mut p = plain();
    p.string_table[0] = b"not empty".to_vec();
    cases.push((
        "string-zero.pb",
        p.encode_to_vec(),
        Expect::Error("string_table[0] must be ''"),
    ));
    // A string declared 3 GiB long inside a small gzip.
    let mut declared = Vec::new();
    varint(6 << 3 | 2, &mut declared);
    varint(3 << 30, &mut declared);
    declared.extend(std::iter::repeat_n(b'a', 1 << 20));
    cases.push((
        "declared-3GiB-string.pb.gz",
        gzip(&declared),
        Expect::Error("bytes of strings"),
    ));
    // 256 MB of zeros (about 250 KB of gzip).
    cases.push((
        "zeros-bomb.pb.gz",
        bomb(&[], 0, 256 << 20),
        Expect::Error("unrecognized profile format"),
    ));
    // An unknown field declaring 900 MB, really filled for 300 MB.
    let mut header = Vec::new();
    varint(100 << 3 | 2, &mut header);
    varint(900 << 20, &mut header);
    cases.push((
        "unknown-field-bomb.pb.gz",
        bomb(&header, b'x', 300 << 20),
        Expect::Error("bytes of unknown fields"),
    ));
    cases.extend(go_text_cases());
    cases.extend(legacy_cases());
    cases
}

/// Go's text profiles gone wrong (the readers of `src/decode/gotext.rs` and
/// `goroutine_dump.rs`).
fn go_text_cases() -> Vec<(&'static str, Vec<u8>, Expect)> {
    let frame = "#\t0x4c2bd0\tmain.holdBlobs+0x50\tprofdiff/fixtures/gotext.go:122\n";
    let mut cases = Vec::new();
    // One 10 MB line of addresses.
    let mut long = b"goroutine profile: total 1\n1 @".to_vec();
    while long.len() < 10 << 20 {
        long.extend_from_slice(b" 0x4c2bd1");
    }
    long.extend_from_slice(format!("\n{frame}").as_bytes());
    cases.push((
        "text-10MB-line.txt",
        long.clone(),
        Expect::Error("bytes in one text line"),
    ));
    cases.push((
        "text-10MB-line.txt.gz",
        gzip(&long),
        Expect::Error("bytes in one text line"),
    ));
    // Counts near 2^63: one heap record overflows once unsampled, two goroutine records add up
    // past 2^63 - 1.
    let big = i64::MAX - 7;
    cases.push((
        "text-heap-2^63.txt",
        format!("heap profile: 1: {big} [2: {big}] @ heap/1048576\n1: {big} [1: {big}] @ 0x4c2bd1\n{frame}")
            .into_bytes(),
        Expect::Error("line 2: a value is too large once unsampled"),
    ));
    cases.push((
        "text-count-2^63.txt",
        format!("goroutine profile: total 2\n{big} @ 0x4c2bd1\n{frame}\n{big} @ 0x4c2bd1\n{frame}")
            .into_bytes(),
        Expect::Error("line 5: the values add up to more than 2^63 - 1"),
    ));
    cases.push((
        "text-bad-hex.txt",
        format!("heap profile: 1: 8 [1: 8] @ heap/1048576\n1: 8 [1: 8] @ 0x4C2BD1\n{frame}")
            .into_bytes(),
        Expect::Error("line 2: bad address \"0x4C2BD1\""),
    ));
    cases.push((
        "text-bad-hex-comment.txt",
        "heap profile: 1: 8 [1: 8] @ heap/1048576\n1: 8 [1: 8] @ 0x4c2bd1\n#\t0xzz\tmain.f+0x1\tm.go:1\n"
            .as_bytes()
            .to_vec(),
        Expect::Error("line 3: bad address \"0xzz\""),
    ));
    cases.push((
        "text-missing-header.txt",
        format!("1: 8 [1: 8] @ 0x4c2bd1\n{frame}").into_bytes(),
        Expect::Error("line 1: a Go text profile without its header line"),
    ));
    cases.push((
        "text-record-without-frames.txt",
        format!("goroutine profile: total 2\n1 @ 0x4c2bd1\n{frame}\n1 @\n\n").into_bytes(),
        Expect::Error("line 5: a record with no frames"),
    ));
    // A dump whose last goroutine stops after a function line.
    cases.push((
        "dump-never-ends.txt",
        b"goroutine 1 [running]:\nmain.main()\n\tmain.go:3 +0x1\n\ngoroutine 7 [select]:\nmain.poll(0x1)\n".to_vec(),
        Expect::Error("line 6: the dump ends inside the goroutine of line 5"),
    ));
    // A goroutine whose frames go on and on (a runtime prints at most 100): the stack limit
    // stops it.
    let mut endless = b"goroutine 1 [running]:\n".to_vec();
    for _ in 0..1_000_001 {
        endless.extend_from_slice(b"main.f()\n\tm.go:1\n");
    }
    cases.push((
        "dump-endless-goroutine.txt.gz",
        gzip(&endless),
        Expect::Error("locations in one stack"),
    ));
    cases
}

/// pprof's legacy text and binary formats, read by src/decode/legacy/.
fn legacy_cases() -> Vec<(&'static str, Vec<u8>, Expect)> {
    const HEAP_HEADER: &str = "heap profile: 1: 1 [1: 1] @ heap/1048576\n";
    let mut cases = Vec::new();
    // Counts at the top of int64: pprof's unsampling overflows them to the minimum int64
    // (Go's float-to-int conversion on amd64), and its tables show that.
    let max = i64::MAX;
    cases.push((
        "legacy-int64-max.heap",
        format!("{HEAP_HEADER}{max}: {max} [{max}: {max}] @ 0x401000 0x402000\n").into_bytes(),
        Expect::Valid,
    ));
    cases.push((
        "legacy-over-int64.heap",
        format!("{HEAP_HEADER}9223372036854775808: 1 [1: 1] @ 0x401000\n").into_bytes(),
        Expect::Error("strconv.ParseInt: parsing \"9223372036854775808\": value out of range"),
    ));
    // One record line of 10 MB: Go's scanner (and ours) stops at 64 KiB.
    let mut long = format!("{HEAP_HEADER}1: 1 [1: 1] @").into_bytes();
    while long.len() < 10 << 20 {
        long.extend_from_slice(b" 0x401000");
    }
    long.push(b'\n');
    cases.push((
        "legacy-10MB-line.heap",
        long,
        Expect::Error("bufio.Scanner: token too long"),
    ));
    cases.push((
        "legacy-bad-hex.heap",
        format!("{HEAP_HEADER}1: 1 [1: 1] @ 0x10000000000000000\n").into_bytes(),
        Expect::Error("failed to parse as hex 64-bit number: 0x10000000000000000"),
    ));
    cases.push((
        "legacy-uppercase-hex.goroutine",
        b"goroutine profile: total 1\n1 @ 0x4A1000\n".to_vec(),
        Expect::Error("parsing profile: malformed profile format"),
    ));
    cases.push((
        "legacy-missing-header.heap",
        b"1: 1024 [1: 1024] @ 0x401000\n".to_vec(),
        Expect::Error("unrecognized profile format"),
    ));
    cases.push((
        "legacy-no-frames.threadcreate",
        b"threadcreate profile: total 1\n1 @\n".to_vec(),
        Expect::Error("parsing profile: malformed profile format"),
    ));
    cases.push((
        "legacy-unended.threadz",
        b"--- Thread 1 (name: main/1) stack: ---\n  0x401000\n".to_vec(),
        Expect::Error("unrecognized profile format"),
    ));
    // A thread whose stack goes on for two million lines.
    let mut deep = b"--- threadz 1 ---\n--- Thread 1 (name: main/1) stack: ---\n".to_vec();
    for _ in 0..2_000_000 {
        deep.extend_from_slice(b"0x401\n");
    }
    deep.extend_from_slice(b"--- Memory map: ---\n");
    cases.push((
        "legacy-deep-thread.threadz",
        deep,
        Expect::Error("locations in one stack"),
    ));
    // Java lines have no length limit in pprof; their addresses meet the stack-depth limit.
    let mut java = b"--- heapz 1 ---\nformat = java\nresolution = bytes\n1024 1 @".to_vec();
    for _ in 0..1_100_000 {
        java.extend_from_slice(b" 0x1");
    }
    java.push(b'\n');
    cases.push((
        "legacy-java-long-line.heapz",
        java,
        Expect::Error("locations in one stack"),
    ));
    // A binary CPU record claiming 2^40 addresses in a few bytes.
    let words: Vec<u8> = [0u64, 3, 0, 10000, 0, 1, 1 << 40, 0x401000]
        .iter()
        .flat_map(|w| w.to_le_bytes())
        .collect();
    cases.push((
        "legacy-cpu-depth-past-end.bin",
        words,
        Expect::Error("unrecognized profile format"),
    ));
    cases
}

/// gzip of `header` followed by `len` copies of `fill`, compressed in pieces so that this test
/// process never holds the inflated bytes (a child's peak RSS counts its parent's at fork).
fn bomb(header: &[u8], fill: u8, len: usize) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(header).expect("in-memory write");
    let piece = vec![fill; 1 << 20];
    for _ in 0..len / piece.len() {
        enc.write_all(&piece).expect("in-memory write");
    }
    enc.finish().expect("in-memory gzip")
}

fn hostile_dir() -> PathBuf {
    common::fixtures_dir().join("hostile")
}

/// Writes the valid cases for regen.sh; run by `make goldens`.
#[test]
#[ignore = "writes tests/fixtures/hostile; run by make goldens"]
fn write_hostile_catalogue() {
    std::fs::create_dir_all(hostile_dir()).expect("create dir");
    for (name, bytes, expect) in catalogue() {
        if matches!(expect, Expect::Valid) {
            std::fs::write(hostile_dir().join(name), bytes).expect("write case");
        }
    }
}

#[test]
fn hostile_catalogue_is_refused_or_read_like_pprof_within_bounds() {
    let dir = std::env::temp_dir().join(format!("profdiff-catalogue-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let mut report = Vec::new();
    for (name, bytes, expect) in catalogue() {
        let path = match expect {
            Expect::Valid => {
                let committed = hostile_dir().join(name);
                let on_disk = std::fs::read(&committed).unwrap_or_default();
                assert_eq!(
                    on_disk, bytes,
                    "{name}: run `make goldens` after editing the catalogue"
                );
                committed
            }
            Expect::Error(_) => {
                let p = dir.join(name);
                std::fs::write(&p, &bytes).expect("write case");
                p
            }
        };
        let common::Measured {
            code,
            stdout,
            stderr,
            elapsed,
            peak_rss_kb: rss_kb,
        } = common::run_measured("hostile", &["top".as_ref(), path.as_os_str()]);
        assert!(!stderr.contains("panicked"), "{name}: {stderr}");
        match expect {
            Expect::Valid => {
                assert_eq!(code, Some(0), "{name}: {stderr}");
                let golden = common::read_golden(
                    &common::fixtures_dir().join(format!("golden/hostile-{name}.txt")),
                );
                if let Err(e) = common::compare_text(&golden, &stdout) {
                    panic!("{name}: {e}");
                }
            }
            Expect::Error(want) => {
                assert_eq!(code, Some(1), "{name}: {stderr}");
                assert_eq!(stderr.lines().count(), 1, "{name}: {stderr}");
                assert!(stderr.contains(want), "{name}: want {want:?} in {stderr}");
            }
        }
        assert!(elapsed < Duration::from_secs(2), "{name}: took {elapsed:?}");
        assert!(rss_kb < 300 * 1024, "{name}: peak RSS {rss_kb} KB");
        report.push(format!("{name}: {:?}, {} KB", elapsed, rss_kb));
    }
    eprintln!(
        "hostile catalogue (time, peak RSS):\n  {}",
        report.join("\n  ")
    );
}
