//! `profdiff paths` on two profiles whose stacks share almost no prefixes (200 000 samples of
//! 20–40 frames drawn over 20 000 functions each): the call tree must stay compact, so the
//! whole process stays under 400 MB of peak RSS (a tree with a node and a name per frame took
//! over 4 GB). The peak is read with wait4, so it holds whatever the machine's speed.

mod common;

use std::io::Write;
use std::path::PathBuf;

use profdiff::proto;
use prost::Message;

const SAMPLES: usize = 200_000;
const FUNCTIONS: u64 = 20_000;
const LINES_PER_FUNCTION: u64 = 4;
const PEAK_RSS_BOUND_KB: u64 = 400 * 1024;

/// A small deterministic generator (xorshift64*), so the profiles are the same on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// A CPU-like profile whose every frame is an independently drawn (function, line) location.
fn scattered_profile(seed: u64) -> Vec<u8> {
    let mut rng = Rng(seed);
    let mut strings: Vec<Vec<u8>> = vec![
        b"".to_vec(),
        b"samples".to_vec(),
        b"count".to_vec(),
        b"app.go".to_vec(),
    ];
    strings.extend((0..FUNCTIONS).map(|i| format!("app.(*svc{}).step{}", i % 97, i).into_bytes()));
    let function = (1..=FUNCTIONS)
        .map(|i| proto::Function {
            id: i,
            name: 3 + i as i64,
            system_name: 0,
            filename: 3,
            start_line: 1,
        })
        .collect();
    let location = (0..FUNCTIONS * LINES_PER_FUNCTION)
        .map(|i| proto::Location {
            id: i + 1,
            line: vec![proto::Line {
                function_id: i / LINES_PER_FUNCTION + 1,
                line: (i % LINES_PER_FUNCTION + 10) as i64,
                column: 0,
            }],
            ..Default::default()
        })
        .collect();
    let sample = (0..SAMPLES)
        .map(|_| {
            let depth = 20 + rng.below(21);
            proto::Sample {
                location_id: (0..depth)
                    .map(|_| rng.below(FUNCTIONS * LINES_PER_FUNCTION) + 1)
                    .collect(),
                value: vec![1 + rng.below(3) as i64],
                label: vec![],
            }
        })
        .collect();
    let p = proto::Profile {
        sample_type: vec![proto::ValueType { r#type: 1, unit: 2 }],
        function,
        location,
        sample,
        string_table: strings,
        ..Default::default()
    };
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(&p.encode_to_vec()).expect("in-memory write");
    enc.finish().expect("in-memory gzip")
}

fn write_pair() -> (PathBuf, PathBuf) {
    let dir = std::env::temp_dir().join(format!("profdiff-paths-rss-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let (a, b) = (dir.join("a.pb.gz"), dir.join("b.pb.gz"));
    std::fs::write(&a, scattered_profile(7)).expect("write A");
    std::fs::write(&b, scattered_profile(8)).expect("write B");
    (a, b)
}

#[test]
fn paths_of_stacks_sharing_few_prefixes_stays_under_400_mb() {
    let (a, b) = write_pair();
    let run = common::run_measured(
        "paths-rss",
        &["paths".as_ref(), a.as_os_str(), b.as_os_str()],
    );
    let (out, peak_kb) = (&run.stdout, run.peak_rss_kb);
    assert_eq!(run.code, Some(0), "profdiff paths failed: {}", run.stderr);
    // Ten ranked paths, each a whole stack of 20 to 40 frames below the header lines.
    for rank in 1..=10 {
        assert!(
            out.contains(&format!("#{rank}\n")),
            "rank {rank} missing:\n{out}"
        );
    }
    assert!(
        peak_kb < PEAK_RSS_BOUND_KB,
        "peak RSS {} MB is over the bound of {} MB",
        peak_kb / 1024,
        PEAK_RSS_BOUND_KB / 1024
    );
    let _ = std::fs::remove_dir_all(a.parent().expect("temp dir"));
}
