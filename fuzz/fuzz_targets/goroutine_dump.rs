//! Goroutine dumps: arbitrary bytes after a goroutine header (unless they start like a dump
//! or a crash already: the seeds are real dumps). Decoded, then `top` with a tag filter on the
//! state label.
#![no_main]

use libfuzzer_sys::fuzz_target;
use profdiff::{report, top};

fuzz_target!(|data: &[u8]| {
    let starts_like_a_dump = [b"goroutine ".as_slice(), b"panic: ", b"SIG", b"fatal error: "]
        .iter()
        .any(|p| data.starts_with(p));
    let mut text = if starts_like_a_dump {
        Vec::new()
    } else {
        b"goroutine 1 [running]:\n".to_vec()
    };
    text.extend_from_slice(data);
    let limits = profdiff::Limits {
        max_inflated_bytes: 64 << 20,
        ..profdiff::Limits::default()
    };
    let Ok(profile) = profdiff::decode(&text, &limits) else {
        return;
    };
    let Ok(prepared) = top::prepare(vec![profile], false) else {
        return;
    };
    let mut opts = top::Options::default();
    opts.filters.tagfocus = "state=select|chan".to_string();
    if let Ok(table) = top::top(&prepared, &opts) {
        let _ = report::top(&table, report::Format::Json);
    }
});
