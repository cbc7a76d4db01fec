//! pprof's legacy formats in the variants the shared corpus lacks: Go's mutex and block texts,
//! a goroutine count profile, tcmalloc's heap_v2 (with negative in-use counts), heapprofile and
//! fragmentationz, binary CPU profiles in 32-bit big-endian and 64-bit words (the signal
//! handler's frame stripped, a duplicated leaf dropped), the Java CPU profile, threadz ending in
//! "no stack trace", and memory maps in both layouts with pprof's heuristics (log prefixes,
//! `$attr` substitution, the 0x400000 fix-up, a mapping grown over its unlisted first part).
//!
//! The files are built here; `write_legacy_fixtures` (run by `make goldens`) writes them to
//! tests/fixtures/legacy/ so that tests/fixtures/regen.sh records `go tool pprof`'s output for
//! them. Paths in the memory maps do not exist, so pprof cannot symbolize anything.

mod common;

use std::path::PathBuf;

/// Machine words of a binary CPU profile.
fn words(words: &[u64], width: usize, big_endian: bool) -> Vec<u8> {
    words
        .iter()
        .flat_map(|&w| {
            let bytes = if big_endian {
                w.to_be_bytes()
            } else {
                w.to_le_bytes()
            };
            if big_endian {
                bytes[8 - width..].to_vec()
            } else {
                bytes[..width].to_vec()
            }
        })
        .collect()
}

fn legacy_cases() -> Vec<(&'static str, Vec<u8>)> {
    let mut cases: Vec<(&'static str, Vec<u8>)> = Vec::new();
    let text = |s: &str| s.as_bytes().to_vec();
    cases.push((
        "go-mutex.txt",
        text(
            "--- mutex:\ncycles/second=2400000000\nsampling period=5\n\
              4800000 12 @ 0x401010 0x402020 0x403030\n\
              #\t0x40100f\tsync.(*Mutex).Unlock+0x4f\t/src/sync/mutex.go:190\n\n\
              2400000 3 @ 0x401010 0x404040 0x403030\n",
        ),
    ));
    cases.push((
        "go-block.txt",
        text(
            "--- contention:\ncycles/second=2400000000\n\
              48000000 2 @ 0x401010 0x402020\n1200 1 @ 0x405050\n",
        ),
    ));
    cases.push((
        "goroutine.txt",
        text("goroutine profile: total 9\n\
              5 @ 0x401010 0x402020 0x403030\n\
              # labels: {\"job\":\"sync\"}\n\
              #\t0x40200f\tmain.worker+0x3f\t/src/main.go:27\n\n\
              3 @ 0x401010 0x404040\n1 @ 0x7f0000001234 0x403030\n\
              --- Memory map: ---\n\
              I1129 10:00:00.000000  123 maps.cc:42] 00400000-00500000 r-xp 00000000 08:01 1234 /opt/profdiff-test/app\n\
              7f0000000000-7f0000100000 r-xp 00000000 08:01 99 /opt/profdiff-test/libc.so.6\n\
              7f0000100000-7f0000200000 rw-p 00000000 00:00 0\n"),
    ));
    cases.push((
        "heap_v2.txt",
        text(
            "heap profile:    3:   4160 [   10:   8192] @ heap_v2/524288\n\
              \x20    2:   4096 [    5:   6000] @ 0x401010 0x402020\n\
              \x20   -1:    -64 [    2:    128] @ 0x401010 0x403030\n\
              \x20    0:      0 [    3:   2064] @ 0x404040\n\
              --- Memory map: ---\n\
              base=/opt/profdiff-test\n\
              \x20 00401000-00600000: $base/server (@1000)\n\
              \x20 7f0000010000-7f0000100000: $base/libfoo.so (@10000)\n",
        ),
    ));
    cases.push((
        "heapprofile.txt",
        text(
            "heap profile: 4: 1000 [0: 0] @ heapprofile\n\
              3: 900 [0: 0] @ 0x401010 0x402020\n1: 100 [0: 0] @ 0x7f0000005000\n\
              MAPPED_LIBRARIES:\n\
              00400000-00600000 r-xp 00000000 08:01 1 /opt/profdiff-test/server\n\
              7f0000010000-7f0000100000 r-xp 00010000 08:01 2 /opt/profdiff-test/libfoo.so\n",
        ),
    ));
    cases.push((
        "fragmentationz.txt",
        text(
            "heap profile: 2: 8192 [2: 8192] @ fragmentationz\n\
              1: 4096 [1: 4096] @ 0x401010 0x402020\n1: 4096 [1: 4096] @ 0x401010\n",
        ),
    ));
    // 32-bit big-endian, 1000 µs: the leaf of the second record is duplicated (the unwinder
    // saw it twice, once as a return address), and the third record has no end marker after.
    let mut cpu32 = words(&[0, 3, 0, 1000, 0], 4, true);
    cpu32.extend(words(&[7, 2, 0x401010, 0x402020], 4, true));
    cpu32.extend(words(&[3, 3, 0x401011, 0x401011, 0x403030], 4, true));
    cpu32.extend(words(&[1, 1, 0x404040], 4, true));
    cpu32.extend(words(&[0, 1, 0], 4, true));
    cpu32.extend(text(
        "00400000-00500000: /opt/profdiff-test/server\n0x7f0000000000 0x7f0000100000 /opt/profdiff-test/libm.so\n",
    ));
    cases.push(("cpu-32be.bin", cpu32));
    // 64-bit little-endian, 10 ms, as old Go runtimes wrote it: every record shares its second
    // frame (the signal handler's), which pprof removes.
    let mut cpu64 = words(&[0, 3, 0, 10000, 0], 8, false);
    for (count, leaf, caller) in [(5, 0x401010, 0x402020), (2, 0x403030, 0x404040)] {
        cpu64.extend(words(&[count, 3, leaf, 0x409990, caller], 8, false));
    }
    cpu64.extend(words(&[0, 1, 0], 8, false));
    cases.push(("cpu-64le.bin", cpu64));
    let mut java_cpu = words(&[0, 3, 1, 10000, 0], 4, false);
    java_cpu.extend(words(
        &[4, 2, 0x1, 0x2, 1, 2, 0x3, 0x2, 2, 1, 0x4],
        4,
        false,
    ));
    java_cpu.extend(words(&[0, 1, 0], 4, false));
    java_cpu.extend(text(
        " 0x00000001 com.example.Leaf.run (Leaf.java:12)\n\
         0x00000002 com.example.Main.main (Main.java:-1)\n\
         0x00000003 memcpy (/lib/libc.so.6)\n\
         0x00000004 generated stub/JIT\n",
    ));
    cases.push(("java-cpu.bin", java_cpu));
    cases.push((
        "threadz.txt",
        text(
            "--- threadz 2 ---\n# a comment\n\
              --- Thread 7f01 (name: main/100) stack: ---\n  PC: 0x00401010: main\n\
              \x20 0x00402020: start\n\
              --- Thread 7f02 (name: worker/101) stack: ---\n  PC: 0x00403030: work\n\
              \x20 0x00403030: work\n  0x00402020: start\n\
              --- Thread 7f03 (name: worker/102) stack: ---\n  [same as previous thread]\n\
              ---- no stack trace for thread 7f04\n\
              --- Memory map: ---\n  00400000-00500000: /opt/profdiff-test/server\n",
        ),
    ));
    cases
}

/// The pprof flags each file is recorded with (regen.sh keeps this list too).
const FLAG_SETS: [(&str, &str); 2] = [("", ""), ("-addresses", "-addresses -nodefraction=0")];

fn legacy_dir() -> PathBuf {
    common::fixtures_dir().join("legacy")
}

/// Writes the legacy files for regen.sh; run by `make goldens`.
#[test]
#[ignore = "writes tests/fixtures/legacy; run by make goldens"]
fn write_legacy_fixtures() {
    std::fs::create_dir_all(legacy_dir()).expect("create legacy dir");
    for (name, bytes) in legacy_cases() {
        std::fs::write(legacy_dir().join(name), bytes).expect("write legacy file");
    }
}

#[test]
fn committed_legacy_fixtures_are_what_this_file_builds() {
    for (name, bytes) in legacy_cases() {
        let committed = std::fs::read(legacy_dir().join(name)).unwrap_or_default();
        assert_eq!(
            committed, bytes,
            "{name}: run `make goldens` after editing legacy_cases()"
        );
    }
}

#[test]
fn legacy_goldens_match_pprof() {
    let dir = common::fixtures_dir();
    let mut matched = 0;
    for row in common::read_tsv(&dir.join("golden/legacy.tsv")) {
        let (case, file, flags) = (&row[0], &row[1], row.get(2).map_or("", String::as_str));
        let expected = common::read_golden(&dir.join(format!("golden/legacy-{case}.txt")));
        // Go's own texts among them are read as pprof reads them (`--pprof-text`): by default
        // profdiff names their frames from the comment lines, which pprof does not.
        let bytes = std::fs::read(legacy_dir().join(file)).expect(case);
        let profile = profdiff::decode::decode_as(
            &bytes,
            &profdiff::Limits::default(),
            profdiff::GoText::Pprof,
            &mut |_| {},
        )
        .expect(case);
        let actual = common::top_text(vec![profile], &common::parse_pprof_flags(flags))
            .unwrap_or_else(|e| panic!("{case}: {e}"));
        if let Err(e) = common::compare_text(&expected, &actual) {
            panic!("{case} ({file} {flags}): {e}");
        }
        matched += 1;
    }
    assert_eq!(matched, legacy_cases().len() * FLAG_SETS.len());
}
