//! The binary CPU profile of gperftools and of Go runtimes before protobuf output (pprof's
//! `parseCPU`, `cpuProfile`, `parseCPUSamples`), and its Java variant (`javaCPUProfile`).
//!
//! The data is a sequence of machine words: a header (0, 3, 0 or 1 for Java, the period in
//! microseconds, 0), then records (count, depth, that many addresses) up to the record
//! (0, 1, 0), then a text memory map (C++) or a text list of Java frames.

use std::collections::HashMap;

use crate::profile::{LocIdx, Profile};

use super::text::Scanner;
use super::{Builder, Error, Finish, Limits, java, maps, value_type};

/// Reads one word from `b`; Go's version returns a nil rest when `b` is too short, which
/// `None` stands for here.
type Word = fn(Option<&[u8]>) -> (u64, Option<&[u8]>);

fn word<const N: usize>(b: Option<&[u8]>, big_endian: bool) -> (u64, Option<&[u8]>) {
    match b {
        Some(b) if b.len() >= N => {
            let mut bytes = [0u8; 8];
            if big_endian {
                bytes[8 - N..].copy_from_slice(&b[..N]);
                (u64::from_be_bytes(bytes), Some(&b[N..]))
            } else {
                bytes[..N].copy_from_slice(&b[..N]);
                (u64::from_le_bytes(bytes), Some(&b[N..]))
            }
        }
        _ => (0, None),
    }
}

/// pprof's `cpuInts`, in its order: 32-bit before 64-bit, little- before big-endian.
const WORDS: [Word; 4] = [
    |b| word::<4>(b, false),
    |b| word::<4>(b, true),
    |b| word::<8>(b, false),
    |b| word::<8>(b, true),
];

enum Kind {
    Cpp,
    Java,
}

/// The header: which word layout, C++ or Java, the period in microseconds, and the rest.
fn header(data: &[u8]) -> Option<(Word, Kind, u64, &[u8])> {
    for w in WORDS {
        let (n1, rest) = w(Some(data));
        let (n2, rest) = w(rest);
        let (n3, rest) = w(rest);
        let (n4, rest) = w(rest);
        let (n5, rest) = w(rest);
        let Some(rest) = rest else { continue };
        if n1 == 0 && n2 == 3 && n4 > 0 && n5 == 0 {
            match n3 {
                0 => return Some((w, Kind::Cpp, n4, rest)),
                1 => return Some((w, Kind::Java, n4, rest)),
                _ => {}
            }
        }
    }
    None
}

pub(super) fn recognizes(data: &[u8]) -> bool {
    header(data).is_some()
}

pub(super) fn parse(data: &[u8], limits: &Limits) -> Result<Profile, Error> {
    let Some((w, kind, period_us, rest)) = header(data) else {
        return Err(Error::Unrecognized);
    };
    let mut b = Builder::new(limits, 2);
    b.period = (period_us as i64).wrapping_mul(1000);
    b.period_type = value_type("cpu", "nanoseconds");
    b.sample_types = vec![
        value_type("samples", "count"),
        value_type("cpu", "nanoseconds"),
    ];
    match kind {
        Kind::Cpp => {
            let rest = parse_samples(rest, w, true, &mut b)?;
            strip_signal_frames(&mut b);
            let mut s = Scanner::new(rest);
            let mappings = maps::parse_memory_map(&mut s)?;
            b.add_mappings(mappings)?;
            b.finish(Finish {
                drop_duplicate_leaf: true,
                ..Finish::default()
            })
        }
        Kind::Java => {
            let rest = parse_samples(rest, w, false, &mut b)?;
            java::parse_locations(rest, &mut b)?;
            b.finish(Finish {
                clear_addresses: true,
                ..Finish::default()
            })
        }
    }
}

/// `parseCPUSamples`: records up to the end marker (or the end of the data); returns what
/// follows. Callers' addresses are return addresses, moved back by one when `adjust`.
fn parse_samples<'a>(
    data: &'a [u8],
    w: Word,
    adjust: bool,
    b: &mut Builder,
) -> Result<&'a [u8], Error> {
    let mut rest = Some(data);
    let mut addresses: Vec<u64> = Vec::new();
    while rest.is_some_and(|r| !r.is_empty()) {
        let (count, r) = w(rest);
        let (depth, r) = w(r);
        rest = r;
        let Some(r) = rest else {
            return Err(Error::Unrecognized);
        };
        if depth > (r.len() / 4) as u64 {
            return Err(Error::Unrecognized);
        }
        if depth > b.limits.max_stack_depth {
            return Err(super::stack_too_deep(b.limits));
        }
        addresses.clear();
        for _ in 0..depth {
            // A 64-bit file cut short reads as zero words here, as in pprof.
            let (a, r) = w(rest);
            addresses.push(a);
            rest = r;
        }
        if count == 0 && depth == 1 && addresses[0] == 0 {
            break;
        }
        let stack = addresses.iter().enumerate().map(|(i, &a)| {
            if adjust && i > 0 {
                a.wrapping_sub(1)
            } else {
                a
            }
        });
        let count = count as i64;
        b.push_sample(stack, &[count, count.wrapping_mul(b.period)], None)?;
    }
    Ok(rest.unwrap_or_default())
}

/// `cpuProfile`'s clean-up: a second frame that (nearly) every sample shares was pushed by the
/// signal handler, not the program; it is removed, twice at most.
fn strip_signal_frames(b: &mut Builder) {
    let n = b.n_samples();
    let margin = n / 32;
    for _ in 0..2 {
        let mut counts: HashMap<LocIdx, usize> = HashMap::new();
        for i in 0..n {
            if let [_, second, ..] = b.samples.stack(i) {
                *counts.entry(*second).or_default() += 1;
            }
        }
        // At most one frame can reach the threshold, so map order does not matter.
        let Some(common) = counts
            .into_iter()
            .find(|&(_, count)| count >= n - margin)
            .map(|(loc, _)| loc)
        else {
            continue;
        };
        b.rewrite_stacks(|stack, _, out| {
            out.extend_from_slice(stack);
            if stack.len() > 1 && stack[1] == common {
                out.remove(1);
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words64(words: &[u64]) -> Vec<u8> {
        words.iter().flat_map(|w| w.to_le_bytes()).collect()
    }

    #[test]
    fn reads_records_and_the_memory_map() {
        let mut data = words64(&[0, 3, 0, 10000, 0]);
        data.extend(words64(&[
            2, 2, 0x401010, 0x402020, 1, 2, 0x401010, 0x403030,
        ]));
        data.extend(words64(&[0, 1, 0]));
        data.extend(b"00400000-00500000 r-xp 00000000 00:00 0 /bin/app\n");
        let p = parse(&data, &Limits::default()).unwrap();
        assert_eq!(p.period, 10_000_000);
        assert_eq!(p.samples.values(0), [2, 20_000_000]);
        let addresses = |i| super::super::stack_addresses(&p, i);
        // The leaf as recorded, callers moved back onto the call.
        assert_eq!(addresses(0), [0x401010, 0x40201f]);
        assert_eq!(addresses(1), [0x401010, 0x40302f]);
        assert_eq!(p.mappings[0].file, "/bin/app");
        assert_eq!(p.drop_frames, super::super::CPU_PROFILER_RX);
    }

    #[test]
    fn a_second_frame_every_sample_shares_is_the_signal_handler() {
        let mut data = words64(&[0, 3, 0, 10000, 0]);
        data.extend(words64(&[2, 4, 0x401010, 0x402020, 0x403030, 0x404040]));
        let p = parse(&data, &Limits::default()).unwrap();
        let addresses = super::super::stack_addresses(&p, 0);
        // Two passes at most: the two frames above the leaf go.
        assert_eq!(addresses, [0x401010, 0x40403f]);
    }

    #[test]
    fn a_depth_past_the_data_is_not_this_format() {
        let data = words64(&[0, 3, 0, 10000, 0, 1, 99]);
        assert!(matches!(
            parse(&data, &Limits::default()),
            Err(Error::Unrecognized)
        ));
        assert!(!recognizes(&words64(&[0, 3, 2, 10000, 0])));
    }
}
