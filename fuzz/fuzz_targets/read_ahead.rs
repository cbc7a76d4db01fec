//! The native read-ahead (samples read while the data is still inflating) against the ordinary
//! reading: arbitrary bytes, gzip-compressed, must decode to exactly what the same bytes
//! uncompressed decode to: the same profile, or the same error.
#![no_main]

use std::io::Write;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Data that is itself gzip would be inflated once more by the uncompressed reading.
    if data.starts_with(&[0x1f, 0x8b]) {
        return;
    }
    let limits = profdiff::Limits {
        max_inflated_bytes: 64 << 20,
        ..profdiff::Limits::default()
    };
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(data).expect("writing to memory cannot fail");
    let compressed = gz.finish().expect("writing to memory cannot fail");
    let ahead = profdiff::decode(&compressed, &limits).map_err(|e| e.to_string());
    let ordinary = profdiff::decode(data, &limits).map_err(|e| e.to_string());
    assert!(ahead == ordinary, "reading ahead differs: {ahead:?} vs {ordinary:?}");
});
