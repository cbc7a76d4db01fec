//! Scale without quadratic work: a million functions, locations and samples, and a 200 000-frame
//! stack, through the CLI. Kept apart from tests/hostile.rs because building the profile
//! raises this process's memory, which a child's measured peak RSS inherits at fork.

use std::io::Write;
use std::process::Command;

use profdiff::proto;
use prost::Message;

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(data).expect("in-memory write");
    enc.finish().expect("in-memory gzip")
}

/// One million distinct functions, locations and samples, plus one 200 000-frame stack: the
/// report must come back (a quadratic step would not) with the right totals.
#[test]
fn a_million_functions_and_samples_report_in_linear_work() {
    const N: u64 = 1_000_000;
    let mut strings: Vec<Vec<u8>> = vec![b"".to_vec(), b"samples".to_vec(), b"count".to_vec()];
    strings.extend((0..N).map(|i| format!("pkg.f{i}").into_bytes()));
    let p = proto::Profile {
        sample_type: vec![proto::ValueType { r#type: 1, unit: 2 }],
        function: (1..=N)
            .map(|i| proto::Function {
                id: i,
                name: 2 + i as i64,
                system_name: 0,
                filename: 0,
                start_line: 0,
            })
            .collect(),
        location: (1..=N)
            .map(|i| proto::Location {
                id: i,
                line: vec![proto::Line {
                    function_id: i,
                    line: 1,
                    column: 0,
                }],
                ..Default::default()
            })
            .collect(),
        sample: (1..=N)
            .map(|i| proto::Sample {
                location_id: vec![i, 1],
                value: vec![1],
                label: vec![],
            })
            .chain(std::iter::once(proto::Sample {
                location_id: (0..200_000u64).map(|i| i % 1000 + 1).collect(),
                value: vec![7],
                label: vec![],
            }))
            .collect(),
        string_table: strings,
        ..Default::default()
    };
    let dir = std::env::temp_dir().join(format!("profdiff-million-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("million.pb.gz");
    std::fs::write(&path, gzip(&p.encode_to_vec())).expect("write");
    drop(p);
    let out = Command::new(env!("CARGO_BIN_EXE_profdiff"))
        .arg("top")
        .arg(&path)
        .output()
        .expect("run profdiff");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Every sample passes through location 1 (function pkg.f0), the root.
    assert!(stdout.contains("of 1000007 total"), "{stdout}");
    assert!(stdout.contains("1000007   100%  pkg.f0"), "{stdout}");
}
