//! Two arbitrary inputs decoded and compared: the comparison table and the growth paths.
#![no_main]

use libfuzzer_sys::fuzz_target;
use profdiff::{compare, report, top};

fuzz_target!(|data: &[u8]| {
    if data.len() < 2 {
        return;
    }
    // The first byte says where A ends and B begins.
    let split = usize::from(data[0]) * data.len() / 256;
    let (a, b) = data[1..].split_at(split.min(data.len() - 1));
    let limits = profdiff::Limits {
        max_inflated_bytes: 32 << 20,
        ..profdiff::Limits::default()
    };
    let (Ok(a), Ok(b)) = (profdiff::decode(a, &limits), profdiff::decode(b, &limits)) else {
        return;
    };
    let (Ok(a), Ok(b)) = (top::prepare(vec![a], false), top::prepare(vec![b], false)) else {
        return;
    };
    if let Ok(c) = compare::compare(&a, &b, &compare::Options::default()) {
        let _ = report::diff(&c, &[], &[], report::Format::Text);
    }
    if let Ok(p) = compare::paths(&a, &b, &compare::PathOptions::default()) {
        let _ = report::paths(&p, &[], &[], report::Format::Csv);
    }
});
