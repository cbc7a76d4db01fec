//! Conformance on the shared corpus of real profiles: every `go tool pprof` golden of every
//! profile pprof accepts (protobuf and pprof's legacy text and binary formats alike) must equal
//! our output line for line (the `Time:` line aside), and every profile pprof refuses must be
//! refused by us too.

mod common;

use std::collections::BTreeMap;

use common::{Flags, compare_text, corpus_dir, load, read_golden, read_tsv, top_text};

/// A golden's variant (the part of its name after the profile file name) as flags.
fn variant_flags(variant: &str) -> Flags {
    let mut parts: Vec<&str> = variant.split('.').collect();
    let raw = parts.first() == Some(&"nosym");
    if raw {
        parts.remove(0);
    }
    let mut flags = String::new();
    match parts.pop() {
        Some("topcum") => flags.push_str("-cum "),
        Some("top") => {}
        other => panic!("golden variant {variant:?} ends in {other:?}"),
    }
    match parts.join(".").as_str() {
        "" => {}
        "full" => flags.push_str("-nodefraction=0"),
        sample_index => flags.push_str(&format!("-sample_index={sample_index}")),
    }
    let mut f = common::parse_pprof_flags(&flags);
    f.raw_names = raw;
    f
}

#[test]
fn corpus_goldens_match_pprof() {
    let Some(dir) = corpus_dir() else {
        // The corpus sits beside the repository in CI and in sessions; say so loudly when it
        // does not, and fail if the caller asked for it.
        assert!(
            std::env::var_os("PROFDIFF_REQUIRE_CORPUS").is_none(),
            "PROFDIFF_REQUIRE_CORPUS is set but the corpus was not found"
        );
        eprintln!("corpus not found (set PROFDIFF_CORPUS): conformance NOT checked");
        return;
    };
    let manifest = read_tsv(&dir.join("MANIFEST.tsv"));
    // file → (pprof accepts?, format)
    let files: BTreeMap<String, (bool, String)> = manifest
        .iter()
        .map(|row| (row[0].clone(), (row[9] == "yes", row[10].clone())))
        .collect();
    let mut goldens: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for entry in std::fs::read_dir(dir.join("golden")).expect("golden dir") {
        let name = entry
            .expect("dir entry")
            .file_name()
            .to_string_lossy()
            .into_owned();
        let Some(stem) = name.strip_suffix(".txt") else {
            continue;
        };
        // The longest profile name that prefixes the golden's name owns it.
        let owner = files
            .keys()
            .filter(|f| stem.starts_with(&format!("{f}.")))
            .max_by_key(|f| f.len())
            .unwrap_or_else(|| panic!("golden {name} matches no corpus file"));
        goldens
            .entry(owner.clone())
            .or_default()
            .push(stem[owner.len() + 1..].to_string());
    }

    let (mut matched, mut profiles_compared) = (0, 0);
    let (mut legacy_matched, mut legacy_goldens) = (0, 0);
    let mut rejected_alike = Vec::new();
    let mut failures = Vec::new();
    for (file, (accepted, format)) in &files {
        let path = dir.join(file);
        let decoded = load(&path);
        let is_legacy = format.starts_with("legacy");
        match (&decoded, accepted) {
            (Err(_), false) => {
                rejected_alike.push(file.clone());
                continue;
            }
            (Err(e), true) => {
                failures.push(format!("{file}: pprof accepts it, we refuse: {e}"));
                continue;
            }
            (Ok(_), false) => {
                failures.push(format!("{file}: pprof refuses it, we accept it"));
                continue;
            }
            (Ok(_), true) => {}
        }
        let profile = decoded.expect("checked above");
        profiles_compared += 1;
        for variant in goldens.get(file).map(Vec::as_slice).unwrap_or_default() {
            let golden_path = dir.join("golden").join(format!("{file}.{variant}.txt"));
            let expected = read_golden(&golden_path);
            let result = top_text(vec![profile.clone()], &variant_flags(variant))
                .and_then(|actual| compare_text(&expected, &actual));
            legacy_goldens += usize::from(is_legacy);
            match result {
                Ok(()) => {
                    matched += 1;
                    legacy_matched += usize::from(is_legacy);
                }
                Err(e) => failures.push(format!("{file} [{variant}]: {e}")),
            }
        }
    }
    eprintln!(
        "corpus conformance: {matched} goldens equal to go tool pprof's over {profiles_compared} profiles \
         ({legacy_matched} of {legacy_goldens} legacy-format goldens); {} refused like pprof ({})",
        rejected_alike.len(),
        rejected_alike.join(", "),
    );
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(matched > 500, "only {matched} goldens compared");
    assert!(
        legacy_goldens >= 70,
        "only {legacy_goldens} legacy-format goldens compared"
    );
}

#[test]
fn variant_names_translate_to_flags() {
    let f = variant_flags("nosym.full.topcum");
    assert!(f.raw_names && f.top.graph.cum_sort);
    assert_eq!(f.top.graph.node_fraction, 0.0);
    let f = variant_flags("alloc_space.top");
    assert_eq!(f.top.sample_index, "alloc_space");
    let f = variant_flags("top");
    assert!(!f.raw_names && !f.top.graph.cum_sort);
    assert_eq!(f.top.graph.node_fraction, 0.005);
}
