//! Natively, a gzip-compressed profile's samples are read while it is still being inflated
//! (src/decode/read_ahead.rs). That reading must give exactly the profile, or exactly the
//! error, of the ordinary reading of the same data uncompressed: checked here over every
//! gzip-compressed file of the real corpus and of the project's fixtures, hostile ones
//! included. (The corpus goldens check the profiles themselves against go tool pprof.)

mod common;

use std::io::Read;
use std::path::{Path, PathBuf};

use common::{corpus_dir, fixtures_dir};
use profdiff::Limits;

fn gzip_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            gzip_files(&path, out);
        } else if std::fs::read(&path).is_ok_and(|b| b.starts_with(&[0x1f, 0x8b])) {
            out.push(path);
        }
    }
}

/// The data inflated by flate2 directly, or None when it is not valid gzip (the decoder's
/// own error is then checked by the hostile tests).
fn gunzip(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    flate2::read::MultiGzDecoder::new(bytes)
        .read_to_end(&mut out)
        .ok()?;
    Some(out)
}

#[test]
fn reading_ahead_gives_the_ordinary_reading() {
    let mut files = Vec::new();
    gzip_files(&fixtures_dir(), &mut files);
    if let Some(dir) = corpus_dir() {
        gzip_files(&dir, &mut files);
    } else {
        eprintln!("corpus not found (set PROFDIFF_CORPUS): fixtures only");
    }
    files.sort();
    let limits = Limits::default();
    let (mut profiles, mut errors) = (0, 0);
    for path in &files {
        let bytes = std::fs::read(path).expect("listed files are readable");
        let Some(inflated) = gunzip(&bytes) else {
            continue;
        };
        let ahead = profdiff::decode(&bytes, &limits).map_err(|e| e.to_string());
        let ordinary = profdiff::decode(&inflated, &limits).map_err(|e| e.to_string());
        assert!(
            ahead == ordinary,
            "{}: reading ahead differs from the ordinary reading",
            path.display()
        );
        match ahead {
            Ok(_) => profiles += 1,
            Err(_) => errors += 1,
        }
    }
    eprintln!("read ahead: {profiles} profiles equal, {errors} errors equal");
    assert!(profiles >= 5, "too few gzip profiles found: {profiles}");
}

#[test]
fn reading_ahead_refuses_what_the_ordinary_reading_refuses_under_tight_limits() {
    let path = fixtures_dir().join("profiles");
    let mut files = Vec::new();
    gzip_files(&path, &mut files);
    files.sort();
    let tight = [
        Limits {
            max_stack_depth: 3,
            ..Limits::default()
        },
        Limits {
            max_frames: 50,
            ..Limits::default()
        },
        Limits {
            max_samples: 2,
            ..Limits::default()
        },
    ];
    let mut refused = 0;
    for path in &files {
        let bytes = std::fs::read(path).expect("listed files are readable");
        let Some(inflated) = gunzip(&bytes) else {
            continue;
        };
        for limits in &tight {
            let ahead = profdiff::decode(&bytes, limits).map_err(|e| e.to_string());
            let ordinary = profdiff::decode(&inflated, limits).map_err(|e| e.to_string());
            assert!(ahead == ordinary, "{}: {limits:?}", path.display());
            refused += usize::from(ahead.is_err());
        }
    }
    assert!(refused > 0, "no fixture reached a tight limit");
}

/// Profiles that the read-ahead reads whole but that fail to resolve: the inflated bytes were
/// freed by then, so they are inflated again and the ordinary path words the error.
#[test]
fn errors_found_after_reading_ahead_are_the_ordinary_ones() {
    use profdiff::proto;
    use prost::Message;
    use std::io::Write;
    let sample = |ids: Vec<u64>, values: Vec<i64>| proto::Sample {
        location_id: ids,
        value: values,
        label: vec![proto::Label {
            key: 1,
            str: 2,
            ..Default::default()
        }],
    };
    let profile = |samples: Vec<proto::Sample>, strings: usize| proto::Profile {
        sample_type: vec![proto::ValueType { r#type: 1, unit: 2 }],
        sample: samples,
        location: vec![proto::Location {
            id: 1,
            ..Default::default()
        }],
        string_table: [b"".to_vec(), b"samples".to_vec(), b"count".to_vec()][..strings].to_vec(),
        ..Default::default()
    };
    let cases = [
        (
            "an unknown location",
            profile(vec![sample(vec![1, 99], vec![3])], 3),
        ),
        (
            "too many values",
            profile(vec![sample(vec![1], vec![3, 4])], 3),
        ),
        (
            "a label string out of range",
            profile(vec![sample(vec![1], vec![3])], 2),
        ),
    ];
    for (what, p) in cases {
        let raw = p.encode_to_vec();
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(&raw).unwrap();
        let compressed = gz.finish().unwrap();
        let ahead = profdiff::decode(&compressed, &Limits::default()).map_err(|e| e.to_string());
        let ordinary = profdiff::decode(&raw, &Limits::default()).map_err(|e| e.to_string());
        assert!(ordinary.is_err(), "{what}: the ordinary reading accepts it");
        assert_eq!(ahead, ordinary, "{what}");
    }
}

/// The page's second worker inflates and the main worker reads the chunks as they come
/// (`Workspace::begin_stream` … `load_staged_pair`): the slots, the comparison and each side's
/// top must be those of the same files loaded from their bytes.
#[test]
fn streamed_files_load_as_the_same_files_given_whole() {
    use profdiff::options::ViewOptions;
    use profdiff::workspace::{SlotId, Workspace};
    let dir = fixtures_dir().join("profiles");
    // Later profile first: the pair must still put the earlier one in A.
    let names = ["heap2.pb.gz", "heap.pb.gz"];
    let bytes: Vec<Vec<u8>> = names
        .iter()
        .map(|n| std::fs::read(dir.join(n)).unwrap())
        .collect();

    let mut whole = Workspace::new(Limits::default());
    let files: Vec<(String, &[u8])> = names
        .iter()
        .map(|n| n.to_string())
        .zip(bytes.iter().map(Vec::as_slice))
        .collect();
    let pair_whole = whole.load_pair(&files, &mut |_| {}).unwrap();

    let mut streamed = Workspace::new(Limits::default());
    for (name, data) in names.iter().zip(&bytes) {
        streamed.begin_stream(name, data.len());
        profdiff::decode::gunzip_chunks(data, |chunk| {
            streamed.push_stream(&chunk.unwrap()).unwrap();
            true
        });
        streamed.end_stream(None, &mut |_| {}).unwrap();
    }
    let pair_streamed = streamed.load_staged_pair().unwrap();

    assert_eq!(json(&pair_streamed), json(&pair_whole));
    assert_eq!(
        pair_streamed.0.files,
        vec!["heap.pb.gz".to_string()],
        "the earlier profile in A"
    );
    let opts = ViewOptions::default();
    assert_eq!(
        json(&streamed.compare(&opts).unwrap()),
        json(&whole.compare(&opts).unwrap())
    );
    for id in [SlotId::A, SlotId::B] {
        assert_eq!(
            json(&streamed.top(id, &opts).unwrap()),
            json(&whole.top(id, &opts).unwrap())
        );
    }

    // An inflating error reported by the other worker is a decode error of that file, and
    // nothing stays staged.
    streamed.begin_stream("cut.pb.gz", 10);
    let err = streamed
        .end_stream(Some("unexpected end of file".into()), &mut |_| {})
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "cut.pb.gz: decompressing profile: unexpected end of file"
    );
    assert!(
        streamed.load_staged(SlotId::A).is_err(),
        "nothing is staged after an error"
    );
}

/// The serde_json text of a report, to compare reports whole.
fn json<T: serde::Serialize>(report: &T) -> String {
    serde_json::to_string(report).expect("reports serialise")
}
