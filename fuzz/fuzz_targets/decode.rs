//! Arbitrary bytes through the decoder: an error or a profile, never a panic or a hang.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = profdiff::decode(data, &small_limits());
});

fn small_limits() -> profdiff::Limits {
    profdiff::Limits {
        max_inflated_bytes: 64 << 20,
        ..profdiff::Limits::default()
    }
}
