//! pprof's legacy formats: the first byte picks a header (heap, growthz, Go count, threadz,
//! contention, mutex, Java heapz / contentionz, binary CPU in 32- and 64-bit words, or none),
//! the rest is the body. Every input must decode to an error or a profile whose `top` table
//! renders, never a panic, a hang or unbounded memory.
#![no_main]

use libfuzzer_sys::fuzz_target;
use profdiff::{report, top};

const HEADERS: &[&[u8]] = &[
    b"",
    b"heap profile: 3: 416 [8: 928] @ heap/1048576\n",
    b"heap profile: 1: 2 [1: 2] @ heap_v2/524288\n",
    b"heap profile: 1: 2 [0: 0] @ heapprofile\n",
    b"heap profile: 1: 2 [3: 4] @ growthz\n",
    b"goroutine profile: total 7\n",
    b"--- threadz 1 ---\n",
    b"--- Thread 1 (name: main/1) stack: ---\n",
    b"--- contentionz 1 ---\ncycles/second = 3201000000\nsampling period = 100\n",
    b"--- mutex:\ncycles/second=2400000000\nsampling period=5\n",
    b"--- contention:\ncycles/second=2400000000\n",
    b"--- heapz 1 ---\nformat = java\nresolution = bytes\n",
    b"--- contentionz 1 ---\nformat = java\nresolution = microseconds\nsampling period = 100\n",
    // Binary CPU headers: 0, 3, 0 (C++) or 1 (Java), period, 0.
    b"\0\0\0\0\x03\0\0\0\0\0\0\0\x10\x27\0\0\0\0\0\0",
    b"\0\0\0\0\0\0\0\0\x03\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\x10\x27\0\0\0\0\0\0\0\0\0\0\0\0\0\0",
    b"\0\0\0\0\x03\0\0\0\x01\0\0\0\x10\x27\0\0\0\0\0\0",
];

fuzz_target!(|data: &[u8]| {
    let Some((&selector, body)) = data.split_first() else {
        return;
    };
    let mut input = HEADERS[usize::from(selector) % HEADERS.len()].to_vec();
    input.extend_from_slice(body);
    let limits = profdiff::Limits {
        max_inflated_bytes: 64 << 20,
        ..profdiff::Limits::default()
    };
    let Ok(profile) = profdiff::decode(&input, &limits) else {
        return;
    };
    let Ok(prepared) = top::prepare(vec![profile], selector & 0x80 != 0) else {
        return;
    };
    let opts = top::Options::default();
    if let Ok(table) = top::top(&prepared, &opts) {
        let _ = report::top(&table, report::Format::Text);
    }
});
