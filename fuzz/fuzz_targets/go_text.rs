//! Go's debug=1 texts: the first byte picks a header (heap, goroutine, mutex, block), the rest
//! is the body. Decoded, then `top` and the MemStats report: an error or a table, never a
//! panic or a hang.
#![no_main]

use libfuzzer_sys::fuzz_target;
use profdiff::{memstats, report, top};

const HEADERS: [&[u8]; 4] = [
    b"heap profile: 1: 8 [2: 16] @ heap/8192\n",
    b"goroutine profile: total 1\n",
    b"--- mutex:\ncycles/second=2400000000\nsampling period=5\n",
    b"--- contention:\ncycles/second=2100000000\n",
];

fuzz_target!(|data: &[u8]| {
    let Some((&selector, body)) = data.split_first() else {
        return;
    };
    let mut text = HEADERS[usize::from(selector) % HEADERS.len()].to_vec();
    text.extend_from_slice(body);
    let limits = profdiff::Limits {
        max_inflated_bytes: 64 << 20,
        ..profdiff::Limits::default()
    };
    let Ok(profile) = profdiff::decode(&text, &limits) else {
        return;
    };
    let c = memstats::Comparison::of(Some(&profile), Some(&profile));
    let _ = report::memstats(&c, &[], &[], report::Format::Json);
    let Ok(prepared) = top::prepare(vec![profile], false) else {
        return;
    };
    if let Ok(table) = top::top(&prepared, &top::Options::default()) {
        let _ = report::top(&table, report::Format::Text);
    }
});
