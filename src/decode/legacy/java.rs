//! Google's legacy Java profiler texts (pprof's legacy_java_profile.go): `--- heapz 1 ---` and
//! `--- contentionz 1 ---` with `format = java`. Attribute lines, then `a b @ addresses`
//! records (bytes or delay first, the count second), then one `0xADDR name (file:line)` line
//! per address. The CPU variant's frames (after its binary records) are read the same way.

use std::borrow::Cow;
use std::sync::LazyLock;

use regex::Regex;

use crate::graph::go_base;
use crate::profile::Profile;

use super::gomath::scale_heap_sample;
use super::text::{parse_int, parse_uint};
use super::{Builder, Error, Finish, Limits, failed, parse_hex_addresses, value_type};

static ATTRIBUTE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"([0-9A-Za-z_ ]+)=([0-9A-Za-z_ ]+)").expect("a fixed regex"));
static SAMPLE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r" *([0-9]+) +([0-9]+) +@ +([ x0-9a-f]*)").expect("a fixed regex"));
static LOCATION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[\t\n\f\r ]*0x([[:xdigit:]]+)[\t\n\f\r ]+(.*)[\t\n\f\r ]*$")
        .expect("a fixed regex")
});
static FILE_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(.*)[\t\n\f\r ]+\((.+):(-?[[:digit:]]+)\)$").expect("a fixed regex")
});
static PATH: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(.*)[\t\n\f\r ]+\((.*)\)$").expect("a fixed regex"));

/// The javaHeapzSamplingRate pprof unsamples Java heap records with (512 KiB).
const JAVA_HEAP_RATE: i64 = 524288;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Heap,
    Contention,
}

/// The profile kind named by the first line, which must end in a newline.
fn kind(data: &[u8]) -> Option<(Kind, &[u8])> {
    let nl = data.iter().position(|&b| b == b'\n')?;
    match String::from_utf8_lossy(&data[..nl]).trim() {
        "--- heapz 1 ---" => Some((Kind::Heap, &data[nl + 1..])),
        "--- contentionz 1 ---" => Some((Kind::Contention, &data[nl + 1..])),
        _ => None,
    }
}

pub(super) fn recognizes(data: &[u8]) -> bool {
    kind(data).is_some()
}

/// Splits off the next newline-terminated line (a last line without newline is not one);
/// the caller trims it.
fn next_line(b: &[u8]) -> Option<(Cow<'_, str>, &[u8])> {
    let nl = b.iter().position(|&c| c == b'\n')?;
    Some((String::from_utf8_lossy(&b[..nl]), &b[nl + 1..]))
}

pub(super) fn parse(data: &[u8], limits: &Limits) -> Result<Profile, Error> {
    let Some((kind, rest)) = kind(data) else {
        return Err(Error::Unrecognized);
    };
    let mut b = Builder::new(limits, 2);
    let rest = parse_header(kind, rest, &mut b)?;
    let rest = parse_samples(kind, rest, &mut b)?;
    parse_locations(rest, &mut b)?;
    b.finish(Finish {
        clear_addresses: true,
        ..Finish::default()
    })
}

/// `parseJavaHeader`: attribute lines up to the first line that is not one.
fn parse_header<'a>(kind: Kind, mut rest: &'a [u8], b: &mut Builder) -> Result<&'a [u8], Error> {
    while let Some((raw, after)) = next_line(rest) {
        let line = raw.trim();
        if !line.is_empty() {
            let Some(c) = ATTRIBUTE.captures(line) else {
                return Ok(rest);
            };
            let (attribute, value) = (c[1].trim(), c[2].trim());
            let number = || {
                parse_int(value, 0)
                    .map_err(|e| failed(format!("failed to parse attribute {line}: {e}")))
            };
            match (kind, attribute) {
                (_, "format") => {
                    if value != "java" {
                        return Err(Error::Unrecognized);
                    }
                }
                (Kind::Heap, "resolution") => {
                    b.sample_types = vec![
                        value_type("inuse_objects", "count"),
                        value_type("inuse_space", value),
                    ];
                }
                (Kind::Contention, "resolution") => {
                    b.sample_types = vec![
                        value_type("contentions", "count"),
                        value_type("delay", value),
                    ];
                }
                (Kind::Contention, "sampling period") => {
                    b.period_type = value_type("contentions", "count");
                    b.period = number()?;
                }
                (Kind::Contention, "ms since reset") => {
                    b.duration_nanos = number()?.wrapping_mul(1_000_000);
                }
                _ => return Err(Error::Unrecognized),
            }
        }
        rest = after;
    }
    Ok(rest)
}

/// `parseJavaSamples`: records up to the first line that is not one.
fn parse_samples<'a>(kind: Kind, mut rest: &'a [u8], b: &mut Builder) -> Result<&'a [u8], Error> {
    while let Some((raw, after)) = next_line(rest) {
        let line = raw.trim();
        if !line.is_empty() {
            let Some(c) = SAMPLE.captures(line) else {
                return Ok(rest);
            };
            let addresses = parse_hex_addresses(&c[3], line, b.limits)?;
            let number = |i: usize| {
                parse_int(&c[i], 0).map_err(|e| failed(format!("parsing sample {line}: {e}")))
            };
            // Java puts the bytes (or delay) first and the count second.
            let (mut count, mut amount) = (number(2)?, number(1)?);
            let mut bytes = None;
            match kind {
                Kind::Heap => {
                    if count == 0 {
                        return Err(failed(format!(
                            "parsing sample {line}: second value must be non-zero"
                        )));
                    }
                    bytes = Some(amount.wrapping_div(count));
                    (count, amount) = scale_heap_sample(count, amount, JAVA_HEAP_RATE);
                }
                Kind::Contention => {
                    if b.period != 0 {
                        count = count.wrapping_mul(b.period);
                        amount = amount.wrapping_mul(b.period);
                    }
                }
            }
            b.push_sample(addresses, &[count, amount], bytes)?;
        }
        rest = after;
    }
    Ok(rest)
}

/// `parseJavaLocations`: names the locations the records use; other lines are skipped.
pub(super) fn parse_locations(data: &[u8], b: &mut Builder) -> Result<(), Error> {
    for raw in data.split(|&c| c == b'\n') {
        let text = String::from_utf8_lossy(raw);
        let line = text.trim();
        if line.is_empty() {
            continue;
        }
        let Some(c) = LOCATION.captures(line) else {
            continue;
        };
        let address =
            parse_uint(&c[1], 16).map_err(|e| failed(format!("parsing sample {line}: {e}")))?;
        let Some(loc) = b.existing_location(address) else {
            continue;
        };
        let frame = &c[2];
        let (name, file, line_no) = if let Some(f) = FILE_LINE.captures(frame) {
            let line_no = parse_int(&f[3], 10).ok().filter(|&n| n > 0).unwrap_or(0);
            (f[1].to_string(), f[2].to_string(), line_no)
        } else if let Some(p) = PATH.captures(frame) {
            // A shared library: only its name is of interest.
            (p[1].to_string(), go_base(&p[2]).to_string(), 0)
        } else if frame.contains("generated stub/JIT") {
            ("STUB".to_string(), String::new(), 0)
        } else {
            // The agent's own states, such as "GC" or "VM".
            (frame.to_string(), String::new(), 0)
        };
        b.set_java_frame(loc, &name, &file, line_no)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heap_records_are_named_and_unsampled() {
        let text = "--- heapz 1 ---\nformat = java\nresolution = bytes\n\
                    4752 9 @ 0x2b 0x2c\n\n 0x2b com.example.f (F.java:12)\n 0x2c GC\n";
        let p = parse(text.as_bytes(), &Limits::default()).unwrap();
        assert_eq!(p.sample_types[1].unit, "bytes");
        let (count, bytes) = scale_heap_sample(9, 4752, JAVA_HEAP_RATE);
        assert_eq!(p.samples.values(0), [count, bytes]);
        let names: Vec<&str> = p
            .samples
            .stack(0)
            .iter()
            .map(|&l| {
                let loc = p.location(l);
                assert_eq!(loc.address, 0);
                p.str(p.function(loc.lines[0].function).name)
            })
            .collect();
        assert_eq!(names, ["com.example.f", "GC"]);
    }

    #[test]
    fn a_zero_count_is_pprofs_error() {
        match parse(b"--- heapz 1 ---\n0 0 @ 0\n", &Limits::default()) {
            Err(Error::Failed(e)) => assert_eq!(
                e.to_string(),
                "parsing profile: parsing sample 0 0 @ 0: second value must be non-zero"
            ),
            _ => panic!("accepted"),
        }
    }

    #[test]
    fn base_is_gos() {
        assert_eq!(go_base(""), ".");
        assert_eq!(go_base("///"), "/");
        assert_eq!(go_base("/lib/libc.so/"), "libc.so");
    }
}
