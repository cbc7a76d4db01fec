//! Arbitrary bytes decoded, then every report of `top` that the options below reach.
#![no_main]

use libfuzzer_sys::fuzz_target;
use profdiff::options::ViewOptions;
use profdiff::{report, top};

fuzz_target!(|data: &[u8]| {
    let Some((&selector, bytes)) = data.split_first() else {
        return;
    };
    let limits = profdiff::Limits {
        max_inflated_bytes: 64 << 20,
        ..profdiff::Limits::default()
    };
    let Ok(profile) = profdiff::decode(bytes, &limits) else {
        return;
    };
    let Ok(prepared) = top::prepare(vec![profile], selector & 1 != 0) else {
        return;
    };
    let granularities = ["functions", "filefunctions", "files", "lines", "addresses"];
    let opts = ViewOptions {
        granularity: granularities[usize::from(selector >> 1) % 5].to_string(),
        noinlines: selector & 0x10 != 0,
        cum: selector & 0x20 != 0,
        nodefraction: if selector & 0x40 != 0 { 0.0 } else { 0.005 },
        hide: if selector & 0x80 != 0 {
            "runtime".to_string()
        } else {
            String::new()
        },
        ..ViewOptions::default()
    };
    let Ok(top_opts) = opts.top() else {
        return;
    };
    if let Ok(table) = top::top(&prepared, &top_opts) {
        let _ = report::top(&table, report::Format::Text);
        let _ = report::top(&table, report::Format::Json);
    }
});
