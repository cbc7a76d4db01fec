//! Contention profiles (pprof's `parseContention`): C++ `--- contentionz` and the Go runtime's
//! block (`--- contention:`) and mutex (`--- mutex:`) texts. `key = value` lines come first;
//! then `delay count @ addresses` records, delay in cycles. pprof converts the delay to
//! nanoseconds with `cycles/second` and multiplies both values by the sampling period.

use std::sync::LazyLock;

use regex::Regex;

use crate::profile::Profile;

use super::gomath::go_f64_to_i64;
use super::text::{Scanner, is_space_or_comment, parse_int};
use super::{
    Builder, Error, Finish, Limits, failed, parse_hex_addresses, read_additional_sections,
    value_type,
};

static SAMPLE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"([0-9]+) *([0-9]+) @([ x0-9a-f]*)").expect("a fixed regex"));

fn is_header(line: &str) -> bool {
    ["--- contentionz ", "--- mutex:", "--- contention:"]
        .iter()
        .any(|p| line.starts_with(p))
}

pub(super) fn recognizes(data: &[u8]) -> bool {
    let mut s = Scanner::new(data);
    s.scan() && is_header(&s.text())
}

pub(super) fn parse(data: &[u8], limits: &Limits) -> Result<Profile, Error> {
    let mut s = Scanner::new(data);
    if !s.scan() {
        return Err(match s.err() {
            Some(e) => failed(e),
            None => Error::Unrecognized,
        });
    }
    if !is_header(&s.text()) {
        return Err(Error::Unrecognized);
    }
    let mut b = Builder::new(limits, 2);
    b.period_type = value_type("contentions", "count");
    b.period = 1;
    b.sample_types = vec![
        value_type("contentions", "count"),
        value_type("delay", "nanoseconds"),
    ];
    let mut cpu_hz = 0;
    while s.scan() {
        let text = s.text();
        let line = text.trim();
        if is_space_or_comment(line) {
            continue;
        }
        if line.starts_with("---") {
            break;
        }
        let Some((key, value)) = line.split_once('=') else {
            break;
        };
        let number = || parse_int(value.trim(), 0).map_err(|_| Error::Unrecognized);
        match key.trim() {
            "cycles/second" => cpu_hz = number()?,
            "sampling period" => b.period = number()?,
            "ms since reset" => b.duration_nanos = number()?.wrapping_mul(1_000_000),
            "discarded samples" => {}
            // `format` and `resolution` are Java's, which the Java reader takes.
            _ => return Err(Error::Unrecognized),
        }
    }
    if let Some(e) = s.err() {
        return Err(failed(e));
    }
    loop {
        let text = s.text();
        let line = text.trim();
        if line.starts_with("---") {
            break;
        }
        if !is_space_or_comment(line) {
            let (values, addresses) = parse_sample(line, b.period, cpu_hz, limits)?;
            let stack = addresses.iter().map(|a| a.wrapping_sub(1));
            b.push_sample(stack, &values, None)?;
        }
        if !s.scan() {
            break;
        }
    }
    if let Some(e) = s.err() {
        return Err(failed(e));
    }
    read_additional_sections(&mut s, &mut b)?;
    b.finish(Finish::default())
}

/// pprof's `parseContentionSample`: `[count, delay]`, unsampled when the period is known.
fn parse_sample(
    line: &str,
    period: i64,
    cpu_hz: i64,
    limits: &Limits,
) -> Result<([i64; 2], Vec<u64>), Error> {
    let c = SAMPLE.captures(line).ok_or(Error::Unrecognized)?;
    let number = |i: usize| {
        parse_int(&c[i], 10).map_err(|e| failed(format!("malformed sample: {line}: {e}")))
    };
    let (mut delay, mut count) = (number(1)?, number(2)?);
    if period > 0 {
        if cpu_hz > 0 {
            let cpu_ghz = cpu_hz as f64 / 1e9;
            delay = go_f64_to_i64(delay as f64 * period as f64 / cpu_ghz);
        }
        count = count.wrapping_mul(period);
    }
    let addresses = parse_hex_addresses(&c[3], line, limits)?;
    Ok(([count, delay], addresses))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mutex_text_is_unsampled() {
        // go-text-profiles.md §2.2's example: 60 contentions, 10 ms.
        let text =
            "--- mutex:\ncycles/second=2400000000\nsampling period=5\n4800000 12 @ 0x10 0x20\n";
        let p = parse(text.as_bytes(), &Limits::default()).unwrap();
        assert_eq!(p.samples.values(0), [60, 10_000_000]);
        assert_eq!(p.period, 5);
    }

    #[test]
    fn java_attributes_are_left_to_the_java_reader() {
        let text = "--- contentionz 1 ---\nformat = java\n";
        assert!(matches!(
            parse(text.as_bytes(), &Limits::default()),
            Err(Error::Unrecognized)
        ));
    }
}
