//! Heap profiles in text (pprof's `parseHeap`): Go's `heap profile: … @ heap/N` (the runtime
//! writes twice its sampling rate there), tcmalloc's `heap_v2/N`, `heapz_v2/N` and
//! `heapprofile`, and the growthz and fragmentationz variants. pprof reads only the `@`
//! addresses of each record; comment lines (Go's frame names among them) are skipped.

use std::sync::LazyLock;

use regex::Regex;

use crate::profile::Profile;

use super::gomath::scale_heap_sample;
use super::text::{Scanner, is_space_or_comment, parse_int};
use super::{
    Builder, Error, Finish, Limits, failed, maps, parse_hex_addresses, read_additional_sections,
    value_type,
};

static HEAP_HEADER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"heap profile: *([0-9]+): *([0-9]+) *\[ *([0-9]+): *([0-9]+) *\] *@ *(heap[_a-z0-9]*)/?([0-9]*)",
    )
    .expect("a fixed regex")
});
static HEAP_SAMPLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(-?[0-9]+): *(-?[0-9]+) *\[ *([0-9]+): *([0-9]+) *] @([ x0-9a-f]*)")
        .expect("a fixed regex")
});
static GROWTH_HEADER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"heap profile: *([0-9]+): *([0-9]+) *\[ *([0-9]+): *([0-9]+) *\] @ growthz?")
        .expect("a fixed regex")
});
static FRAGMENTATION_HEADER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"heap profile: *([0-9]+): *([0-9]+) *\[ *([0-9]+): *([0-9]+) *\] @ fragmentationz?")
        .expect("a fixed regex")
});

/// pprof looks at the very first line only: no blank or comment line may come before it.
pub(super) fn recognizes(data: &[u8]) -> bool {
    let mut s = Scanner::new(data);
    if !s.scan() {
        return false;
    }
    let line = s.text();
    HEAP_HEADER.is_match(&line)
        || GROWTH_HEADER.is_match(&line)
        || FRAGMENTATION_HEADER.is_match(&line)
}

/// How a header says its counts were sampled.
struct Header {
    /// `heap`, `heap_v2` and `heapz_v2` were sampled (Poisson, mean `period` bytes).
    sampled: bool,
    period: i64,
    /// Whether records carry allocation totals besides the in-use ones.
    has_alloc: bool,
}

pub(super) fn parse(data: &[u8], limits: &Limits) -> Result<Profile, Error> {
    let mut s = Scanner::new(data);
    if !s.scan() {
        return Err(match s.err() {
            Some(e) => failed(e),
            None => Error::Unrecognized,
        });
    }
    let line = s.text();
    let header = if HEAP_HEADER.is_match(&line) {
        parse_header(&line)?
    } else if GROWTH_HEADER.is_match(&line) || FRAGMENTATION_HEADER.is_match(&line) {
        Header {
            sampled: false,
            period: 1,
            has_alloc: false,
        }
    } else {
        return Err(Error::Unrecognized);
    };
    let n_values = if header.has_alloc { 4 } else { 2 };
    let mut b = Builder::new(limits, n_values);
    b.period_type = value_type("space", "bytes");
    b.period = header.period;
    b.sample_types = if header.has_alloc {
        // Alloc before in-use, so that pprof's default (the last type) is inuse_space.
        vec![
            value_type("alloc_objects", "count"),
            value_type("alloc_space", "bytes"),
            value_type("inuse_objects", "count"),
            value_type("inuse_space", "bytes"),
        ]
    } else {
        vec![value_type("objects", "count"), value_type("space", "bytes")]
    };
    while s.scan() {
        let text = s.text();
        let line = text.trim();
        if is_space_or_comment(line) {
            continue;
        }
        if maps::is_memory_map_sentinel(line) {
            break;
        }
        let (values, blocksize, addresses) = parse_sample(line, &header, limits)?;
        // Return addresses: moved back by one to land on the call.
        let stack = addresses.iter().map(|a| a.wrapping_sub(1));
        b.push_sample(stack, &values, Some(blocksize))?;
    }
    if let Some(e) = s.err() {
        return Err(failed(e));
    }
    read_additional_sections(&mut s, &mut b)?;
    b.finish(Finish::default())
}

/// pprof's `parseHeapHeader`.
fn parse_header(line: &str) -> Result<Header, Error> {
    let c = HEAP_HEADER.captures(line).ok_or(Error::Unrecognized)?;
    let g = |i| c.get(i).map_or("", |m| m.as_str());
    let mut period = 0;
    if !g(6).is_empty() {
        period = parse_int(g(6), 10).map_err(|_| Error::Unrecognized)?;
    }
    // A string comparison, as in pprof: "[0: 0]" or totals equal to the in-use ones mean no
    // allocation columns.
    let has_alloc = (g(3) != g(1) && g(3) != "0") || (g(4) != g(2) && g(4) != "0");
    let (sampled, period) = match g(5) {
        "heapz_v2" | "heap_v2" => (true, period),
        "heapprofile" => (false, 1),
        // Go writes twice its sampling rate.
        "heap" => (true, period / 2),
        _ => return Err(Error::Unrecognized),
    };
    Ok(Header {
        sampled,
        period,
        has_alloc,
    })
}

/// pprof's `parseHeapSample`: the values (allocation pair first when present, each scaled
/// when sampled), the block size label, and the addresses.
fn parse_sample(
    line: &str,
    header: &Header,
    limits: &Limits,
) -> Result<(Vec<i64>, i64, Vec<u64>), Error> {
    let Some(c) = HEAP_SAMPLE.captures(line) else {
        return Err(failed("unexpected number of sample values: got 0, want 6"));
    };
    let g = |i| c.get(i).map_or("", |m| m.as_str());
    let mut values = Vec::with_capacity(4);
    let mut blocksize = 0;
    let mut add = |count: &str, size: &str, label: &str| -> Result<(), Error> {
        let count =
            parse_int(count, 10).map_err(|e| failed(format!("malformed sample: {line}: {e}")))?;
        let size =
            parse_int(size, 10).map_err(|e| failed(format!("malformed sample: {line}: {e}")))?;
        if count == 0 && size != 0 {
            return Err(failed(format!(
                "{label} count was 0 but {label} bytes was {size}"
            )));
        }
        let (mut count, mut size) = (count, size);
        if count != 0 {
            blocksize = size.wrapping_div(count);
            if header.sampled {
                (count, size) = scale_heap_sample(count, size, header.period);
            }
        }
        values.extend([count, size]);
        Ok(())
    };
    if header.has_alloc {
        add(g(3), g(4), "allocation")?;
    }
    add(g(1), g(2), "inuse")?;
    let addresses = parse_hex_addresses(g(5), line, limits)?;
    Ok((values, blocksize, addresses))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_heap_text_is_unsampled_with_half_the_header_rate() {
        let text = "heap profile: 1: 320 [2: 640] @ heap/1048576\n\
                    1: 320 [2: 640] @ 0x4c3a15 0x4c3f50\n\
                    #\t0x4c3a14\tmain.load+0x34\t/src/main.go:22\n";
        let p = parse(text.as_bytes(), &Limits::default()).unwrap();
        assert_eq!(p.period, 524288);
        assert_eq!(p.sample_types.len(), 4);
        assert_eq!(p.samples.values(0), [3277, 1048896, 1638, 524448]);
        let addresses = super::super::stack_addresses(&p, 0);
        assert_eq!(addresses, [0x4c3a14, 0x4c3f4f]);
        // No memory map: one fake mapping covers everything.
        assert_eq!(p.mappings.len(), 1);
        assert_eq!(p.mappings[0].limit, u64::MAX);
    }

    #[test]
    fn errors_are_pprofs() {
        let err = |t: &str| match parse(t.as_bytes(), &Limits::default()) {
            Err(Error::Failed(e)) => e.to_string(),
            Err(Error::Unrecognized) => "unrecognized".to_string(),
            Ok(_) => "ok".to_string(),
        };
        assert_eq!(
            err("heap profile: 1: 2 [1: 2] @ heap/2\n0: 5 [0: 0] @ 0x1\n"),
            "parsing profile: inuse count was 0 but inuse bytes was 5"
        );
        assert_eq!(
            err("heap profile: 1: 2 [1: 2] @ heap/2\nnonsense\n"),
            "parsing profile: unexpected number of sample values: got 0, want 6"
        );
        assert_eq!(err("heap profile: 1: 2 [1: 2] @ heapz/2\n"), "unrecognized");
        assert_eq!(
            err("\nheap profile: 1: 2 [1: 2] @ heap/2\n"),
            "unrecognized"
        );
    }
}
